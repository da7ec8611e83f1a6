//! `/api/v1`: JSON for machines, in the shapes of the command line's
//! `--format json` (docs/json.md) where there is one. Described by
//! `/api/v1/openapi.json`.

use crate::db::{Principal, Request, Role, Upload};
use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::patch::Review;
use crate::domain::requests::NewRequest;
use crate::domain::state::find_request;
use crate::domain::state::require;
use crate::domain::state::snapshot;
use crate::domain::state::AppState;
use crate::domain::whatif::failure_spec;
use crate::domain::whatif::parse_whatif_query;
use crate::domain::whatif::WhatifQuery;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use linchpin_diagnostics::Severity;
use linchpin_engine::whatif::whatif_with;
use linchpin_engine::Propagator;
use linchpin_model::{Date, Kind};
use linchpin_report::contract::{ref_of, supplier_json, whatif_json};
use serde::Deserialize;
use serde_json::{json, Value};

/// `GET /api/v1/status`.
pub async fn status(State(state): State<AppState>) -> Json<Value> {
    let s = state.current();
    let r = state.rejected();
    Json(json!({
        "version": s.as_ref().map(|s| s.version.clone()),
        "commit": s.as_ref().and_then(|s| s.commit.clone()),
        "entities": s.as_ref().map_or(0, |s| s.loaded.catalog.len()),
        "today": state.today().to_string(),
        "rejected": r.map(|r| json!({ "version": r.version, "errors": r.errors, "diagnostics": r.text })),
        "database": state.database_problem().map_or_else(
            || json!({ "ok": true }),
            |problem| json!({ "ok": false, "problem": problem }),
        ),
    }))
}

#[derive(Deserialize)]
pub struct EntitiesQuery {
    kind: Option<String>,
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

fn entity_json(
    s: &crate::domain::snapshot::Snapshot,
    id: linchpin_model::EntityId,
    full: bool,
) -> Value {
    let c = &s.loaded.catalog;
    let e = c.entity(id);
    let mut v = json!({
        "ref": e.entity_ref.to_string(),
        "kind": e.kind().display_name(),
        "namespace": e.entity_ref.namespace.as_str(),
        "name": e.entity_ref.name.as_str(),
        "title": e.metadata.title,
        "file": s.loaded.sources.path(e.span.file),
        "line": e.span.line,
        "owner": e.owner().map(|o| o.value.to_string()),
    });
    if let Some(r) = s.rank(id) {
        v["tier"] = json!(r.tier);
    }
    if full {
        v["description"] = json!(e.metadata.description);
        v["dependsOn"] = json!(c
            .dependencies(id)
            .iter()
            .flat_map(|d| d.target.entities().iter().map(|&t| ref_of(c, t)))
            .collect::<Vec<_>>());
        if let Some(r) = s.rank(id) {
            v["rank"] = supplier_json(c, r);
        }
        v["findings"] = json!(s
            .findings_of(id)
            .map(|f| finding_json(s, f))
            .collect::<Vec<_>>());
    }
    v
}

/// `GET /api/v1/entities`.
pub async fn entities(
    State(state): State<AppState>,
    Query(q): Query<EntitiesQuery>,
) -> AppResult<Json<Value>> {
    let s = snapshot(&state)?;
    let kind = q.kind.as_deref().map(Kind::parse);
    let limit = q.limit.unwrap_or(1000).min(10_000);
    let matching: Vec<_> = s
        .loaded
        .catalog
        .iter()
        .filter(|(_, e)| kind.as_ref().is_none_or(|k| e.kind() == k))
        .map(|(id, _)| id)
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(q.offset)
        .take(limit)
        .map(|&id| entity_json(&s, id, false))
        .collect();
    Ok(Json(
        json!({ "total": matching.len(), "offset": q.offset, "entities": page }),
    ))
}

/// `GET /api/v1/entities/{kind}/{namespace}/{name}`.
pub async fn entity(
    State(state): State<AppState>,
    Path((kind, namespace, name)): Path<(String, String, String)>,
) -> AppResult<Json<Value>> {
    let s = snapshot(&state)?;
    let wanted = linchpin_model::EntityRef {
        kind: Kind::parse(&kind),
        namespace: namespace.as_str().into(),
        name: name.as_str().into(),
    };
    let id = s
        .loaded
        .catalog
        .lookup(&wanted)
        .ok_or_else(|| AppError::NotFound(format!("no entity `{wanted}`")))?;
    Ok(Json(entity_json(&s, id, true)))
}

/// `GET /api/v1/rank`: as `linchpin rank --format json`.
pub async fn rank(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let s = snapshot(&state)?;
    let c = &s.loaded.catalog;
    Ok(Json(json!({
        "suppliers": s.report.ranking.iter().map(|r| supplier_json(c, r)).collect::<Vec<_>>()
    })))
}

async fn run_whatif(state: &AppState, q: WhatifQuery) -> AppResult<Response> {
    let s = snapshot(state)?;
    let spec = failure_spec(&s, &q)?;
    if spec.fail.is_empty() {
        return Err(AppError::BadRequest(
            "name what fails: `fail=supplier:NAME`".into(),
        ));
    }
    // The same failure of the same version always gives the same answer.
    let key = format!(
        "whatif:{:?}:{}:{:?}",
        spec.fail,
        spec.mode.as_str(),
        spec.duration.map(|d| d.seconds())
    );
    let shared = state.clone();
    let body = crate::domain::state::analysis(move || {
        shared.cached(&s.version, &key, || {
            let c = &s.loaded.catalog;
            let mut prop = Propagator::new(&s.graph);
            let result = whatif_with(c, &s.graph, &mut prop, &spec);
            whatif_json(c, None, None, &spec, &result).to_string()
        })
    })
    .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        (*body).clone(),
    )
        .into_response())
}

