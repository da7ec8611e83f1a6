//! The application: shared state, the router, authentication, CSRF
//! protection and error handling. Handlers live in `pages`, `api` and
//! `workflow`.

use crate::access::{check_request, content_security_policy, cookie_attributes, Access, PublicUrl};
use crate::db::{Db, DbError, Principal, Role};
use crate::snapshot::{Rejected, Snapshot};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use linchpin_model::Date;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// Where "today" comes from.
#[derive(Debug, Clone)]
pub enum Today {
    /// The system clock.
    System,
    /// A fixed date (`--today`).
    Fixed(Date),
    /// The date written in a file, read at each use: a clock tests can move.
    File(PathBuf),
}

/// How the server was started.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The landscape folder.
    pub dir: PathBuf,
    /// Where "today" comes from.
    pub today: Today,
    /// Worker threads for analyses.
    pub threads: usize,
    /// The largest evidence upload, in bytes.
    pub max_upload: usize,
    /// Where the server listens.
    pub bind: std::net::SocketAddr,
    /// The address users reach it at, if not the one it listens on.
    pub public_url: Option<PublicUrl>,
}

/// Everything the handlers share.
pub struct Shared {
    /// How the server was started.
    pub settings: Settings,
    /// The database.
    pub db: Db,
    /// The version being served.
    pub snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// The last version that could not be served, if it is newer than the served one.
    pub rejected: RwLock<Option<Rejected>>,
    /// Whether signing in is required: fixed when the server starts.
    pub access: Access,
    /// Why the database cannot be written, when the last check or write
    /// failed; cleared when a check succeeds.
    pub database: RwLock<Option<String>>,
    /// The full HTML report of the served version, built on first request.
    pub report_html: RwLock<Option<(String, Arc<String>)>>,
    /// Rendered results of the served version (a version never changes, so
    /// neither do they): supplier pages' analyses, what-if answers.
    pub cache: std::sync::Mutex<Cache>,
    /// Request counts by filter: the second each was counted in, the
    /// count, and whether a request is counting it afresh.
    pub counts: std::sync::Mutex<std::collections::HashMap<String, (i64, i64, bool)>>,
}

/// Results computed from one landscape version, dropped when it is replaced.
#[derive(Default)]
pub struct Cache {
    version: String,
    entries: std::collections::HashMap<String, Arc<String>>,
}

/// At most this many cached results; beyond, the cache starts again.
const CACHE_LIMIT: usize = 4096;

impl Shared {
    /// A cached result of `version`, or `make()` cached.
    pub fn cached(&self, version: &str, key: &str, make: impl FnOnce() -> String) -> Arc<String> {
        if let Ok(c) = self.cache.lock() {
            if c.version == version {
                if let Some(v) = c.entries.get(key) {
                    return v.clone();
                }
            }
        }
        let value = Arc::new(make());
        if let Ok(mut c) = self.cache.lock() {
            if c.version != version || c.entries.len() >= CACHE_LIMIT {
                c.version = version.to_owned();
                c.entries.clear();
            }
            c.entries.insert(key.to_owned(), value.clone());
        }
        value
    }
}

/// The state handed to handlers.
pub type AppState = Arc<Shared>;

