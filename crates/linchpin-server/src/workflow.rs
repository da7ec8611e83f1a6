//! The continuity workflow: requests to suppliers (statements, escrow
//! verifications, exit-plan tests, renewals), their comments and evidence,
//! the due-and-overdue view, CSV, and the YAML change a reviewed statement
//! makes to the landscape (the files stay the truth).

use crate::app::{check_csrf, require, AppError, AppResult, AppState, Csrf};
use crate::db::{Principal, Request, Role, REQUEST_KINDS, REQUEST_STATUSES};
use crate::html::{csrf_field, datetime, esc, url_encode};
use crate::pages::snapshot;
use crate::snapshot::Snapshot;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use linchpin_model::{Date, Duration, Kind, Spec};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A request by id, or 404.
pub async fn find_request(state: &crate::app::Shared, id: i64) -> AppResult<Request> {
    state
        .db
        .request(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no request #{id}")))
}

/// Creates a request after checking it against the served landscape.
pub async fn create(state: &AppState, p: &Principal, new: &NewRequest) -> AppResult<i64> {
    require(p, Role::Editor)?;
    let s = snapshot(state)?;
    let (supplier, team) = validate_new(&s, new)?;
    let id = state
        .db
        .create_request(
            &p.name,
            &supplier,
            &new.kind,
            new.due.trim(),
            team.as_deref(),
            state.now(),
        )
        .await?;
    state.requests_changed();
    Ok(id)
}

/// A reviewed request, its review, and the patch that writes it.
async fn reviewed_patch(state: &AppState, id: i64) -> AppResult<(Request, Review, String)> {
    let r = find_request(state, id).await?;
    let review: Review = r
        .review
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(|| AppError::BadRequest("the request has no review yet".into()))?;
    let s = snapshot(state)?;
    let diff = statement_patch(&s, &r.supplier, &review)?;
    Ok((r, review, diff))
}

/// Requests per page when a list does not say.
pub const PAGE: usize = 50;
/// The most requests one page may hold.
pub const MAX_PAGE: usize = 1000;

/// A list's filter and page from query parameters; a status or cursor
/// that means nothing is refused rather than ignored.
pub fn page_request(
    supplier: Option<&str>,
    status: Option<&str>,
    limit: Option<usize>,
    cursor: Option<&str>,
    today: Date,
) -> AppResult<(crate::db::RequestFilter, Option<crate::db::Cursor>, usize)> {
    let status = status.filter(|s| !s.is_empty());
    if let Some(s) = status {
        if s != "overdue" && !REQUEST_STATUSES.contains(&s) {
            return Err(AppError::BadRequest(format!(
                "status `{s}` is not one of open, sent, received, reviewed, overdue"
            )));
        }
    }
    let limit = limit.unwrap_or(PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::BadRequest(format!(
            "limit is 1 to {MAX_PAGE} requests per page"
        )));
    }
    let cursor = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(crate::db::Cursor::decode(c).ok_or_else(|| {
            AppError::BadRequest(format!(
                "cursor `{c}` is not one this server gave; start again without it"
            ))
        })?),
    };
    let filter = crate::db::RequestFilter {
        supplier: supplier.filter(|s| !s.is_empty()).map(str::to_owned),
        status: status.map(str::to_owned),
        due_by: None,
        today: today.to_string(),
    };
    Ok((filter, cursor, limit))
}

/// Whether a request is overdue: not yet received and past its due date.
pub fn is_overdue(r: &Request, today: Date) -> bool {
    matches!(r.status.as_str(), "open" | "sent") && Date::parse(&r.due).is_ok_and(|d| d < today)
}

/// The status shown: the stored one, or `overdue`.
pub fn shown_status(r: &Request, today: Date) -> &str {
    if is_overdue(r, today) {
        "overdue"
    } else {
        &r.status
    }
}

fn supplier_link(s: Option<&Snapshot>, supplier: &str) -> String {
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
fn team_name(s: Option<&Snapshot>, team: Option<&str>) -> String {
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
        let st = shown_status(r, today);
        let _ = write!(
            b,
            "<tr><td><a href=\"/requests/{0}\">#{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td class=\"{4}\">{5}</td><td>{6}</td></tr>",
            r.id,
            supplier_link(s, &r.supplier),
            esc(&r.kind),
            esc(&r.due),
            if st == "overdue" { "error" } else { "" },
            esc(st),
            esc(&team_name(s, r.team.as_deref()))
        );
    }
    b.push_str("</tbody></table>");
    b
}

#[derive(Deserialize)]
pub struct ListQuery {
    view: Option<String>,
    status: Option<String>,
    supplier: Option<String>,
    cursor: Option<String>,
}

