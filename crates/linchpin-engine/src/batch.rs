//! Many single failures at once: [`LANES`] suppliers per pass over the
//! graph, one bit each.
//!
//! For one failed entity with an unbounded failure, every entity's down
//! (and impaired) time is 0, unbounded, or a finite time that only `anyOf`
//! switchovers produce. The masks carry "more than 0" and "unbounded" for
//! [`LANES`] failures at once with plain bitwise operations; only the rare finite
//! values are computed one bit at a time, with exactly the equations of
//! [`crate::Propagator`] (which the tests use as the oracle).

use crate::cycle::{CycleSolver, Pass};
use crate::graph::ImpactGraph;
use crate::propagate::State;
use crate::Dur;
use linchpin_model::Impact;

/// How many 64-bit words a pass's masks have.
const WORDS: usize = 4;

/// How many failures one pass over the graph carries. Wider passes share
/// more of the graph between their failures (on 100k entities, 256 lanes
/// evaluate 2.7–3.4 times fewer nodes than 64 in all), at the price of
/// wider masks per node.
pub const LANES: usize = 64 * WORDS;

/// One bit per lane.
type Mask = [u64; WORDS];

const NONE: Mask = [0; WORDS];
const ALL: Mask = [!0; WORDS];

fn or(a: Mask, b: Mask) -> Mask {
    std::array::from_fn(|i| a[i] | b[i])
}

fn and(a: Mask, b: Mask) -> Mask {
    std::array::from_fn(|i| a[i] & b[i])
}

fn and_not(a: Mask, b: Mask) -> Mask {
    std::array::from_fn(|i| a[i] & !b[i])
}

fn is_empty(a: &Mask) -> bool {
    a.iter().all(|&w| w == 0)
}

fn has(a: &Mask, bit: u32) -> bool {
    a[(bit / 64) as usize] & (1 << (bit % 64)) != 0
}

fn set(a: &mut Mask, bit: u32) {
    a[(bit / 64) as usize] |= 1 << (bit % 64);
}

fn clear(a: &mut Mask, bit: u32) {
    a[(bit / 64) as usize] &= !(1 << (bit % 64));
}

/// The first `n` lanes.
fn first(n: usize) -> Mask {
    std::array::from_fn(|i| match n.saturating_sub(i * 64) {
        0 => 0,
        k if k >= 64 => !0,
        k => (1u64 << k) - 1,
    })
}

/// The set bits, lowest first.
fn bits(a: Mask) -> impl Iterator<Item = u32> {
    a.into_iter().enumerate().flat_map(|(i, mut w)| {
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let bit = w.trailing_zeros();
                w &= w - 1;
                i as u32 * 64 + bit
            })
        })
    })
}

