//! The dashboard's pages (server-rendered HTML that works without
//! JavaScript): overview, status, suppliers, functions, what-if, findings,
//! trends, audit, tokens, sign-in.

use crate::views::duration_text;
use crate::views::mode_cell;
use crate::views::name_of;
use crate::views::pages::{StatusPage, TokensPage};
use crate::views::status_cell;
use crate::views::words;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use linchpin_diagnostics::Severity;
use linchpin_engine::whatif::{failure_duration, whatif_with, Status};
use linchpin_engine::Propagator;
use linchpin_model::{EntityId, FailureMode, Kind, Spec};
use serde::Deserialize;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::access::check_csrf;
use crate::access::Csrf;
use crate::db::Principal;
use crate::db::Role;
use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::snapshot::ready_count;
use crate::domain::snapshot::tier_counts;
use crate::domain::snapshot::Snapshot;
use crate::domain::state::require;
use crate::domain::state::snapshot;
use crate::domain::whatif::failure_spec;
use crate::domain::whatif::parse_whatif_query;
use crate::http::auth::SESSION_COOKIE;
use crate::views::chain;
use crate::views::csrf_field;
use crate::views::datetime;
use crate::views::link;
use crate::views::page;
use crate::views::url_encode;
use crate::views::Frame;
use crate::AppState;
use linchpin_report::view::esc;
use linchpin_report::view::message;

/// A page in the frame, with the banner of a rejected newer version.
pub fn render(
    state: &crate::domain::state::Shared,
    title: &str,
    principal: Option<&Principal>,
    csrf: &Csrf,
    s: Option<&Snapshot>,
    body: &str,
) -> Html<String> {
    let rejected = state.rejected();
    page(
        title,
        &frame(state, principal, csrf, rejected.as_ref(), s),
        body,
    )
}

pub(crate) fn frame<'a>(
    state: &crate::domain::state::Shared,
    principal: Option<&'a Principal>,
    csrf: &'a Csrf,
    rejected: Option<&'a crate::domain::snapshot::Rejected>,
    s: Option<&'a Snapshot>,
) -> Frame<'a> {
    Frame {
        principal,
        csrf,
        rejected,
        version: s.map(|s| s.version.as_str()),
        database_problem: state.database_problem(),
    }
}