/// `GET /requests`: every request, or only what is due in 30 days and overdue.
pub async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let today = state.today();
    let due_view = q.view.as_deref() == Some("due");
    let (mut filter, cursor, limit) = page_request(
        q.supplier.as_deref(),
        q.status.as_deref(),
        None,
        q.cursor.as_deref(),
        today,
    )?;
    if due_view {
        filter.due_by = Some(today.add_days(30).to_string());
    }
    let (shown, next) = state
        .db
        .requests_page(&filter, cursor.as_ref(), limit)
        .await?;
    let overdue = state
        .count_requests(&crate::db::RequestFilter {
            status: Some("overdue".into()),
            ..filter.clone()
        })
        .await?;
    let mut b = format!(
        "<h1>{}</h1><p><a href=\"/requests\">All</a> · <a href=\"/requests?view=due\">Due in 30 days and overdue</a> · <a href=\"/requests?status=overdue\">Overdue</a> · <a href=\"/requests.csv\">CSV</a>{}</p><p class=\"muted\">Today is {today}; {overdue} overdue{}.</p>",
        if due_view { "Due and overdue" } else { "Requests" },
        if p.role >= Role::Editor { " · <a href=\"/requests/new\">New request</a>" } else { "" },
        filter
            .supplier
            .as_deref()
            .map(|s| format!(" at {}", esc(s)))
            .unwrap_or_default()
    );
    let s = state.current();
    b.push_str(&table(s.as_deref(), &shown, today));
    if let Some(next) = next {
        let mut query = format!("cursor={}", url_encode(&next.encode()));
        for (key, value) in [
            ("view", q.view.as_deref()),
            ("status", q.status.as_deref()),
            ("supplier", q.supplier.as_deref()),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                query.push_str(&format!("&{key}={}", url_encode(v)));
            }
        }
        let _ = write!(
            b,
            "<p><a rel=\"next\" href=\"/requests?{}\">Next {limit} requests</a></p>",
            esc(&query)
        );
    }
    Ok(crate::pages::render(
        &state,
        "Requests",
        Some(&p),
        &csrf,
        s.as_deref(),
        &b,
    ))
}

#[derive(Deserialize)]
pub struct NewQuery {
    supplier: Option<String>,
}

/// `GET /requests/new`.
pub async fn new_form(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Query(q): Query<NewQuery>,
) -> AppResult<Html<String>> {
    require(&p, Role::Editor)?;
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    let mut b = format!("<h1>New request</h1><form method=\"post\" action=\"/requests\" class=\"inline\">{}<label>Supplier<select name=\"supplier\" required>", csrf_field(&csrf));
    for r in &s.report.ranking {
        let key = c.entity(r.id).entity_ref.to_string();
        let _ = write!(
            b,
            "<option value=\"{}\"{}>{} (tier {})</option>",
            esc(&key),
            if q.supplier.as_deref() == Some(key.as_str()) {
                " selected"
            } else {
                ""
            },
            esc(c.entity(r.id).display_name()),
            r.tier
        );
    }
    b.push_str("</select></label><label>Kind<select name=\"kind\">");
    for k in REQUEST_KINDS {
        let _ = write!(b, "<option>{k}</option>");
    }
    let _ = write!(
        b,
        "</select></label><label>Due<input type=\"date\" name=\"due\" required value=\"{}\"></label><label>Owning team<select name=\"team\"><option value=\"\">—</option>",
        state.today().add_days(30)
    );
    for (_, g) in c.of_kind(&Kind::Group) {
        let _ = write!(
            b,
            "<option value=\"{0}\">{0}</option>",
            esc(&g.entity_ref.to_string())
        );
    }
    b.push_str("</select></label><button>Create</button></form>");
    Ok(crate::pages::render(
        &state,
        "New request",
        Some(&p),
        &csrf,
        Some(&s),
        &b,
    ))
}

/// A new request as the API and the form give it.
#[derive(Debug, Deserialize, Serialize)]
pub struct NewRequest {
    /// The supplier (`supplier:acme` or `acme`).
    pub supplier: String,
    /// One of [`REQUEST_KINDS`].
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    /// The owning team's ref.
    #[serde(default)]
    pub team: Option<String>,
}

