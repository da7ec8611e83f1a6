//! Minimal cut sets bottom-up, as fault-tree tools compute them (MOCUS
//! with truncation by order): each entity's family of minimal sets of
//! suppliers whose joint unbounded failure leaves it down for good.
//!
//! - A supplier's family holds the supplier itself; every entity adds, for
//!   each edge with `impact: down`, the product of its options' families
//!   (an `anyOf` is down for good only when every option is), truncated to
//!   sets of at most k suppliers and minimised as it goes.
//! - A cycle needs its fixpoint, and of a particular kind. Under unbounded
//!   failures an entity is down for good when it never works again (see
//!   [`crate::cycle`]): a loop whose links all have no switchover cannot
//!   keep itself down (its nodes work again together), while a loop
//!   through a switchover can (each waits for the other to work first).
//!   So within a cycle the families are the greatest fixpoint over links
//!   with a switchover and, inside it, the least fixpoint over links
//!   without — iterated on families, which are finite once truncated.
//!
//! Truncation is exact for the sets it keeps: a minimal cut set of at most
//! k suppliers is made only of smaller parts.

use crate::graph::ImpactGraph;
use linchpin_model::Impact;
use std::collections::HashSet;

/// A set of at most four suppliers, sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Set {
    len: u8,
    items: [u32; 4],
}

impl Set {
    const EMPTY: Set = Set {
        len: 0,
        items: [0; 4],
    };

    fn one(n: u32) -> Set {
        Set {
            len: 1,
            items: [n, 0, 0, 0],
        }
    }

    pub(crate) fn items(&self) -> &[u32] {
        &self.items[..self.len as usize]
    }

    /// The union, if it has at most `k` members.
    fn union(&self, other: &Set, k: usize) -> Option<Set> {
        let mut out = Set::EMPTY;
        let (a, b) = (self.items(), other.items());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) if x == y => {
                    i += 1;
                    j += 1;
                    x
                }
                (Some(&x), Some(&y)) if x < y => {
                    i += 1;
                    x
                }
                (Some(_), Some(&y)) => {
                    j += 1;
                    y
                }
                (Some(&x), None) => {
                    i += 1;
                    x
                }
                (None, Some(&y)) => {
                    j += 1;
                    y
                }
                (None, None) => unreachable!(),
            };
            if out.len as usize == k.min(4) {
                return None;
            }
            out.items[out.len as usize] = next;
            out.len += 1;
        }
        Some(out)
    }
}

/// A family of minimal sets: sorted by size, then members. Empty: never
/// down for good; holding the empty set: down for good whatever fails.
pub(crate) type Family = Vec<Set>;

fn always() -> Family {
    vec![Set::EMPTY]
}

/// Drops sets that contain another set of the family, and duplicates.
fn minimise(mut family: Family) -> Family {
    family.sort_unstable_by(|a, b| a.len.cmp(&b.len).then(a.items().cmp(b.items())));
    family.dedup();
    if family.first().is_some_and(|s| s.len == 0) {
        return always();
    }
    let mut kept: HashSet<Set> = HashSet::with_capacity(family.len());
    let mut out = Vec::with_capacity(family.len());
    for s in family {
        let items = s.items();
        let n = items.len();
        // Every proper, non-empty subset (at most 14 for four members).
        let contained = (1..(1u32 << n) - 1).any(|mask| {
            let mut sub = Set::EMPTY;
            for (i, &x) in items.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    sub.items[sub.len as usize] = x;
                    sub.len += 1;
                }
            }
            kept.contains(&sub)
        });
        if !contained {
            kept.insert(s);
            out.push(s);
        }
    }
    out
}

/// Every union of one set of `a` and one of `b` within `k`, minimised.
fn product(a: &[Set], b: &[Set], k: usize) -> Family {
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            if let Some(u) = x.union(y, k) {
                out.push(u);
            }
        }
    }
    minimise(out)
}

/// The families of every node in `nodes` (closed under dependencies, in
/// the graph's evaluation order); `is_supplier` marks the basic events.
/// Returns one family per graph node (empty for nodes not listed).
pub(crate) fn families(
    graph: &ImpactGraph,
    nodes: &[u32],
    is_supplier: &[bool],
    k: usize,
) -> Vec<Family> {
    let mut out: Vec<Family> = vec![Vec::new(); graph.len()];
    for group in graph.component_runs(nodes) {
        if graph.is_cycle(group) {
            solve_cycle(graph, group, is_supplier, k, &mut out);
        } else {
            let v = group[0];
            out[v as usize] = evaluate(graph, v, is_supplier, k, &|t, _| &out[t as usize]);
        }
    }
    out
}

/// One node's family from its options' families, which `value(target,
/// wait)` gives (`wait`: the option's switchover, zero for the active one).
fn evaluate<'a>(
    graph: &ImpactGraph,
    v: u32,
    is_supplier: &[bool],
    k: usize,
    value: &dyn Fn(u32, bool) -> &'a Family,
) -> Family {
    let mut all: Family = Vec::new();
    if is_supplier[v as usize] {
        all.push(Set::one(v));
    }
    for edge in graph.edges(v) {
        if edge.impact != Impact::Down {
            continue;
        }
        let targets = graph.targets(edge);
        let mut acc = always();
        for (j, &t) in targets.iter().enumerate() {
            let waits = j > 0 && edge.switchover.is_positive();
            acc = product(&acc, value(t, waits), k);
            if acc.is_empty() {
                break;
            }
        }
        all.extend(acc);
    }
    minimise(all)
}

/// A cycle's families: the greatest fixpoint over links with a switchover,
/// and inside it the least fixpoint over links without.
fn solve_cycle(
    graph: &ImpactGraph,
    group: &[u32],
    is_supplier: &[bool],
    k: usize,
    out: &mut [Family],
) {
    // Outer: links with a switchover read `outer`, from "always" down.
    let mut outer: Vec<Family> = vec![always(); group.len()];
    let positions: std::collections::HashMap<u32, usize> =
        group.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    loop {
        // Inner: links without a switchover read `inner`, from "never" up.
        let mut inner: Vec<Family> = vec![Vec::new(); group.len()];
        loop {
            let mut changed = false;
            for (gi, &v) in group.iter().enumerate() {
                let next = {
                    let value = |t: u32, waits: bool| -> &Family {
                        match positions.get(&t) {
                            Some(&i) if waits => &outer[i],
                            Some(&i) => &inner[i],
                            None => &out[t as usize],
                        }
                    };
                    evaluate(graph, v, is_supplier, k, &value)
                };
                if next != inner[gi] {
                    inner[gi] = next;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if inner == outer {
            break;
        }
        outer = inner;
    }
    for (gi, &v) in group.iter().enumerate() {
        out[v as usize] = std::mem::take(&mut outer[gi]);
    }
}