/// `/`: the overview.
pub async fn overview(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    let rejected = state.rejected();
    let Some(s) = state.current() else {
        let body = "<h1>No landscape yet</h1><p>The landscape has not loaded without errors yet. <a href=\"/status\">See why</a>.</p>";
        return Ok(page(
            "Overview",
            &frame(&state, Some(&p), &csrf, rejected.as_ref(), None),
            body,
        ));
    };
    let c = &s.loaded.catalog;
    let tiers = tier_counts(&s);
    let (ready, of) = ready_count(&s);
    let functions = c.of_kind(&Kind::BusinessFunction).count();
    let errors = s
        .report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let today = state.today();
    let overdue = state
        .count_requests(&crate::db::RequestFilter {
            status: Some("overdue".into()),
            today: today.to_string(),
            ..Default::default()
        })
        .await?;
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>Overview</h1><p class=\"muted\">Landscape version {} {}· judged on {}</p><div class=\"cards\">\
<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">suppliers</div></div>\
<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">business functions</div></div>\
<div class=\"card\"><div class=\"n down\">{}</div><div class=\"l\">tier 1 — linchpins</div></div>\
<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">tier 2</div></div>\
<div class=\"card\"><div class=\"n\">{ready}/{of}</div><div class=\"l\">tier 1–2 ready</div></div>\
<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">findings ({errors} errors)</div></div>\
<div class=\"card\"><div class=\"n{}\">{overdue}</div><div class=\"l\"><a href=\"/requests?view=due\">requests overdue</a></div></div></div>",
        esc(&s.version),
        s.commit.as_deref().map(|c| format!("(commit {}) ", esc(&c[..c.len().min(12)]))).unwrap_or_default(),
        s.today,
        s.report.ranking.len(),
        functions,
        tiers[0],
        tiers[1],
        s.report.findings.len(),
        if overdue > 0 { " error" } else { "" },
    );
    // Everything below the cards depends on the version and the day only:
    // rendered once per version and day, then shared.
    let rest = state.cached(&s.version, &format!("overview:{}", s.today), || {
        let mut b = String::new();
        b.push_str("<h2>The linchpins</h2><table><thead><tr><th>supplier</th><th>stops</th><th>degrades</th><th>breaches</th><th>statement</th><th>exit</th></tr></thead><tbody>");
        for r in s.report.ranking.iter().filter(|r| r.tier == 1).take(25) {
            let mut breaches: Vec<EntityId> = r
                .outage
                .breaches
                .iter()
                .chain(&r.permanent.breaches)
                .copied()
                .collect();
            breaches.sort();
            breaches.dedup();
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                link(c, r.id),
                r.stops
                    .iter()
                    .map(|x| link(c, x.function))
                    .collect::<Vec<_>>()
                    .join(", "),
                r.degrades
                    .iter()
                    .map(|x| link(c, x.function))
                    .collect::<Vec<_>>()
                    .join(", "),
                breaches
                    .iter()
                    .map(|&x| link(c, x))
                    .collect::<Vec<_>>()
                    .join(", "),
                esc(&r.readiness.statement.describe()),
                esc(&r.readiness.exit.describe()),
            );
        }
        b.push_str("</tbody></table>");
        b.push_str("<h2>Worst breaches</h2><table><thead><tr><th>scenario</th><th>function</th><th>down</th><th>tolerance</th></tr></thead><tbody>");
        let mut worst: Vec<_> = s
            .report
            .scenarios
            .iter()
            .flat_map(|sc| {
                sc.result
                    .functions
                    .iter()
                    .filter(|f| f.breach)
                    .map(move |f| (sc, f))
            })
            .collect();
        worst.sort_by_key(|(_, f)| (f.criticality, std::cmp::Reverse(f.down)));
        for (sc, f) in worst.iter().take(10) {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=\"down\">{}</td><td>{}</td></tr>",
                esc(&sc.title),
                link(c, f.id),
                f.down,
                f.tolerance
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into())
            );
        }
        if worst.is_empty() {
            b.push_str("<tr><td colspan=\"4\">No scenario breaches a tolerance.</td></tr>");
        }
        b.push_str("</tbody></table>");
        b.push_str("<h2>Next 12 months</h2><table><thead><tr><th>date</th><th>what</th><th>supplier</th></tr></thead><tbody>");
        for t in s.report.timeline.iter().take(15) {
            let _ = write!(
                b,
                "<tr><td class=\"{}\">{}</td><td>{}{}</td><td>{}</td></tr>",
                if t.overdue { "error" } else { "" },
                t.date,
                words(&format!("{:?}", t.kind)),
                t.detail
                    .as_deref()
                    .map(|d| format!(" ({})", esc(d)))
                    .unwrap_or_default(),
                link(c, t.supplier)
            );
        }
        b.push_str("</tbody></table><p><a href=\"/report\">The full report</a> · <a href=\"/api/v1/openapi.json\">API</a> · <a href=\"/audit\">Audit log</a> · <a href=\"/tokens\">Tokens</a></p>");
        b
    });
    b.push_str(&rest);
    Ok(page(
        "Overview",
        &frame(&state, Some(&p), &csrf, rejected.as_ref(), Some(&s)),
        &b,
    ))
}

