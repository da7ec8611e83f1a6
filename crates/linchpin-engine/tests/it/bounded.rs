//! Every what-if answers quickly whatever the durations: the propagation's
//! work does not grow with duration ÷ switchover (it once climbed towards
//! the fixpoint one switchover per round, and a 90-day failure behind a
//! 10-minute mutual fallback never returned).

use linchpin_engine::{whatif, FailureSpec, ImpactGraph};
use linchpin_loader::{load, LoadOptions};
use linchpin_model::{Duration, FailureMode, Spec};
use linchpin_synth::{generate, Config};
use std::time::Instant;

#[test]
fn every_whatif_on_generated_landscapes_up_to_1000_entities_takes_at_most_50ms() {
    let durations = [
        Some(Duration::from_seconds(1)),
        Some(Duration::from_seconds(600)),
        Some(Duration::from_seconds(100 * 86_400)),
        Some(Duration::from_seconds(1_000_000 * 86_400)),
        None,
    ];
    let mut slowest = (0.0f64, String::new());
    let mut runs = 0;
    for (entities, seed) in [(200, 1), (500, 2), (1000, 3), (1000, 4)] {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            entities,
            seed,
            per_file: 100,
        };
        linchpin_synth::write_files(&generate(&config), dir.path()).unwrap();
        let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
        let catalog = &loaded.catalog;
        let graph = ImpactGraph::new(catalog);
        let suppliers: Vec<_> = catalog
            .iter()
            .filter(|(_, e)| matches!(e.spec, Spec::Supplier(_)))
            .map(|(id, _)| id)
            .collect();
        // Each supplier alone, and all of them at once.
        let mut sets: Vec<Vec<_>> = suppliers.iter().map(|&s| vec![s]).collect();
        sets.push(suppliers.clone());
        for fail in &sets {
            for (mode, duration) in durations
                .iter()
                .map(|&d| (FailureMode::Outage, d))
                .chain([(FailureMode::Permanent, None)])
            {
                let spec = FailureSpec {
                    fail: fail.clone(),
                    mode,
                    duration,
                };
                let start = Instant::now();
                let result = whatif(catalog, &graph, &spec);
                let seconds = start.elapsed().as_secs_f64();
                assert!(!result.functions.is_empty());
                runs += 1;
                if seconds > slowest.0 {
                    slowest = (
                        seconds,
                        format!(
                            "{entities} entities, seed {seed}, {} failed, {duration:?}",
                            fail.len()
                        ),
                    );
                }
            }
        }
    }
    assert!(
        slowest.0 <= 0.050,
        "the slowest of {runs} what-ifs took {:.1} ms ({})",
        slowest.0 * 1000.0,
        slowest.1
    );
}
