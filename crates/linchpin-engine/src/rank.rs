//! Every supplier's single failure, in both modes, tiered and ordered
//! (docs/engine.md, "Ranking").
//!
//! One propagation per supplier suffices for both modes: with a single
//! failed entity of duration `D`, every entity ends up down for
//! `min(D, c)` and impaired for `min(D, c')`, where `c` and `c'` are its
//! values for an unbounded failure (each operation of §2.4 — max, min,
//! adding a switchover, capping by impact — keeps that form). So the engine
//! propagates the unbounded failure once and reads off each mode's
//! durations.

use crate::batch;
use crate::graph::ImpactGraph;
pub use crate::readiness::Reach;
use crate::readiness::{readiness, Readiness};
use crate::whatif::{failure_duration, DurationSource, FailureSpec};
use crate::Dur;
use linchpin_model::{Catalog, Criticality, Date, EntityId, FailureMode, Spec};

/// One mode of a supplier's failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeImpact {
    /// How long the supplier fails.
    pub duration: Dur,
    /// Where that duration came from.
    pub source: DurationSource,
    /// Functions down longer than they tolerate.
    pub breaches: Vec<EntityId>,
}

/// One supplier in the ranking.
#[derive(Debug, Clone)]
pub struct SupplierRank {
    /// The supplier.
    pub id: EntityId,
    /// 1 (linchpin) to 4 (no function affected).
    pub tier: u8,
    /// Weighted impact: critical 9, important 3, standard 1; down ×1, degraded ×0.3.
    pub score: f64,
    /// Functions it stops (down), most critical first.
    pub stops: Vec<Reach>,
    /// Functions it degrades only.
    pub degrades: Vec<Reach>,
    /// A time-limited outage (the committed RTO, else unbounded).
    pub outage: ModeImpact,
    /// A permanent failure (until the exit plan's lead time, else unbounded).
    pub permanent: ModeImpact,
    /// Continuity evidence against its tier.
    pub readiness: Readiness,
}