/// Checks a new request against the landscape; returns the supplier's canonical ref.
fn validate_new(s: &Snapshot, r: &NewRequest) -> AppResult<(String, Option<String>)> {
    let c = &s.loaded.catalog;
    let name = r.supplier.trim();
    let id = linchpin_model::EntityRef::parse(name, Some(Kind::Supplier), "default")
        .ok()
        .and_then(|x| c.lookup(&x))
        .filter(|&id| c.entity(id).kind() == &Kind::Supplier)
        .ok_or_else(|| AppError::BadRequest(format!("no supplier `{name}` in the landscape")))?;
    if !REQUEST_KINDS.contains(&r.kind.as_str()) {
        return Err(AppError::BadRequest(format!(
            "kind `{}` is not one of {}",
            r.kind,
            REQUEST_KINDS.join(", ")
        )));
    }
    Date::parse(r.due.trim())
        .map_err(|e| AppError::BadRequest(format!("due date `{}`: {e}", r.due)))?;
    let team = match r.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Without a team, the request goes to the team owning the supplier.
        None => c
            .entity(id)
            .owner()
            .and_then(|o| c.lookup(&o.value))
            .filter(|&t| c.entity(t).kind() == &Kind::Group)
            .map(|t| c.entity(t).entity_ref.to_string()),
        Some(t) => {
            let tid = linchpin_model::EntityRef::parse(t, Some(Kind::Group), "default")
                .ok()
                .and_then(|x| c.lookup(&x))
                .ok_or_else(|| AppError::BadRequest(format!("no team `{t}` in the landscape")))?;
            Some(c.entity(tid).entity_ref.to_string())
        }
    };
    Ok((c.entity(id).entity_ref.to_string(), team))
}

#[derive(Deserialize)]
pub struct NewRequestForm {
    csrf: String,
    supplier: String,
    kind: String,
    due: String,
    team: Option<String>,
}

/// `POST /requests`.
pub async fn create_page(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Form(f): Form<NewRequestForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    let new = NewRequest {
        supplier: f.supplier,
        kind: f.kind,
        due: f.due,
        team: f.team,
    };
    let id = create(&state, &p, &new).await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

/// `GET /requests/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let r = find_request(&state, id).await?;
    let today = state.today();
    let s = state.current();
    let st = shown_status(&r, today);
    let mut b = format!(
        "<h1>Request #{} — {}</h1><table><tbody><tr><th>supplier</th><td>{}</td></tr><tr><th>due</th><td>{}</td></tr><tr><th>status</th><td class=\"{}\">{}</td></tr><tr><th>team</th><td>{}</td></tr><tr><th>created</th><td>{} by {}</td></tr><tr><th>updated</th><td>{}</td></tr></tbody></table>",
        r.id,
        esc(&r.kind),
        supplier_link(s.as_deref(), &r.supplier),
        esc(&r.due),
        if st == "overdue" { "error" } else { "" },
        esc(st),
        esc(r.team.as_deref().unwrap_or("—")),
        datetime(r.created_at),
        esc(&r.created_by),
        datetime(r.updated_at)
    );
    let editor = p.role >= Role::Editor;
    if editor {
        let _ = write!(b, "<form method=\"post\" action=\"/requests/{}/status\" class=\"inline\">{}<label>Status<select name=\"status\">", r.id, csrf_field(&csrf));
        for x in REQUEST_STATUSES.iter().filter(|x| **x != "reviewed") {
            let _ = write!(
                b,
                "<option{}>{x}</option>",
                if *x == r.status { " selected" } else { "" }
            );
        }
        b.push_str("</select></label><button>Set status</button></form>");
    }
    if r.kind == "statement" && editor && matches!(r.status.as_str(), "received" | "reviewed") {
        let _ = write!(
            b,
            "<h2>Review the statement</h2><p class=\"muted\">What the supplier committed to. Reviewing produces the change to the landscape's YAML.</p><form method=\"post\" action=\"/requests/{}/review\" class=\"inline\">{}<label>Received<input type=\"date\" name=\"received\" required value=\"{today}\"></label><label>Valid until<input type=\"date\" name=\"valid_until\" required></label><label>RTO<input name=\"rto\" size=\"5\" placeholder=\"4h\"></label><label>RPO<input name=\"rpo\" size=\"5\" placeholder=\"1h\"></label><label>Certifications<input name=\"certifications\" placeholder=\"ISO22301, SOC2-Type2\"></label><button>Mark reviewed</button></form>",
            r.id,
            csrf_field(&csrf)
        );
    }
    if r.status == "reviewed" && r.review.is_some() {
        let _ = write!(b, "<p><a href=\"/requests/{}/patch\">Download the change to the landscape (patch)</a> — apply it with <code>git apply</code> in the landscape's repository.</p>", r.id);
        if editor && s.as_ref().is_some_and(|s| s.commit.is_some()) {
            let _ = write!(b, "<form method=\"post\" action=\"/requests/{}/branch\" class=\"inline\">{}<button>Commit it on a branch</button><span class=\"muted\">a new branch <code>linchpin/statement-{}</code> from HEAD, for review; the working tree is not touched</span></form>", r.id, csrf_field(&csrf), r.id);
        }
    }
    b.push_str("<h2>Evidence</h2>");
    let uploads = state.db.uploads(id).await?;
    if uploads.is_empty() {
        b.push_str("<p class=\"muted\">No files.</p>");
    } else {
        b.push_str("<ul>");
        for u in &uploads {
            let _ = write!(
                b,
                "<li><a href=\"/requests/{}/uploads/{}\">{}</a> ({}, {} bytes, by {} on {}; sha256 <code>{}</code>)</li>",
                r.id,
                u.id,
                esc(&u.filename),
                esc(&u.content_type),
                u.size,
                esc(&u.author),
                datetime(u.created_at),
                &u.sha256[..16]
            );
        }
        b.push_str("</ul>");
    }
    if editor {
        let _ = write!(
            b,
            "<form method=\"post\" action=\"/requests/{}/uploads\" enctype=\"multipart/form-data\" class=\"inline\">{}<label>File (PDF, Word, Excel, PowerPoint, OpenDocument, text; at most {} MiB)<input type=\"file\" name=\"file\" required></label><button>Upload</button></form>",
            r.id,
            csrf_field(&csrf),
            state.settings.max_upload / (1024 * 1024)
        );
    }
    b.push_str("<h2>Comments</h2>");
    for c in state.db.comments(id).await? {
        let _ = write!(
            b,
            "<p><strong>{}</strong> <span class=\"muted\">{}</span><br>{}</p>",
            esc(&c.author),
            datetime(c.created_at),
            esc(&c.body).replace('\n', "<br>")
        );
    }
    if editor {
        let _ = write!(b, "<form method=\"post\" action=\"/requests/{}/comments\">{}<textarea name=\"body\" rows=\"3\" cols=\"70\" required></textarea><br><button>Comment</button></form>", r.id, csrf_field(&csrf));
    }
    Ok(crate::pages::render(
        &state,
        &format!("Request #{id}"),
        Some(&p),
        &csrf,
        s.as_deref(),
        &b,
    ))
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    status: String,
}

