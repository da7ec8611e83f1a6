//! The resolved impact graph: declared edges, the overlay, implicit edges.

use linchpin_loader::{load, LoadOptions};
use linchpin_model::{Catalog, DepTarget, Duration, EdgeOrigin, EntityRef, Impact};
use std::fs;

fn id(catalog: &Catalog, r: &str) -> linchpin_model::EntityId {
    catalog
        .lookup(&EntityRef::parse(r, None, "default").unwrap())
        .unwrap_or_else(|| panic!("{r} not found"))
}

fn name(catalog: &Catalog, id: linchpin_model::EntityId) -> String {
    catalog.entity(id).entity_ref.to_string()
}

#[test]
fn overlay_and_implicit_edges_resolve() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("all.yaml"),
        include_str!("graph_landscape.yaml"),
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let c = &loaded.catalog;

    // checkout: hard on web, degraded on mail, anyOf stripe/adyen with 30m.
    let deps = c.dependencies(id(c, "businessfunction:checkout"));
    let summary: Vec<_> = deps
        .iter()
        .map(|d| match &d.target {
            DepTarget::One(t) => format!("{} {}", name(c, *t), d.impact.as_str()),
            DepTarget::AnyOf {
                options,
                switchover,
            } => format!(
                "anyOf[{}] {} after {switchover}",
                options
                    .iter()
                    .map(|o| name(c, *o))
                    .collect::<Vec<_>>()
                    .join(", "),
                d.impact.as_str()
            ),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "component:default/web down",
            "resource:default/mail degraded",
            "anyOf[resource:default/stripe, resource:default/adyen] down after 30m",
        ]
    );
    let DepTarget::AnyOf { switchover, .. } = &deps[2].target else {
        panic!()
    };
    assert_eq!(*switchover, Duration::from_seconds(1800));

    // web consumes the orders API, which `orders` provides: an implicit hard edge.
    let web = c.dependencies(id(c, "component:web"));
    assert_eq!(web.len(), 1);
    assert_eq!(web[0].target, DepTarget::One(id(c, "component:orders")));
    assert!(matches!(web[0].origin, EdgeOrigin::ConsumesApi { .. }));
    assert_eq!(web[0].impact, Impact::Down);

    // The system depends on each of its parts.
    let mut parts: Vec<_> = c
        .dependencies(id(c, "system:shop"))
        .iter()
        .filter(|d| d.origin == EdgeOrigin::SystemPart)
        .map(|d| name(c, d.target.entities()[0]))
        .collect();
    parts.sort();
    assert_eq!(parts, ["component:default/orders", "component:default/web"]);

    // Fourth party, and a cycle that loads fine.
    let stripe = c.dependencies(id(c, "supplier:stripe"));
    assert_eq!(stripe[0].target, DepTarget::One(id(c, "supplier:aws")));
    // What the edge delivers stays on the entity's `dependencyImpact` entry.
    let declared = c
        .entity(id(c, "supplier:stripe"))
        .dependencies()
        .expect("a supplier has dependencies");
    assert_eq!(declared.overlay[0].provides.as_deref(), Some("hosting"));
    assert_eq!(c.edge_count(), 13);
}
