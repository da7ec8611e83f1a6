//! Who is asking: sessions and tokens, the CSRF double-submit cookie, the
//! security headers on every response, and errors as responses.
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::access::check_request;
use crate::access::cookie_attributes;
use crate::access::Access;
use crate::access::{constant_eq, Csrf};
use crate::db::Principal;
use crate::db::Role;
use crate::domain::error::AppError;
use crate::domain::error::ANALYSIS_LIMIT;
use crate::views::content_security_policy;
use crate::AppState;
use axum::extract::Request;

/// A cookie's value.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub(crate) const SESSION_COOKIE: &str = "linchpin_session";

pub(crate) const CSRF_COOKIE: &str = "linchpin_csrf";

/// Authentication and the CSRF cookie, for every request.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let public = path == "/signin" || path == "/healthz" || path == "/api/v1/openapi.json";
    let is_api = path.starts_with("/api/");
    let headers = req.headers().clone();

    // The CSRF cookie: kept if the browser has one, made otherwise.
    let (csrf, new_csrf) = match cookie(&headers, CSRF_COOKIE) {
        Some(v) if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) => (v, false),
        _ => (crate::db::secret(), true),
    };
    req.extensions_mut().insert(Csrf(csrf.clone()));

    let settings = &state.settings;
    if let Err(refusal) = check_request(
        state.access,
        &settings.bind,
        settings.public_url.as_ref(),
        req.method(),
        &headers,
    ) {
        return secured(AppError::Forbidden(refusal.message()).into_response(), None);
    }

    // A calendar application cannot send a header: the calendar feed, and
    // only it, takes the token in its URL (`/calendar.ics?token=…`).
    let calendar = path == "/calendar.ics";
    let url_token: Option<String> = calendar
        .then(|| {
            req.uri().query().and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "token")
                    .map(|(_, v)| v.into_owned())
            })
        })
        .flatten();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .or(url_token.as_deref());
    let principal = if state.access == Access::SignIn {
        let now = state.now();
        let found = match bearer {
            Some(token) => match state.db.principal_of_token(token).await {
                Ok(p) => p.map(|(_, p)| p),
                Err(e) => return AppError::from(e).into_response(),
            },
            None => match cookie(&headers, SESSION_COOKIE) {
                Some(s) => match state.db.principal_of_session(&s, now).await {
                    Ok(p) => {
                        // A cookie-authenticated API change must carry the CSRF header.
                        if p.is_some()
                            && is_api
                            && req.method() != Method::GET
                            && headers
                                .get("x-csrf-token")
                                .and_then(|v| v.to_str().ok())
                                .is_none_or(|v| !constant_eq(v.as_bytes(), csrf.as_bytes()))
                        {
                            return AppError::Forbidden(
                                "a change through the API from a browser session needs the `X-CSRF-Token` header".to_owned(),
                            )
                            .into_response();
                        }
                        p
                    }
                    Err(e) => return AppError::from(e).into_response(),
                },
                None => None,
            },
        };
        match found {
            Some(p) => Some(p),
            None if public => None,
            // A calendar application cannot follow a sign-in page.
            None if is_api || calendar => return AppError::Unauthorized.into_response(),
            None => {
                let next = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default();
                return Redirect::to(&format!("/signin?next={}", crate::views::url_encode(&next)))
                    .into_response();
            }
        }
    } else {
        // The open local mode: everyone on this machine is its admin; a
        // bearer token, where one is sent, must be valid and names its
        // holder (an API client's changes are audited under its name).
        match bearer {
            Some(token) => match state.db.principal_of_token(token).await {
                Ok(Some((_, p))) => Some(p),
                Ok(None) => return AppError::Unauthorized.into_response(),
                Err(e) => return AppError::from(e).into_response(),
            },
            None => Some(Principal {
                name: "local".to_owned(),
                role: Role::Admin,
            }),
        }
    };
    if let Some(p) = principal {
        // A calendar token reads the calendar and nothing else, however it
        // was presented (header, URL or a session signed in with it).
        if p.role == Role::Calendar && !calendar {
            return secured(
                AppError::Forbidden(
                    "this token reads the calendar feed (`/calendar.ics`) only".to_owned(),
                )
                .into_response(),
                None,
            );
        }
        req.extensions_mut().insert(p);
    }
    let response = next.run(req).await;
    let csrf_cookie = new_csrf.then(|| {
        format!(
            "{CSRF_COOKIE}={csrf}; {}",
            cookie_attributes(settings.public_url.as_ref())
        )
    });
    secured(response, csrf_cookie)
}

/// The headers every response carries: no sniffing, no framing, no
/// referrer to other sites, and on HTML the Content-Security-Policy.
pub(crate) fn secured(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    let h = response.headers_mut();
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(content_security_policy()),
        );
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    response
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "sign in: send `Authorization: Bearer TOKEN`, or sign in at /signin".to_owned(),
            ),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            AppError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m),
            AppError::Unsupported(m) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, m),
            AppError::NoLandscape => (
                StatusCode::SERVICE_UNAVAILABLE,
                "no valid version of the landscape has been loaded yet; see /status".to_owned(),
            ),
            AppError::TooSlow => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the analysis took longer than {} s and was given up; try fewer failures",
                    ANALYSIS_LIMIT.as_secs()
                ),
            ),
            AppError::Internal(detail) => {
                let id = &crate::db::secret()[..12];
                eprintln!("error {id}: {detail}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("internal error {id}; the server's log has the details"),
                )
            }
        };
        let body = serde_json::json!({ "error": message, "status": status.as_u16() });
        (status, axum::Json(body)).into_response()
    }
}