/// `POST /requests/{id}/status`.
pub async fn status_page(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    let change = Change {
        status: Some(f.status),
        ..Change::default()
    };
    change_request(&state, &p, id, &change).await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

/// The longest comment, through the forms and the API alike.
pub const COMMENT_LIMIT: usize = 20_000;

/// One change of a request, as the forms and the API send it.
#[derive(Debug, Default)]
pub struct Change {
    /// A new status.
    pub status: Option<String>,
    /// A comment.
    pub comment: Option<String>,
    /// A review of a received statement.
    pub review: Option<Review>,
}

/// Checks every part of a change first, then applies it in one
/// transaction: a refused change stores nothing.
pub async fn change_request(
    state: &AppState,
    p: &Principal,
    id: i64,
    change: &Change,
) -> AppResult<()> {
    require(p, Role::Editor)?;
    let r = find_request(state, id).await?;
    if let Some(status) = &change.status {
        if !REQUEST_STATUSES.contains(&status.as_str()) || status == "reviewed" {
            return Err(AppError::BadRequest(format!(
                "status `{status}` is not one of open, sent, received (a statement becomes reviewed through its review)"
            )));
        }
    }
    let comment = match change.comment.as_deref().map(str::trim) {
        None => None,
        Some("") => None,
        Some(body) if body.chars().count() > COMMENT_LIMIT => {
            return Err(AppError::BadRequest(format!(
                "a comment has 1 to {COMMENT_LIMIT} characters; this one has {}",
                body.chars().count()
            )))
        }
        Some(body) => Some(body),
    };
    let review = match &change.review {
        None => None,
        Some(review) => {
            review.check()?;
            if change.status.is_some() {
                return Err(AppError::BadRequest(
                    "a review makes the request reviewed; send it without a status".into(),
                ));
            }
            if r.kind != "statement" || !matches!(r.status.as_str(), "received" | "reviewed") {
                return Err(AppError::BadRequest(
                    "only a received continuity statement can be reviewed".into(),
                ));
            }
            Some(serde_json::to_string(review).map_err(|e| AppError::Internal(e.to_string()))?)
        }
    };
    let update = crate::db::RequestUpdate {
        status: change.status.as_deref(),
        review: review.as_deref(),
        comment,
    };
    let changed = state
        .db
        .change_request(&p.name, id, &update, state.now())
        .await?;
    state.requests_changed();
    if !changed {
        return Err(AppError::NotFound(format!("no request #{id}")));
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct CommentForm {
    csrf: String,
    body: String,
}

/// `POST /requests/{id}/comments`.
pub async fn comment_page(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(id): Path<i64>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    if f.body.trim().is_empty() {
        return Err(AppError::BadRequest(format!(
            "a comment has 1 to {COMMENT_LIMIT} characters"
        )));
    }
    let change = Change {
        comment: Some(f.body),
        ..Change::default()
    };
    change_request(&state, &p, id, &change).await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

/// The reviewed content of a continuity statement.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Review {
    /// When it was received.
    pub received: String,
    /// Until when it is valid.
    #[serde(rename = "validUntil")]
    pub valid_until: String,
    /// The committed RTO.
    #[serde(default)]
    pub rto: Option<String>,
    /// The committed RPO.
    #[serde(default)]
    pub rpo: Option<String>,
    /// Certifications.
    #[serde(default)]
    pub certifications: Vec<String>,
}

impl Review {
    /// Checks dates and durations.
    pub fn check(&self) -> AppResult<()> {
        let received = Date::parse(&self.received)
            .map_err(|e| AppError::BadRequest(format!("received `{}`: {e}", self.received)))?;
        let until = Date::parse(&self.valid_until).map_err(|e| {
            AppError::BadRequest(format!("valid until `{}`: {e}", self.valid_until))
        })?;
        if until < received {
            return Err(AppError::BadRequest(
                "the statement cannot expire before it was received".into(),
            ));
        }
        for d in self.rto.iter().chain(&self.rpo) {
            Duration::parse(d).map_err(|e| AppError::BadRequest(format!("duration `{d}`: {e}")))?;
        }
        if self.certifications.len() > 50 {
            return Err(AppError::BadRequest(
                "at most 50 certifications per statement".into(),
            ));
        }
        for c in &self.certifications {
            if c.trim().is_empty() || c.chars().count() > 200 || c.chars().any(char::is_control) {
                return Err(AppError::BadRequest(format!(
                    "certification `{}`: 1 to 200 characters on one line",
                    c.escape_debug()
                )));
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    received: String,
    valid_until: String,
    rto: Option<String>,
    rpo: Option<String>,
    certifications: Option<String>,
}

/// `POST /requests/{id}/review`.
pub async fn review_page(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    require(&p, Role::Editor)?;
    let clean = |v: Option<String>| v.map(|x| x.trim().to_owned()).filter(|x| !x.is_empty());
    let review = Review {
        received: f.received.trim().to_owned(),
        valid_until: f.valid_until.trim().to_owned(),
        rto: clean(f.rto),
        rpo: clean(f.rpo),
        certifications: f
            .certifications
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
    };
    let change = Change {
        review: Some(review),
        ..Change::default()
    };
    change_request(&state, &p, id, &change).await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

/// `GET /requests/{id}/patch`: the YAML change of a reviewed statement, as a unified diff.
pub async fn patch(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Response> {
    let (_, _, diff) = reviewed_patch(&state, id).await?;
    let mut resp = (StatusCode::OK, diff).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/x-diff; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"request-{id}-statement.patch\""
        ))
        .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(resp)
}

/// The unified diff that writes `review` as the supplier's
/// `spec.continuity` in its YAML file (keeping `requested`).
pub fn statement_patch(s: &Snapshot, supplier: &str, review: &Review) -> AppResult<String> {
    let c = &s.loaded.catalog;
    let r = linchpin_model::EntityRef::parse(supplier, Some(Kind::Supplier), "default")
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let id = c.lookup(&r).ok_or_else(|| {
        AppError::NotFound(format!(
            "the supplier `{supplier}` is no longer in the landscape"
        ))
    })?;
    let e = c.entity(id);
    let Spec::Supplier(sp) = &e.spec else {
        return Err(AppError::NotFound(format!(
            "`{supplier}` is not a supplier"
        )));
    };
    let path = s.loaded.sources.path(e.span.file).to_owned();
    let text = &s.loaded.sources.get(e.span.file).text;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = (e.span.line as usize).saturating_sub(1).min(lines.len());
    let is_sep = |l: &str| l.trim_end() == "---" || l.starts_with("--- ");
    let doc_start = (0..at)
        .rev()
        .find(|&i| is_sep(lines[i]))
        .map_or(0, |i| i + 1);
    let doc_end = (at..lines.len())
        .find(|&i| is_sep(lines[i]))
        .unwrap_or(lines.len());
    let spec = (doc_start..doc_end)
        .find(|&i| lines[i].trim_end() == "spec:")
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "cannot find `spec:` of `{supplier}` in {path}; edit the file by hand"
            ))
        })?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let blank = |l: &str| l.trim().is_empty() || l.trim_start().starts_with('#');
    // The end of the spec block: the first line at indent 0 after it.
    let spec_end = (spec + 1..doc_end)
        .find(|&i| !blank(lines[i]) && indent(lines[i]) == 0)
        .unwrap_or(doc_end);
    let mut last = spec_end;
    while last > spec + 1 && blank(lines[last - 1]) {
        last -= 1;
    }
    let continuity = (spec + 1..spec_end).find(|&i| lines[i].trim_end() == "  continuity:");
    let (from, to) = match continuity {
        Some(start) => {
            let end = (start + 1..spec_end)
                .find(|&i| !blank(lines[i]) && indent(lines[i]) <= 2)
                .unwrap_or(last);
            (start, end)
        }
        None => (last, last),
    };
    // Dates and durations are written from their parsed values, in
    // canonical form; free text through the YAML scalar emitter.
    review.check()?;
    let date = |s: &str| Date::parse(s).map_err(|e| AppError::BadRequest(e.to_string()));
    let duration = |s: &str| Duration::parse(s).map_err(|e| AppError::BadRequest(e.to_string()));
    let mut block = String::from("  continuity:\n");
    if let Some(req) = sp.continuity.as_ref().and_then(|c| c.requested) {
        let _ = writeln!(block, "    requested: {req}");
    }
    let _ = writeln!(
        block,
        "    statement:\n      received: {}\n      validUntil: {}",
        date(&review.received)?,
        date(&review.valid_until)?
    );
    if let Some(rto) = &review.rto {
        let _ = writeln!(block, "      rto: {}", duration(rto)?);
    }
    if let Some(rpo) = &review.rpo {
        let _ = writeln!(block, "      rpo: {}", duration(rpo)?);
    }
    if !review.certifications.is_empty() {
        let items: Vec<String> = review
            .certifications
            .iter()
            .map(|c| yaml_scalar(c.trim()))
            .collect();
        let _ = writeln!(block, "      certifications: [{}]", items.join(", "));
    }
    let mut old: Vec<String> = lines[from..to].iter().map(|l| (*l).to_owned()).collect();
    if let Some(l) = old.last_mut() {
        if !l.ends_with('\n') {
            l.push('\n');
        }
    }
    let new: Vec<String> = block.split_inclusive('\n').map(str::to_owned).collect();
    Ok(unified_diff(&path, &lines, from, to, &old, &new))
}

/// A string as a YAML scalar that reads back as exactly that string, in a
/// block or a flow collection: plain when it is a simple word that YAML
/// cannot take for anything else (`ISO22301`, `SOC2-Type2`), otherwise
/// double-quoted. A JSON string is a valid YAML double-quoted scalar (YAML
/// 1.2 is a superset of JSON), so the quoting is serde_json's, which
/// escapes quotes, backslashes and control characters.
pub fn yaml_scalar(text: &str) -> String {
    let simple = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '+'));
    let special = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "nan" | "inf"
    ) || text.parse::<f64>().is_ok()
        || text.starts_with("0x")
        || text.starts_with("0o")
        || Date::parse(text).is_ok();
    if simple && !special {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
    }
}

