//! What if these entities fail: every business function's status, downtime
//! against its tolerance, and why.

use crate::graph::ImpactGraph;
use crate::propagate::{Propagator, State};
use crate::Dur;
use linchpin_model::{Catalog, Criticality, EntityId, FailureMode, Impact, Spec};
use std::collections::VecDeque;

/// A failure to simulate.
#[derive(Debug, Clone)]
pub struct FailureSpec {
    /// The entities that fail.
    pub fail: Vec<EntityId>,
    /// Outage (for a time) or permanent (until the exit is carried out).
    pub mode: FailureMode,
    /// An explicit outage duration; `None` takes each supplier's committed RTO.
    pub duration: Option<linchpin_model::Duration>,
}

/// Where a failed entity's duration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationSource {
    /// Given by the scenario or the command line.
    Given,
    /// The supplier's committed RTO (outage).
    StatementRto,
    /// The exit plan's lead time (permanent).
    ExitLeadTime,
    /// Nothing bounds it: no committed RTO, no exit plan, or not a supplier.
    Unbounded,
}

impl DurationSource {
    /// A short name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            DurationSource::Given => "given",
            DurationSource::StatementRto => "committed-rto",
            DurationSource::ExitLeadTime => "exit-lead-time",
            DurationSource::Unbounded => "unbounded",
        }
    }
}

/// How long a failed entity is failed, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedEntity {
    /// The entity.
    pub id: EntityId,
    /// For how long.
    pub duration: Dur,
    /// Where the duration came from.
    pub source: DurationSource,
}

/// A function's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Does not work at all for a while.
    Down,
    /// Works, degraded.
    Degraded,
    /// Unaffected.
    Up,
}

impl Status {
    /// Of a state.
    pub fn of(state: State) -> Status {
        if state.down.is_positive() {
            Status::Down
        } else if state.impaired.is_positive() {
            Status::Degraded
        } else {
            Status::Up
        }
    }

    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Down => "down",
            Status::Degraded => "degraded",
            Status::Up => "up",
        }
    }
}

/// What happens to one business function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionImpact {
    /// The function.
    pub id: EntityId,
    /// Its criticality.
    pub criticality: Criticality,
    /// Down, degraded or up.
    pub status: Status,
    /// How long it is down.
    pub down: Dur,
    /// How long it is down or degraded.
    pub impaired: Dur,
    /// Its maximum tolerable downtime, if set.
    pub tolerance: Option<Dur>,
    /// Whether `down` exceeds the tolerance.
    pub breach: bool,
    /// One shortest chain from the function to a failed entity (empty when up).
    pub path: Vec<EntityId>,
    /// Where on that chain an alternative takes over (`anyOf`), in chain
    /// order: what a function's shorter downtime is owed to.
    pub fallbacks: Vec<Fallback>,
}

/// An alternative taking over on an explanation chain: `at` depends on
/// `from` or any of its alternatives, `from` fails, and `at` switches to
/// `to` after the group's switchover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fallback {
    /// The entity that switches.
    pub at: EntityId,
    /// The option it was on (the active one).
    pub from: EntityId,
    /// The alternative it switches to.
    pub to: EntityId,
    /// How long the switch takes.
    pub after: Dur,
}

/// The outcome of a what-if.
#[derive(Debug, Clone)]
pub struct WhatIf {
    /// The failed entities with their durations.
    pub failed: Vec<FailedEntity>,
    /// Every business function: down first, then degraded, then up; within
    /// a status by criticality, downtime and name.
    pub functions: Vec<FunctionImpact>,
}

impl Fallback {
    /// The one wording every output uses, with entities named by `name`
    /// (which escapes for its format): "payment-gateway switches from
    /// stripe-payments to adyen-payments after 30m".
    pub fn describe(&self, name: impl Fn(EntityId) -> String) -> String {
        format!(
            "{} switches from {} to {} after {}",
            name(self.at),
            name(self.from),
            name(self.to),
            self.after
        )
    }
}

/// The duration of one failed entity under a mode (docs/engine.md, "Failure semantics").
pub fn failure_duration(
    catalog: &Catalog,
    id: EntityId,
    spec: &FailureSpec,
) -> (Dur, DurationSource) {
    let supplier = match &catalog.entity(id).spec {
        Spec::Supplier(s) => Some(s),
        _ => None,
    };
    match spec.mode {
        FailureMode::Outage => match spec.duration {
            Some(d) => (d.into(), DurationSource::Given),
            None => match supplier
                .and_then(|s| s.continuity.as_ref())
                .and_then(|c| c.statement.as_ref())
                .and_then(|s| s.rto)
            {
                Some(rto) => (rto.into(), DurationSource::StatementRto),
                None => (Dur::INF, DurationSource::Unbounded),
            },
        },
        FailureMode::Permanent => {
            match supplier
                .and_then(|s| s.exit.as_ref())
                .and_then(|e| e.lead_time.as_ref())
            {
                Some(lead) => (lead.value.into(), DurationSource::ExitLeadTime),
                None => (Dur::INF, DurationSource::Unbounded),
            }
        }
    }
}

/// Runs a what-if over the whole landscape.
pub fn whatif(catalog: &Catalog, graph: &ImpactGraph, spec: &FailureSpec) -> WhatIf {
    let mut propagator = Propagator::new(graph);
    whatif_with(catalog, graph, &mut propagator, spec)
}

/// `f` of every item with a propagator of its own thread (what-ifs,
/// pictures, playbooks: independent of each other), on all cores unless
/// `threads` is 1; results in the items' order.
pub fn map_with_propagator<T: Sync, R: Send>(
    graph: &ImpactGraph,
    items: &[T],
    threads: usize,
    f: impl Fn(&mut Propagator, &T) -> R + Sync,
) -> Vec<R> {
    if threads <= 1 || items.len() < 2 {
        let mut propagator = Propagator::new(graph);
        return items.iter().map(|item| f(&mut propagator, item)).collect();
    }
    use rayon::prelude::*;
    items
        .par_iter()
        .with_max_len(1)
        .map_init(|| Propagator::new(graph), |p, item| f(p, item))
        .collect()
}