/// `GET /api/v1/whatif?fail=REF&fail=REF&mode=outage|permanent&duration=4h`: as `linchpin whatif --format json`.
pub async fn whatif_get(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    run_whatif(&state, parse_whatif_query(q.as_deref().unwrap_or(""))).await
}

/// `POST /api/v1/whatif` with `{"fail": [...], "mode": ..., "duration": ...}`.
pub async fn whatif_post(
    State(state): State<AppState>,
    Json(q): Json<WhatifQuery>,
) -> AppResult<Response> {
    run_whatif(&state, q).await
}

fn finding_json(s: &crate::domain::snapshot::Snapshot, f: &linchpin_engine::Finding) -> Value {
    let e = s.loaded.catalog.entity(f.entity);
    json!({
        "id": f.id,
        "severity": match f.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "info" },
        "entity": e.entity_ref.to_string(),
        "message": f.message,
        "file": s.loaded.sources.path(e.span.file),
        "line": e.span.line,
    })
}

#[derive(Deserialize)]
pub struct FindingsQuery {
    severity: Option<String>,
    id: Option<String>,
    entity: Option<String>,
}

/// `GET /api/v1/findings`.
pub async fn findings(
    State(state): State<AppState>,
    Query(q): Query<FindingsQuery>,
) -> AppResult<Json<Value>> {
    let s = snapshot(&state)?;
    let list: Vec<Value> = s
        .report
        .findings
        .iter()
        .map(|f| finding_json(&s, f))
        .filter(|v| q.severity.as_deref().is_none_or(|x| v["severity"] == x))
        .filter(|v| q.id.as_deref().is_none_or(|x| v["id"] == x))
        .filter(|v| q.entity.as_deref().is_none_or(|x| v["entity"] == x))
        .collect();
    Ok(Json(json!({ "findings": list })))
}

/// `GET /api/v1/history`: every loaded version, oldest first.
pub async fn history(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let versions = state.db.versions(1000).await?;
    Ok(Json(json!({
        "versions": versions.iter().map(|v| json!({
            "version": v.version,
            "commit": v.commit,
            "loadedAt": v.loaded_at,
            "entities": v.entities,
            "suppliers": v.suppliers,
            "tiers": v.tiers,
            "findings": { "errors": v.findings_errors, "warnings": v.findings_warnings, "total": v.findings_total },
            "ready": v.ready,
            "readyOf": v.ready_of,
            "breaches": v.breaches,
        })).collect::<Vec<_>>()
    })))
}

/// A request as JSON.
pub fn request_json(r: &Request, today: Date) -> Value {
    json!({
        "id": r.id,
        "supplier": r.supplier,
        "kind": r.kind,
        "due": r.due,
        "team": r.team,
        "status": r.shown_status(today),
        "storedStatus": r.status,
        "createdAt": r.created_at,
        "updatedAt": r.updated_at,
        "createdBy": r.created_by,
        "review": r.review.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok()),
    })
}

/// An upload as JSON.
pub fn upload_json(u: &Upload) -> Value {
    json!({
        "id": u.id,
        "requestId": u.request_id,
        "filename": u.filename,
        "contentType": u.content_type,
        "size": u.size,
        "sha256": u.sha256,
        "author": u.author,
        "createdAt": u.created_at,
    })
}

