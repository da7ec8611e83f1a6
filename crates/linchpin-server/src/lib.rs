//! The team server behind `linchpin serve`: a live dashboard of the
//! landscape (server-rendered HTML that works without JavaScript), the HTTP
//! API `/api/v1` with its OpenAPI document, the history of landscape
//! versions, and the continuity workflow — on SQLite or PostgreSQL.
//!
//! The landscape files stay the truth: the server reads them, watches them,
//! and turns reviewed statements into patches to them.
#![deny(clippy::disallowed_methods)]
#![recursion_limit = "512"]

pub mod access;
pub mod api;
pub mod app;
pub mod charts;
pub mod db;
pub mod html;
pub mod openapi;
pub mod pages;
pub mod server;
pub mod snapshot;
pub mod workflow;

pub use app::{app, shared, AppState, Settings, Today};
pub use server::{create_token, prepare, reload, serve, ServeOptions};