impl Shared {
    /// The version being served.
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.snapshot.read().ok().and_then(|s| s.clone())
    }

    /// How many requests a filter selects. Counting tens of thousands of
    /// rows for every view of a busy dashboard would be most of its work,
    /// so a count is reused for the rest of the second it was made in.
    /// When it is older, one request counts afresh while the others, for
    /// up to five seconds, use the last count instead of all counting at
    /// once. This server's own changes start afresh at once; another
    /// replica's show within a second or so.
    pub async fn count_requests(&self, filter: &crate::db::RequestFilter) -> AppResult<i64> {
        let key = format!("{filter:?}");
        let now = self.now();
        if let Ok(mut c) = self.counts.lock() {
            if let Some((at, n, counting)) = c.get_mut(&key) {
                if *at == now || (*counting && now - *at <= 5) {
                    return Ok(*n);
                }
                *counting = true;
            }
        }
        let counted = self.db.count_requests(filter).await;
        if let Ok(mut c) = self.counts.lock() {
            match &counted {
                Ok(n) => {
                    if c.len() >= 1024 {
                        c.clear();
                    }
                    c.insert(key, (now, *n, false));
                }
                Err(_) => {
                    c.remove(&key);
                }
            }
        }
        Ok(counted?)
    }

    /// Forgets every count: after this server changed requests.
    pub fn requests_changed(&self) {
        if let Ok(mut c) = self.counts.lock() {
            c.clear();
        }
    }

    /// Why the database cannot be written, if it cannot.
    pub fn database_problem(&self) -> Option<String> {
        self.database.read().ok().and_then(|d| d.clone())
    }

    /// Records the outcome of a database check or write.
    pub fn database_checked(&self, outcome: Result<(), String>) {
        if let Ok(mut d) = self.database.write() {
            match outcome {
                Ok(()) => {
                    if d.is_some() {
                        eprintln!("the database can be written again");
                    }
                    *d = None;
                }
                Err(e) => {
                    if d.is_none() {
                        eprintln!("error: the database cannot be written: {e}");
                    }
                    *d = Some(e);
                }
            }
        }
    }

    /// The rejected newer version, if any.
    pub fn rejected(&self) -> Option<Rejected> {
        self.rejected.read().ok().and_then(|r| r.clone())
    }

    /// Seconds since the epoch, by the system clock: sessions expire and the
    /// audit log is stamped in real time whatever date the analyses judge by.
    #[allow(clippy::disallowed_methods)] // the server's one reading of the clock
    pub fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    /// Today's date: fixed, read from the clock file (the system's when
    /// the file holds no date), or the system's.
    #[allow(clippy::disallowed_methods)] // the injected clock is a file tests write
    pub fn today(&self) -> Date {
        match &self.settings.today {
            Today::Fixed(d) => *d,
            Today::File(path) => std::fs::read_to_string(path)
                .ok()
                .and_then(|t| Date::parse(t.trim()).ok())
                .unwrap_or_else(system_today),
            Today::System => system_today(),
        }
    }
}

/// Today by the system clock.
#[allow(clippy::disallowed_methods)] // the server's one reading of the clock
pub fn system_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::from_ymd(1970, 1, 1)
        .expect("a real date")
        .add_days((secs / 86_400) as i32)
}

/// What went wrong in a handler.
#[derive(Debug)]
pub enum AppError {
    /// 400, with a message for the user.
    BadRequest(String),
    /// 401.
    Unauthorized,
    /// 403, with what is missing.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 413.
    TooLarge(String),
    /// 415.
    Unsupported(String),
    /// 503: no version of the landscape could be loaded yet.
    NoLandscape,
    /// 503: an analysis ran past [`ANALYSIS_LIMIT`].
    TooSlow,
    /// 500: logged with an id; the user sees only the id.
    Internal(String),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> AppError {
        AppError::Internal(e.0)
    }
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

/// Handler result.
pub type AppResult<T> = Result<T, AppError>;

/// The longest a request waits for one analysis (a what-if). The engine's
/// work does not depend on durations and a what-if on 100k entities takes
/// well under a second, so only a pathological request comes near it; the
/// limit keeps such a request from holding its client for good.
pub const ANALYSIS_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs an analysis on the blocking pool, giving up after [`ANALYSIS_LIMIT`].
pub async fn analysis<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    match tokio::time::timeout(ANALYSIS_LIMIT, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(AppError::Internal(format!("an analysis failed: {e}"))),
        Err(_) => Err(AppError::TooSlow),
    }
}

/// Refuses unless the principal has at least `role`.
pub fn require(p: &Principal, role: Role) -> AppResult<()> {
    if p.role >= role {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "`{}` is {}; this needs {}",
            p.name,
            p.role.as_str(),
            role.as_str()
        )))
    }
}

/// The CSRF value of this browser (double-submit cookie), in request extensions.
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

