//! The impact graph: the catalog's dependency edges in compact arrays, with
//! the reverse edges and the strongly connected components in evaluation
//! order (dependencies before their dependents).

use crate::Dur;
use linchpin_model::{Catalog, DepTarget, EntityId, Impact};

/// One edge of a node: a single target, or an `anyOf` group.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// What losing the target(s) does.
    pub impact: Impact,
    /// Switchover time of an `anyOf` group (zero for single edges).
    pub switchover: Dur,
    /// The targets: `options[first..first + count]`; the first is active.
    pub first: u32,
    /// How many targets (1 for a single edge).
    pub count: u32,
}

/// The graph the analyses run on. Node `i` is `EntityId(i)` of the catalog.
#[derive(Debug, Clone)]
pub struct ImpactGraph {
    /// Each node's edges: `edges[start..end]`. After the components are
    /// known, edges and their options are laid out in evaluation order, so
    /// that a pass over the graph reads them front to back.
    edge_span: Vec<(u32, u32)>,
    edges: Vec<Edge>,
    options: Vec<u32>,
    dependent_start: Vec<u32>,
    dependents: Vec<u32>,
    dependent_impact: Vec<Impact>,
    /// Nodes in evaluation order: every node after the nodes it depends on,
    /// except within a cycle.
    order: Vec<u32>,
    /// For each node, its component's index; components are numbered in
    /// evaluation order.
    component: Vec<u32>,
    /// Whether the node's component is a cycle (more than one node, or a
    /// node depending on itself).
    cyclic: Vec<bool>,
}

impl ImpactGraph {
    /// Builds the graph of a catalog.
    pub fn new(catalog: &Catalog) -> ImpactGraph {
        ImpactGraph::build(catalog, |_| true)
    }

