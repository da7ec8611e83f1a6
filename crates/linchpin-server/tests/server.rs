//! The server's handlers through `app()` with `oneshot`, against a real
//! database: SQLite always, PostgreSQL too when `LINCHPIN_TEST_POSTGRES`
//! names one (CI starts a server and sets it).
#![allow(clippy::disallowed_methods)] // tests write landscapes, read the environment

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use linchpin_model::Date;
use linchpin_server::db::{Db, Role};
use linchpin_server::{app, prepare, reload, AppState, ServeOptions, Settings, Today};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tower::ServiceExt;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The databases to run on: a fresh SQLite file, and a fresh PostgreSQL
/// database of its own per test (named after it) when
/// `LINCHPIN_TEST_POSTGRES` names a server's database.
async fn databases(dir: &Path, test: &str) -> Vec<String> {
    let mut out = vec![format!("sqlite://{}", dir.join("test.db").display())];
    if std::env::var_os("LINCHPIN_TEST_POSTGRES").is_none() {
        missing("LINCHPIN_TEST_POSTGRES is not set, so PostgreSQL is not tested");
    }
    if let Ok(url) = std::env::var("LINCHPIN_TEST_POSTGRES") {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url)
            .await
            .expect("PostgreSQL for the tests");
        let (base, _) = url.rsplit_once('/').expect("a database in the URL");
        let name = format!("linchpin_test_{test}");
        // Names are the tests' own, never user input.
        let drop = format!("DROP DATABASE IF EXISTS {name}");
        let create = format!("CREATE DATABASE {name}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(create))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        out.push(format!("{base}/{name}"));
    }
    out
}

/// How a test starts a server: two analysis threads, 64 KiB uploads,
/// polling every second.
fn options(
    dir: &Path,
    today: Today,
    database: &str,
    bind: &str,
    public_url: Option<&str>,
) -> ServeOptions {
    ServeOptions {
        settings: Settings {
            dir: dir.to_path_buf(),
            today,
            threads: 2,
            max_upload: 64 * 1024,
            bind: bind.parse().unwrap(),
            public_url: public_url.map(|u| linchpin_server::access::PublicUrl::parse(u).unwrap()),
            environment: linchpin_server::Environment::default(),
        },
        database: database.to_owned(),
        poll: Duration::from_secs(1),
    }
}

async fn start(dir: &Path, database: &str, today: Today) -> AppState {
    prepare(&options(dir, today, database, "127.0.0.1:0", None))
        .await
        .unwrap()
}

/// [`start`] in an environment holding these variables.
async fn start_in(dir: &Path, database: &str, today: Today, env: &[(&str, &str)]) -> AppState {
    let mut o = options(dir, today, database, "127.0.0.1:0", None);
    o.settings.environment = linchpin_server::Environment(
        env.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    prepare(&o).await.unwrap()
}

fn today() -> Today {
    Today::Fixed(Date::parse("2026-11-26").unwrap())
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    /// The body as an HTML document, for selector queries.
    fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.text())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn call(state: &AppState, req: Request<Body>) -> Reply {
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// The text of every element `css` selects, whitespace-normalised.
fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e:?}"));
    doc.select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The cells of each table row that `css` selects.
fn rows(doc: &scraper::Html, css: &str) -> Vec<Vec<String>> {
    let selector = scraper::Selector::parse(css).unwrap();
    let cell = scraper::Selector::parse("td, th").unwrap();
    doc.select(&selector)
        .map(|row| {
            row.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect()
        })
        .collect()
}

async fn get(state: &AppState, uri: &str) -> Reply {
    call(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn send_json(
    state: &AppState,
    method: &str,
    uri: &str,
    body: Value,
    token: Option<&str>,
) -> Reply {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    call(state, b.body(Body::from(body.to_string())).unwrap()).await
}

fn multipart(name: &str, data: &[u8], csrf: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "----linchpin-test-boundary";
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

// ---- a JSON Schema check of the subset the OpenAPI document uses ----------

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: {v} is not {t}"));
            return;
        }
    }
    if v.is_null() {
        return;
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errors.push(format!("{at}: {v} is not one of {e:?}"));
        }
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if n < min {
            errors.push(format!("{at}: {n} < {min}"));
        }
    }
    if let (Some(max), Some(n)) = (schema.get("maximum").and_then(Value::as_f64), v.as_f64()) {
        if n > max {
            errors.push(format!("{at}: {n} > {max}"));
        }
    }
    if let Some(obj) = v.as_object() {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(r.as_str().unwrap()) {
                errors.push(format!("{at}: `{r}` is missing"));
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, s) in props {
                if let Some(x) = obj.get(k) {
                    check(doc, s, x, &format!("{at}.{k}"), errors);
                }
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            check(doc, items, x, &format!("{at}[{i}]"), errors);
        }
    }
}

/// Checks a reply against the document's schema for that path, method and status.
fn conforms(doc: &Value, path: &str, method: &str, reply: &Reply) {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "the document lacks {method} {path}");
    let code = reply.status.as_u16().to_string();
    let schema = &op["responses"][&code]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "the document lacks status {code} for {method} {path}: {}",
        reply.text()
    );
    let mut errors = Vec::new();
    check(doc, schema, &reply.json(), "$", &mut errors);
    assert!(
        errors.is_empty(),
        "{method} {path} ({code}) breaks its schema:\n{}",
        errors.join("\n")
    );
}

