//! The markup of the dashboard: the page frame and the small pieces pages
//! share (links to entities, status cells, request tables, dates).
use axum::response::Html;
use linchpin_engine::whatif::Status;
use linchpin_engine::Dur;
use linchpin_model::{Catalog, Date, Duration, EntityId, Kind};
use std::fmt::Write as _;

use crate::access::Csrf;
use crate::db::Principal;
use crate::db::Request;
use crate::domain::snapshot::Rejected;
use crate::domain::snapshot::Snapshot;
use linchpin_report::view::esc;
use std::sync::OnceLock;

pub mod charts;

const STYLE: &str = r#"
:root { --ink:#1d2433; --muted:#5b6478; --line:#d9dee8; --down:#b3261e; --downbg:#f9dedc; --deg:#8a5300; --degbg:#fdebc8; --up:#1f6f43; --upbg:#e3f3e8; --accent:#2f5bd3; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--ink); background:#f6f7fb; }
header { background:#1d2433; color:#fff; padding:.6rem 1.2rem; display:flex; gap:1.2rem; align-items:center; flex-wrap:wrap; }
header a { color:#dfe6ff; text-decoration:none; } header a:hover { text-decoration:underline; }
header .brand { font-weight:700; color:#fff; margin-right:.6rem; }
header .who { margin-left:auto; color:#b8c2dc; font-size:.9em; }
header form { display:inline; }
main { max-width:1200px; margin:1.2rem auto; padding:0 1.2rem; }
h1 { font-size:1.5rem; margin:.2rem 0 1rem; } h2 { font-size:1.15rem; margin:1.6rem 0 .6rem; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(170px,1fr)); gap:.8rem; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.8rem 1rem; }
.card .n { font-size:1.7rem; font-weight:700; } .card .l { color:var(--muted); font-size:.9em; }
table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
th, td { text-align:left; padding:.4rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f7; font-weight:600; } th[data-sort] { cursor:pointer; }
.down { color:var(--down); background:var(--downbg); } .degraded { color:var(--deg); background:var(--degbg); } .up { color:var(--up); background:var(--upbg); }
.pill { display:inline-block; padding:0 .45rem; border-radius:999px; font-size:.85em; border:1px solid currentColor; }
.error { color:var(--down); } .warning { color:var(--deg); } .muted { color:var(--muted); }
.banner { background:var(--downbg); border:1px solid var(--down); padding:.7rem 1rem; border-radius:8px; margin-bottom:1rem; }
pre { background:#fff; border:1px solid var(--line); padding:.7rem; overflow:auto; font-size:.85em; }
form.inline { display:flex; gap:.5rem; flex-wrap:wrap; align-items:end; margin:.5rem 0; }
label { display:flex; flex-direction:column; font-size:.85em; color:var(--muted); gap:.15rem; }
input, select, textarea, button { font:inherit; padding:.3rem .45rem; border:1px solid var(--line); border-radius:6px; background:#fff; }
button { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
.chain { font-family:ui-monospace, monospace; font-size:.85em; }
svg { max-width:100%; height:auto; }
@media print { header { display:none; } }
"#;

/// The pages' one script: sortable tables (named by its hash in the CSP).
pub const SORT_SCRIPT: &str = r#"
document.querySelectorAll('th[data-sort]').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows), asc = th.dataset.dir !== 'asc';
    rows.sort(function (a, b) {
      var x = a.cells[i].dataset.v || a.cells[i].textContent, y = b.cells[i].dataset.v || b.cells[i].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    th.dataset.dir = asc ? 'asc' : 'desc';
    rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
  });
});
"#;

/// What every page frame needs.
pub struct Frame<'a> {
    /// Who is signed in.
    pub principal: Option<&'a Principal>,
    /// The CSRF value for forms.
    pub csrf: &'a Csrf,
    /// A newer version that could not be loaded.
    pub rejected: Option<&'a Rejected>,
    /// The version served.
    pub version: Option<&'a str>,
    /// Why the database cannot be written, if it cannot.
    pub database_problem: Option<String>,
}

/// A hidden CSRF field.
pub fn csrf_field(csrf: &Csrf) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(&csrf.0)
    )
}

/// A whole page.
pub fn page(title: &str, frame: &Frame<'_>, body: &str) -> Html<String> {
    let mut s = String::with_capacity(body.len() + 4096);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · Linchpin</title><style>{STYLE}</style></head><body><header><a class=\"brand\" href=\"/\">Linchpin</a><a href=\"/suppliers\">Suppliers</a><a href=\"/functions\">Functions</a><a href=\"/whatif\">What-if</a><a href=\"/findings\">Findings</a><a href=\"/requests\">Requests</a><a href=\"/trends\">Trends</a><a href=\"/report\">Report</a>",
        esc(title)
    );
    if let Some(p) = frame.principal {
        let _ = write!(
            s,
            "<span class=\"who\">{} · {}{}</span>",
            esc(&p.name),
            p.role.as_str(),
            frame
                .version
                .map(|v| format!(" · version {}", esc(v)))
                .unwrap_or_default()
        );
        if p.name != "local" {
            let _ = write!(
                s,
                "<form method=\"post\" action=\"/signout\">{}<button>Sign out</button></form>",
                csrf_field(frame.csrf)
            );
        }
    }
    s.push_str("</header><main>");
    if let Some(r) = frame.rejected {
        let _ = write!(
            s,
            "<div class=\"banner\"><strong>The landscape changed, but the new version has {} error(s)</strong>; the last valid version is still served. <a href=\"/status\">See the errors</a>.</div>",
            r.errors
        );
    }
    if let Some(problem) = &frame.database_problem {
        let _ = write!(
            s,
            "<div class=\"banner error\"><strong>The database cannot be written</strong>: {}. Changes are refused until it can; the landscape is still served. <a href=\"/status\">Status</a>.</div>",
            esc(problem)
        );
    }
    s.push_str(body);
    let _ = write!(s, "</main><script>{SORT_SCRIPT}</script></body></html>");
    Html(s)
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

pub(crate) fn name_of(c: &Catalog, id: EntityId) -> String {
    esc(c.entity(id).display_name())
}

/// A link to an entity's page where it has one.
pub fn link(c: &Catalog, id: EntityId) -> String {
    let e = c.entity(id);
    let name = url_encode(&e.entity_ref.name);
    match e.kind() {
        Kind::Supplier => format!(
            "<a href=\"/suppliers/{name}\">{}</a>",
            esc(e.display_name())
        ),
        Kind::BusinessFunction => format!(
            "<a href=\"/functions/{name}\">{}</a>",
            esc(e.display_name())
        ),
        _ => format!(
            "<span title=\"{}\">{}</span>",
            esc(&e.entity_ref.to_string()),
            esc(e.display_name())
        ),
    }
}

pub(crate) fn chain(c: &Catalog, path: &[EntityId]) -> String {
    path.iter()
        .map(|&id| link(c, id))
        .collect::<Vec<_>>()
        .join(" → ")
}

pub(crate) fn status_cell(s: Status) -> String {
    let class = s.as_str();
    format!("<td class=\"{class}\">{class}</td>")
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

/// One mode of a supplier's failure as a function sees it: how long it is
/// down (or impaired, with `cap` the reach's cap), and whether that breaches
/// its tolerance.
pub(crate) fn mode_cell(
    m: &linchpin_engine::rank::ModeImpact,
    function: EntityId,
    cap: Dur,
) -> String {
    let shown = m.duration.min(cap);
    if m.breaches.contains(&function) {
        format!("{shown} <span class=\"error\">— breach</span>")
    } else {
        shown.to_string()
    }
}

/// A duration as the pages show it: `—` when there is none.
pub(crate) fn duration_text(d: Option<&linchpin_model::Spanned<Duration>>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.value.to_string())
}

pub(crate) fn supplier_link(s: Option<&Snapshot>, supplier: &str) -> String {
    let name = supplier.rsplit('/').next().unwrap_or(supplier);
    let title = s
        .and_then(|s| s.find(&Kind::Supplier, name))
        .map(|id| {
            s.map(|s| s.loaded.catalog.entity(id).display_name().to_owned())
                .unwrap_or_default()
        })
        .unwrap_or_else(|| supplier.to_owned());
    format!(
        "<a href=\"/suppliers/{}\">{}</a>",
        url_encode(name),
        esc(&title)
    )
}

/// A team's display name (its ref when the landscape no longer has it).
pub(crate) fn team_name(s: Option<&Snapshot>, team: Option<&str>) -> String {
    let Some(team) = team else {
        return String::new();
    };
    let name = team.rsplit('/').next().unwrap_or(team);
    s.and_then(|s| {
        s.find(&Kind::Group, name)
            .map(|id| s.loaded.catalog.entity(id).display_name().to_owned())
    })
    .unwrap_or_else(|| team.to_owned())
}

/// Requests as an HTML table.
pub fn table(s: Option<&Snapshot>, requests: &[Request], today: Date) -> String {
    let mut b = String::from("<table><thead><tr><th data-sort>#</th><th data-sort>supplier</th><th data-sort>kind</th><th data-sort>due</th><th data-sort>status</th><th>team</th></tr></thead><tbody>");
    for r in requests {
        let st = r.shown_status(today);
        let _ = write!(
            b,
            "<tr><td><a href=\"/requests/{0}\">#{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td class=\"{4}\">{5}</td><td>{6}</td></tr>",
            r.id,
            supplier_link(s, &r.supplier),
            r.kind,
            esc(&r.due),
            if st == "overdue" { "error" } else { "" },
            esc(st),
            esc(&team_name(s, r.team.as_deref()))
        );
    }
    b.push_str("</tbody></table>");
    b
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
        let hashes: Vec<String> = [SORT_SCRIPT, linchpin_report::html::SCRIPT]
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
