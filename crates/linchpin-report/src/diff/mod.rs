//! What a change of the landscape does to continuity (`linchpin diff`,
//! docs/diff.md): each side reduced to facts keyed by refs — never by
//! entity ids or line numbers, which differ between the two sides — and
//! the two compared, most serious change first.

pub mod render;

use linchpin_diagnostics::{Diagnostic, Severity, SourceMap};
use linchpin_engine::batch::joint_failures;
use linchpin_engine::rank::weight;
use linchpin_engine::{Finding, ImpactGraph, SupplierRank};
use linchpin_model::{Catalog, Criticality, DepTarget, EntityId, Spec};
use std::collections::{BTreeMap, BTreeSet};

/// The failure modes of the ranking.
pub const MODES: [&str; 2] = ["outage", "permanent"];

/// Where something is written, for a reader to open.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file, relative to the landscape folder.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// One supplier's single failure, as the ranking sees it.
#[derive(Debug, Clone, PartialEq)]
struct SupplierFacts {
    title: String,
    tier: u8,
    /// Functions (indices into the side's function names, so in name order).
    stops: Vec<u32>,
    degrades: Vec<u32>,
    /// Per mode ([`MODES`]): functions down longer than they tolerate.
    breaches: [Vec<u32>; 2],
    /// Critical and important functions it stops or degrades.
    counted: usize,
}

/// A finding or a register gap on one side.
#[derive(Debug, Clone, PartialEq)]
struct Noted {
    severity: Severity,
    message: String,
    at: Option<Location>,
}

/// A diagnostic's code, file and message.
type DiagnosticKey = (String, String, String);

/// One side of a diff: what the landscape says about continuity.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// What the side is, for people: a revision or a folder.
    pub label: String,
    /// The commit, when the side is a git revision.
    pub commit: Option<String>,
    /// How many entities it has.
    pub entities: usize,
    /// Whether the analyses ran (they do not on a landscape with errors).
    pub analysed: bool,
    suppliers: BTreeMap<String, SupplierFacts>,
    /// Business functions' refs, sorted, and their criticality: suppliers'
    /// facts name functions by their index here (a supplier may stop
    /// hundreds of functions; thousands of suppliers share their names).
    function_names: Vec<String>,
    function_criticality: Vec<Criticality>,
    /// anyOf groups per entity that holds them: the options, active first.
    groups: BTreeMap<String, Vec<Vec<String>>>,
    /// Per country: critical and important functions its suppliers'
    /// joint failure stops or degrades.
    countries: BTreeMap<String, usize>,
    /// Critical and important functions.
    counted_functions: usize,
    /// Where suppliers and the entities holding anyOf groups are written.
    places: BTreeMap<String, Location>,
    /// Findings by (id, entity).
    findings: BTreeMap<(String, String), Noted>,
    /// Register gaps by (entity, field).
    gaps: BTreeMap<(String, String), Noted>,
    /// Diagnostics by (code, file, message), with where each one is.
    diagnostics: BTreeMap<DiagnosticKey, Vec<(Severity, Option<Location>)>>,
}

impl State {
    /// An empty side.
    pub fn new(label: impl Into<String>, commit: Option<String>) -> State {
        State {
            label: label.into(),
            commit,
            ..State::default()
        }
    }

    /// Takes in the loader's diagnostics. They are compared by code, file
    /// and message, so that an edit above them (which moves their line)
    /// does not make them new.
    pub fn add_diagnostics(&mut self, diagnostics: &[Diagnostic], sources: &SourceMap) {
        for d in diagnostics {
            let file = d
                .file
                .map(|f| sources.path(f).to_owned())
                .unwrap_or_default();
            let at = d.span.map(|s| Location {
                file: file.clone(),
                line: s.line,
            });
            self.diagnostics
                .entry((d.code.to_owned(), file, d.message.clone()))
                .or_default()
                .push((d.severity, at));
        }
    }

