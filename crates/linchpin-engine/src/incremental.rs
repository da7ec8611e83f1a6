//! A landscape after a change, analysed from the analysis before it: only
//! what the change can reach is propagated again (`linchpin diff`; the
//! server's reload can use the same).

use crate::concentration::{concentration_from_ranking, Concentration};
use crate::graph::ImpactGraph;
use crate::rank::{rank_reusing, KnownReach, SupplierRank};
use linchpin_model::{Catalog, Criticality, Date, DepTarget, EntityId, Spec};

/// The ranking of `head`, given `base`'s: each supplier whose single
/// failure the change cannot reach takes its reach from `base` (by refs);
/// the others are propagated. The result is the same as
/// [`crate::rank`] on `head` (a test holds it to that).
pub fn rank_after_change(
    base: &Catalog,
    base_graph: &ImpactGraph,
    base_ranking: &[SupplierRank],
    head: &Catalog,
    head_graph: &ImpactGraph,
    today: Date,
    threads: usize,
) -> Vec<SupplierRank> {
    let map = Correspondence::new(base, head);
    let touched = map.touched(base, base_graph, head, head_graph);
    let mut by_supplier: Vec<Option<&SupplierRank>> = vec![None; base.len()];
    for r in base_ranking {
        by_supplier[r.id.index()] = Some(r);
    }
    let known = |s: EntityId| -> Option<KnownReach> {
        if touched[s.index()] {
            return None;
        }
        let r = by_supplier[map.base_of(s)?.index()]?;
        r.stops
            .iter()
            .chain(&r.degrades)
            .map(|x| Some((map.head_of(x.function)?, x.down_cap, x.impaired_cap)))
            .collect()
    };
    rank_reusing(head, head_graph, today, threads, &known)
}

/// The concentration of `head`, given `base`'s: the same when the change
/// leaves the impact graph as it was (the same entities in the same order,
/// the same edges, the same critical and important functions, the
/// suppliers in the same countries), as when a continuity statement, an
/// owner or a date changes; worked out from `head_ranking` otherwise.
pub fn concentration_after_change(
    base: &Catalog,
    base_concentration: &Concentration,
    head: &Catalog,
    head_graph: &ImpactGraph,
    head_ranking: &[SupplierRank],
    threads: usize,
) -> Concentration {
    // The same refs in the same order: the same ids on both sides.
    let same_graph = base.len() == head.len()
        && base.iter().zip(head.iter()).all(|((b, x), (h, y))| {
            let (bd, hd) = (base.dependencies(b), head.dependencies(h));
            x.entity_ref == y.entity_ref
                && counted(&x.spec) == counted(&y.spec)
                && bd.len() == hd.len()
                && bd
                    .iter()
                    .zip(hd)
                    .all(|(p, q)| p.impact == q.impact && p.target == q.target)
        });
    if same_graph {
        return base_concentration.clone();
    }
    concentration_from_ranking(head, head_graph, head_ranking, threads)
}

/// What of an entity the concentration reads besides its edges: whether it
/// is a counted function, and a supplier's country.
fn counted(spec: &Spec) -> (bool, Option<&str>) {
    match spec {
        Spec::BusinessFunction(f) => (f.criticality <= Criticality::Important, None),
        Spec::Supplier(s) => (false, s.country.as_ref().map(|c| c.value.as_str())),
        _ => (false, None),
    }
}

/// Which entity of one side is which of the other, by ref: one look-up
/// per head entity, then numbers.
pub struct Correspondence {
    head_to_base: Vec<u32>,
    base_to_head: Vec<u32>,
}