/// `/status`: the served version and the errors of a rejected newer one.
pub async fn status(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> Html<String> {
    let s = state.current();
    let rejected = state.rejected();
    crate::views::html(&StatusPage {
        title: "Status",
        frame: &frame(&state, Some(&p), &csrf, None, s.as_deref()),
        served: s.as_deref(),
        rejected: rejected.as_ref(),
    })
}

/// `/report`: the full continuity report of the served version.
pub async fn report(State(state): State<AppState>) -> AppResult<Response> {
    let s = snapshot(&state)?;
    let cached = state.report_html.read().ok().and_then(|c| {
        c.as_ref()
            .filter(|(v, _)| *v == s.version)
            .map(|(_, h)| h.clone())
    });
    let html = match cached {
        Some(h) => h,
        None => {
            let s2 = s.clone();
            let h = tokio::task::spawn_blocking(move || {
                Arc::new(linchpin_report::html(&s2.report, &s2.loaded.catalog))
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
            if let Ok(mut c) = state.report_html.write() {
                *c = Some((s.version.clone(), h.clone()));
            }
            h
        }
    };
    Ok(Html((*html).clone()).into_response())
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /signin`.
pub async fn signin_form(
    State(state): State<AppState>,
    Extension(csrf): Extension<Csrf>,
    Query(q): Query<NextQuery>,
) -> Html<String> {
    let next = q
        .next
        .as_deref()
        .and_then(crate::access::safe_next)
        .unwrap_or("/")
        .to_owned();
    let b = format!(
        "<h1>Sign in</h1><p>Paste an API token (an admin makes one with <code>linchpin serve --create-token NAME --role ROLE</code>).</p>\
<form method=\"post\" action=\"/signin\" class=\"inline\">{}<input type=\"hidden\" name=\"next\" value=\"{}\"><label>Token<input type=\"password\" name=\"token\" size=\"60\" autocomplete=\"off\" required></label><button>Sign in</button></form>",
        csrf_field(&csrf),
        esc(&next)
    );
    page(
        "Sign in",
        &frame(&state, None, &csrf, state.rejected().as_ref(), None),
        &b,
    )
}

#[derive(Deserialize)]
pub struct SigninForm {
    token: String,
    next: Option<String>,
    csrf: String,
}

/// `POST /signin`: a session cookie for a valid token.
pub async fn signin(
    State(state): State<AppState>,
    Extension(csrf): Extension<Csrf>,
    Form(f): Form<SigninForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    // Where to go next is settled before anything is stored: a value that
    // could leave this server, or not fit a header, sends to the overview.
    let next = f
        .next
        .as_deref()
        .and_then(crate::access::safe_next)
        .unwrap_or("/")
        .to_owned();
    let Some((id, p)) = state.db.principal_of_token(f.token.trim()).await? else {
        return Err(AppError::Forbidden(
            "that token is not valid (or was revoked)".into(),
        ));
    };
    let session = state
        .db
        .create_session(id, &p.name, state.now(), 12 * 3600)
        .await?;
    let mut r = Redirect::to(&next).into_response();
    let cookie = format!(
        "{SESSION_COOKIE}={session}; {}; Max-Age=43200",
        crate::access::cookie_attributes(state.settings.public_url.as_ref())
    );
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(r)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /signout`.
pub async fn signout(
    State(state): State<AppState>,
    Extension(csrf): Extension<Csrf>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    if let Some(s) = crate::http::auth::cookie(&headers, SESSION_COOKIE) {
        state.db.end_session(&s).await?;
    }
    let mut r = Redirect::to("/signin").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "{SESSION_COOKIE}=; {}; Max-Age=0",
            crate::access::cookie_attributes(state.settings.public_url.as_ref())
        ))
        .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(r)
}

/// `/suppliers`: the ranking.
pub async fn suppliers(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    let mut b = String::from("<h1>Suppliers</h1><p class=\"muted\">Most critical first. Click a heading to sort.</p><table><thead><tr><th data-sort>tier</th><th data-sort>supplier</th><th data-sort>score</th><th>stops</th><th>degrades</th><th>statement</th><th>exit</th><th>owner</th></tr></thead><tbody>");
    for r in &s.report.ranking {
        let _ = write!(
            b,
            "<tr><td data-v=\"{}\">{}</td><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.tier,
            r.tier,
            link(c, r.id),
            r.score,
            r.stops.len(),
            r.degrades.len(),
            esc(&r.readiness.statement.describe()),
            esc(&r.readiness.exit.describe()),
            if r.readiness.owner { "yes" } else { "<span class=\"error\">none</span>" }
        );
    }
    b.push_str("</tbody></table>");
    Ok(render(&state, "Suppliers", Some(&p), &csrf, Some(&s), &b))
}

/// `/suppliers/{name}`: one supplier.
pub async fn supplier(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(name): Path<String>,
) -> AppResult<Html<String>> {
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    let (id, e) = found(&s, Kind::Supplier, &name, "supplier")?;
    let Spec::Supplier(sp) = &e.spec else {
        return Err(AppError::NotFound(format!("no supplier `{name}`")));
    };
    let today = state.today();
    let mut b = String::new();
    let r = s.rank(id);
    let _ = write!(
        b,
        "<h1>{}</h1><p class=\"muted\">{} · {} · {}{}</p>",
        esc(e.display_name()),
        esc(&e.entity_ref.to_string()),
        sp.supplier_type.as_str(),
        sp.country
            .as_ref()
            .map(|x| esc(&x.value))
            .unwrap_or_else(|| "country unknown".into()),
        r.map(|r| format!(
            " · <span class=\"pill {}\">tier {}</span>",
            if r.tier == 1 { "down" } else { "" },
            r.tier
        ))
        .unwrap_or_default()
    );
    if let Some(d) = &e.metadata.description {
        let _ = write!(b, "<p>{}</p>", esc(d));
    }
    if let Some(r) = r {
        b.push_str("<h2>What it can stop</h2><table><thead><tr><th data-sort>function</th><th data-sort>criticality</th><th data-sort>effect</th><th>tolerates</th><th>outage</th><th>permanent</th></tr></thead><tbody>");
        let rows = r
            .stops
            .iter()
            .map(|x| (x, "down", "stops", x.down_cap))
            .chain(
                r.degrades
                    .iter()
                    .map(|x| (x, "degraded", "degrades", x.impaired_cap)),
            );
        for (x, class, effect, cap) in rows {
            let f = x.function;
            let cell = |m| mode_cell(m, f, cap);
            let tolerance = match &c.entity(f).spec {
                Spec::BusinessFunction(bf) => duration_text(bf.max_tolerable_downtime.as_ref()),
                _ => duration_text(None),
            };
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=\"{class}\">{effect}</td><td>{tolerance}</td><td>{}</td><td>{}</td></tr>",
                link(c, f),
                x.criticality.as_str(),
                cell(&r.outage),
                cell(&r.permanent)
            );
        }
        if r.stops.is_empty() && r.degrades.is_empty() {
            b.push_str("<tr><td colspan=\"6\">No business function depends on it.</td></tr>");
        }
        let _ = write!(
            b,
            "</tbody></table><p>An outage lasts {} ({}); a permanent failure {} ({}).</p>",
            r.outage.duration,
            r.outage.source.as_str(),
            r.permanent.duration,
            r.permanent.source.as_str()
        );
        let _ = write!(
            b,
            "<h2>Readiness</h2><table><tbody><tr><th>continuity statement</th><td>{}</td></tr><tr><th>escrow</th><td>{}</td></tr><tr><th>exit plan</th><td>{}</td></tr><tr><th>alternatives</th><td>{}</td></tr><tr><th>owner</th><td>{}</td></tr></tbody></table>",
            esc(&r.readiness.statement.describe()),
            esc(&r.readiness.escrow.describe()),
            esc(&r.readiness.exit.describe()),
            r.readiness.alternatives,
            sp.owner.as_ref().map(|o| esc(&o.value.to_string())).unwrap_or_else(|| "<span class=\"error\">none</span>".into())
        );
    }
    let findings: Vec<_> = s.findings_of(id).collect();
    if !findings.is_empty() {
        b.push_str("<h2>Findings</h2><ul>");
        for f in findings {
            let _ = write!(
                b,
                "<li class=\"{}\"><code>{}</code> {}</li>",
                if f.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                },
                f.id,
                message(&f.message)
            );
        }
        b.push_str("</ul>");
    }
    // The picture of its reach: computed once per version.
    let svg = state.cached(&s.version, &format!("reach:{}", id.0), || {
        let mut prop = Propagator::new(&s.graph);
        let pic = linchpin_report::reach_picture(c, &s.graph, &mut prop, id);
        if pic.nodes.len() <= 1 {
            String::new()
        } else {
            linchpin_report::html::svg(&pic, c, "reach")
        }
    });
    if !svg.is_empty() {
        let _ = write!(b, "<h2>Its reach</h2>{svg}");
    }
    if !sp.contracts.is_empty() {
        b.push_str("<h2>Contracts</h2><table><thead><tr><th>reference</th><th>start</th><th>end</th><th>notice</th><th>annual cost</th></tr></thead><tbody>");
        for k in &sp.contracts {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&k.reference),
                k.start.map(|d| d.to_string()).unwrap_or_default(),
                k.end.map(|d| d.to_string()).unwrap_or_default(),
                k.notice_period.map(|d| d.to_string()).unwrap_or_default(),
                k.annual_cost
                    .as_ref()
                    .map(|m| format!("{} {}", m.amount, esc(&m.currency)))
                    .unwrap_or_default()
            );
        }
        b.push_str("</tbody></table>");
    }
    let key = e.entity_ref.to_string();
    let filter = crate::db::RequestFilter {
        supplier: Some(key.clone()),
        today: today.to_string(),
        ..Default::default()
    };
    let (requests, more) = state.db.requests_page(&filter, None, 50).await?;
    b.push_str("<h2>Requests</h2>");
    if requests.is_empty() {
        b.push_str("<p class=\"muted\">No requests.</p>");
    } else {
        b.push_str(&crate::views::table(Some(&s), &requests, today));
        if more.is_some() {
            let total = state.count_requests(&filter).await?;
            let _ = write!(
                b,
                "<p><a href=\"/requests?supplier={}\">All {total} requests to this supplier</a></p>",
                url_encode(&key)
            );
        }
    }
    if p.role >= Role::Editor {
        let _ = write!(
            b,
            "<p><a href=\"/requests/new?supplier={}\">New request to this supplier</a></p>",
            url_encode(&key)
        );
    }
    let uploads = state.db.uploads_for_supplier(&key).await?;
    if !uploads.is_empty() {
        b.push_str("<h2>Evidence</h2><ul>");
        for u in &uploads {
            let kind = requests
                .iter()
                .find(|r| r.id == u.request_id)
                .map_or("", |r| r.kind.as_str());
            let _ = write!(
                b,
                "<li><a href=\"/requests/{0}/uploads/{1}\">{2}</a> — {3} request #{0}, {4}</li>",
                u.request_id,
                u.id,
                esc(&u.filename),
                esc(kind),
                datetime(u.created_at)
            );
        }
        b.push_str("</ul>");
    }
    if !e.metadata.links.is_empty() {
        b.push_str("<h2>Links</h2><ul>");
        for l in &e.metadata.links {
            if let Some(url) = linchpin_report::html::safe_href(&l.url) {
                let _ = write!(
                    b,
                    "<li><a href=\"{}\" rel=\"noopener noreferrer\">{}</a></li>",
                    esc(url),
                    esc(l.title.as_deref().unwrap_or(url))
                );
            }
        }
        b.push_str("</ul>");
    }
    Ok(render(
        &state,
        e.display_name(),
        Some(&p),
        &csrf,
        Some(&s),
        &b,
    ))
}

