//! The router: every page and API route, the middleware, `/healthz`, and
//! JSON errors under `/api/`.

use crate::http::auth::authenticate;
use crate::http::{api, openapi, pages, requests};
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::domain::error::AppError;
use crate::AppState;
use axum::extract::Request;

/// `/healthz`: `ok`, or 503 with why when the database cannot be written
/// (a load balancer then stops sending changes to this replica).
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    match state.database_problem() {
        None => "ok".into_response(),
        Some(problem) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({
                "error": format!("the database cannot be written: {problem}"),
                "status": 503,
            })),
        )
            .into_response(),
    }
}

/// A path nothing answers.
pub(crate) async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::NotFound(format!("nothing at `{}`", uri.path()))
}

/// Every error under `/api/` is JSON with a message, also those the
/// framework answers itself: 405 for a wrong method, and the extractors'
/// 400, 413, 415 and 422 (their plain-text reason becomes the message).
pub(crate) async fn api_errors(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if !text.is_empty() {
        text
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = parts
            .headers
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        format!("{method} is not allowed here; allowed: {allowed}")
    } else {
        status.canonical_reason().unwrap_or("error").to_owned()
    };
    let body = serde_json::json!({ "error": message, "status": status.as_u16() });
    let mut out = (status, axum::Json(body)).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}

/// The router with every page and API route.
pub fn app(state: AppState) -> Router {
    let max_upload = state.settings.max_upload;
    let uploads = Router::new()
        .route("/requests/{id}/uploads", post(requests::upload_page))
        .route("/api/v1/requests/{id}/uploads", post(requests::upload_api))
        .layer(DefaultBodyLimit::max(max_upload + 64 * 1024));
    Router::new()
        .route("/", get(pages::overview))
        .route("/healthz", get(healthz))
        .route("/calendar.ics", get(crate::http::calendar::feed))
        .route("/status", get(pages::status))
        .route("/report", get(pages::report))
        .route("/signin", get(pages::signin_form).post(pages::signin))
        .route("/signout", post(pages::signout))
        .route("/suppliers", get(pages::suppliers))
        .route("/suppliers/{name}", get(pages::supplier))
        .route("/functions", get(pages::functions))
        .route("/functions/{name}", get(pages::function))
        .route("/whatif", get(pages::whatif))
        .route("/findings", get(pages::findings))
        .route("/trends", get(pages::trends))
        .route("/audit", get(pages::audit))
        .route("/requests", get(requests::list).post(requests::create_page))
        .route("/requests.csv", get(requests::csv))
        .route("/requests/new", get(requests::new_form))
        .route("/requests/{id}", get(requests::detail))
        .route("/requests/{id}/status", post(requests::status_page))
        .route("/requests/{id}/comments", post(requests::comment_page))
        .route("/requests/{id}/review", post(requests::review_page))
        .route("/requests/{id}/patch", get(requests::patch))
        .route("/requests/{id}/branch", post(requests::branch_page))
        .route("/api/v1/requests/{id}/branch", post(requests::branch_api))
        .route("/requests/{id}/uploads/{upload}", get(requests::download))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/status", get(api::status))
        .route("/api/v1/entities", get(api::entities))
        .route(
            "/api/v1/entities/{kind}/{namespace}/{name}",
            get(api::entity),
        )
        .route("/api/v1/rank", get(api::rank))
        .route(
            "/api/v1/whatif",
            get(api::whatif_get).post(api::whatif_post),
        )
        .route("/api/v1/findings", get(api::findings))
        .route("/api/v1/audit", get(api::audit))
        .route("/api/v1/history", get(api::history))
        .route("/api/v1/history/{version}", get(api::version))
        .route("/api/v1/tokens", get(api::tokens).post(api::create_token))
        .route(
            "/api/v1/tokens/{id}",
            axum::routing::delete(api::revoke_token),
        )
        .route("/tokens", get(pages::tokens).post(pages::create_token))
        .route("/admin/reminders", get(crate::http::reminders::show))
        .route("/admin/reminders/test", post(crate::http::reminders::test))
        .route("/api/v1/reminders", get(crate::http::reminders::api))
        .route("/tokens/{id}/revoke", post(pages::revoke_token))
        .route(
            "/api/v1/requests",
            get(api::requests).post(api::create_request),
        )
        .route(
            "/api/v1/requests/{id}",
            get(api::request).patch(api::update_request),
        )
        .route(
            "/api/v1",
            get(|| async {
                axum::Json(serde_json::json!({
                    "openapi": "/api/v1/openapi.json",
                    "message": "Linchpin's API; the OpenAPI document describes every path",
                }))
            }),
        )
        .merge(uploads)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(256 * 1024))
        .layer(middleware::from_fn(api_errors))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .with_state(state)
}
