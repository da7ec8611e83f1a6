//! Continuity risk in money and probability (docs/risk.md): simulated
//! years of supplier failures, propagated through the impact graph with the
//! what-if semantics, priced with each business function's cost.
//!
//! A year is sampled as a list of failure events (supplier, start,
//! duration): outages as a Poisson process with sampled durations, a
//! failure for good at most once, lasting the exit plan's lead time. What an
//! event alone does to every function is a function of its duration only,
//! piecewise linear with slopes 0 and 1 (sums of switchovers make its
//! corners); it is computed once per supplier, exactly, by probing the
//! propagation and bisecting where a piece bends ([`Single`]), for every
//! node it reaches. A year's events fall apart into clusters that overlap
//! in time; a failure alone in its cluster is priced from its supplier's
//! [`LossCurve`]. Only where failures overlap and meet at an alternative
//! (`anyOf`) is the propagation run for the overlap, over the nodes between
//! that alternative and the functions ([`Interaction`]), the rest read from
//! the single failures' curves; elsewhere the stops of one function are the
//! union of what each failure does alone, which is exact there.

use crate::graph::ImpactGraph;
use crate::propagate::{Propagator, State};
use crate::Dur;
use linchpin_model::{
    Action, Catalog, DepTarget, Dependency, EntityId, Impact, Span, Spec, SupplierChange,
};
use std::sync::{Arc, Mutex};

/// Seconds in a (Julian) year: the unit of every rate.
pub const YEAR: u64 = 31_557_600;
/// How many outages a year a supplier with only an availability
/// commitment is assumed to have (its downtime budget is spread over them).
pub const SLA_OUTAGES_PER_YEAR: f64 = 4.0;
/// The 90th percentile of an outage's duration, as a multiple of its median,
/// where the landscape does not say.
pub const P90_OVER_MEDIAN: f64 = 4.0;
/// The 90th percentile of the standard normal distribution.
const Z90: f64 = 1.281_551_565_545;

/// How long a supplier's outages last.
#[derive(Debug, Clone, PartialEq)]
pub enum Outage {
    /// Lognormal, by median and 90th percentile (seconds).
    Lognormal {
        /// The median.
        median: f64,
        /// The 90th percentile.
        p90: f64,
    },
    /// Drawn from the incidents seen (seconds).
    Observed(Vec<u64>),
}

impl Outage {
    /// The mean duration in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Outage::Lognormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                median * (sigma * sigma / 2.0).exp()
            }
            Outage::Observed(d) => d.iter().sum::<u64>() as f64 / d.len().max(1) as f64,
        }
    }
}

/// Where a supplier's failure figures come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Basis {
    /// Its incident history: so many incidents over so many years.
    Incidents {
        /// Incidents seen.
        count: usize,
        /// Years observed.
        years: f64,
    },
    /// Its committed availability, the whole downtime budget spent.
    Sla(f64),
    /// Given in the landscape (`perYear`, `duration`).
    Given,
    /// Only a probability of failing for good.
    PermanentOnly,
}

/// How one supplier fails, as the simulation samples it.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierFailure {
    /// The supplier.
    pub id: EntityId,
    /// Outages a year, on average.
    pub per_year: f64,
    /// How long they last (`None` when there are none).
    pub outage: Option<Outage>,
    /// No outage lasts longer than this (an action's contracted recovery).
    pub max_outage: Option<u64>,
    /// The probability of failing for good within a year.
    pub permanent_per_year: f64,
    /// How long replacing it takes after that (`None`: nothing ends it, and
    /// a year is counted).
    pub exit_lead: Option<u64>,
    /// Where the figures come from.
    pub basis: Basis,
}

/// A supplier with failure data the simulation cannot use, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// The supplier.
    pub id: EntityId,
    /// What is missing.
    pub reason: String,
    /// Where its `failures` are written.
    pub span: Span,
}

/// Every supplier's failure model from its `failures`; `today` ends an
/// incident history. Suppliers without `failures` are not simulated (the
/// result says how many).
pub fn failure_models(
    catalog: &Catalog,
    today: linchpin_model::Date,
) -> (Vec<SupplierFailure>, Vec<Gap>) {
    let mut models = Vec::new();
    let mut gaps = Vec::new();
    for (id, entity) in catalog.iter() {
        let Spec::Supplier(s) = &entity.spec else {
            continue;
        };
        let Some(f) = &s.failures else { continue };
        let exit_lead = s
            .exit
            .as_ref()
            .and_then(|e| e.lead_time.as_ref())
            .map(|l| l.value.seconds());
        let permanent = f.permanent_per_year.as_ref().map_or(0.0, |p| p.value);
        let mut per_year = None;
        let mut outage = None;
        let mut basis = Basis::Given;
        if !f.incidents.is_empty() {
            let first = f.incidents.iter().map(|i| i.start).min().unwrap_or(today);
            let since = f.since.as_ref().map_or(first, |s| s.value.min(first));
            let years = (f64::from(since.days_until(today).max(0)) / 365.25).max(1.0);
            per_year = Some(f.incidents.len() as f64 / years);
            outage = Some(Outage::Observed(
                f.incidents.iter().map(|i| i.duration.seconds()).collect(),
            ));
            basis = Basis::Incidents {
                count: f.incidents.len(),
                years,
            };
        }
        if let Some(p) = &f.per_year {
            per_year = Some(p.value);
            basis = Basis::Given;
        }
        if let Some(d) = &f.duration {
            let median = d.median.seconds() as f64;
            let p90 = d
                .p90
                .map_or(median * P90_OVER_MEDIAN, |p| p.seconds() as f64);
            outage = Some(Outage::Lognormal {
                median,
                p90: p90.max(median),
            });
        }
        if let Some(sla) = &f.sla {
            let budget = (1.0 - sla.value) * YEAR as f64;
            match (&per_year, &outage) {
                (None, None) => {
                    per_year = Some(SLA_OUTAGES_PER_YEAR);
                    outage = Some(lognormal_with_mean(budget / SLA_OUTAGES_PER_YEAR));
                    basis = Basis::Sla(sla.value);
                }
                (Some(n), None) if *n > 0.0 => {
                    outage = Some(lognormal_with_mean(budget / n));
                    basis = Basis::Sla(sla.value);
                }
                (None, Some(o)) => {
                    per_year = Some(budget / o.mean().max(1.0));
                    basis = Basis::Sla(sla.value);
                }
                _ => {}
            }
        }
        let (per_year, outage) = match (per_year, outage) {
            (Some(n), Some(o)) => (n, Some(o)),
            (Some(0.0), None) => (0.0, None),
            (None, None) if permanent > 0.0 => {
                basis = Basis::PermanentOnly;
                (0.0, None)
            }
            (None, None) => {
                gaps.push(Gap {
                    id,
                    reason: "`failures` gives neither how often it fails nor for how long".into(),
                    span: f.span,
                });
                continue;
            }
            (Some(_), None) => {
                gaps.push(Gap {
                    id,
                    reason: "`failures.perYear` needs `duration` (or `sla`, or incidents) to say how long an outage lasts".into(),
                    span: f.span,
                });
                continue;
            }
            (None, Some(_)) => {
                gaps.push(Gap {
                    id,
                    reason: "`failures.duration` needs `perYear` (or `sla`, or incidents) to say how often".into(),
                    span: f.span,
                });
                continue;
            }
        };
        models.push(SupplierFailure {
            id,
            per_year,
            outage,
            max_outage: None,
            permanent_per_year: permanent,
            exit_lead,
            basis,
        });
    }
    (models, gaps)
}

/// A lognormal duration with the default spread and this mean (seconds).
fn lognormal_with_mean(mean: f64) -> Outage {
    let sigma = P90_OVER_MEDIAN.ln() / Z90;
    let median = (mean / (sigma * sigma / 2.0).exp()).max(1.0);
    Outage::Lognormal {
        median,
        p90: median * P90_OVER_MEDIAN,
    }
}

/// How the simulation runs.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Simulated periods.
    pub samples: u32,
    /// Years per period.
    pub years: u32,
    /// The seed: the same seed, the same numbers.
    pub seed: u64,
    /// Threads (the result does not depend on them).
    pub threads: usize,
    /// How many of the periods (the first ones) are broken down by
    /// function: the per-function figures come from them, the total, the
    /// suppliers' losses and the loss curve from every period.
    pub detail: u32,
}

/// A loss estimate: the mean a year with its standard error, and the
/// quantiles of the loss of a period.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    /// The expected loss a year.
    pub mean: f64,
    /// The standard error of `mean`.
    pub standard_error: f64,
    /// The median loss of a period.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
}

/// A probability estimated by the simulation, with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Probability {
    /// The estimate.
    pub p: f64,
    /// Its standard error.
    pub standard_error: f64,
}

/// One business function's risk.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRisk {
    /// The function.
    pub id: EntityId,
    /// Whether it has a `cost` (otherwise its loss is zero).
    pub costed: bool,
    /// Its loss.
    pub loss: Estimate,
    /// Expected hours a year down, and degraded (not down).
    pub down_hours: f64,
    /// Expected hours a year degraded.
    pub degraded_hours: f64,
    /// The probability that a stop lasts longer than its tolerance within a
    /// period (`None` without `maxTolerableDowntime`).
    pub breach: Option<Probability>,
    /// The expected loss a year owed to each supplier, largest first: a
    /// stop is shared among the failures behind it by how long each made
    /// the function stop; failures that stop it together at an alternative
    /// share their part equally.
    pub contributions: Vec<(EntityId, f64)>,
    /// The part of the expected loss owed to failures that stop the
    /// function together at an alternative (`anyOf`), which neither stops alone.
    pub joint: f64,
}

/// One supplier's share of the risk.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierRisk {
    /// The supplier.
    pub id: EntityId,
    /// The expected loss a year owed to it.
    pub expected: f64,
    /// The standard error of `expected`.
    pub standard_error: f64,
    /// Expected failures a year (outages, and failing for good).
    pub failures_per_year: f64,
    /// The functions its failures cost, with their share a year, largest first.
    pub functions: Vec<(EntityId, f64)>,
}

/// The simulation's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// The settings it ran with.
    pub samples: u32,
    /// How many of the periods (the first) the per-function figures
    /// (`functions`, and each supplier's `functions`) come from.
    pub detailed: u32,
    /// Years per period.
    pub years: u32,
    /// The seed.
    pub seed: u64,
    /// The loss of every function together.
    pub total: Estimate,
    /// Every business function, by expected loss, then by breach probability and name.
    pub functions: Vec<FunctionRisk>,
    /// Every simulated supplier, by expected loss.
    pub suppliers: Vec<SupplierRisk>,
    /// The loss-exceedance curve of a period: (loss, probability of losing
    /// more), loss increasing.
    pub curve: Vec<(f64, f64)>,
    /// Each period's total loss, in order (to pair with an action's run).
    pub totals: Vec<f64>,
}