    /// Takes in the catalog and its ranking: suppliers, functions, anyOf
    /// groups and each country's reach.
    pub fn add_analysis(
        &mut self,
        catalog: &Catalog,
        sources: &SourceMap,
        graph: &ImpactGraph,
        ranking: &[SupplierRank],
        threads: usize,
    ) {
        self.analysed = true;
        self.entities = catalog.len();
        let name = |id: EntityId| catalog.entity(id).entity_ref.to_string();
        let place = |id: EntityId| {
            let span = catalog.entity(id).span;
            Location {
                file: sources.path(span.file).to_owned(),
                line: span.line,
            }
        };
        let mut functions: Vec<(String, Criticality, EntityId)> = Vec::new();
        for (id, e) in catalog.iter() {
            if let Spec::BusinessFunction(f) = &e.spec {
                functions.push((name(id), f.criticality, id));
                if f.criticality <= Criticality::Important {
                    self.counted_functions += 1;
                }
            }
            for dep in catalog.dependencies(id) {
                if let DepTarget::AnyOf { options, .. } = &dep.target {
                    self.places.insert(name(id), place(id));
                    self.groups
                        .entry(name(id))
                        .or_default()
                        .push(options.iter().map(|&o| name(o)).collect());
                }
            }
        }
        functions.sort();
        let mut index = vec![u32::MAX; catalog.len()];
        for (i, (_, _, id)) in functions.iter().enumerate() {
            index[id.index()] = i as u32;
        }
        let (names, criticality) = functions.into_iter().map(|(n, c, _)| (n, c)).unzip();
        self.function_names = names;
        self.function_criticality = criticality;
        let sorted = |mut list: Vec<u32>| {
            list.sort_unstable();
            list
        };
        for r in ranking {
            let refs = |list: &[linchpin_engine::rank::Reach]| {
                sorted(list.iter().map(|x| index[x.function.index()]).collect())
            };
            let counted = r
                .stops
                .iter()
                .chain(&r.degrades)
                .filter(|x| x.criticality <= Criticality::Important)
                .count();
            let breaches =
                |list: &[EntityId]| sorted(list.iter().map(|f| index[f.index()]).collect());
            self.places.insert(name(r.id), place(r.id));
            self.suppliers.insert(
                name(r.id),
                SupplierFacts {
                    title: catalog.entity(r.id).display_name().to_owned(),
                    tier: r.tier,
                    stops: refs(&r.stops),
                    degrades: refs(&r.degrades),
                    breaches: [
                        breaches(&r.outage.breaches),
                        breaches(&r.permanent.breaches),
                    ],
                    counted,
                },
            );
        }
        self.countries = country_reach(catalog, graph, threads);
    }

    /// Takes in the readiness findings (`check`'s, with the same ids).
    pub fn add_findings(&mut self, catalog: &Catalog, sources: &SourceMap, findings: &[Finding]) {
        for f in findings {
            let e = catalog.entity(f.entity);
            self.findings.insert(
                (f.id.to_owned(), e.entity_ref.to_string()),
                Noted {
                    severity: f.severity,
                    message: f.message.clone(),
                    at: Some(Location {
                        file: sources.path(e.span.file).to_owned(),
                        line: e.span.line,
                    }),
                },
            );
        }
    }

    /// Takes in one gap of the DORA register: a field the register needs
    /// that the entity does not give.
    pub fn add_gap(
        &mut self,
        entity: String,
        field: String,
        message: String,
        at: Option<Location>,
    ) {
        self.gaps.insert(
            (entity, field),
            Noted {
                severity: Severity::Warning,
                message,
                at,
            },
        );
    }

    /// How many error diagnostics the side has.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .values()
            .flatten()
            .filter(|(s, _)| *s == Severity::Error)
            .count()
    }

    fn function(&self, i: u32) -> &str {
        &self.function_names[i as usize]
    }

    fn names(&self, functions: &[u32]) -> Vec<String> {
        functions
            .iter()
            .map(|&i| self.function(i).to_owned())
            .collect()
    }

    fn weigh(&self, functions: &[u32]) -> u64 {
        functions
            .iter()
            .map(|&i| weight(self.function_criticality[i as usize]) as u64)
            .sum()
    }

    /// The functions of `list` (this side's) that none of `others` (the
    /// other side's) lists; `to_other` maps this side's functions to the
    /// other's (see [`function_map`]).
    fn minus(&self, list: &[u32], to_other: &[u32], others: &[&[u32]]) -> Vec<u32> {
        list.iter()
            .copied()
            .filter(|&i| {
                let j = to_other[i as usize];
                j == u32::MAX || !others.iter().any(|o| o.binary_search(&j).is_ok())
            })
            .collect()
    }
}

