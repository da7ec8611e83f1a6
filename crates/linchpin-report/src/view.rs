//! What every HTML page Linchpin writes shares — the report, the playbooks
//! and the server's dashboard: one stylesheet, one sort script, escaping
//! and safe links.

/// The one stylesheet of every page the project writes: the report, the
/// playbooks, and the dashboard (which adds only its own chrome: the
/// navigation bar, forms, banners).
pub const STYLE: &str = include_str!("../assets/style.css");

/// The one script of every page the project writes — the report, the
/// playbooks and the dashboard: it makes the tables of class `sortable`
/// sort by a click or a key on a heading (a cell's `data-sort` is its key).
/// The server names it by its hash in its Content-Security-Policy.
pub const SCRIPT: &str = include_str!("../assets/sort.js");

/// A link target the project may write into HTML or Markdown: `http`,
/// `https` or `mailto` only. A landscape is input like any other, and a
/// `javascript:` or `data:` link in it must never become a live link.
pub fn safe_href(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme = url.split_once(':')?.0.to_ascii_lowercase();
    let allowed = matches!(scheme.as_str(), "http" | "https" | "mailto");
    let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
    (allowed && clean).then_some(url)
}

/// Escapes text for HTML, exactly as the templates do (askama's escaper:
/// `&`, `<`, `>`, `"` as `&#34;`, `'` as `&#39;`).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a message and shows its `quoted` parts as code.
pub fn message(text: &str) -> String {
    let escaped = esc(text);
    let mut out = String::with_capacity(escaped.len());
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The templates' own filters (askama finds them as `filters` where a
/// template is defined: `use linchpin_report::view::filters;`).
pub mod filters {
    /// Text with its `quoted` parts as code, escaped ([`super::message`]).
    #[askama::filter_fn]
    pub fn code(
        text: impl std::fmt::Display,
        _: &dyn askama::Values,
    ) -> askama::Result<askama::filters::Safe<String>> {
        Ok(askama::filters::Safe(super::message(&text.to_string())))
    }
}