/// What one stop (or degradation) of one function was caused by.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: u64,
    end: u64,
    /// A supplier index, or `JOINT` + index into the sample's joint lists.
    cause: u32,
}

const JOINT: u32 = 1 << 31;

/// In [`Interaction::in_a`] and `in_b`: a node the failure stops for as
/// long as it lasts (no corners to look up).
const IDENTITY: u32 = u32::MAX - 1;

/// What a single failure of one supplier does to every function it reaches,
/// as a function of its duration.
#[derive(Debug, Clone)]
struct Single {
    /// Per function it affects, ascending: (function index, where its
    /// corners (duration, down, impaired) start and end in
    /// `function_corners`), kept apart from the other nodes' for locality.
    functions: Vec<(u32, u32, u32)>,
    function_corners: Vec<[u64; 3]>,
    /// Per entry of `functions`: the failure stops the function for exactly
    /// as long as it lasts (its corners are those of the identity).
    stops: Vec<bool>,
    /// Function index → its entry in `functions` (`u32::MAX`: none), up to
    /// the last function it affects.
    slot: Vec<u32>,
    /// Every node the failure affects (the bit set `node_bits`, with per
    /// word the number of nodes before it: a node's place among them),
    /// with where its corners start in `corners` (one more entry than
    /// nodes; no corners: the node is stopped for as long as the failure
    /// lasts).
    node_bits: Vec<u64>,
    node_rank: Vec<u32>,
    starts: Vec<u32>,
    corners: Vec<[u64; 3]>,
}

impl Single {
    /// Every function it affects with its corners, ascending.
    fn curves(&self) -> impl Iterator<Item = (u32, &[[u64; 3]])> + '_ {
        self.functions
            .iter()
            .map(|&(f, a, b)| (f, &self.function_corners[a as usize..b as usize]))
    }

    /// What the failure, lasting `d`, does to function `f` (down,
    /// impaired), if it affects it: no search.
    fn function_at(&self, f: u32, d: u64) -> Option<(u64, u64)> {
        let k = *self.slot.get(f as usize)? as usize;
        (k < self.functions.len()).then(|| self.nth_function_at(k, d))
    }

    /// What the failure, lasting `d`, does to the `k`-th function of
    /// `functions`.
    fn nth_function_at(&self, k: usize, d: u64) -> (u64, u64) {
        if self.stops[k] {
            (d.min(YEAR), d.min(YEAR))
        } else {
            let (_, a, b) = self.functions[k];
            Single::at(&self.function_corners[a as usize..b as usize], d)
        }
    }

    /// What the failure, lasting `d`, does to the `i`-th of its nodes
    /// (`u32::MAX`: none).
    fn nth_at(&self, i: u32, d: u64) -> (u64, u64) {
        if i == u32::MAX {
            return (0, 0);
        }
        if i == IDENTITY {
            return (d.min(YEAR), d.min(YEAR));
        }
        self.node_corners_at(i as usize, d)
    }

    /// The corners of the `i`-th node; none for a node stopped for as long
    /// as the failure lasts.
    fn node_corners(&self, i: usize) -> &[[u64; 3]] {
        &self.corners[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    fn node_corners_at(&self, i: usize, d: u64) -> (u64, u64) {
        match self.node_corners(i) {
            [] => (d.min(YEAR), d.min(YEAR)),
            corners => Single::at(corners, d),
        }
    }

    /// What the failure, lasting `d`, does to `node` (down, impaired).
    fn node_at(&self, node: u32, d: u64) -> (u64, u64) {
        match self.place(node) {
            Some(i) => self.node_corners_at(i, d),
            None => (0, 0),
        }
    }

    /// Where `node` is among the nodes the failure affects: a bit and the
    /// bits before it, not a search (joint propagations of three failures
    /// look up every node at their edge).
    fn place(&self, node: u32) -> Option<usize> {
        let w = node as usize / 64;
        let word = *self.node_bits.get(w)?;
        let bit = 1u64 << (node % 64);
        (word & bit != 0)
            .then(|| self.node_rank[w] as usize + (word & (bit - 1)).count_ones() as usize)
    }

    fn at(corners: &[[u64; 3]], d: u64) -> (u64, u64) {
        let i = corners.partition_point(|c| c[0] <= d);
        if i == 0 {
            return (0, 0);
        }
        let a = corners[i - 1];
        if i == corners.len() {
            // Beyond the last probe the pieces keep their last slope; the
            // last probe is a year, which no duration exceeds.
            return (a[1], a[2]);
        }
        let b = corners[i];
        let slope = |ya: u64, yb: u64| {
            if yb - ya == b[0] - a[0] {
                ya + (d - a[0])
            } else {
                ya
            }
        };
        (slope(a[1], b[1]), slope(a[2], b[2]))
    }
}

/// A function's cost: down per second, degraded per second, steps (after
/// seconds, amount).
type Pricing = (f64, f64, Vec<(u64, f64)>);

/// The simulation's fixed part: the graph, the functions, what each
/// supplier alone does.
struct Prepared<'a> {
    graph: &'a ImpactGraph,
    models: &'a [SupplierFailure],
    /// Function index → node.
    functions: Vec<u32>,
    /// Per function: its cost (down per second, degraded per second, steps
    /// (after seconds, amount)), tolerance in seconds.
    cost: Vec<Pricing>,
    tolerance: Vec<Option<u64>>,
    singles: Vec<Single>,
    /// Per supplier, what a failure of it alone costs.
    loss_curves: Vec<LossCurve>,
    /// Per supplier, the bitset of the nodes its failure reaches.
    reaches: Vec<Vec<u64>>,
    /// Every `anyOf` group that matters: the node that has it, its
    /// options, and the functions that depend on it (sorted).
    groups: Vec<Group>,
    /// Per function, the bit set of the nodes it depends on (its cone): a
    /// joint propagation runs within the cones of the functions it is for.
    cones: Vec<Vec<u64>>,
    /// Pairs of suppliers → where they interact, worked out when first met.
    pairs: Mutex<rustc_hash::FxHashMap<(u32, u32), Arc<Interaction>>>,
}

/// An alternative (`anyOf`) on the way to some function.
struct Group {
    node: u32,
    options: Vec<u32>,
    functions: Vec<u32>,
}

/// Where failures of two suppliers meet at an alternative, and what a
/// propagation of both together must cover.
#[derive(Debug, Default)]
struct Interaction {
    /// The functions (sorted) that depend on such an alternative.
    functions: Vec<u32>,
    /// The nodes, in evaluation order, between those alternatives and those
    /// functions: everywhere else what the failures do together is the
    /// union of what each does alone.
    region: Vec<u32>,
    /// The nodes outside the region it depends on, with where each is in
    /// the two suppliers' [`Single::nodes`] (`u32::MAX`: not affected,
    /// [`IDENTITY`]: stopped for as long as the failure lasts).
    boundary: Vec<u32>,
    in_a: Vec<u32>,
    in_b: Vec<u32>,
}

impl Prepared<'_> {
    /// The bit set of the nodes `functions` depend on (their cones).
    fn needed(&self, functions: &[u32], out: &mut Vec<u64>) {
        out.clear();
        out.resize(self.graph.len().div_ceil(64), 0);
        for &f in functions {
            for (w, c) in out.iter_mut().zip(&self.cones[f as usize]) {
                *w |= c;
            }
        }
    }

    fn reaches(&self, supplier: u32, node: u32) -> bool {
        self.reaches[supplier as usize][node as usize / 64] & (1 << (node % 64)) != 0
    }

    /// Where failures of `a` and `b` together do something neither does
    /// alone: where an `anyOf` group has one option reached by `a` and
    /// another by `b`, and everything that depends on such a group on the
    /// way to the functions. Everywhere else the values of the propagation
    /// are built from each failure's with `max`, `min` and constants only,
    /// and `min` distributes over `max`: what they do together is the union
    /// of what each does alone.
    fn interaction(&self, a: u32, b: u32) -> Interaction {
        let mut functions = Vec::new();
        let mut meeting = Vec::new();
        for g in &self.groups {
            let options = &g.options;
            let by_a = options.iter().position(|&o| self.reaches(a, o));
            let Some(ja) = by_a else { continue };
            let meets = options.iter().enumerate().any(|(k, &o)| {
                self.reaches(b, o)
                    && (k != ja
                        || options
                            .iter()
                            .enumerate()
                            .any(|(j, &p)| j != k && self.reaches(a, p)))
            });
            if meets {
                functions.extend_from_slice(&g.functions);
                meeting.push(g.node);
            }
        }
        functions.sort_unstable();
        functions.dedup();
        if functions.is_empty() {
            return Interaction::default();
        }
        // Everything on the way from the meeting groups to the functions:
        // the forward closure of the groups within the functions' cones.
        let words = self.graph.len().div_ceil(64);
        let mut within = vec![0u64; words];
        for &f in &functions {
            for (w, c) in within.iter_mut().zip(&self.cones[f as usize]) {
                *w |= c;
            }
        }
        let has = |bits: &[u64], n: u32| bits[n as usize / 64] & (1 << (n % 64)) != 0;
        let mut seen = vec![0u64; words];
        let mut stack = Vec::new();
        for n in meeting {
            if !has(&seen, n) {
                seen[n as usize / 64] |= 1 << (n % 64);
                stack.push(n);
            }
        }
        let mut region = Vec::new();
        while let Some(n) = stack.pop() {
            region.push(n);
            for &d in self.graph.dependents(n) {
                if has(&within, d) && !has(&seen, d) {
                    seen[d as usize / 64] |= 1 << (d % 64);
                    stack.push(d);
                }
            }
        }
        region.sort_unstable_by_key(|&n| (self.graph.component(n), n));
        let mut boundary = Vec::new();
        for &n in &region {
            for e in self.graph.edges(n) {
                if e.impact == Impact::None {
                    continue;
                }
                for &t in self.graph.targets(e) {
                    if !has(&seen, t) {
                        seen[t as usize / 64] |= 1 << (t % 64);
                        boundary.push(t);
                    }
                }
            }
        }
        let place = |sup: u32, t: &u32| {
            let single = &self.singles[sup as usize];
            match single.place(*t) {
                None => u32::MAX,
                Some(i) if single.node_corners(i).is_empty() => IDENTITY,
                Some(i) => i as u32,
            }
        };
        let in_a = boundary.iter().map(|t| place(a, t)).collect();
        let in_b = boundary.iter().map(|t| place(b, t)).collect();
        Interaction {
            functions,
            region,
            boundary,
            in_a,
            in_b,
        }
    }
}

/// The failure of `node` for `d`, propagated over its reach (`order`, in
/// evaluation order: the same whatever the duration); `out` gets the states
/// of `nodes`.
fn probe(
    graph: &ImpactGraph,
    p: &mut Propagator,
    (node, d): (u32, u64),
    order: &[u32],
    nodes: &[u32],
    out: &mut Vec<[u64; 2]>,
) {
    p.run_region_given(graph, &[(node, Dur::from_seconds(d))], order, &[], &[]);
    out.clear();
    for &n in nodes {
        let s = p.state(n);
        out.push([
            s.down.seconds().unwrap_or(YEAR),
            s.impaired.seconds().unwrap_or(YEAR),
        ]);
    }
}