/// One hunk replacing `lines[from..to]` by `new`, with three lines of context.
fn unified_diff(
    path: &str,
    lines: &[&str],
    from: usize,
    to: usize,
    old: &[String],
    new: &[String],
) -> String {
    let ctx_start = from.saturating_sub(3);
    let ctx_end = (to + 3).min(lines.len());
    let before = &lines[ctx_start..from];
    let after = &lines[to..ctx_end];
    let old_len = before.len() + old.len() + after.len();
    let new_len = before.len() + new.len() + after.len();
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let start = |len: usize| if len == 0 { ctx_start } else { ctx_start + 1 };
    let _ = writeln!(
        out,
        "@@ -{},{} +{},{} @@",
        start(old_len),
        old_len,
        start(new_len),
        new_len
    );
    let line = |out: &mut String, prefix: char, l: &str| {
        out.push(prefix);
        out.push_str(l);
        if !l.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    };
    for l in before {
        line(&mut out, ' ', l);
    }
    for l in old {
        line(&mut out, '-', l);
    }
    for l in new {
        line(&mut out, '+', l);
    }
    for l in after {
        line(&mut out, ' ', l);
    }
    out
}

/// The content type of an evidence file, from its first bytes and name;
/// `None` for anything else (executables, HTML, images of unknown kinds…).
pub fn sniff(filename: &str, data: &[u8]) -> Option<&'static str> {
    let ext = filename
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if data.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if data.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => {
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            }
            "xlsx" => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "pptx" => {
                Some("application/vnd.openxmlformats-officedocument.presentationml.presentation")
            }
            "odt" => Some("application/vnd.oasis.opendocument.text"),
            "ods" => Some("application/vnd.oasis.opendocument.spreadsheet"),
            "odp" => Some("application/vnd.oasis.opendocument.presentation"),
            _ => None,
        };
    }
    if data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return match ext.as_str() {
            "doc" => Some("application/msword"),
            "xls" => Some("application/vnd.ms-excel"),
            "ppt" => Some("application/vnd.ms-powerpoint"),
            _ => None,
        };
    }
    if matches!(ext.as_str(), "txt" | "csv" | "md")
        && std::str::from_utf8(data).is_ok()
        && !data.contains(&0)
    {
        return Some(match ext.as_str() {
            "csv" => "text/csv",
            "md" => "text/markdown",
            _ => "text/plain",
        });
    }
    None
}

