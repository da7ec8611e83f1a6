//! Concentration (docs/engine.md, "Concentration"): how much of the critical and important
//! business one supplier — or one country's suppliers — can stop or
//! degrade, and how much of that is hidden behind other suppliers.

use crate::batch::{failures, failures_cut, joint_failures, single_failures, Lane};
use crate::graph::ImpactGraph;
use crate::propagate::State;
use crate::rank::SupplierRank;
use linchpin_model::{Catalog, Criticality, EntityId, Spec};
use std::collections::BTreeMap;

/// What one failure (a supplier, or a country's suppliers) reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// Critical and important functions it stops or degrades, with fourth parties.
    pub affected: Vec<EntityId>,
    /// Of those, the ones it stops.
    pub stops: Vec<EntityId>,
    /// The critical and important functions it reaches without passing
    /// through another supplier.
    pub direct: Vec<EntityId>,
    /// Reached only through other suppliers: hidden concentration.
    pub hidden: Vec<EntityId>,
    /// `affected` as a share of all critical and important functions.
    pub share: f64,
    /// `direct` as a share of all critical and important functions.
    pub direct_share: f64,
}

/// One supplier's concentration.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierConcentration {
    /// The supplier.
    pub id: EntityId,
    /// Its headquarters country, if known.
    pub country: Option<String>,
    /// What its failure reaches.
    pub reach: Reach,
}

