//! HTTP: the router, who is asking, and the handlers of the API and the
//! pages. Handlers take what the request says, ask the domain, and answer
//! with JSON or with a view.

pub mod api;
pub mod auth;
pub mod calendar;
pub mod openapi;
pub mod pages;
pub mod reminders;
pub mod requests;
pub mod router;
