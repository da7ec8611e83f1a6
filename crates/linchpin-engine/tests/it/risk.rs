//! `linchpin risk`'s simulation against closed forms: a single supplier with
//! Poisson outages and a linear cost with a step, and two suppliers behind
//! an `anyOf`, each within four standard errors; the same seed gives the
//! same numbers on any number of threads; actions are measured on the same
//! years.

use linchpin_engine::risk::{failure_models, simulate, weigh_actions, Settings, YEAR};
use linchpin_engine::ImpactGraph;
use linchpin_loader::{load, LoadOptions, Loaded};
use linchpin_model::Date;

fn landscape(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == linchpin_diagnostics::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    (dir, loaded)
}

fn today() -> Date {
    Date::parse("2026-11-28").unwrap()
}

const ONE_SUPPLIER: &str = r#"
apiVersion: linchpin.dev/v1alpha1
kind: BusinessFunction
metadata: { name: sales }
spec:
  criticality: critical
  maxTolerableDowntime: 1h
  dependsOn: [supplier:psp]
  cost:
    downPerHour: 1000
    steps:
      - after: 90m
        cost: 5000
        note: penalty
---
apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata: { name: psp }
spec:
  type: saas
  failures:
    perYear: 3
    duration: { median: 2h, p90: 2h }
"#;

#[test]
fn a_single_supplier_matches_poisson_with_a_linear_cost_and_a_step() {
    let (_dir, loaded) = landscape(&[("l.yaml", ONE_SUPPLIER)]);
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let (models, gaps) = failure_models(catalog, today());
    assert!(gaps.is_empty());
    let settings = Settings {
        samples: 20_000,
        years: 1,
        seed: 7,
        threads: 2,
        detail: 20_000,
    };
    let risk = simulate(catalog, &graph, &models, &settings);
    // E[loss] = λ · (2 h · 1000 + 5000); an outage overlapping the one
    // before it merges with it (probability λ·2h/year ≈ 0.07 %), which the
    // tolerance of one standard error more covers.
    let exact = 3.0 * (2.0 * 1000.0 + 5000.0);
    let f = &risk.functions[0];
    let se = f.loss.standard_error;
    assert!(se > 0.0 && se < exact * 0.05, "{se}");
    assert!(
        (f.loss.mean - exact).abs() < 5.0 * se,
        "{} vs {exact} ± {se}",
        f.loss.mean
    );
    assert!((risk.total.mean - f.loss.mean).abs() < 1e-6);
    // Every outage breaches the 1h tolerance: P(at least one) = 1 - e^-3.
    let breach = f.breach.unwrap();
    let p = 1.0 - (-3.0f64).exp();
    assert!(
        (breach.p - p).abs() < 4.0 * breach.standard_error,
        "{breach:?} vs {p}"
    );
    // Downtime: 3 outages of 2 h a year.
    assert!((f.down_hours - 6.0).abs() < 0.3, "{}", f.down_hours);
    // All of it is the supplier's.
    assert_eq!(risk.suppliers.len(), 1);
    assert!((risk.suppliers[0].expected - f.loss.mean).abs() < 1e-6);
    assert_eq!(f.joint, 0.0);
    // Loss of a year: 0, 1, 2, ... outages of 7000 each: the median of a
    // Poisson(3) is 3, its 99th percentile 8.
    assert_eq!(f.loss.p50, 3.0 * 7000.0);
    assert_eq!(f.loss.p99, 8.0 * 7000.0);
}

const TWO_BEHIND_ANY_OF: &str = r#"
apiVersion: linchpin.dev/v1alpha1
kind: BusinessFunction
metadata: { name: shipping }
spec:
  criticality: important
  dependsOn: [supplier:carrier-a, supplier:carrier-b]
  dependencyImpact:
    - anyOf: [supplier:carrier-a, supplier:carrier-b]
      switchover: 0m
  cost: { downPerHour: 1000 }
---
apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata: { name: carrier-a }
spec:
  type: saas
  failures: { perYear: 20, duration: { median: 12h, p90: 12h } }
---
apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata: { name: carrier-b }
spec:
  type: saas
  failures: { perYear: 20, duration: { median: 12h, p90: 12h } }
"#;