/// A safe display name for an uploaded file.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "evidence".to_owned()
    } else {
        cleaned
    }
}

/// Reads one file out of a multipart body, with the CSRF field when asked.
async fn read_upload(mut m: Multipart, max: usize) -> AppResult<(Option<String>, String, Vec<u8>)> {
    let mut csrf = None;
    let mut file = None;
    while let Some(mut field) = m.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("files are limited to {} MiB", max / (1024 * 1024)))
        } else {
            AppError::BadRequest(format!("the upload is not a valid form: {e}"))
        }
    })? {
        match field.name() {
            Some("csrf") => {
                csrf = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| AppError::BadRequest(e.to_string()))?,
                );
            }
            Some("file") => {
                let name = clean_name(field.file_name().unwrap_or("evidence"));
                let mut data = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    AppError::TooLarge(format!(
                        "the upload failed or is larger than {} MiB: {e}",
                        max / (1024 * 1024)
                    ))
                })? {
                    if data.len() + chunk.len() > max {
                        return Err(AppError::TooLarge(format!(
                            "files are limited to {} MiB",
                            max / (1024 * 1024)
                        )));
                    }
                    data.extend_from_slice(&chunk);
                }
                file = Some((name, data));
            }
            _ => {}
        }
    }
    let (name, data) = file.ok_or_else(|| AppError::BadRequest("the form has no `file`".into()))?;
    if data.is_empty() {
        return Err(AppError::BadRequest("the file is empty".into()));
    }
    Ok((csrf, name, data))
}

