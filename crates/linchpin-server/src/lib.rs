//! The team server behind `linchpin serve`: a live dashboard of the
//! landscape (server-rendered HTML that works without JavaScript), the HTTP
//! API `/api/v1` with its OpenAPI document, the history of landscape
//! versions, and the continuity workflow — on SQLite or PostgreSQL.
//!
//! The landscape files stay the truth: the server reads them, watches them,
//! and turns reviewed statements into patches to them.
//!
//! Layers, each importing only those below it (ARCHITECTURE.md):
//! `server` (start, reload, watch) and `outbox` (reminders going out) → `http` (router, authentication,
//! handlers) → `views` (markup) → `domain` (state, rules, snapshot,
//! patches) → `access` and `db` (the access mode; storage).
#![deny(clippy::disallowed_methods)]
#![recursion_limit = "512"]

pub mod access;
pub mod db;
pub mod domain;
pub mod http;
pub mod outbox;
pub mod server;
pub mod views;

pub use domain::state::{shared, AppState, Environment, Settings, Today};
pub use http::router::app;
pub use server::{create_token, prepare, reload, serve, ServeOptions};
