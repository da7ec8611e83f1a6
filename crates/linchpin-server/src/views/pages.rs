//! The dashboard's pages as templates (`templates/`): each page is its
//! data, gathered by its handler, and a template that writes it — escaped
//! unless a value is markup the views made.

use crate::db::TokenInfo;
use crate::domain::snapshot::{Rejected, Snapshot};
use crate::views::Frame;

/// `/status`: the served version, a rejected newer one, the database.
#[derive(askama::Template)]
#[template(path = "status.html")]
pub struct StatusPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// The version served.
    pub served: Option<&'a Snapshot>,
    /// The newest version, if it could not be served.
    pub rejected: Option<&'a Rejected>,
}

/// `/tokens`: every token, a new one's secret once, the form for another.
#[derive(askama::Template)]
#[template(path = "tokens.html")]
pub struct TokensPage<'a> {
    /// The page title.
    pub title: &'a str,
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// Every token.
    pub tokens: &'a [TokenInfo],
    /// The token just made: its holder and its secret.
    pub made: Option<(&'a str, &'a str)>,
}
