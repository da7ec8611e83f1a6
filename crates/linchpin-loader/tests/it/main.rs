//! Integration tests of the loader: data-driven cases (`tests/data/<case>/`),
//! file-system cases built at run time, the resolved graph, and Backstage's
//! own example catalog.

#![allow(clippy::disallowed_methods)] // tests build landscapes on disk

mod cache;
mod corpus;
mod data;
mod fs_cases;
mod graph;
mod robustness;

use linchpin_diagnostics::{render_human, Counts, RenderOptions};
use linchpin_loader::Loaded;

/// The text a case's `expected.txt` holds: every diagnostic as a person sees
/// it, then a summary line.
pub fn snapshot(loaded: &Loaded) -> String {
    let mut out = String::new();
    for d in &loaded.diagnostics {
        out.push_str(&render_human(
            d,
            &loaded.sources,
            RenderOptions { color: false },
        ));
    }
    let counts = Counts::of(&loaded.diagnostics);
    out.push_str(&format!(
        "entities: {}, errors: {}, warnings: {}\n",
        loaded.catalog.len(),
        counts.errors,
        counts.warnings
    ));
    out
}