/// What a failure of `node` alone does to every node it affects, exactly:
/// probes on a geometric grid, bisected where a piece bends between two
/// probes. `reach` gets the bit set of every node the failure can reach.
fn single(
    graph: &ImpactGraph,
    p: &mut Propagator,
    node: u32,
    function_of: &[u32],
    reach: &mut [u64],
) -> Single {
    p.run(graph, &[(node, Dur::from_seconds(YEAR))]);
    for &r in p.reach() {
        reach[r as usize / 64] |= 1 << (r % 64);
    }
    let mut reached: Vec<u32> = p
        .reach()
        .iter()
        .copied()
        .filter(|&n| p.state(n).is_affected())
        .collect();
    reached.sort_unstable();
    // Nothing outside the reach is affected: a probe evaluates the reach
    // alone, in the order of this run.
    let order = p.reach().to_vec();
    if reached.is_empty() {
        return Single {
            functions: Vec::new(),
            function_corners: Vec::new(),
            stops: Vec::new(),
            slot: Vec::new(),
            node_bits: Vec::new(),
            node_rank: Vec::new(),
            starts: vec![0],
            corners: Vec::new(),
        };
    }
    // Probes: (duration, values per reached node).
    let mut grid: Vec<u64> = vec![0];
    let steps = 12;
    let ratio = ((YEAR as f64) / 60.0).powf(1.0 / f64::from(steps - 1));
    let mut x: f64 = 60.0;
    for _ in 0..steps {
        let v = (x.round() as u64).min(YEAR);
        if v > *grid.last().unwrap_or(&0) {
            grid.push(v);
        }
        x *= ratio;
    }
    if *grid.last().unwrap_or(&0) != YEAR {
        grid.push(YEAR);
    }
    let mut buf = Vec::new();
    let mut probes: Vec<(u64, Vec<[u64; 2]>)> = Vec::new();
    for &g in &grid {
        if g == 0 {
            probes.push((0, vec![[0, 0]; reached.len()]));
        } else {
            probe(graph, p, (node, g), &order, &reached, &mut buf);
            probes.push((g, buf.clone()));
        }
    }
    // Bisect every interval where some node is neither flat nor rising
    // with the duration.
    let pure = |a: &(u64, Vec<[u64; 2]>), b: &(u64, Vec<[u64; 2]>)| {
        let w = b.0 - a.0;
        a.1.iter()
            .zip(&b.1)
            .all(|(ya, yb)| (0..2).all(|k| yb[k] == ya[k] || yb[k] - ya[k] == w))
    };
    let mut out: Vec<(u64, Vec<[u64; 2]>)> = Vec::with_capacity(probes.len());
    let mut stack: Vec<(u64, Vec<[u64; 2]>)> = Vec::new();
    let mut iter = probes.into_iter();
    if let Some(first) = iter.next() {
        out.push(first);
    }
    for next in iter {
        stack.push(next);
        while let Some(b) = stack.pop() {
            let a = out.last().expect("a first probe");
            if b.0 - a.0 <= 1 || pure(a, &b) {
                out.push(b);
            } else {
                let m = a.0 + (b.0 - a.0) / 2;
                probe(graph, p, (node, m), &order, &reached, &mut buf);
                stack.push(b);
                stack.push((m, buf.clone()));
            }
        }
    }
    // Per node, keep only the corners.
    let mut starts = Vec::with_capacity(reached.len() + 1);
    let mut corners: Vec<[u64; 3]> = Vec::new();
    let mut functions = Vec::new();
    let mut function_corners = Vec::new();
    let mut stops = Vec::new();
    for (j, &n) in reached.iter().enumerate() {
        let first = corners.len();
        starts.push(first as u32);
        for (x, ys) in &out {
            let c = [*x, ys[j][0], ys[j][1]];
            if corners.len() >= first + 2 {
                let a = corners[corners.len() - 2];
                let b = corners[corners.len() - 1];
                let same = |k: usize| {
                    (b[k] - a[k] == b[0] - a[0]) == (c[k] - b[k] == c[0] - b[0])
                        && (b[k] == a[k]) == (c[k] == b[k])
                };
                if same(1) && same(2) {
                    corners.pop();
                }
            }
            corners.push(c);
        }
        if function_of[n as usize] != u32::MAX {
            let at = function_corners.len() as u32;
            function_corners.extend_from_slice(&corners[first..]);
            functions.push((function_of[n as usize], at, function_corners.len() as u32));
            stops.push(corners[first..] == [[0, 0, 0], [YEAR, YEAR, YEAR]]);
        }
        // Most nodes are stopped for as long as the failure lasts: they
        // keep no corners (an empty run).
        if corners[first..] == [[0, 0, 0], [YEAR, YEAR, YEAR]] {
            corners.truncate(first);
        }
    }
    starts.push(corners.len() as u32);
    let mut node_bits = vec![0u64; reached.last().map_or(0, |&n| n as usize / 64 + 1)];
    for &n in &reached {
        node_bits[n as usize / 64] |= 1 << (n % 64);
    }
    let mut node_rank = Vec::with_capacity(node_bits.len());
    let mut before = 0u32;
    for w in &node_bits {
        node_rank.push(before);
        before += w.count_ones();
    }
    let mut slot = vec![
        u32::MAX;
        functions
            .iter()
            .map(|l| l.0 as usize + 1)
            .max()
            .unwrap_or(0)
    ];
    for (k, &(f, _, _)) in functions.iter().enumerate() {
        slot[f as usize] = k as u32;
    }
    Single {
        functions,
        function_corners,
        stops,
        slot,
        node_bits,
        node_rank,
        starts,
        corners,
    }
}

fn prepare<'a>(
    catalog: &Catalog,
    graph: &'a ImpactGraph,
    models: &'a [SupplierFailure],
    threads: usize,
) -> Prepared<'a> {
    let mut functions = Vec::new();
    let mut function_of = vec![u32::MAX; graph.len()];
    let mut cost = Vec::new();
    let mut tolerance = Vec::new();
    for (id, e) in catalog.iter() {
        if let Spec::BusinessFunction(f) = &e.spec {
            function_of[id.index()] = functions.len() as u32;
            functions.push(id.0);
            cost.push(match &f.cost {
                Some(c) => (
                    c.down_per_hour / 3600.0,
                    c.degraded_per_hour / 3600.0,
                    c.steps
                        .iter()
                        .map(|s| (s.after.seconds().max(1), s.cost))
                        .collect(),
                ),
                None => (0.0, 0.0, Vec::new()),
            });
            tolerance.push(f.max_tolerable_downtime.as_ref().map(|t| t.value.seconds()));
        }
    }
    // Every anyOf group with the functions downstream of it.
    let mut group_of: rustc_hash::FxHashMap<(u32, u32), usize> = Default::default();
    let mut groups: Vec<Group> = Vec::new();
    let words = graph.len().div_ceil(64);
    let mut cones = Vec::with_capacity(functions.len());
    for (fi, &f) in functions.iter().enumerate() {
        let cone = graph.cone(f);
        let mut bits = vec![0u64; words];
        for &n in &cone {
            bits[n as usize / 64] |= 1 << (n % 64);
        }
        cones.push(bits);
        for n in cone {
            for e in graph.edges(n) {
                if e.count > 1 && e.impact != Impact::None {
                    let g = *group_of.entry((n, e.first)).or_insert_with(|| {
                        groups.push(Group {
                            node: n,
                            options: graph.targets(e).to_vec(),
                            functions: Vec::new(),
                        });
                        groups.len() - 1
                    });
                    groups[g].functions.push(fi as u32);
                }
            }
        }
    }
    let nodes: Vec<u32> = models.iter().map(|m| m.id.0).collect();
    let built = crate::whatif::map_with_propagator(graph, &nodes, threads, |p, &n| {
        let mut bits = vec![0u64; words];
        let single = single(graph, p, n, &function_of, &mut bits);
        (single, bits)
    });
    let (singles, reaches): (Vec<Single>, Vec<Vec<u64>>) = built.into_iter().unzip();
    let loss_curves = singles.iter().map(|s| LossCurve::new(s, &cost)).collect();
    Prepared {
        graph,
        models,
        functions,
        cost,
        tolerance,
        singles,
        loss_curves,
        reaches,
        groups,
        cones,
        pairs: Mutex::default(),
    }
}

/// A failure event of one sample.
#[derive(Debug, Clone, Copy)]
struct Event {
    supplier: u32,
    start: u64,
    end: u64,
}

/// SplitMix64: seeds of independent streams from the seed, the chunk and
/// the supplier, so that an action changing one supplier leaves every other
/// supplier's failures as they were (common random numbers).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in (0, 1].
fn unit(rng: &mut fastrand::Rng) -> f64 {
    1.0 - rng.f64()
}

fn sample_events(
    models: &[SupplierFailure],
    rngs: &mut [fastrand::Rng],
    horizon: u64,
    out: &mut Vec<Event>,
) {
    out.clear();
    let mut own: Vec<(u64, u64)> = Vec::new();
    for (i, (m, rng)) in models.iter().zip(rngs.iter_mut()).enumerate() {
        own.clear();
        if m.per_year > 0.0 {
            if let Some(outage) = &m.outage {
                let rate = m.per_year / YEAR as f64;
                let mut t = 0.0;
                loop {
                    t += -unit(rng).ln() / rate;
                    if t >= horizon as f64 {
                        break;
                    }
                    let d = match outage {
                        Outage::Lognormal { median, p90 } => {
                            let sigma = (p90 / median).ln() / Z90;
                            let z = (-2.0 * unit(rng).ln()).sqrt()
                                * (std::f64::consts::TAU * rng.f64()).cos();
                            (median * (sigma * z).exp()).round() as u64
                        }
                        Outage::Observed(list) => list[rng.usize(..list.len())],
                    };
                    let d = d.min(m.max_outage.unwrap_or(YEAR)).clamp(1, YEAR);
                    own.push((t as u64, t as u64 + d));
                }
            }
        }
        if m.permanent_per_year > 0.0 {
            let rate = -(1.0 - m.permanent_per_year).ln() / YEAR as f64;
            let t = -unit(rng).ln() / rate;
            if t < horizon as f64 {
                let d = m.exit_lead.unwrap_or(YEAR).clamp(1, YEAR);
                own.push((t as u64, t as u64 + d));
            }
        }
        // A supplier's own overlapping failures are one.
        own.sort_unstable();
        let mut cur: Option<(u64, u64)> = None;
        for &(s, e) in &own {
            match &mut cur {
                Some((_, ce)) if s <= *ce => *ce = (*ce).max(e),
                _ => {
                    if let Some((cs, ce)) = cur {
                        out.push(Event {
                            supplier: i as u32,
                            start: cs,
                            end: ce,
                        });
                    }
                    cur = Some((s, e));
                }
            }
        }
        if let Some((cs, ce)) = cur {
            out.push(Event {
                supplier: i as u32,
                start: cs,
                end: ce,
            });
        }
    }
    out.sort_unstable_by_key(|e| (e.start, e.supplier));
}

