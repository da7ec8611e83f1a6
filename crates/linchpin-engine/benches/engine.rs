//! The engine on synthetic landscapes: `rank` (every supplier's single
//! failure, both modes), the readiness findings on a ranking, and one
//! `whatif`, after loading; the ranking after a one-edge change, afresh and
//! from the ranking before (`engine::incremental`). Sizes from
//! `LINCHPIN_BENCH_SIZES` (default 10000,100000).
#![allow(clippy::disallowed_methods)] // the benchmark writes its landscapes

use criterion::{criterion_group, criterion_main, Criterion};
use linchpin_engine::incremental::rank_after_change;
use linchpin_engine::{findings, rank, whatif, FailureSpec, ImpactGraph};
use linchpin_loader::{load, LoadOptions};
use linchpin_model::{Config as LandscapeConfig, Date, Duration, EntityRef, FailureMode, Kind};
use linchpin_synth::{generate, Config};

fn sizes() -> Vec<usize> {
    std::env::var("LINCHPIN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000])
}

fn bench_engine(c: &mut Criterion) {
    let today = Date::from_ymd(2026, 11, 26).unwrap();
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    for size in sizes() {
        let dir = tempfile::tempdir().unwrap();
        linchpin_synth::write_files(&generate(&Config::new(size)), dir.path()).unwrap();
        let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
        assert!(loaded.diagnostics.is_empty());
        let catalog = &loaded.catalog;
        group.bench_function(format!("graph {size}"), |b| {
            b.iter(|| ImpactGraph::new(catalog))
        });
        let graph = ImpactGraph::new(catalog);
        for threads in [1, 2] {
            group.bench_function(format!("rank {size}, {threads} thread(s)"), |b| {
                b.iter(|| rank(catalog, &graph, today, threads))
            });
        }
        // The findings after the ranking (`linchpin check` without
        // `--no-findings` pays for both).
        let ranking = rank(catalog, &graph, today, 2);
        let config = LandscapeConfig::default();
        group.bench_function(format!("findings {size}, after the ranking"), |b| {
            b.iter(|| findings(catalog, &graph, &ranking, &config, today, 2))
        });
        let cloud = catalog
            .lookup(&EntityRef::new(Kind::Supplier, "supplier-0"))
            .unwrap();
        let spec = FailureSpec {
            fail: vec![cloud],
            mode: FailureMode::Outage,
            duration: Some(Duration::parse("8h").unwrap()),
        };
        group.bench_function(format!("whatif {size} (a big cloud)"), |b| {
            b.iter(|| whatif(catalog, &graph, &spec))
        });
        // After a change of one file (one edge made hard): the ranking from
        // the one before, against ranking the changed landscape afresh.
        let changed = tempfile::tempdir().unwrap();
        let mut edited = false;
        for file in generate(&Config::new(size)) {
            let path = changed.path().join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let mut text = file.text;
            if !edited && text.contains("      impact: degraded\n") {
                text = text.replacen("      impact: degraded\n", "      impact: down\n", 1);
                edited = true;
            }
            std::fs::write(path, text).unwrap();
        }
        let head = load(changed.path(), &LoadOptions::default()).unwrap();
        let head_graph = ImpactGraph::new(&head.catalog);
        group.bench_function(
            format!("rank {size} after a one-edge change, afresh"),
            |b| b.iter(|| rank(&head.catalog, &head_graph, today, 2)),
        );
        group.bench_function(
            format!("rank {size} after a one-edge change, from the ranking before"),
            |b| {
                b.iter(|| {
                    rank_after_change(
                        catalog,
                        &graph,
                        &ranking,
                        &head.catalog,
                        &head_graph,
                        today,
                        2,
                    )
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_engine);
criterion_main!(benches);
