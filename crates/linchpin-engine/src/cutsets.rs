//! Minimal cut sets (docs/engine.md, "Cut sets"): for each critical function, the smallest
//! sets of suppliers whose joint failure stops it — what a view of single
//! failures misses (two "redundant" payment providers on the same cloud).
//!
//! "Stops" means: down for as long as the suppliers stay down. A failure
//! that an `anyOf` alternative absorbs after its switchover (down 30m, then
//! running on the fallback) is not a stop here; losing the fallback too is.

use crate::batch::{Job, LANES};
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

/// Cut sets of up to `max_size` suppliers (1 to 4) for every critical
/// function, bottom-up over the graph (see [`crate::families`]).
pub fn cut_sets(catalog: &Catalog, graph: &ImpactGraph, max_size: usize) -> Vec<FunctionCutSets> {
    let k = max_size.clamp(1, 4);
    let functions: Vec<EntityId> = catalog
        .iter()
        .filter(|(_, e)| {
            matches!(&e.spec, Spec::BusinessFunction(f) if f.criticality == Criticality::Critical)
        })
        .map(|(id, _)| id)
        .collect();
    let starts: Vec<u32> = functions.iter().map(|f| f.0).collect();
    let nodes = graph.cone_of_all(&starts);
    let is_supplier: Vec<bool> = (0..graph.len())
        .map(|n| matches!(catalog.entity(EntityId(n as u32)).spec, Spec::Supplier(_)))
        .collect();
    let families = crate::families::families(graph, &nodes, &is_supplier, k);
    let candidates = suppliers_reached(graph, &nodes, &is_supplier, &functions);
    functions
        .into_iter()
        .zip(candidates)
        .map(|(f, candidates)| {
            let found: Vec<Vec<u32>> = families[f.0 as usize]
                .iter()
                .map(|s| s.items().to_vec())
                .collect();
            FunctionCutSets {
                function: f,
                sets: sorted(catalog, found),
                candidates,
            }
        })
        .collect()
}

/// How many suppliers each of `functions` depends on, directly or not:
/// reachability as bit masks, 64 suppliers per pass over `nodes` (closed
/// under dependencies, in evaluation order) — a cycle's nodes all reach
/// the same suppliers.
fn suppliers_reached(
    graph: &ImpactGraph,
    nodes: &[u32],
    is_supplier: &[bool],
    functions: &[EntityId],
) -> Vec<usize> {
    let suppliers: Vec<u32> = nodes
        .iter()
        .copied()
        .filter(|&n| is_supplier[n as usize])
        .collect();
    let mut counts = vec![0usize; functions.len()];
    let mut mask = vec![0u64; graph.len()];
    let mut own = vec![0u64; graph.len()];
    for chunk in suppliers.chunks(64) {
        for (bit, &s) in chunk.iter().enumerate() {
            own[s as usize] = 1 << bit;
        }
        for group in graph.component_runs(nodes) {
            for &v in group {
                mask[v as usize] = 0;
            }
            let mut m = 0u64;
            for &v in group {
                m |= own[v as usize];
                for e in graph.edges(v) {
                    for &t in graph.targets(e) {
                        m |= mask[t as usize];
                    }
                }
            }
            for &v in group {
                mask[v as usize] = m;
            }
        }
        for (k, f) in functions.iter().enumerate() {
            counts[k] += mask[f.0 as usize].count_ones() as usize;
        }
        for &s in chunk {
            own[s as usize] = 0;
        }
    }
    counts
}

/// The same cut sets by growing sets one supplier at a time over each
/// function's cone and propagating each: the plain method, slow on large
/// landscapes, kept as the oracle the property tests compare with.
#[doc(hidden)]
pub fn cut_sets_by_enumeration(
    catalog: &Catalog,
    graph: &ImpactGraph,
    max_size: usize,
) -> Vec<FunctionCutSets> {
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
                    cut: &[],
                };
                let batches: Vec<(usize, &[u32])> = rest.chunks(LANES).enumerate().collect();
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
        out.push(FunctionCutSets {
            function: f,
            sets: sorted(catalog, found),
            candidates: candidates.len(),
        });
    }
    out
}

/// Each set's members by ref, and the sets smallest first, then by refs
/// as written — compared through each supplier's precomputed rank in
/// either order, not by formatting refs for every comparison.
fn sorted(catalog: &Catalog, found: Vec<Vec<u32>>) -> Vec<Vec<EntityId>> {
    let mut members: Vec<u32> = found.iter().flatten().copied().collect();
    members.sort_unstable();
    members.dedup();
    let mut by_ref = members.clone();
    by_ref.sort_by(|a, b| {
        catalog
            .entity(EntityId(*a))
            .entity_ref
            .cmp(&catalog.entity(EntityId(*b)).entity_ref)
    });
    let mut by_text: Vec<(String, u32)> = members
        .iter()
        .map(|&m| (catalog.entity(EntityId(m)).entity_ref.to_string(), m))
        .collect();
    by_text.sort();
    let rank = |order: &mut dyn Iterator<Item = u32>| -> std::collections::HashMap<u32, u32> {
        order.enumerate().map(|(i, m)| (m, i as u32)).collect()
    };
    let ref_rank = rank(&mut by_ref.iter().copied());
    let text_rank = rank(&mut by_text.iter().map(|(_, m)| *m));
    let mut sets: Vec<(Vec<u32>, Vec<u32>)> = found
        .into_iter()
        .map(|mut s| {
            s.sort_by_key(|m| ref_rank[m]);
            (s.iter().map(|m| text_rank[m]).collect(), s)
        })
        .collect();
    sets.sort_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| a.0.cmp(&b.0)));
    sets.into_iter()
        .map(|(_, s)| s.into_iter().map(EntityId).collect())
        .collect()
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