/// The running sums of a chunk of samples.
#[derive(Debug, Clone, Default)]
struct Sums {
    totals: Vec<f64>,
    /// Per function: the losses of the detailed samples that lost anything.
    function_losses: Vec<Vec<f64>>,
    function_sq: Vec<f64>,
    down: Vec<f64>,
    degraded: Vec<f64>,
    breaches: Vec<u32>,
    joint: Vec<f64>,
    /// (function, supplier, loss) over the detailed samples.
    contribution: Vec<(u32, u32, f64)>,
    supplier_sum: Vec<f64>,
    supplier_sq: Vec<f64>,
}

/// What a failure of one supplier alone costs, as a function of its
/// duration: piecewise linear, with jumps where a function's stop reaches
/// one of its cost steps. Segments start at `x` with `value` and rise by
/// `slope` a second.
#[derive(Debug, Clone, Default)]
struct LossCurve {
    x: Vec<u64>,
    value: Vec<f64>,
    slope: Vec<f64>,
}

impl LossCurve {
    fn at(&self, d: u64) -> f64 {
        let i = self.x.partition_point(|&x| x <= d);
        if i == 0 {
            return 0.0;
        }
        self.value[i - 1] + self.slope[i - 1] * (d - self.x[i - 1]) as f64
    }

    fn new(single: &Single, cost: &[Pricing]) -> LossCurve {
        let mut xs: Vec<u64> = vec![0];
        for (f, corners) in single.curves() {
            let steps = &cost[f as usize].2;
            for w in corners.windows(2) {
                let (a, b) = (w[0], w[1]);
                xs.push(a[0]);
                xs.push(b[0]);
                if b[1] > a[1] && b[1] - a[1] == b[0] - a[0] {
                    for &(after, _) in steps {
                        if after > a[1] && after <= b[1] {
                            xs.push(a[0] + (after - a[1]));
                        }
                    }
                }
            }
        }
        xs.sort_unstable();
        xs.dedup();
        let total = |d: u64, with_steps: bool| {
            let mut sum = 0.0;
            for (f, corners) in single.curves() {
                let (down, imp) = Single::at(corners, d);
                let (per_down, per_degraded, steps) = &cost[f as usize];
                sum += per_down * down as f64 + per_degraded * (imp - down) as f64;
                if with_steps {
                    sum += steps
                        .iter()
                        .filter(|s| down >= s.0)
                        .map(|s| s.1)
                        .sum::<f64>();
                }
            }
            sum
        };
        let mut curve = LossCurve::default();
        for (k, &x) in xs.iter().enumerate() {
            let slope = match xs.get(k + 1) {
                Some(&next) => (total(next, false) - total(x, false)) / (next - x) as f64,
                None => 0.0,
            };
            curve.x.push(x);
            curve.value.push(total(x, true));
            curve.slope.push(slope);
        }
        curve
    }
}

struct Scratch {
    propagator: Propagator,
    events: Vec<Event>,
    down: Vec<Vec<Piece>>,
    impaired: Vec<Vec<Piece>>,
    touched: Vec<u32>,
    /// Per function, as many words as a cluster needs: a bit per failure
    /// of the cluster that stops it for as long as it lasts.
    stops: Vec<u64>,
    /// Per function: touched by the cluster.
    seen: Vec<bool>,
    /// One function's `stops`, taken out.
    bits: Vec<u64>,
    /// The failures under way that last the longest.
    latest: Vec<Event>,
    /// Per function: what the other failures of a cluster do to it.
    members: Vec<Vec<Member>>,
    /// The joint propagations' results in a cluster: (down, impaired, cause).
    joint_pieces: Vec<(u64, u64, u32)>,
    causes: Vec<(u32, u64)>,
    episodes: Vec<(u64, u64)>,
    joints: Vec<Vec<u32>>,
    supplier_loss: Vec<f64>,
    failures: Vec<(u32, Dur)>,
    /// Pairs of suppliers → where they interact ([`Prepared::interaction`]).
    interactions: rustc_hash::FxHashMap<(u32, u32), Arc<Interaction>>,
    joint_functions: Vec<u32>,
    /// The nodes a joint propagation covers.
    region: Vec<u32>,
    pair_run: PairRun,
    /// The bit set of the nodes the functions of a joint propagation
    /// depend on.
    needed: Vec<u64>,
    /// The sample's figures per function (detailed samples only).
    year: Year,
    /// Loss per (supplier × functions + function) over the chunk's
    /// detailed samples (a lone failure adds to one supplier's row).
    contribution: Vec<f64>,
}

/// One sample's figures per function.
#[derive(Default)]
struct Year {
    loss: Vec<f64>,
    down: Vec<u64>,
    degraded: Vec<u64>,
    joint: Vec<f64>,
    breach: Vec<bool>,
    seen: Vec<bool>,
    touched: Vec<u32>,
}

impl Year {
    fn touch(&mut self, f: usize) {
        if !self.seen[f] {
            self.seen[f] = true;
            self.touched.push(f as u32);
        }
    }
}

impl Scratch {
    fn new(prep: &Prepared<'_>) -> Scratch {
        let nf = prep.functions.len();
        let ns = prep.models.len();
        Scratch {
            propagator: Propagator::new(prep.graph),
            events: Vec::new(),
            down: vec![Vec::new(); nf],
            impaired: vec![Vec::new(); nf],
            touched: Vec::new(),
            stops: vec![0; nf],
            seen: vec![false; nf],
            bits: Vec::new(),
            latest: Vec::new(),
            members: vec![Vec::new(); nf],
            joint_pieces: Vec::new(),
            causes: Vec::new(),
            episodes: Vec::new(),
            joints: Vec::new(),
            supplier_loss: vec![0.0; ns],
            failures: Vec::new(),
            interactions: Default::default(),
            joint_functions: Vec::new(),
            region: Vec::new(),
            pair_run: PairRun::default(),
            needed: Vec::new(),
            year: Year {
                loss: vec![0.0; nf],
                down: vec![0; nf],
                degraded: vec![0; nf],
                joint: vec![0.0; nf],
                breach: vec![false; nf],
                seen: vec![false; nf],
                touched: Vec::new(),
            },
            contribution: vec![0.0; nf * ns],
        }
    }
}

/// One chunk of samples with a thread's scratch space (which only caches
/// what does not depend on the samples: the result is the same whichever
/// thread runs which chunk).
fn run_chunk(
    prep: &Prepared<'_>,
    settings: &Settings,
    s: &mut Scratch,
    chunk: u32,
    count: u32,
) -> Sums {
    let nf = prep.functions.len();
    let ns = prep.models.len();
    let mut sums = Sums {
        totals: Vec::with_capacity(count as usize),
        function_losses: vec![Vec::new(); nf],
        function_sq: vec![0.0; nf],
        down: vec![0.0; nf],
        degraded: vec![0.0; nf],
        breaches: vec![0; nf],
        joint: vec![0.0; nf],
        contribution: Vec::new(),
        supplier_sum: vec![0.0; ns],
        supplier_sq: vec![0.0; ns],
    };
    let mut rngs: Vec<fastrand::Rng> = prep
        .models
        .iter()
        .map(|m| {
            fastrand::Rng::with_seed(mix(mix(settings.seed ^ mix(u64::from(chunk)))
                ^ u64::from(m.id.0).wrapping_mul(0x2545_F491_4F6C_DD1D)))
        })
        .collect();
    let horizon = YEAR * u64::from(settings.years);
    for k in 0..count {
        let detail = chunk * CHUNK + k < settings.detail;
        sample_events(prep.models, &mut rngs, horizon, &mut s.events);
        let total = one_sample(prep, s, &mut sums, detail);
        sums.totals.push(total);
    }
    // Function by function, as the summary adds them up.
    for f in 0..nf {
        for sup in 0..ns {
            let c = &mut s.contribution[sup * nf + f];
            if *c != 0.0 {
                sums.contribution.push((f as u32, sup as u32, *c));
                *c = 0.0;
            }
        }
    }
    sums
}

/// One sample: its events in clusters of failures that overlap in time
/// (what a failure does to any function ends when it ends, so nothing
/// outside a cluster can merge with it). A failure that overlaps no other
/// is priced from its supplier's [`LossCurve`] (and, in a detailed sample,
/// function by function from its [`Single`]); a cluster is taken apart
/// function by function, with joint propagations where failures meet at
/// an alternative.
fn one_sample(prep: &Prepared<'_>, s: &mut Scratch, sums: &mut Sums, detail: bool) -> f64 {
    let events = std::mem::take(&mut s.events);
    let mut total = 0.0;
    let mut i = 0;
    while i < events.len() {
        let mut end = events[i].end;
        let mut j = i + 1;
        while j < events.len() && events[j].start <= end {
            end = end.max(events[j].end);
            j += 1;
        }
        total += if j == i + 1 {
            alone(prep, s, events[i], detail)
        } else {
            cluster(prep, s, &events[i..j], detail)
        };
        i = j;
    }
    s.events = events;
    if detail {
        let year = &mut s.year;
        for &f in &year.touched {
            let fi = f as usize;
            sums.down[fi] += year.down[fi] as f64;
            sums.degraded[fi] += year.degraded[fi] as f64;
            if year.breach[fi] {
                sums.breaches[fi] += 1;
            }
            let loss = year.loss[fi];
            if loss > 0.0 {
                sums.function_losses[fi].push(loss);
                sums.function_sq[fi] += loss * loss;
                sums.joint[fi] += year.joint[fi];
            }
            year.loss[fi] = 0.0;
            year.down[fi] = 0;
            year.degraded[fi] = 0;
            year.joint[fi] = 0.0;
            year.breach[fi] = false;
            year.seen[fi] = false;
        }
        year.touched.clear();
    }
    for (i, l) in s.supplier_loss.iter_mut().enumerate() {
        if *l != 0.0 {
            sums.supplier_sum[i] += *l;
            sums.supplier_sq[i] += *l * *l;
            *l = 0.0;
        }
    }
    total
}

/// A failure that overlaps no other.
fn alone(prep: &Prepared<'_>, s: &mut Scratch, e: Event, detail: bool) -> f64 {
    let sup = e.supplier as usize;
    let d = e.end - e.start;
    let loss = prep.loss_curves[sup].at(d);
    s.supplier_loss[sup] += loss;
    if detail {
        let nf = prep.functions.len();
        let single = &prep.singles[sup];
        for (k, &(f, _, _)) in single.functions.iter().enumerate() {
            let (down, imp) = single.nth_function_at(k, d);
            if imp == 0 {
                continue;
            }
            let fi = f as usize;
            let (per_down, per_degraded, steps) = &prep.cost[fi];
            let mut cost = 0.0;
            if down > 0 {
                cost += per_down * down as f64;
                for &(after, amount) in steps {
                    if down >= after {
                        cost += amount;
                    }
                }
            }
            if imp > down && *per_degraded > 0.0 {
                cost += per_degraded * (imp - down) as f64;
            }
            let year = &mut s.year;
            year.touch(fi);
            year.loss[fi] += cost;
            year.down[fi] += down;
            year.degraded[fi] += imp - down;
            if prep.tolerance[fi].is_some_and(|t| down > t) {
                year.breach[fi] = true;
            }
            if cost > 0.0 {
                s.contribution[sup * nf + fi] += cost;
            }
        }
    }
    loss
}

