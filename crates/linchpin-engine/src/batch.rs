//! Many single failures at once: 64 suppliers per pass over the graph, one
//! bit each.
//!
//! For one failed entity with an unbounded failure, every entity's down
//! (and impaired) time is 0, unbounded, or a finite time that only `anyOf`
//! switchovers produce. The masks carry "more than 0" and "unbounded" for 64
//! failures at once with plain bitwise operations; only the rare finite
//! values are computed one bit at a time, with exactly the equations of
//! [`crate::Propagator`] (which the tests use as the oracle).

use crate::cycle::{CycleSolver, Pass};
use crate::graph::ImpactGraph;
use crate::propagate::State;
use crate::Dur;
use linchpin_model::Impact;

/// Per node and pass: which of the 64 failures make it down (`dz`), down
/// without end (`dinf`), impaired (`iz`), impaired without end (`iinf`);
/// exact values for the finite ones live in the arena.
#[derive(Debug, Clone, Copy, Default)]
struct Lanes {
    dz: u64,
    dinf: u64,
    iz: u64,
    iinf: u64,
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct Finite {
    bit: u8,
    state: State,
}

/// Runs single unbounded failures of `sources` and returns, for every
/// node marked in `is_target` that a failure affects, `(index into
/// sources, node, state)`. Passes of 64 run on `threads` threads.
pub fn single_failures(
    graph: &ImpactGraph,
    sources: &[u32],
    is_target: &[bool],
    threads: usize,
) -> Vec<(u32, u32, State)> {
    failures(graph, sources, is_target, threads)
}

/// Joint unbounded failures: every node of a group fails at once, one
/// group per lane (a country's suppliers, say). Returns, for every node
/// marked in `is_target` that a group's failure affects, `(index into
/// groups, node, state)`.
pub fn joint_failures(
    graph: &ImpactGraph,
    groups: &[Vec<u32>],
    is_target: &[bool],
    threads: usize,
) -> Vec<(u32, u32, State)> {
    failures(graph, groups, is_target, threads)
}

/// Every lane's failure over the whole graph, 64 lanes per pass, the
/// passes spread over `threads` threads (each piece reuses its buffers).
fn failures<L: Lane>(
    graph: &ImpactGraph,
    lanes: &[L],
    is_target: &[bool],
    threads: usize,
) -> Vec<(u32, u32, State)> {
    let job = Job {
        graph,
        nodes: graph.order(),
        common: &[],
        is_target,
    };
    let batches: Vec<(usize, &[L])> = lanes.chunks(64).enumerate().collect();
    let threads = threads.clamp(1, batches.len().max(1));
    if threads == 1 {
        return job.run(&batches);
    }
    use rayon::prelude::*;
    let per_thread = batches.len().div_ceil(threads);
    batches
        .par_chunks(per_thread)
        .flat_map_iter(|part| job.run(part))
        .collect()
}

/// What fails in one lane: a node, or a group of nodes together.
pub trait Lane: Sync {
    /// The nodes that fail.
    fn members(&self) -> &[u32];
}

impl Lane for u32 {
    fn members(&self) -> &[u32] {
        std::slice::from_ref(self)
    }
}

impl Lane for Vec<u32> {
    fn members(&self) -> &[u32] {
        self
    }
}

/// One set of passes: which nodes to evaluate (closed under dependencies,
/// in evaluation order), what fails in every lane besides each lane's own
/// source, and which nodes to report.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    /// The graph.
    pub graph: &'a ImpactGraph,
    /// The nodes to evaluate, in the graph's evaluation order; every
    /// dependency of a listed node must be listed.
    pub nodes: &'a [u32],
    /// Nodes that fail (unbounded) in every lane.
    pub common: &'a [u32],
    /// Which nodes to report.
    pub is_target: &'a [bool],
}

