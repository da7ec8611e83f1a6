//! The exact least fixpoint of one cycle of the impact graph, in time that
//! does not depend on the durations.
//!
//! Within a strongly connected component the equations of docs/engine.md ("Failure semantics") are
//! the earliest-start problem of an AND/OR network (Möhring, Skutella and
//! Stork, "Scheduling with AND/OR precedence constraints", SIAM J. Comput.
//! 33(2), 2004): read a node's value as the moment it works again when
//! every failure starts at time 0. A node works again once its own failure
//! is over and every edge (AND) has an option (OR) that works: the active
//! option when its target works, another one a switchover after its target
//! works. The least fixpoint is the earliest such schedule.
//!
//! The solver sweeps time like Dijkstra's algorithm: events (a failure
//! ends, an option becomes usable) come off a heap in time order, and a
//! node whose every edge is usable is settled at that time, which may make
//! further options usable at once (switchover 0) or later (switchover w).
//! What counting alone cannot settle is a group of nodes that wait only for
//! each other through options without switchover (`b` needs `a`, `a` may
//! use `b` at once): such a group works again as soon as nothing outside
//! it holds it back. At each event time the solver therefore takes the
//! largest set of unsettled nodes that can all work again together — the
//! greatest fixpoint of "released, and every edge usable or with an
//! option without switchover inside the set" — found by elimination over
//! the nodes that the time's events can have freed. Nodes never settled
//! are down for good (∞).
//!
//! Each node is settled once and each option schedules at most one event,
//! so the heap sees O(n + m) events; each elimination costs at most the
//! size of the component, and happens only at times when something changed.

use crate::graph::ImpactGraph;
use crate::Dur;
use linchpin_model::Impact;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Which of the two durations a pass computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Down: edges with `impact: down`, over the targets' down times.
    Down,
    /// Impaired: edges with `impact: down` or `degraded`, over impaired times.
    Impaired,
}