    /// Whether `a` and `b` give the same graph: as many entities, each with
    /// the same impact edges (targets, impacts, switchovers) in the same
    /// order — everything [`ImpactGraph::build`] reads. A change to what an
    /// entity says about itself (a statement, an owner, an RTO, a title)
    /// keeps the graph, and the team server then keeps it too.
    pub fn same_input(a: &Catalog, b: &Catalog) -> bool {
        a.len() == b.len()
            && a.iter().all(|(id, _)| {
                let (x, y) = (a.dependencies(id), b.dependencies(id));
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|(p, q)| p.impact == q.impact && p.target == q.target)
            })
    }

    /// Builds the graph keeping the edges of the entities `keep` accepts
    /// only (the others depend on nothing): e.g. without suppliers' own
    /// suppliers, to tell direct reach from reach through fourth parties.
    pub fn build(catalog: &Catalog, keep: impl Fn(EntityId) -> bool) -> ImpactGraph {
        let n = catalog.len();
        let mut edge_start: Vec<u32> = Vec::with_capacity(n + 1);
        let mut edges = Vec::new();
        let mut options = Vec::new();
        let mut indegree = vec![0u32; n + 1];
        for (id, _) in catalog.iter() {
            edge_start.push(edges.len() as u32);
            if !keep(id) {
                continue;
            }
            for dep in catalog.dependencies(id) {
                let (targets, switchover) = match &dep.target {
                    DepTarget::One(t) => (std::slice::from_ref(t), Dur::ZERO),
                    DepTarget::AnyOf {
                        options,
                        switchover,
                    } => (options.as_slice(), Dur::from(*switchover)),
                };
                edges.push(Edge {
                    impact: dep.impact,
                    switchover,
                    first: options.len() as u32,
                    count: targets.len() as u32,
                });
                for t in targets {
                    options.push(t.0);
                    indegree[t.index()] += 1;
                }
            }
        }
        edge_start.push(edges.len() as u32);

        // Reverse edges: who depends on each node.
        let mut dependent_start = vec![0u32; n + 1];
        for i in 0..n {
            dependent_start[i + 1] = dependent_start[i] + indegree[i];
        }
        let mut fill = dependent_start.clone();
        let mut dependents = vec![0u32; options.len()];
        let mut dependent_impact = vec![Impact::Down; options.len()];
        for holder in 0..n {
            for e in &edges[edge_start[holder] as usize..edge_start[holder + 1] as usize] {
                for &t in &options[e.first as usize..(e.first + e.count) as usize] {
                    dependents[fill[t as usize] as usize] = holder as u32;
                    dependent_impact[fill[t as usize] as usize] = e.impact;
                    fill[t as usize] += 1;
                }
            }
        }
        let mut graph = ImpactGraph {
            edge_span: edge_start.windows(2).map(|w| (w[0], w[1])).collect(),
            edges,
            options,
            dependent_start,
            dependents,
            dependent_impact,
            order: Vec::new(),
            component: Vec::new(),
            cyclic: Vec::new(),
        };
        graph.components();
        graph.lay_out_in_order();
        graph
    }

    /// Puts each node's edges and options where evaluation order reads
    /// them: one after the other, in that order.
    fn lay_out_in_order(&mut self) {
        let mut edges = Vec::with_capacity(self.edges.len());
        let mut options = Vec::with_capacity(self.options.len());
        for &v in &self.order {
            let (start, end) = self.edge_span[v as usize];
            let begin = edges.len() as u32;
            for e in &self.edges[start as usize..end as usize] {
                let first = options.len() as u32;
                options.extend_from_slice(
                    &self.options[e.first as usize..(e.first + e.count) as usize],
                );
                edges.push(Edge { first, ..*e });
            }
            self.edge_span[v as usize] = (begin, edges.len() as u32);
        }
        self.edges = edges;
        self.options = options;
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.edge_span.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The edges of a node.
    pub fn edges(&self, node: u32) -> &[Edge] {
        let (start, end) = self.edge_span[node as usize];
        &self.edges[start as usize..end as usize]
    }

    /// The targets of an edge, the active one first.
    pub fn targets(&self, edge: &Edge) -> &[u32] {
        &self.options[edge.first as usize..(edge.first + edge.count) as usize]
    }

    /// Every node `start` depends on, transitively, itself included, in
    /// evaluation order: the cone a question about `start` needs.
    pub fn cone(&self, start: u32) -> Vec<u32> {
        self.cone_of_all(&[start])
    }

    /// Every node any of `starts` depends on, transitively, themselves
    /// included, in evaluation order.
    pub fn cone_of_all(&self, starts: &[u32]) -> Vec<u32> {
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<u32> = Vec::new();
        for &s in starts {
            if !seen[s as usize] {
                seen[s as usize] = true;
                stack.push(s);
            }
        }
        let mut cone = Vec::new();
        while let Some(n) = stack.pop() {
            cone.push(n);
            for e in self.edges(n) {
                for &t in self.targets(e) {
                    if !seen[t as usize] {
                        seen[t as usize] = true;
                        stack.push(t);
                    }
                }
            }
        }
        cone.sort_unstable_by_key(|&n| self.component(n));
        cone
    }

    /// `nodes` (in evaluation order) cut into their components: each run
    /// of nodes of one component, a cycle or a single node.
    pub fn component_runs<'a>(&'a self, nodes: &'a [u32]) -> impl Iterator<Item = &'a [u32]> + 'a {
        nodes.chunk_by(move |&a, &b| self.component(a) == self.component(b))
    }

    /// Whether a run of [`ImpactGraph::component_runs`] is a cycle.
    pub fn is_cycle(&self, run: &[u32]) -> bool {
        run.len() > 1 || self.is_cyclic(run[0])
    }

    /// The nodes that depend on `node` (each once per edge).
    pub fn dependents(&self, node: u32) -> &[u32] {
        &self.dependents[self.dependent_start[node as usize] as usize
            ..self.dependent_start[node as usize + 1] as usize]
    }

    /// The impact of each edge in [`ImpactGraph::dependents`], in the same order.
    pub fn dependent_impacts(&self, node: u32) -> &[Impact] {
        &self.dependent_impact[self.dependent_start[node as usize] as usize
            ..self.dependent_start[node as usize + 1] as usize]
    }

    /// Nodes in evaluation order.
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// The position of a node's component in evaluation order.
    pub fn component(&self, node: u32) -> u32 {
        self.component[node as usize]
    }

    /// Whether the node is part of a cycle.
    pub fn is_cyclic(&self, node: u32) -> bool {
        self.cyclic[node as usize]
    }

    /// The entity of a node.
    pub fn entity(node: u32) -> EntityId {
        EntityId(node)
    }

    /// Tarjan's algorithm, iterative (deep graphs must not overflow the
    /// stack). It emits each component after every component it depends on:
    /// exactly the evaluation order.
    fn components(&mut self) {
        let n = self.len();
        const UNSEEN: u32 = u32::MAX;
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut component = vec![0u32; n];
        let mut cyclic = vec![false; n];
        let mut order = Vec::with_capacity(n);
        let mut next_index = 0u32;
        let mut components = 0u32;
        // Call stack of (node, next position in the options, end of its
        // options): a node's options are one run of `options`.
        let mut calls: Vec<(u32, u32, u32)> = Vec::new();
        let span = |g: &ImpactGraph, v: u32| {
            let edges = g.edges(v);
            match (edges.first(), edges.last()) {
                (Some(a), Some(b)) => (a.first, b.first + b.count),
                _ => (0, 0),
            }
        };
        for root in 0..n as u32 {
            if index[root as usize] != UNSEEN {
                continue;
            }
            let (from, to) = span(self, root);
            calls.push((root, from, to));
            index[root as usize] = next_index;
            low[root as usize] = next_index;
            next_index += 1;
            stack.push(root);
            on_stack[root as usize] = true;
            while let Some(&mut (v, ref mut p, last)) = calls.last_mut() {
                if *p < last {
                    let w = self.options[*p as usize];
                    *p += 1;
                    if index[w as usize] == UNSEEN {
                        index[w as usize] = next_index;
                        low[w as usize] = next_index;
                        next_index += 1;
                        stack.push(w);
                        on_stack[w as usize] = true;
                        let (from, to) = span(self, w);
                        calls.push((w, from, to));
                    } else if on_stack[w as usize] {
                        low[v as usize] = low[v as usize].min(index[w as usize]);
                    }
                    if w == v {
                        cyclic[v as usize] = true;
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _, _)) = calls.last() {
                    low[parent as usize] = low[parent as usize].min(low[v as usize]);
                }
                if low[v as usize] == index[v as usize] {
                    let start = order.len();
                    loop {
                        let w = stack.pop().expect("v is on the stack");
                        on_stack[w as usize] = false;
                        component[w as usize] = components;
                        order.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if order.len() - start > 1 {
                        for &w in &order[start..] {
                            cyclic[w as usize] = true;
                        }
                    }
                    components += 1;
                }
            }
        }
        self.order = order;
        self.component = component;
        self.cyclic = cyclic;
    }
}
