//! The application's state: how the server was started, the database,
//! the version being served and what is cached from it, the clock, and
//! who may do what.
use linchpin_model::Date;
use std::sync::{Arc, RwLock};

use crate::access::Access;
use crate::access::PublicUrl;
use crate::db::Db;
use crate::db::Principal;
use crate::db::Request;
use crate::db::Role;
use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::error::ANALYSIS_LIMIT;
use crate::domain::snapshot::Rejected;
use crate::domain::snapshot::Snapshot;
use std::path::PathBuf;

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

/// The environment the server was started in, from which settings that
/// name a variable (`[notify.smtp] password-env`) take their secret. Shown
/// by name only.
#[derive(Clone, Default)]
pub struct Environment(pub std::collections::BTreeMap<String, String>);

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
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
    /// The environment it was started in.
    pub environment: Environment,
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
    /// The landscape's files as last parsed, so that a reload parses only
    /// the files that changed.
    pub files: std::sync::Mutex<linchpin_loader::FileCache>,
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

/// The state handed to handlers.
pub type AppState = Arc<Shared>;

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
        files: std::sync::Mutex::new(linchpin_loader::FileCache::default()),
        cache: std::sync::Mutex::new(Cache::default()),
        counts: std::sync::Mutex::new(std::collections::HashMap::new()),
    })
}

/// The served snapshot, or 503.
pub fn snapshot(state: &AppState) -> AppResult<Arc<Snapshot>> {
    state.current().ok_or(AppError::NoLandscape)
}

/// A request by id, or 404.
pub async fn find_request(state: &crate::domain::state::Shared, id: i64) -> AppResult<Request> {
    state
        .db
        .request(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no request #{id}")))
}