/// Per country, how many critical and important functions the joint
/// failure of every supplier headquartered there stops or degrades.
fn country_reach(
    catalog: &Catalog,
    graph: &ImpactGraph,
    threads: usize,
) -> BTreeMap<String, usize> {
    let mut by_country: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (id, e) in catalog.iter() {
        if let Spec::Supplier(s) = &e.spec {
            if let Some(c) = &s.country {
                by_country.entry(c.value.clone()).or_default().push(id.0);
            }
        }
    }
    let counted: Vec<bool> = catalog
        .entities()
        .iter()
        .map(|e| matches!(&e.spec, Spec::BusinessFunction(f) if f.criticality <= Criticality::Important))
        .collect();
    let (names, groups): (Vec<String>, Vec<Vec<u32>>) = by_country.into_iter().unzip();
    let mut reached = vec![0; groups.len()];
    for (k, _, _) in joint_failures(graph, &groups, &counted, threads) {
        reached[k as usize] += 1;
    }
    names.into_iter().zip(reached).collect()
}

/// Whether a change makes continuity worse, better, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// A new risk.
    Worse,
    /// Neither: worth a reviewer's eye.
    Neutral,
    /// A risk gone.
    Better,
}

impl Effect {
    /// The name in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Worse => "worse",
            Effect::Neutral => "neutral",
            Effect::Better => "better",
        }
    }
}

/// One table for every kind of change: its name in the JSON contract, its
/// effect, and its order (the table's order is the report's order, most
/// serious first).
macro_rules! kinds {
    ($($variant:ident = $name:literal, $effect:ident, $heading:literal;)*) => {
        /// What changed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            /// Every kind, most serious first.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The kebab-case name in the JSON contract.
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name),* }
            }

            /// Worse, neutral or better.
            pub fn effect(self) -> Effect {
                match self { $(Kind::$variant => Effect::$effect),* }
            }

            /// The heading of its section for people.
            pub fn heading(self) -> &'static str {
                match self { $(Kind::$variant => $heading),* }
            }
        }
    };
}

kinds! {
    NewLinchpin = "new-linchpin", Worse, "New linchpins";
    NewBreach = "new-breach", Worse, "New breaches of tolerance";
    MoreStopped = "more-stopped", Worse, "Functions newly stopped by a supplier's failure";
    AlternativeLost = "alternative-lost", Worse, "Alternatives lost";
    TierRaised = "tier-raised", Worse, "Suppliers more critical";
    MoreDegraded = "more-degraded", Worse, "Functions newly degraded by a supplier's failure";
    ConcentrationGrew = "concentration-grew", Worse, "Concentration grew";
    NewFinding = "new-finding", Worse, "New readiness findings";
    NewGap = "new-gap", Worse, "New gaps in the DORA register";
    NewDiagnostic = "new-diagnostic", Worse, "New problems in the landscape files";
    SupplierAdded = "supplier-added", Neutral, "Suppliers added";
    SupplierRemoved = "supplier-removed", Neutral, "Suppliers removed";
    LinchpinResolved = "linchpin-resolved", Better, "Linchpins no longer";
    BreachResolved = "breach-resolved", Better, "Breaches resolved";
    FewerStopped = "fewer-stopped", Better, "Functions no longer stopped by a supplier's failure";
    AlternativeGained = "alternative-gained", Better, "Alternatives gained";
    TierLowered = "tier-lowered", Better, "Suppliers less critical";
    FewerDegraded = "fewer-degraded", Better, "Functions no longer degraded by a supplier's failure";
    ConcentrationShrank = "concentration-shrank", Better, "Concentration shrank";
    FindingResolved = "finding-resolved", Better, "Readiness findings resolved";
    GapResolved = "gap-resolved", Better, "Register gaps filled";
    DiagnosticResolved = "diagnostic-resolved", Better, "Problems in the landscape files fixed";
}

