//! The playbook: the page a team opens when a supplier goes dark.

use crate::view::filters;
use linchpin_engine::whatif::{whatif_with, DurationSource};
use linchpin_engine::{
    Dur, FailureSpec, Finding, ImpactGraph, Propagator, Status, SupplierRank, WhatIf,
};
use linchpin_model::{Catalog, EntityId, FailureMode, Spec};
use std::fmt::Write;

/// A fallback to activate: `holder` switches from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The entity that switches.
    pub holder: EntityId,
    /// The affected active option.
    pub from: EntityId,
    /// An unaffected alternative.
    pub to: EntityId,
    /// How long the switch takes.
    pub switchover: Dur,
}

/// Everything on one supplier's playbook.
#[derive(Debug, Clone)]
pub struct Playbook {
    /// The supplier.
    pub supplier: EntityId,
    /// Its ranking.
    pub rank: SupplierRank,
    /// An outage for its committed RTO.
    pub outage: WhatIf,
    /// A permanent failure until the exit is done.
    pub permanent: WhatIf,
    /// Fallbacks its failure calls for.
    pub fallbacks: Vec<Fallback>,
    /// Its readiness findings.
    pub findings: Vec<Finding>,
}

impl Playbook {
    /// Assembles the playbook of `supplier`.
    pub fn build(
        catalog: &Catalog,
        graph: &ImpactGraph,
        propagator: &mut Propagator,
        rank: &SupplierRank,
        findings: &[Finding],
    ) -> Playbook {
        let run = |mode: FailureMode, propagator: &mut Propagator| {
            whatif_with(
                catalog,
                graph,
                propagator,
                &FailureSpec {
                    fail: vec![rank.id],
                    mode,
                    duration: None,
                },
            )
        };
        let outage = run(FailureMode::Outage, propagator);
        let permanent = run(FailureMode::Permanent, propagator);
        // Fallbacks: every `anyOf` whose active option the failure reaches
        // while another option stays up. Read off an unbounded failure.
        propagator.run(graph, &[(rank.id.0, Dur::INF)]);
        let mut fallbacks = Vec::new();
        for &n in propagator.reach() {
            for e in graph.edges(n) {
                let targets = graph.targets(e);
                if targets.len() < 2 || !propagator.state(targets[0]).is_affected() {
                    continue;
                }
                if let Some(&alt) = targets[1..]
                    .iter()
                    .find(|&&t| !propagator.state(t).is_affected())
                {
                    fallbacks.push(Fallback {
                        holder: EntityId(n),
                        from: EntityId(targets[0]),
                        to: EntityId(alt),
                        switchover: e.switchover,
                    });
                }
            }
        }
        Playbook {
            supplier: rank.id,
            rank: rank.clone(),
            outage,
            permanent,
            fallbacks,
            findings: findings
                .iter()
                .filter(|f| f.entity == rank.id)
                .cloned()
                .collect(),
        }
    }
}

fn source(s: DurationSource) -> &'static str {
    match s {
        DurationSource::Given => "as given",
        DurationSource::StatementRto => "its committed RTO",
        DurationSource::ExitLeadTime => "the exit plan's lead time",
        DurationSource::Unbounded => "nothing bounds it",
    }
}

/// The playbook's content as (heading, rows of (label, value)) blocks and
/// tables, shared by the Markdown and HTML renderings.
struct Content {
    title: String,
    facts: Vec<(String, String)>,
    impact: Vec<[String; 6]>,
    fallbacks: Vec<String>,
    exit: Vec<(String, String)>,
    escrow: Vec<(String, String)>,
    statement: Vec<(String, String)>,
    links: Vec<(String, String)>,
    contracts: Vec<String>,
    findings: Vec<String>,
}

