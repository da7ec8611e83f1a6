//! Failure propagation (docs/engine.md, "Failure semantics"): the least fixpoint of the
//! down/impaired equations, computed only over the failures' reach — node
//! by node in evaluation order, and each cycle exactly by
//! [`crate::cycle`], in time that does not depend on the durations.

use crate::cycle::{CycleSolver, Pass};
use crate::graph::ImpactGraph;
use crate::Dur;
use linchpin_model::Impact;
use std::collections::VecDeque;

/// How long an entity is down (does not work at all) and impaired (down or
/// degraded). `impaired >= down` always holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State {
    /// Time not working at all.
    pub down: Dur,
    /// Time down or degraded.
    pub impaired: Dur,
}

impl State {
    /// Whether the failure touches this entity at all.
    pub fn is_affected(self) -> bool {
        self.impaired.is_positive()
    }
}

/// A reusable propagation: scratch space sized to the graph, reset after
/// each run in time proportional to what the run touched.
#[derive(Debug, Clone)]
pub struct Propagator {
    values: Vec<State>,
    failed: Vec<Dur>,
    mark: Vec<u32>,
    generation: u32,
    reach: Vec<u32>,
    solver: CycleSolver,
    down: Vec<Dur>,
    impaired: Vec<Dur>,
}

impl Propagator {
    /// Scratch space for a graph.
    pub fn new(graph: &ImpactGraph) -> Propagator {
        Propagator {
            values: vec![State::default(); graph.len()],
            failed: vec![Dur::ZERO; graph.len()],
            mark: vec![0; graph.len()],
            generation: 0,
            reach: Vec::new(),
            solver: CycleSolver::new(graph.len()),
            down: Vec::new(),
            impaired: Vec::new(),
        }
    }

    /// Fails `failures` (node, duration) and propagates. Afterwards
    /// [`Propagator::reach`] lists the nodes that may be affected and
    /// [`Propagator::state`] gives their states; every other node is up.
    pub fn run(&mut self, graph: &ImpactGraph, failures: &[(u32, Dur)]) {
        self.run_within(graph, failures, None);
    }

    /// [`Propagator::run`] over the nodes of `within` only (a bit set of
    /// nodes, closed under dependencies: the cone of the nodes a caller
    /// reads, [`ImpactGraph::cone`]); every node of it gets the state the
    /// full run would give it, since nothing it depends on lies outside.
    pub fn run_within(
        &mut self,
        graph: &ImpactGraph,
        failures: &[(u32, Dur)],
        within: Option<&[u64]>,
    ) {
        self.reset();

        // The reach: everything that depends, transitively, on a failure.
        let mut queue = VecDeque::new();
        for &(node, duration) in failures {
            self.failed[node as usize] = self.failed[node as usize].max(duration);
            if self.mark[node as usize] != self.generation {
                self.mark[node as usize] = self.generation;
                self.reach.push(node);
                queue.push_back(node);
            }
        }
        let inside = |d: u32| within.is_none_or(|w| w[d as usize / 64] & (1 << (d % 64)) != 0);
        while let Some(n) = queue.pop_front() {
            for &d in graph.dependents(n) {
                if self.mark[d as usize] != self.generation && inside(d) {
                    self.mark[d as usize] = self.generation;
                    self.reach.push(d);
                    queue.push_back(d);
                }
            }
        }
        let mut reach = std::mem::take(&mut self.reach);
        reach.sort_unstable_by_key(|&n| graph.component(n));

        // Evaluate component by component, dependencies first.
        for run in graph.component_runs(&reach) {
            if graph.is_cycle(run) {
                self.settle_cycle(graph, run);
            } else {
                self.values[run[0] as usize] = self.evaluate(graph, run[0]);
            }
        }
        self.reach = reach;
    }

    /// Propagates `failures` over `region` only: nodes in evaluation order
    /// (as [`ImpactGraph::component_runs`] wants them), each cycle whole.
    /// A node outside the region that a region node depends on takes its
    /// state from `outside`, which must give what the full run would; the
    /// region's nodes then get the state the full run gives them. A failure
    /// outside the region acts only through `outside`. Afterwards
    /// [`Propagator::state`] answers for the region's nodes.
    pub fn run_region(
        &mut self,
        graph: &ImpactGraph,
        failures: &[(u32, Dur)],
        region: &[u32],
        mut outside: impl FnMut(u32) -> State,
    ) {
        self.begin_region(failures, region);
        for &n in region {
            for e in graph.edges(n) {
                if e.impact == Impact::None {
                    continue;
                }
                for &t in graph.targets(e) {
                    if self.mark[t as usize] != self.generation {
                        self.mark[t as usize] = self.generation;
                        self.values[t as usize] = outside(t);
                        self.reach.push(t);
                    }
                }
            }
        }
        self.settle_region(graph, region);
    }