/// Where the failures of a pair of suppliers (`key`, smaller first) meet:
/// from the thread's own cache, else from the one all threads share (each
/// pair is worked out once a simulation), else worked out. The thread's
/// cache lends it out: the shared counts of the `Arc`s are touched only
/// when a pair is first met by the thread.
fn pair<'m>(
    prep: &Prepared<'_>,
    local: &'m mut rustc_hash::FxHashMap<(u32, u32), Arc<Interaction>>,
    key: (u32, u32),
) -> &'m Interaction {
    local.entry(key).or_insert_with(|| {
        let shared = prep
            .pairs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        shared.unwrap_or_else(|| {
            let made = Arc::new(prep.interaction(key.0, key.1));
            Arc::clone(
                prep.pairs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(key)
                    .or_insert(made),
            )
        })
    })
}

/// The scratch of [`run_pair`]: the part of the region propagated, the
/// nodes outside it that it reads, and their states.
#[derive(Debug, Default)]
struct PairRun {
    region: Vec<u32>,
    boundary: Vec<u32>,
    states: Vec<State>,
}

/// Propagates the failures of two suppliers (`a` < `b`, lasting `da` and
/// `db` from the same moment: `failures`) over the part of their region
/// the functions of a joint propagation depend on (`needed`,
/// [`Prepared::needed`]). The nodes outside it are read from each failure's
/// curves; a node neither affects stays unaffected. A cone holds every node
/// below its nodes, so what `needed` keeps of the region is closed under
/// dependencies and keeps each cycle whole: those functions get the states
/// the whole propagation gives them.
fn run_pair(
    prep: &Prepared<'_>,
    p: &mut Propagator,
    pair: &Interaction,
    [(a, da), (b, db)]: [(u32, u64); 2],
    failures: &[(u32, Dur)],
    needed: &[u64],
    run: &mut PairRun,
) {
    let has = |n: u32| needed[n as usize / 64] & (1 << (n % 64)) != 0;
    let (sa, sb) = (&prep.singles[a as usize], &prep.singles[b as usize]);
    run.region.clear();
    run.region
        .extend(pair.region.iter().copied().filter(|&n| has(n)));
    run.boundary.clear();
    run.states.clear();
    for ((&t, &ia), &ib) in pair.boundary.iter().zip(&pair.in_a).zip(&pair.in_b) {
        if ia == u32::MAX && ib == u32::MAX || !has(t) {
            continue;
        }
        let (xa, ya) = sa.nth_at(ia, da);
        let (xb, yb) = sb.nth_at(ib, db);
        run.boundary.push(t);
        run.states.push(State {
            down: Dur::from_seconds(xa.max(xb)),
            impaired: Dur::from_seconds(ya.max(yb)),
        });
    }
    p.run_region_given(
        prep.graph,
        failures,
        &run.region,
        &run.boundary,
        &run.states,
    );
}

/// Failures that overlap in time, function by function.
fn cluster(prep: &Prepared<'_>, s: &mut Scratch, events: &[Event], detail: bool) -> f64 {
    s.touched.clear();
    s.joints.clear();
    s.joint_pieces.clear();
    // Per function, a bit per failure of the cluster.
    let words = events.len().div_ceil(64);
    let need = prep.functions.len() * words;
    if s.stops.len() < need {
        s.stops.resize(need, 0);
    }
    let mut active: Vec<usize> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        active.retain(|&a| events[a].end > e.start);
        let single = &prep.singles[e.supplier as usize];
        // Functions where this failure meets another one under way at an
        // alternative: propagated together.
        let mut joint_functions = std::mem::take(&mut s.joint_functions);
        joint_functions.clear();
        let mut region = std::mem::take(&mut s.region);
        region.clear();
        for &a in &active {
            let other = events[a].supplier;
            if other == e.supplier {
                continue;
            }
            let key = (e.supplier.min(other), e.supplier.max(other));
            let found = pair(prep, &mut s.interactions, key);
            joint_functions.extend_from_slice(&found.functions);
            if active.len() > 1 {
                region.extend_from_slice(&found.region);
            }
        }
        joint_functions.sort_unstable();
        joint_functions.dedup();
        if !joint_functions.is_empty() {
            // Together the failures under way stop no function longer than
            // the longest of them lasts from now: where one of them alone
            // already stops it (and impairs it) that long, the union of
            // what each does alone is what they do together.
            // No failure stops anything longer than it lasts, so only the
            // failures lasting until that horizon can.
            let horizon = active.iter().map(|&a| events[a].end).fold(e.end, u64::max);
            let mut latest = std::mem::take(&mut s.latest);
            latest.clear();
            latest.extend(
                std::iter::once(e)
                    .chain(active.iter().map(|&a| &events[a]))
                    .filter(|o| o.end >= horizon)
                    .copied(),
            );
            joint_functions.retain(|&f| {
                !latest.iter().any(|o| {
                    prep.singles[o.supplier as usize]
                        .function_at(f, o.end - o.start)
                        .is_some_and(|(down, _)| o.start + down >= horizon)
                })
            });
            s.latest = latest;
        }
        if !joint_functions.is_empty() {
            let mut under_way = vec![(e.supplier, e.end - e.start)];
            for &a in &active {
                let o = events[a];
                under_way.push((o.supplier, o.end - e.start));
            }
            // Failures under way that meet each other matter too, where
            // they meet on the way to these functions.
            for (j, &(x, _)) in under_way.iter().enumerate().skip(1) {
                for &(y, _) in &under_way[j + 1..] {
                    let key = (x.min(y), x.max(y));
                    let found = pair(prep, &mut s.interactions, key);
                    region.extend_from_slice(&found.region);
                }
            }
            let graph = prep.graph;
            if under_way.len() > 2 {
                region.sort_unstable_by_key(|&n| (graph.component(n), n));
                region.dedup();
            }
            // Only what the functions left depend on needs propagating (a
            // cone holds every node below its nodes: what it keeps of a
            // region is closed under dependencies, cycles whole).
            let mut needed = std::mem::take(&mut s.needed);
            prep.needed(&joint_functions, &mut needed);
            s.failures.clear();
            for &(sup, d) in &under_way {
                s.failures
                    .push((prep.models[sup as usize].id.0, Dur::from_seconds(d)));
            }
            let mut who: Vec<u32> = under_way.iter().map(|u| u.0).collect();
            who.sort_unstable();
            who.dedup();
            // Outside the region, what the failures do together is the
            // union of what each does alone.
            if let [(x, dx), (y, dy)] = under_way[..] {
                // Two failures (the usual case): the pair's region and
                // boundary are ready.
                let ((a, da), (b, db)) = if x < y {
                    ((x, dx), (y, dy))
                } else {
                    ((y, dy), (x, dx))
                };
                run_pair(
                    prep,
                    &mut s.propagator,
                    &s.interactions[&(a, b)],
                    [(a, da), (b, db)],
                    &s.failures,
                    &needed,
                    &mut s.pair_run,
                );
            } else {
                region.retain(|&n| needed[n as usize / 64] & (1 << (n % 64)) != 0);
                s.propagator.run_region(graph, &s.failures, &region, |t| {
                    let (mut down, mut imp) = (0, 0);
                    for &(sup, d) in &under_way {
                        if !prep.reaches(sup, t) {
                            continue;
                        }
                        let (x, y) = prep.singles[sup as usize].node_at(t, d);
                        down = down.max(x);
                        imp = imp.max(y);
                    }
                    State {
                        down: Dur::from_seconds(down),
                        impaired: Dur::from_seconds(imp),
                    }
                });
            }
            s.needed = needed;
            let cause = JOINT | s.joints.len() as u32;
            s.joints.push(who);
            for &f in &joint_functions {
                let st = s.propagator.state(prep.functions[f as usize]);
                let down = st.down.seconds().unwrap_or(YEAR).min(YEAR);
                let imp = st.impaired.seconds().unwrap_or(YEAR).min(YEAR);
                let k = s.joint_pieces.len() as u32;
                s.joint_pieces.push((down, imp, cause));
                member(s, f, Member::Joint(i as u32, k));
            }
        }
        // What this failure alone does to the other functions it affects:
        // a bit for a function it stops for as long as it lasts, a member
        // otherwise.
        for (k, &(f, _, _)) in single.functions.iter().enumerate() {
            if !joint_functions.is_empty() && joint_functions.binary_search(&f).is_ok() {
                continue;
            }
            if single.stops[k] {
                let fi = f as usize;
                if !s.seen[fi] {
                    s.seen[fi] = true;
                    s.touched.push(f);
                }
                s.stops[fi * words + i / 64] |= 1 << (i % 64);
            } else {
                member(s, f, Member::Curve(i as u32, k as u32));
            }
        }
        s.joint_functions = joint_functions;
        s.region = region;
        active.push(i);
    }
    // Price each touched function's stops.
    let mut total = 0.0;
    s.touched.sort_unstable();
    let touched = std::mem::take(&mut s.touched);
    let mut causes = std::mem::take(&mut s.causes);
    let mut episodes = std::mem::take(&mut s.episodes);
    for &f in &touched {
        let fi = f as usize;
        s.seen[fi] = false;
        let mut stops = std::mem::take(&mut s.bits);
        stops.clear();
        for w in &mut s.stops[fi * words..(fi + 1) * words] {
            stops.push(std::mem::take(w));
        }
        let members = std::mem::take(&mut s.members[fi]);
        let priced = if members.is_empty() {
            // Stopped for as long as each failure lasts, by each: the
            // episodes are the failures' own (the usual case).
            let pieces = Bits::new(&stops).map(|i| {
                let e = events[i as usize];
                Piece {
                    start: e.start,
                    end: e.start + (e.end - e.start).min(YEAR),
                    cause: e.supplier,
                }
            });
            // Nothing is degraded that is not down: degraded time is the
            // impaired episodes less the down time inside them.
            price_down(prep, s, fi, pieces, detail, &mut causes, &mut episodes)
        } else {
            let mut down = std::mem::take(&mut s.down[fi]);
            let mut impaired = std::mem::take(&mut s.impaired[fi]);
            pieces_of(prep, s, events, &stops, &members, &mut down, &mut impaired);
            let mut priced = price_down(
                prep,
                s,
                fi,
                down.iter().copied(),
                detail,
                &mut causes,
                &mut episodes,
            );
            priced.degraded_time = price_degraded(
                prep,
                s,
                fi,
                &impaired,
                &episodes,
                detail,
                &mut causes,
                &mut priced,
            );
            down.clear();
            impaired.clear();
            s.down[fi] = down;
            s.impaired[fi] = impaired;
            priced
        };
        let mut members = members;
        members.clear();
        s.members[fi] = members;
        s.bits = stops;
        if detail {
            let year = &mut s.year;
            year.touch(fi);
            year.loss[fi] += priced.loss;
            year.down[fi] += priced.down_time;
            year.degraded[fi] += priced.degraded_time;
            year.joint[fi] += priced.joint;
            year.breach[fi] |= priced.breach;
        }
        total += priced.loss;
    }
    s.touched = touched;
    s.causes = causes;
    s.episodes = episodes;
    total
}