/// One change, with the refs it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What changed.
    pub kind: Kind,
    /// The entity (or country, or file) it is about.
    pub subject: String,
    /// The functions, options, ids or fields concerned, sorted.
    pub items: Vec<String>,
    /// For breaches: `outage` or `permanent`.
    pub mode: Option<&'static str>,
    /// The value before and after, where there is one (a tier, a share).
    pub before: Option<String>,
    /// See `before`.
    pub after: Option<String>,
    /// One sentence for people, refs in backticks.
    pub message: String,
    /// Where to look, on the side that has it.
    pub at: Option<Location>,
    /// How much it weighs within its kind (larger first).
    weight: u64,
}

/// Everything that changed from one side to the other.
#[derive(Debug, Clone)]
pub struct Diff {
    /// The base side's label, commit, entities, analysed.
    pub base: SideInfo,
    /// The head side's.
    pub head: SideInfo,
    /// Every change, most serious first.
    pub changes: Vec<Change>,
}

/// What a reader needs to know of each side.
#[derive(Debug, Clone)]
pub struct SideInfo {
    /// A revision or a folder.
    pub label: String,
    /// Its commit, for a revision.
    pub commit: Option<String>,
    /// Entities.
    pub entities: usize,
    /// Errors in its files.
    pub errors: usize,
    /// Whether its continuity was analysed.
    pub analysed: bool,
}

impl Diff {
    /// The changes of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// How many changes of one kind.
    pub fn count(&self, kind: Kind) -> usize {
        self.of_kind(kind).count()
    }

    /// Whether the continuity of both sides was compared (not only their
    /// files' problems).
    pub fn compared(&self) -> bool {
        self.base.analysed && self.head.analysed
    }
}

fn info(s: &State) -> SideInfo {
    SideInfo {
        label: s.label.clone(),
        commit: s.commit.clone(),
        entities: s.entities,
        errors: s.errors(),
        analysed: s.analysed,
    }
}

/// Compares two sides. Where either was not analysed (errors in its
/// files), only the diagnostics are compared.
pub fn compare(base: &State, head: &State) -> Diff {
    let mut changes = Vec::new();
    if base.analysed && head.analysed {
        suppliers(base, head, &mut changes);
        alternatives(base, head, &mut changes);
        countries(base, head, &mut changes);
        noted(
            &base.findings,
            &head.findings,
            Kind::NewFinding,
            Kind::FindingResolved,
            &mut changes,
        );
        noted(
            &base.gaps,
            &head.gaps,
            Kind::NewGap,
            Kind::GapResolved,
            &mut changes,
        );
    }
    diagnostics(base, head, &mut changes);
    for c in changes.iter_mut().filter(|c| c.at.is_none()) {
        c.at = head
            .places
            .get(&c.subject)
            .or_else(|| base.places.get(&c.subject))
            .cloned();
    }
    changes.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.weight.cmp(&a.weight))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.mode.cmp(&b.mode))
            .then_with(|| a.items.cmp(&b.items))
    });
    Diff {
        base: info(base),
        head: info(head),
        changes,
    }
}

fn change(kind: Kind, subject: &str, message: String) -> Change {
    Change {
        kind,
        subject: subject.to_owned(),
        items: Vec::new(),
        mode: None,
        before: None,
        after: None,
        message,
        at: None,
        weight: 0,
    }
}

/// At most this many refs in a sentence; `items` holds them all.
const LISTED: usize = 5;