    /// [`Propagator::run_region`] with the states of the nodes outside the
    /// region given: nodes outside it that a region node depends on
    /// (through an edge with an impact), once, with their states; a node
    /// left out is read as unaffected (what every run leaves behind for the
    /// nodes it did not reach).
    pub fn run_region_given(
        &mut self,
        graph: &ImpactGraph,
        failures: &[(u32, Dur)],
        region: &[u32],
        boundary: &[u32],
        states: &[State],
    ) {
        self.begin_region(failures, region);
        for (&t, &v) in boundary.iter().zip(states) {
            self.values[t as usize] = v;
            self.reach.push(t);
        }
        self.settle_region(graph, region);
    }

    /// Resets what the previous run touched and starts a new generation of
    /// marks.
    fn reset(&mut self) {
        for &n in &self.reach {
            self.values[n as usize] = State::default();
            self.failed[n as usize] = Dur::ZERO;
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.generation = 1;
        }
        self.reach.clear();
    }

    fn begin_region(&mut self, failures: &[(u32, Dur)], region: &[u32]) {
        self.reset();
        for &n in region {
            self.mark[n as usize] = self.generation;
            self.reach.push(n);
        }
        for &(node, duration) in failures {
            if self.mark[node as usize] == self.generation {
                self.failed[node as usize] = self.failed[node as usize].max(duration);
            }
        }
    }

    fn settle_region(&mut self, graph: &ImpactGraph, region: &[u32]) {
        for run in graph.component_runs(region) {
            if graph.is_cycle(run) {
                self.settle_cycle(graph, run);
            } else {
                self.values[run[0] as usize] = self.evaluate(graph, run[0]);
            }
        }
    }

    /// The nodes the last run may have affected, in evaluation order.
    pub fn reach(&self) -> &[u32] {
        &self.reach
    }

    /// The state of a node after [`Propagator::run`].
    pub fn state(&self, node: u32) -> State {
        self.values[node as usize]
    }

    /// How long the node was failed in the last run (zero if it was not).
    pub fn failed_for(&self, node: u32) -> Dur {
        self.failed[node as usize]
    }

    fn evaluate(&self, graph: &ImpactGraph, node: u32) -> State {
        let failed = self.failed[node as usize];
        let mut down = failed;
        let mut impaired = failed;
        for edge in graph.edges(node) {
            if edge.impact == Impact::None {
                continue;
            }
            let targets = graph.targets(edge);
            let first = self.values[targets[0] as usize];
            let (mut d, mut imp) = (first.down, first.impaired);
            for &t in &targets[1..] {
                let v = self.values[t as usize];
                d = d.min(edge.switchover.plus(v.down));
                imp = imp.min(edge.switchover.plus(v.impaired));
            }
            if edge.impact == Impact::Down {
                down = down.max(d);
            }
            impaired = impaired.max(imp);
        }
        State {
            down,
            impaired: impaired.max(down),
        }
    }

    /// Solves a cycle's nodes exactly (see [`crate::cycle`]): down first,
    /// then impaired, which is at least down.
    fn settle_cycle(&mut self, graph: &ImpactGraph, nodes: &[u32]) {
        let mut down = std::mem::take(&mut self.down);
        let mut impaired = std::mem::take(&mut self.impaired);
        let failed = &self.failed;
        let values = &self.values;
        self.solver.solve(
            graph,
            nodes,
            Pass::Down,
            |i| failed[nodes[i] as usize],
            |t| values[t as usize].down,
            &mut down,
        );
        self.solver.solve(
            graph,
            nodes,
            Pass::Impaired,
            |i| failed[nodes[i] as usize].max(down[i]),
            |t| values[t as usize].impaired,
            &mut impaired,
        );
        for (i, &n) in nodes.iter().enumerate() {
            self.values[n as usize] = State {
                down: down[i],
                impaired: impaired[i],
            };
        }
        self.down = down;
        self.impaired = impaired;
    }
}
