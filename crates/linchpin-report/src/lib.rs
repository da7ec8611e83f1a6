//! The continuity report: every analysis gathered once ([`Report::build`]),
//! then rendered for people ([`html`], [`markdown`]) and machines
//! ([`json`]).
//!
//! Pure: the catalog, the date and the settings come in, text comes out;
//! the binary writes it.
#![deny(clippy::disallowed_methods)]

pub mod calendar;
pub mod contract;
pub mod csv;
mod data;
pub mod diff;
pub mod graph;
pub mod html;
mod json;
mod markdown;
mod picture;
pub mod playbook;
mod register;
pub mod risk;
pub mod view;

pub use data::{timeline, Action, ActionGroup, Report, ScenarioRun, TimelineItem, TimelineKind};
pub use html::html;
pub use json::json;
pub use markdown::markdown;
pub use picture::{layout, reach_picture, Picture, PictureNode};
pub use register::{register_csv, supplier_columns};

/// A function's explanation in one line: its chain to a failed entity,
/// then each fallback on it, entities named by `name` (which escapes for
/// its format).
pub fn explanation(
    f: &linchpin_engine::FunctionImpact,
    name: impl Fn(linchpin_model::EntityId) -> String,
) -> String {
    let mut out = f
        .path
        .iter()
        .map(|&id| name(id))
        .collect::<Vec<_>>()
        .join(" → ");
    for fb in &f.fallbacks {
        out.push_str("; ");
        out.push_str(&fb.describe(&name));
    }
    out
}