fn content(p: &Playbook, c: &Catalog) -> Content {
    let e = c.entity(p.supplier);
    let Spec::Supplier(s) = &e.spec else {
        unreachable!("playbooks are for suppliers")
    };
    let name = |id: EntityId| c.entity(id).display_name().to_owned();
    let reference = |r: &linchpin_model::EntityRef| c.lookup(r).map_or_else(|| r.to_string(), name);
    let mut facts = vec![
        (
            "Supplier".into(),
            format!("{} (`{}`)", e.display_name(), e.entity_ref),
        ),
        (
            "Tier".into(),
            format!("{} — score {:.1}", p.rank.tier, p.rank.score),
        ),
        ("Type".into(), s.supplier_type.as_str().into()),
        (
            "Relationship owner".into(),
            s.owner
                .as_ref()
                .map_or("nobody — set `spec.owner`".into(), |o| {
                    reference(&o.value)
                }),
        ),
    ];
    if let Some(country) = &s.country {
        facts.push(("Headquarters".into(), country.value.clone()));
    }
    for (k, v) in &s.identifiers {
        facts.push((k.to_uppercase(), v.value.clone()));
    }
    let deps: Vec<String> = s
        .dependencies
        .depends_on
        .iter()
        .map(|r| reference(&r.value))
        .collect();
    if !deps.is_empty() {
        facts.push(("Relies on (fourth parties)".into(), deps.join(", ")));
    }
    facts.push((
        "An outage lasts".into(),
        format!(
            "{} ({})",
            p.rank.outage.duration,
            source(p.rank.outage.source)
        ),
    ));
    facts.push((
        "A permanent failure lasts".into(),
        format!(
            "{} ({})",
            p.rank.permanent.duration,
            source(p.rank.permanent.source)
        ),
    ));

    let mut impact = Vec::new();
    for f in p
        .permanent
        .functions
        .iter()
        .filter(|f| f.status != Status::Up)
    {
        let o = p.outage.functions.iter().find(|x| x.id == f.id);
        let owner = match &c.entity(f.id).spec {
            Spec::BusinessFunction(bf) => bf
                .owner
                .as_ref()
                .map_or("–".into(), |o| reference(&o.value)),
            _ => "–".into(),
        };
        let how = |x: &linchpin_engine::FunctionImpact| {
            let d = if x.status == Status::Down {
                x.down
            } else {
                x.impaired
            };
            format!(
                "{} {}{}",
                x.status.as_str(),
                d,
                if x.breach { " — BREACH" } else { "" }
            )
        };
        impact.push([
            format!("{} ({})", name(f.id), f.criticality.as_str()),
            owner,
            o.map_or("up".into(), how),
            how(f),
            f.tolerance.map_or("–".into(), |d| d.to_string()),
            f.path
                .iter()
                .map(|&id| name(id))
                .collect::<Vec<_>>()
                .join(" → "),
        ]);
    }
    let fallbacks = p
        .fallbacks
        .iter()
        .map(|f| {
            format!(
                "{}: switch from {} to {} (takes {})",
                name(f.holder),
                name(f.from),
                name(f.to),
                f.switchover
            )
        })
        .collect();
    let exit = match &s.exit {
        None => vec![(
            "Exit plan".into(),
            "none — there is no plan to leave this supplier".into(),
        )],
        Some(x) => vec![
            (
                "Strategy".into(),
                x.strategy.map_or("not set".into(), |s| s.as_str().into()),
            ),
            (
                "Lead time".into(),
                x.lead_time
                    .as_ref()
                    .map_or("not set".into(), |l| l.value.to_string()),
            ),
            (
                "Alternatives".into(),
                if x.alternatives.is_empty() {
                    "none named".into()
                } else {
                    x.alternatives
                        .iter()
                        .map(|a| reference(&a.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ),
            (
                "Owner".into(),
                x.owner
                    .as_ref()
                    .map_or("nobody".into(), |o| reference(&o.value)),
            ),
            (
                "Last tested".into(),
                x.last_tested.map_or("never".into(), |d| d.to_string()),
            ),
        ],
    };
    let escrow = match &s.escrow {
        None => Vec::new(),
        Some(x) => vec![
            (
                "Agent".into(),
                x.agent.clone().unwrap_or_else(|| "not set".into()),
            ),
            (
                "Release conditions".into(),
                if x.release_conditions.is_empty() {
                    "not set".into()
                } else {
                    x.release_conditions.join(", ")
                },
            ),
            (
                "Last deposit".into(),
                x.last_deposit.map_or("unknown".into(), |d| d.to_string()),
            ),
            (
                "Verified".into(),
                x.verification
                    .map_or("not at all".into(), |v| v.as_str().into()),
            ),
            (
                "Who runs the released code".into(),
                x.maintainer
                    .as_ref()
                    .map_or("nobody named".into(), |m| reference(&m.value)),
            ),
        ],
    };
    let statement = match s.continuity.as_ref().and_then(|c| c.statement.as_ref()) {
        None => vec![(
            "Statement".into(),
            match s.continuity.as_ref().and_then(|c| c.requested) {
                Some(d) => format!("requested {d}, not received"),
                None => "none".into(),
            },
        )],
        Some(st) => vec![
            (
                "Committed RTO".into(),
                st.rto.map_or("not stated".into(), |d| d.to_string()),
            ),
            (
                "Committed RPO".into(),
                st.rpo.map_or("not stated".into(), |d| d.to_string()),
            ),
            (
                "Valid until".into(),
                st.valid_until
                    .map_or("not stated".into(), |d| d.to_string()),
            ),
            (
                "Plan last tested".into(),
                st.bcp_tested.map_or("not stated".into(), |d| d.to_string()),
            ),
            (
                "Certifications".into(),
                if st.certifications.is_empty() {
                    "none".into()
                } else {
                    st.certifications.join(", ")
                },
            ),
            (
                "Document".into(),
                st.document.clone().unwrap_or_else(|| "–".into()),
            ),
        ],
    };
    let links = e
        .metadata
        .links
        .iter()
        .map(|l| {
            (
                l.title.clone().unwrap_or_else(|| l.url.clone()),
                l.url.clone(),
            )
        })
        .collect();
    let contracts = s
        .contracts
        .iter()
        .map(|k| {
            let mut t = k.reference.clone();
            if let Some(end) = k.end {
                let _ = write!(t, ", ends {end}");
            }
            if let Some(n) = k.notice_period {
                let _ = write!(t, ", notice {n}");
            }
            t
        })
        .collect();
    let findings = p
        .findings
        .iter()
        .map(|f| format!("{} ({})", f.message, f.id))
        .collect();
    Content {
        title: format!("When {} goes dark", e.display_name()),
        facts,
        impact,
        fallbacks,
        exit,
        escrow,
        statement,
        links,
        contracts,
        findings,
    }
}

/// The playbook in Markdown.
pub fn playbook_markdown(p: &Playbook, c: &Catalog) -> String {
    let k = content(p, c);
    let mut o = format!("# {}\n\n", k.title);
    let pairs = |o: &mut String, rows: &[(String, String)]| {
        for (a, b) in rows {
            let _ = writeln!(o, "- **{a}:** {b}");
        }
        o.push('\n');
    };
    pairs(&mut o, &k.facts);
    o.push_str("## What stops, and for how long\n\n");
    if k.impact.is_empty() {
        o.push_str("No business function is affected.\n\n");
    } else {
        o.push_str("| Function | Owner | Outage | Permanent | Tolerates | Why |\n|---|---|---|---|---|---|\n");
        for r in &k.impact {
            let _ = writeln!(
                o,
                "| {} |",
                r.iter()
                    .map(|x| x.replace('|', "\\|"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
        o.push('\n');
    }
    o.push_str("## Fallbacks to activate\n\n");
    if k.fallbacks.is_empty() {
        o.push_str("None: no alternative takes over anywhere on the way.\n\n");
    } else {
        for f in &k.fallbacks {
            let _ = writeln!(o, "1. {f}");
        }
        o.push('\n');
    }
    o.push_str("## Exit plan\n\n");
    pairs(&mut o, &k.exit);
    if !k.escrow.is_empty() {
        o.push_str("## Escrow\n\n");
        pairs(&mut o, &k.escrow);
    }
    o.push_str("## Continuity statement\n\n");
    pairs(&mut o, &k.statement);
    if !k.contracts.is_empty() {
        o.push_str("## Contracts\n\n");
        for x in &k.contracts {
            let _ = writeln!(o, "- {x}");
        }
        o.push('\n');
    }
    if !k.links.is_empty() {
        o.push_str("## Contacts and links\n\n");
        for (t, u) in &k.links {
            match crate::view::safe_href(u) {
                Some(u) => {
                    let _ = writeln!(o, "- [{t}]({u})");
                }
                None => {
                    let _ = writeln!(
                        o,
                        "- {t}: `{u}` (not linked: only http, https and mailto links are)"
                    );
                }
            }
        }
        o.push('\n');
    }
    o.push_str("## Open readiness findings\n\n");
    if k.findings.is_empty() {
        o.push_str("None.\n");
    } else {
        for f in &k.findings {
            let _ = writeln!(o, "- {f}");
        }
    }
    o
}

/// The playbook as an HTML fragment (an `<article>`), for a page or the
/// report; at most `max_rows` affected functions are listed.
pub fn playbook_html_fragment(p: &Playbook, c: &Catalog, heading: &str, max_rows: usize) -> String {
    let mut k = content(p, c);
    let hidden = k.impact.len().saturating_sub(max_rows);
    k.impact.truncate(max_rows);
    let mut out = askama::Template::render(&Article {
        k: &k,
        heading,
        hidden,
    })
    .unwrap_or_default();
    out.push('\n');
    out
}

/// The playbook as a standalone HTML page.
pub fn playbook_html(p: &Playbook, c: &Catalog) -> String {
    let mut out = askama::Template::render(&Page {
        title: &format!("Playbook: {}", c.entity(p.supplier).display_name()),
        article: &playbook_html_fragment(p, c, "h1", usize::MAX),
    })
    .unwrap_or_default();
    out.push('\n');
    out
}

/// A playbook's content as an `<article>` (`templates/playbook.html`).
#[derive(askama::Template)]
#[template(path = "playbook.html")]
struct Article<'a> {
    k: &'a Content,
    heading: &'a str,
    hidden: usize,
}

/// A standalone page around an article.
#[derive(askama::Template)]
#[template(path = "playbook_page.html")]
struct Page<'a> {
    title: &'a str,
    article: &'a str,
}
