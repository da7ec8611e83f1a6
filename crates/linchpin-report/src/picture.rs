//! A picture of one supplier's reach: the functions its failure stops or
//! degrades, and the chains between them, laid out in layers by our own
//! small layered layout (no Graphviz at run time).

use linchpin_engine::whatif::whatif_with;
use linchpin_engine::{FailureSpec, ImpactGraph, Propagator, Status};
use linchpin_model::{Catalog, Duration, EntityId, FailureMode};

/// At most this many functions in one picture (the most critical first).
const MAX_FUNCTIONS: usize = 24;

/// A node of the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureNode {
    /// The entity.
    pub id: EntityId,
    /// Column: 0 holds the functions, the last the supplier.
    pub layer: usize,
    /// Row within the column.
    pub row: usize,
    /// Down or degraded.
    pub status: Status,
}

/// A laid-out picture.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Picture {
    /// The boxes.
    pub nodes: Vec<PictureNode>,
    /// Arrows from dependent to dependency, as indices into `nodes`.
    pub edges: Vec<(usize, usize)>,
    /// For each edge, the (layer, row) slots it passes through between its
    /// ends: an arrow longer than one column runs through slots of its own
    /// instead of under the boxes it passes.
    pub routes: Vec<Vec<(usize, usize)>>,
    /// Functions left out to keep the picture readable.
    pub omitted: usize,
}

impl Picture {
    /// The number of columns.
    pub fn layers(&self) -> usize {
        self.nodes.iter().map(|n| n.layer + 1).max().unwrap_or(0)
    }

    /// The most rows in one column.
    pub fn rows(&self) -> usize {
        self.nodes.iter().map(|n| n.row + 1).max().unwrap_or(0)
    }
}

