//! The impact engine: what happens to the business when entities fail, and
//! which suppliers matter most.
//!
//! - [`ImpactGraph`]: the catalog's edges in compact arrays with cycles
//!   collapsed into components, in evaluation order;
//! - [`Propagator`]: failure propagation over time, the least fixpoint of
//!   docs/engine.md ("Failure semantics"), computed only over the failures' reach;
//! - [`whatif()`]: every business function's status, downtime, breach and
//!   explanation chain for a set of failures;
//! - [`rank()`]: every supplier's single failure in both modes, tiered;
//! - [`concentration()`]: each supplier's and country's share of the
//!   critical and important functions, direct and through fourth parties;
//! - [`cut_sets()`]: minimal sets of suppliers that jointly stop each
//!   critical function.
//!
//! **Invariant:** pure. No I/O, no clock: `today` is a parameter.
#![deny(clippy::disallowed_methods)]

pub mod batch;
pub mod concentration;
pub mod cutsets;
mod cycle;
mod dur;
mod families;
pub mod findings;
mod graph;
pub mod incremental;
mod propagate;
pub mod rank;
pub mod readiness;
pub mod risk;
pub mod whatif;

pub use concentration::{concentration, concentration_from_ranking, Concentration};
pub use cutsets::{cut_sets, FunctionCutSets};
pub use dur::Dur;
pub use findings::{findings, findings_given, Finding};
pub use graph::{Edge, ImpactGraph};
pub use propagate::{Propagator, State};
pub use rank::{rank, rank_reusing, SupplierRank};
pub use whatif::{whatif, FailureSpec, Fallback, FunctionImpact, Status, WhatIf};