async fn store_upload(
    state: &AppState,
    p: &Principal,
    id: i64,
    name: &str,
    data: &[u8],
) -> AppResult<i64> {
    find_request(state, id).await?;
    let ty = sniff(name, data).ok_or_else(|| {
        AppError::Unsupported(format!(
            "`{name}` is not a PDF, Word, Excel, PowerPoint, OpenDocument or text file (checked by its content)"
        ))
    })?;
    Ok(state
        .db
        .add_upload(&p.name, id, name, ty, data, state.now())
        .await?)
}

/// `POST /requests/{id}/uploads` (the page's form).
pub async fn upload_page(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(id): Path<i64>,
    m: Multipart,
) -> AppResult<Response> {
    require(&p, Role::Editor)?;
    let (token, name, data) = read_upload(m, state.settings.max_upload).await?;
    check_csrf(&csrf, token.as_deref().unwrap_or(""))?;
    store_upload(&state, &p, id, &name, &data).await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

/// `POST /api/v1/requests/{id}/uploads`.
pub async fn upload_api(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
    m: Multipart,
) -> AppResult<Response> {
    require(&p, Role::Editor)?;
    let (_, name, data) = read_upload(m, state.settings.max_upload).await?;
    let uid = store_upload(&state, &p, id, &name, &data).await?;
    let u = state
        .db
        .uploads(id)
        .await?
        .into_iter()
        .find(|u| u.id == uid);
    Ok((
        StatusCode::CREATED,
        Json(u.map(|u| crate::api::upload_json(&u))),
    )
        .into_response())
}

/// `GET /requests/{id}/uploads/{upload}`: always as an attachment.
pub async fn download(
    State(state): State<AppState>,
    Path((id, upload)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (u, data) = state
        .db
        .upload_data(id, upload)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no file {upload} on request #{id}")))?;
    let mut resp = (StatusCode::OK, data).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&u.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let ascii: String = u
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\""))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("sandbox"),
    );
    Ok(resp)
}

/// `GET /requests.csv`.
pub async fn csv(State(state): State<AppState>) -> AppResult<Response> {
    let today = state.today();
    let requests = state.db.requests(None).await?;
    let rows = requests.iter().map(|r| {
        [
            r.id.to_string(),
            r.supplier.clone(),
            r.kind.clone(),
            r.due.clone(),
            shown_status(r, today).to_owned(),
            r.team.clone().unwrap_or_default(),
            datetime(r.created_at),
            r.created_by.clone(),
            datetime(r.updated_at),
        ]
    });
    let out = linchpin_report::csv::table(
        &[
            "id",
            "supplier",
            "kind",
            "due",
            "status",
            "team",
            "created",
            "created_by",
            "updated",
        ],
        rows,
    );
    let mut resp = (StatusCode::OK, out).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"linchpin-requests.csv\""),
    );
    Ok(resp)
}