/// The reach of `supplier`: the union of the explanation chains of every
/// function its (unbounded) failure affects.
pub fn reach_picture(
    catalog: &Catalog,
    graph: &ImpactGraph,
    propagator: &mut Propagator,
    supplier: EntityId,
) -> Picture {
    let spec = FailureSpec {
        fail: vec![supplier],
        mode: FailureMode::Outage,
        duration: Some(Duration::from_days(3650)),
    };
    let result = whatif_with(catalog, graph, propagator, &spec);
    let affected: Vec<_> = result
        .functions
        .iter()
        .filter(|f| f.status != Status::Up)
        .collect();
    let omitted = affected.len().saturating_sub(MAX_FUNCTIONS);
    let chains: Vec<(Status, &Vec<EntityId>)> = affected
        .iter()
        .take(MAX_FUNCTIONS)
        .map(|f| (f.status, &f.path))
        .collect();
    // Layer: distance from the function end, the longest over all chains,
    // so that every arrow points to the right.
    let mut ids: Vec<EntityId> = Vec::new();
    let mut layer: Vec<usize> = Vec::new();
    let mut status: Vec<Status> = Vec::new();
    let index = |id: EntityId,
                 ids: &mut Vec<EntityId>,
                 layer: &mut Vec<usize>,
                 status: &mut Vec<Status>|
     -> usize {
        match ids.iter().position(|&x| x == id) {
            Some(i) => i,
            None => {
                ids.push(id);
                layer.push(0);
                status.push(Status::Degraded);
                ids.len() - 1
            }
        }
    };
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (st, chain) in &chains {
        let mut prev: Option<usize> = None;
        for (pos, &id) in chain.iter().enumerate() {
            let i = index(id, &mut ids, &mut layer, &mut status);
            layer[i] = layer[i].max(pos);
            if *st == Status::Down {
                status[i] = Status::Down;
            }
            if let Some(p) = prev {
                if !edges.contains(&(p, i)) {
                    edges.push((p, i));
                }
            }
            prev = Some(i);
        }
    }
    // Push nodes right until every edge points right (layers from chains of
    // different lengths can disagree).
    for _ in 0..ids.len() {
        let mut changed = false;
        for &(a, b) in &edges {
            if layer[b] <= layer[a] {
                layer[b] = layer[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // The supplier alone in the last column.
    if let Some(s) = ids.iter().position(|&x| x == supplier) {
        let last = layer.iter().copied().max().unwrap_or(0);
        layer[s] = last.max(1);
    }
    arrange(ids, layer, status, edges, omitted)
}

/// Lays out any small graph: longest-path layers (arrows pointing right,
/// cycles broken where a depth-first search meets them), then rows.
pub fn layout(
    ids: Vec<EntityId>,
    status: Vec<Status>,
    edges: Vec<(usize, usize)>,
    omitted: usize,
) -> Picture {
    let n = ids.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &edges {
        out[a].push(b);
    }
    // Depth-first search, iterative: an edge into a node still on the path
    // is a back edge and does not count for the layers.
    let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < out[v].len() {
                let w = out[v][*i];
                *i += 1;
                match state[w] {
                    0 => {
                        forward[v].push(w);
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    2 => forward[v].push(w),
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // Longest path from the sources, in topological order.
    let mut indegree = vec![0usize; n];
    for targets in &forward {
        for &w in targets {
            indegree[w] += 1;
        }
    }
    let mut queue: std::collections::VecDeque<usize> =
        (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut layer = vec![0usize; n];
    while let Some(v) = queue.pop_front() {
        for &w in &forward[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    // Back edges of cycles are left out of the picture's arrows: a cycle
    // shows as its forward part (the DOT and Mermaid outputs keep them all).
    let edges: Vec<(usize, usize)> = edges
        .into_iter()
        .filter(|&(a, b)| layer[b] > layer[a])
        .collect();
    arrange(ids, layer, status, edges, omitted)
}

/// Rows within the layers, and waypoints for arrows longer than one column.
fn arrange(
    ids: Vec<EntityId>,
    layer: Vec<usize>,
    status: Vec<Status>,
    edges: Vec<(usize, usize)>,
    omitted: usize,
) -> Picture {
    // Slots per column: the real nodes, and one waypoint per column an arrow
    // crosses (Sugiyama's dummy nodes).
    #[derive(Clone, Copy, PartialEq)]
    enum Slot {
        Node(usize),
        Waypoint(usize, usize), // edge, step
    }
    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut columns: Vec<Vec<Slot>> = vec![Vec::new(); layers];
    for (i, &l) in layer.iter().enumerate() {
        columns[l].push(Slot::Node(i));
    }
    for (e, &(a, b)) in edges.iter().enumerate() {
        for (step, l) in (layer[a] + 1..layer[b]).enumerate() {
            columns[l].push(Slot::Waypoint(e, step));
        }
    }
    // What each slot hangs from, in the column to its left.
    let parents = |slot: Slot| -> Vec<Slot> {
        match slot {
            Slot::Node(i) => edges
                .iter()
                .enumerate()
                .filter(|(_, &(_, b))| b == i)
                .map(|(e, &(a, b))| {
                    if layer[b] - layer[a] > 1 {
                        Slot::Waypoint(e, layer[b] - layer[a] - 2)
                    } else {
                        Slot::Node(a)
                    }
                })
                .collect(),
            Slot::Waypoint(e, 0) => vec![Slot::Node(edges[e].0)],
            Slot::Waypoint(e, step) => vec![Slot::Waypoint(e, step - 1)],
        }
    };
    // Rows: functions in their given order; every other column by the mean
    // row of what it hangs from (one barycentre pass, left to right).
    let mut placed: Vec<(Slot, usize)> = Vec::new();
    let row_of = |placed: &[(Slot, usize)], slot: Slot| {
        placed.iter().find(|(s, _)| *s == slot).map(|(_, r)| *r)
    };
    for (l, column) in columns.iter_mut().enumerate() {
        if l > 0 {
            let key = |slot: Slot| {
                let rows: Vec<usize> = parents(slot)
                    .into_iter()
                    .filter_map(|p| row_of(&placed, p))
                    .collect();
                if rows.is_empty() {
                    0.0
                } else {
                    rows.iter().sum::<usize>() as f64 / rows.len() as f64
                }
            };
            let keys: Vec<f64> = column.iter().map(|&s| key(s)).collect();
            let mut order: Vec<usize> = (0..column.len()).collect();
            order.sort_by(|&x, &y| keys[x].total_cmp(&keys[y]).then(x.cmp(&y)));
            *column = order.into_iter().map(|i| column[i]).collect();
        }
        for (r, &slot) in column.iter().enumerate() {
            placed.push((slot, r));
        }
    }
    let mut row = vec![0usize; ids.len()];
    let mut routes: Vec<Vec<(usize, usize)>> = vec![Vec::new(); edges.len()];
    for (l, column) in columns.iter().enumerate() {
        for (r, slot) in column.iter().enumerate() {
            match *slot {
                Slot::Node(i) => row[i] = r,
                Slot::Waypoint(e, _) => routes[e].push((l, r)),
            }
        }
    }
    Picture {
        nodes: (0..ids.len())
            .map(|i| PictureNode {
                id: ids[i],
                layer: layer[i],
                row: row[i],
                status: status[i],
            })
            .collect(),
        edges,
        routes,
        omitted,
    }
}