/// `a`, `a` and `b`, `a`, `b` and `c`: refs in backticks, the first
/// [`LISTED`] of them, then how many more.
fn listed(items: &[String]) -> String {
    let mut quoted: Vec<String> = items
        .iter()
        .take(LISTED)
        .map(|i| format!("`{i}`"))
        .collect();
    if items.len() > LISTED {
        quoted.push(format!("{} more", items.len() - LISTED));
    }
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn tier_name(tier: u8) -> String {
    match tier {
        1 => "tier 1 (linchpin)".to_owned(),
        4 => "tier 4 (no function affected)".to_owned(),
        t => format!("tier {t}"),
    }
}

/// For each function of `from`, its index in `to` (`u32::MAX` where `to`
/// has no such function): one merge of the two sorted name lists, so that
/// the comparisons after it are of numbers. Indices keep name order on
/// both sides, so a sorted list stays sorted once mapped.
fn function_map(from: &State, to: &State) -> Vec<u32> {
    let mut map = vec![u32::MAX; from.function_names.len()];
    let (mut i, mut j) = (0, 0);
    while i < from.function_names.len() && j < to.function_names.len() {
        match from.function_names[i].cmp(&to.function_names[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                map[i] = j as u32;
                i += 1;
                j += 1;
            }
        }
    }
    map
}

fn suppliers(base: &State, head: &State, out: &mut Vec<Change>) {
    let (b2h, h2b) = (function_map(base, head), function_map(head, base));
    let empty = SupplierFacts {
        title: String::new(),
        tier: 4,
        stops: Vec::new(),
        degrades: Vec::new(),
        breaches: [Vec::new(), Vec::new()],
        counted: 0,
    };
    let names: BTreeSet<&String> = base.suppliers.keys().chain(head.suppliers.keys()).collect();
    for name in names {
        let (b, h) = (base.suppliers.get(name), head.suppliers.get(name));
        match (b, h) {
            (None, Some(h)) => {
                let mut c = change(
                    Kind::SupplierAdded,
                    name,
                    format!("`{name}` ({}) is new, {}", h.title, tier_name(h.tier)),
                );
                c.after = Some(h.tier.to_string());
                c.weight = u64::from(5 - h.tier);
                out.push(c);
            }
            (Some(b), None) => {
                let mut c = change(
                    Kind::SupplierRemoved,
                    name,
                    format!(
                        "`{name}` ({}) is gone; it was {}",
                        b.title,
                        tier_name(b.tier)
                    ),
                );
                c.before = Some(b.tier.to_string());
                c.weight = u64::from(5 - b.tier);
                out.push(c);
            }
            _ => {}
        }
        let (b, h) = (b.unwrap_or(&empty), h.unwrap_or(&empty));
        let title = if h.title.is_empty() {
            &b.title
        } else {
            &h.title
        };
        // The tier.
        if h.tier != b.tier {
            let kind = match (b.tier, h.tier) {
                (_, 1) => Kind::NewLinchpin,
                (1, _) => Kind::LinchpinResolved,
                (before, after) if after < before => Kind::TierRaised,
                _ => Kind::TierLowered,
            };
            // A supplier added or removed at tier 4 is said once, above.
            let said = (!base.suppliers.contains_key(name) || !head.suppliers.contains_key(name))
                && !matches!(kind, Kind::NewLinchpin | Kind::LinchpinResolved);
            if !said {
                let critical: Vec<u32> = h
                    .stops
                    .iter()
                    .copied()
                    .filter(|&f| head.function_criticality[f as usize] == Criticality::Critical)
                    .collect();
                let critical = head.names(&critical);
                let message = match kind {
                    Kind::NewLinchpin if base.suppliers.contains_key(name) => format!(
                        "`{name}` ({title}) alone now stops {} (was {})",
                        listed(&critical),
                        tier_name(b.tier)
                    ),
                    Kind::NewLinchpin => {
                        format!(
                            "`{name}` ({title}) is new and alone stops {}",
                            listed(&critical)
                        )
                    }
                    _ if !head.suppliers.contains_key(name) => {
                        format!("`{name}` ({title}), {}, is gone", tier_name(b.tier))
                    }
                    _ => format!(
                        "`{name}` ({title}) is now {}, was {}",
                        tier_name(h.tier),
                        tier_name(b.tier)
                    ),
                };
                let mut c = change(kind, name, message);
                c.items = critical;
                c.before = base.suppliers.get(name).map(|b| b.tier.to_string());
                c.after = head.suppliers.get(name).map(|h| h.tier.to_string());
                c.weight = u64::from(b.tier.abs_diff(h.tier));
                out.push(c);
            }
        }
        // Functions stopped and degraded, and breaches: `items` are the
        // side's functions that the other side does not list.
        let mut push =
            |kind: Kind, state: &State, items: Vec<u32>, mode: Option<usize>, verb: &str| {
                if items.is_empty() {
                    return;
                }
                let names = state.names(&items);
                let message = match mode {
                    None => format!("`{name}` ({title}) failing {verb} {}", listed(&names)),
                    Some(m) => format!(
                        "{} of `{name}` ({title}) {verb} the tolerance of {}",
                        if m == 0 {
                            "An outage"
                        } else {
                            "A permanent failure"
                        },
                        listed(&names)
                    ),
                };
                let mut c = change(kind, name, message);
                c.mode = mode.map(|m| MODES[m]);
                c.weight = state.weigh(&items);
                c.items = names;
                out.push(c);
            };
        push(
            Kind::MoreStopped,
            head,
            head.minus(&h.stops, &h2b, &[&b.stops]),
            None,
            "now stops",
        );
        push(
            Kind::FewerStopped,
            base,
            base.minus(&b.stops, &b2h, &[&h.stops]),
            None,
            "no longer stops",
        );
        // A function that went from degraded to stopped is said once, as stopped.
        push(
            Kind::MoreDegraded,
            head,
            head.minus(&h.degrades, &h2b, &[&b.degrades, &b.stops]),
            None,
            "now degrades",
        );
        push(
            Kind::FewerDegraded,
            base,
            base.minus(&b.degrades, &b2h, &[&h.degrades, &h.stops]),
            None,
            "no longer degrades",
        );
        for m in 0..MODES.len() {
            push(
                Kind::NewBreach,
                head,
                head.minus(&h.breaches[m], &h2b, &[&b.breaches[m]]),
                Some(m),
                "now exceeds",
            );
            push(
                Kind::BreachResolved,
                base,
                base.minus(&b.breaches[m], &b2h, &[&h.breaches[m]]),
                Some(m),
                "no longer exceeds",
            );
        }
        // A supplier's share of the critical and important functions.
        share(
            name,
            &format!("`{name}` ({title})"),
            (b.counted, base.counted_functions),
            (h.counted, head.counted_functions),
            out,
        );
    }
}

fn percent(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 * 100.0 / of as f64
    }
}