#[derive(Deserialize)]
pub struct RequestsQuery {
    supplier: Option<String>,
    status: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

/// `GET /api/v1/requests`.
pub async fn requests(
    State(state): State<AppState>,
    Query(q): Query<RequestsQuery>,
) -> AppResult<Json<Value>> {
    let today = state.today();
    let (filter, cursor, limit) = crate::domain::requests::page_request(
        q.supplier.as_deref(),
        q.status.as_deref(),
        q.limit,
        q.cursor.as_deref(),
        today,
    )?;
    let (page, next) = state
        .db
        .requests_page(&filter, cursor.as_ref(), limit)
        .await?;
    let list: Vec<Value> = page.iter().map(|r| request_json(r, today)).collect();
    Ok(Json(
        json!({ "requests": list, "next": next.map(|c| c.encode()) }),
    ))
}

/// `POST /api/v1/requests`.
pub async fn create_request(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Json(new): Json<NewRequest>,
) -> AppResult<Response> {
    let id = crate::domain::requests::create(&state, &p, &new).await?;
    let r = state
        .db
        .request(id)
        .await?
        .ok_or_else(|| AppError::Internal("a created request vanished".into()))?;
    Ok((StatusCode::CREATED, Json(request_json(&r, state.today()))).into_response())
}

/// `GET /api/v1/requests/{id}`: with comments and uploads.
pub async fn request(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Value>> {
    let r = find_request(&state, id).await?;
    let mut v = request_json(&r, state.today());
    v["comments"] = json!(state
        .db
        .comments(id)
        .await?
        .iter()
        .map(|c| json!({ "author": c.author, "body": c.body, "createdAt": c.created_at }))
        .collect::<Vec<_>>());
    v["uploads"] = json!(state
        .db
        .uploads(id)
        .await?
        .iter()
        .map(upload_json)
        .collect::<Vec<_>>());
    Ok(Json(v))
}

/// A change to a request.
#[derive(Deserialize)]
pub struct RequestChange {
    status: Option<String>,
    comment: Option<String>,
    review: Option<Review>,
}

/// `PATCH /api/v1/requests/{id}`: `{"status"}`, `{"comment"}` or `{"review"}`.
pub async fn update_request(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
    Json(change): Json<RequestChange>,
) -> AppResult<Json<Value>> {
    let change = crate::domain::requests::Change {
        status: change.status,
        comment: change.comment,
        review: change.review,
    };
    crate::domain::requests::change_request(&state, &p, id, &change).await?;
    request(State(state), Path(id)).await
}

/// `GET /api/v1/history/{version}`: the analysis results a version was recorded with.
pub async fn version(
    State(state): State<AppState>,
    Path(version): Path<String>,
) -> AppResult<Json<Value>> {
    let results = state
        .db
        .version_results(&version)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no recorded version `{version}`")))?;
    let results: Value =
        serde_json::from_str(&results).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(json!({ "version": version, "results": results })))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    limit: Option<usize>,
    cursor: Option<String>,
}

/// `GET /api/v1/audit?limit=&cursor=` (admin): the audit log, newest first,
/// a page at a time.
pub async fn audit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<Value>> {
    require(&p, Role::Admin)?;
    let limit = q.limit.unwrap_or(crate::domain::requests::PAGE);
    if !(1..=crate::domain::requests::MAX_PAGE).contains(&limit) {
        return Err(AppError::BadRequest(format!(
            "limit is 1 to {} entries per page",
            crate::domain::requests::MAX_PAGE
        )));
    }
    let before = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            AppError::BadRequest(format!("cursor `{c}` is not one this server gave"))
        })?),
    };
    let (entries, next) = state.db.audit_page(before, limit).await?;
    Ok(Json(json!({
        "entries": entries.iter().map(|(id, a)| json!({
            "id": id, "at": a.at, "actor": a.actor, "action": a.action,
            "subject": a.subject, "detail": a.detail,
        })).collect::<Vec<_>>(),
        "next": next.map(|n| n.to_string()),
    })))
}

/// `GET /api/v1/tokens` (admin): every token, without secrets.
pub async fn tokens(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> AppResult<Json<Value>> {
    require(&p, Role::Admin)?;
    let list = state.db.tokens().await?;
    Ok(Json(json!({
        "tokens": list.iter().map(|t| json!({
            "id": t.id, "name": t.name, "role": t.role, "createdAt": t.created_at, "revoked": t.revoked,
        })).collect::<Vec<_>>()
    })))
}

/// A token to make.
#[derive(Deserialize)]
pub struct NewToken {
    name: String,
    role: String,
}

/// Makes a token (admin); the secret is returned once.
pub async fn make_token(
    state: &AppState,
    p: &Principal,
    name: &str,
    role: &str,
) -> AppResult<String> {
    require(p, Role::Admin)?;
    let role = Role::parse(role).ok_or_else(|| {
        AppError::BadRequest(format!(
            "role `{role}` is not one of calendar, viewer, editor, admin"
        ))
    })?;
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "a token's name has 1 to 100 printable characters".into(),
        ));
    }
    let token = state
        .db
        .create_token(&p.name, name, role, state.now())
        .await?;
    Ok(token)
}

/// `POST /api/v1/tokens` (admin): `{"name", "role"}` → `{"token"}`, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Json(t): Json<NewToken>,
) -> AppResult<Response> {
    let token = make_token(&state, &p, &t.name, &t.role).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "name": t.name.trim(), "role": t.role, "token": token })),
    )
        .into_response())
}

/// `DELETE /api/v1/tokens/{id}` (admin).
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    require(&p, Role::Admin)?;
    if !state.db.revoke_token(&p.name, id, state.now()).await? {
        return Err(AppError::NotFound(format!("no live token {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}