/// `/functions`: every business function.
pub async fn functions(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    let mut b = String::from("<h1>Business functions</h1><table><thead><tr><th data-sort>function</th><th data-sort>criticality</th><th>tolerance</th><th data-sort>stopped by</th><th data-sort>degraded by</th></tr></thead><tbody>");
    for &id in &s.report.functions {
        let Spec::BusinessFunction(f) = &c.entity(id).spec else {
            continue;
        };
        let stopped = s
            .report
            .ranking
            .iter()
            .filter(|r| r.stops.iter().any(|x| x.function == id))
            .count();
        let degraded = s
            .report
            .ranking
            .iter()
            .filter(|r| r.degrades.iter().any(|x| x.function == id))
            .count();
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{stopped}</td><td>{degraded}</td></tr>",
            link(c, id),
            f.criticality.as_str(),
            duration_text(f.max_tolerable_downtime.as_ref())
        );
    }
    b.push_str("</tbody></table>");
    Ok(render(&state, "Functions", Some(&p), &csrf, Some(&s), &b))
}

/// `/functions/{name}`: one business function.
pub async fn function(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(name): Path<String>,
) -> AppResult<Html<String>> {
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    let (id, e) = found(&s, Kind::BusinessFunction, &name, "business function")?;
    let Spec::BusinessFunction(f) = &e.spec else {
        return Err(AppError::NotFound(format!("no business function `{name}`")));
    };
    let mut b = format!(
        "<h1>{}</h1><p class=\"muted\">{} · {}{}</p><table><tbody><tr><th>owner</th><td>{}</td></tr><tr><th>max tolerable downtime</th><td>{}</td></tr><tr><th>RTO / RPO</th><td>{} / {}</td></tr></tbody></table>",
        esc(e.display_name()),
        esc(&e.entity_ref.to_string()),
        f.criticality.as_str(),
        e.metadata.description.as_deref().map(|d| format!(" · {}", esc(d))).unwrap_or_default(),
        f.owner.as_ref().map(|o| esc(&o.value.to_string())).unwrap_or_else(|| "<span class=\"error\">none</span>".into()),
        duration_text(f.max_tolerable_downtime.as_ref()),
        duration_text(f.rto.as_ref()),
        duration_text(f.rpo.as_ref()),
    );
    b.push_str("<h2>Suppliers that can stop or degrade it</h2><p class=\"muted\">Each supplier failing alone: for as long as its committed RTO (outage), and for good until its exit plan is carried out (permanent).</p><table><thead><tr><th data-sort>supplier</th><th data-sort>tier</th><th data-sort>effect</th><th>outage</th><th>permanent</th></tr></thead><tbody>");
    let mut any = false;
    for r in &s.report.ranking {
        let (effect, reach) = if let Some(x) = r.stops.iter().find(|x| x.function == id) {
            ("down", x.down_cap)
        } else if let Some(x) = r.degrades.iter().find(|x| x.function == id) {
            ("degraded", x.impaired_cap)
        } else {
            continue;
        };
        any = true;
        let cell = |m| mode_cell(m, id, reach);
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=\"{effect}\">{effect}</td><td>{}</td><td>{}</td></tr>",
            link(c, r.id),
            r.tier,
            cell(&r.outage),
            cell(&r.permanent)
        );
    }
    if !any {
        b.push_str("<tr><td colspan=\"5\">No supplier reaches it.</td></tr>");
    }
    b.push_str("</tbody></table>");
    let _ = write!(
        b,
        "<p><a href=\"/whatif?fail={}\">What if it fails itself?</a></p>",
        url_encode(&e.entity_ref.to_string())
    );
    Ok(render(
        &state,
        e.display_name(),
        Some(&p),
        &csrf,
        Some(&s),
        &b,
    ))
}