/// One country's concentration: all suppliers headquartered there failing
/// together (sanctions, a national outage, a legal event).
#[derive(Debug, Clone, PartialEq)]
pub struct CountryConcentration {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Its suppliers.
    pub suppliers: Vec<EntityId>,
    /// What their joint failure reaches.
    pub reach: Reach,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Concentration {
    /// How many critical and important functions there are.
    pub functions: usize,
    /// Suppliers with any reach, largest share first.
    pub suppliers: Vec<SupplierConcentration>,
    /// Countries, largest share first.
    pub countries: Vec<CountryConcentration>,
}

/// Computes concentration per supplier and per country.
pub fn concentration(catalog: &Catalog, graph: &ImpactGraph, threads: usize) -> Concentration {
    let counted = counted_functions(catalog);
    let suppliers = suppliers(catalog);
    let mut full: Vec<Vec<(EntityId, bool)>> = vec![Vec::new(); suppliers.len()];
    for (s, node, state) in single_failures(graph, &suppliers, &counted, threads) {
        full[s as usize].push((EntityId(node), state.down.is_positive()));
    }
    with_full_reach(catalog, graph, &counted, &suppliers, full, threads)
}

/// [`concentration`], taking each supplier's reach from the ranking of
/// the same landscape (which holds every function a supplier's single
/// failure reaches) instead of propagating every failure again.
pub fn concentration_from_ranking(
    catalog: &Catalog,
    graph: &ImpactGraph,
    ranking: &[SupplierRank],
    threads: usize,
) -> Concentration {
    let counted = counted_functions(catalog);
    let suppliers = suppliers(catalog);
    let mut index = vec![u32::MAX; catalog.len()];
    for (i, &s) in suppliers.iter().enumerate() {
        index[s as usize] = i as u32;
    }
    let mut full: Vec<Vec<(EntityId, bool)>> = vec![Vec::new(); suppliers.len()];
    for r in ranking {
        let Some(slot) = full.get_mut(index[r.id.index()] as usize) else {
            continue;
        };
        slot.extend(
            r.stops
                .iter()
                .chain(&r.degrades)
                .filter(|x| counted[x.function.index()])
                .map(|x| (x.function, x.down_cap.is_positive())),
        );
    }
    with_full_reach(catalog, graph, &counted, &suppliers, full, threads)
}

/// The critical and important functions, by node.
pub(crate) fn counted_functions(catalog: &Catalog) -> Vec<bool> {
    catalog
        .entities()
        .iter()
        .map(|e| matches!(&e.spec, Spec::BusinessFunction(f) if f.criticality <= Criticality::Important))
        .collect()
}

/// The graph without suppliers' own dependencies: what a failure reaches
/// in it, it reaches without passing through another supplier.
fn direct_graph(catalog: &Catalog) -> ImpactGraph {
    ImpactGraph::build(catalog, |id| {
        !matches!(catalog.entity(id).spec, Spec::Supplier(_))
    })
}

fn is_supplier(catalog: &Catalog) -> Vec<bool> {
    catalog
        .entities()
        .iter()
        .map(|e| matches!(e.spec, Spec::Supplier(_)))
        .collect()
}

/// Each lane's failure ([`single_failures`], [`joint_failures`]) on the
/// graph without suppliers' own dependencies: on `graph` with those
/// ignored, unless a supplier lies on a cycle (then that graph is built).
pub(crate) fn direct_failures<L: Lane>(
    catalog: &Catalog,
    graph: &ImpactGraph,
    lanes: &[L],
    counted: &[bool],
    threads: usize,
) -> Vec<(u32, u32, State)> {
    failures_cut(graph, lanes, counted, &is_supplier(catalog), threads)
        .unwrap_or_else(|| failures(&direct_graph(catalog), lanes, counted, &[], threads))
}

/// Every supplier, in catalog order.
fn suppliers(catalog: &Catalog) -> Vec<u32> {
    catalog
        .iter()
        .filter(|(_, e)| matches!(e.spec, Spec::Supplier(_)))
        .map(|(id, _)| id.0)
        .collect()
}

/// The analysis, given what each supplier's failure reaches among the
/// counted functions (with whether it stops them).
fn with_full_reach(
    catalog: &Catalog,
    graph: &ImpactGraph,
    counted: &[bool],
    suppliers: &[u32],
    full: Vec<Vec<(EntityId, bool)>>,
    threads: usize,
) -> Concentration {
    let total = counted.iter().filter(|&&c| c).count();
    // A failure that reaches no other supplier meets the same entities and
    // edges in both graphs, so its direct reach is its full reach; only the
    // others are propagated again. Which failures can reach a supplier:
    // everything some supplier depends on, directly or not.
    let mut under_supplier = vec![false; catalog.len()];
    let mut stack: Vec<u32> = suppliers.to_vec();
    while let Some(v) = stack.pop() {
        for edge in graph.edges(v) {
            for &t in graph.targets(edge) {
                if !under_supplier[t as usize] {
                    under_supplier[t as usize] = true;
                    stack.push(t);
                }
            }
        }
    }
    let (again, same): (Vec<usize>, Vec<usize>) =
        (0..suppliers.len()).partition(|&i| under_supplier[suppliers[i] as usize]);
    let mut direct: Vec<Vec<(EntityId, bool)>> = vec![Vec::new(); suppliers.len()];
    for i in same {
        direct[i].clone_from(&full[i]);
    }
    let sources: Vec<u32> = again.iter().map(|&i| suppliers[i]).collect();
    for (k, node, state) in direct_failures(catalog, graph, &sources, counted, threads) {
        direct[again[k as usize]].push((EntityId(node), state.down.is_positive()));
    }
    let share = |n: usize| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    let reach_of = |full: &[(EntityId, bool)], direct: &[(EntityId, bool)]| {
        let mut affected: Vec<EntityId> = full.iter().map(|(f, _)| *f).collect();
        let mut stops: Vec<EntityId> = full.iter().filter(|(_, d)| *d).map(|(f, _)| *f).collect();
        let mut direct: Vec<EntityId> = direct.iter().map(|(f, _)| *f).collect();
        affected.sort();
        stops.sort();
        direct.sort();
        let hidden: Vec<EntityId> = affected
            .iter()
            .filter(|f| direct.binary_search(f).is_err())
            .copied()
            .collect();
        Reach {
            share: share(affected.len()),
            direct_share: share(direct.len()),
            affected,
            stops,
            direct,
            hidden,
        }
    };
    let country_of = |id: EntityId| match &catalog.entity(id).spec {
        Spec::Supplier(s) => s.country.as_ref().map(|c| c.value.clone()),
        _ => None,
    };
    let mut per_supplier: Vec<SupplierConcentration> = suppliers
        .iter()
        .enumerate()
        .filter(|(i, _)| !full[*i].is_empty())
        .map(|(i, &s)| SupplierConcentration {
            id: EntityId(s),
            country: country_of(EntityId(s)),
            reach: reach_of(&full[i], &direct[i]),
        })
        .collect();
    per_supplier.sort_by(|a, b| {
        b.reach
            .share
            .total_cmp(&a.reach.share)
            .then(b.reach.hidden.len().cmp(&a.reach.hidden.len()))
            .then_with(|| {
                catalog
                    .entity(a.id)
                    .entity_ref
                    .cmp(&catalog.entity(b.id).entity_ref)
            })
    });

    // Countries: every supplier headquartered there fails at once.
    let mut by_country: BTreeMap<String, Vec<EntityId>> = BTreeMap::new();
    for &s in suppliers {
        if let Some(c) = country_of(EntityId(s)) {
            by_country.entry(c).or_default().push(EntityId(s));
        }
    }
    // One lane per country, 64 countries per pass over the graph.
    let (names, groups): (Vec<String>, Vec<Vec<EntityId>>) = by_country.into_iter().unzip();
    let lanes: Vec<Vec<u32>> = groups
        .iter()
        .map(|members| members.iter().map(|m| m.0).collect())
        .collect();
    let per_country = |found: Vec<(u32, u32, State)>| {
        let mut per: Vec<Vec<(EntityId, bool)>> = vec![Vec::new(); lanes.len()];
        for (k, node, state) in found {
            per[k as usize].push((EntityId(node), state.down.is_positive()));
        }
        per
    };
    let full_c = per_country(joint_failures(graph, &lanes, counted, threads));
    let direct_c = per_country(direct_failures(catalog, graph, &lanes, counted, threads));
    let mut countries: Vec<CountryConcentration> = names
        .into_iter()
        .zip(groups)
        .enumerate()
        .map(|(k, (country, members))| CountryConcentration {
            country,
            suppliers: members,
            reach: reach_of(&full_c[k], &direct_c[k]),
        })
        .collect();
    countries.sort_by(|a, b| {
        b.reach
            .share
            .total_cmp(&a.reach.share)
            .then(a.country.cmp(&b.country))
    });
    Concentration {
        functions: total,
        suppliers: per_supplier,
        countries,
    }
}