impl Pass {
    fn counts(self, impact: Impact) -> bool {
        match self {
            Pass::Down => impact == Impact::Down,
            Pass::Impaired => impact != Impact::None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A node's own failure is over.
    Release(u32),
    /// An edge has an option that works.
    Usable(u32),
}

const OUTSIDE: u32 = u32::MAX;

/// Scratch space for solving components of one graph; reused between
/// calls so that the many small cycles of a landscape cost no allocation.
#[derive(Debug, Clone)]
pub(crate) struct CycleSolver {
    /// Graph node → index within the component being solved.
    local: Vec<u32>,
    // Per node of the component.
    nodes: Vec<u32>,
    edge_start: Vec<u32>,
    pending: Vec<u32>,
    released: Vec<bool>,
    settled: Vec<bool>,
    // Per edge of the component (only edges the pass counts).
    owner: Vec<u32>,
    usable: Vec<bool>,
    zero_start: Vec<u32>,
    zero: Vec<u32>,
    count: Vec<u32>,
    // Per node: the edges with an option on it, and that option's switchover.
    link_start: Vec<u32>,
    links: Vec<(u32, Dur)>,
    heap: BinaryHeap<Reverse<(Dur, Event)>>,
    ready: Vec<u32>,
    touched: Vec<u32>,
    candidate: Vec<u32>,
    stamp: Vec<u32>,
    bad: Vec<bool>,
    generation: u32,
    stack: Vec<u32>,
}

impl CycleSolver {
    /// Scratch space for components of a graph of `n` nodes.
    pub(crate) fn new(n: usize) -> CycleSolver {
        CycleSolver {
            local: vec![OUTSIDE; n],
            nodes: Vec::new(),
            edge_start: Vec::new(),
            pending: Vec::new(),
            released: Vec::new(),
            settled: Vec::new(),
            owner: Vec::new(),
            usable: Vec::new(),
            zero_start: Vec::new(),
            zero: Vec::new(),
            count: Vec::new(),
            link_start: Vec::new(),
            links: Vec::new(),
            heap: BinaryHeap::new(),
            ready: Vec::new(),
            touched: Vec::new(),
            candidate: Vec::new(),
            stamp: Vec::new(),
            bad: Vec::new(),
            generation: 0,
            stack: Vec::new(),
        }
    }

    /// Solves one pass over the component `nodes`: `own(i)` is the
    /// duration for which `nodes[i]` fails itself, `outside(t)` the pass's
    /// value of a node outside the component (already final). Writes the
    /// value of `nodes[i]` into `out[i]`.
    pub(crate) fn solve(
        &mut self,
        graph: &ImpactGraph,
        nodes: &[u32],
        pass: Pass,
        own: impl Fn(usize) -> Dur,
        outside: impl Fn(u32) -> Dur,
        out: &mut Vec<Dur>,
    ) {
        let k = nodes.len();
        self.nodes.clear();
        self.nodes.extend_from_slice(nodes);
        for (i, &v) in nodes.iter().enumerate() {
            self.local[v as usize] = i as u32;
        }
        self.heap.clear();
        self.edge_start.clear();
        self.owner.clear();
        self.zero_start.clear();
        self.zero.clear();
        self.pending.clear();
        self.released.clear();
        self.released.resize(k, false);
        self.settled.clear();
        self.settled.resize(k, false);
        out.clear();
        out.resize(k, Dur::INF);

        // The component's edges, the options on nodes inside it (as links
        // from the target), and the events that the outside already fixes.
        let mut link_count = vec![0u32; k + 1];
        let mut raw_links: Vec<(u32, u32, Dur)> = Vec::new();
        for (i, &v) in nodes.iter().enumerate() {
            self.edge_start.push(self.owner.len() as u32);
            let mut edges = 0;
            for edge in graph.edges(v) {
                if !pass.counts(edge.impact) {
                    continue;
                }
                let e = self.owner.len() as u32;
                self.owner.push(i as u32);
                self.zero_start.push(self.zero.len() as u32);
                edges += 1;
                let mut earliest = Dur::INF;
                for (j, &t) in graph.targets(edge).iter().enumerate() {
                    let wait = if j == 0 { Dur::ZERO } else { edge.switchover };
                    let l = self.local[t as usize];
                    if l == OUTSIDE {
                        earliest = earliest.min(outside(t).plus(wait));
                    } else {
                        raw_links.push((l, e, wait));
                        link_count[l as usize] += 1;
                        if !wait.is_positive() {
                            self.zero.push(l);
                        }
                    }
                }
                if !earliest.is_inf() {
                    self.heap.push(Reverse((earliest, Event::Usable(e))));
                }
            }
            let failed = own(i);
            if !failed.is_inf() {
                self.heap.push(Reverse((failed, Event::Release(i as u32))));
            }
            self.pending.push(edges + 1);
        }
        self.edge_start.push(self.owner.len() as u32);
        self.zero_start.push(self.zero.len() as u32);
        let m = self.owner.len();
        self.usable.clear();
        self.usable.resize(m, false);
        self.count.clear();
        self.count.resize(m, 0);

        self.link_start.clear();
        let mut sum = 0;
        for c in &link_count[..k] {
            self.link_start.push(sum);
            sum += c;
        }
        self.link_start.push(sum);
        self.links.clear();
        self.links.resize(raw_links.len(), (0, Dur::ZERO));
        let mut fill = self.link_start.clone();
        for (l, e, wait) in raw_links {
            self.links[fill[l as usize] as usize] = (e, wait);
            fill[l as usize] += 1;
        }
        self.stamp.clear();
        self.stamp.resize(k, 0);
        self.bad.clear();
        self.bad.resize(k, false);
        self.generation = 0;

        // At the first event time every node is a candidate for the
        // elimination; later only those the events touched, and what waits
        // on them.
        self.touched.clear();
        self.touched.extend(0..k as u32);
        self.ready.clear();
        while let Some(&Reverse((now, _))) = self.heap.peek() {
            while let Some(&Reverse((t, event))) = self.heap.peek() {
                if t != now {
                    break;
                }
                self.heap.pop();
                match event {
                    Event::Release(i) => {
                        self.released[i as usize] = true;
                        self.relieve(i);
                    }
                    Event::Usable(e) => self.make_usable(e),
                }
            }
            loop {
                while let Some(i) = self.ready.pop() {
                    self.settle(i, now, out);
                }
                if self.touched.is_empty() || !self.settle_groups(now, out) {
                    break;
                }
            }
            self.touched.clear();
        }
        for &v in nodes {
            self.local[v as usize] = OUTSIDE;
        }
    }

    /// One of node `i`'s conditions holds now.
    fn relieve(&mut self, i: u32) {
        if self.settled[i as usize] {
            return;
        }
        self.pending[i as usize] -= 1;
        if self.pending[i as usize] == 0 {
            self.ready.push(i);
        } else {
            self.touched.push(i);
        }
    }

    fn make_usable(&mut self, e: u32) {
        if !self.usable[e as usize] {
            self.usable[e as usize] = true;
            self.relieve(self.owner[e as usize]);
        }
    }

    fn settle(&mut self, i: u32, now: Dur, out: &mut [Dur]) {
        if self.settled[i as usize] {
            return;
        }
        self.settled[i as usize] = true;
        out[i as usize] = now;
        for x in self.link_start[i as usize]..self.link_start[i as usize + 1] {
            let (e, wait) = self.links[x as usize];
            if wait.is_positive() {
                if !self.usable[e as usize] {
                    self.heap.push(Reverse((now.plus(wait), Event::Usable(e))));
                }
            } else {
                self.make_usable(e);
            }
        }
    }

    /// Settles, at `now`, the largest set of unsettled nodes that can all
    /// work again together. Returns whether it settled any.
    fn settle_groups(&mut self, now: Dur, out: &mut [Dur]) -> bool {
        self.generation += 1;
        let generation = self.generation;
        // Candidates: the touched nodes and, through options without
        // switchover, the unsettled nodes that wait on them.
        self.candidate.clear();
        self.stack.clear();
        self.stack.append(&mut self.touched);
        while let Some(i) = self.stack.pop() {
            if self.settled[i as usize] || self.stamp[i as usize] == generation {
                continue;
            }
            self.stamp[i as usize] = generation;
            self.bad[i as usize] = false;
            self.candidate.push(i);
            for x in self.link_start[i as usize]..self.link_start[i as usize + 1] {
                let (e, wait) = self.links[x as usize];
                if !wait.is_positive() && !self.usable[e as usize] {
                    let o = self.owner[e as usize];
                    if !self.settled[o as usize] && self.stamp[o as usize] != generation {
                        self.stack.push(o);
                    }
                }
            }
        }
        // Eliminate the candidates that something outside the set holds
        // back, and then those that waited on them.
        for c in 0..self.candidate.len() {
            let i = self.candidate[c];
            let mut held = !self.released[i as usize];
            for e in self.edge_start[i as usize]..self.edge_start[i as usize + 1] {
                if self.usable[e as usize] {
                    continue;
                }
                let inside = self.zero
                    [self.zero_start[e as usize] as usize..self.zero_start[e as usize + 1] as usize]
                    .iter()
                    .filter(|&&z| self.stamp[z as usize] == generation)
                    .count() as u32;
                self.count[e as usize] = inside;
                held |= inside == 0;
            }
            if held {
                self.bad[i as usize] = true;
                self.stack.push(i);
            }
        }
        while let Some(i) = self.stack.pop() {
            for x in self.link_start[i as usize]..self.link_start[i as usize + 1] {
                let (e, wait) = self.links[x as usize];
                if wait.is_positive() || self.usable[e as usize] {
                    continue;
                }
                let o = self.owner[e as usize];
                if self.stamp[o as usize] != generation || self.bad[o as usize] {
                    continue;
                }
                self.count[e as usize] -= 1;
                if self.count[e as usize] == 0 {
                    self.bad[o as usize] = true;
                    self.stack.push(o);
                }
            }
        }
        let mut any = false;
        for c in 0..self.candidate.len() {
            let i = self.candidate[c];
            if !self.bad[i as usize] {
                any = true;
                self.settle(i, now, out);
            }
        }
        any
    }
}