/// `/whatif`: choose what fails; see what stops, for how long, and why.
pub async fn whatif(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    axum_extra_query: axum::extract::RawQuery,
) -> AppResult<Html<String>> {
    let s = snapshot(&state)?;
    let q = parse_whatif_query(axum_extra_query.0.as_deref().unwrap_or(""));
    let spec = failure_spec(&s, &q)?;
    let c = &s.loaded.catalog;
    let mut b = String::from("<h1>What if…</h1><form method=\"get\" action=\"/whatif\" class=\"inline\"><label>Fails (refs, comma-separated)<input name=\"fail\" size=\"50\" list=\"suppliers\" value=\"");
    b.push_str(&esc(&q.fail.join(",")));
    let _ = write!(
        b,
        "\"></label><label>Mode<select name=\"mode\"><option value=\"outage\"{}>outage</option><option value=\"permanent\"{}>permanent</option></select></label><label>Duration (outage)<input name=\"duration\" size=\"6\" placeholder=\"RTO\" value=\"{}\"></label><button>Simulate</button></form><datalist id=\"suppliers\">",
        if spec.mode == FailureMode::Outage { " selected" } else { "" },
        if spec.mode == FailureMode::Permanent { " selected" } else { "" },
        esc(q.duration.as_deref().unwrap_or(""))
    );
    for r in &s.report.ranking {
        let _ = write!(
            b,
            "<option value=\"{}\">",
            esc(&c.entity(r.id).entity_ref.name)
        );
    }
    b.push_str("</datalist>");
    if spec.fail.is_empty() {
        b.push_str("<p class=\"muted\">Name one or more suppliers (or any entity) above. The URL of the result can be shared.</p><h2>Suggestions</h2><ul>");
        for r in s.report.ranking.iter().take(5) {
            let _ = write!(
                b,
                "<li><a href=\"/whatif?fail={}\">{}</a></li>",
                url_encode(&c.entity(r.id).entity_ref.to_string()),
                name_of(c, r.id)
            );
        }
        b.push_str("</ul>");
    } else {
        let s2 = s.clone();
        let spec2 = spec.clone();
        let (result, svg) = crate::domain::state::analysis(move || {
            let c = &s2.loaded.catalog;
            let mut prop = Propagator::new(&s2.graph);
            let result = whatif_with(c, &s2.graph, &mut prop, &spec2);
            let failures: Vec<(u32, linchpin_engine::Dur)> = spec2
                .fail
                .iter()
                .map(|&id| (id.0, failure_duration(c, id, &spec2).0))
                .collect();
            prop.run(&s2.graph, &failures);
            let status = linchpin_report::graph::statuses(Some(&prop));
            let view = linchpin_report::graph::overview(c, &s2.report.ranking, 12, 12, &status);
            let svg = linchpin_report::html::svg(&view.picture, c, &view.title);
            (result, svg)
        })
        .await?;
        b.push_str("<h2>Failing</h2><ul>");
        for f in &result.failed {
            let _ = write!(
                b,
                "<li>{} for {} ({})</li>",
                link(c, f.id),
                f.duration,
                f.source.as_str()
            );
        }
        b.push_str("</ul><h2>Business functions</h2><table><thead><tr><th>function</th><th>criticality</th><th>status</th><th>down</th><th>impaired</th><th>tolerance</th><th>breach</th><th>why</th></tr></thead><tbody>");
        for f in result.functions.iter().filter(|f| f.status != Status::Up) {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"chain\">{}</td></tr>",
                link(c, f.id),
                f.criticality.as_str(),
                status_cell(f.status),
                f.down,
                f.impaired,
                f.tolerance.map(|t| t.to_string()).unwrap_or_else(|| "—".into()),
                if f.breach { "<span class=\"error\">breach</span>" } else { "within" },
                chain(c, &f.path)
                    + &f.fallbacks
                        .iter()
                        .map(|fb| format!("<br>{}", fb.describe(|id| link(c, id))))
                        .collect::<String>()
            );
        }
        let up = result
            .functions
            .iter()
            .filter(|f| f.status == Status::Up)
            .count();
        let _ = write!(b, "</tbody></table><p class=\"muted\">{up} other functions keep working.</p><h2>The picture</h2>{svg}");
    }
    Ok(render(&state, "What-if", Some(&p), &csrf, Some(&s), &b))
}

