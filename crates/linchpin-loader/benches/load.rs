//! Load + validate of synthetic landscapes (`linchpin-synth`), 1k to 100k
//! entities, as `linchpin check` does it: walk, read, parse, decode,
//! resolve; and the YAML readers alone on the same text (the fast reader
//! and the full parser); and a reload with one file changed, taking the
//! others from the last load's file cache (as the team server does). Run with `cargo bench -p linchpin-loader`; set
//! `LINCHPIN_BENCH_SIZES=1000,10000` to choose sizes.
#![allow(clippy::disallowed_methods)] // the benchmark writes its landscapes

use criterion::{criterion_group, criterion_main, Criterion};
use linchpin_diagnostics::FileId;
use linchpin_loader::yaml::{parse_documents, parse_documents_full, Limits};
use linchpin_loader::{load, load_reusing, FileCache, LoadOptions};
use linchpin_synth::{generate, Config};
use std::time::Duration;

fn sizes() -> Vec<usize> {
    std::env::var("LINCHPIN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000])
}

fn bench_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load+validate");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for size in sizes() {
        let dir = tempfile::tempdir().expect("temp dir");
        linchpin_synth::write_files(&generate(&Config::new(size)), dir.path()).unwrap();
        group.bench_function(format!("{size} entities"), |b| {
            // Dropping the catalog is left out of the timing, as `linchpin check`
            // exits without freeing it.
            b.iter_with_large_drop(|| {
                let loaded = load(dir.path(), &LoadOptions::default()).unwrap();
                assert_eq!(loaded.catalog.len(), size);
                loaded
            })
        });
        // One file changes between loads: the reload parses it alone.
        let mut cache = FileCache::default();
        load_reusing(dir.path(), &LoadOptions::default(), &mut cache).unwrap();
        let first = std::fs::read_dir(dir.path().join("teams"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .min()
            .unwrap();
        let mut turn = 0u64;
        group.bench_function(format!("{size} entities, reload, one file changed"), |b| {
            b.iter_with_large_drop(|| {
                turn += 1;
                let mut text = std::fs::read_to_string(&first).unwrap();
                text.push_str(&format!("# change {turn}\n"));
                std::fs::write(&first, text).unwrap();
                let loaded = load_reusing(dir.path(), &LoadOptions::default(), &mut cache).unwrap();
                assert_eq!(loaded.catalog.len(), size);
                loaded
            })
        });
    }
    group.finish();
}

fn bench_yaml(c: &mut Criterion) {
    let mut group = c.benchmark_group("yaml");
    group.sample_size(10);
    let files = generate(&Config::new(10_000));
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    group.throughput(criterion::Throughput::Bytes(bytes as u64));
    type Reader = for<'a> fn(
        &'a str,
        FileId,
        Limits,
        &mut Vec<linchpin_diagnostics::Diagnostic>,
    ) -> Vec<linchpin_loader::yaml::Node<'a>>;
    let readers: [(&str, Reader); 2] = [
        ("fast reader", parse_documents),
        ("full parser", parse_documents_full),
    ];
    for (name, read) in readers {
        group.bench_function(format!("{name}, 10000 entities"), |b| {
            b.iter(|| {
                let mut diagnostics = Vec::new();
                let mut nodes = 0;
                for f in &files {
                    nodes += read(&f.text, FileId(0), Limits::default(), &mut diagnostics).len();
                }
                assert_eq!(nodes, 10_000);
                nodes
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load, bench_yaml);
criterion_main!(benches);
