//! The markup of the dashboard: the page frame and the small pieces pages
//! share (links to entities, status cells, request tables, dates).
use axum::response::Html;
use linchpin_model::{Catalog, Duration, EntityId, Kind};

use crate::access::Csrf;
use crate::db::Principal;
use crate::domain::snapshot::Rejected;
use linchpin_report::view::esc;
use std::sync::OnceLock;

pub mod charts;
pub mod mail;
pub mod pages;
pub mod requests;

/// What the dashboard adds to the project's one stylesheet
/// (`linchpin_report::view::STYLE`): its navigation bar, forms and banners.
const DASHBOARD_STYLE: &str = include_str!("../../assets/dashboard.css");

/// The pages' one script: sortable tables (named by its hash in the CSP).
pub const SORT_SCRIPT: &str = linchpin_report::view::SCRIPT;

/// What every page frame needs.
pub struct Frame<'a> {
    /// Who is signed in.
    pub principal: Option<&'a Principal>,
    /// The CSRF value for forms.
    pub csrf: &'a Csrf,
    /// A newer version that could not be loaded (its banner).
    pub rejected: Option<Rejected>,
    /// The version served.
    pub version: Option<&'a str>,
    /// Why the database cannot be written, if it cannot.
    pub database_problem: Option<String>,
}

/// A template as the response body. Rendering writes to memory and fails
/// only on a template's own bug, which the tests would show; the page then
/// says so instead of the server failing.
pub fn html(t: &impl askama::Template) -> Html<String> {
    Html(t.render().unwrap_or_else(|e| {
        format!(
            "<!DOCTYPE html>\n<title>Linchpin</title><p>This page could not be drawn: {}",
            esc(&e.to_string())
        )
    }))
}

/// The stylesheet and the script every page carries (for the templates).
pub struct Assets;

impl Assets {
    /// The project's stylesheet.
    pub fn style(&self) -> &'static str {
        linchpin_report::view::STYLE
    }
    /// The dashboard's additions.
    pub fn dashboard_style(&self) -> &'static str {
        DASHBOARD_STYLE
    }
    /// The sort script.
    pub fn script(&self) -> &'static str {
        SORT_SCRIPT
    }
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    /// Everything but RFC 3986's unreserved characters.
    const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

/// A date and time (UTC) from seconds since the epoch.
pub fn datetime(secs: i64) -> String {
    let epoch = linchpin_model::Date::from_ymd(1970, 1, 1).expect("a real date");
    let d = epoch.add_days(secs.div_euclid(86_400) as i32);
    let rest = secs.rem_euclid(86_400);
    format!("{d} {:02}:{:02} UTC", rest / 3600, rest % 3600 / 60)
}

/// A link to an entity's page where it has one (its name and ref
/// otherwise): markup the views make, for the templates to place.
pub fn link(c: &Catalog, id: EntityId) -> String {
    let e = c.entity(id);
    let page = match e.kind() {
        Kind::Supplier => Some("suppliers"),
        Kind::BusinessFunction => Some("functions"),
        _ => None,
    };
    askama::Template::render(&Link {
        page,
        name: &e.entity_ref.name,
        reference: e.entity_ref.to_string(),
        title: e.display_name(),
    })
    .unwrap_or_default()
}

#[derive(askama::Template)]
#[template(path = "link.html")]
struct Link<'a> {
    page: Option<&'static str>,
    name: &'a str,
    reference: String,
    title: &'a str,
}

/// A chain of entities, each a link.
pub(crate) fn chain(c: &Catalog, path: &[EntityId]) -> String {
    path.iter()
        .map(|&id| link(c, id))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// `StatementExpires` → `statement expires`.
pub(crate) fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A duration as the pages show it: `—` when there is none.
pub(crate) fn duration_text(d: Option<&linchpin_model::Spanned<Duration>>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.value.to_string())
}

/// The Content-Security-Policy of every HTML response: nothing loads from
/// anywhere; the only scripts that run are the project's own inline ones,
/// named by their SHA-256; styles inline (the pages and pictures are
/// self-contained); forms post only to this server; no framing.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hashes: Vec<String> = [SORT_SCRIPT]
            .iter()
            .map(|script| {
                let digest = sha2::Sha256::digest(script.as_bytes());
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        format!(
            "default-src 'none'; script-src {}; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            hashes.join(" ")
        )
    })
}