impl Correspondence {
    /// Matches the two catalogs' entities by ref.
    pub fn new(base: &Catalog, head: &Catalog) -> Correspondence {
        let mut base_to_head = vec![u32::MAX; base.len()];
        let mut key = String::new();
        let head_to_base = head
            .iter()
            .map(|(h, e)| {
                // Mostly the same ref at the same place (refs are unique in
                // a catalog); otherwise looked up.
                let here = base
                    .entities()
                    .get(h.index())
                    .is_some_and(|b| b.entity_ref == e.entity_ref);
                let found = if here {
                    Some(h)
                } else {
                    e.entity_ref.write_key(&mut key);
                    base.lookup_key(&key)
                };
                match found {
                    Some(b) => {
                        base_to_head[b.index()] = h.0;
                        b.0
                    }
                    None => u32::MAX,
                }
            })
            .collect();
        Correspondence {
            head_to_base,
            base_to_head,
        }
    }

    /// The base's entity with the ref of `head`'s `h`.
    pub fn base_of(&self, h: EntityId) -> Option<EntityId> {
        let b = self.head_to_base[h.index()];
        (b != u32::MAX).then_some(EntityId(b))
    }

    /// The head's entity with the ref of the base's `b`.
    pub fn head_of(&self, b: EntityId) -> Option<EntityId> {
        let h = self.base_to_head[b.index()];
        (h != u32::MAX).then_some(EntityId(h))
    }

    /// Whether the base's `b` and the head's `h` have the same impact
    /// edges: the same targets, impacts and switchovers, in the same order.
    pub fn same_edges(&self, base: &Catalog, b: EntityId, head: &Catalog, h: EntityId) -> bool {
        let (bd, hd) = (base.dependencies(b), head.dependencies(h));
        let same_targets = |xs: &[EntityId], ys: &[EntityId]| {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(&p, &q)| self.head_of(p) == Some(q))
        };
        bd.len() == hd.len()
            && bd.iter().zip(hd).all(|(x, y)| {
                x.impact == y.impact
                    && match (&x.target, &y.target) {
                        (DepTarget::One(p), DepTarget::One(q)) => same_targets(&[*p], &[*q]),
                        (
                            DepTarget::AnyOf {
                                options: po,
                                switchover: ps,
                            },
                            DepTarget::AnyOf {
                                options: qo,
                                switchover: qs,
                            },
                        ) => ps.seconds() == qs.seconds() && same_targets(po, qo),
                        _ => false,
                    }
            })
    }

    /// The head's entities a change can reach the failure of: those below
    /// (in the dependency cone of) an entity whose impact edges changed,
    /// that was added or that was removed, on either side. Every other
    /// entity's failure meets exactly the same entities and edges on both
    /// sides.
    pub fn touched(
        &self,
        base: &Catalog,
        base_graph: &ImpactGraph,
        head: &Catalog,
        head_graph: &ImpactGraph,
    ) -> Vec<bool> {
        // Each matched pair is compared once; the base side adds what the
        // head lost (its old edges lead to other entities).
        let mut changed_head: Vec<u32> = Vec::new();
        let mut changed_base: Vec<u32> = Vec::new();
        for (h, _) in head.iter() {
            match self.base_of(h) {
                Some(b) if self.same_edges(base, b, head, h) => {}
                Some(b) => {
                    changed_head.push(h.0);
                    changed_base.push(b.0);
                }
                None => changed_head.push(h.0),
            }
        }
        changed_base.extend(
            base.iter()
                .filter(|(b, _)| self.head_of(*b).is_none())
                .map(|(b, _)| b.0),
        );
        let mut touched = vec![false; head.len()];
        for n in head_graph.cone_of_all(&changed_head) {
            touched[n as usize] = true;
        }
        for n in base_graph.cone_of_all(&changed_base) {
            if let Some(h) = self.head_of(EntityId(n)) {
                touched[h.index()] = true;
            }
        }
        touched
    }
}

/// [`Correspondence::touched`] for two catalogs.
pub fn touched(
    base: &Catalog,
    base_graph: &ImpactGraph,
    head: &Catalog,
    head_graph: &ImpactGraph,
) -> Vec<bool> {
    Correspondence::new(base, head).touched(base, base_graph, head, head_graph)
}
