//! Readiness findings (docs/engine.md, "Readiness and findings"): what is missing, stale or
//! inadequate in the continuity evidence, judged against each supplier's
//! tier.

use crate::concentration::{counted_functions, direct_failures, Concentration};
use crate::graph::ImpactGraph;
use crate::rank::SupplierRank;
use crate::readiness::{EscrowState, StatementState};
use crate::Dur;
use linchpin_diagnostics::Severity;
use linchpin_model::{
    Catalog, Config, Criticality, Date, EntityId, EscrowVerification, ExitStrategy, Spec,
};

/// The business functions' names side by side in one string, for writing
/// long lists of them: a supplier of a large landscape stops hundreds of
/// functions, and reading each name from its entity is a cache miss
/// (measured: a fifth of the findings on 100k entities).
struct FunctionNames {
    /// Per entity, its name's range in `text` (empty for other kinds).
    spans: Vec<(u32, u32)>,
    text: String,
}

impl FunctionNames {
    fn new(catalog: &Catalog) -> FunctionNames {
        let mut text = String::new();
        let spans = catalog
            .entities()
            .iter()
            .map(|e| {
                if !matches!(e.spec, Spec::BusinessFunction(_)) {
                    return (0, 0);
                }
                let start = text.len() as u32;
                text.push_str(&e.entity_ref.name);
                (start, text.len() as u32)
            })
            .collect();
        FunctionNames { spans, text }
    }

    /// Functions' names in backticks, separated by commas, in one string.
    fn list(&self, catalog: &Catalog, ids: impl Iterator<Item = EntityId>) -> String {
        let mut out = String::new();
        for id in ids {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push('`');
            match self.spans[id.index()] {
                (a, b) if a < b => out.push_str(&self.text[a as usize..b as usize]),
                _ => out.push_str(&catalog.entity(id).entity_ref.name),
            }
            out.push('`');
        }
        out
    }
}

/// The annotation that allows findings on one entity:
/// `linchpin.dev/allow: missing-escrow, untested-exit-plan`.
pub const ALLOW_ANNOTATION: &str = "linchpin.dev/allow";

/// The annotation that marks an entity as a guess not yet confirmed by a
/// person (`linchpin init` writes it, with what is to be decided):
/// `unconfirmed-guess` is reported instead of the entity's other findings
/// until the annotation is removed.
pub const GUESS_ANNOTATION: &str = "linchpin.dev/guess";

/// One finding about one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The finding's stable id (see `linchpin explain`).
    pub id: &'static str,
    /// Its severity after `linchpin.toml`.
    pub severity: Severity,
    /// The entity it is about.
    pub entity: EntityId,
    /// One line naming the entity and what is wrong.
    pub message: String,
}

/// Every finding of a ranked landscape, in entity order then id.
pub fn findings(
    catalog: &Catalog,
    graph: &ImpactGraph,
    ranking: &[SupplierRank],
    config: &Config,
    today: Date,
    threads: usize,
) -> Vec<Finding> {
    findings_given(catalog, graph, ranking, None, config, today, threads)
}

