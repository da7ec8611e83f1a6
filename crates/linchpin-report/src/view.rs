//! What every HTML page Linchpin writes shares — the report, the playbooks
//! and the server's dashboard: one stylesheet, one sort script, escaping
//! and safe links.

/// The report's style sheet, shared by the playbook pages.
pub const STYLE: &str = r#"
:root { --down:#b3261e; --degraded:#b26a00; --up:#2e7d32; --ink:#1c1b1f; --muted:#5f6368; --line:#d9d9de; --bg:#fafafa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); margin: 0; background: #fff; }
header { background: #1f2a44; color: #fff; padding: 24px 32px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: #cfd6e6; }
nav { background: #eef1f7; padding: 8px 32px; position: sticky; top: 0; z-index: 2; border-bottom: 1px solid var(--line); }
nav a { margin-right: 16px; color: #1f2a44; text-decoration: none; font-weight: 600; font-size: 14px; }
main { padding: 8px 32px 48px; max-width: 1400px; }
section { margin-top: 32px; }
h2 { font-size: 21px; border-bottom: 2px solid #1f2a44; padding-bottom: 4px; }
h3 { font-size: 17px; margin: 24px 0 8px; }
p.lead { color: var(--muted); margin-top: -4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--bg); }
.card .big { font-size: 30px; font-weight: 700; line-height: 1.2; }
.card .label { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f7; font-weight: 600; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.tier { display: inline-block; min-width: 22px; text-align: center; border-radius: 4px; font-weight: 700; color: #fff; }
.tier-1 { background: var(--down); } .tier-2 { background: var(--degraded); } .tier-3 { background: #6b7280; } .tier-4 { background: #a3a3a3; }
.down { color: var(--down); font-weight: 600; } .degraded { color: var(--degraded); font-weight: 600; } .ok { color: var(--up); font-weight: 600; }
.bad { color: var(--down); } .warn { color: var(--degraded); }
.matrix { overflow-x: auto; }
.matrix table { width: auto; }
.matrix th.sup { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 500; padding: 6px 2px; }
.matrix td.cell { text-align: center; width: 26px; padding: 2px; font-size: 13px; }
.matrix td.c-down { background: #f4c7c3; color: var(--down); } .matrix td.c-degraded { background: #fde7b0; color: var(--degraded); } .matrix td.c-up { color: #c4c4c4; }
.bar { position: relative; height: 16px; background: #eceff4; border-radius: 3px; min-width: 180px; }
.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 3px; }
.bar .fill.down { background: var(--down); } .bar .fill.degraded { background: var(--degraded); } .bar .fill.direct { background: #1f2a44; } .bar .fill.hidden { background: repeating-linear-gradient(45deg, #7c8db5, #7c8db5 4px, #b7c3de 4px, #b7c3de 8px); }
.bar .fill.inf { background: repeating-linear-gradient(45deg, var(--down), var(--down) 6px, #e57373 6px, #e57373 12px); }
.bar .tol { position: absolute; top: -3px; bottom: -3px; width: 3px; background: #111; }
.chain { color: var(--muted); font-size: 13px; }
.legend { font-size: 13px; color: var(--muted); }
.check { white-space: nowrap; }
ul.actions { padding-left: 20px; } ul.actions li { margin: 3px 0; }
.sev { font-size: 12px; font-weight: 700; padding: 1px 6px; border-radius: 3px; border: 1px solid; }
.sev-error { color: var(--down); border-color: var(--down); } .sev-warning { color: var(--degraded); border-color: var(--degraded); } .sev-info { color: var(--muted); border-color: var(--muted); }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 90%; background: #f1f3f6; padding: 0 3px; border-radius: 3px; }
svg.reach { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
details { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; margin: 6px 0; }
details summary { cursor: pointer; font-weight: 600; }
article.playbook th[scope="row"] { width: 220px; background: var(--bg); }
footer { color: var(--muted); font-size: 13px; padding: 16px 32px; border-top: 1px solid var(--line); }
@media print { nav { display: none; } header { background: #fff; color: #000; } header p { color: #333; } section { break-inside: avoid-page; } a { color: inherit; text-decoration: none; } }
"#;

/// The report's one script: sortable tables (a server names it by its
/// hash in its Content-Security-Policy).
pub const SCRIPT: &str = r#"
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.setAttribute('tabindex', '0');
    var sort = function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[column];
        var v = cell.getAttribute('data-sort');
        if (v === null) { v = cell.textContent.trim(); }
        var n = parseFloat(v);
        return isNaN(n) || !/^-?[0-9.]+$/.test(v) ? v.toLowerCase() : n;
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var r = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
        return ascending ? r : -r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
  });
});
"#;

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

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
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