#[derive(Deserialize)]
pub struct FindingsQuery {
    severity: Option<String>,
    id: Option<String>,
    q: Option<String>,
}

/// `/findings`: readiness findings with filters.
pub async fn findings(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Query(q): Query<FindingsQuery>,
) -> AppResult<Html<String>> {
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    let severity = q.severity.clone().filter(|x| !x.is_empty());
    let id = q.id.clone().filter(|x| !x.is_empty());
    let text = q.q.clone().unwrap_or_default().to_lowercase();
    let mut ids: Vec<&str> = s.report.findings.iter().map(|f| f.id).collect();
    ids.sort();
    ids.dedup();
    let mut b = String::from("<h1>Findings</h1><form method=\"get\" class=\"inline\"><label>Severity<select name=\"severity\"><option value=\"\">any</option>");
    for sev in ["error", "warning", "info"] {
        let _ = write!(
            b,
            "<option{}>{sev}</option>",
            if severity.as_deref() == Some(sev) {
                " selected"
            } else {
                ""
            }
        );
    }
    b.push_str(
        "</select></label><label>Finding<select name=\"id\"><option value=\"\">any</option>",
    );
    for i in &ids {
        let _ = write!(
            b,
            "<option{}>{i}</option>",
            if id.as_deref() == Some(*i) {
                " selected"
            } else {
                ""
            }
        );
    }
    let _ = write!(b, "</select></label><label>Text<input name=\"q\" value=\"{}\"></label><button>Filter</button></form>", esc(&text));
    b.push_str("<table><thead><tr><th data-sort>severity</th><th data-sort>finding</th><th>entity</th><th>message</th><th>where</th></tr></thead><tbody>");
    let mut shown = 0;
    for f in &s.report.findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        if severity.as_deref().is_some_and(|x| x != sev)
            || id.as_deref().is_some_and(|x| x != f.id)
            || (!text.is_empty() && !f.message.to_lowercase().contains(&text))
        {
            continue;
        }
        shown += 1;
        let e = c.entity(f.entity);
        let _ = write!(
            b,
            "<tr><td class=\"{sev}\">{sev}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"muted\">{}:{}</td></tr>",
            f.id,
            link(c, f.entity),
            message(&f.message),
            esc(s.loaded.sources.path(e.span.file)),
            e.span.line
        );
    }
    let _ = write!(
        b,
        "</tbody></table><p class=\"muted\">{shown} of {} findings.</p>",
        s.report.findings.len()
    );
    Ok(render(&state, "Findings", Some(&p), &csrf, Some(&s), &b))
}

