//! The engine's laws (docs/engine.md, "Failure semantics") as properties over random graphs, and
//! the bit-parallel single failures against the scalar propagation.
#![allow(clippy::needless_range_loop)] // node numbers index several tables at once

use linchpin_engine::batch::{failures_cut, joint_failures, single_failures};
use linchpin_engine::{Dur, ImpactGraph, Propagator, State};
use linchpin_model::{
    Catalog, DepTarget, Dependency, Duration, EdgeOrigin, Entity, EntityRef, FileId, Impact, Kind,
    Metadata, Span, Spec,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum E {
    One(usize, Impact),
    AnyOf(Vec<usize>, u64, Impact),
}

#[derive(Debug, Clone)]
struct G {
    n: usize,
    edges: Vec<Vec<E>>,
}

fn impact() -> impl Strategy<Value = Impact> {
    prop_oneof![4 => Just(Impact::Down), 2 => Just(Impact::Degraded), 1 => Just(Impact::None)]
}

fn graph() -> impl Strategy<Value = G> {
    (2usize..14).prop_flat_map(|n| {
        let edge = prop_oneof![
            3 => (0..n, impact()).prop_map(|(t, i)| E::One(t, i)),
            1 => (proptest::collection::vec(0..n, 2..4), switchover(), impact())
                .prop_map(|(o, w, i)| E::AnyOf(o, w, i)),
        ];
        proptest::collection::vec(proptest::collection::vec(edge, 0..4), n)
            .prop_map(move |edges| G { n, edges })
    })
}

/// Graphs of more than 64 nodes, sparse, so that single failures run in
/// several passes and each pass reaches only part of the graph.
fn large_graph() -> impl Strategy<Value = G> {
    (65usize..700).prop_flat_map(|n| {
        let edge = prop_oneof![
            4 => (0..n, impact()).prop_map(|(t, i)| E::One(t, i)),
            1 => (proptest::collection::vec(0..n, 2..4), prop_oneof![Just(0u64), Just(900), Just(3600)], impact())
                .prop_map(|(o, w, i)| E::AnyOf(o, w, i)),
        ];
        proptest::collection::vec(proptest::collection::vec(edge, 0..2), n).prop_map(move |edges| G { n, edges })
    })
}

/// Switchovers from none to days, as landscapes have them.
fn switchover() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), Just(1), Just(900), Just(3600), Just(3 * 86_400)]
}

/// Small graphs dense in `anyOf` groups, so that most have cycles through
/// alternatives (mutual fallbacks, rings), with every duration a multiple
/// of one unit — a second, a minute or a day — so the oracle stays quick.
fn fallback_graph() -> impl Strategy<Value = (G, u64)> {
    let unit = prop_oneof![Just(1u64), Just(60), Just(86_400)];
    ((2usize..10), unit).prop_flat_map(|(n, unit)| {
        let edge = prop_oneof![
            2 => (0..n, impact()).prop_map(|(t, i)| E::One(t, i)),
            3 => (proptest::collection::vec(0..n, 2..4), prop_oneof![Just(0u64), Just(1), Just(2), Just(5)], impact())
                .prop_map(move |(o, w, i)| E::AnyOf(o, w * unit, i)),
        ];
        proptest::collection::vec(proptest::collection::vec(edge, 0..3), n)
            .prop_map(move |edges| (G { n, edges }, unit))
    })
}