/// [`whatif`] reusing a propagator's scratch space.
pub fn whatif_with(
    catalog: &Catalog,
    graph: &ImpactGraph,
    propagator: &mut Propagator,
    spec: &FailureSpec,
) -> WhatIf {
    let failed: Vec<FailedEntity> = spec
        .fail
        .iter()
        .map(|&id| {
            let (duration, source) = failure_duration(catalog, id, spec);
            FailedEntity {
                id,
                duration,
                source,
            }
        })
        .collect();
    let failures: Vec<(u32, Dur)> = failed.iter().map(|f| (f.id.0, f.duration)).collect();
    propagator.run(graph, &failures);
    let down_chains = Chains::new(graph, propagator, &failures, true);
    let impaired_chains = Chains::new(graph, propagator, &failures, false);
    let mut functions: Vec<FunctionImpact> = catalog
        .iter()
        .filter_map(|(id, e)| match &e.spec {
            Spec::BusinessFunction(f) => {
                let state = propagator.state(id.0);
                let tolerance = f
                    .max_tolerable_downtime
                    .as_ref()
                    .map(|d| Dur::from(d.value));
                let status = Status::of(state);
                let path = match status {
                    Status::Up => Vec::new(),
                    Status::Down => down_chains.path(id.0),
                    Status::Degraded => impaired_chains.path(id.0),
                };
                let fallbacks = fallbacks(graph, propagator, &path, status == Status::Down);
                Some(FunctionImpact {
                    id,
                    criticality: f.criticality,
                    status,
                    down: state.down,
                    impaired: state.impaired,
                    tolerance,
                    breach: tolerance.is_some_and(|t| state.down > t),
                    path,
                    fallbacks,
                })
            }
            _ => None,
        })
        .collect();
    functions.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then(a.criticality.cmp(&b.criticality))
            .then(b.down.cmp(&a.down))
            .then(b.impaired.cmp(&a.impaired))
            .then_with(|| {
                catalog
                    .entity(a.id)
                    .entity_ref
                    .cmp(&catalog.entity(b.id).entity_ref)
            })
    });
    WhatIf { failed, functions }
}

/// The alternatives that take over along a chain: for each step from an
/// entity to the next, the `anyOf` group it passes through, if any, and
/// the option that entity ends up on (the least of staying on the active
/// option and each alternative plus the switchover, by down time for a
/// chain of a stopped function, by impaired time otherwise).
fn fallbacks(
    graph: &ImpactGraph,
    propagator: &Propagator,
    path: &[EntityId],
    down: bool,
) -> Vec<Fallback> {
    let value = |n: u32| {
        let s = propagator.state(n);
        if down {
            s.down
        } else {
            s.impaired
        }
    };
    let mut out = Vec::new();
    for step in path.windows(2) {
        let (at, next) = (step[0].0, step[1].0);
        let Some(edge) = graph
            .edges(at)
            .iter()
            .find(|e| e.count > 1 && e.impact != Impact::None && graph.targets(e).contains(&next))
        else {
            continue;
        };
        let targets = graph.targets(edge);
        let mut best = (value(targets[0]), 0);
        for (j, &t) in targets.iter().enumerate().skip(1) {
            let v = edge.switchover.plus(value(t));
            if v < best.0 {
                best = (v, j);
            }
        }
        if best.1 != 0 {
            out.push(Fallback {
                at: EntityId(at),
                from: EntityId(targets[0]),
                to: EntityId(targets[best.1]),
                after: edge.switchover,
            });
        }
    }
    out
}

/// Shortest chains to the failures: one breadth-first search from the
/// failed entities along reverse edges, through entities that are down (or,
/// for degraded functions, affected at all). Each entity then follows its
/// `next` step to a failure.
struct Chains {
    /// Per node, its next step towards a failure (itself for a failure),
    /// `NONE` where no chain passes: dense, because a big supplier's
    /// failure reaches most of the graph.
    next: Vec<u32>,
}

impl Chains {
    const NONE: u32 = u32::MAX;

    fn new(
        graph: &ImpactGraph,
        propagator: &Propagator,
        failures: &[(u32, Dur)],
        down: bool,
    ) -> Chains {
        let counts = |n: u32| {
            let s = propagator.state(n);
            if down {
                s.down.is_positive()
            } else {
                s.impaired.is_positive()
            }
        };
        let mut next = vec![Chains::NONE; graph.len()];
        let mut queue = VecDeque::new();
        for &(n, d) in failures {
            if d.is_positive() && next[n as usize] == Chains::NONE {
                next[n as usize] = n;
                queue.push_back(n);
            }
        }
        while let Some(n) = queue.pop_front() {
            for (&d, &impact) in graph.dependents(n).iter().zip(graph.dependent_impacts(n)) {
                let carries = match impact {
                    Impact::Down => true,
                    Impact::Degraded => !down,
                    Impact::None => false,
                };
                if carries && next[d as usize] == Chains::NONE && counts(d) {
                    next[d as usize] = n;
                    queue.push_back(d);
                }
            }
        }
        Chains { next }
    }

    fn path(&self, start: u32) -> Vec<EntityId> {
        let mut path = vec![EntityId(start)];
        let mut cur = start;
        while let Some(&n) = self.next.get(cur as usize) {
            if n == cur || n == Chains::NONE {
                break;
            }
            path.push(EntityId(n));
            cur = n;
        }
        path
    }
}
