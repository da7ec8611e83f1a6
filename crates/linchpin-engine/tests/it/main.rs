//! Engine tests: hand-computed cases as data (`tests/data/<case>/`), the
//! engine's laws as properties, and the example landscape.
#![allow(clippy::disallowed_methods)] // tests read their data from disk

mod bounded;
mod cases;
mod cutsets;
mod incremental;
mod laws;
mod reuse;
mod risk;