impl Job<'_> {
    /// Runs the given passes of up to 64 lanes each; returns `(pass * 64
    /// + lane, node, state)` for every affected target.
    pub fn run<L: Lane>(&self, batches: &[(usize, &[L])]) -> Vec<(u32, u32, State)> {
        let graph = self.graph;
        let mut found = Vec::new();
        let n = graph.len();
        let mut lanes = vec![Lanes::default(); n];
        let mut arena: Vec<Finite> = Vec::new();
        let mut source_mask = vec![0u64; n];
        let mut cycles = Cycles {
            solver: CycleSolver::new(n),
            down: Vec::new(),
            impaired: Vec::new(),
            found: Vec::new(),
        };
        // Only what the pass's failures can reach is evaluated: the nodes
        // that depend on them, directly or not. Every other node keeps
        // default lanes (unaffected), which is its exact value.
        let mut mark = vec![u32::MAX; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut active: Vec<u32> = Vec::new();
        let mut previous: Vec<u32> = Vec::new();
        for (k, &(batch_index, batch)) in batches.iter().enumerate() {
            let used = if batch.len() >= 64 {
                !0u64
            } else {
                (1u64 << batch.len()) - 1
            };
            for &v in &previous {
                lanes[v as usize] = Lanes::default();
            }
            let stamp = k as u32;
            stack.extend(batch.iter().flat_map(Lane::members).chain(self.common));
            while let Some(v) = stack.pop() {
                if mark[v as usize] != stamp {
                    mark[v as usize] = stamp;
                    stack.extend_from_slice(graph.dependents(v));
                }
            }
            active.clear();
            active.extend(
                self.nodes
                    .iter()
                    .copied()
                    .filter(|&v| mark[v as usize] == stamp),
            );
            arena.clear();
            for &c in self.common {
                source_mask[c as usize] = used;
            }
            for (bit, lane) in batch.iter().enumerate() {
                for &s in lane.members() {
                    source_mask[s as usize] |= 1 << bit;
                }
            }
            for nodes in graph.component_runs(&active) {
                if graph.is_cycle(nodes) {
                    settle_cycle(
                        graph,
                        nodes,
                        &mut lanes,
                        &mut arena,
                        &source_mask,
                        &mut cycles,
                    );
                } else {
                    let v = nodes[0];
                    let l = evaluate(graph, &lanes, &mut arena, &source_mask, v);
                    lanes[v as usize] = l;
                }
            }
            for &node in &active {
                let l = &lanes[node as usize];
                if l.iz & used == 0 || !self.is_target[node as usize] {
                    continue;
                }
                let mut bits = l.iz & used;
                while bits != 0 {
                    let bit = bits.trailing_zeros();
                    bits &= bits - 1;
                    let state = value(l, &arena, bit);
                    found.push(((batch_index * 64 + bit as usize) as u32, node, state));
                }
            }
            for &s in batch.iter().flat_map(Lane::members).chain(self.common) {
                source_mask[s as usize] = 0;
            }
            std::mem::swap(&mut previous, &mut active);
        }
        found
    }
}

/// Scratch space for the exact solution of cycles, one per worker.
struct Cycles {
    solver: CycleSolver,
    down: Vec<Dur>,
    impaired: Vec<Dur>,
    /// (node index in the cycle, bit, state) of every affected lane.
    found: Vec<(u32, u8, State)>,
}

/// A cycle's lanes: each failure that reaches the cycle (from outside, or
/// failing one of its nodes) solved exactly with the scalar solver, then
/// gathered into masks and finite values.
fn settle_cycle(
    graph: &ImpactGraph,
    nodes: &[u32],
    lanes: &mut [Lanes],
    arena: &mut Vec<Finite>,
    source_mask: &[u64],
    cycles: &mut Cycles,
) {
    let mut reaching = 0u64;
    for &v in nodes {
        reaching |= source_mask[v as usize];
        for edge in graph.edges(v) {
            if edge.impact != Impact::None {
                for &t in graph.targets(edge) {
                    reaching |= lanes[t as usize].iz;
                }
            }
        }
    }
    cycles.found.clear();
    let mut bits = reaching;
    while bits != 0 {
        let bit = bits.trailing_zeros();
        bits &= bits - 1;
        let m = 1u64 << bit;
        let own = |i: usize| {
            if source_mask[nodes[i] as usize] & m != 0 {
                Dur::INF
            } else {
                Dur::ZERO
            }
        };
        let lanes_now: &[Lanes] = lanes;
        cycles.solver.solve(
            graph,
            nodes,
            Pass::Down,
            own,
            |t| value(&lanes_now[t as usize], arena, bit).down,
            &mut cycles.down,
        );
        let down = &cycles.down;
        cycles.solver.solve(
            graph,
            nodes,
            Pass::Impaired,
            |i| own(i).max(down[i]),
            |t| value(&lanes_now[t as usize], arena, bit).impaired,
            &mut cycles.impaired,
        );
        for i in 0..nodes.len() {
            let state = State {
                down: cycles.down[i],
                impaired: cycles.impaired[i],
            };
            if state.is_affected() {
                cycles.found.push((i as u32, bit as u8, state));
            }
        }
    }
    cycles.found.sort_unstable_by_key(|&(i, bit, _)| (i, bit));
    let mut k = 0;
    for (i, &v) in nodes.iter().enumerate() {
        let mut l = Lanes {
            start: arena.len() as u32,
            ..Lanes::default()
        };
        while k < cycles.found.len() && cycles.found[k].0 == i as u32 {
            let (_, bit, state) = cycles.found[k];
            let m = 1u64 << bit;
            if state.down.is_positive() {
                l.dz |= m;
            }
            if state.down.is_inf() {
                l.dinf |= m;
            }
            l.iz |= m;
            if state.impaired.is_inf() {
                l.iinf |= m;
            }
            if !state.down.is_inf() && state.down.is_positive() || !state.impaired.is_inf() {
                arena.push(Finite { bit, state });
            }
            k += 1;
        }
        l.len = arena.len() as u32 - l.start;
        lanes[v as usize] = l;
    }
}

