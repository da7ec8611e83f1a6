//! `linchpin graph`: a readable picture of the dependency graph — a focus
//! neighbourhood, or an overview from functions down to suppliers —
//! coloured by status when failures are simulated.

use crate::picture::{layout, Picture};
use linchpin_engine::{ImpactGraph, Propagator, Status, SupplierRank};
use linchpin_model::{Catalog, Criticality, EntityId, Impact, Spec};
use std::collections::VecDeque;
use std::fmt::Write;

/// A graph to draw.
#[derive(Debug, Clone)]
pub struct GraphView {
    /// The laid-out picture (arrows of cycles' back edges left out).
    pub picture: Picture,
    /// Every arrow among the drawn nodes, with its impact: for DOT and Mermaid.
    pub arrows: Vec<(usize, usize, Impact)>,
    /// What the picture shows.
    pub title: String,
}

/// The neighbourhood of `focus`: everything within `depth` steps in either
/// direction, nearest first, at most `max_nodes` nodes.
pub fn focus_view(
    catalog: &Catalog,
    graph: &ImpactGraph,
    focus: EntityId,
    depth: usize,
    max_nodes: usize,
    status: &dyn Fn(u32) -> Status,
) -> GraphView {
    let mut distance = std::collections::HashMap::new();
    distance.insert(focus.0, 0usize);
    let mut order = vec![focus.0];
    let mut queue = VecDeque::from([focus.0]);
    let mut reached = 0usize;
    while let Some(n) = queue.pop_front() {
        let d = distance[&n];
        if d >= depth {
            continue;
        }
        let neighbours = graph
            .edges(n)
            .iter()
            .flat_map(|e| graph.targets(e).iter().copied())
            .chain(graph.dependents(n).iter().copied());
        for m in neighbours {
            if let std::collections::hash_map::Entry::Vacant(v) = distance.entry(m) {
                reached += 1;
                v.insert(d + 1);
                if order.len() < max_nodes {
                    order.push(m);
                    queue.push_back(m);
                }
            }
        }
    }
    let omitted = reached + 1 - order.len();
    let r = &catalog.entity(focus).entity_ref;
    view(
        catalog,
        graph,
        order,
        omitted,
        status,
        format!("{} and its neighbourhood ({depth} steps)", r),
    )
}

/// An overview: business functions (most critical first) and the suppliers
/// that can stop or degrade them, with an arrow where one reaches the other.
pub fn overview(
    catalog: &Catalog,
    ranking: &[SupplierRank],
    max_functions: usize,
    max_suppliers: usize,
    status: &dyn Fn(u32) -> Status,
) -> GraphView {
    let mut functions: Vec<EntityId> = catalog
        .iter()
        .filter(|(_, e)| matches!(e.spec, Spec::BusinessFunction(_)))
        .map(|(id, _)| id)
        .collect();
    functions.sort_by_key(|&id| match &catalog.entity(id).spec {
        Spec::BusinessFunction(f) => (f.criticality, catalog.entity(id).entity_ref.name.clone()),
        _ => (Criticality::Standard, Default::default()),
    });
    let omitted_functions = functions.len().saturating_sub(max_functions);
    functions.truncate(max_functions);
    let suppliers: Vec<&SupplierRank> = ranking
        .iter()
        .filter(|r| r.tier <= 3)
        .take(max_suppliers)
        .collect();
    let omitted = omitted_functions
        + ranking
            .iter()
            .filter(|r| r.tier <= 3)
            .count()
            .saturating_sub(suppliers.len());
    let mut ids: Vec<EntityId> = functions.clone();
    ids.extend(suppliers.iter().map(|r| r.id));
    let index = |id: EntityId| ids.iter().position(|&x| x == id);
    let mut arrows = Vec::new();
    for r in &suppliers {
        let s = index(r.id).expect("added above");
        for reach in &r.stops {
            if let Some(f) = index(reach.function) {
                arrows.push((f, s, Impact::Down));
            }
        }
        for reach in &r.degrades {
            if let Some(f) = index(reach.function) {
                arrows.push((f, s, Impact::Degraded));
            }
        }
    }
    let statuses = ids.iter().map(|id| status(id.0)).collect();
    let picture = layout(
        ids,
        statuses,
        arrows.iter().map(|&(a, b, _)| (a, b)).collect(),
        omitted,
    );
    GraphView {
        picture,
        arrows,
        title:
            "Business functions and the suppliers that can stop (solid) or degrade (dashed) them"
                .into(),
    }
}

