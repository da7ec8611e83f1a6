//! The dashboard's pages (server-rendered HTML that works without
//! JavaScript): overview, status, suppliers, functions, what-if, findings,
//! trends, audit, tokens, sign-in.

use crate::views::duration_text;
use crate::views::pages::{
    AuditPage, BreachRow, Cards, DeadlineRow, EvidenceItem, FailingItem, FindingItem, FindingRow,
    FindingsPage, FunctionPage, FunctionRow, FunctionSupplierRow, FunctionsPage, ImpactRow,
    LinchpinRow, ModeCell, OverviewPage, OverviewTables, ReachRow, SigninPage, StatusPage,
    SupplierPage, SupplierRank, SupplierRow, SuppliersPage, TokensPage, TrendsPage, WhatifPage,
    WhatifResult,
};
use crate::views::requests::RequestRow;
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
use crate::views::datetime;
use crate::views::link;
use crate::views::Frame;
use crate::AppState;
use linchpin_report::view::message;

/// The frame of a page: who is signed in, the version served, and the
/// banners (a rejected newer version, a database that cannot be written).
pub(crate) fn frame<'a>(
    state: &crate::domain::state::Shared,
    principal: Option<&'a Principal>,
    csrf: &'a Csrf,
    s: Option<&'a Snapshot>,
) -> Frame<'a> {
    Frame {
        principal,
        csrf,
        rejected: state.rejected(),
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
    let Some(s) = state.current() else {
        return Ok(crate::views::html(&OverviewPage {
            title: "Overview",
            frame: &frame(&state, Some(&p), &csrf, None),
            cards: None,
            tables: "",
        }));
    };
    let c = &s.loaded.catalog;
    let tiers = tier_counts(&s);
    let (ready, of) = ready_count(&s);
    let today = state.today();
    let overdue = state
        .count_requests(&crate::db::RequestFilter {
            status: Some("overdue".into()),
            today: today.to_string(),
            ..Default::default()
        })
        .await?;
    let cards = Cards {
        version: s.version.clone(),
        commit: s.commit.as_deref().map(|c| c[..c.len().min(12)].to_owned()),
        today: s.today,
        suppliers: s.report.ranking.len(),
        functions: c.of_kind(&Kind::BusinessFunction).count(),
        tier1: tiers[0],
        tier2: tiers[1],
        ready,
        of,
        findings: s.report.findings.len(),
        errors: s
            .report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        overdue,
    };
    // Everything below the cards depends on the version and the day only:
    // rendered once per version and day, then shared.
    let tables = state.cached(&s.version, &format!("overview:{}", s.today), || {
        let links = |ids: &mut dyn Iterator<Item = EntityId>| {
            ids.map(|id| link(c, id)).collect::<Vec<_>>().join(", ")
        };
        let linchpins = s
            .report
            .ranking
            .iter()
            .filter(|r| r.tier == 1)
            .take(25)
            .map(|r| {
                let breaches = r.breached();
                LinchpinRow {
                    link: link(c, r.id),
                    stops: links(&mut r.stops.iter().map(|x| x.function)),
                    degrades: links(&mut r.degrades.iter().map(|x| x.function)),
                    breaches: links(&mut breaches.into_iter()),
                    statement: r.readiness.statement.describe(),
                    exit: r.readiness.exit.describe(),
                }
            })
            .collect();
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
        let breaches = worst
            .iter()
            .take(10)
            .map(|(sc, f)| BreachRow {
                scenario: sc.title.clone(),
                link: link(c, f.id),
                down: f.down.to_string(),
                tolerance: f
                    .tolerance
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into()),
            })
            .collect();
        let timeline = s
            .report
            .timeline
            .iter()
            .take(15)
            .map(|t| DeadlineRow {
                overdue: t.overdue,
                date: t.date,
                what: words(&format!("{:?}", t.kind)),
                detail: t.detail.clone(),
                link: link(c, t.supplier),
            })
            .collect();
        askama::Template::render(&OverviewTables {
            linchpins,
            breaches,
            timeline,
        })
        .unwrap_or_default()
    });
    Ok(crate::views::html(&OverviewPage {
        title: "Overview",
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        cards: Some(cards),
        tables: &tables,
    }))
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
        frame: &Frame {
            rejected: None,
            ..frame(&state, Some(&p), &csrf, s.as_deref())
        },
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
            let threads = state.settings.threads;
            let h = tokio::task::spawn_blocking(move || {
                // The served version keeps the analyses its pages need; the
                // report's pictures, playbooks and risk in money are made when
                // it is asked for.
                let mut report = s2.report.clone();
                report.add_documents(&s2.loaded.catalog, &s2.graph, threads);
                report.add_risk(&s2.loaded.catalog, &s2.graph, &s2.loaded.config, threads);
                Arc::new(linchpin_report::html(&report, &s2.loaded.catalog))
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
    crate::views::html(&SigninPage {
        title: "Sign in",
        frame: &frame(&state, None, &csrf, None),
        next: &next,
    })
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
    if p.role == crate::db::Role::Calendar {
        return Err(AppError::Forbidden(
            "a calendar token signs in nowhere: it is for a calendar application's subscription to /calendar.ics".into(),
        ));
    }
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
    let rows = s
        .report
        .ranking
        .iter()
        .map(|r| SupplierRow {
            tier: r.tier,
            link: link(c, r.id),
            score: format!("{:.1}", r.score),
            stops: r.stops.len(),
            degrades: r.degrades.len(),
            statement: r.readiness.statement.describe(),
            exit: r.readiness.exit.describe(),
            owner: r.readiness.owner,
        })
        .collect();
    Ok(crate::views::html(&SuppliersPage {
        title: "Suppliers",
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        rows,
    }))
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
    let r = s.rank(id);
    let rank = r.map(|r| {
        let reach = r
            .stops
            .iter()
            .map(|x| (x, "down", "stops", x.down_cap))
            .chain(
                r.degrades
                    .iter()
                    .map(|x| (x, "degraded", "degrades", x.impaired_cap)),
            )
            .map(|(x, class, effect, cap)| {
                let f = x.function;
                ReachRow {
                    link: link(c, f),
                    criticality: x.criticality.as_str(),
                    class,
                    effect,
                    tolerance: match &c.entity(f).spec {
                        Spec::BusinessFunction(bf) => {
                            duration_text(bf.max_tolerable_downtime.as_ref())
                        }
                        _ => duration_text(None),
                    },
                    outage: ModeCell::of(&r.outage, f, cap),
                    permanent: ModeCell::of(&r.permanent, f, cap),
                }
            })
            .collect();
        SupplierRank {
            tier: r.tier,
            reach,
            outage: format!("{} ({})", r.outage.duration, r.outage.source.as_str()),
            permanent: format!("{} ({})", r.permanent.duration, r.permanent.source.as_str()),
            statement: r.readiness.statement.describe(),
            escrow: r.readiness.escrow.describe(),
            exit: r.readiness.exit.describe(),
            alternatives: r.readiness.alternatives,
        }
    });
    let findings = s
        .findings_of(id)
        .map(|f| FindingItem {
            class: if f.severity == Severity::Error {
                "error"
            } else {
                "warning"
            },
            id: f.id,
            message: message(&f.message),
        })
        .collect();
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
    let contracts = sp
        .contracts
        .iter()
        .map(|k| {
            (
                k.reference.clone(),
                k.start.map(|d| d.to_string()).unwrap_or_default(),
                k.end.map(|d| d.to_string()).unwrap_or_default(),
                k.notice_period.map(|d| d.to_string()).unwrap_or_default(),
                k.annual_cost
                    .as_ref()
                    .map(|m| format!("{} {}", m.amount, m.currency))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let key = e.entity_ref.to_string();
    let filter = crate::db::RequestFilter {
        supplier: Some(key.clone()),
        today: today.to_string(),
        ..Default::default()
    };
    let (requests, more) = state.db.requests_page(&filter, None, 50).await?;
    let more = match more {
        Some(_) => Some(state.count_requests(&filter).await?),
        None => None,
    };
    let evidence = state
        .db
        .uploads_for_supplier(&key)
        .await?
        .into_iter()
        .map(|u| EvidenceItem {
            kind: requests
                .iter()
                .find(|r| r.id == u.request_id)
                .map_or("", |r| r.kind.as_str()),
            request: u.request_id,
            id: u.id,
            when: datetime(u.created_at),
            filename: u.filename,
        })
        .collect();
    let links = e
        .metadata
        .links
        .iter()
        .filter_map(|l| {
            let url = linchpin_report::html::safe_href(&l.url)?;
            Some((url, l.title.as_deref().unwrap_or(url)))
        })
        .collect();
    Ok(crate::views::html(&SupplierPage {
        title: e.display_name(),
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        reference: key.clone(),
        supplier_type: sp.supplier_type.as_str(),
        country: sp.country.as_ref().map(|x| x.value.as_str()),
        tier: r.map(|r| r.tier),
        description: e.metadata.description.as_deref(),
        rank,
        owner: sp.owner.as_ref().map(|o| o.value.to_string()),
        findings,
        svg: &svg,
        contracts,
        rows: requests
            .iter()
            .map(|r| RequestRow::of(Some(&s), r, today))
            .collect(),
        more,
        editor: p.role >= Role::Editor,
        evidence,
        links,
    }))
}

/// `/functions`: every business function.
pub async fn functions(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    let rows = s
        .report
        .functions
        .iter()
        .filter_map(|&id| {
            let Spec::BusinessFunction(f) = &c.entity(id).spec else {
                return None;
            };
            let count =
                |pick: fn(&linchpin_engine::SupplierRank) -> &[linchpin_engine::rank::Reach]| {
                    s.report
                        .ranking
                        .iter()
                        .filter(|r| pick(r).iter().any(|x| x.function == id))
                        .count()
                };
            Some(FunctionRow {
                link: link(c, id),
                criticality: f.criticality.as_str(),
                tolerance: duration_text(f.max_tolerable_downtime.as_ref()),
                stopped: count(|r| &r.stops),
                degraded: count(|r| &r.degrades),
            })
        })
        .collect();
    Ok(crate::views::html(&FunctionsPage {
        title: "Functions",
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        rows,
    }))
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
    let rows = s
        .report
        .ranking
        .iter()
        .filter_map(|r| {
            let (effect, reach) = if let Some(x) = r.stops.iter().find(|x| x.function == id) {
                ("down", x.down_cap)
            } else if let Some(x) = r.degrades.iter().find(|x| x.function == id) {
                ("degraded", x.impaired_cap)
            } else {
                return None;
            };
            Some(FunctionSupplierRow {
                link: link(c, r.id),
                tier: r.tier,
                effect,
                outage: ModeCell::of(&r.outage, id, reach),
                permanent: ModeCell::of(&r.permanent, id, reach),
            })
        })
        .collect();
    Ok(crate::views::html(&FunctionPage {
        title: e.display_name(),
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        reference: e.entity_ref.to_string(),
        criticality: f.criticality.as_str(),
        description: e.metadata.description.as_deref(),
        owner: f.owner.as_ref().map(|o| o.value.to_string()),
        mtd: duration_text(f.max_tolerable_downtime.as_ref()),
        rto: duration_text(f.rto.as_ref()),
        rpo: duration_text(f.rpo.as_ref()),
        rows,
    }))
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
    let result = if spec.fail.is_empty() {
        None
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
        Some(WhatifResult {
            failing: result
                .failed
                .iter()
                .map(|f| FailingItem {
                    link: link(c, f.id),
                    duration: f.duration.to_string(),
                    source: f.source.as_str(),
                })
                .collect(),
            functions: result
                .functions
                .iter()
                .filter(|f| f.status != Status::Up)
                .map(|f| ImpactRow {
                    link: link(c, f.id),
                    criticality: f.criticality.as_str(),
                    status: f.status.as_str(),
                    down: f.down.to_string(),
                    impaired: f.impaired.to_string(),
                    tolerance: f
                        .tolerance
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "—".into()),
                    breach: f.breach,
                    why: chain(c, &f.path)
                        + &f.fallbacks
                            .iter()
                            .map(|fb| format!("<br>{}", fb.describe(|id| link(c, id))))
                            .collect::<String>(),
                })
                .collect(),
            up: result
                .functions
                .iter()
                .filter(|f| f.status == Status::Up)
                .count(),
            svg,
        })
    };
    Ok(crate::views::html(&WhatifPage {
        title: "What-if",
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        fail: q.fail.join(","),
        permanent: spec.mode == FailureMode::Permanent,
        duration: q.duration.as_deref().unwrap_or(""),
        names: s
            .report
            .ranking
            .iter()
            .map(|r| c.entity(r.id).entity_ref.name.as_str())
            .collect(),
        suggestions: s
            .report
            .ranking
            .iter()
            .take(5)
            .map(|r| {
                (
                    c.entity(r.id).entity_ref.to_string(),
                    c.entity(r.id).display_name(),
                )
            })
            .collect(),
        result,
    }))
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
    let rows = s
        .report
        .findings
        .iter()
        .filter_map(|f| {
            let sev = f.severity.as_str();
            if severity.as_deref().is_some_and(|x| x != sev)
                || id.as_deref().is_some_and(|x| x != f.id)
                || (!text.is_empty() && !f.message.to_lowercase().contains(&text))
            {
                return None;
            }
            let e = c.entity(f.entity);
            Some(FindingRow {
                severity: sev,
                id: f.id,
                link: link(c, f.entity),
                message: message(&f.message),
                file: s.loaded.sources.path(e.span.file).to_owned(),
                line: e.span.line,
            })
        })
        .collect();
    Ok(crate::views::html(&FindingsPage {
        title: "Findings",
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        severity: severity.as_deref(),
        id: id.as_deref(),
        text: &text,
        ids,
        rows,
        total: s.report.findings.len(),
    }))
}

/// `/trends`: tiers, findings and readiness over the landscape's versions.
pub async fn trends(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    let versions = state.db.versions(200).await?;
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
    let charts = vec![
        crate::views::charts::lines(
            "Suppliers per tier",
            &labels,
            &[
                ("tier 1", "#b3261e", series(&|v| v.tiers[0])),
                ("tier 2", "#d97706", series(&|v| v.tiers[1])),
                ("tier 3", "#2f5bd3", series(&|v| v.tiers[2])),
                ("tier 4", "#8a94a6", series(&|v| v.tiers[3])),
            ],
        ),
        crate::views::charts::lines(
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
        ),
        crate::views::charts::lines(
            "Tier 1–2 suppliers ready",
            &labels,
            &[
                ("ready", "#1f6f43", series(&|v| v.ready)),
                ("of", "#8a94a6", series(&|v| v.ready_of)),
            ],
        ),
    ];
    let s = state.current();
    Ok(crate::views::html(&TrendsPage {
        title: "Trends",
        frame: &frame(&state, Some(&p), &csrf, s.as_deref()),
        charts,
        versions: &versions,
    }))
}

/// `/audit`: who changed what.
pub async fn audit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
) -> AppResult<Html<String>> {
    require(&p, Role::Admin)?;
    let entries = state.db.audit_log(500).await?;
    let s = state.current();
    Ok(crate::views::html(&AuditPage {
        title: "Audit log",
        frame: &Frame {
            rejected: None,
            ..frame(&state, Some(&p), &csrf, s.as_deref())
        },
        entries: &entries,
    }))
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
        frame: &Frame {
            rejected: None,
            ..frame(state, Some(p), csrf, s.as_deref())
        },
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