/// A share of the critical and important functions that grew or shrank.
fn share(
    subject: &str,
    who: &str,
    before: (usize, usize),
    after: (usize, usize),
    out: &mut Vec<Change>,
) {
    let (b, a) = (percent(before.0, before.1), percent(after.0, after.1));
    if (a - b).abs() < 0.05 || (before.0 == 0 && after.0 == 0) {
        return;
    }
    let kind = if a > b {
        Kind::ConcentrationGrew
    } else {
        Kind::ConcentrationShrank
    };
    let mut c = change(
        kind,
        subject,
        format!(
            "{who} can stop or degrade {} of {} critical and important functions ({a:.0} %), was {} of {} ({b:.0} %)",
            after.0, after.1, before.0, before.1
        ),
    );
    c.before = Some(format!("{b:.1}"));
    c.after = Some(format!("{a:.1}"));
    c.weight = ((a - b).abs() * 10.0) as u64;
    out.push(c);
}

fn countries(base: &State, head: &State, out: &mut Vec<Change>) {
    let names: BTreeSet<&String> = base.countries.keys().chain(head.countries.keys()).collect();
    for country in names {
        let b = base.countries.get(country).copied().unwrap_or(0);
        let h = head.countries.get(country).copied().unwrap_or(0);
        share(
            country,
            &format!("The suppliers headquartered in {country}, failing together,"),
            (b, base.counted_functions),
            (h, head.counted_functions),
            out,
        );
    }
}

