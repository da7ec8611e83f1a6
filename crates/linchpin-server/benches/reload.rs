//! The team server's reload after one changed file, as the watcher runs it
//! (docs/performance.md): the file cache keeps the other files, the last
//! snapshot lets the ranking propagate again only what the change can
//! reach; then the whole snapshot (findings, scenarios, concentration) is
//! built. Two changes: a comment (the text changes, nothing else) and a
//! supplier's RTO (its readiness, the findings and the ranking's
//! durations change). Run with `cargo bench -p linchpin-server`; set
//! `LINCHPIN_BENCH_SIZES=10000,100000` to choose sizes (default 10,000).
#![allow(clippy::disallowed_methods)] // the benchmark writes its landscapes

use criterion::{criterion_group, criterion_main, Criterion};
use linchpin_model::Date;
use linchpin_server::domain::snapshot::{build, Snapshot};
use linchpin_synth::{generate, Config};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn sizes() -> Vec<usize> {
    std::env::var("LINCHPIN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000])
}

/// The first file (in name order) below `dir/sub`.
fn first_in(dir: &Path, sub: &str) -> PathBuf {
    std::fs::read_dir(dir.join(sub))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .min()
        .unwrap()
}

fn bench_reload(c: &mut Criterion) {
    let mut group = c.benchmark_group("server reload");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    let today = Date::parse("2026-11-28").unwrap();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for size in sizes() {
        let dir = tempfile::tempdir().expect("temp dir");
        linchpin_synth::write_files(&generate(&Config::new(size)), dir.path()).unwrap();
        let mut cache = linchpin_loader::FileCache::default();
        let mut last: Snapshot =
            build(dir.path(), today, threads, None, Some(&mut cache)).expect("a valid landscape");
        let mut turn = 0u64;

        let teams = first_in(dir.path(), "teams");
        let original = std::fs::read_to_string(&teams).unwrap();
        group.bench_function(format!("{size} entities, a comment added"), |b| {
            b.iter(|| {
                turn += 1;
                std::fs::write(&teams, format!("{original}# change {turn}\n")).unwrap();
                let next = build(dir.path(), today, threads, Some(&last), Some(&mut cache))
                    .expect("a valid landscape");
                assert_ne!(next.version, last.version);
                std::mem::replace(&mut last, next)
            })
        });
        std::fs::write(&teams, &original).unwrap();

        // A supplier's RTO: a number its readiness and findings read.
        let suppliers = first_in(dir.path(), "suppliers");
        let original = std::fs::read_to_string(&suppliers).unwrap();
        assert!(original.contains("rto: "), "{}", suppliers.display());
        group.bench_function(format!("{size} entities, a supplier's RTO changed"), |b| {
            b.iter(|| {
                turn += 1;
                let text = original.replacen(
                    "rto: ",
                    &format!("rto: {}m\n    # was: ", 60 + turn % 50),
                    1,
                );
                std::fs::write(&suppliers, text).unwrap();
                let next = build(dir.path(), today, threads, Some(&last), Some(&mut cache))
                    .expect("a valid landscape");
                assert_ne!(next.version, last.version);
                std::mem::replace(&mut last, next)
            })
        });
        std::fs::write(&suppliers, &original).unwrap();
    }
    group.finish();
}

criterion_group!(benches, bench_reload);
criterion_main!(benches);