/// [`findings`], taking what a fourth party reaches only through other
/// suppliers from `concentration` (of the same landscape) where given,
/// instead of propagating those failures again.
pub fn findings_given(
    catalog: &Catalog,
    graph: &ImpactGraph,
    ranking: &[SupplierRank],
    concentration: Option<&Concentration>,
    config: &Config,
    today: Date,
    threads: usize,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let make = |id: &'static str, entity: EntityId, message: String| -> Option<Finding> {
        let severity = config.severity_of(id)?;
        if allowed(catalog, entity, id) {
            return None;
        }
        Some(Finding {
            id,
            severity,
            entity,
            message,
        })
    };
    let mut emit = |id: &'static str, entity: EntityId, message: String| {
        out.extend(make(id, entity, message));
    };
    let name = |id: EntityId| catalog.entity(id).entity_ref.to_string();
    let older_than = |date: Date, limit: linchpin_model::Duration| {
        i64::from(date.days_until(today)) * 86_400 > limit.seconds() as i64
    };

    for (id, e) in catalog.iter() {
        if let Spec::BusinessFunction(f) = &e.spec {
            if f.owner.is_none() {
                emit(
                    "unowned-function",
                    id,
                    format!("business function `{}` has no owner", name(id)),
                );
            }
        }
    }

    let hidden = hidden_reach(catalog, graph, ranking, concentration, threads);
    let function_names = FunctionNames::new(catalog);
    // Each supplier's findings on its own, on all cores (thousands of
    // suppliers, some with lists of hundreds of functions); in ranking order.
    let of_supplier = |r: &SupplierRank| -> Vec<Finding> {
        let mut found = Vec::new();
        let mut emit = |id: &'static str, entity: EntityId, message: String| {
            found.extend(make(id, entity, message));
        };
        let id = r.id;
        let Spec::Supplier(s) = &catalog.entity(id).spec else {
            return found;
        };
        let who = name(id);
        let important = r.tier <= 2;
        if s.owner.is_none() {
            emit(
                "unowned-supplier",
                id,
                format!("supplier `{who}` has no relationship owner"),
            );
        }
        match r.readiness.statement {
            StatementState::Missing if important => emit(
                "missing-continuity-statement",
                id,
                format!(
                    "`{who}` (tier {}) has no continuity statement and none was requested",
                    r.tier
                ),
            ),
            StatementState::Requested(on) if older_than(on, config.statement_overdue) => emit(
                "continuity-statement-overdue",
                id,
                format!(
                    "the continuity statement of `{who}` was requested on {on} and has not arrived"
                ),
            ),
            StatementState::Expired(on) if r.tier <= 3 => emit(
                "expired-continuity-statement",
                id,
                format!("the continuity statement of `{who}` expired on {on}"),
            ),
            _ => {}
        }
        if r.readiness.rto_adequate == Some(false) {
            let rto = s
                .continuity
                .as_ref()
                .and_then(|c| c.statement.as_ref())
                .and_then(|st| st.rto)
                .map(Dur::from)
                .unwrap_or(Dur::INF);
            emit(
                "inadequate-supplier-rto",
                id,
                format!(
                    "`{who}` commits to recover within {rto}, but a function it stops tolerates only {}",
                    r.readiness.tightest_tolerance.unwrap_or(Dur::INF)
                ),
            );
        }
        match r.readiness.escrow {
            EscrowState::Missing => emit(
                "missing-escrow",
                id,
                format!("`{who}` is software supporting a critical or important function, without source-code escrow"),
            ),
            EscrowState::Present(verification, deposit) => {
                if let Some(d) = deposit {
                    if older_than(d, config.escrow_max_age) {
                        emit(
                            "stale-escrow-deposit",
                            id,
                            format!("the last escrow deposit of `{who}` was on {d}, older than {}", config.escrow_max_age),
                        );
                    }
                }
                if verification != Some(EscrowVerification::Build) {
                    emit(
                        "escrow-unverified-build",
                        id,
                        format!(
                            "the escrow deposit of `{who}` is verified {}, not by a build",
                            verification.map_or("not at all", |v| if v == EscrowVerification::Deposit { "as a deposit only" } else { "not at all" })
                        ),
                    );
                }
                if s.escrow.as_ref().is_some_and(|e| e.maintainer.is_none()) {
                    emit(
                        "escrow-without-maintainer",
                        id,
                        format!("nobody is named to run and patch the escrowed code of `{who}`"),
                    );
                }
            }
            EscrowState::NotNeeded => {}
        }
        match &s.exit {
            None if important => emit(
                "missing-exit-plan",
                id,
                format!("`{who}` (tier {}) has no exit plan", r.tier),
            ),
            None => {}
            Some(exit) => {
                if important {
                    match exit.last_tested {
                        None => emit("untested-exit-plan", id, format!("the exit plan for `{who}` was never tested")),
                        Some(d) if older_than(d, config.exit_test_max_age) => emit(
                            "untested-exit-plan",
                            id,
                            format!("the exit plan for `{who}` was last tested on {d}, longer ago than {}", config.exit_test_max_age),
                        ),
                        Some(_) => {}
                    }
                }
                if exit.lead_time.is_some() && !r.permanent.breaches.is_empty() {
                    emit(
                        "exit-slower-than-tolerance",
                        id,
                        format!(
                            "leaving `{who}` takes {}; {} cannot wait that long",
                            r.permanent.duration,
                            r.permanent
                                .breaches
                                .iter()
                                .map(|&f| format!("`{}`", catalog.entity(f).entity_ref.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                if exit.strategy == Some(ExitStrategy::Escrow) && exit.alternatives.is_empty() {
                    emit(
                        "escrow-without-successor",
                        id,
                        format!("the exit from `{who}` takes over escrowed code but names nothing to replace it later"),
                    );
                }
                if exit.strategy == Some(ExitStrategy::Replace) && exit.alternatives.is_empty() {
                    emit(
                        "no-alternatives",
                        id,
                        format!("the exit plan replaces `{who}` but names no alternative"),
                    );
                }
            }
        }
        let single = function_names.list(
            catalog,
            r.stops
                .iter()
                .filter(|f| f.criticality == Criticality::Critical && f.down_cap.is_inf())
                .map(|f| f.function),
        );
        if !single.is_empty() {
            emit(
                "single-point-of-failure",
                id,
                format!("`{who}` alone stops {single} for as long as it is down"),
            );
        }
        if let Some((_, functions)) = hidden.iter().find(|(s, _)| *s == id) {
            if !functions.is_empty() {
                let functions = function_names.list(catalog, functions.iter().copied());
                emit(
                    "hidden-concentration",
                    id,
                    format!("`{who}` reaches {functions} only through other suppliers"),
                );
            }
        }
        found
    };
    let lists: Vec<Vec<Finding>> = if threads <= 1 {
        ranking.iter().map(of_supplier).collect()
    } else {
        use rayon::prelude::*;
        ranking
            .par_iter()
            .with_min_len(16)
            .map(of_supplier)
            .collect()
    };
    out.extend(lists.into_iter().flatten());
    // A guess speaks for the entity until a person confirms it: its other
    // findings are held back (and counted), since whether the supplier is
    // real, or the function's criticality right, decides them.
    let mut held = vec![0usize; catalog.len()];
    out.retain(|f| {
        let guessed = catalog
            .entity(f.entity)
            .metadata
            .annotation(GUESS_ANNOTATION)
            .is_some();
        if guessed {
            held[f.entity.index()] += 1;
        }
        !guessed
    });
    for (id, e) in catalog.iter() {
        let Some(what) = e.metadata.annotation(GUESS_ANNOTATION) else {
            continue;
        };
        let Some(severity) = config.severity_of("unconfirmed-guess") else {
            continue;
        };
        if allowed(catalog, id, "unconfirmed-guess") {
            continue;
        }
        let what = what.trim().trim_end_matches('.');
        let mut message = format!("`{}` is a guess to confirm", name(id));
        if !what.is_empty() {
            message.push_str(&format!(": {what}"));
        }
        match held[id.index()] {
            0 => {}
            1 => message.push_str(" (1 more finding waits for it)"),
            n => message.push_str(&format!(" ({n} more findings wait for it)")),
        }
        out.push(Finding {
            id: "unconfirmed-guess",
            severity,
            entity: id,
            message,
        });
    }
    out.sort_by(|a, b| a.entity.cmp(&b.entity).then(a.id.cmp(b.id)));
    out
}

/// Whether the entity allows finding `id` (`linchpin.dev/allow: ID, ...`).
pub fn allowed(catalog: &Catalog, entity: EntityId, id: &str) -> bool {
    catalog
        .entity(entity)
        .metadata
        .annotation(ALLOW_ANNOTATION)
        .is_some_and(|list| list.split([',', ' ']).any(|x| x.trim() == id))
}

/// For the suppliers other suppliers rely on (fourth parties): the critical
/// and important functions they affect only through those suppliers.
fn hidden_reach(
    catalog: &Catalog,
    graph: &ImpactGraph,
    ranking: &[SupplierRank],
    concentration: Option<&Concentration>,
    threads: usize,
) -> Vec<(EntityId, Vec<EntityId>)> {
    let is_supplier = |n: u32| matches!(catalog.entity(EntityId(n)).spec, Spec::Supplier(_));
    let fourth: Vec<&SupplierRank> = ranking
        .iter()
        .filter(|r| graph.dependents(r.id.0).iter().any(|&d| is_supplier(d)))
        .collect();
    if fourth.is_empty() {
        return Vec::new();
    }
    // In the ranking's order (most critical first, then by distance), as
    // the finding lists them.
    let in_rank_order = |r: &SupplierRank, hidden: &dyn Fn(EntityId) -> bool| -> Vec<EntityId> {
        r.stops
            .iter()
            .chain(&r.degrades)
            .filter(|f| f.criticality <= Criticality::Important && hidden(f.function))
            .map(|f| f.function)
            .collect()
    };
    if let Some(c) = concentration {
        return fourth
            .iter()
            .map(|r| {
                let hidden: &[EntityId] = c
                    .suppliers
                    .iter()
                    .find(|x| x.id == r.id)
                    .map_or(&[], |x| &x.reach.hidden);
                (
                    r.id,
                    in_rank_order(r, &|f| hidden.binary_search(&f).is_ok()),
                )
            })
            .collect();
    }
    let sources: Vec<u32> = fourth.iter().map(|r| r.id.0).collect();
    let mut direct: Vec<Vec<EntityId>> = vec![Vec::new(); fourth.len()];
    let counted = counted_functions(catalog);
    for (s, node, _) in direct_failures(catalog, graph, &sources, &counted, threads) {
        direct[s as usize].push(EntityId(node));
    }
    fourth
        .iter()
        .zip(direct)
        .map(|(r, mut direct)| {
            // Thousands of functions against thousands: searched, not scanned.
            direct.sort_unstable();
            (
                r.id,
                in_rank_order(r, &|f| direct.binary_search(&f).is_err()),
            )
        })
        .collect()
}