/// The exact state of one bit at a node.
fn value(l: &Lanes, arena: &[Finite], bit: u32) -> State {
    let m = 1u64 << bit;
    let finite = || {
        arena[l.start as usize..(l.start + l.len) as usize]
            .iter()
            .find(|f| f.bit as u32 == bit)
            .map(|f| f.state)
            .unwrap_or_default()
    };
    let down = if l.dinf & m != 0 {
        Dur::INF
    } else if l.dz & m != 0 {
        finite().down
    } else {
        Dur::ZERO
    };
    let impaired = if l.iinf & m != 0 {
        Dur::INF
    } else if l.iz & m != 0 {
        finite().impaired
    } else {
        Dur::ZERO
    };
    State { down, impaired }
}

fn evaluate(
    graph: &ImpactGraph,
    lanes: &[Lanes],
    arena: &mut Vec<Finite>,
    source_mask: &[u64],
    v: u32,
) -> Lanes {
    let base = source_mask[v as usize];
    let mut out = Lanes {
        dz: base,
        dinf: base,
        iz: base,
        iinf: base,
        ..Lanes::default()
    };
    for edge in graph.edges(v) {
        if edge.impact == Impact::None {
            continue;
        }
        let targets = graph.targets(edge);
        let a = lanes[targets[0] as usize];
        let (mut dz, mut dinf, mut iz, mut iinf) = (a.dz, a.dinf, a.iz, a.iinf);
        if targets.len() > 1 {
            let (mut all_dz, mut all_dinf, mut all_iz, mut all_iinf) = (!0u64, !0u64, !0u64, !0u64);
            for &t in &targets[1..] {
                let b = lanes[t as usize];
                all_dz &= b.dz;
                all_dinf &= b.dinf;
                all_iz &= b.iz;
                all_iinf &= b.iinf;
            }
            dinf &= all_dinf;
            iinf &= all_iinf;
            if !edge.switchover.is_positive() {
                dz &= all_dz;
                iz &= all_iz;
            }
        }
        if edge.impact == Impact::Degraded {
            dz = 0;
            dinf = 0;
        }
        out.dz |= dz;
        out.dinf |= dinf;
        out.iz |= iz;
        out.iinf |= iinf;
    }
    out.iz |= out.dz;
    out.iinf |= out.dinf;
    let finite_bits = (out.dz & !out.dinf) | (out.iz & !out.iinf);
    if finite_bits == 0 {
        return out;
    }
    // Exact values for the finite bits, with the scalar equations.
    out.start = arena.len() as u32;
    let mut bits = finite_bits;
    while bits != 0 {
        let bit = bits.trailing_zeros();
        bits &= bits - 1;
        let m = 1u64 << bit;
        let mut down = if out.dinf & m != 0 {
            Dur::INF
        } else {
            Dur::ZERO
        };
        let mut impaired = if out.iinf & m != 0 {
            Dur::INF
        } else {
            Dur::ZERO
        };
        if base & m != 0 {
            down = Dur::INF;
            impaired = Dur::INF;
        }
        for edge in graph.edges(v) {
            if edge.impact == Impact::None {
                continue;
            }
            let targets = graph.targets(edge);
            let first = value(&lanes[targets[0] as usize], arena, bit);
            let (mut d, mut imp) = (first.down, first.impaired);
            for &t in &targets[1..] {
                let s = value(&lanes[t as usize], arena, bit);
                d = d.min(edge.switchover.plus(s.down));
                imp = imp.min(edge.switchover.plus(s.impaired));
            }
            if edge.impact == Impact::Down {
                down = down.max(d);
            }
            impaired = impaired.max(imp);
        }
        impaired = impaired.max(down);
        // Keep the masks exact.
        if down.is_inf() {
            out.dinf |= m;
        }
        if down.is_positive() {
            out.dz |= m;
        } else {
            out.dz &= !m;
        }
        if impaired.is_inf() {
            out.iinf |= m;
        }
        if impaired.is_positive() {
            out.iz |= m;
        } else {
            out.iz &= !m;
        }
        if (!down.is_inf() && down.is_positive()) || (!impaired.is_inf() && impaired.is_positive())
        {
            arena.push(Finite {
                bit: bit as u8,
                state: State { down, impaired },
            });
        }
    }
    out.len = arena.len() as u32 - out.start;
    out
}
