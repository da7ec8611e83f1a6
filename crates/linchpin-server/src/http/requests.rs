//! The continuity workflow's pages and forms: the request list, a request
//! with its comments, evidence and review, the patch and the branch, and
//! the CSV export.

use crate::domain::evidence::clean_name;
use crate::domain::evidence::store_upload;
use crate::domain::requests::reviewed_patch;
use crate::views::supplier_link;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use linchpin_model::Kind;
use serde::Deserialize;
use std::fmt::Write as _;

use crate::access::check_csrf;
use crate::access::Csrf;
use crate::db::Principal;
use crate::db::Role;
use crate::db::{RequestKind, RequestStatus};
use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::patch::Review;
use crate::domain::requests::branch_for;
use crate::domain::requests::change_request;
use crate::domain::requests::create;
use crate::domain::requests::page_request;
use crate::domain::requests::Change;
use crate::domain::requests::NewRequest;
use crate::domain::requests::COMMENT_LIMIT;
use crate::domain::state::find_request;
use crate::domain::state::require;
use crate::domain::state::snapshot;
use crate::views::csrf_field;
use crate::views::datetime;
use crate::views::table;
use crate::views::url_encode;
use crate::AppState;
use linchpin_report::view::esc;

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
    Ok(crate::http::pages::render(
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
    for k in RequestKind::ALL {
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
    Ok(crate::http::pages::render(
        &state,
        "New request",
        Some(&p),
        &csrf,
        Some(&s),
        &b,
    ))
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
    let st = r.shown_status(today);
    let mut b = format!(
        "<h1>Request #{} — {}</h1><table><tbody><tr><th>supplier</th><td>{}</td></tr><tr><th>due</th><td>{}</td></tr><tr><th>status</th><td class=\"{}\">{}</td></tr><tr><th>team</th><td>{}</td></tr><tr><th>created</th><td>{} by {}</td></tr><tr><th>updated</th><td>{}</td></tr></tbody></table>",
        r.id,
        r.kind,
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
        for x in RequestStatus::ALL
            .iter()
            .filter(|x| **x != RequestStatus::Reviewed)
        {
            let _ = write!(
                b,
                "<option{}>{x}</option>",
                if *x == r.status { " selected" } else { "" }
            );
        }
        b.push_str("</select></label><button>Set status</button></form>");
    }
    if r.kind == RequestKind::Statement
        && editor
        && matches!(r.status, RequestStatus::Received | RequestStatus::Reviewed)
    {
        let _ = write!(
            b,
            "<h2>Review the statement</h2><p class=\"muted\">What the supplier committed to. Reviewing produces the change to the landscape's YAML.</p><form method=\"post\" action=\"/requests/{}/review\" class=\"inline\">{}<label>Received<input type=\"date\" name=\"received\" required value=\"{today}\"></label><label>Valid until<input type=\"date\" name=\"valid_until\" required></label><label>RTO<input name=\"rto\" size=\"5\" placeholder=\"4h\"></label><label>RPO<input name=\"rpo\" size=\"5\" placeholder=\"1h\"></label><label>Certifications<input name=\"certifications\" placeholder=\"ISO22301, SOC2-Type2\"></label><button>Mark reviewed</button></form>",
            r.id,
            csrf_field(&csrf)
        );
    }
    if r.status == RequestStatus::Reviewed && r.review.is_some() {
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
    Ok(crate::http::pages::render(
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

/// Reads one file out of a multipart body, with the CSRF field when asked.
pub(crate) async fn read_upload(
    mut m: Multipart,
    max: usize,
) -> AppResult<(Option<String>, String, Vec<u8>)> {
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
        Json(u.map(|u| crate::http::api::upload_json(&u))),
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
            r.kind.to_string(),
            r.due.clone(),
            r.shown_status(today).to_owned(),
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