/// The plainest reading of the failure semantics (docs/engine.md), as the oracle: iterate the
/// equations from zero until nothing changes. A finite value can only be a
/// failure's duration plus switchovers along a path, so one above the
/// longest finite failure plus every switchover is rising without end and
/// is taken as unbounded; that keeps the iteration finite (it is slow when
/// durations are long against switchovers, which is why the engine does
/// not work this way).
fn oracle(g: &G, failures: &[(usize, Dur)]) -> Vec<State> {
    let inf = u64::MAX;
    let add = |a: u64, b: u64| if a == inf || b == inf { inf } else { a + b };
    let mut failed = vec![0u64; g.n];
    for &(n, d) in failures {
        failed[n] = failed[n].max(d.seconds().unwrap_or(inf));
    }
    let mut bound = failed
        .iter()
        .filter(|&&d| d != inf)
        .max()
        .copied()
        .unwrap_or(0);
    for edges in &g.edges {
        for e in edges {
            if let E::AnyOf(_, w, _) = e {
                bound += w;
            }
        }
    }
    let mut value = vec![(0u64, 0u64); g.n];
    loop {
        let mut changed = false;
        for v in 0..g.n {
            let (mut down, mut impaired) = (failed[v], failed[v]);
            for e in &g.edges[v] {
                let (targets, w, impact) = match e {
                    E::One(t, i) => (std::slice::from_ref(t), 0, *i),
                    E::AnyOf(o, w, i) => (o.as_slice(), *w, *i),
                };
                if impact == Impact::None {
                    continue;
                }
                let (mut d, mut i) = value[targets[0]];
                for &t in &targets[1..] {
                    d = d.min(add(w, value[t].0));
                    i = i.min(add(w, value[t].1));
                }
                if impact == Impact::Down {
                    down = down.max(d);
                }
                impaired = impaired.max(i);
            }
            impaired = impaired.max(down);
            let cap = |x: u64| if x != inf && x > bound { inf } else { x };
            let next = (cap(down), cap(impaired));
            if next != value[v] {
                value[v] = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let dur = |x: u64| {
        if x == inf {
            Dur::INF
        } else {
            Dur::from_seconds(x)
        }
    };
    value
        .into_iter()
        .map(|(d, i)| State {
            down: dur(d),
            impaired: dur(i),
        })
        .collect()
}

/// Single and joint failures with the dependencies of some nodes ignored,
/// on the graph itself, against the same failures on the graph built
/// without those dependencies; or, when a cut node lies on a cycle, no
/// answer.
fn cut_matches_removed(g: &G, cut: &[bool], threads: usize) -> Result<(), TestCaseError> {
    let order: Vec<usize> = (0..g.n).collect();
    let graph = ImpactGraph::new(&catalog(g, &order));
    let without = G {
        n: g.n,
        edges: (0..g.n)
            .map(|i| {
                if cut[i] {
                    Vec::new()
                } else {
                    g.edges[i].clone()
                }
            })
            .collect(),
    };
    let expected_graph = ImpactGraph::new(&catalog(&without, &order));
    let sources: Vec<u32> = (0..g.n as u32).collect();
    let groups: Vec<Vec<u32>> = (0..g.n as u32)
        .map(|i| vec![i, (i * 7 + 3) % g.n as u32])
        .collect();
    let all = vec![true; g.n];
    let sorted = |mut v: Vec<(u32, u32, State)>| {
        v.sort_by_key(|&(k, n, _)| (k, n));
        v
    };
    let on_cycle = (0..g.n as u32).any(|v| cut[v as usize] && graph.is_cyclic(v));
    match failures_cut(&graph, &sources, &all, cut, threads) {
        None => prop_assert!(on_cycle, "no answer, yet no cut node lies on a cycle"),
        Some(found) => {
            prop_assert!(!on_cycle, "an answer, yet a cut node lies on a cycle");
            prop_assert_eq!(
                sorted(found),
                sorted(single_failures(&expected_graph, &sources, &all, threads))
            );
            let joint =
                failures_cut(&graph, &groups, &all, cut, threads).expect("the same graph and cut");
            prop_assert_eq!(
                sorted(joint),
                sorted(joint_failures(&expected_graph, &groups, &all, threads))
            );
        }
    }
    Ok(())
}

/// Every node's single unbounded failure, bit-parallel on `threads`
/// threads, against the scalar propagation.
fn batch_matches_scalar(g: &G, threads: usize) -> Result<(), TestCaseError> {
    let c = catalog(g, &(0..g.n).collect::<Vec<_>>());
    let graph = ImpactGraph::new(&c);
    let sources: Vec<u32> = (0..g.n as u32).collect();
    let all = vec![true; g.n];
    let mut batch = vec![vec![State::default(); g.n]; g.n];
    for (s, node, state) in single_failures(&graph, &sources, &all, threads) {
        batch[s as usize][node as usize] = state;
    }
    let mut p = Propagator::new(&graph);
    for s in 0..g.n {
        p.run(&graph, &[(s as u32, Dur::INF)]);
        for n in 0..g.n {
            prop_assert_eq!(batch[s][n], p.state(n as u32), "source {}, node {}", s, n);
        }
    }
    Ok(())
}

fn catalog(g: &G, order: &[usize]) -> Catalog {
    // `order[i]` is the node stored at position i.
    let mut position = vec![0; g.n];
    for (i, &node) in order.iter().enumerate() {
        position[node] = i;
    }
    let entities = order
        .iter()
        .map(|&node| Entity {
            entity_ref: EntityRef::new(Kind::Component, &format!("n{node}")),
            api_version: "backstage.io/v1alpha1".into(),
            metadata: Metadata::default(),
            spec: Spec::Other,
            span: Span::file_start(FileId(0)),
        })
        .collect();
    let deps = order
        .iter()
        .map(|&node| {
            g.edges[node]
                .iter()
                .map(|e| {
                    let (target, impact) = match e {
                        E::One(t, i) => (
                            DepTarget::One(linchpin_model::EntityId(position[*t] as u32)),
                            *i,
                        ),
                        E::AnyOf(o, w, i) => (
                            DepTarget::AnyOf {
                                options: o
                                    .iter()
                                    .map(|t| linchpin_model::EntityId(position[*t] as u32))
                                    .collect(),
                                switchover: Duration::from_seconds(*w),
                            },
                            *i,
                        ),
                    };
                    Dependency {
                        target,
                        impact,
                        origin: EdgeOrigin::SystemPart,
                    }
                })
                .collect()
        })
        .collect();
    Catalog::from_parts(entities, deps)
}

/// States by node number (not storage position).
fn states(g: &G, order: &[usize], failures: &[(usize, Dur)]) -> Vec<State> {
    let c = catalog(g, order);
    let graph = ImpactGraph::new(&c);
    let mut p = Propagator::new(&graph);
    let mut position = vec![0; g.n];
    for (i, &node) in order.iter().enumerate() {
        position[node] = i;
    }
    let f: Vec<(u32, Dur)> = failures
        .iter()
        .map(|&(n, d)| (position[n] as u32, d))
        .collect();
    p.run(&graph, &f);
    (0..g.n).map(|n| p.state(position[n] as u32)).collect()
}

fn le(a: State, b: State) -> bool {
    a.down <= b.down && a.impaired <= b.impaired
}

fn dur() -> impl Strategy<Value = Dur> {
    prop_oneof![
        Just(Dur::from_seconds(3600)),
        Just(Dur::from_seconds(4 * 3600)),
        Just(Dur::INF)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn failing_more_never_makes_anything_better(g in graph(), a in 0usize..14, b in 0usize..14, d in dur()) {
        let (a, b) = (a % g.n, b % g.n);
        let order: Vec<usize> = (0..g.n).collect();
        let one = states(&g, &order, &[(a, d)]);
        let two = states(&g, &order, &[(a, d), (b, d)]);
        for n in 0..g.n {
            prop_assert!(le(one[n], two[n]), "node {n}: {:?} then {:?}", one[n], two[n]);
            prop_assert!(one[n].down <= one[n].impaired);
        }
    }

    #[test]
    fn failing_longer_never_makes_anything_better(g in graph(), a in 0usize..14) {
        let a = a % g.n;
        let order: Vec<usize> = (0..g.n).collect();
        let short = states(&g, &order, &[(a, Dur::from_seconds(3600))]);
        let long = states(&g, &order, &[(a, Dur::from_seconds(7200))]);
        let forever = states(&g, &order, &[(a, Dur::INF)]);
        for n in 0..g.n {
            prop_assert!(le(short[n], long[n]) && le(long[n], forever[n]));
        }
    }

    #[test]
    fn adding_an_alternative_never_makes_anything_worse(g in graph(), a in 0usize..14, holder in 0usize..14, extra in 0usize..14, w in prop_oneof![Just(0u64), Just(1800)]) {
        let (a, holder, extra) = (a % g.n, holder % g.n, extra % g.n);
        let order: Vec<usize> = (0..g.n).collect();
        let before = states(&g, &order, &[(a, Dur::from_seconds(5 * 3600))]);
        let mut more = g.clone();
        // Add the alternative to every edge of one node.
        for e in &mut more.edges[holder] {
            *e = match e.clone() {
                E::One(t, i) => E::AnyOf(vec![t, extra], w, i),
                E::AnyOf(mut o, w, i) => { o.push(extra); E::AnyOf(o, w, i) }
            };
        }
        let after = states(&more, &order, &[(a, Dur::from_seconds(5 * 3600))]);
        for n in 0..g.n {
            prop_assert!(le(after[n], before[n]), "node {n}: {:?} became {:?}", before[n], after[n]);
        }
    }

    #[test]
    fn results_do_not_depend_on_entity_order(g in graph(), a in 0usize..14, d in dur()) {
        let a = a % g.n;
        let forward: Vec<usize> = (0..g.n).collect();
        let backward: Vec<usize> = (0..g.n).rev().collect();
        prop_assert_eq!(states(&g, &forward, &[(a, d)]), states(&g, &backward, &[(a, d)]));
    }

    #[test]
    fn bit_parallel_joint_failures_match_the_scalar_engine(
        g in graph(),
        picks in proptest::collection::vec(proptest::collection::vec(0usize..14, 1..4), 1..70),
    ) {
        let c = catalog(&g, &(0..g.n).collect::<Vec<_>>());
        let graph = ImpactGraph::new(&c);
        let groups: Vec<Vec<u32>> = picks
            .iter()
            .map(|p| {
                let mut group: Vec<u32> = p.iter().map(|&i| (i % g.n) as u32).collect();
                group.sort_unstable();
                group.dedup();
                group
            })
            .collect();
        let all = vec![true; g.n];
        let mut batch = vec![vec![State::default(); g.n]; groups.len()];
        for (k, node, state) in joint_failures(&graph, &groups, &all, 2) {
            batch[k as usize][node as usize] = state;
        }
        let mut p = Propagator::new(&graph);
        for (k, group) in groups.iter().enumerate() {
            let failures: Vec<(u32, Dur)> = group.iter().map(|&n| (n, Dur::INF)).collect();
            p.run(&graph, &failures);
            for n in 0..g.n {
                prop_assert_eq!(batch[k][n], p.state(n as u32), "group {:?}, node {}", group, n);
            }
        }
    }

    #[test]
    fn bit_parallel_single_failures_match_the_scalar_engine(g in graph()) {
        let c = catalog(&g, &(0..g.n).collect::<Vec<_>>());
        let graph = ImpactGraph::new(&c);
        let sources: Vec<u32> = (0..g.n as u32).collect();
        let all = vec![true; g.n];
        let mut batch = vec![vec![State::default(); g.n]; g.n];
        for (s, node, state) in single_failures(&graph, &sources, &all, 2) {
            batch[s as usize][node as usize] = state;
        }
        let mut p = Propagator::new(&graph);
        for s in 0..g.n {
            p.run(&graph, &[(s as u32, Dur::INF)]);
            for n in 0..g.n {
                prop_assert_eq!(batch[s][n], p.state(n as u32), "source {}, node {}", s, n);
            }
            // One unbounded run gives every duration: min(D, value).
            let unbounded: Vec<State> = (0..g.n).map(|n| p.state(n as u32)).collect();
            p.run(&graph, &[(s as u32, Dur::from_seconds(5400))]);
            for n in 0..g.n {
                let expected = State {
                    down: unbounded[n].down.min(Dur::from_seconds(5400)),
                    impaired: unbounded[n].impaired.min(Dur::from_seconds(5400)),
                };
                prop_assert_eq!(p.state(n as u32), expected, "source {}, node {} at 1h30m", s, n);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The engine's propagation is exactly the least fixpoint, on graphs
    /// full of cycles through alternatives, for failures from one unit to
    /// unbounded: against the iteration from zero.
    #[test]
    fn propagation_is_the_least_fixpoint((g, unit) in fallback_graph(), a in 0usize..10, b in 0usize..10, da in 0usize..5, db in 0usize..5) {
        let length = |k: usize| [Dur::from_seconds(unit), Dur::from_seconds(3 * unit), Dur::from_seconds(10 * unit), Dur::from_seconds(40 * unit), Dur::INF][k];
        let failures = [(a % g.n, length(da)), (b % g.n, length(db))];
        let order: Vec<usize> = (0..g.n).collect();
        let engine = states(&g, &order, &failures);
        let expected = oracle(&g, &failures);
        for n in 0..g.n {
            prop_assert_eq!(engine[n], expected[n], "node {}", n);
        }
    }

    /// The dependencies of some nodes ignored on the graph itself are the
    /// graph built without them, on fallback-dense graphs.
    #[test]
    fn ignoring_dependencies_is_removing_them((g, _unit) in fallback_graph(), picks in proptest::collection::vec(any::<bool>(), 10)) {
        let cut: Vec<bool> = (0..g.n).map(|i| picks[i % picks.len()]).collect();
        cut_matches_removed(&g, &cut, 2)?;
    }

    /// Single failures on all cores match the scalar propagation on the
    /// same fallback-dense graphs.
    #[test]
    fn bit_parallel_single_failures_match_on_fallback_cycles((g, _unit) in fallback_graph()) {
        batch_matches_scalar(&g, 2)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Masks of several words, and several passes on one, two and three
    /// threads (up to 700 failures, 256 per pass): each pass evaluates only
    /// what its failures reach and leaves nothing behind for the next.
    #[test]
    fn several_passes_match_the_scalar_engine(g in large_graph(), threads in 1usize..4, every in 2usize..9) {
        batch_matches_scalar(&g, threads)?;
        let cut: Vec<bool> = (0..g.n).map(|i| i % every == 0).collect();
        cut_matches_removed(&g, &cut, threads)?;
    }
}