/// Per node and pass: which of the pass's failures make it down (`dz`),
/// down without end (`dinf`), impaired (`iz`), impaired without end
/// (`iinf`); exact values for the finite ones live in the arena, by bit.
#[derive(Debug, Clone, Copy, Default)]
struct Lanes {
    dz: Mask,
    dinf: Mask,
    iz: Mask,
    iinf: Mask,
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct Finite {
    bit: u16,
    state: State,
}

/// Runs single unbounded failures of `sources` and returns, for every
/// node marked in `is_target` that a failure affects, `(index into
/// sources, node, state)`, in no particular order. Passes of [`LANES`]
/// run on `threads` threads.
pub fn single_failures(
    graph: &ImpactGraph,
    sources: &[u32],
    is_target: &[bool],
    threads: usize,
) -> Vec<(u32, u32, State)> {
    failures(graph, sources, is_target, &[], threads)
}

/// What a graph without the dependencies of the nodes marked in `cut`
/// would give for [`single_failures`] (lanes of one node) or
/// [`joint_failures`] (lanes of a group): a cut node fails only as a
/// lane's own source. Propagated on `graph` itself instead of a second
/// graph; `None` when a cut node lies on a cycle, since removing its
/// dependencies would change the graph's cycles (the caller builds that
/// graph instead).
pub fn failures_cut<L: Lane>(
    graph: &ImpactGraph,
    lanes: &[L],
    is_target: &[bool],
    cut: &[bool],
    threads: usize,
) -> Option<Vec<(u32, u32, State)>> {
    cut_is_acyclic(graph, cut).then(|| failures(graph, lanes, is_target, cut, threads))
}

/// Whether no node marked in `cut` lies on a cycle. Then no edge out of a
/// cut node lies on one either, so without those edges the graph has the
/// same cycles, and its evaluation order still holds.
fn cut_is_acyclic(graph: &ImpactGraph, cut: &[bool]) -> bool {
    (0..graph.len() as u32).all(|v| !cut[v as usize] || !graph.is_cyclic(v))
}

/// Joint unbounded failures: every node of a group fails at once, one
/// group per lane (a country's suppliers, say). Returns, for every node
/// marked in `is_target` that a group's failure affects, `(index into
/// groups, node, state)`, in no particular order.
pub fn joint_failures(
    graph: &ImpactGraph,
    groups: &[Vec<u32>],
    is_target: &[bool],
    threads: usize,
) -> Vec<(u32, u32, State)> {
    failures(graph, groups, is_target, &[], threads)
}

/// Every lane's failure over the whole graph, [`LANES`] lanes per pass,
/// the passes spread over `threads` threads (each thread reuses its
/// buffers).
///
/// Lanes whose failures start close together in the evaluation order
/// share a pass: their cones overlap most (the first in that order reach
/// furthest), so a pass evaluates fewer nodes in all (on 100k entities,
/// 10–30 % fewer than in the order given). The heaviest passes so come
/// first, and thread `t` takes passes `t`, `t + threads`, … so that each
/// gets its share of them.
pub(crate) fn failures<L: Lane>(
    graph: &ImpactGraph,
    lanes: &[L],
    is_target: &[bool],
    cut: &[bool],
    threads: usize,
) -> Vec<(u32, u32, State)> {
    let job = Job {
        graph,
        nodes: graph.order(),
        common: &[],
        is_target,
        cut,
    };
    let mut place = vec![u32::MAX; graph.len()];
    for (i, &v) in graph.order().iter().enumerate() {
        place[v as usize] = i as u32;
    }
    let mut sorted: Vec<u32> = (0..lanes.len() as u32).collect();
    sorted.sort_by_key(|&k| {
        let first = lanes[k as usize]
            .members()
            .iter()
            .map(|&v| place[v as usize])
            .min();
        (first, k)
    });
    let by_place: Vec<&L> = sorted.iter().map(|&k| &lanes[k as usize]).collect();
    let batches: Vec<(usize, &[&L])> = by_place.chunks(LANES).enumerate().collect();
    let threads = threads.clamp(1, batches.len().max(1));
    let mut found = if threads == 1 {
        job.run(&batches)
    } else {
        use rayon::prelude::*;
        (0..threads)
            .into_par_iter()
            .flat_map_iter(|t| {
                let mine: Vec<(usize, &[&L])> =
                    batches.iter().skip(t).step_by(threads).copied().collect();
                job.run(&mine)
            })
            .collect()
    };
    for f in &mut found {
        f.0 = sorted[f.0 as usize];
    }
    found
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

impl<L: Lane> Lane for &L {
    fn members(&self) -> &[u32] {
        (*self).members()
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
    /// Nodes whose own dependencies are ignored (empty: none); none of
    /// them may lie on a cycle.
    pub cut: &'a [bool],
}

impl Job<'_> {
    /// Runs the given passes of up to [`LANES`] lanes each; returns
    /// `(pass * LANES + lane, node, state)` for every affected target.
    pub fn run<L: Lane>(&self, batches: &[(usize, &[L])]) -> Vec<(u32, u32, State)> {
        let graph = self.graph;
        let mut found = Vec::new();
        let n = graph.len();
        let mut reached = Reached {
            slot: vec![NOWHERE; n],
            lanes: Vec::new(),
            own: Vec::new(),
        };
        let mut arena: Vec<Finite> = Vec::new();
        let mut cycles = Cycles {
            solver: CycleSolver::new(n),
            down: Vec::new(),
            impaired: Vec::new(),
            found: Vec::new(),
            key: Vec::new(),
            keys: Vec::new(),
            solved: Vec::new(),
        };
        let mut scratch = Box::new(Scratch {
            down: [Dur::ZERO; LANES],
            impaired: [Dur::ZERO; LANES],
        });
        // Only what the pass's failures can reach is evaluated: the nodes
        // that depend on them, directly or not. Every other node has no
        // place in the pass and reads as unaffected, which is its exact
        // value.
        let mut mark = vec![u32::MAX; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut active: Vec<u32> = Vec::new();
        for (k, &(batch_index, batch)) in batches.iter().enumerate() {
            let used = first(batch.len());
            let stamp = k as u32;
            stack.extend(batch.iter().flat_map(Lane::members).chain(self.common));
            while let Some(v) = stack.pop() {
                if mark[v as usize] != stamp {
                    mark[v as usize] = stamp;
                    if self.cut.is_empty() {
                        stack.extend_from_slice(graph.dependents(v));
                    } else {
                        // A cut node is reached only as a source.
                        let cut = self.cut;
                        stack.extend(graph.dependents(v).iter().filter(|&&w| !cut[w as usize]));
                    }
                }
            }
            active.clear();
            active.extend(
                self.nodes
                    .iter()
                    .copied()
                    .filter(|&v| mark[v as usize] == stamp),
            );
            reached.start(&active);
            arena.clear();
            for &c in self.common {
                *reached.own_mut(c) = used;
            }
            for (bit, lane) in batch.iter().enumerate() {
                for &s in lane.members() {
                    set(reached.own_mut(s), bit as u32);
                }
            }
            for nodes in graph.component_runs(&active) {
                if graph.is_cycle(nodes) {
                    settle_cycle(graph, nodes, &mut reached, &mut arena, &mut cycles);
                } else {
                    let v = nodes[0];
                    let l = if self.cut.get(v as usize) == Some(&true) {
                        let own = reached.own(v);
                        Lanes {
                            dz: own,
                            dinf: own,
                            iz: own,
                            iinf: own,
                            ..UNAFFECTED
                        }
                    } else {
                        evaluate(graph, &reached, &mut arena, &mut scratch, v)
                    };
                    reached.put(v, l);
                }
            }
            for (l, &node) in reached.lanes.iter().zip(&active) {
                if !self.is_target[node as usize] {
                    continue;
                }
                for bit in bits(and(l.iz, used)) {
                    let state = value(l, &arena, bit);
                    found.push(((batch_index * LANES + bit as usize) as u32, node, state));
                }
            }
            reached.finish(&active);
        }
        found
    }
}

const NOWHERE: u32 = u32::MAX;

/// No failure of the pass reaches the node.
const UNAFFECTED: Lanes = Lanes {
    dz: NONE,
    dinf: NONE,
    iz: NONE,
    iinf: NONE,
    start: 0,
    len: 0,
};

/// One pass's lanes, kept only for the nodes it evaluates, side by side
/// in evaluation order: a node's targets are read from a few megabytes
/// instead of lanes for the whole graph, and a target no failure reaches
/// costs a look at its slot only.
struct Reached {
    /// Node → its place in the pass, or [`NOWHERE`].
    slot: Vec<u32>,
    lanes: Vec<Lanes>,
    /// Which lanes fail the node itself.
    own: Vec<Mask>,
}

impl Reached {
    /// Places the pass's nodes (in evaluation order), unaffected so far.
    fn start(&mut self, active: &[u32]) {
        for (i, &v) in active.iter().enumerate() {
            self.slot[v as usize] = i as u32;
        }
        self.lanes.clear();
        self.lanes.resize(active.len(), UNAFFECTED);
        self.own.clear();
        self.own.resize(active.len(), NONE);
    }

    /// Forgets the pass's nodes.
    fn finish(&mut self, active: &[u32]) {
        for &v in active {
            self.slot[v as usize] = NOWHERE;
        }
    }

    fn get(&self, v: u32) -> &Lanes {
        match self.slot[v as usize] {
            NOWHERE => &UNAFFECTED,
            i => &self.lanes[i as usize],
        }
    }

    fn put(&mut self, v: u32, l: Lanes) {
        self.lanes[self.slot[v as usize] as usize] = l;
    }

    fn own(&self, v: u32) -> Mask {
        self.own[self.slot[v as usize] as usize]
    }

    fn own_mut(&mut self, v: u32) -> &mut Mask {
        &mut self.own[self.slot[v as usize] as usize]
    }
}

/// Scratch space for the exact solution of cycles, one per worker.
struct Cycles {
    solver: CycleSolver,
    down: Vec<Dur>,
    impaired: Vec<Dur>,
    /// (node index in the cycle, bit, state) of every affected lane.
    found: Vec<(u32, u16, State)>,
    /// What the cycle sees of the failure at hand.
    key: Vec<Dur>,
    /// What it saw of each failure solved so far in this cycle, one after
    /// the other (all of one length).
    keys: Vec<Dur>,
    /// Their solutions, one state per node of the cycle each.
    solved: Vec<State>,
}

/// A cycle's lanes: each failure that reaches the cycle (from outside, or
/// failing one of its nodes) solved exactly with the scalar solver, then
/// gathered into masks and finite values.
fn settle_cycle(
    graph: &ImpactGraph,
    nodes: &[u32],
    reached: &mut Reached,
    arena: &mut Vec<Finite>,
    cycles: &mut Cycles,
) {
    let mut reaching = NONE;
    for &v in nodes {
        reaching = or(reaching, reached.own(v));
        for edge in graph.edges(v) {
            if edge.impact != Impact::None {
                for &t in graph.targets(edge) {
                    reaching = or(reaching, reached.get(t).iz);
                }
            }
        }
    }
    cycles.found.clear();
    cycles.keys.clear();
    cycles.solved.clear();
    let component = graph.component(nodes[0]);
    let width = nodes.len();
    for bit in bits(reaching) {
        let own = |i: usize| {
            if has(&reached.own(nodes[i]), bit) {
                Dur::INF
            } else {
                Dur::ZERO
            }
        };
        // What the cycle sees of this failure: which of its nodes fail and
        // the values of its edges' targets outside it. Failures that look
        // the same from the cycle have the same solution.
        cycles.key.clear();
        for (i, &v) in nodes.iter().enumerate() {
            cycles.key.push(own(i));
            for edge in graph.edges(v) {
                if edge.impact == Impact::None {
                    continue;
                }
                for &t in graph.targets(edge) {
                    if graph.component(t) != component {
                        let s = value(reached.get(t), arena, bit);
                        cycles.key.push(s.down);
                        cycles.key.push(s.impaired);
                    }
                }
            }
        }
        let stride = cycles.key.len();
        let known = cycles
            .keys
            .chunks_exact(stride)
            .position(|k| k == cycles.key.as_slice());
        let at = match known {
            Some(j) => j,
            None => {
                let now: &Reached = reached;
                cycles.solver.solve(
                    graph,
                    nodes,
                    Pass::Down,
                    own,
                    |t| value(now.get(t), arena, bit).down,
                    &mut cycles.down,
                );
                let down = &cycles.down;
                cycles.solver.solve(
                    graph,
                    nodes,
                    Pass::Impaired,
                    |i| own(i).max(down[i]),
                    |t| value(now.get(t), arena, bit).impaired,
                    &mut cycles.impaired,
                );
                cycles.keys.extend_from_slice(&cycles.key);
                cycles.solved.extend((0..width).map(|i| State {
                    down: cycles.down[i],
                    impaired: cycles.impaired[i],
                }));
                cycles.solved.len() / width - 1
            }
        };
        for (i, &state) in cycles.solved[at * width..(at + 1) * width]
            .iter()
            .enumerate()
        {
            if state.is_affected() {
                cycles.found.push((i as u32, bit as u16, state));
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
            let b = u32::from(bit);
            if state.down.is_positive() {
                set(&mut l.dz, b);
            }
            if state.down.is_inf() {
                set(&mut l.dinf, b);
            }
            set(&mut l.iz, b);
            if state.impaired.is_inf() {
                set(&mut l.iinf, b);
            }
            if !state.down.is_inf() && state.down.is_positive() || !state.impaired.is_inf() {
                arena.push(Finite { bit, state });
            }
            k += 1;
        }
        l.len = arena.len() as u32 - l.start;
        reached.put(v, l);
    }
}

/// The exact state of one bit at a node.
fn value(l: &Lanes, arena: &[Finite], bit: u32) -> State {
    let finite = || {
        // A node's finite values are kept in the order of their bits.
        let own = &arena[l.start as usize..(l.start + l.len) as usize];
        let i = own.partition_point(|f| u32::from(f.bit) < bit);
        own.get(i)
            .filter(|f| u32::from(f.bit) == bit)
            .map(|f| f.state)
            .unwrap_or_default()
    };
    let down = if has(&l.dinf, bit) {
        Dur::INF
    } else if has(&l.dz, bit) {
        finite().down
    } else {
        Dur::ZERO
    };
    let impaired = if has(&l.iinf, bit) {
        Dur::INF
    } else if has(&l.iz, bit) {
        finite().impaired
    } else {
        Dur::ZERO
    };
    State { down, impaired }
}

/// Per-bit values of the node being evaluated.
struct Scratch {
    down: [Dur; LANES],
    impaired: [Dur; LANES],
}

fn evaluate(
    graph: &ImpactGraph,
    reached: &Reached,
    arena: &mut Vec<Finite>,
    scratch: &mut Scratch,
    v: u32,
) -> Lanes {
    let base = reached.own(v);
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
        let a = *reached.get(targets[0]);
        let (mut dz, mut dinf, mut iz, mut iinf) = (a.dz, a.dinf, a.iz, a.iinf);
        if targets.len() > 1 {
            let (mut all_dz, mut all_dinf, mut all_iz, mut all_iinf) = (ALL, ALL, ALL, ALL);
            for &t in &targets[1..] {
                let b = reached.get(t);
                all_dz = and(all_dz, b.dz);
                all_dinf = and(all_dinf, b.dinf);
                all_iz = and(all_iz, b.iz);
                all_iinf = and(all_iinf, b.iinf);
            }
            dinf = and(dinf, all_dinf);
            iinf = and(iinf, all_iinf);
            if !edge.switchover.is_positive() {
                dz = and(dz, all_dz);
                iz = and(iz, all_iz);
            }
        }
        if edge.impact == Impact::Degraded {
            dz = NONE;
            dinf = NONE;
        }
        out.dz = or(out.dz, dz);
        out.dinf = or(out.dinf, dinf);
        out.iz = or(out.iz, iz);
        out.iinf = or(out.iinf, iinf);
    }
    out.iz = or(out.iz, out.dz);
    out.iinf = or(out.iinf, out.dinf);
    let finite_bits = or(and_not(out.dz, out.dinf), and_not(out.iz, out.iinf));
    if is_empty(&finite_bits) {
        return out;
    }
    // Exact values for the finite bits, with the scalar equations, edge by
    // edge: an edge of one target passes on that target's finite values
    // (its unbounded ones are in the masks already), an `anyOf` takes the
    // earliest option bit by bit.
    let (down, impaired) = (&mut scratch.down, &mut scratch.impaired);
    for bit in bits(finite_bits) {
        down[bit as usize] = Dur::ZERO;
        impaired[bit as usize] = if has(&out.iinf, bit) {
            Dur::INF
        } else {
            Dur::ZERO
        };
    }
    for edge in graph.edges(v) {
        if edge.impact == Impact::None {
            continue;
        }
        let counts_down = edge.impact == Impact::Down;
        let targets = graph.targets(edge);
        if let [t] = targets {
            let l = reached.get(*t);
            for f in &arena[l.start as usize..(l.start + l.len) as usize] {
                let bit = u32::from(f.bit);
                if has(&finite_bits, bit) {
                    let k = bit as usize;
                    if counts_down {
                        down[k] = down[k].max(f.state.down);
                    }
                    impaired[k] = impaired[k].max(f.state.impaired);
                }
            }
            continue;
        }
        let mut touched = NONE;
        for &t in targets {
            touched = or(touched, reached.get(t).iz);
        }
        for bit in bits(and(touched, finite_bits)) {
            let first = value(reached.get(targets[0]), arena, bit);
            let (mut d, mut imp) = (first.down, first.impaired);
            for &t in &targets[1..] {
                let s = value(reached.get(t), arena, bit);
                d = d.min(edge.switchover.plus(s.down));
                imp = imp.min(edge.switchover.plus(s.impaired));
            }
            let k = bit as usize;
            if counts_down {
                down[k] = down[k].max(d);
            }
            impaired[k] = impaired[k].max(imp);
        }
    }
    out.start = arena.len() as u32;
    for bit in bits(finite_bits) {
        let down = down[bit as usize];
        let impaired = impaired[bit as usize].max(down);
        // Keep the masks exact.
        if down.is_inf() {
            set(&mut out.dinf, bit);
        }
        if down.is_positive() {
            set(&mut out.dz, bit);
        } else {
            clear(&mut out.dz, bit);
        }
        if impaired.is_inf() {
            set(&mut out.iinf, bit);
        }
        if impaired.is_positive() {
            set(&mut out.iz, bit);
        } else {
            clear(&mut out.iz, bit);
        }
        if (!down.is_inf() && down.is_positive()) || (!impaired.is_inf() && impaired.is_positive())
        {
            arena.push(Finite {
                bit: bit as u16,
                state: State { down, impaired },
            });
        }
    }
    out.len = arena.len() as u32 - out.start;
    out
}
