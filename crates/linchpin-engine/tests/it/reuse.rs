//! Analyses that take another analysis's results answer exactly as when
//! they work everything out themselves: the concentration from the
//! ranking, the findings' hidden concentration from the concentration.

use linchpin_engine::{
    concentration, concentration_from_ranking, findings, findings_given, rank, ImpactGraph,
};
use linchpin_loader::{load, LoadOptions};
use linchpin_model::Date;
use linchpin_synth::{generate, Config};

#[test]
fn concentration_and_findings_from_the_ranking_are_the_same_as_worked_out_alone() {
    let today = Date::from_ymd(2026, 11, 28).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for f in generate(&Config {
        entities: 3000,
        seed: 11,
        per_file: 100,
    }) {
        let p = dir.path().join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, f.text).unwrap();
    }
    // A fourth party that critical business reaches only through a reseller.
    std::fs::write(
        dir.path().join("hidden.yaml"),
        "apiVersion: linchpin.dev/v1alpha1
kind: BusinessFunction
metadata:
  name: settle-trades
spec:
  criticality: critical
  owner: group:team-1
  dependsOn:
    - component:settlement
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: settlement
spec:
  type: service
  lifecycle: production
  owner: group:team-1
  dependsOn:
    - supplier:reseller
---
apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata:
  name: reseller
spec:
  type: saas
  dependsOn:
    - supplier:hosting-underneath
---
apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata:
  name: hosting-underneath
spec:
  type: cloud
",
    )
    .unwrap();
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(
        !loaded
            .diagnostics
            .iter()
            .any(|d| d.severity == linchpin_diagnostics::Severity::Error),
        "{:?}",
        loaded.diagnostics
    );
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let ranking = rank(catalog, &graph, today, 2);

    let alone = concentration(catalog, &graph, 2);
    let shared = concentration_from_ranking(catalog, &graph, &ranking, 2);
    assert_eq!(alone, shared);
    assert!(
        shared.suppliers.iter().any(|s| !s.reach.hidden.is_empty()),
        "the landscape has hidden concentration to compare"
    );

    let alone = findings(catalog, &graph, &ranking, &loaded.config, today, 2);
    let shared = findings_given(
        catalog,
        &graph,
        &ranking,
        Some(&shared),
        &loaded.config,
        today,
        2,
    );
    assert_eq!(alone, shared);
    assert!(
        shared.iter().any(|f| f.id == "hidden-concentration"),
        "the landscape has hidden-concentration findings to compare"
    );
}