/// What one failure of a cluster does to one function, beyond stopping it
/// for as long as it lasts (the bits of [`Scratch::stops`]).
#[derive(Debug, Clone, Copy)]
enum Member {
    /// The `i`-th failure alone, through the `k`-th of its supplier's
    /// function curves.
    Curve(u32, u32),
    /// A joint propagation when the `i`-th failure began: the `k`-th of the
    /// cluster's joint pieces.
    Joint(u32, u32),
}

impl Member {
    fn event(self) -> u32 {
        match self {
            Member::Curve(i, _) | Member::Joint(i, _) => i,
        }
    }
}

fn member(s: &mut Scratch, f: u32, m: Member) {
    let fi = f as usize;
    if !s.seen[fi] {
        s.seen[fi] = true;
        s.touched.push(f);
    }
    s.members[fi].push(m);
}

/// The indices of the set bits of a bit set, ascending.
struct Bits<'a> {
    words: &'a [u64],
    at: usize,
    word: u64,
}

impl<'a> Bits<'a> {
    fn new(words: &'a [u64]) -> Bits<'a> {
        Bits {
            words,
            at: 0,
            word: words.first().copied().unwrap_or(0),
        }
    }
}

impl Iterator for Bits<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        while self.word == 0 {
            self.at += 1;
            self.word = *self.words.get(self.at)?;
        }
        let bit = self.word.trailing_zeros();
        self.word &= self.word - 1;
        Some(self.at as u32 * 64 + bit)
    }
}

/// One function's down and impaired pieces in a cluster, in the order of
/// the failures' starts: the failures that stop it for as long as they
/// last (`stops`) and the `members`.
fn pieces_of(
    prep: &Prepared<'_>,
    s: &Scratch,
    events: &[Event],
    stops: &[u64],
    members: &[Member],
    down: &mut Vec<Piece>,
    impaired: &mut Vec<Piece>,
) {
    let mut push = |start: u64, d: u64, imp: u64, cause: u32| {
        if imp == 0 {
            return;
        }
        if d > 0 {
            down.push(Piece {
                start,
                end: start + d,
                cause,
            });
        }
        impaired.push(Piece {
            start,
            end: start + imp,
            cause,
        });
    };
    let mut bits = Bits::new(stops).peekable();
    let mut stop = |upto: u32, push: &mut dyn FnMut(u64, u64, u64, u32)| {
        while let Some(i) = bits.next_if(|&i| i < upto) {
            let e = events[i as usize];
            let d = (e.end - e.start).min(YEAR);
            push(e.start, d, d, e.supplier);
        }
    };
    for &m in members {
        stop(m.event(), &mut push);
        match m {
            Member::Curve(i, k) => {
                let e = events[i as usize];
                let (d, imp) =
                    prep.singles[e.supplier as usize].nth_function_at(k as usize, e.end - e.start);
                push(e.start, d, imp, e.supplier);
            }
            Member::Joint(i, k) => {
                let (d, imp, cause) = s.joint_pieces[k as usize];
                push(events[i as usize].start, d, imp, cause);
            }
        }
    }
    stop(u32::MAX, &mut push);
}

/// A function's figures from one cluster.
#[derive(Debug, Default)]
struct Priced {
    loss: f64,
    joint: f64,
    down_time: u64,
    degraded_time: u64,
    breach: bool,
}

/// Prices a function's down episodes from its down pieces (in the order of
/// their starts); `episodes` gets them.
fn price_down(
    prep: &Prepared<'_>,
    s: &mut Scratch,
    fi: usize,
    pieces: impl Iterator<Item = Piece>,
    detail: bool,
    causes: &mut Vec<(u32, u64)>,
    episodes: &mut Vec<(u64, u64)>,
) -> Priced {
    let (per_down, _, steps) = &prep.cost[fi];
    let mut priced = Priced::default();
    episodes.clear();
    let mut pieces = pieces.peekable();
    while let Some(first) = pieces.next() {
        let start = first.start;
        let mut end = first.end;
        causes.clear();
        causes.push((first.cause, first.end - first.start));
        while let Some(p) = pieces.next_if(|p| p.start <= end) {
            end = end.max(p.end);
            causes.push((p.cause, p.end - p.start));
        }
        debug_assert!(pieces.peek().is_none_or(|p| p.start > start));
        let len = end - start;
        episodes.push((start, end));
        priced.down_time += len;
        if prep.tolerance[fi].is_some_and(|t| len > t) {
            priced.breach = true;
        }
        let mut cost = per_down * len as f64;
        for &(after, amount) in steps {
            if len >= after {
                cost += amount;
            }
        }
        priced.joint += attribute(prep, s, causes, cost, fi, detail);
        priced.loss += cost;
    }
    priced
}

/// Prices a function's degraded time: its impaired episodes less the down
/// `episodes` inside them; returns the degraded time.
#[allow(clippy::too_many_arguments)]
fn price_degraded(
    prep: &Prepared<'_>,
    s: &mut Scratch,
    fi: usize,
    impaired: &[Piece],
    episodes: &[(u64, u64)],
    detail: bool,
    causes: &mut Vec<(u32, u64)>,
    priced: &mut Priced,
) -> u64 {
    let per_degraded = prep.cost[fi].1;
    let mut degraded_time = 0u64;
    let mut i = 0;
    let mut e = 0;
    while i < impaired.len() {
        let start = impaired[i].start;
        let mut end = impaired[i].end;
        causes.clear();
        while i < impaired.len() && impaired[i].start <= end {
            end = end.max(impaired[i].end);
            causes.push((impaired[i].cause, impaired[i].end - impaired[i].start));
            i += 1;
        }
        let mut inside = 0;
        while e < episodes.len() && episodes[e].0 < end {
            inside += episodes[e].1.min(end) - episodes[e].0.max(start);
            e += 1;
        }
        let len = (end - start).saturating_sub(inside);
        degraded_time += len;
        if len > 0 && per_degraded > 0.0 {
            let cost = per_degraded * len as f64;
            priced.joint += attribute(prep, s, causes, cost, fi, detail);
            priced.loss += cost;
        }
    }
    degraded_time
}

/// Shares the `cost` of one stop among the failures behind it, in
/// proportion to how long each made the function stop (a failure of a day
/// that a blip of a minute overlaps carries nearly all of it); a stop that
/// failures made together at an alternative is shared equally among them.
/// Returns the part owed to such joint failures.
fn attribute(
    prep: &Prepared<'_>,
    s: &mut Scratch,
    causes: &[(u32, u64)],
    cost: f64,
    f: usize,
    detail: bool,
) -> f64 {
    if cost <= 0.0 {
        return 0.0;
    }
    let nf = prep.functions.len();
    let total: u64 = causes.iter().map(|c| c.1).sum::<u64>().max(1);
    let mut joint = 0.0;
    let owe = |s: &mut Scratch, w: usize, x: f64| {
        s.supplier_loss[w] += x;
        if detail {
            s.contribution[w * nf + f] += x;
        }
    };
    for &(c, len) in causes {
        let part = cost * len as f64 / total as f64;
        if c & JOINT != 0 {
            let k = (c & !JOINT) as usize;
            let share = part / s.joints[k].len() as f64;
            for j in 0..s.joints[k].len() {
                let w = s.joints[k][j] as usize;
                owe(s, w, share);
            }
            joint += part;
        } else {
            owe(s, c as usize, part);
        }
    }
    joint
}

/// Samples per chunk: each chunk has its own random streams, so the result
/// does not depend on the number of threads.
const CHUNK: u32 = 500;

/// Simulates `settings.samples` periods.
pub fn simulate(
    catalog: &Catalog,
    graph: &ImpactGraph,
    models: &[SupplierFailure],
    settings: &Settings,
) -> Risk {
    let prep = prepare(catalog, graph, models, settings.threads);
    run(&prep, settings)
}

fn run(prep: &Prepared<'_>, settings: &Settings) -> Risk {
    let samples = settings.samples.max(1);
    let chunks: Vec<(u32, u32)> = (0..samples.div_ceil(CHUNK))
        .map(|c| (c, CHUNK.min(samples - c * CHUNK)))
        .collect();
    let parts: Vec<Sums> = if settings.threads <= 1 || chunks.len() < 2 {
        let mut scratch = Scratch::new(prep);
        chunks
            .iter()
            .map(|&(c, n)| run_chunk(prep, settings, &mut scratch, c, n))
            .collect()
    } else {
        use rayon::prelude::*;
        chunks
            .par_iter()
            .with_max_len(1)
            .map_init(
                || Scratch::new(prep),
                |scratch, &(c, n)| run_chunk(prep, settings, scratch, c, n),
            )
            .collect()
    };
    summarize(prep, settings, samples, parts)
}

fn quantiles(values: &mut [f64], n: usize) -> (f64, f64, f64) {
    // `values` holds the nonzero losses; the other n - len periods lost nothing.
    values.sort_unstable_by(f64::total_cmp);
    let zeros = n - values.len();
    let q = |p: f64| {
        let rank = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        if rank < zeros {
            0.0
        } else {
            values[rank - zeros]
        }
    };
    (q(0.5), q(0.9), q(0.99))
}

fn estimate(sum: f64, sq: f64, n: usize, years: f64, nonzero: &mut [f64]) -> Estimate {
    let nf = n as f64;
    let mean = sum / nf;
    let var = if n > 1 {
        ((sq - nf * mean * mean) / (nf - 1.0)).max(0.0)
    } else {
        0.0
    };
    let (p50, p90, p99) = quantiles(nonzero, n);
    Estimate {
        mean: mean / years,
        standard_error: (var / nf).sqrt() / years,
        p50,
        p90,
        p99,
    }
}

