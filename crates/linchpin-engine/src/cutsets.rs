//! Minimal cut sets (DESIGN §2.5): for each critical function, the smallest
//! sets of suppliers whose joint failure stops it — what a view of single
//! failures misses (two "redundant" payment providers on the same cloud).
//!
//! "Stops" means: down for as long as the suppliers stay down. A failure
//! that an `anyOf` alternative absorbs after its switchover (down 30m, then
//! running on the fallback) is not a stop here; losing the fallback too is.

use crate::batch::Job;
use crate::graph::ImpactGraph;
use linchpin_model::{Catalog, Criticality, EntityId, Spec};
use std::collections::HashSet;

/// The cut sets of one critical function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCutSets {
    /// The function.
    pub function: EntityId,
    /// Minimal sets of suppliers whose joint failure stops it, smallest
    /// first; each set sorted.
    pub sets: Vec<Vec<EntityId>>,
    /// How many suppliers the function depends on at all.
    pub candidates: usize,
}

/// Cut sets of up to `max_size` suppliers for every critical function.
pub fn cut_sets(catalog: &Catalog, graph: &ImpactGraph, max_size: usize) -> Vec<FunctionCutSets> {
    let mut out = Vec::new();
    for (f, entity) in catalog.iter() {
        let Spec::BusinessFunction(spec) = &entity.spec else {
            continue;
        };
        if spec.criticality != Criticality::Critical {
            continue;
        }
        let cone = graph.cone(f.0);
        let candidates: Vec<u32> = cone
            .iter()
            .copied()
            .filter(|&n| matches!(catalog.entity(EntityId(n)).spec, Spec::Supplier(_)))
            .collect();
        let mut is_target = vec![false; graph.len()];
        is_target[f.0 as usize] = true;
        let mut found: Vec<Vec<u32>> = Vec::new();
        let mut found_set: HashSet<Vec<u32>> = HashSet::new();
        // Sets grow one supplier at a time: `prefix` fails in every lane,
        // each lane adds one later candidate.
        let mut frontier: Vec<Vec<usize>> = vec![Vec::new()];
        for size in 1..=max_size.max(1) {
            let mut next = Vec::new();
            for prefix in &frontier {
                let start = prefix.last().map_or(0, |&i| i + 1);
                if start >= candidates.len() {
                    continue;
                }
                let common: Vec<u32> = prefix.iter().map(|&i| candidates[i]).collect();
                let rest = &candidates[start..];
                let job = Job {
                    graph,
                    nodes: &cone,
                    common: &common,
                    is_target: &is_target,
                };
                let batches: Vec<(usize, &[u32])> = rest.chunks(64).enumerate().collect();
                let mut stops = vec![false; rest.len()];
                for (lane, _, state) in job.run(&batches) {
                    if state.down.is_inf() {
                        stops[lane as usize] = true;
                    }
                }
                for (k, &stopped) in stops.iter().enumerate() {
                    let mut set: Vec<usize> = prefix.clone();
                    set.push(start + k);
                    let as_nodes: Vec<u32> = set.iter().map(|&i| candidates[i]).collect();
                    // Minimal: no smaller cut set inside it.
                    let has_smaller = (0..set.len()).any(|skip| {
                        let sub: Vec<u32> = as_nodes
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| *i != skip)
                            .map(|(_, &n)| n)
                            .collect();
                        !sub.is_empty() && contains_subset(&found_set, &sub)
                    });
                    if has_smaller {
                        continue;
                    }
                    if stopped {
                        found_set.insert(as_nodes.clone());
                        found.push(as_nodes);
                    } else if size < max_size {
                        next.push(set);
                    }
                }
            }
            frontier = next;
        }
        let mut sets: Vec<Vec<EntityId>> = found
            .into_iter()
            .map(|s| {
                let mut ids: Vec<EntityId> = s.into_iter().map(EntityId).collect();
                ids.sort_by(|a, b| {
                    catalog
                        .entity(*a)
                        .entity_ref
                        .cmp(&catalog.entity(*b).entity_ref)
                });
                ids
            })
            .collect();
        sets.sort_by(|a, b| {
            a.len().cmp(&b.len()).then_with(|| {
                let names = |s: &Vec<EntityId>| {
                    s.iter()
                        .map(|id| catalog.entity(*id).entity_ref.to_string())
                        .collect::<Vec<_>>()
                };
                names(a).cmp(&names(b))
            })
        });
        out.push(FunctionCutSets {
            function: f,
            sets,
            candidates: candidates.len(),
        });
    }
    out
}

/// Whether `set` or any of its subsets is a found cut set.
fn contains_subset(found: &HashSet<Vec<u32>>, set: &[u32]) -> bool {
    if found.contains(set) {
        return true;
    }
    if set.len() <= 1 {
        return false;
    }
    (0..set.len()).any(|skip| {
        let sub: Vec<u32> = set
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, &n)| n)
            .collect();
        contains_subset(found, &sub)
    })
}
