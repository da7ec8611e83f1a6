//! The landscape model: what a Linchpin landscape *is*, independent of how it
//! was written down.
//!
//! - [`EntityRef`] and [`Kind`]: Backstage-style references in canonical form;
//! - [`Duration`] and [`Date`]: the only units of time the model knows;
//! - [`Entity`] with its kind-specific [`Spec`]: the Backstage kinds and
//!   Linchpin's own (BusinessFunction, Supplier, Scenario);
//! - [`Catalog`]: every entity, indexed by reference, with its resolved
//!   [`Dependency`] edges — declared, qualified by the `dependencyImpact`
//!   overlay, and implicit (APIs, systems).
//!
//! **Invariant:** this crate does no I/O and never reads the clock; `today`
//! is always a parameter.
#![deny(clippy::disallowed_methods)]

mod catalog;
pub mod config;
mod entity;
mod refs;
mod risk;
mod time;

pub use catalog::{Catalog, DepTarget, Dependency, EdgeOrigin, EntityId};
pub use config::Config;
pub use entity::*;
pub use refs::{EntityRef, Kind, RefError};
pub use risk::{
    Action, AddAlternative, Cost, CostStep, DurationDistribution, FailureData, Incident,
    RiskConfig, SupplierChange,
};
pub use time::{Date, DateError, Duration, DurationError};

pub use linchpin_diagnostics::{FileId, Span};

/// A value with the position it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its position.
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}