/// anyOf groups: each group of the base matched to the head's group of the
/// same entity that shares most options with it.
fn alternatives(base: &State, head: &State, out: &mut Vec<Change>) {
    let owners: BTreeSet<&String> = base.groups.keys().chain(head.groups.keys()).collect();
    let none: Vec<Vec<String>> = Vec::new();
    for owner in owners {
        let mut push = |kind: Kind, items: Vec<String>, message: String| {
            if items.is_empty() {
                return;
            }
            let mut c = change(kind, owner, message);
            c.weight = items.len() as u64;
            c.items = items;
            out.push(c);
        };
        let b = base.groups.get(owner).unwrap_or(&none);
        let h = head.groups.get(owner).unwrap_or(&none);
        let mut matched_head = vec![false; h.len()];
        for group in b {
            let best = h
                .iter()
                .enumerate()
                .filter(|(i, _)| !matched_head[*i])
                .map(|(i, g)| (g.iter().filter(|o| group.contains(o)).count(), i))
                .filter(|(shared, _)| *shared > 0)
                .max_by_key(|(shared, i)| (*shared, std::cmp::Reverse(*i)));
            match best {
                Some((_, i)) => {
                    matched_head[i] = true;
                    let now = &h[i];
                    let lost: Vec<String> =
                        group.iter().filter(|o| !now.contains(o)).cloned().collect();
                    let gained: Vec<String> =
                        now.iter().filter(|o| !group.contains(o)).cloned().collect();
                    let message = format!(
                        "`{owner}` lost {} from its alternatives (left: {})",
                        listed(&lost),
                        listed(now)
                    );
                    push(Kind::AlternativeLost, lost, message);
                    let message = format!(
                        "`{owner}` gained {} as alternatives (now: {})",
                        listed(&gained),
                        listed(now)
                    );
                    push(Kind::AlternativeGained, gained, message);
                }
                None => {
                    let message = format!(
                        "`{owner}` no longer has {} as alternatives to each other",
                        listed(group)
                    );
                    push(Kind::AlternativeLost, group.clone(), message);
                }
            }
        }
        for (i, group) in h.iter().enumerate() {
            if !matched_head[i] {
                let message = format!(
                    "`{owner}` now has {} as alternatives to each other",
                    listed(group)
                );
                push(Kind::AlternativeGained, group.clone(), message);
            }
        }
    }
}

/// Errors before warnings before information, within a kind.
fn severity_weight(s: Severity) -> u64 {
    match s {
        Severity::Error => 3,
        Severity::Warning => 2,
        Severity::Info => 1,
    }
}

/// Findings and gaps: new where the head has a key the base has not.
fn noted(
    base: &BTreeMap<(String, String), Noted>,
    head: &BTreeMap<(String, String), Noted>,
    new: Kind,
    resolved: Kind,
    out: &mut Vec<Change>,
) {
    let gaps = new == Kind::NewGap;
    let mut one = |kind: Kind, key: &(String, String), n: &Noted| {
        let (subject, item) = if gaps {
            (&key.0, &key.1)
        } else {
            (&key.1, &key.0)
        };
        let mut c = change(kind, subject, n.message.clone());
        c.items = vec![item.clone()];
        c.at = n.at.clone();
        c.weight = severity_weight(n.severity);
        if !gaps {
            c.after = Some(n.severity.as_str().to_owned());
        }
        out.push(c);
    };
    for (key, n) in head.iter().filter(|(k, _)| !base.contains_key(*k)) {
        one(new, key, n);
    }
    for (key, n) in base.iter().filter(|(k, _)| !head.contains_key(*k)) {
        one(resolved, key, n);
    }
}

/// Diagnostics: compared by (code, file, message) and counted, so that
/// one more of the same shows as new.
fn diagnostics(base: &State, head: &State, out: &mut Vec<Change>) {
    let none = Vec::new();
    let keys: BTreeSet<&DiagnosticKey> = base
        .diagnostics
        .keys()
        .chain(head.diagnostics.keys())
        .collect();
    for key in keys {
        let b = base.diagnostics.get(key).unwrap_or(&none);
        let h = head.diagnostics.get(key).unwrap_or(&none);
        let (kind, extra) = if h.len() > b.len() {
            (Kind::NewDiagnostic, &h[b.len()..])
        } else {
            (Kind::DiagnosticResolved, &b[h.len()..])
        };
        for (severity, at) in extra {
            let (code, file, message) = key;
            let mut c = change(kind, file, message.clone());
            c.items = vec![code.clone()];
            c.at = at.clone();
            c.after = Some(severity.as_str().to_owned());
            c.weight = severity_weight(*severity);
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests;
