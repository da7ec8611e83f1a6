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

/// Backstage's `dependencyOf` is the same edge written from the other end:
/// the entities it names depend (hard) on the holder, unless they qualify
/// that dependency themselves; a dangling one is reported like `dependsOn`.
#[test]
fn dependency_of_is_the_reverse_edge() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("all.yaml"),
        r#"apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: web }
spec:
  type: service
  lifecycle: production
  owner: group:team
  dependsOn: [resource:mail]
  dependencyImpact:
    - ref: resource:mail
      impact: degraded
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: mail }
spec: { type: smtp, owner: group:team, dependencyOf: [component:web, component:api] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: api }
spec: { type: service, lifecycle: production, owner: group:team }
---
apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata: { name: postmark }
spec: { type: saas, dependencyOf: [resource:mail] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team }
spec: { type: team, children: [] }
"#,
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let c = &loaded.catalog;
    let edges = |r: &str| -> Vec<String> {
        c.dependencies(id(c, r))
            .iter()
            .map(|d| {
                format!(
                    "{} {}{}",
                    name(c, d.target.entities()[0]),
                    d.impact.as_str(),
                    if matches!(d.origin, EdgeOrigin::DependencyOf(_)) {
                        " (dependencyOf)"
                    } else {
                        ""
                    }
                )
            })
            .collect()
    };
    // web's own word (degraded) stands; api gets the hard edge.
    assert_eq!(edges("component:web"), ["resource:default/mail degraded"]);
    assert_eq!(
        edges("component:api"),
        ["resource:default/mail down (dependencyOf)"]
    );
    // A Supplier may write it too: the resource it backs depends on it.
    assert_eq!(
        edges("resource:mail"),
        ["supplier:default/postmark down (dependencyOf)"]
    );

    fs::write(
        dir.path().join("more.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata: { name: ghost }\nspec: { type: saas, dependencyOf: [component:nowhere] }\n",
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.code == "dangling-ref" && d.message.contains("component:default/nowhere")),
        "{:#?}",
        loaded.diagnostics
    );
}
