//! The continuity workflow's pages and forms: the request list, a request
//! with its comments, evidence and review, the patch and the branch, and
//! the CSV export.

use crate::domain::evidence::clean_name;
use crate::domain::evidence::store_upload;
use crate::domain::requests::reviewed_patch;
use crate::http::pages::frame;
use crate::views::requests::{
    NewRequestPage, RequestPage, RequestRow, RequestsPage, SupplierOption,
};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use linchpin_model::Kind;
use serde::Deserialize;

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
use crate::views::datetime;
use crate::views::url_encode;
use crate::AppState;

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
    let s = state.current();
    let rows: Vec<RequestRow> = shown
        .iter()
        .map(|r| RequestRow::of(s.as_deref(), r, today))
        .collect();
    let next = next.map(|next| {
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
        query
    });
    Ok(crate::views::html(&RequestsPage {
        title: "Requests",
        frame: &frame(&state, Some(&p), &csrf, s.as_deref()),
        heading: if due_view {
            "Due and overdue"
        } else {
            "Requests"
        },
        editor: p.role >= Role::Editor,
        today,
        overdue,
        supplier: filter.supplier.as_deref(),
        rows: &rows,
        next,
        limit,
    }))
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
    let suppliers = s
        .report
        .ranking
        .iter()
        .map(|r| {
            let key = c.entity(r.id).entity_ref.to_string();
            SupplierOption {
                selected: q.supplier.as_deref() == Some(key.as_str()),
                key,
                title: c.entity(r.id).display_name().to_owned(),
                tier: r.tier,
            }
        })
        .collect();
    Ok(crate::views::html(&NewRequestPage {
        title: "New request",
        frame: &frame(&state, Some(&p), &csrf, Some(&s)),
        suppliers,
        kinds: RequestKind::ALL,
        due: state.today().add_days(30),
        teams: c
            .of_kind(&Kind::Group)
            .map(|(_, g)| g.entity_ref.to_string())
            .collect(),
    }))
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
    let editor = p.role >= Role::Editor;
    let uploads = state.db.uploads(id).await?;
    let comments = state.db.comments(id).await?;
    let reviewed = r.status == RequestStatus::Reviewed && r.review.is_some();
    Ok(crate::views::html(&RequestPage {
        title: &format!("Request #{id}"),
        frame: &frame(&state, Some(&p), &csrf, s.as_deref()),
        r: &r,
        row: RequestRow::of(s.as_deref(), &r, today),
        team: r.team.as_deref().unwrap_or("—"),
        created: datetime(r.created_at),
        updated: datetime(r.updated_at),
        editor,
        statuses: RequestStatus::ALL
            .iter()
            .copied()
            .filter(|x| *x != RequestStatus::Reviewed)
            .collect(),
        review_form: r.kind == RequestKind::Statement
            && editor
            && matches!(r.status, RequestStatus::Received | RequestStatus::Reviewed),
        today,
        patch: reviewed,
        branch: reviewed && editor && s.as_ref().is_some_and(|s| s.commit.is_some()),
        uploads: &uploads,
        max_mib: state.settings.max_upload / (1024 * 1024),
        comments: &comments,
    }))
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