/// Checks a form's CSRF field against the browser's cookie.
pub fn check_csrf(csrf: &Csrf, submitted: &str) -> AppResult<()> {
    if !csrf.0.is_empty() && constant_eq(csrf.0.as_bytes(), submitted.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the form is stale or came from another site (CSRF check); reload the page and try again".to_owned(),
        ))
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

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
async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
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

    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
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
            None if is_api => return AppError::Unauthorized.into_response(),
            None => {
                let next = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default();
                return Redirect::to(&format!("/signin?next={}", crate::html::url_encode(&next)))
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

/// `/healthz`: `ok`, or 503 with why when the database cannot be written
/// (a load balancer then stops sending changes to this replica).
async fn healthz(State(state): State<AppState>) -> Response {
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
async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::NotFound(format!("nothing at `{}`", uri.path()))
}

/// Every error under `/api/` is JSON with a message, also those the
/// framework answers itself: 405 for a wrong method, and the extractors'
/// 400, 413, 415 and 422 (their plain-text reason becomes the message).
async fn api_errors(req: Request, next: Next) -> Response {
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

/// The headers every response carries: no sniffing, no framing, no
/// referrer to other sites, and on HTML the Content-Security-Policy.
fn secured(mut response: Response, cookie: Option<String>) -> Response {
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

/// The router with every page and API route.
pub fn app(state: AppState) -> Router {
    let max_upload = state.settings.max_upload;
    let uploads = Router::new()
        .route("/requests/{id}/uploads", post(crate::workflow::upload_page))
        .route(
            "/api/v1/requests/{id}/uploads",
            post(crate::workflow::upload_api),
        )
        .layer(DefaultBodyLimit::max(max_upload + 64 * 1024));
    Router::new()
        .route("/", get(crate::pages::overview))
        .route("/healthz", get(healthz))
        .route("/status", get(crate::pages::status))
        .route("/report", get(crate::pages::report))
        .route(
            "/signin",
            get(crate::pages::signin_form).post(crate::pages::signin),
        )
        .route("/signout", post(crate::pages::signout))
        .route("/suppliers", get(crate::pages::suppliers))
        .route("/suppliers/{name}", get(crate::pages::supplier))
        .route("/functions", get(crate::pages::functions))
        .route("/functions/{name}", get(crate::pages::function))
        .route("/whatif", get(crate::pages::whatif))
        .route("/findings", get(crate::pages::findings))
        .route("/trends", get(crate::pages::trends))
        .route("/audit", get(crate::pages::audit))
        .route(
            "/requests",
            get(crate::workflow::list).post(crate::workflow::create_page),
        )
        .route("/requests.csv", get(crate::workflow::csv))
        .route("/requests/new", get(crate::workflow::new_form))
        .route("/requests/{id}", get(crate::workflow::detail))
        .route("/requests/{id}/status", post(crate::workflow::status_page))
        .route(
            "/requests/{id}/comments",
            post(crate::workflow::comment_page),
        )
        .route("/requests/{id}/review", post(crate::workflow::review_page))
        .route("/requests/{id}/patch", get(crate::workflow::patch))
        .route("/requests/{id}/branch", post(crate::workflow::branch_page))
        .route(
            "/api/v1/requests/{id}/branch",
            post(crate::workflow::branch_api),
        )
        .route(
            "/requests/{id}/uploads/{upload}",
            get(crate::workflow::download),
        )
        .route("/api/v1/openapi.json", get(crate::openapi::document))
        .route("/api/v1/status", get(crate::api::status))
        .route("/api/v1/entities", get(crate::api::entities))
        .route(
            "/api/v1/entities/{kind}/{namespace}/{name}",
            get(crate::api::entity),
        )
        .route("/api/v1/rank", get(crate::api::rank))
        .route(
            "/api/v1/whatif",
            get(crate::api::whatif_get).post(crate::api::whatif_post),
        )
        .route("/api/v1/findings", get(crate::api::findings))
        .route("/api/v1/audit", get(crate::api::audit))
        .route("/api/v1/history", get(crate::api::history))
        .route("/api/v1/history/{version}", get(crate::api::version))
        .route(
            "/api/v1/tokens",
            get(crate::api::tokens).post(crate::api::create_token),
        )
        .route(
            "/api/v1/tokens/{id}",
            axum::routing::delete(crate::api::revoke_token),
        )
        .route(
            "/tokens",
            get(crate::pages::tokens).post(crate::pages::create_token),
        )
        .route("/tokens/{id}/revoke", post(crate::pages::revoke_token))
        .route(
            "/api/v1/requests",
            get(crate::api::requests).post(crate::api::create_request),
        )
        .route(
            "/api/v1/requests/{id}",
            get(crate::api::request).patch(crate::api::update_request),
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

/// Builds the shared state.
pub fn shared(settings: Settings, db: Db, access: Access) -> AppState {
    Arc::new(Shared {
        settings,
        db,
        snapshot: RwLock::new(None),
        rejected: RwLock::new(None),
        access,
        database: RwLock::new(None),
        report_html: RwLock::new(None),
        cache: std::sync::Mutex::new(Cache::default()),
        counts: std::sync::Mutex::new(std::collections::HashMap::new()),
    })
}