impl SupplierRank {
    /// The functions breached in either mode, once each, by id.
    pub fn breached(&self) -> Vec<EntityId> {
        let mut ids: Vec<EntityId> = self
            .outage
            .breaches
            .iter()
            .chain(&self.permanent.breaches)
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The weight of a function's criticality in the score.
pub fn weight(c: Criticality) -> f64 {
    weight_of(c) as f64
}

fn weight_of(c: Criticality) -> u64 {
    match c {
        Criticality::Critical => 9,
        Criticality::Important => 3,
        Criticality::Standard => 1,
    }
}

/// Ranks every supplier, most critical first, on `threads` worker threads.
pub fn rank(
    catalog: &Catalog,
    graph: &ImpactGraph,
    today: Date,
    threads: usize,
) -> Vec<SupplierRank> {
    rank_reusing(catalog, graph, today, threads, &|_| None)
}

/// What a supplier's single unbounded failure does to each function it
/// reaches: (function, down for at most, impaired for at most).
pub type KnownReach = Vec<(EntityId, Dur, Dur)>;

/// [`rank`], taking each supplier's reach from `known` where it gives one
/// (a previous analysis of a landscape that differs only where that
/// supplier's failure does not go) and propagating only the others. The
/// tiers, scores, breaches and readiness are worked out anew from the
/// reach, with this landscape's functions and suppliers.
pub fn rank_reusing(
    catalog: &Catalog,
    graph: &ImpactGraph,
    today: Date,
    threads: usize,
    known: &(dyn Fn(EntityId) -> Option<KnownReach> + Sync),
) -> Vec<SupplierRank> {
    let functions: Vec<Option<(Criticality, Option<Dur>)>> = catalog
        .entities()
        .iter()
        .map(|e| match &e.spec {
            Spec::BusinessFunction(f) => Some((
                f.criticality,
                f.max_tolerable_downtime
                    .as_ref()
                    .map(|d| Dur::from(d.value)),
            )),
            _ => None,
        })
        .collect();
    let suppliers: Vec<u32> = catalog
        .iter()
        .filter(|(_, e)| matches!(e.spec, Spec::Supplier(_)))
        .map(|(id, _)| id.0)
        .collect();
    let is_function: Vec<bool> = functions.iter().map(Option::is_some).collect();
    let mut reaches: Vec<Vec<Reach>> = vec![Vec::new(); suppliers.len()];
    // Suppliers whose reach is known, and the rest (index into `suppliers`).
    let mut todo: Vec<u32> = Vec::new();
    let mut todo_index: Vec<usize> = Vec::new();
    // What is known, looked up on all cores: after a change, most
    // suppliers' reach is, and on a large landscape that is millions of
    // supplier-function pairs.
    let look = |&s: &u32| -> Option<Vec<Reach>> {
        let list = known(EntityId(s))?;
        Some(
            list.into_iter()
                .filter_map(|(function, down_cap, impaired_cap)| {
                    let (criticality, _) = functions.get(function.index()).copied().flatten()?;
                    Some(Reach {
                        function,
                        criticality,
                        down_cap,
                        impaired_cap,
                    })
                })
                .collect(),
        )
    };
    let looked: Vec<Option<Vec<Reach>>> = if threads <= 1 {
        suppliers.iter().map(look).collect()
    } else {
        use rayon::prelude::*;
        suppliers
            .par_iter()
            .with_min_len(work_len_per(threads, suppliers.len()))
            .map(look)
            .collect()
    };
    for (i, (&s, found)) in suppliers.iter().zip(looked).enumerate() {
        match found {
            Some(list) => reaches[i] = list,
            None => {
                todo.push(s);
                todo_index.push(i);
            }
        }
    }
    for (k, node, state) in batch::single_failures(graph, &todo, &is_function, threads) {
        let s = todo_index[k as usize];
        if let Some((criticality, _)) = functions[node as usize] {
            reaches[s].push(Reach {
                function: EntityId(node),
                criticality,
                down_cap: state.down,
                impaired_cap: state.impaired,
            });
        }
    }
    // Functions by name, once, so that sorting compares numbers.
    let mut by_name: Vec<u32> = (0..functions.len() as u32)
        .filter(|&i| functions[i as usize].is_some())
        .collect();
    by_name.sort_by(|&a, &b| {
        catalog
            .entity(EntityId(a))
            .entity_ref
            .cmp(&catalog.entity(EntityId(b)).entity_ref)
    });
    let mut name_order = vec![0u32; functions.len()];
    for (i, &f) in by_name.iter().enumerate() {
        name_order[f as usize] = i as u32;
    }
    let one = |node: u32, reach: Vec<Reach>| -> SupplierRank {
        let id = EntityId(node);
        let (mut stops, mut degrades): (Vec<Reach>, Vec<Reach>) =
            reach.into_iter().partition(|r| r.down_cap.is_positive());
        let by_criticality = |a: &Reach, b: &Reach| {
            a.criticality
                .cmp(&b.criticality)
                .then(b.down_cap.cmp(&a.down_cap))
                .then(name_order[a.function.index()].cmp(&name_order[b.function.index()]))
        };
        stops.sort_by(by_criticality);
        degrades.sort_by(by_criticality);
        let mode = |mode: FailureMode| {
            let spec = FailureSpec {
                fail: vec![id],
                mode,
                duration: None,
            };
            let (duration, source) = failure_duration(catalog, id, &spec);
            let breaches = stops
                .iter()
                .filter(|r| {
                    functions[r.function.index()]
                        .and_then(|(_, tolerance)| tolerance)
                        .is_some_and(|t| duration.min(r.down_cap) > t)
                })
                .map(|r| r.function)
                .collect();
            ModeImpact {
                duration,
                source,
                breaches,
            }
        };
        let outage = mode(FailureMode::Outage);
        let permanent = mode(FailureMode::Permanent);
        let stops_a = |c: Criticality| stops.iter().any(|r| r.criticality == c);
        let tier = if stops_a(Criticality::Critical) {
            1
        } else if stops_a(Criticality::Important)
            || degrades
                .iter()
                .any(|r| r.criticality == Criticality::Critical)
        {
            2
        } else if !stops.is_empty() || !degrades.is_empty() {
            3
        } else {
            4
        };
        // In tenths, as integers: exact, so that ties are ties.
        let tenths: u64 = stops
            .iter()
            .map(|r| 10 * weight_of(r.criticality))
            .sum::<u64>()
            + degrades
                .iter()
                .map(|r| 3 * weight_of(r.criticality))
                .sum::<u64>();
        let score = tenths as f64 / 10.0;
        let readiness = readiness(catalog, id, tier, &stops, &degrades, today);
        SupplierRank {
            id,
            tier,
            score,
            stops,
            degrades,
            outage,
            permanent,
            readiness,
        }
    };
    // Each supplier's summary on its own: spread over the threads.
    let work: Vec<(u32, Vec<Reach>)> = suppliers.iter().copied().zip(reaches).collect();
    let threads = threads.clamp(1, work.len().max(1));
    let mut ranking: Vec<SupplierRank> = if threads == 1 {
        work.into_iter().map(|(n, r)| one(n, r)).collect()
    } else {
        use rayon::prelude::*;
        work.into_par_iter()
            .with_min_len(work_len_per(threads, suppliers.len()))
            .map(|(n, r)| one(n, r))
            .collect()
    };
    ranking.sort_by(|a, b| {
        a.tier
            .cmp(&b.tier)
            .then(b.score.total_cmp(&a.score))
            .then(
                (b.outage.breaches.len() + b.permanent.breaches.len())
                    .cmp(&(a.outage.breaches.len() + a.permanent.breaches.len())),
            )
            .then_with(|| {
                catalog
                    .entity(a.id)
                    .entity_ref
                    .cmp(&catalog.entity(b.id).entity_ref)
            })
    });
    ranking
}

/// Items per piece of parallel work: `threads` pieces, as even as can be.
fn work_len_per(threads: usize, items: usize) -> usize {
    items.div_ceil(threads.max(1)).max(1)
}