fn view(
    catalog: &Catalog,
    graph: &ImpactGraph,
    nodes: Vec<u32>,
    omitted: usize,
    status: &dyn Fn(u32) -> Status,
    title: String,
) -> GraphView {
    let _ = catalog;
    let position = |n: u32| nodes.iter().position(|&x| x == n);
    let mut arrows = Vec::new();
    for (i, &n) in nodes.iter().enumerate() {
        for e in graph.edges(n) {
            for &t in graph.targets(e) {
                if let Some(j) = position(t) {
                    if !arrows.iter().any(|&(a, b, _)| a == i && b == j) {
                        arrows.push((i, j, e.impact));
                    }
                }
            }
        }
    }
    let ids: Vec<EntityId> = nodes.iter().map(|&n| EntityId(n)).collect();
    let statuses = nodes.iter().map(|&n| status(n)).collect();
    let picture = layout(
        ids,
        statuses,
        arrows.iter().map(|&(a, b, _)| (a, b)).collect(),
        omitted,
    );
    GraphView {
        picture,
        arrows,
        title,
    }
}

/// A status function from a propagation (or everything up without one).
pub fn statuses(propagator: Option<&Propagator>) -> impl Fn(u32) -> Status + '_ {
    move |n| match propagator {
        Some(p) => Status::of(p.state(n)),
        None => Status::Up,
    }
}

/// The view in Graphviz's DOT language.
pub fn dot(v: &GraphView, c: &Catalog) -> String {
    let mut s = String::from("digraph linchpin {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n");
    let _ = writeln!(s, "  label=\"{}\";", v.title.replace('"', "'"));
    for n in &v.picture.nodes {
        let e = c.entity(n.id);
        let fill = match n.status {
            Status::Down => "#f4c7c3",
            Status::Degraded => "#fde7b0",
            Status::Up => "#eef1f7",
        };
        let _ = writeln!(
            s,
            "  \"{}\" [label=\"{}\\n{}\", fillcolor=\"{fill}\"];",
            e.entity_ref,
            e.kind().as_str(),
            e.display_name().replace('"', "'")
        );
    }
    for &(a, b, impact) in &v.arrows {
        let style = match impact {
            Impact::Down => "",
            Impact::Degraded => " [style=dashed]",
            Impact::None => " [style=dotted]",
        };
        let _ = writeln!(
            s,
            "  \"{}\" -> \"{}\"{style};",
            c.entity(v.picture.nodes[a].id).entity_ref,
            c.entity(v.picture.nodes[b].id).entity_ref
        );
    }
    if v.picture.omitted > 0 {
        let _ = writeln!(s, "  // {} more entities not drawn", v.picture.omitted);
    }
    s.push_str("}\n");
    s
}

/// The view as a Mermaid flowchart.
pub fn mermaid_view(v: &GraphView, c: &Catalog) -> String {
    let mut s = String::from("flowchart LR\n");
    for (i, n) in v.picture.nodes.iter().enumerate() {
        let label = c.entity(n.id).display_name().replace('"', "'");
        let _ = writeln!(s, "  n{i}[\"{}: {label}\"]", c.entity(n.id).kind().as_str());
    }
    for &(a, b, impact) in &v.arrows {
        let arrow = if impact == Impact::Down {
            "-->"
        } else {
            "-.->"
        };
        let _ = writeln!(s, "  n{a} {arrow} n{b}");
    }
    for (i, n) in v.picture.nodes.iter().enumerate() {
        let _ = writeln!(s, "  class n{i} {}", n.status.as_str());
    }
    s.push_str("  classDef down fill:#f4c7c3,stroke:#b3261e\n  classDef degraded fill:#fde7b0,stroke:#b26a00\n  classDef up fill:#eef1f7,stroke:#8a94a6\n");
    s
}

/// The view as a standalone SVG document.
pub fn svg_document(v: &GraphView, c: &Catalog) -> String {
    let body = crate::html::svg(&v.picture, c, &v.title);
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&body.replacen(
        "<svg class=\"reach\" ",
        "<svg font-family=\"Helvetica, Arial, DejaVu Sans, sans-serif\" ",
        1,
    ));
    if v.picture.omitted > 0 {
        s.push_str(&format!(
            "<!-- {} more entities not drawn -->\n",
            v.picture.omitted
        ));
    }
    s
}
