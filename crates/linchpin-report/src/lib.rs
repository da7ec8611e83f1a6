//! The continuity report: every analysis gathered once ([`Report::build`]),
//! then rendered for people ([`html`], [`markdown`]) and machines
//! ([`json`]).
//!
//! Pure: the catalog, the date and the settings come in, text comes out;
//! the binary writes it.
#![deny(clippy::disallowed_methods)]

pub mod contract;
mod data;
pub mod graph;
pub mod html;
mod json;
mod markdown;
mod picture;
pub mod playbook;
mod register;

pub use data::{Action, ActionGroup, Report, ScenarioRun, TimelineItem, TimelineKind};
pub use html::html;
pub use json::json;
pub use markdown::markdown;
pub use picture::{layout, reach_picture, Picture, PictureNode};
pub use register::register_csv;