/// `/trends`: tiers, findings and readiness over the landscape's versions.
pub async fn trends(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    let versions = state.db.versions(200).await?;
    let mut b = String::from("<h1>Trends</h1>");
    if versions.len() < 2 {
        b.push_str("<p class=\"muted\">Trends appear once the landscape has changed at least once while the server ran (every loaded version is kept).</p>");
    }
    let series =
        |f: &dyn Fn(&crate::db::VersionRow) -> i64| versions.iter().map(f).collect::<Vec<_>>();
    // Each version by when it was loaded (minutes: the date alone would
    // repeat when the files change more than once a day).
    let labels: Vec<String> = versions
        .iter()
        .map(|v| {
            let t = datetime(v.loaded_at);
            t.trim_end_matches(" UTC").to_owned()
        })
        .collect();
    b.push_str(&crate::views::charts::lines(
        "Suppliers per tier",
        &labels,
        &[
            ("tier 1", "#b3261e", series(&|v| v.tiers[0])),
            ("tier 2", "#d97706", series(&|v| v.tiers[1])),
            ("tier 3", "#2f5bd3", series(&|v| v.tiers[2])),
            ("tier 4", "#8a94a6", series(&|v| v.tiers[3])),
        ],
    ));
    b.push_str(&crate::views::charts::lines(
        "Findings",
        &labels,
        &[
            ("errors", "#b3261e", series(&|v| v.findings_errors)),
            ("warnings", "#d97706", series(&|v| v.findings_warnings)),
            (
                "notes",
                "#2f5bd3",
                series(&|v| v.findings_total - v.findings_errors - v.findings_warnings),
            ),
        ],
    ));
    b.push_str(&crate::views::charts::lines(
        "Tier 1–2 suppliers ready",
        &labels,
        &[
            ("ready", "#1f6f43", series(&|v| v.ready)),
            ("of", "#8a94a6", series(&|v| v.ready_of)),
        ],
    ));
    b.push_str("<h2>Versions</h2><table><thead><tr><th>loaded</th><th>version</th><th>commit</th><th>suppliers</th><th>tier 1</th><th>findings</th><th>breaches</th></tr></thead><tbody>");
    for v in versions.iter().rev() {
        let _ = write!(
            b,
            "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            datetime(v.loaded_at),
            esc(&v.version),
            esc(v.commit.as_deref().map(|c| &c[..c.len().min(12)]).unwrap_or("")),
            v.suppliers,
            v.tiers[0],
            v.findings_total,
            v.breaches
        );
    }
    b.push_str("</tbody></table>");
    let s = state.current();
    Ok(render(&state, "Trends", Some(&p), &csrf, s.as_deref(), &b))
}