#[test]
fn two_suppliers_behind_an_any_of_stop_the_function_only_together() {
    let (_dir, loaded) = landscape(&[("l.yaml", TWO_BEHIND_ANY_OF)]);
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let (models, _) = failure_models(catalog, today());
    let settings = Settings {
        samples: 20_000,
        years: 1,
        seed: 11,
        threads: 2,
        detail: 20_000,
    };
    let risk = simulate(catalog, &graph, &models, &settings);
    // Each carrier is down a share p = 1 - e^(-λd) of the time; the
    // function only when both are: p² of the year, at 1000 an hour. Events
    // are counted in full in the year they start, so the year's edges lose
    // a little overlap (at most 2d/year ≈ 0.3 %).
    let d = 12.0 * 3600.0;
    let p = 1.0 - (-20.0 * d / YEAR as f64).exp();
    let exact = p * p * YEAR as f64 / 3600.0 * 1000.0;
    let f = &risk.functions[0];
    let se = f.loss.standard_error;
    assert!(
        (f.loss.mean - exact).abs() < 4.0 * se + 0.005 * exact,
        "{} vs {exact} ± {se}",
        f.loss.mean
    );
    // Only joint stops cost anything, shared by the two.
    assert!((f.joint - f.loss.mean).abs() < 1e-6 * exact);
    assert_eq!(f.contributions.len(), 2);
    assert!((f.contributions[0].1 - f.contributions[1].1).abs() < 1e-6 * exact);
}

#[test]
fn the_same_seed_gives_the_same_numbers_on_any_number_of_threads() {
    let (_dir, loaded) = landscape(&[("l.yaml", TWO_BEHIND_ANY_OF)]);
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let (models, _) = failure_models(catalog, today());
    let run = |seed, threads| {
        simulate(
            catalog,
            &graph,
            &models,
            &Settings {
                samples: 3_000,
                years: 1,
                seed,
                threads,
                detail: 3_000,
            },
        )
    };
    let a = run(5, 1);
    assert_eq!(a, run(5, 2));
    assert_ne!(a.total, run(6, 2).total);
}

/// The per-function figures of a long run come from its first periods:
/// exactly what a run of only those periods gives; the total uses them all.
#[test]
fn the_function_breakdown_comes_from_the_first_periods() {
    let (_dir, loaded) = landscape(&[("l.yaml", TWO_BEHIND_ANY_OF)]);
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let (models, _) = failure_models(catalog, today());
    let run = |samples, detail| {
        simulate(
            catalog,
            &graph,
            &models,
            &Settings {
                samples,
                years: 1,
                seed: 9,
                threads: 2,
                detail,
            },
        )
    };
    let long = run(4_000, 1_000);
    let short = run(1_000, 1_000);
    assert_eq!(long.detailed, 1_000);
    assert_eq!(long.functions, short.functions);
    assert_eq!(long.totals[..1_000], short.totals[..]);
    assert_eq!(long.totals.len(), 4_000);
    assert_ne!(long.total, short.total);
    // Without a breakdown the total is the same.
    assert_eq!(run(4_000, 0).total, long.total);
}

#[test]
fn an_action_is_measured_on_the_same_years() {
    let config = r#"
[risk]
currency = "EUR"

[[risk.action]]
name = "third-carrier"
yearly-cost = 1000
[[risk.action.alternative]]
at = "businessfunction:shipping"
on = "supplier:carrier-a"
add = ["supplier:carrier-c"]

[[risk.action]]
name = "faster-a"
yearly-cost = 500
[[risk.action.supplier]]
ref = "supplier:carrier-a"
max-outage = "1h"
"#;
    let carrier_c = "---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata: { name: carrier-c }\nspec: { type: saas }\n";
    let text = format!("{TWO_BEHIND_ANY_OF}{carrier_c}");
    let (_dir, loaded) = landscape(&[("l.yaml", &text), ("linchpin.toml", config)]);
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let (models, _) = failure_models(catalog, today());
    let settings = Settings {
        samples: 4_000,
        years: 1,
        seed: 3,
        threads: 2,
        detail: 4_000,
    };
    let base = simulate(catalog, &graph, &models, &settings);
    let actions = &loaded.config.risk.actions;
    assert_eq!(actions.len(), 2);
    let values = weigh_actions(catalog, &graph, &models, actions, &base, &settings).unwrap();
    // A third carrier that never fails ends every stop: the whole loss.
    let third = values.iter().find(|v| v.index == 0).unwrap();
    assert!(third.loss.mean == 0.0, "{:?}", third.loss);
    assert!((third.reduction - base.total.mean).abs() < 1e-6);
    // Capping carrier A's outages at 1 h leaves short overlaps only.
    let faster = values.iter().find(|v| v.index == 1).unwrap();
    assert!(faster.reduction > 0.5 * base.total.mean, "{faster:?}");
    assert!(faster.reduction < base.total.mean);
    // Best value per cost first.
    assert!(values[0].per_cost >= values[1].per_cost);

    // An action naming what does not exist is refused with its position.
    let mut broken = actions.clone();
    broken[0].alternatives[0].add[0].value = "supplier:carrier-x".into();
    let problems = weigh_actions(catalog, &graph, &models, &broken, &base, &settings).unwrap_err();
    assert!(problems[0].message.contains("carrier-x"), "{problems:?}");
    assert!(problems[0].span.line > 1);
}