fn summarize(prep: &Prepared<'_>, settings: &Settings, samples: u32, parts: Vec<Sums>) -> Risk {
    let n = samples as usize;
    let detailed = settings.detail.min(samples);
    let nd = detailed.max(1) as usize;
    let years = f64::from(settings.years.max(1));
    let nf = prep.functions.len();
    let ns = prep.models.len();
    let mut totals = Vec::with_capacity(n);
    let mut function_losses: Vec<Vec<f64>> = vec![Vec::new(); nf];
    let mut function_sum = vec![0.0; nf];
    let mut function_sq = vec![0.0; nf];
    let mut down = vec![0.0; nf];
    let mut degraded = vec![0.0; nf];
    let mut breaches = vec![0u64; nf];
    let mut joint = vec![0.0; nf];
    let mut contribution: Vec<rustc_hash::FxHashMap<u32, f64>> = vec![Default::default(); nf];
    let mut supplier_sum = vec![0.0; ns];
    let mut supplier_sq = vec![0.0; ns];
    for part in parts {
        totals.extend(part.totals);
        for f in 0..nf {
            for &l in &part.function_losses[f] {
                function_losses[f].push(l);
                function_sum[f] += l;
            }
            function_sq[f] += part.function_sq[f];
            down[f] += part.down[f];
            degraded[f] += part.degraded[f];
            breaches[f] += u64::from(part.breaches[f]);
            joint[f] += part.joint[f];
        }
        for (f, k, v) in part.contribution {
            *contribution[f as usize].entry(k).or_insert(0.0) += v;
        }
        for i in 0..ns {
            supplier_sum[i] += part.supplier_sum[i];
            supplier_sq[i] += part.supplier_sq[i];
        }
    }
    let per_year = |x: f64| x / nd as f64 / years;
    let total_sum: f64 = totals.iter().sum();
    let total_sq: f64 = totals.iter().map(|t| t * t).sum();
    let mut nonzero: Vec<f64> = totals.iter().copied().filter(|&t| t > 0.0).collect();
    let total = estimate(total_sum, total_sq, n, years, &mut nonzero);
    let curve = loss_curve(&nonzero, n);
    let mut per_supplier_functions: Vec<Vec<(EntityId, f64)>> = vec![Vec::new(); ns];
    let mut functions: Vec<FunctionRisk> = (0..nf)
        .map(|f| {
            let mut contributions: Vec<(EntityId, f64)> = contribution[f]
                .iter()
                .map(|(&s, &v)| (prep.models[s as usize].id, per_year(v)))
                .collect();
            contributions.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for (&s, &v) in &contribution[f] {
                per_supplier_functions[s as usize].push((EntityId(prep.functions[f]), per_year(v)));
            }
            let breach = prep.tolerance[f].map(|_| {
                let p = breaches[f] as f64 / nd as f64;
                Probability {
                    p,
                    standard_error: (p * (1.0 - p) / nd as f64).sqrt(),
                }
            });
            let costed = prep.cost[f].0 > 0.0 || prep.cost[f].1 > 0.0 || !prep.cost[f].2.is_empty();
            FunctionRisk {
                id: EntityId(prep.functions[f]),
                costed,
                loss: estimate(
                    function_sum[f],
                    function_sq[f],
                    nd,
                    years,
                    &mut function_losses[f],
                ),
                down_hours: per_year(down[f]) / 3600.0,
                degraded_hours: per_year(degraded[f]) / 3600.0,
                breach,
                contributions,
                joint: per_year(joint[f]),
            }
        })
        .collect();
    functions.sort_by(|a, b| {
        b.loss
            .mean
            .total_cmp(&a.loss.mean)
            .then(
                b.breach
                    .map_or(0.0, |p| p.p)
                    .total_cmp(&a.breach.map_or(0.0, |p| p.p)),
            )
            .then(a.id.cmp(&b.id))
    });
    let mut suppliers: Vec<SupplierRisk> = prep
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut fs = std::mem::take(&mut per_supplier_functions[i]);
            fs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let nfl = n as f64;
            let mean = supplier_sum[i] / nfl;
            let var = if n > 1 {
                ((supplier_sq[i] - nfl * mean * mean) / (nfl - 1.0)).max(0.0)
            } else {
                0.0
            };
            SupplierRisk {
                id: m.id,
                expected: mean / years,
                standard_error: (var / nfl).sqrt() / years,
                failures_per_year: m.per_year + m.permanent_per_year,
                functions: fs,
            }
        })
        .collect();
    suppliers.sort_by(|a, b| b.expected.total_cmp(&a.expected).then(a.id.cmp(&b.id)));
    Risk {
        samples,
        detailed,
        years: settings.years.max(1),
        seed: settings.seed,
        total,
        functions,
        suppliers,
        curve,
        totals,
    }
}

/// The loss-exceedance curve from the nonzero losses (sorted) of `n` periods.
fn loss_curve(sorted_nonzero: &[f64], n: usize) -> Vec<(f64, f64)> {
    let mut curve = Vec::new();
    if sorted_nonzero.is_empty() {
        return curve;
    }
    // At most 64 points, evenly spaced in rank among the nonzero losses.
    let m = sorted_nonzero.len();
    let step = (m / 64).max(1);
    let mut i = 0;
    while i < m {
        let exceed = (m - i - 1) as f64 / n as f64;
        curve.push((sorted_nonzero[i], exceed));
        i += step;
    }
    if curve.last().map(|c| c.0) != Some(sorted_nonzero[m - 1]) {
        curve.push((sorted_nonzero[m - 1], 0.0));
    }
    curve
}

/// What one candidate action buys.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionValue {
    /// The action's index in `[risk]`.
    pub index: usize,
    /// The expected loss a year with the action.
    pub loss: Estimate,
    /// The reduction of the expected loss a year, with the standard error
    /// of the paired difference.
    pub reduction: f64,
    /// The standard error of `reduction`.
    pub reduction_error: f64,
    /// `reduction` per unit of the action's yearly cost (infinite for a free action that helps).
    pub per_cost: f64,
}

/// A problem with an action (an entity it names is not in the landscape).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionProblem {
    /// Where.
    pub span: Span,
    /// What.
    pub message: String,
}

/// The catalog and models with an action applied.
fn apply(
    catalog: &Catalog,
    models: &[SupplierFailure],
    action: &Action,
) -> Result<(Option<Catalog>, Vec<SupplierFailure>), Vec<ActionProblem>> {
    let mut problems = Vec::new();
    let resolve =
        |text: &linchpin_model::Spanned<String>, problems: &mut Vec<ActionProblem>| match catalog
            .resolve(&text.value)
        {
            Ok(id) => Some(id),
            Err(e) => {
                problems.push(ActionProblem {
                    span: text.span,
                    message: format!("action `{}`: {e}", action.name),
                });
                None
            }
        };
    let mut changed = None;
    if !action.alternatives.is_empty() {
        let mut dependencies: Vec<Vec<Dependency>> = catalog
            .iter()
            .map(|(id, _)| catalog.dependencies(id).to_vec())
            .collect();
        for alt in &action.alternatives {
            let (Some(at), Some(on)) = (
                resolve(&alt.at, &mut problems),
                resolve(&alt.on, &mut problems),
            ) else {
                continue;
            };
            let add: Vec<EntityId> = alt
                .add
                .iter()
                .filter_map(|a| resolve(a, &mut problems))
                .collect();
            let mut found = false;
            for dep in &mut dependencies[at.index()] {
                let options = dep.target.entities().to_vec();
                if options.first() != Some(&on) {
                    continue;
                }
                found = true;
                let mut all = options;
                for a in &add {
                    if !all.contains(a) {
                        all.push(*a);
                    }
                }
                // A group keeps its switchover unless the action sets one; a
                // new group takes the action's (none: instant).
                let switchover = match (&dep.target, alt.switchover) {
                    (_, Some(s)) => s,
                    (DepTarget::AnyOf { switchover, .. }, None) => *switchover,
                    (DepTarget::One(_), None) => linchpin_model::Duration::from_seconds(0),
                };
                dep.target = DepTarget::AnyOf {
                    options: all,
                    switchover,
                };
            }
            if !found {
                problems.push(ActionProblem {
                    span: alt.on.span,
                    message: format!(
                        "action `{}`: `{}` does not depend on `{}` (as its first option)",
                        action.name, alt.at.value, alt.on.value
                    ),
                });
            }
        }
        let entities = catalog.entities().to_vec();
        changed = Some(Catalog::from_parts(entities, dependencies));
    }
    let mut models = models.to_vec();
    for change in &action.suppliers {
        let Some(id) = resolve(&change.supplier, &mut problems) else {
            continue;
        };
        match models.iter_mut().find(|m| m.id == id) {
            Some(m) => apply_change(m, change),
            None => problems.push(ActionProblem {
                span: change.supplier.span,
                message: format!(
                    "action `{}`: `{}` has no `failures` to change",
                    action.name, change.supplier.value
                ),
            }),
        }
    }
    if problems.is_empty() {
        Ok((changed, models))
    } else {
        Err(problems)
    }
}

fn apply_change(m: &mut SupplierFailure, c: &SupplierChange) {
    if let Some(d) = c.max_outage {
        m.max_outage = Some(d.seconds());
    }
    if let Some(n) = c.per_year {
        m.per_year = n;
    }
    if let Some(d) = c.exit_lead_time {
        m.exit_lead = Some(d.seconds());
    }
    if let Some(p) = c.permanent_per_year {
        m.permanent_per_year = p;
    }
}