/// `/audit`: who changed what.
pub async fn audit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    require(&p, Role::Admin)?;
    let entries = state.db.audit_log(500).await?;
    let mut b = String::from("<h1>Audit log</h1><table><thead><tr><th>when</th><th>who</th><th>what</th><th>subject</th><th>detail</th></tr></thead><tbody>");
    for a in &entries {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            datetime(a.at),
            esc(&a.actor),
            esc(&a.action),
            esc(&a.subject),
            esc(&a.detail)
        );
    }
    b.push_str("</tbody></table>");
    let s = state.current();
    Ok(page(
        "Audit log",
        &frame(&state, Some(&p), &csrf, None, s.as_deref()),
        &b,
    ))
}

/// `GET /tokens` (admin): who has access.
pub async fn tokens(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    require(&p, Role::Admin)?;
    tokens_page(&state, &p, &csrf, None).await
}

pub(crate) async fn tokens_page(
    state: &AppState,
    p: &Principal,
    csrf: &Csrf,
    made: Option<(&str, &str)>,
) -> AppResult<Html<String>> {
    let tokens = state.db.tokens().await?;
    let s = state.current();
    Ok(crate::views::html(&TokensPage {
        title: "Tokens",
        frame: &frame(state, Some(p), csrf, None, s.as_deref()),
        tokens: &tokens,
        made,
    }))
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
    name: String,
    role: String,
}

/// `POST /tokens` (admin).
pub async fn create_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Form(f): Form<TokenForm>,
) -> AppResult<Html<String>> {
    check_csrf(&csrf, &f.csrf)?;
    let token = crate::http::api::make_token(&state, &p, &f.name, &f.role).await?;
    tokens_page(&state, &p, &csrf, Some((f.name.trim(), &token))).await
}

/// `POST /tokens/{id}/revoke` (admin).
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    require(&p, Role::Admin)?;
    state.db.revoke_token(&p.name, id, state.now()).await?;
    Ok(Redirect::to("/tokens").into_response())
}

/// The entity of `kind` a page's URL names, or a 404 that says what is missing.
pub(crate) fn found<'s>(
    s: &'s Snapshot,
    kind: Kind,
    name: &str,
    what: &str,
) -> AppResult<(EntityId, &'s linchpin_model::Entity)> {
    let id = s
        .find(&kind, name)
        .ok_or_else(|| AppError::NotFound(format!("no {what} `{name}`")))?;
    Ok((id, s.loaded.catalog.entity(id)))
}
