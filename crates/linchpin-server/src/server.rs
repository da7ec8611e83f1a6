//! Starting the server: the database, the first load, the watcher that
//! reloads on change (keeping the last good version when a new one has
//! errors), and the listener.

use crate::access::Access;
use crate::db::{Db, Role, VersionRow};
use crate::domain::snapshot::build;
use crate::domain::snapshot::ready_count;
use crate::domain::snapshot::tier_counts;
use crate::domain::snapshot::Snapshot;
use crate::domain::state::shared;
use crate::domain::state::AppState;
use crate::domain::state::Settings;
use crate::http::router::app;
use linchpin_diagnostics::Severity;
use linchpin_model::Kind;
use linchpin_report::contract::RefText;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Settings shared with the handlers.
    pub settings: Settings,
    /// The database URL.
    pub database: String,
    /// How often to look for changes.
    pub poll: std::time::Duration,
}

/// A version's numbers for the history.
pub fn version_row(s: &Snapshot, now: i64) -> VersionRow {
    let tiers = tier_counts(s);
    let (ready, of) = ready_count(s);
    let c = &s.loaded.catalog;
    VersionRow {
        version: s.version.clone(),
        commit: s.commit.clone(),
        loaded_at: now,
        entities: c.len() as i64,
        suppliers: c.of_kind(&Kind::Supplier).count() as i64,
        tiers: tiers.map(|t| t as i64),
        findings_errors: s
            .report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count() as i64,
        findings_warnings: s
            .report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count() as i64,
        findings_total: s.report.findings.len() as i64,
        ready: ready as i64,
        ready_of: of as i64,
        breaches: s
            .report
            .scenarios
            .iter()
            .filter(|sc| sc.scenario.is_some())
            .flat_map(|sc| sc.result.functions.iter())
            .filter(|f| f.breach)
            .count() as i64,
        results: serde_json::to_string(&Results {
            findings: s
                .report
                .findings
                .iter()
                .map(|f| FindingKey {
                    entity: RefText(&c.entity(f.entity).entity_ref),
                    id: f.id,
                })
                .collect(),
            suppliers: s
                .report
                .ranking
                .iter()
                .map(|r| SupplierKey {
                    r#ref: RefText(&c.entity(r.id).entity_ref),
                    score: (r.score * 10.0).round() / 10.0,
                    tier: r.tier,
                })
                .collect(),
        })
        .ok(),
    }
}

/// A version's results as the history keeps them (`results` of
/// [`VersionRow`]): each supplier's tier and score, each finding. Keys in
/// alphabetical order, as the history has always stored them.
#[derive(serde::Serialize)]
struct Results<'a> {
    findings: Vec<FindingKey<'a>>,
    suppliers: Vec<SupplierKey<'a>>,
}

#[derive(serde::Serialize)]
struct FindingKey<'a> {
    entity: RefText<'a>,
    id: &'static str,
}

#[derive(serde::Serialize)]
struct SupplierKey<'a> {
    r#ref: RefText<'a>,
    score: f64,
    tier: u8,
}

/// Loads the landscape now: a valid version is served and recorded; one
/// with errors is kept aside (its diagnostics shown) while the last valid
/// one stays. Returns whether a new version is served.
pub async fn reload(state: &AppState) -> Result<bool, String> {
    let dir = state.settings.dir.clone();
    let today = state.today();
    let threads = state.settings.threads;
    let previous = state.current();
    let shared = state.clone();
    let built = tokio::task::spawn_blocking(move || {
        // A poisoned cache (a reload that panicked) is simply not used.
        let mut files = shared.files.lock().ok();
        build(
            &dir,
            today,
            threads,
            previous.as_deref(),
            files.as_deref_mut(),
        )
    })
    .await
    .map_err(|e| e.to_string())?;
    match built {
        Ok(s) => {
            let same = state
                .current()
                .is_some_and(|c| c.version == s.version && c.today == s.today);
            if let Ok(mut r) = state.rejected.write() {
                *r = None;
            }
            if same {
                return Ok(false);
            }
            // A valid version is served even when the history cannot take
            // it; the failing database is then shown on every page.
            let recorded = state.db.record_version(&version_row(&s, state.now())).await;
            if let Err(e) = &recorded {
                state.database_checked(Err(e.0.clone()));
            }
            if let Ok(mut cur) = state.snapshot.write() {
                *cur = Some(Arc::new(s));
            }
            Ok(true)
        }
        Err(rejected) => {
            eprintln!(
                "the landscape has {} error(s); still serving the last valid version",
                rejected.errors
            );
            if let Ok(mut r) = state.rejected.write() {
                *r = Some(rejected);
            }
            Ok(false)
        }
    }
}