#[tokio::test]
async fn api_responses_follow_the_openapi_document() {
    let tmp = tempfile::tempdir().unwrap();
    for database in databases(tmp.path(), "api").await {
        let state = start(&repo().join("examples/webshop"), &database, today()).await;
        let doc = get(&state, "/api/v1/openapi.json").await.json();
        assert_eq!(doc["openapi"], "3.1.0");

        for (path, uri) in [
            ("/api/v1/status", "/api/v1/status"),
            ("/api/v1/entities", "/api/v1/entities?kind=supplier&limit=5"),
            (
                "/api/v1/entities/{kind}/{namespace}/{name}",
                "/api/v1/entities/supplier/default/aws",
            ),
            ("/api/v1/rank", "/api/v1/rank"),
            (
                "/api/v1/whatif",
                "/api/v1/whatif?fail=supplier:aws&mode=outage&duration=6h",
            ),
            ("/api/v1/findings", "/api/v1/findings?severity=warning"),
            ("/api/v1/history", "/api/v1/history"),
            ("/api/v1/requests", "/api/v1/requests"),
        ] {
            let r = get(&state, uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
            conforms(&doc, path, "get", &r);
        }
        // The rank says the same as the command line's JSON contract.
        let rank = get(&state, "/api/v1/rank").await.json();
        assert_eq!(rank["suppliers"][0]["tier"], 1);
        let whatif = get(&state, "/api/v1/whatif?fail=supplier:aws&duration=6h")
            .await
            .json();
        assert_eq!(whatif["scenario"]["fail"][0]["duration"]["text"], "6h");
        assert!(whatif["functions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["status"] == "down"));
        let posted = send_json(
            &state,
            "POST",
            "/api/v1/whatif",
            json!({"fail": ["supplier:aws"], "mode": "permanent"}),
            None,
        )
        .await;
        conforms(&doc, "/api/v1/whatif", "post", &posted);
        assert_eq!(posted.json()["scenario"]["mode"], "permanent");

        // Each version keeps its results.
        let version = get(&state, "/api/v1/status").await.json()["version"]
            .as_str()
            .unwrap()
            .to_owned();
        let recorded = get(&state, &format!("/api/v1/history/{version}")).await;
        assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.text());
        conforms(&doc, "/api/v1/history/{version}", "get", &recorded);
        assert_eq!(
            recorded.json()["results"]["suppliers"]
                .as_array()
                .unwrap()
                .len(),
            25
        );

        // Errors are documented too.
        let missing = get(&state, "/api/v1/entities/supplier/default/nobody").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        conforms(
            &doc,
            "/api/v1/entities/{kind}/{namespace}/{name}",
            "get",
            &missing,
        );
        let bad = get(&state, "/api/v1/whatif?fail=supplier:nobody").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        conforms(&doc, "/api/v1/whatif", "get", &bad);

        // The workflow through the API.
        let created = send_json(&state, "POST", "/api/v1/requests", json!({"supplier": "stripe", "kind": "statement", "due": "2026-12-20", "team": "payments-team"}), None).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        conforms(&doc, "/api/v1/requests", "post", &created);
        let id = created.json()["id"].as_i64().unwrap();
        let changed = send_json(
            &state,
            "PATCH",
            &format!("/api/v1/requests/{id}"),
            json!({"status": "received", "comment": "came by mail"}),
            None,
        )
        .await;
        conforms(&doc, "/api/v1/requests/{id}", "patch", &changed);
        assert_eq!(changed.json()["status"], "received");
        let (ct, body) = multipart("statement.pdf", b"%PDF-1.7\n...", None);
        let up = call(
            &state,
            Request::post(format!("/api/v1/requests/{id}/uploads"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
        assert_eq!(up.status, StatusCode::CREATED, "{}", up.text());
        conforms(&doc, "/api/v1/requests/{id}/uploads", "post", &up);
        let reviewed = send_json(&state, "PATCH", &format!("/api/v1/requests/{id}"), json!({"review": {"received": "2026-11-20", "validUntil": "2027-11-30", "rto": "2h", "certifications": ["ISO22301"]}}), None).await;
        assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.text());
        let one = get(&state, &format!("/api/v1/requests/{id}")).await;
        conforms(&doc, "/api/v1/requests/{id}", "get", &one);
        let one = one.json();
        assert_eq!(one["status"], "reviewed");
        assert_eq!(one["comments"][0]["body"], "came by mail");
        assert_eq!(one["uploads"][0]["contentType"], "application/pdf");
        // The supplier's page lists the evidence.
        let page = get(&state, "/suppliers/stripe").await.text();
        assert!(
            page.contains("<h2>Evidence</h2>") && page.contains("statement.pdf"),
            "{page}"
        );
        let invalid = send_json(
            &state,
            "POST",
            "/api/v1/requests",
            json!({"supplier": "nobody", "kind": "statement", "due": "2026-12-20"}),
            None,
        )
        .await;
        assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
        conforms(&doc, "/api/v1/requests", "post", &invalid);
        // Without a team, the request goes to the team owning the supplier,
        // and the lists show names, not refs.
        let untargeted = send_json(
            &state,
            "POST",
            "/api/v1/requests",
            json!({"supplier": "stripe", "kind": "exit-test", "due": "2026-12-22"}),
            None,
        )
        .await;
        assert_eq!(
            untargeted.status,
            StatusCode::CREATED,
            "{}",
            untargeted.text()
        );
        assert_eq!(untargeted.json()["team"], "group:default/payments-team");
        let list = get(&state, "/requests").await.text();
        assert!(
            list.contains("Stripe Payments Europe, Ltd.")
                && !list.contains(">supplier:default/stripe<"),
            "{list}"
        );
        state.db.close().await;
    }
}

#[tokio::test]
async fn pages_work_without_javascript() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("p.db").display());
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    for (uri, expect) in [
        ("/", "The linchpins"),
        ("/suppliers", "Suppliers"),
        ("/suppliers/aws", "What it can stop"),
        ("/functions", "Business functions"),
        (
            "/functions/checkout",
            "Suppliers that can stop or degrade it",
        ),
        (
            "/whatif?fail=supplier%3Aaws&mode=outage&duration=8h",
            "breach",
        ),
        ("/findings?severity=error", "findings."),
        ("/trends", "Suppliers per tier"),
        ("/requests?view=due", "Due and overdue"),
        (
            "/requests/new?supplier=supplier%3Adefault%2Faws",
            "New request",
        ),
        ("/report", "<html"),
        ("/status", "Serving version"),
        ("/audit", "landscape.load"),
    ] {
        let r = get(&state, uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(r.text().contains(expect), "{uri} lacks `{expect}`");
    }
    // A function's page gives its own downtime per supplier and mode: Stripe
    // stops checkout only for the switchover to the fallback; AWS for good
    // breaches its tolerance.
    let checkout = get(&state, "/functions/checkout").await.html();
    let stripe_row = rows(&checkout, "tr")
        .into_iter()
        .find(|r| {
            r.first()
                .is_some_and(|c| c == "Stripe Payments Europe, Ltd.")
        })
        .expect("a row for Stripe");
    assert_eq!(stripe_row[1..4], ["1", "down", "30m"], "{stripe_row:?}");
    assert!(
        texts(&checkout, "td")
            .iter()
            .any(|t| t.contains("— breach")),
        "{}",
        checkout.html()
    );
    // A supplier's page gives the same per function, against its tolerance.
    let stripe = get(&state, "/suppliers/stripe").await.html();
    assert!(
        rows(&stripe, "tr")
            .iter()
            .any(|r| r.windows(4).any(|w| w == ["stops", "4h", "30m", "30m"])),
        "{}",
        stripe.html()
    );
    // The trends name each version on the x axis, and count notes too.
    let trends = get(&state, "/trends").await.text();
    assert!(
        trends.contains("text-anchor=\"middle\"") && trends.contains("notes ("),
        "{trends}"
    );
    // Quoted names in finding messages are shown as code, not as backticks.
    let page = get(&state, "/suppliers/aws").await;
    assert!(
        texts(&page.html(), "code")
            .iter()
            .any(|c| c == "supplier:default/aws")
            && !page.text().contains("`supplier:"),
        "{}",
        page.text()
    );
    // The what-if picture is drawn in the page itself.
    let whatif = get(&state, "/whatif?fail=supplier:aws").await.html();
    assert_eq!(
        whatif
            .select(&scraper::Selector::parse("main svg").unwrap())
            .count(),
        1
    );
    // Not found is a 404.
    assert_eq!(
        get(&state, "/suppliers/nobody").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The CSRF cookie a page sets.
fn csrf_cookie(r: &Reply) -> String {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("linchpin_csrf="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a CSRF cookie")
}

#[tokio::test]
async fn tokens_roles_sessions_and_csrf() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("auth.db").display());
    let viewer = linchpin_server::create_token(&db, "vera", Role::Viewer, 0)
        .await
        .unwrap();
    let editor = linchpin_server::create_token(&db, "ed", Role::Editor, 0)
        .await
        .unwrap();
    let state = prepare(&options(
        &repo().join("examples/webshop"),
        today(),
        &db,
        "0.0.0.0:0",
        None,
    ))
    .await
    .expect("with tokens, the server may listen beyond loopback");

    // Without a token: 401 for the API, the sign-in page for people.
    assert_eq!(
        get(&state, "/api/v1/rank").await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = get(&state, "/suppliers").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/signin"));
    // The OpenAPI document is public.
    assert_eq!(
        get(&state, "/api/v1/openapi.json").await.status,
        StatusCode::OK
    );

    // A viewer reads but does not change.
    let bearer = |t: &str, uri: &str| {
        Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        call(&state, bearer(&viewer, "/api/v1/rank")).await.status,
        StatusCode::OK
    );
    // Reminders (who gets what, every delivery) are for admins.
    for uri in ["/api/v1/reminders", "/admin/reminders"] {
        assert_eq!(
            call(&state, bearer(&viewer, uri)).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
    let new = json!({"supplier": "aws", "kind": "exit-test", "due": "2026-12-31"});
    assert_eq!(
        send_json(
            &state,
            "POST",
            "/api/v1/requests",
            new.clone(),
            Some(&viewer)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send_json(&state, "POST", "/api/v1/requests", new, Some(&editor))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        call(&state, bearer("lp_not-a-token", "/api/v1/rank"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // Signing in: the form needs its CSRF value; then a session cookie works.
    let form = get(&state, "/signin").await;
    let csrf = csrf_cookie(&form);
    let signin = |csrf_field: &str, cookie: &str| {
        Request::post("/signin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie.to_owned())
            .body(Body::from(format!(
                "token={editor}&next=%2Fsuppliers&csrf={csrf_field}"
            )))
            .unwrap()
    };
    let forged = call(&state, signin("0000", &format!("linchpin_csrf={csrf}"))).await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "a form without the right CSRF value is refused"
    );
    let ok = call(&state, signin(&csrf, &format!("linchpin_csrf={csrf}"))).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let session = ok.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let cookies = format!("{session}; linchpin_csrf={csrf}");
    let page = call(
        &state,
        Request::get("/suppliers/aws")
            .header(header::COOKIE, cookies.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("ed · editor"));
    // A form post from the session with its CSRF value creates a request.
    let create = |csrf_field: &str| {
        Request::post("/requests")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookies.clone())
            .body(Body::from(format!("csrf={csrf_field}&supplier=supplier%3Adefault%2Faws&kind=renewal&due=2027-01-15&team=")))
            .unwrap()
    };
    assert_eq!(
        call(&state, create("forged")).await.status,
        StatusCode::FORBIDDEN
    );
    let made = call(&state, create(&csrf)).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    // The API from a browser session needs the CSRF header for changes.
    let api = call(
        &state,
        Request::post("/api/v1/requests")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookies.clone())
            .body(Body::from(
                json!({"supplier": "aws", "kind": "renewal", "due": "2027-01-15"}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);

    // Every change is in the audit log, with who made it.
    let log = state.db.audit_log(100).await.unwrap();
    for action in [
        "token.create",
        "session.start",
        "request.create",
        "landscape.load",
    ] {
        assert!(
            log.iter().any(|a| a.action == action),
            "no {action} in the audit log"
        );
    }
    assert!(log
        .iter()
        .any(|a| a.action == "request.create" && a.actor == "ed"));
}

#[tokio::test]
async fn without_tokens_the_server_stays_on_this_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("open.db").display());
    let err = prepare(&options(
        &repo().join("examples/webshop"),
        today(),
        &db,
        "0.0.0.0:7878",
        None,
    ))
    .await
    .err()
    .expect("refused");
    assert!(
        err.contains("refusing to listen on 0.0.0.0:7878 without authentication"),
        "{err}"
    );
}

#[tokio::test]
async fn an_empty_analysis_is_explained_on_the_overview() {
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path().join("landscape");
    std::fs::create_dir(&land).unwrap();
    std::fs::write(
        land.join("a.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: t\nspec:\n  type: team\n  children: []\n",
    )
    .unwrap();
    let db = format!("sqlite://{}", tmp.path().join("empty.db").display());
    let state = start(&land, &db, today()).await;
    let page = get(&state, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    let notice = texts(&page.html(), "p.notice").join(" ");
    assert!(
        notice.contains("no business functions and no suppliers"),
        "{}",
        page.text()
    );
    assert!(notice.contains("docs/model.md"), "{notice}");
    assert!(notice.contains("linchpin init"), "{notice}");
    // A complete landscape shows no such notice.
    let db = format!("sqlite://{}", tmp.path().join("full.db").display());
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    assert!(texts(&get(&state, "/").await.html(), "p.notice").is_empty());
}

#[tokio::test]
async fn a_calendar_token_reads_the_calendar_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("cal.db").display());
    let cal = linchpin_server::create_token(&db, "outlook", Role::Calendar, 0)
        .await
        .unwrap();
    let viewer = linchpin_server::create_token(&db, "vera", Role::Viewer, 0)
        .await
        .unwrap();
    let state = prepare(&options(
        &repo().join("examples/webshop"),
        today(),
        &db,
        "127.0.0.1:0",
        Some("https://linchpin.example.org"),
    ))
    .await
    .unwrap();
    let bearer = |t: &str, uri: &str| {
        Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap()
    };
    // The feed, with the token in its URL as calendar applications send it.
    let feed = get(&state, &format!("/calendar.ics?token={cal}")).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.text());
    assert_eq!(
        feed.headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(feed.headers[header::CACHE_CONTROL], "no-store");
    let text = feed.text();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    let all = text.matches("BEGIN:VEVENT").count();
    assert!(all >= 10, "{text}");
    assert!(text.contains("URL:https://linchpin.example.org/suppliers/aws\r\n"));
    // The same deadlines as `linchpin calendar` on that day.
    let team = get(
        &state,
        &format!("/calendar.ics?token={cal}&team=platform-team"),
    )
    .await;
    let some = team.text().matches("BEGIN:VEVENT").count();
    assert!(some > 0 && some < all);
    assert_eq!(
        get(&state, &format!("/calendar.ics?token={cal}&team=stripe"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    // Nothing else, however the token is presented.
    assert_eq!(
        call(&state, bearer(&cal, "/suppliers")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&state, bearer(&cal, "/api/v1/rank")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&state, &format!("/api/v1/rank?token={cal}"))
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "a token in the URL counts on the feed only"
    );
    assert_eq!(
        get(&state, &format!("/suppliers?token={viewer}"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Without a valid token the feed answers 401 (no sign-in page).
    assert_eq!(
        get(&state, "/calendar.ics").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&state, "/calendar.ics?token=lp_not-a-token")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // A viewer reads the feed too.
    assert_eq!(
        call(&state, bearer(&viewer, "/calendar.ics")).await.status,
        StatusCode::OK
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn a_broken_change_is_shown_while_the_last_good_version_is_served() {
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path().join("landscape");
    copy_dir(&repo().join("examples/webshop"), &land);
    let db = format!("sqlite://{}", tmp.path().join("r.db").display());
    let state = start(&land, &db, today()).await;
    let first = state.current().unwrap().version.clone();

    let file = land.join("linchpin/functions.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        good.replacen("criticality: critical", "criticality: super-critical", 1),
    )
    .unwrap();
    assert!(!reload(&state).await.unwrap());
    assert_eq!(
        state.current().unwrap().version,
        first,
        "the last good version stays"
    );
    let status = get(&state, "/api/v1/status").await.json();
    assert!(status["rejected"]["diagnostics"]
        .as_str()
        .unwrap()
        .contains("super-critical"));
    assert!(get(&state, "/")
        .await
        .text()
        .contains("the new version has 1 error(s)"));

    std::fs::write(
        &file,
        good.replacen("maxTolerableDowntime: 4h", "maxTolerableDowntime: 6h", 1),
    )
    .unwrap();
    assert!(reload(&state).await.unwrap());
    assert_ne!(state.current().unwrap().version, first);
    assert!(get(&state, "/api/v1/status").await.json()["rejected"].is_null());
    let history = get(&state, "/api/v1/history").await.json();
    assert_eq!(history["versions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn requests_become_overdue_when_the_clock_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = tmp.path().join("today");
    std::fs::write(&clock, "2026-11-26\n").unwrap();
    let db = format!("sqlite://{}", tmp.path().join("c.db").display());
    let state = start(
        &repo().join("examples/webshop"),
        &db,
        Today::File(clock.clone()),
    )
    .await;
    let r = send_json(
        &state,
        "POST",
        "/api/v1/requests",
        json!({"supplier": "aws", "kind": "escrow-verification", "due": "2026-12-01"}),
        None,
    )
    .await;
    assert_eq!(r.json()["status"], "open");
    std::fs::write(&clock, "2026-12-05\n").unwrap();
    let list = get(&state, "/api/v1/requests?status=overdue").await.json();
    assert_eq!(list["requests"].as_array().unwrap().len(), 1);
    assert!(get(&state, "/requests?view=due")
        .await
        .text()
        .contains("overdue"));
    let csv = get(&state, "/requests.csv").await;
    assert!(csv.text().contains(",overdue,"), "{}", csv.text());
}

#[tokio::test]
async fn uploads_are_limited_and_type_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("u.db").display());
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    let id = send_json(
        &state,
        "POST",
        "/api/v1/requests",
        json!({"supplier": "aws", "kind": "statement", "due": "2026-12-01"}),
        None,
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    let up = |name: &str, data: Vec<u8>| {
        let (ct, body) = multipart(name, &data, None);
        Request::post(format!("/api/v1/requests/{id}/uploads"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(
        call(
            &state,
            up(
                "big.pdf",
                [b"%PDF-".to_vec(), vec![b'x'; 200 * 1024]].concat()
            )
        )
        .await
        .status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        call(&state, up("run.pdf", b"MZ\x90\x00 an executable".to_vec()))
            .await
            .status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        call(
            &state,
            up("page.html", b"<script>alert(1)</script>".to_vec())
        )
        .await
        .status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let ok = call(
        &state,
        up("../../etc/minutes.txt", b"meeting minutes".to_vec()),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
    assert_eq!(
        ok.json()["filename"],
        "minutes.txt",
        "no path survives in the name"
    );
    let uid = ok.json()["id"].as_i64().unwrap();
    let dl = get(&state, &format!("/requests/{id}/uploads/{uid}")).await;
    assert_eq!(dl.body, b"meeting minutes");
    assert!(dl.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
}

#[tokio::test]
async fn a_reviewed_statement_becomes_a_patch_to_the_landscape() {
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path().join("landscape");
    copy_dir(&repo().join("examples/webshop"), &land);
    let db = format!("sqlite://{}", tmp.path().join("patch.db").display());
    let state = start(&land, &db, today()).await;
    let id = received_statement(&state, "mailchimp").await;
    let bad = send_json(
        &state,
        "PATCH",
        &format!("/api/v1/requests/{id}"),
        json!({"review": {"received": "2026-11-20", "validUntil": "2026-01-01"}}),
        None,
    )
    .await;
    assert_eq!(
        bad.status,
        StatusCode::BAD_REQUEST,
        "a statement cannot expire before it arrived"
    );
    send_json(&state, "PATCH", &format!("/api/v1/requests/{id}"), json!({"review": {"received": "2026-11-20", "validUntil": "2027-11-30", "rto": "4h", "rpo": "1h", "certifications": ["ISO27001"]}}), None).await;
    let patch = get(&state, &format!("/requests/{id}/patch")).await;
    assert_eq!(patch.status, StatusCode::OK);
    let diff = patch.text();
    assert!(diff.starts_with("--- a/linchpin/suppliers/"), "{diff}");
    assert!(diff.contains("+      validUntil: 2027-11-30"), "{diff}");

    // Apply it the way `patch -p1` would, and the landscape takes the statement.
    let applied = apply(&land, &diff);
    assert!(applied, "the patch applies");
    assert!(reload(&state).await.unwrap());
    let s = state.current().unwrap();
    let id = s
        .find(&linchpin_model::Kind::Supplier, "mailchimp")
        .unwrap();
    let linchpin_model::Spec::Supplier(sp) = &s.loaded.catalog.entity(id).spec else {
        panic!()
    };
    let st = sp.continuity.as_ref().unwrap().statement.as_ref().unwrap();
    assert_eq!(st.valid_until, Some(Date::parse("2027-11-30").unwrap()));
    assert_eq!(st.rto.unwrap().to_string(), "4h");
}

/// Applies a unified diff (as the server writes it) to a folder with git,
/// as a user would; whether it applied.
fn apply(root: &Path, diff: &str) -> bool {
    use std::io::Write as _;
    let mut child = std::process::Command::new("git")
        .args(["apply", "--whitespace=nowarn", "-"])
        .current_dir(root)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(diff.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}

/// The statement goes where the file has `continuity` — whatever the
/// indentation, with keys after it and comments around — and a `spec`
/// written in flow style is refused rather than guessed at.
#[test]
fn a_statement_patch_follows_the_files_own_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path();
    std::fs::write(
        land.join("suppliers.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n    name: four\nspec:\n    type: saas\n    continuity:\n        requested: 2026-10-01\n        statement:\n            received: 2025-01-01\n            validUntil: 2025-12-31\n\n    # the contract\n    contracts:\n        - reference: C-1\n---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: plain\nspec:\n  type: saas\n# trailing comment\n---\napiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata: {name: flow}\nspec: {type: saas}\n",
    )
    .unwrap();
    let snapshot = linchpin_server::domain::snapshot::build(
        land,
        Date::parse("2026-11-26").unwrap(),
        1,
        None,
        None,
    )
    .unwrap_or_else(|r| panic!("loads: {r:?}"));
    let review = linchpin_server::domain::patch::Review {
        received: "2026-11-20".into(),
        valid_until: "2027-11-30".into(),
        rto: Some("4h".into()),
        rpo: None,
        certifications: vec!["ISO 27001".into()],
    };
    for name in ["four", "plain"] {
        let diff =
            linchpin_server::domain::patch::statement_patch(&snapshot, name, &review).unwrap();
        let copy = tempfile::tempdir().unwrap();
        copy_dir(land, copy.path());
        assert!(apply(copy.path(), &diff), "{diff}");
        let loaded = linchpin_loader::load(copy.path(), &Default::default()).unwrap();
        assert!(
            loaded
                .diagnostics
                .iter()
                .all(|d| d.severity != linchpin_diagnostics::Severity::Error),
            "{:#?}\n{diff}",
            loaded.diagnostics
        );
        let c = &loaded.catalog;
        let id = c
            .lookup(&linchpin_model::EntityRef::new(
                linchpin_model::Kind::Supplier,
                name,
            ))
            .unwrap();
        let linchpin_model::Spec::Supplier(sp) = &c.entity(id).spec else {
            panic!()
        };
        let continuity = sp.continuity.as_ref().unwrap();
        let st = continuity.statement.as_ref().unwrap();
        assert_eq!(
            st.valid_until,
            Some(Date::parse("2027-11-30").unwrap()),
            "{diff}"
        );
        assert_eq!(st.certifications, ["ISO 27001"]);
        if name == "four" {
            assert!(
                diff.contains("+            validUntil: 2027-11-30\n"),
                "{diff}"
            );
            assert_eq!(
                continuity.requested,
                Some(Date::parse("2026-10-01").unwrap())
            );
            assert_eq!(sp.contracts.len(), 1, "the keys after it stay: {diff}");
            assert!(!diff.contains("-    # the contract"), "{diff}");
        }
    }
    let refused = linchpin_server::domain::patch::statement_patch(&snapshot, "flow", &review);
    assert!(format!("{refused:?}").contains("flow style"), "{refused:?}");
}

/// Markup in the landscape or in a comment is text on every page: the
/// parsed pages hold no element, attribute or script it could inject, and
/// show it as written.
#[tokio::test]
async fn injected_markup_stays_text_on_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path().join("landscape");
    copy_dir(&repo().join("examples/webshop"), &land);
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>";
    std::fs::write(
        land.join("linchpin/hostile.yaml"),
        format!(
            "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: hostile\n  title: {}\n  links:\n    - url: \"javascript:alert(4)\"\n      title: {}\nspec:\n  type: saas\n  owner: group:platform-team\n",
            serde_json::to_string(hostile).unwrap(),
            serde_json::to_string(hostile).unwrap()
        ),
    )
    .unwrap();
    let db = format!("sqlite://{}", tmp.path().join("x.db").display());
    let state = start(&land, &db, today()).await;
    let id = send_json(
        &state,
        "POST",
        "/api/v1/requests",
        json!({"supplier": "hostile", "kind": "statement", "due": "2026-12-01"}),
        None,
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    send_json(
        &state,
        "PATCH",
        &format!("/api/v1/requests/{id}"),
        json!({"comment": hostile}),
        None,
    )
    .await;
    // A newer version that cannot be served: its errors quote the file.
    std::fs::write(
        land.join("linchpin/broken.yaml"),
        "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata:\n  name: \"<script>alert(5)</script>\"\nspec:\n  type: saas\n",
    )
    .unwrap();
    assert!(!reload(&state).await.unwrap());
    let status = get(&state, "/status").await.html();
    assert!(
        texts(&status, "pre")
            .concat()
            .contains("<script>alert(5)</script>"),
        "{}",
        status.html()
    );
    let any = scraper::Selector::parse("*").unwrap();
    let script = scraper::Selector::parse("script").unwrap();
    for uri in [
        "/".to_owned(),
        "/suppliers".to_owned(),
        "/suppliers/hostile".to_owned(),
        "/whatif?fail=supplier%3Ahostile".to_owned(),
        "/findings".to_owned(),
        "/requests".to_owned(),
        format!("/requests/{id}"),
        "/requests/new?supplier=supplier%3Adefault%2Fhostile".to_owned(),
        "/audit".to_owned(),
        "/status".to_owned(),
        "/tokens".to_owned(),
    ] {
        let page = get(&state, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        let doc = page.html();
        let scripts: Vec<String> = doc.select(&script).map(|s| s.text().collect()).collect();
        assert_eq!(
            scripts,
            [linchpin_server::views::SORT_SCRIPT],
            "{uri}: only the page's own script"
        );
        for e in doc.select(&any) {
            let el = e.value();
            assert!(
                el.attrs().all(|(name, _)| !name.starts_with("on")),
                "{uri}: an event attribute on <{}>",
                el.name()
            );
            assert!(
                !matches!(el.name(), "img" | "iframe" | "object"),
                "{uri}: <{}>",
                el.name()
            );
            if let Some(href) = el.attr("href") {
                assert!(
                    !href.to_ascii_lowercase().starts_with("javascript:"),
                    "{uri}: {href}"
                );
            }
        }
        if !matches!(
            uri.as_str(),
            "/" | "/requests" | "/audit" | "/findings" | "/status" | "/tokens"
        ) {
            let text: String = doc.root_element().text().collect();
            assert!(
                text.contains(hostile),
                "{uri} does not show the text as written"
            );
        }
    }
}

/// The watcher hears of a changed landscape file from the operating system:
/// the new version is served long before the (here, hour-long) poll; a
/// file the loader does not read changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_reloads_when_told_not_when_polling() {
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path().join("landscape");
    copy_dir(&repo().join("examples/webshop"), &land);
    let db = format!("sqlite://{}", tmp.path().join("w.db").display());
    let state = start(&land, &db, today()).await;
    linchpin_server::server::spawn_watcher(state.clone(), Duration::from_secs(3600));
    let first = state.current().unwrap().version.clone();
    // Not a landscape file: no new version.
    std::fs::write(land.join("notes.txt"), "not yaml").unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(state.current().unwrap().version, first);
    // A landscape file: a new version, within seconds.
    let file = land.join("linchpin/functions.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("title: Checkout", "title: Checkout and pay"),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while state.current().unwrap().version == first {
        assert!(
            std::time::Instant::now() < deadline,
            "the change was not noticed within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A statement request to `supplier`, marked received; its id.
async fn received_statement(state: &AppState, supplier: &str) -> i64 {
    let id = send_json(
        state,
        "POST",
        "/api/v1/requests",
        json!({"supplier": supplier, "kind": "statement", "due": "2026-12-01"}),
        None,
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    send_json(
        state,
        "PATCH",
        &format!("/api/v1/requests/{id}"),
        json!({"status": "received"}),
        None,
    )
    .await;
    id
}

#[tokio::test]
async fn the_database_says_what_is_wrong_and_keeps_what_it_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    for url in databases(tmp.path(), "persistence").await {
        let db = Db::connect(&url).await.unwrap();
        let id = db
            .create_request(
                "ann",
                "supplier:default/aws",
                linchpin_server::db::RequestKind::Statement,
                "2026-12-01",
                None,
                1,
            )
            .await
            .unwrap();
        db.add_comment("ann", id, "asked by mail", 2).await.unwrap();
        db.close().await;
        // Reopened: everything acknowledged is there.
        let db = Db::connect(&url).await.unwrap();
        let r = db.request(id).await.unwrap().unwrap();
        assert_eq!(r.created_by, "ann");
        assert_eq!(db.comments(id).await.unwrap().len(), 1);
        assert_eq!(db.audit_log(10).await.unwrap().len(), 2);
        db.close().await;
        // A newer schema is refused with a clear message.
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query("INSERT INTO linchpin_schema (version) VALUES (99)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let err = Db::connect(&url).await.err().expect("refused").0;
        assert!(
            err.contains("schema version 99, newer than this Linchpin knows"),
            "{err}"
        );
    }
    // A database another process holds locked.
    let locked = format!("sqlite://{}", tmp.path().join("locked.db").display());
    Db::connect(&locked).await.unwrap().close().await;
    {
        use sqlx::Connection;
        let mut holder = sqlx::SqliteConnection::connect(&locked).await.unwrap();
        sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut holder)
            .await
            .unwrap();
        let err = Db::connect(&locked).await.err().expect("refused").0;
        assert!(err.contains("locked by another process"), "{err}");
        sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    }
    // A file that is not a database.
    let junk = tmp.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
    let err = Db::connect(&format!("sqlite://{}", junk.display()))
        .await
        .err()
        .expect("refused")
        .0;
    assert!(err.contains("damaged or not a SQLite database"), "{err}");
    // A URL of another kind.
    let err = Db::connect("mysql://x").await.err().expect("refused").0;
    assert!(err.contains("sqlite://PATH"), "{err}");
}

#[tokio::test]
async fn many_users_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("many.db").display());
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let state = state.clone();
        tasks.push(tokio::spawn(async move {
            let r = send_json(&state, "POST", "/api/v1/requests", json!({"supplier": "aws", "kind": "renewal", "due": format!("2027-01-{:02}", i % 28 + 1)}), None).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            let w = get(&state, "/api/v1/whatif?fail=supplier:aws").await;
            assert_eq!(w.status, StatusCode::OK);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let all = get(&state, "/api/v1/requests").await.json();
    assert_eq!(all["requests"].as_array().unwrap().len(), 40);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_reviewed_statement_can_be_committed_on_a_branch() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        missing("git is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo_dir = tmp.path().join("repo");
    let land = repo_dir.join("landscape");
    copy_dir(&repo().join("examples/webshop"), &land);
    git(&repo_dir, &["init", "-q", "-b", "main"]);
    git(&repo_dir, &["add", "-A"]);
    git(
        &repo_dir,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "-m",
            "landscape",
        ],
    );
    let db = format!("sqlite://{}", tmp.path().join("git.db").display());
    let state = start(&land, &db, today()).await;
    assert!(
        state.current().unwrap().commit.is_some(),
        "the served version knows its commit"
    );
    let id = received_statement(&state, "twilio").await;
    send_json(
        &state,
        "PATCH",
        &format!("/api/v1/requests/{id}"),
        json!({"review": {"received": "2026-11-20", "validUntil": "2027-12-31", "rto": "8h"}}),
        None,
    )
    .await;
    let made = call(
        &state,
        Request::post(format!("/api/v1/requests/{id}/branch"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let doc = linchpin_server::http::openapi::spec();
    conforms(&doc, "/api/v1/requests/{id}/branch", "post", &made);
    let branch = format!("linchpin/statement-{id}");
    assert_eq!(made.json()["branch"], branch);
    let shown = git(&repo_dir, &["show", &branch]);
    assert!(shown.contains("+      validUntil: 2027-12-31"), "{shown}");
    assert!(
        shown.contains("landscape/linchpin/suppliers/"),
        "the change lands in the landscape's folder: {shown}"
    );
    assert!(
        git(&repo_dir, &["status", "--porcelain"]).trim().is_empty(),
        "the working tree is untouched"
    );
    assert_eq!(
        git(&repo_dir, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "main"
    );
    // Twice is refused, not overwritten.
    let again = call(
        &state,
        Request::post(format!("/api/v1/requests/{id}/branch"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.text().contains("exists already"));
}

/// A 90-day failure behind a 10-minute mutual fallback once never
/// returned (the propagation climbed one switchover per round); through
/// the API and the page it answers at once, in every mode.
#[tokio::test]
async fn a_whatif_through_mutual_fallbacks_answers_at_once() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("crates/linchpin-engine/tests/data/fallback-cycle/landscape"),
        dir.path(),
    );
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("test.db").display());
    let state = start(dir.path(), &url, today()).await;
    for query in ["mode=permanent", "duration=100d", "mode=outage"] {
        let started = std::time::Instant::now();
        let r = get(&state, &format!("/api/v1/whatif?fail=supplier:s1&{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
        assert!(started.elapsed() < Duration::from_secs(2), "{query}");
        let f = &r.json()["functions"][0];
        assert_eq!(f["ref"], "businessfunction:default/f");
        assert_eq!(f["status"], "down");
        let expected = match query {
            "mode=permanent" => json!(90 * 86_400),
            "duration=100d" => json!(100 * 86_400),
            _ => Value::Null,
        };
        assert_eq!(f["down"]["seconds"], expected, "{query}");
        let page = get(&state, &format!("/whatif?fail=supplier:s1&{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
    }
    // The explanation names the alternative that takes over, and when.
    let r = get(&state, "/api/v1/whatif?fail=supplier:region-1&duration=2h")
        .await
        .json();
    let g = &r["functions"][0];
    assert_eq!(g["ref"], "businessfunction:default/g");
    assert_eq!(g["down"]["seconds"], 900);
    assert_eq!(
        g["fallbacks"],
        json!([{"at": "component:default/p", "from": "supplier:default/region-1", "to": "component:default/q", "after": {"seconds": 900, "text": "15m"}}])
    );
    let page = get(&state, "/whatif?fail=supplier:region-1&duration=2h")
        .await
        .text();
    assert!(
        page.contains("switches from"),
        "the page names the fallback"
    );
}

// ---- doors an attacker tries (issue: a team server you can trust) --------

async fn start_with(dir: &Path, database: &str, bind: &str, public_url: Option<&str>) -> AppState {
    prepare(&options(dir, today(), database, bind, public_url))
        .await
        .unwrap()
}

/// Revoking the last token once switched sign-in off: from then on anyone
/// could mint an admin token. Whether sign-in is required is fixed at start.
#[tokio::test]
async fn revoking_the_last_token_leaves_the_server_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("t.db").display());
    let admin = linchpin_server::create_token(&db, "root", Role::Admin, 0)
        .await
        .unwrap();
    let state = start_with(&repo().join("examples/webshop"), &db, "0.0.0.0:0", None).await;
    let tokens = call(
        &state,
        Request::get("/api/v1/tokens")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let id = tokens["tokens"][0]["id"].as_i64().unwrap();
    let revoke = call(
        &state,
        Request::delete(format!("/api/v1/tokens/{id}"))
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    let mint = send_json(
        &state,
        "POST",
        "/api/v1/tokens",
        json!({"name": "mallory", "role": "admin"}),
        None,
    )
    .await;
    assert_eq!(mint.status, StatusCode::UNAUTHORIZED, "{}", mint.text());
    assert_eq!(
        get(&state, "/api/v1/rank").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&state, "/suppliers").await.status,
        StatusCode::SEE_OTHER
    );
    // The revoked token is dead too; an admin recovers with --create-token.
    let old = send_json(
        &state,
        "POST",
        "/api/v1/tokens",
        json!({"name": "x", "role": "viewer"}),
        Some(&admin),
    )
    .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
}

/// Tokens made in the open local mode do not lock its user out, and a
/// wrong bearer token is refused rather than ignored.
#[tokio::test]
async fn the_open_mode_stays_open_and_checks_tokens_that_are_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("o.db").display());
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    let made = send_json(
        &state,
        "POST",
        "/api/v1/tokens",
        json!({"name": "ci", "role": "viewer"}),
        None,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let token = made.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(get(&state, "/api/v1/rank").await.status, StatusCode::OK);
    // The token names its holder, with its role.
    let as_viewer = send_json(
        &state,
        "POST",
        "/api/v1/requests",
        json!({"supplier": "aws", "kind": "renewal", "due": "2027-01-15"}),
        Some(&token),
    )
    .await;
    assert_eq!(as_viewer.status, StatusCode::FORBIDDEN);
    let bad = send_json(
        &state,
        "POST",
        "/api/v1/requests",
        json!({"supplier": "aws", "kind": "renewal", "due": "2027-01-15"}),
        Some("lp_wrong"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
}

/// A page on another site could post forms and multipart bodies to the
/// tokenless local server, and a rebound host name was answered.
#[tokio::test]
async fn other_sites_cannot_change_or_read_the_local_server() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("x.db").display());
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    let before = get(&state, "/api/v1/requests").await.json();
    let from = |origin: &'static str, site: &'static str| {
        Request::post("/api/v1/requests")
            .header(header::HOST, "127.0.0.1:7878")
            .header(header::ORIGIN, origin)
            .header("sec-fetch-site", site)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"supplier": "aws", "kind": "renewal", "due": "2027-01-15"}).to_string(),
            ))
            .unwrap()
    };
    let forged = call(&state, from("http://evil.example", "cross-site")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text());
    assert!(forged.json()["error"]
        .as_str()
        .unwrap()
        .contains("another site"));
    // A form post, as a foreign page's <form> sends it.
    let form = call(
        &state,
        Request::post("/requests")
            .header(header::HOST, "127.0.0.1:7878")
            .header(header::ORIGIN, "http://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                "csrf=x&supplier=supplier%3Adefault%2Faws&kind=renewal&due=2027-01-15&team=",
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    // A multipart upload, as a foreign page's fetch() sends it.
    let (ct, body) = multipart("x.txt", b"planted", None);
    let upload = call(
        &state,
        Request::post("/api/v1/requests/1/uploads")
            .header(header::HOST, "127.0.0.1:7878")
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(upload.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&state, "/api/v1/requests").await.json(),
        before,
        "nothing changed"
    );
    // The server's own pages post with their own origin.
    let own = call(&state, from("http://127.0.0.1:7878", "same-origin")).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.text());
    // DNS rebinding: a foreign name resolving to 127.0.0.1.
    let rebound = call(
        &state,
        Request::get("/api/v1/rank")
            .header(header::HOST, "evil.example:7878")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(rebound.status, StatusCode::FORBIDDEN);
    let local = call(
        &state,
        Request::get("/api/v1/rank")
            .header(header::HOST, "localhost:7878")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(local.status, StatusCode::OK);
}

/// A `javascript:` link in the landscape was a live link on /report, which
/// had no Content-Security-Policy.
#[tokio::test]
async fn links_from_the_landscape_never_run_script() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/webshop"), dir.path());
    let file = dir
        .path()
        .join("linchpin/suppliers/payments-and-commerce.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let hostile = text.replacen(
        "    - url: https://status.stripe.com",
        "    - url: 'javascript:alert(document.cookie)'\n      title: Evil\n    - url: ' JavaScript:alert(1)'\n    - url: https://status.stripe.com",
        1,
    );
    assert_ne!(hostile, text);
    std::fs::write(&file, hostile).unwrap();
    let db = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", db.path().join("l.db").display());
    let state = start(dir.path(), &url, today()).await;
    for page in [
        "/report",
        "/suppliers/stripe",
        "/",
        "/suppliers",
        "/whatif?fail=supplier:stripe",
    ] {
        let r = get(&state, page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        let html = r.text().to_ascii_lowercase();
        assert!(!html.contains("href=\"javascript:"), "{page} links script");
        assert!(!html.contains("href=\" javascript:"), "{page} links script");
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-"),
            "{page}: {csp}"
        );
        assert!(!csp.contains("script-src 'unsafe-inline'"));
    }
    assert!(get(&state, "/report")
        .await
        .text()
        .contains("https://status.stripe.com"));
}

/// After signing in, `next` could send the browser to another host, and a
/// line break in it gave a 500 after the session had been made.
#[tokio::test]
async fn sign_in_never_redirects_off_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("r.db").display());
    let token = linchpin_server::create_token(&db, "ann", Role::Viewer, 0)
        .await
        .unwrap();
    let state = start_with(
        &repo().join("examples/webshop"),
        &db,
        "127.0.0.1:0",
        Some("https://linchpin.example.com"),
    )
    .await;
    let form = get(&state, "/signin").await;
    let csrf = csrf_cookie(&form);
    assert!(form.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Secure"));
    for (next, expected) in [
        ("%2Fsuppliers", "/suppliers"),
        ("%2F%5Cevil.example", "/"),
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("%2Fx%0D%0ASet-Cookie%3A%20a%3Db", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
    ] {
        let r = call(
            &state,
            Request::post("/signin")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("linchpin_csrf={csrf}"))
                .body(Body::from(format!("token={token}&next={next}&csrf={csrf}")))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.text());
        assert_eq!(r.headers[header::LOCATION], expected, "{next}");
        let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(
            cookie.contains("Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
    }
    // The form does not carry a hostile `next` either.
    let shown = get(&state, "/signin?next=%2F%5Cevil.example").await.text();
    assert!(!shown.contains("evil.example"));
}

// ---- values written into the landscape --------------------------------------

fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        Just("*boom".to_owned()),
        Just("!!binary".to_owned()),
        Just("&x".to_owned()),
        Just("# not a comment".to_owned()),
        Just("a: b".to_owned()),
        Just("- item".to_owned()),
        Just("[x, y]".to_owned()),
        Just("{a: 1}".to_owned()),
        Just("'quoted'".to_owned()),
        Just("\"dq\" \\ back".to_owned()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("0x1F".to_owned()),
        Just("1e3".to_owned()),
        Just("2026-01-01".to_owned()),
        Just("---".to_owned()),
        Just("...".to_owned()),
        Just("%TAG".to_owned()),
        Just("@at".to_owned()),
        Just("`tick`".to_owned()),
        Just("ISO 22301 — Zertifikat für Österreich 日本".to_owned()),
        Just("x".repeat(200)),
        "[ -~]{1,40}".prop_filter("not blank", |s| !s.trim().is_empty()),
        "\\PC{1,30}".prop_filter("not blank", |s| !s.trim().is_empty()),
    ]
}

/// Review values such as `*boom`, `!!binary` or `&x` were committed
/// verbatim and the landscape no longer loaded. Whatever a reviewer types,
/// the patched landscape checks with no new error and reads back the
/// exact values.
#[test]
fn any_review_value_patches_into_a_landscape_that_still_loads() {
    use proptest::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path().join("landscape");
    copy_dir(&repo().join("examples/webshop"), &land);
    let snapshot = linchpin_server::domain::snapshot::build(
        &land,
        Date::parse("2026-11-26").unwrap(),
        1,
        None,
        None,
    )
    .unwrap_or_else(|_| panic!("the example loads"));
    let baseline = linchpin_loader::load(&land, &Default::default())
        .unwrap()
        .diagnostics
        .len();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
    runner
        .run(
            &proptest::collection::vec(hostile_text(), 1..4),
            |certifications| {
                let review = linchpin_server::domain::patch::Review {
                    received: "2026-11-20".into(),
                    valid_until: "2027-11-30".into(),
                    rto: Some("4h".into()),
                    rpo: None,
                    certifications: certifications.clone(),
                };
                let diff = linchpin_server::domain::patch::statement_patch(
                    &snapshot,
                    "mailchimp",
                    &review,
                )
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                let copy = tempfile::tempdir().unwrap();
                copy_dir(&land, copy.path());
                prop_assert!(apply(copy.path(), &diff), "{diff}");
                let loaded = linchpin_loader::load(copy.path(), &Default::default()).unwrap();
                prop_assert_eq!(
                    loaded.diagnostics.len(),
                    baseline,
                    "{:#?}\n{}",
                    loaded.diagnostics,
                    diff
                );
                let c = &loaded.catalog;
                let id = c
                    .lookup(&linchpin_model::EntityRef::new(
                        linchpin_model::Kind::Supplier,
                        "mailchimp",
                    ))
                    .unwrap();
                let linchpin_model::Spec::Supplier(sp) = &c.entity(id).spec else {
                    panic!()
                };
                let st = sp.continuity.as_ref().unwrap().statement.as_ref().unwrap();
                let expected: Vec<String> =
                    certifications.iter().map(|s| s.trim().to_owned()).collect();
                prop_assert_eq!(&st.certifications, &expected);
                Ok(())
            },
        )
        .unwrap();
}

/// A PATCH with a valid status and comment but an invalid review answered
/// 400 — having stored the status and the comment.
#[tokio::test]
async fn a_refused_change_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for url in databases(tmp.path(), "atomic").await {
        let state = start(&repo().join("examples/webshop"), &url, today()).await;
        let id = received_statement(&state, "mailchimp").await;
        let before = get(&state, &format!("/api/v1/requests/{id}")).await.json();
        let audit_before = state.db.audit_log(1000).await.unwrap().len();
        for change in [
            json!({"status": "sent", "comment": "chased", "review": {"received": "2026-11-20", "validUntil": "2027-11-30", "rto": "soon"}}),
            json!({"status": "sent", "comment": "chased", "review": {"received": "2026-11-20", "validUntil": "2025-01-01"}}),
            json!({"status": "nonsense", "comment": "chased"}),
            json!({"status": "sent", "comment": "x".repeat(20_001)}),
            json!({"comment": "chased", "review": {"received": "2026-11-20", "validUntil": "2027-11-30", "certifications": ["a\nb"]}}),
        ] {
            let r = send_json(
                &state,
                "PATCH",
                &format!("/api/v1/requests/{id}"),
                change.clone(),
                None,
            )
            .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{change}: {}", r.text());
            assert_eq!(
                get(&state, &format!("/api/v1/requests/{id}")).await.json(),
                before,
                "{url}: {change}"
            );
            assert_eq!(state.db.audit_log(1000).await.unwrap().len(), audit_before);
        }
        // The same limit through the API as through the forms.
        let ok = send_json(
            &state,
            "PATCH",
            &format!("/api/v1/requests/{id}"),
            json!({"comment": "x".repeat(20_000)}),
            None,
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK);
        // A valid change is applied whole, and the audit says what changed.
        let ok = send_json(&state, "PATCH", &format!("/api/v1/requests/{id}"), json!({"comment": "reviewed it", "review": {"received": "2026-11-20", "validUntil": "2027-11-30", "certifications": ["*boom"]}}), None).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
        assert_eq!(ok.json()["status"], "reviewed");
        let log = state.db.audit_log(1000).await.unwrap();
        assert!(log
            .iter()
            .any(|a| a.action == "request.comment" && a.detail == "reviewed it"));
        assert!(log
            .iter()
            .any(|a| a.action == "request.review" && a.detail.contains("*boom")));
        assert!(log
            .iter()
            .any(|a| a.action == "request.status" && a.detail == "received → reviewed"));
    }
}

/// Some API errors were plain text (the framework's own), and `/api/v1`
/// was an empty 404.
#[tokio::test]
async fn every_api_error_is_json_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("e.db").display());
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    let index = get(&state, "/api/v1").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.json()["openapi"], "/api/v1/openapi.json");
    let raw = |method: &str, uri: &str, ct: &str, body: Vec<u8>| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    for (req, status) in [
        (
            raw("GET", "/api/v1/nope", "text/plain", vec![]),
            StatusCode::NOT_FOUND,
        ),
        (
            raw("DELETE", "/api/v1/rank", "text/plain", vec![]),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            raw("POST", "/api/v1/requests", "text/plain", b"hello".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            raw(
                "POST",
                "/api/v1/requests",
                "application/json",
                b"{not json".to_vec(),
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            raw(
                "POST",
                "/api/v1/requests",
                "application/json",
                b"{\"kind\": 3}".to_vec(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            raw(
                "POST",
                "/api/v1/requests",
                "application/json",
                format!("{{\"supplier\": \"{}\"}}", "x".repeat(300 * 1024)).into_bytes(),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let what = format!("{} {}", req.method(), req.uri());
        let r = call(&state, req).await;
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{what}"
        );
        let body = r.json();
        assert!(
            !body["error"].as_str().unwrap().is_empty(),
            "{what}: {body}"
        );
        assert_eq!(body["status"], status.as_u16(), "{what}");
    }
}

/// A read-only database let the server start with `/healthz` ok and every
/// write a 500; one that failed later did so silently.
#[tokio::test]
async fn a_database_that_cannot_be_written_is_refused_then_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("ro.db");
    let db = format!("sqlite://{}", file.display());
    // Make the database, then open it read-only.
    drop(start(&repo().join("examples/webshop"), &db, today()).await);
    let err = prepare(&options(
        &repo().join("examples/webshop"),
        today(),
        &format!("{db}?mode=ro"),
        "127.0.0.1:0",
        None,
    ))
    .await
    .err()
    .expect("a read-only database is refused");
    assert!(err.contains("the database cannot be written"), "{err}");

    // It fails while the server runs: every write is refused from now on.
    let state = start(&repo().join("examples/webshop"), &db, today()).await;
    assert_eq!(get(&state, "/healthz").await.text(), "ok");
    sqlx::any::install_default_drivers();
    let other = sqlx::AnyPool::connect(&db).await.unwrap();
    sqlx::raw_sql("CREATE TRIGGER full_disk BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;")
        .execute(&other)
        .await
        .unwrap();
    linchpin_server::server::check_database(&state).await;
    let health = get(&state, "/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(health.json()["error"]
        .as_str()
        .unwrap()
        .contains("disk is full"));
    let status = get(&state, "/api/v1/status").await.json();
    assert_eq!(status["database"]["ok"], false);
    for page in ["/", "/suppliers", "/status"] {
        assert!(
            get(&state, page)
                .await
                .text()
                .contains("The database cannot be written"),
            "{page}"
        );
    }
    // And recovers when it can be written again.
    sqlx::raw_sql("DROP TRIGGER full_disk")
        .execute(&other)
        .await
        .unwrap();
    linchpin_server::server::check_database(&state).await;
    assert_eq!(get(&state, "/healthz").await.text(), "ok");
    assert!(!get(&state, "/").await.text().contains("cannot be written"));
    other.close().await;
}

/// Two replicas started at the same moment on an empty PostgreSQL: one
/// died in its migrations; and a version was sometimes recorded twice
/// when both noticed it together.
#[tokio::test]
async fn replicas_start_together_share_writes_and_record_each_version_once() {
    let tmp = tempfile::tempdir().unwrap();
    for url in databases(tmp.path(), "replicas").await {
        let dir = repo().join("examples/webshop");
        let options = options(&dir, today(), &url, "127.0.0.1:0", None);
        let (a, b) = tokio::join!(prepare(&options), prepare(&options));
        let (a, b) = (
            a.unwrap_or_else(|e| panic!("{url}: {e}")),
            b.unwrap_or_else(|e| panic!("{url}: {e}")),
        );
        // Writes through both at once; each readable through the other.
        let new = |n: usize| json!({"supplier": "aws", "kind": "renewal", "due": format!("2027-01-{:02}", n + 1)});
        let mut made = Vec::new();
        for round in 0..5 {
            let (x, y) = tokio::join!(
                send_json(&a, "POST", "/api/v1/requests", new(2 * round), None),
                send_json(&b, "POST", "/api/v1/requests", new(2 * round + 1), None)
            );
            assert_eq!(x.status, StatusCode::CREATED, "{url}: {}", x.text());
            assert_eq!(y.status, StatusCode::CREATED, "{url}: {}", y.text());
            made.push((x.json()["id"].as_i64().unwrap(), &b));
            made.push((y.json()["id"].as_i64().unwrap(), &a));
        }
        for (id, other) in made {
            assert_eq!(
                get(other, &format!("/api/v1/requests/{id}")).await.status,
                StatusCode::OK,
                "{url}: #{id}"
            );
        }
        // Both noticed the same version: it is in the history once.
        let history = get(&a, "/api/v1/history").await.json();
        assert_eq!(
            history["versions"].as_array().map(Vec::len),
            Some(1),
            "{url}: {history}"
        );
        // Many replicas noticing one new version together record it once.
        let row = linchpin_server::db::VersionRow {
            version: "v-next".into(),
            ..Default::default()
        };
        let (r1, r2, r3, r4) = tokio::join!(
            a.db.record_version(&row),
            b.db.record_version(&row),
            a.db.record_version(&row),
            b.db.record_version(&row)
        );
        let results = [r1, r2, r3, r4];
        let recorded = results.iter().filter(|r| matches!(r, Ok(true))).count();
        assert_eq!(recorded, 1, "{url}: {results:?}");
        let history = get(&b, "/api/v1/history").await.json();
        assert_eq!(
            history["versions"].as_array().map(Vec::len),
            Some(2),
            "{url}: {history}"
        );
    }
}

/// Every list read every row: the overview, the request list and the API
/// grew with the database. Lists are pages now, in due-date order, with a
/// cursor; counts come from the database.
#[tokio::test]
async fn lists_come_a_page_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    for url in databases(tmp.path(), "paging").await {
        let state = start(&repo().join("examples/webshop"), &url, today()).await;
        // 250 requests, some overdue (due before 2026-11-26), on two suppliers.
        for n in 0..250 {
            let due = format!("2026-{:02}-{:02}", 10 + n % 3, 1 + n % 28);
            let supplier = if n % 5 == 0 {
                "supplier:default/stripe"
            } else {
                "supplier:default/aws"
            };
            state
                .db
                .create_request(
                    "ann",
                    supplier,
                    linchpin_server::db::RequestKind::Renewal,
                    &due,
                    None,
                    n as i64,
                )
                .await
                .unwrap();
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let uri = match &cursor {
                Some(c) => format!("/api/v1/requests?limit=100&cursor={c}"),
                None => "/api/v1/requests?limit=100".to_owned(),
            };
            let page = get(&state, &uri).await;
            assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.text());
            let body = page.json();
            let rows = body["requests"].as_array().unwrap();
            assert!(rows.len() <= 100);
            seen.extend(rows.iter().map(|r| {
                (
                    r["due"].as_str().unwrap().to_owned(),
                    r["id"].as_i64().unwrap(),
                )
            }));
            pages += 1;
            assert!(pages <= 20, "the cursor does not come to an end");
            match body["next"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(pages, 3, "{url}");
        assert_eq!(seen.len(), 250, "{url}: every request once");
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "{url}: in due-date order");
        // Filters run in the database, and agree with the shown status.
        let overdue = get(&state, "/api/v1/requests?status=overdue&limit=1000")
            .await
            .json();
        let expected = seen
            .iter()
            .filter(|(due, _)| due.as_str() < "2026-11-26")
            .count();
        assert_eq!(
            overdue["requests"].as_array().unwrap().len(),
            expected,
            "{url}"
        );
        assert!(overdue["requests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "overdue"));
        let open = get(&state, "/api/v1/requests?status=open&limit=1000")
            .await
            .json();
        assert_eq!(
            open["requests"].as_array().unwrap().len(),
            250 - expected,
            "{url}"
        );
        let stripe = get(
            &state,
            "/api/v1/requests?supplier=supplier:default/stripe&limit=1000",
        )
        .await
        .json();
        assert_eq!(stripe["requests"].as_array().unwrap().len(), 50, "{url}");
        // The overview counts what is overdue without reading the rows.
        let overview = get(&state, "/").await.text();
        assert!(
            overview.contains(&format!(">{expected}</div>")),
            "{url}: the overdue count"
        );
        // The request page shows one page and links the next.
        let list = get(&state, "/requests").await.text();
        assert!(list.contains("rel=\"next\""), "{url}");
        assert_eq!(
            list.matches("<tr").count(),
            51,
            "{url}: a header and 50 rows"
        );
        // The supplier page shows the first 50 and links the rest.
        let aws = get(&state, "/suppliers/aws").await.text();
        assert!(aws.contains("All 200 requests to this supplier"), "{url}");
        // Nonsense is refused, not ignored.
        for bad in ["limit=0", "limit=1001", "cursor=oops", "status=lost"] {
            let r = get(&state, &format!("/api/v1/requests?{bad}")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        }
        // The audit log, a page at a time (admins only).
        let first = get(&state, "/api/v1/audit?limit=100").await.json();
        assert_eq!(first["entries"].as_array().unwrap().len(), 100);
        let next = first["next"].as_str().unwrap().to_owned();
        let second = get(&state, &format!("/api/v1/audit?limit=1000&cursor={next}"))
            .await
            .json();
        let total = first["entries"].as_array().unwrap().len()
            + second["entries"].as_array().unwrap().len();
        assert_eq!(
            total,
            state.db.audit_log(10_000).await.unwrap().len(),
            "{url}"
        );
        assert!(second["next"].is_null());
    }
}

/// Data a test needs is missing: a failure under CI (which installs it), a
/// note and a pass on a developer's machine.
fn missing(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what}, and CI is set: CI must provide it"
    );
    eprintln!("SKIPPED: {what}");
}

/// A real SMTP server on loopback (Python's `aiosmtpd`, which stores every
/// message it receives in a maildir), stopped when dropped.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    maildir: PathBuf,
}

impl SmtpServer {
    fn start(maildir: &Path, port: Option<u16>) -> Option<SmtpServer> {
        let port = port.unwrap_or_else(|| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        });
        let child = std::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let mut server = SmtpServer {
            child,
            port,
            maildir: maildir.to_path_buf(),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(server);
            }
            if server.child.try_wait().ok().flatten().is_some() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Every message received: (recipient, subject, whole text).
    fn messages(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for dir in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let text = std::fs::read_to_string(e.path()).unwrap();
                // Headers, long ones folded over several lines.
                let head = text
                    .split("\n\n")
                    .next()
                    .unwrap_or_default()
                    .replace("\n ", " ");
                let header = |name: &str| {
                    head.lines()
                        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                        .unwrap_or_default()
                        .to_owned()
                };
                out.push((header("To"), header("Subject"), text.clone()));
            }
        }
        out.sort();
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn aiosmtpd_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success())
}

/// The webshop with reminders by e-mail to `port`, every day, nothing quiet.
fn landscape_with_mail(dir: &Path, port: u16) -> PathBuf {
    let land = dir.join("land");
    copy_dir(&repo().join("examples/webshop"), &land);
    std::fs::write(
        land.join("linchpin.toml"),
        format!(
            "[notify]\ndigest = \"daily\"\nquiet-days = []\nadmins = [\"ops@northwind.example\"]\n\n[notify.teams]\ncommerce-team = [\"commerce-oncall@northwind.example\"]\n\n[notify.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"Linchpin <linchpin@northwind.example>\"\n"
        ),
    )
    .unwrap();
    land
}

/// Reminders end to end, against a real SMTP server: each team's digest
/// arrives with its items for the injected date; two replicas on one
/// database send each message once, and planning again sends nothing; an
/// item that goes overdue is told once; a delivery that fails is retried
/// and then arrives.
#[tokio::test]
async fn reminders_arrive_once_from_two_replicas_and_failures_are_retried() {
    if !aiosmtpd_available() {
        missing("Python's aiosmtpd is not installed (pip install aiosmtpd), so reminders are not tested against an SMTP server");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for (n, db) in databases(tmp.path(), "reminders")
        .await
        .into_iter()
        .enumerate()
    {
        let run = tmp.path().join(format!("run{n}"));
        std::fs::create_dir_all(&run).unwrap();
        let smtp = SmtpServer::start(&run.join("maildir"), None).expect("aiosmtpd starts");
        let land = landscape_with_mail(&run, smtp.port);
        let clock = run.join("today");
        std::fs::write(&clock, "2026-11-26").unwrap();
        let a = start(&land, &db, Today::File(clock.clone())).await;
        let b = start(&land, &db, Today::File(clock.clone())).await;

        // Both replicas plan and deliver at once.
        let (ra, rb) = tokio::join!(
            linchpin_server::outbox::tick(&a),
            linchpin_server::outbox::tick(&b)
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let first = smtp.messages();
        assert_eq!(ra.sent + rb.sent, first.len(), "{ra:?} {rb:?} {db}");
        let digests: Vec<&(String, String, String)> = first
            .iter()
            .filter(|m| m.1.contains(" due in the next 30 days"))
            .collect();
        assert!(!digests.is_empty(), "{first:#?}");
        // One digest per address, each once.
        let mut to: Vec<&str> = digests.iter().map(|m| m.0.as_str()).collect();
        to.dedup();
        assert_eq!(to.len(), digests.len(), "{to:?}");
        // `[notify.teams]` overrides a Group's own address.
        assert!(to.contains(&"commerce-oncall@northwind.example"), "{to:?}");
        assert!(!to.contains(&"commerce@northwind.example"), "{to:?}");
        // The items are the served version's, by team, with both parts.
        let snap = a.current().unwrap();
        let catalog = &snap.loaded.catalog;
        let horizon = Date::parse("2026-12-26").unwrap();
        let payments_items: Vec<String> = snap
            .report
            .timeline
            .iter()
            .filter(|t| t.date <= horizon)
            .filter(|t| {
                catalog
                    .entity(t.supplier)
                    .owner()
                    .is_some_and(|o| o.value.name == "payments-team")
            })
            .map(|t| {
                format!(
                    "{}: {}",
                    catalog.entity(t.supplier).display_name(),
                    t.kind.label()
                )
            })
            .collect();
        assert!(!payments_items.is_empty());
        let payments = digests
            .iter()
            .find(|m| m.0 == "payments@northwind.example")
            .expect("the payments team's digest");
        for item in &payments_items {
            assert!(
                payments.2.contains(item.as_str()),
                "{item} not in {}",
                payments.2
            );
        }
        assert!(
            payments.2.contains("Content-Type: text/plain"),
            "{}",
            payments.2
        );
        assert!(
            payments.2.contains("Content-Type: text/html"),
            "{}",
            payments.2
        );

        // Admins see every delivery (the API as its document says), and can
        // send a test message; a forged form is refused.
        let doc = get(&a, "/api/v1/openapi.json").await.json();
        let api = get(&a, "/api/v1/reminders").await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.text());
        conforms(&doc, "/api/v1/reminders", "get", &api);
        assert_eq!(
            api.json()["deliveries"].as_array().unwrap().len(),
            first.len()
        );
        let page = get(&a, "/admin/reminders").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text().contains("commerce-oncall@northwind.example"),
            "{}",
            page.text()
        );
        assert!(page.text().contains("127.0.0.1:"), "{}", page.text());
        let csrf = csrf_cookie(&page);
        let test_form = |field: &str| {
            Request::post("/admin/reminders/test")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("linchpin_csrf={csrf}"))
                .body(Body::from(format!(
                    "csrf={field}&to=ops%40northwind.example"
                )))
                .unwrap()
        };
        assert_eq!(
            call(&a, test_form("0000")).await.status,
            StatusCode::FORBIDDEN
        );
        let sent = call(&a, test_form(&csrf)).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
        assert!(
            sent.text().contains("handed to the mail server"),
            "{}",
            sent.text()
        );
        let with_test = smtp.messages();
        assert_eq!(with_test.len(), first.len() + 1);
        assert!(with_test
            .iter()
            .any(|m| m.0 == "ops@northwind.example"
                && m.1 == "[Linchpin] A test message from Linchpin"));
        let first = with_test;

        // Again, from both: nothing new.
        let (ra, rb) = tokio::join!(
            linchpin_server::outbox::tick(&a),
            linchpin_server::outbox::tick(&b)
        );
        assert_eq!(ra.unwrap().sent + rb.unwrap().sent, 0);
        assert_eq!(smtp.messages().len(), first.len());
        // A restarted replica plans nothing anew either.
        let c = start(&land, &db, Today::File(clock.clone())).await;
        assert_eq!(linchpin_server::outbox::tick(&c).await.unwrap().sent, 0);

        // Later: the first item not yet due goes overdue the day after its
        // date and is told at once to its team (besides that day's
        // digests), once, however many replicas tick.
        let first_due = snap
            .report
            .timeline
            .iter()
            .filter(|t| !t.overdue && t.date <= Date::parse("2027-03-31").unwrap())
            // What stays due once its date passes (a missed notice
            // deadline is gone: the next one counts).
            .filter(|t| {
                [
                    "continuity statement expires",
                    "escrow deposit due",
                    "exit-plan test due",
                ]
                .contains(&t.kind.label())
            })
            .filter(|t| {
                catalog.entity(t.supplier).owner().is_some_and(|o| {
                    ["payments-team", "commerce-team", "platform-team"]
                        .contains(&o.value.name.as_str())
                })
            })
            .min_by_key(|t| t.date)
            .expect("an item due within 30 days");
        let day_after = first_due.date.add_days(1);
        std::fs::write(&clock, day_after.to_string()).unwrap();
        reload(&a).await.unwrap();
        reload(&b).await.unwrap();
        let (ra, rb) = tokio::join!(
            linchpin_server::outbox::tick(&a),
            linchpin_server::outbox::tick(&b)
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let second = smtp.messages();
        assert_eq!(second.len(), first.len() + ra.sent + rb.sent);
        let expected = format!(
            "Overdue since {}: {}: {}",
            first_due.date,
            catalog.entity(first_due.supplier).display_name(),
            first_due.kind.label()
        );
        let told: Vec<_> = second.iter().filter(|m| m.1.contains(&expected)).collect();
        assert_eq!(told.len(), 1, "{expected}: {second:#?}");
        let (ra, rb) = tokio::join!(
            linchpin_server::outbox::tick(&a),
            linchpin_server::outbox::tick(&b)
        );
        assert_eq!(ra.unwrap().sent + rb.unwrap().sent, 0);
        // A broken change: the admins hear of it once, from either replica.
        std::fs::write(land.join("broken.yaml"), "apiVersion: linchpin.dev/v1alpha1\nkind: Supplier\nmetadata: { name: broken }\nspec: { type: nonsense }\n").unwrap();
        reload(&a).await.unwrap();
        reload(&b).await.unwrap();
        let before = smtp.messages().len();
        let (ra, rb) = tokio::join!(
            linchpin_server::outbox::tick(&a),
            linchpin_server::outbox::tick(&b)
        );
        let _ = (ra.unwrap(), rb.unwrap());
        let (ra, rb) = tokio::join!(
            linchpin_server::outbox::tick(&a),
            linchpin_server::outbox::tick(&b)
        );
        let _ = (ra.unwrap(), rb.unwrap());
        let all = smtp.messages();
        let rejected: Vec<_> = all
            .iter()
            .filter(|m| m.1.contains("was rejected"))
            .collect();
        assert_eq!(rejected.len(), 1, "{all:#?}");
        assert_eq!(rejected[0].0, "ops@northwind.example");
        assert!(rejected[0].2.contains("broken.yaml"), "{}", rejected[0].2);
        assert_eq!(all.len(), before + 1);
        std::fs::remove_file(land.join("broken.yaml")).unwrap();
        reload(&a).await.unwrap();
        reload(&b).await.unwrap();
        drop(smtp);

        // The mail server is down: the attempt fails, is recorded, and is
        // retried when due.
        std::fs::write(&clock, "2026-11-30").unwrap();
        reload(&a).await.unwrap();
        let down = linchpin_server::outbox::tick(&a).await.unwrap();
        assert!(down.failed > 0 && down.sent == 0, "{down:?}");
        let pending = a.db.deliveries(500).await.unwrap();
        let failing = pending
            .iter()
            .find(|d| d.delivered_at.is_none())
            .expect("a pending delivery");
        assert_eq!(failing.attempts, 1);
        assert!(failing.last_error.is_some());
        assert!(failing.next_at > a.now(), "retried later, not at once");
        // Not before its time…
        let early = linchpin_server::outbox::deliver(&a, a.now()).await.unwrap();
        assert_eq!(early.sent + early.failed, 0);
        // …and once the server is back, it goes through.
        let smtp = SmtpServer::start(&run.join("maildir2"), Some(smtp_port(&land)))
            .expect("aiosmtpd restarts");
        let later = linchpin_server::outbox::deliver(&a, a.now() + 24 * 3600)
            .await
            .unwrap();
        assert!(later.sent > 0 && later.failed == 0, "{later:?}");
        assert_eq!(smtp.messages().len(), later.sent);
        assert!(a
            .db
            .deliveries(500)
            .await
            .unwrap()
            .iter()
            .all(|d| d.delivered_at.is_some()));
    }
}

fn smtp_port(land: &Path) -> u16 {
    let text = std::fs::read_to_string(land.join("linchpin.toml")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("port = "))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A webhook receiver on loopback: records every request, and answers
/// 500 to the first `fail` ones.
async fn receiver(
    fail: usize,
) -> (
    u16,
    std::sync::Arc<std::sync::Mutex<Vec<(String, axum::http::HeaderMap, String)>>>,
) {
    use axum::routing::post;
    type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, axum::http::HeaderMap, String)>>>;
    let seen: Seen = Default::default();
    let failures = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(fail));
    let app = axum::Router::new().route(
        "/{path}",
        post({
            let seen = seen.clone();
            move |axum::extract::Path(path): axum::extract::Path<String>,
                  headers: axum::http::HeaderMap,
                  body: String| {
                let seen = seen.clone();
                let failures = failures.clone();
                async move {
                    seen.lock().unwrap().push((path, headers, body));
                    let left = failures.load(std::sync::atomic::Ordering::SeqCst);
                    if left > 0 {
                        failures.store(left - 1, std::sync::atomic::Ordering::SeqCst);
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::NO_CONTENT
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (port, seen)
}

/// Webhooks: Linchpin's JSON event signed with the shared secret, and a
/// chat message whose URL the environment holds; a failed post is retried
/// and then delivered; planning again posts nothing; the OpenAPI document
/// lists the event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_retried_and_posted_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (port, seen) = receiver(1).await;
    let land = tmp.path().join("land");
    copy_dir(&repo().join("examples/webshop"), &land);
    std::fs::write(
        land.join("linchpin.toml"),
        format!(
            "[notify]\nquiet-days = []\n\n[[notify.webhook]]\nurl = \"http://127.0.0.1:{port}/hook\"\nsecret-env = \"HOOK_SECRET\"\nevents = [\"digest\"]\n\n[[notify.webhook]]\nurl-env = \"CHAT_URL\"\nformat = \"chat\"\n"
        ),
    )
    .unwrap();
    let db = format!("sqlite://{}", tmp.path().join("hooks.db").display());
    let chat_url = format!("http://127.0.0.1:{port}/chat");
    let state = start_in(
        &land,
        &db,
        today(),
        &[("HOOK_SECRET", "s3cret"), ("CHAT_URL", chat_url.as_str())],
    )
    .await;
    let first = linchpin_server::outbox::tick(&state).await.unwrap();
    // The first post to /hook failed; every chat post went through.
    assert_eq!(first.failed, 1, "{first:?}");
    let digests = state
        .current()
        .unwrap()
        .report
        .timeline
        .iter()
        .filter(|t| t.date <= Date::parse("2026-12-26").unwrap())
        .filter_map(|t| {
            state
                .current()
                .unwrap()
                .loaded
                .catalog
                .entity(t.supplier)
                .owner()
                .map(|o| o.value.name.to_string())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let retried = linchpin_server::outbox::deliver(&state, state.now() + 3600)
        .await
        .unwrap();
    assert_eq!((retried.sent, retried.failed), (1, 0), "{retried:?}");
    let requests = seen.lock().unwrap().clone();
    let hooks: Vec<_> = requests.iter().filter(|r| r.0 == "hook").collect();
    let chats: Vec<_> = requests.iter().filter(|r| r.0 == "chat").collect();
    // One digest per team, to each webhook; the failed one twice.
    assert_eq!(hooks.len(), digests + 1, "{requests:#?}");
    assert!(chats.len() >= digests, "{requests:#?}");
    for (_, headers, body) in &hooks {
        let sig = headers["x-linchpin-signature"].to_str().unwrap();
        let expected = {
            use hmac::{KeyInit, Mac};
            let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"s3cret").unwrap();
            mac.update(body.as_bytes());
            mac.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(sig, format!("sha256={expected}"));
        assert_eq!(headers["x-linchpin-event"], "digest");
        assert_eq!(headers["content-type"], "application/json");
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["linchpinEvent"], 1);
        assert_eq!(event["kind"], "digest");
        assert!(event["team"]
            .as_str()
            .unwrap()
            .starts_with("group:default/"));
        assert!(!event["sections"].as_array().unwrap().is_empty());
    }
    // The retry is the same delivery: same id, same body.
    let ids: std::collections::BTreeSet<_> = hooks
        .iter()
        .map(|h| h.1["x-linchpin-delivery"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), digests);
    for (_, headers, body) in &chats {
        assert!(headers.get("x-linchpin-signature").is_none());
        let message: Value = serde_json::from_str(body).unwrap();
        assert!(message["text"].as_str().unwrap().starts_with('*'), "{body}");
    }
    // Again: nothing new is posted.
    let again = linchpin_server::outbox::tick(&state).await.unwrap();
    assert_eq!((again.sent, again.failed), (0, 0));
    assert_eq!(seen.lock().unwrap().len(), requests.len());
    // The event's shape is in the OpenAPI document.
    let doc = get(&state, "/api/v1/openapi.json").await.json();
    assert!(
        doc["webhooks"]["reminder"]["post"]["requestBody"].is_object(),
        "{doc:#}"
    );
}

/// A reload builds on the version served before (only the suppliers a
/// change can reach are propagated again, only the changed file is parsed
/// again) and serves exactly what a version built from nothing shows.
#[test]
fn a_version_built_on_the_one_before_is_the_version_built_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let land = tmp.path().join("webshop");
    copy_dir(&repo().join("examples/webshop"), &land);
    let today = Date::parse("2026-11-26").unwrap();
    let build = linchpin_server::domain::snapshot::build;
    let mut files = linchpin_loader::FileCache::default();
    let mut before =
        build(&land, today, 2, None, Some(&mut files)).unwrap_or_else(|r| panic!("{r:?}"));
    let yaml = (0..before.loaded.sources.len())
        .map(|i| {
            before
                .loaded
                .sources
                .get(linchpin_diagnostics::FileId(i as u32))
        })
        .filter(|f| f.path.ends_with(".yaml"))
        .count();
    assert_eq!(files.len(), yaml, "every YAML file is kept");
    // Edges, a function's criticality, and what leaves the graph as it was.
    for (path, from, to, ranking_changes) in [
        (
            "catalog/components.yaml",
            "switchover: 30m",
            "switchover: 9h",
            true,
        ),
        (
            "catalog/components.yaml",
            "switchover: 4h",
            "switchover: 1m",
            true,
        ),
        (
            "catalog/components.yaml",
            "      impact: degraded\n",
            "      impact: down\n",
            true,
        ),
        (
            "linchpin/functions.yaml",
            "criticality: important",
            "criticality: standard",
            true,
        ),
        (
            "linchpin/suppliers/cloud-and-hosting.yaml",
            "validUntil: 2027-01-31",
            "validUntil: 2026-01-31",
            true,
        ),
        (
            "linchpin/suppliers/cloud-and-hosting.yaml",
            "title: Amazon Web Services EMEA SARL",
            "title: AWS EMEA",
            false,
        ),
    ] {
        let file = land.join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
        let alone = build(&land, today, 2, None, None).unwrap_or_else(|r| panic!("{r:?}"));
        let after = build(&land, today, 2, Some(&before), Some(&mut files))
            .unwrap_or_else(|r| panic!("{r:?}"));
        assert_ne!(alone.version, before.version);
        assert_eq!(alone.version, after.version);
        assert_eq!(
            format!("{:?}", alone.report),
            format!("{:?}", after.report),
            "{from} -> {to}"
        );
        assert_eq!(
            format!("{:?} {:?}", alone.loaded.catalog, alone.loaded.diagnostics),
            format!("{:?} {:?}", after.loaded.catalog, after.loaded.diagnostics),
            "{from} -> {to}"
        );
        // The graph, kept or built again, is the graph built alone.
        assert_eq!(
            format!("{:?}", alone.graph),
            format!("{:?}", after.graph),
            "{from} -> {to}"
        );
        assert_eq!(
            format!("{:?}", before.report.ranking) != format!("{:?}", after.report.ranking),
            ranking_changes,
            "whether the change shows in the ranking: {from} -> {to}"
        );
        before = after;
    }
}