/// Every action's value against `base` (simulated with the same settings):
/// the same seed gives each supplier the same failures in both runs, so the
/// difference is measured on the same years. Best value per cost first.
pub fn weigh_actions(
    catalog: &Catalog,
    graph: &ImpactGraph,
    models: &[SupplierFailure],
    actions: &[Action],
    base: &Risk,
    settings: &Settings,
) -> Result<Vec<ActionValue>, Vec<ActionProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    // An action is judged by the total alone: no period needs breaking down.
    let settings = &Settings {
        detail: 0,
        ..*settings
    };
    for (index, action) in actions.iter().enumerate() {
        match apply(catalog, models, action) {
            Err(p) => problems.extend(p),
            Ok((changed, changed_models)) => {
                let risk = match &changed {
                    Some(c) => {
                        let g = ImpactGraph::new(c);
                        simulate(c, &g, &changed_models, settings)
                    }
                    None => simulate(catalog, graph, &changed_models, settings),
                };
                let n = base.totals.len().min(risk.totals.len()).max(1);
                let years = f64::from(settings.years.max(1));
                let diffs: Vec<f64> = base
                    .totals
                    .iter()
                    .zip(&risk.totals)
                    .map(|(a, b)| (a - b) / years)
                    .collect();
                let mean = diffs.iter().sum::<f64>() / n as f64;
                let var = if n > 1 {
                    diffs.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / (n - 1) as f64
                } else {
                    0.0
                };
                let per_cost = if action.yearly_cost > 0.0 {
                    mean / action.yearly_cost
                } else if mean > 0.0 {
                    f64::INFINITY
                } else {
                    0.0
                };
                out.push(ActionValue {
                    index,
                    loss: risk.total,
                    reduction: mean,
                    reduction_error: (var / n as f64).sqrt(),
                    per_cost,
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    out.sort_by(|a, b| {
        b.per_cost
            .total_cmp(&a.per_cost)
            .then(a.index.cmp(&b.index))
    });
    Ok(out)
}

/// Everything `linchpin risk` and the report's section show.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The simulation.
    pub risk: Risk,
    /// The suppliers simulated, with where their figures come from.
    pub models: Vec<SupplierFailure>,
    /// Suppliers whose `failures` cannot be used, and why.
    pub gaps: Vec<Gap>,
    /// Suppliers without `failures`: the totals leave them out.
    pub without_data: Vec<EntityId>,
    /// The candidate actions' values, best first (empty unless asked for).
    pub actions: Vec<ActionValue>,
}

/// Whether the landscape has anything to price: a function with a `cost`
/// and a supplier with `failures`.
pub fn has_data(catalog: &Catalog) -> bool {
    let mut cost = false;
    let mut failures = false;
    for e in catalog.entities() {
        match &e.spec {
            Spec::BusinessFunction(f) => cost |= f.cost.is_some(),
            Spec::Supplier(s) => failures |= s.failures.is_some(),
            _ => {}
        }
    }
    cost && failures
}

/// Simulates the landscape and, when `actions` is given, weighs each of them.
pub fn assess(
    catalog: &Catalog,
    graph: &ImpactGraph,
    actions: Option<&[Action]>,
    settings: &Settings,
    today: linchpin_model::Date,
) -> Result<Assessment, Vec<ActionProblem>> {
    let (models, gaps) = failure_models(catalog, today);
    let risk = simulate(catalog, graph, &models, settings);
    let values = match actions {
        Some(list) if !list.is_empty() => {
            weigh_actions(catalog, graph, &models, list, &risk, settings)?
        }
        _ => Vec::new(),
    };
    let without_data = catalog
        .iter()
        .filter(|(_, e)| matches!(&e.spec, Spec::Supplier(s) if s.failures.is_none()))
        .map(|(id, _)| id)
        .collect();
    Ok(Assessment {
        risk,
        models,
        gaps,
        without_data,
        actions: values,
    })
}

#[cfg(test)]
mod tests {
    use super::{prepare, run_pair, single, Basis, PairRun, Single, SupplierFailure, YEAR};
    use crate::propagate::State;
    use crate::{ImpactGraph, Propagator};
    use linchpin_model::{Catalog, Spec};

    #[allow(clippy::disallowed_methods)] // the test writes its landscape to disk
    fn generated(entities: usize, seed: u64) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        let config = linchpin_synth::Config {
            entities,
            seed,
            per_file: 100,
        };
        for file in linchpin_synth::generate(&config) {
            let path = dir.path().join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, file.text).unwrap();
        }
        linchpin_loader::load(dir.path(), &linchpin_loader::LoadOptions::default())
            .unwrap()
            .catalog
    }

    /// A failure model for every supplier (the tests only need their ids).
    fn every_supplier(catalog: &Catalog) -> Vec<SupplierFailure> {
        catalog
            .iter()
            .filter(|(_, e)| matches!(e.spec, Spec::Supplier(_)))
            .map(|(id, _)| SupplierFailure {
                id,
                per_year: 1.0,
                outage: None,
                max_outage: None,
                permanent_per_year: 0.0,
                exit_lead: None,
                basis: Basis::Given,
            })
            .collect()
    }

    /// Where two suppliers meet at no alternative, what their failures do
    /// together is what each does alone, joined: the propagation of both
    /// equals the larger single value at every function (the simulation
    /// relies on it to propagate only failures that meet at an `anyOf`).
    #[test]
    fn failures_that_meet_at_no_alternative_combine_by_max() {
        for seed in [3, 4] {
            let catalog = generated(1000, seed);
            let graph = ImpactGraph::new(&catalog);
            let models = every_supplier(&catalog);
            let prep = prepare(&catalog, &graph, &models, 1);
            let mut p = Propagator::new(&graph);
            let mut rng = fastrand::Rng::with_seed(seed);
            let (mut separate, mut meeting) = (0, 0);
            for _ in 0..3000 {
                let a = rng.u32(..models.len() as u32);
                let b = rng.u32(..models.len() as u32);
                if a == b {
                    continue;
                }
                let da = rng.u64(1..8 * 3600);
                let db = rng.u64(1..8 * 3600);
                let meet = prep.interaction(a.min(b), a.max(b)).functions;
                p.run(
                    &graph,
                    &[
                        (models[a as usize].id.0, crate::Dur::from_seconds(da)),
                        (models[b as usize].id.0, crate::Dur::from_seconds(db)),
                    ],
                );
                let alone = |sup: u32, d: u64, f: u32| {
                    prep.singles[sup as usize]
                        .function_at(f, d)
                        .unwrap_or((0, 0))
                };
                for (f, &node) in prep.functions.iter().enumerate() {
                    let f = f as u32;
                    if meet.binary_search(&f).is_ok() {
                        meeting += 1;
                        continue;
                    }
                    let st = p.state(node);
                    let (xa, ya) = alone(a, da, f);
                    let (xb, yb) = alone(b, db, f);
                    assert_eq!(
                        (st.down.seconds().unwrap(), st.impaired.seconds().unwrap()),
                        (xa.max(xb), ya.max(yb)),
                        "suppliers {a} and {b}, function {f}"
                    );
                    separate += 1;
                }
            }
            assert!(separate > 1000 && meeting > 10, "{separate} {meeting}");
        }
    }

    /// A propagation over the region where two failures meet, with every
    /// other node's state the union of what each failure does alone, gives
    /// every function it is for exactly what the whole propagation gives.
    #[test]
    fn a_joint_propagation_over_its_region_is_exact() {
        for seed in [5, 6] {
            let catalog = generated(1000, seed);
            let graph = ImpactGraph::new(&catalog);
            let models = every_supplier(&catalog);
            let prep = prepare(&catalog, &graph, &models, 1);
            let mut full = Propagator::new(&graph);
            let mut part = Propagator::new(&graph);
            // Reused from pair to pair: what one run leaves must not leak
            // into the next (the nodes it leaves out are read as unaffected).
            let mut cut = Propagator::new(&graph);
            let mut run = PairRun::default();
            let mut needed = Vec::new();
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut checked = 0;
            let mut cut_checked = 0;
            for _ in 0..3000 {
                let a = rng.u32(..models.len() as u32);
                let b = rng.u32(..models.len() as u32);
                if a == b {
                    continue;
                }
                let meet = prep.interaction(a.min(b), a.max(b));
                if meet.functions.is_empty() {
                    continue;
                }
                let pick = |rng: &mut fastrand::Rng| match rng.u8(..3) {
                    0 => rng.u64(1..600),
                    1 => rng.u64(1..8 * 3600),
                    _ => rng.u64(1..60 * 86_400),
                };
                let (da, db) = (pick(&mut rng), pick(&mut rng));
                let failures = [
                    (models[a as usize].id.0, crate::Dur::from_seconds(da)),
                    (models[b as usize].id.0, crate::Dur::from_seconds(db)),
                ];
                full.run(&graph, &failures);
                part.run_region(&graph, &failures, &meet.region, |t| {
                    let (xa, ya) = prep.singles[a as usize].node_at(t, da);
                    let (xb, yb) = prep.singles[b as usize].node_at(t, db);
                    State {
                        down: crate::Dur::from_seconds(xa.max(xb)),
                        impaired: crate::Dur::from_seconds(ya.max(yb)),
                    }
                });
                let mut given = Propagator::new(&graph);
                let (lo, hi, dlo, dhi) = if a < b {
                    (a, b, da, db)
                } else {
                    (b, a, db, da)
                };
                let states: Vec<State> = meet
                    .in_a
                    .iter()
                    .zip(&meet.in_b)
                    .map(|(&i, &j)| {
                        let (x, y) = prep.singles[lo as usize].nth_at(i, dlo);
                        let (u, v) = prep.singles[hi as usize].nth_at(j, dhi);
                        State {
                            down: crate::Dur::from_seconds(x.max(u)),
                            impaired: crate::Dur::from_seconds(y.max(v)),
                        }
                    })
                    .collect();
                given.run_region_given(&graph, &failures, &meet.region, &meet.boundary, &states);
                for &f in &meet.functions {
                    let node = prep.functions[f as usize];
                    assert_eq!(
                        part.state(node),
                        full.state(node),
                        "suppliers {a} and {b} for {da} and {db} s, function {f}"
                    );
                    assert_eq!(given.state(node), full.state(node));
                    checked += 1;
                }
                // Only the part of the region some of the functions need.
                let keep: Vec<u32> = meet
                    .functions
                    .iter()
                    .copied()
                    .filter(|_| rng.u8(..3) == 0)
                    .collect();
                prep.needed(&keep, &mut needed);
                run_pair(
                    &prep,
                    &mut cut,
                    &meet,
                    [(lo, dlo), (hi, dhi)],
                    &failures,
                    &needed,
                    &mut run,
                );
                assert!(run.region.len() <= meet.region.len());
                for &f in &keep {
                    let node = prep.functions[f as usize];
                    assert_eq!(
                        cut.state(node),
                        full.state(node),
                        "part: suppliers {a} and {b} for {da} and {db} s, function {f}"
                    );
                    cut_checked += 1;
                }
            }
            assert!(checked > 100, "{checked}");
            assert!(cut_checked > 30, "{cut_checked}");
        }
    }

    /// The corners found by probing and bisecting give exactly what the
    /// propagation gives, at any duration, for every supplier of generated
    /// landscapes (with cycles, fallbacks and switchovers).
    #[test]
    fn a_single_failure_is_exact_at_every_duration() {
        for seed in [1, 2] {
            let catalog = &generated(1000, seed);
            let graph = ImpactGraph::new(catalog);
            let mut function_of = vec![u32::MAX; graph.len()];
            let mut functions = Vec::new();
            for (id, e) in catalog.iter() {
                if matches!(e.spec, Spec::BusinessFunction(_)) {
                    function_of[id.index()] = functions.len() as u32;
                    functions.push(id.0);
                }
            }
            let mut p = Propagator::new(&graph);
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut checked = 0;
            for (id, e) in catalog.iter() {
                if !matches!(e.spec, Spec::Supplier(_)) {
                    continue;
                }
                let mut reach = vec![0u64; graph.len().div_ceil(64)];
                let s = single(&graph, &mut p, id.0, &function_of, &mut reach);
                for _ in 0..20 {
                    let d = match rng.u8(..3) {
                        0 => rng.u64(1..4 * 3600),
                        1 => rng.u64(1..30 * 86_400),
                        _ => rng.u64(1..=YEAR),
                    };
                    p.run(&graph, &[(id.0, crate::Dur::from_seconds(d))]);
                    for (f, corners) in s.curves() {
                        let st = p.state(functions[f as usize]);
                        let want = (st.down.seconds().unwrap(), st.impaired.seconds().unwrap());
                        assert_eq!(Single::at(corners, d), want, "supplier {id:?}, d = {d}");
                        checked += 1;
                    }
                }
            }
            assert!(checked > 1000, "{checked}");
        }
    }
}