/// What identifies the landscape files' state: every file the loader
/// would start from (`linchpin_loader::landscape_files`: the same walk,
/// `.gitignore` honoured) with its size and time. A database or log beside
/// the landscape is not among them, so it never looks like a change.
#[allow(clippy::disallowed_methods)] // the watcher's look at file times
pub fn fingerprint(dir: &Path) -> Vec<(String, u64, u128)> {
    let mut out: Vec<(String, u64, u128)> = linchpin_loader::landscape_files(dir)
        .into_iter()
        .filter_map(|path| {
            let meta = std::fs::metadata(&path).ok()?;
            let t = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            Some((path.to_string_lossy().into_owned(), meta.len(), t))
        })
        .collect();
    out.sort();
    out
}

/// Checks that the database takes writes and records the outcome for
/// `/healthz`, `/status` and every page's banner (the watcher does it at
/// each look for changes).
pub async fn check_database(state: &AppState) {
    let checked = state.db.check_writable().await.map_err(|e| e.0);
    state.database_checked(checked);
}

/// Reloads when the landscape changes: told by the operating system
/// (inotify, FSEvents, … through `notify`) within a tenth of a second, and
/// in any case every `poll` (the fallback where notifications do not work:
/// network file systems, an exhausted inotify limit); also when the date
/// changes. Either way a reload happens only when the files the loader
/// reads changed ([`fingerprint`]), so a database or log beside the
/// landscape never causes one.
pub fn spawn_watcher(state: AppState, poll: std::time::Duration) {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
    let watcher = {
        use notify::Watcher as _;
        let tx = tx.clone();
        notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| !e.kind.is_access()) {
                // A full channel already holds a wake-up: nothing is lost.
                let _ = tx.try_send(());
            }
        })
        .and_then(|mut w| {
            w.watch(&state.settings.dir, notify::RecursiveMode::Recursive)?;
            Ok(w)
        })
    };
    let watcher = match watcher {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!(
                "note: cannot watch the landscape for changes ({e}); looking every {} s instead",
                poll.as_secs()
            );
            None
        }
    };
    tokio::spawn(async move {
        // The watcher lives as long as this task.
        let _watcher = watcher;
        let dir = state.settings.dir.clone();
        let mut last = {
            let d = dir.clone();
            tokio::task::spawn_blocking(move || fingerprint(&d))
                .await
                .unwrap_or_default()
        };
        let mut last_day = state.today();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(poll) => check_database(&state).await,
                Some(()) = rx.recv() => {
                    // Let an editor or `git checkout` finish writing.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    while rx.try_recv().is_ok() {}
                }
            }
            let d = dir.clone();
            let now = tokio::task::spawn_blocking(move || fingerprint(&d))
                .await
                .unwrap_or_default();
            let day = state.today();
            if now != last || day != last_day {
                last = now;
                last_day = day;
                match reload(&state).await {
                    Ok(true) => eprintln!("reloaded the landscape"),
                    Ok(false) => {}
                    Err(e) => eprintln!("error: cannot reload the landscape: {e}"),
                }
            }
        }
    });
    drop(tx);
}

/// Opens the database; refuses to listen beyond this machine without tokens.
pub async fn prepare(options: &ServeOptions) -> Result<AppState, String> {
    let db = Db::connect(&options.database).await.map_err(|e| e.0)?;
    db.check_writable().await.map_err(|e| {
        format!(
            "the database cannot be written ({}); the server needs to store requests, sessions and history — give it a writable database",
            e.0
        )
    })?;
    let tokens = db.has_tokens().await.map_err(|e| e.0)?;
    let access = Access::at_start(&options.settings.bind, tokens)?;
    let state = shared(options.settings.clone(), db, access);
    reload(&state).await?;
    Ok(state)
}

/// Serves until Ctrl-C.
pub async fn serve(options: ServeOptions) -> Result<(), String> {
    let state = prepare(&options).await?;
    let bind = options.settings.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let served = state.current();
    eprintln!(
        "serving {} at http://{addr}/ ({}; {})",
        options.settings.dir.display(),
        match &served {
            Some(s) => format!("version {}, {} entities", s.version, s.loaded.catalog.len()),
            None => "no valid version yet: see /status".to_owned(),
        },
        match state.access {
            Access::SignIn => "sign-in required",
            Access::Local => "no tokens when it started: open to this machine only",
        }
    );
    println!("http://{addr}/");
    spawn_watcher(state.clone(), options.poll);
    crate::outbox::spawn(state.clone(), std::time::Duration::from_secs(30));
    let db = state.db.clone();
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    Ok(())
}

/// Creates a token and prints it once.
pub async fn create_token(
    database: &str,
    name: &str,
    role: Role,
    now: i64,
) -> Result<String, String> {
    let db = Db::connect(database).await.map_err(|e| e.0)?;
    let token = db
        .create_token("cli", name, role, now)
        .await
        .map_err(|e| e.0)?;
    db.close().await;
    Ok(token)
}