/// What a branch commit made.
#[derive(Debug, Clone, Serialize)]
pub struct BranchCommit {
    /// The new branch.
    pub branch: String,
    /// Its commit.
    pub commit: String,
}

fn git(dir: &std::path::Path, args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "git {} failed: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Commits `diff` on a new branch of the git checkout holding `dir`, from
/// its HEAD, without touching the working tree (a temporary worktree).
#[allow(clippy::disallowed_methods)] // the patch file for git, in the temporary worktree
pub fn commit_on_branch(
    dir: &std::path::Path,
    branch: &str,
    diff: &str,
    message: &str,
    author: &str,
) -> Result<BranchCommit, String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        "the landscape is not in a git checkout; download the patch instead".to_owned()
    })?;
    let top = std::path::PathBuf::from(top);
    let prefix = dir
        .canonicalize()
        .ok()
        .and_then(|d| {
            d.strip_prefix(top.canonicalize().ok()?)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    if git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}"),
        ],
    )
    .is_ok()
    {
        return Err(format!("the branch `{branch}` exists already"));
    }
    let tmp = std::env::temp_dir().join(format!("linchpin-worktree-{}", crate::db::secret()));
    let tmp_s = tmp.to_string_lossy().into_owned();
    git(
        &top,
        &["worktree", "add", "--quiet", "-b", branch, &tmp_s, "HEAD"],
    )?;
    let result = (|| {
        let patch = tmp.join(".linchpin.patch");
        std::fs::write(&patch, diff).map_err(|e| format!("cannot write the patch: {e}"))?;
        let patch_s = patch.to_string_lossy().into_owned();
        let mut apply = vec!["apply"];
        let dir_arg = format!("--directory={prefix}");
        if !prefix.is_empty() {
            apply.push(&dir_arg);
        }
        apply.push(&patch_s);
        git(&tmp, &apply)?;
        let _ = std::fs::remove_file(&patch);
        git(&tmp, &["add", "-A"])?;
        git(
            &tmp,
            &[
                "-c",
                "user.name=Linchpin",
                "-c",
                "user.email=linchpin@localhost",
                "commit",
                "--quiet",
                "--author",
                &format!("{author} via Linchpin <linchpin@localhost>"),
                "-m",
                message,
            ],
        )?;
        git(&tmp, &["rev-parse", "HEAD"])
    })();
    let _ = git(&top, &["worktree", "remove", "--force", &tmp_s]);
    match result {
        Ok(commit) => Ok(BranchCommit {
            branch: branch.to_owned(),
            commit,
        }),
        Err(e) => {
            let _ = git(&top, &["branch", "-D", branch]);
            Err(e)
        }
    }
}

/// Commits a reviewed statement's change on `linchpin/statement-{id}`.
pub async fn branch_for(state: &AppState, p: &Principal, id: i64) -> AppResult<BranchCommit> {
    require(p, Role::Editor)?;
    let (r, review, diff) = reviewed_patch(state, id).await?;
    let dir = state.settings.dir.clone();
    let branch = format!("linchpin/statement-{id}");
    let message = format!(
        "Continuity statement of {} received {}, valid until {}\n\nReviewed by {} in Linchpin (request #{id}).",
        r.supplier, review.received, review.valid_until, p.name
    );
    let author = p.name.clone();
    let made = tokio::task::spawn_blocking(move || {
        commit_on_branch(&dir, &branch, &diff, &message, &author)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::BadRequest)?;
    state
        .db
        .add_comment(
            &p.name,
            id,
            &format!(
                "committed on branch {} ({})",
                made.branch,
                &made.commit[..12.min(made.commit.len())]
            ),
            state.now(),
        )
        .await?;
    Ok(made)
}

#[derive(Deserialize)]
pub struct BranchForm {
    csrf: String,
}

/// `POST /requests/{id}/branch`.
pub async fn branch_page(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(csrf): Extension<Csrf>,
    Path(id): Path<i64>,
    Form(f): Form<BranchForm>,
) -> AppResult<Response> {
    check_csrf(&csrf, &f.csrf)?;
    branch_for(&state, &p, id).await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

/// `POST /api/v1/requests/{id}/branch`.
pub async fn branch_api(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let made = branch_for(&state, &p, id).await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}
