//! What if these entities fail: every business function's status, downtime
//! against its tolerance, and why.

use crate::graph::ImpactGraph;
use crate::propagate::{Propagator, State};
use crate::Dur;
use linchpin_model::{Catalog, Criticality, EntityId, FailureMode, Spec};
use std::collections::{HashMap, VecDeque};

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

/// The duration of one failed entity under a mode (DESIGN §2.4).
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
                Some(FunctionImpact {
                    id,
                    criticality: f.criticality,
                    status,
                    down: state.down,
                    impaired: state.impaired,
                    tolerance,
                    breach: tolerance.is_some_and(|t| state.down > t),
                    path: if status == Status::Up {
                        Vec::new()
                    } else {
                        explain(graph, propagator, id.0, status)
                    },
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

/// One shortest chain from `start` to a failed entity, following only edges
/// into affected entities (into down ones, for a down function).
pub fn explain(
    graph: &ImpactGraph,
    propagator: &Propagator,
    start: u32,
    status: Status,
) -> Vec<EntityId> {
    let counts = |n: u32| {
        let s = propagator.state(n);
        match status {
            Status::Down => s.down.is_positive(),
            _ => s.impaired.is_positive(),
        }
    };
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    parent.insert(start, start);
    while let Some(n) = queue.pop_front() {
        if propagator.failed_for(n).is_positive() {
            let mut path = vec![EntityId(n)];
            let mut cur = n;
            while cur != start {
                cur = parent[&cur];
                path.push(EntityId(cur));
            }
            path.reverse();
            return path;
        }
        for edge in graph.edges(n) {
            for &t in graph.targets(edge) {
                if counts(t) && !parent.contains_key(&t) {
                    parent.insert(t, n);
                    queue.push_back(t);
                }
            }
        }
    }
    // A degraded function reached only through degraded edges of down
    // entities: fall back to following any affected entity.
    if status == Status::Down {
        return explain(graph, propagator, start, Status::Degraded);
    }
    vec![EntityId(start)]
}
