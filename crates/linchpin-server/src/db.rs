//! Persistence: SQLite by default, PostgreSQL for teams, through one code
//! path (sqlx's `Any` driver, `$N` placeholders, which both understand).
//! Every change runs in a transaction together with its audit entry.
//!
//! Migrations are numbered; each has its SQLite and its PostgreSQL text
//! where the two dialects differ (identity columns, blobs). A database of
//! a newer schema than this build knows is refused with a clear message.

use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The database.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// A failure of the database, said for a person.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DbError(pub String);

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> DbError {
        DbError(explain(&e))
    }
}

/// What replicas take turns at on PostgreSQL (advisory lock keys).
#[derive(Debug, Clone, Copy)]
#[repr(i64)]
enum Lock {
    /// Migrating the schema.
    Migrations = 0x6c69_6e63_0001,
    /// Recording a landscape version.
    Versions = 0x6c69_6e63_0002,
    /// Claiming messages of the outbox to deliver.
    Outbox = 0x6c69_6e63_0003,
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 4;

fn explain(e: &sqlx::Error) -> String {
    let text = e.to_string();
    if text.contains("database is locked") || text.contains("database table is locked") {
        "the database is locked by another process; stop the other Linchpin server or wait and retry".to_owned()
    } else if text.contains("file is not a database") || text.contains("malformed") {
        format!("the database file is damaged or not a SQLite database ({text}); restore it from a backup or start with a new file")
    } else {
        text
    }
}

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's name (or `local` when no authentication is configured).
    pub name: String,
    /// What they may do.
    pub role: Role,
}

/// An enum stored as text: its names are written once, here, and read
/// back strictly (a row holding another name is an error, not a default).
macro_rules! text_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vm])* $variant,)+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The value written as `s`.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The value as written.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Every name, joined with `, ` (for messages).
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "`{text}` is not one of {}",
                        $name::names()
                    ))
                })
            }
        }
    };
}

text_enum! {
    /// Roles, each allowing what the one before allows.
    pub enum Role {
        /// Reads the calendar feed (`/calendar.ics`) and nothing else: a
        /// token for a calendar application's subscription URL.
        Calendar = "calendar",
        /// Reads everything.
        Viewer = "viewer",
        /// Also runs the workflow: requests, comments, uploads, reviews.
        Editor = "editor",
        /// Also manages tokens.
        Admin = "admin",
    }
}

text_enum! {
    /// What a request asks a supplier for.
    pub enum RequestKind {
        /// A continuity statement.
        Statement = "statement",
        /// The verification of an escrow deposit.
        EscrowVerification = "escrow-verification",
        /// A test of the exit plan.
        ExitTest = "exit-test",
        /// A contract renewal.
        Renewal = "renewal",
    }
}

text_enum! {
    /// Where a request stands, as stored (`overdue` is derived from the due
    /// date: [`Request::is_overdue`]).
    pub enum RequestStatus {
        /// Made, not yet sent.
        Open = "open",
        /// Sent to the supplier.
        Sent = "sent",
        /// The supplier's answer is in.
        Received = "received",
        /// A received statement was reviewed.
        Reviewed = "reviewed",
    }
}

/// A text column read as one of a [`text_enum!`]'s values.
fn text_column<T>(
    r: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    let text: String = r.try_get(column)?;
    parse(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("`{text}` is not a value this server knows").into(),
    })
}

/// One loaded landscape version with its analysis in numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VersionRow {
    /// Content hash.
    pub version: String,
    /// Git commit, when known.
    pub commit: Option<String>,
    /// When it was loaded (seconds since the epoch).
    pub loaded_at: i64,
    /// Entities.
    pub entities: i64,
    /// Suppliers.
    pub suppliers: i64,
    /// Suppliers per tier 1–4.
    pub tiers: [i64; 4],
    /// Findings that are errors.
    pub findings_errors: i64,
    /// Findings that are warnings.
    pub findings_warnings: i64,
    /// All findings.
    pub findings_total: i64,
    /// Tier 1–2 suppliers whose readiness is in order.
    pub ready: i64,
    /// Tier 1–2 suppliers.
    pub ready_of: i64,
    /// Functions breaching tolerance in the landscape's scenarios.
    pub breaches: i64,
    /// The analysis results as JSON (`{suppliers: [{ref, tier, score}], findings: [{id, entity}]}`).
    pub results: Option<String>,
}

/// A token as an admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    /// Id.
    pub id: i64,
    /// Whose it is.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When it was made.
    pub created_at: i64,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// A continuity request to a supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Id.
    pub id: i64,
    /// The supplier's ref.
    pub supplier: String,
    /// What it asks for.
    pub kind: RequestKind,
    /// Due date (`YYYY-MM-DD`).
    pub due: String,
    /// Owning team's ref.
    pub team: Option<String>,
    /// Where it stands (as stored).
    pub status: RequestStatus,
    /// Created (seconds since the epoch).
    pub created_at: i64,
    /// Last changed.
    pub updated_at: i64,
    /// Who created it.
    pub created_by: String,
    /// The review of a received statement (JSON), once reviewed.
    pub review: Option<String>,
}

impl Request {
    /// Whether it is overdue on `today`: not yet answered and past its due
    /// date.
    pub fn is_overdue(&self, today: linchpin_model::Date) -> bool {
        matches!(self.status, RequestStatus::Open | RequestStatus::Sent)
            && linchpin_model::Date::parse(&self.due).is_ok_and(|d| d < today)
    }

    /// The status shown on `today`: the stored one, or `overdue`.
    pub fn shown_status(&self, today: linchpin_model::Date) -> &'static str {
        if self.is_overdue(today) {
            "overdue"
        } else {
            self.status.as_str()
        }
    }
}

/// A comment on a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Who wrote it.
    pub author: String,
    /// The text.
    pub body: String,
    /// When.
    pub created_at: i64,
}

/// An uploaded evidence file (without its bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// Id.
    pub id: i64,
    /// The request it belongs to.
    pub request_id: i64,
    /// The name it was uploaded with (shown, never used as a path).
    pub filename: String,
    /// The checked content type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Who uploaded it.
    pub author: String,
    /// When.
    pub created_at: i64,
}

/// An audit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// When.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What (`request.create`, `token.create`, …).
    pub action: String,
    /// About what.
    pub subject: String,
    /// Details.
    pub detail: String,
}

struct Migration {
    version: i64,
    sqlite: &'static [&'static str],
    postgres: &'static [&'static str],
}

const MIGRATIONS: &[Migration] = &[
    Migration {
    version: 1,
    sqlite: &[
        "CREATE TABLE versions (id INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL, git_commit TEXT, loaded_at BIGINT NOT NULL, entities BIGINT NOT NULL, suppliers BIGINT NOT NULL, tier1 BIGINT NOT NULL, tier2 BIGINT NOT NULL, tier3 BIGINT NOT NULL, tier4 BIGINT NOT NULL, findings_errors BIGINT NOT NULL, findings_warnings BIGINT NOT NULL, findings_total BIGINT NOT NULL, ready BIGINT NOT NULL, ready_of BIGINT NOT NULL, breaches BIGINT NOT NULL)",
        "CREATE TABLE tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, revoked BIGINT NOT NULL DEFAULT 0)",
        "CREATE TABLE sessions (hash TEXT PRIMARY KEY, token_id BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
        "CREATE TABLE requests (id INTEGER PRIMARY KEY AUTOINCREMENT, supplier TEXT NOT NULL, kind TEXT NOT NULL, due TEXT NOT NULL, team TEXT, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, created_by TEXT NOT NULL, review TEXT)",
        "CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id BIGINT NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE TABLE uploads (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id BIGINT NOT NULL, filename TEXT NOT NULL, content_type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL, author TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL)",
    ],
    postgres: &[
        "CREATE TABLE versions (id BIGSERIAL PRIMARY KEY, version TEXT NOT NULL, git_commit TEXT, loaded_at BIGINT NOT NULL, entities BIGINT NOT NULL, suppliers BIGINT NOT NULL, tier1 BIGINT NOT NULL, tier2 BIGINT NOT NULL, tier3 BIGINT NOT NULL, tier4 BIGINT NOT NULL, findings_errors BIGINT NOT NULL, findings_warnings BIGINT NOT NULL, findings_total BIGINT NOT NULL, ready BIGINT NOT NULL, ready_of BIGINT NOT NULL, breaches BIGINT NOT NULL)",
        "CREATE TABLE tokens (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, revoked BIGINT NOT NULL DEFAULT 0)",
        "CREATE TABLE sessions (hash TEXT PRIMARY KEY, token_id BIGINT NOT NULL, expires_at BIGINT NOT NULL)",
        "CREATE TABLE requests (id BIGSERIAL PRIMARY KEY, supplier TEXT NOT NULL, kind TEXT NOT NULL, due TEXT NOT NULL, team TEXT, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, created_by TEXT NOT NULL, review TEXT)",
        "CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, request_id BIGINT NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE TABLE uploads (id BIGSERIAL PRIMARY KEY, request_id BIGINT NOT NULL, filename TEXT NOT NULL, content_type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, data BYTEA NOT NULL, author TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL)",
    ],
    },
    // 2: each version keeps its analysis results (every supplier's tier and
    // score, every finding), so that history can be compared supplier by
    // supplier.
    Migration {
        version: 2,
        sqlite: &["ALTER TABLE versions ADD COLUMN results TEXT"],
        postgres: &["ALTER TABLE versions ADD COLUMN results TEXT"],
    },
    // 3: lists are read a page at a time in (due, id) order, per supplier
    // or per status; comments and uploads by their request.
    Migration {
        version: 3,
        sqlite: &[
            "CREATE INDEX requests_due ON requests (due, id)",
            "CREATE INDEX requests_supplier_due ON requests (supplier, due, id)",
            "CREATE INDEX requests_status_due ON requests (status, due, id)",
            "CREATE INDEX comments_request ON comments (request_id)",
            "CREATE INDEX uploads_request ON uploads (request_id)",
        ],
        postgres: &[
            "CREATE INDEX requests_due ON requests (due, id)",
            "CREATE INDEX requests_supplier_due ON requests (supplier, due, id)",
            "CREATE INDEX requests_status_due ON requests (status, due, id)",
            "CREATE INDEX comments_request ON comments (request_id)",
            "CREATE INDEX uploads_request ON uploads (request_id)",
        ],
    },
    // 4: the outbox of reminders: one row per message, its event key
    // unique (so that replicas and restarts create it once), leased by the
    // replica delivering it, retried until delivered.
    Migration {
        version: 4,
        sqlite: &[
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, body_text TEXT NOT NULL, body_html TEXT NOT NULL, created_at BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, lease_until BIGINT NOT NULL DEFAULT 0, delivered_at BIGINT, last_error TEXT)",
            "CREATE INDEX outbox_pending ON outbox (delivered_at, next_at)",
        ],
        postgres: &[
            "CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, event TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, body_text TEXT NOT NULL, body_html TEXT NOT NULL, created_at BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, lease_until BIGINT NOT NULL DEFAULT 0, delivered_at BIGINT, last_error TEXT)",
            "CREATE INDEX outbox_pending ON outbox (delivered_at, next_at)",
        ],
    },
];

/// SHA-256 in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random secret: 32 bytes as hex.
pub fn secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A SQLite file that exists must start with SQLite's header: anything else
/// would only time out in the pool, with a confusing message.
#[allow(clippy::disallowed_methods)] // a look at the database file's first bytes
fn check_sqlite_file(url: &str) -> Result<(), DbError> {
    use std::io::Read;
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return Ok(()); // created on first run
    };
    let mut head = [0u8; 16];
    match f.read(&mut head) {
        Ok(0) => Ok(()),
        Ok(n) if n == 16 && &head == b"SQLite format 3\0" => Ok(()),
        Ok(_) => Err(DbError(format!(
            "`{path}` is damaged or not a SQLite database; restore it from a backup or start with a new file"
        ))),
        Err(e) => Err(DbError(format!("cannot read the database `{path}`: {e}"))),
    }
}

fn upload_of(r: &AnyRow) -> Result<Upload, sqlx::Error> {
    Ok(Upload {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        filename: r.try_get("filename")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        author: r.try_get("author")?,
        created_at: r.try_get("created_at")?,
    })
}

fn principal_of(r: &AnyRow) -> Result<Principal, sqlx::Error> {
    Ok(Principal {
        name: r.try_get("name")?,
        role: text_column(r, "role", Role::parse)?,
    })
}

fn request_of(r: &AnyRow) -> Result<Request, sqlx::Error> {
    Ok(Request {
        id: r.try_get("id")?,
        supplier: r.try_get("supplier")?,
        kind: text_column(r, "kind", RequestKind::parse)?,
        due: r.try_get("due")?,
        team: r.try_get("team")?,
        status: text_column(r, "status", RequestStatus::parse)?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        created_by: r.try_get("created_by")?,
        review: r.try_get("review")?,
    })
}

macro_rules! request_columns {
    () => {
        "id, supplier, kind, due, team, status, created_at, updated_at, created_by, review"
    };
}

impl Db {
    /// Opens (and creates, for SQLite) the database and brings its schema up
    /// to date.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(DbError(format!(
                "`{url}` is not a database URL Linchpin knows: use `sqlite://PATH` or `postgres://USER@HOST/DB`"
            )));
        };
        if backend == Backend::Sqlite {
            check_sqlite_file(url)?;
        }
        let url = if backend == Backend::Sqlite && !url.contains("mode=") {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        } else {
            url.to_owned()
        };
        // One connection first, so that a locked, damaged or unreachable
        // database says why instead of a pool timing out.
        {
            use sqlx::Connection;
            let mut probe = sqlx::AnyConnection::connect(&url)
                .await
                .map_err(|e| DbError(format!("cannot open the database: {}", explain(&e))))?;
            if backend == Backend::Sqlite {
                let check = async {
                    sqlx::query("PRAGMA busy_timeout = 5000")
                        .execute(&mut probe)
                        .await?;
                    sqlx::query("BEGIN IMMEDIATE").execute(&mut probe).await?;
                    sqlx::query("ROLLBACK").execute(&mut probe).await?;
                    Ok::<(), sqlx::Error>(())
                };
                check
                    .await
                    .map_err(|e| DbError(format!("cannot open the database: {}", explain(&e))))?;
            }
            let _ = probe.close().await;
        }
        let mut options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .acquire_timeout(std::time::Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL: readers never wait for the writer; FULL: an
                    // acknowledged write survives a crash of the process
                    // and of the machine.
                    for pragma in [
                        "PRAGMA busy_timeout = 5000",
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&url)
            .await
            .map_err(|e| DbError(format!("cannot open the database: {}", explain(&e))))?;
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    /// SQLite or PostgreSQL.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Serializes this transaction against every other replica's doing
    /// the same `what` on PostgreSQL (an advisory lock, released at commit
    /// or rollback). On SQLite the first write of a transaction takes the
    /// database's one write lock, which serializes writers already.
    async fn exclusive(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        what: Lock,
    ) -> Result<(), DbError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(what as i64)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    async fn migrate(&self) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        // Replicas started together on an empty database: one migrates,
        // the others wait and then find nothing to do.
        self.exclusive(&mut tx, Lock::Migrations).await?;
        sqlx::query("CREATE TABLE IF NOT EXISTS linchpin_schema (version BIGINT NOT NULL)")
            .execute(&mut *tx)
            .await
            .map_err(|e| DbError(format!("cannot prepare the database: {}", explain(&e))))?;
        let current: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM linchpin_schema")
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        let current = current.unwrap_or(0);
        if current > SCHEMA_VERSION {
            return Err(DbError(format!(
                "the database has schema version {current}, newer than this Linchpin knows ({SCHEMA_VERSION}); use the newer Linchpin that wrote it, or another database"
            )));
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > current) {
            let statements = match self.backend {
                Backend::Sqlite => m.sqlite,
                Backend::Postgres => m.postgres,
            };
            for s in statements {
                sqlx::query(*s).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO linchpin_schema (version) VALUES ($1)")
                .bind(m.version)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ---- landscape versions -------------------------------------------

    /// Records a loaded version unless it is the latest one already.
    pub async fn record_version(&self, v: &VersionRow) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        // Replicas that notice one change together record it once: the
        // check and the insert are one statement, and on PostgreSQL the
        // replicas take turns.
        self.exclusive(&mut tx, Lock::Versions).await?;
        let inserted = sqlx::query("INSERT INTO versions (version, git_commit, loaded_at, entities, suppliers, tier1, tier2, tier3, tier4, findings_errors, findings_warnings, findings_total, ready, ready_of, breaches, results) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 WHERE NOT EXISTS (SELECT 1 FROM versions WHERE version = $1 AND id = (SELECT MAX(id) FROM versions))")
            .bind(&v.version)
            .bind(v.commit.clone())
            .bind(v.loaded_at)
            .bind(v.entities)
            .bind(v.suppliers)
            .bind(v.tiers[0])
            .bind(v.tiers[1])
            .bind(v.tiers[2])
            .bind(v.tiers[3])
            .bind(v.findings_errors)
            .bind(v.findings_warnings)
            .bind(v.findings_total)
            .bind(v.ready)
            .bind(v.ready_of)
            .bind(v.breaches)
            .bind(v.results.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        audit(
            &mut tx,
            v.loaded_at,
            "server",
            "landscape.load",
            &v.version,
            v.commit.as_deref().unwrap_or(""),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The latest `limit` versions, oldest first.
    pub async fn versions(&self, limit: i64) -> Result<Vec<VersionRow>, DbError> {
        let rows = sqlx::query("SELECT version, git_commit, loaded_at, entities, suppliers, tier1, tier2, tier3, tier4, findings_errors, findings_warnings, findings_total, ready, ready_of, breaches FROM versions ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(VersionRow {
                    version: r.try_get("version")?,
                    commit: r.try_get("git_commit")?,
                    loaded_at: r.try_get("loaded_at")?,
                    entities: r.try_get("entities")?,
                    suppliers: r.try_get("suppliers")?,
                    tiers: [
                        r.try_get("tier1")?,
                        r.try_get("tier2")?,
                        r.try_get("tier3")?,
                        r.try_get("tier4")?,
                    ],
                    findings_errors: r.try_get("findings_errors")?,
                    findings_warnings: r.try_get("findings_warnings")?,
                    findings_total: r.try_get("findings_total")?,
                    ready: r.try_get("ready")?,
                    ready_of: r.try_get("ready_of")?,
                    breaches: r.try_get("breaches")?,
                    results: None,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        out.reverse();
        Ok(out)
    }

    /// The analysis results a version was recorded with.
    pub async fn version_results(&self, version: &str) -> Result<Option<String>, DbError> {
        let row =
            sqlx::query("SELECT results FROM versions WHERE version = $1 ORDER BY id DESC LIMIT 1")
                .bind(version)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => r.try_get::<Option<String>, _>("results")?,
            None => None,
        })
    }

    // ---- tokens and sessions ------------------------------------------

    /// Whether any usable token exists (authentication is configured).
    pub async fn has_tokens(&self) -> Result<bool, DbError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM tokens WHERE revoked = 0")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n > 0)
    }

    /// Creates a token; returns its secret, shown once and stored hashed.
    pub async fn create_token(
        &self,
        actor: &str,
        name: &str,
        role: Role,
        now: i64,
    ) -> Result<String, DbError> {
        let token = format!("lp_{}", secret());
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO tokens (name, role, hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(name)
            .bind(role.as_str())
            .bind(sha256_hex(token.as_bytes()))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, now, actor, "token.create", name, role.as_str()).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Every token (without secrets).
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, DbError> {
        let rows =
            sqlx::query("SELECT id, name, role, created_at, revoked FROM tokens ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    role: text_column(r, "role", Role::parse)?,
                    created_at: r.try_get("created_at")?,
                    revoked: r.try_get::<i64, _>("revoked")? != 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Revokes a token and ends its sessions.
    pub async fn revoke_token(&self, actor: &str, id: i64, now: i64) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE tokens SET revoked = 1 WHERE id = $1 AND revoked = 0")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if done {
            sqlx::query("DELETE FROM sessions WHERE token_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit(
                &mut tx,
                now,
                actor,
                "token.revoke",
                &format!("token:{id}"),
                "",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The principal a token secret belongs to.
    pub async fn principal_of_token(
        &self,
        token: &str,
    ) -> Result<Option<(i64, Principal)>, DbError> {
        let row = sqlx::query("SELECT id, name, role FROM tokens WHERE hash = $1 AND revoked = 0")
            .bind(sha256_hex(token.as_bytes()))
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some((r.try_get("id")?, principal_of(&r)?)),
            None => None,
        })
    }

    /// Starts a browser session for a token; returns the session secret.
    pub async fn create_session(
        &self,
        token_id: i64,
        name: &str,
        now: i64,
        ttl: i64,
    ) -> Result<String, DbError> {
        let session = secret();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sessions (hash, token_id, expires_at) VALUES ($1, $2, $3)")
            .bind(sha256_hex(session.as_bytes()))
            .bind(token_id)
            .bind(now + ttl)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, now, name, "session.start", name, "").await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The principal of a live session.
    pub async fn principal_of_session(
        &self,
        session: &str,
        now: i64,
    ) -> Result<Option<Principal>, DbError> {
        let row = sqlx::query("SELECT t.name AS name, t.role AS role FROM sessions s JOIN tokens t ON t.id = s.token_id WHERE s.hash = $1 AND s.expires_at >= $2 AND t.revoked = 0")
            .bind(sha256_hex(session.as_bytes()))
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(principal_of(&r)?),
            None => None,
        })
    }

    /// Ends a session.
    pub async fn end_session(&self, session: &str) -> Result<(), DbError> {
        sqlx::query("DELETE FROM sessions WHERE hash = $1")
            .bind(sha256_hex(session.as_bytes()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ---- the continuity workflow --------------------------------------

    /// Creates a request.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_request(
        &self,
        actor: &str,
        supplier: &str,
        kind: RequestKind,
        due: &str,
        team: Option<&str>,
        now: i64,
    ) -> Result<i64, DbError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query("INSERT INTO requests (supplier, kind, due, team, status, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, 'open', $5, $5, $6) RETURNING id")
            .bind(supplier)
            .bind(kind.as_str())
            .bind(due)
            .bind(team.map(str::to_owned))
            .bind(now)
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        audit(
            &mut tx,
            now,
            actor,
            "request.create",
            &format!("request:{id}"),
            &format!("{kind} from {supplier}, due {due}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One request.
    pub async fn request(&self, id: i64) -> Result<Option<Request>, DbError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            request_columns!(),
            " FROM requests WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(request_of).transpose()?)
    }

    /// Requests, by due date; for one supplier when given.
    pub async fn requests(&self, supplier: Option<&str>) -> Result<Vec<Request>, DbError> {
        let rows = match supplier {
            Some(s) => {
                sqlx::query(concat!(
                    "SELECT ",
                    request_columns!(),
                    " FROM requests WHERE supplier = $1 ORDER BY due, id"
                ))
                .bind(s)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(concat!(
                    "SELECT ",
                    request_columns!(),
                    " FROM requests ORDER BY due, id"
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.iter().map(request_of).collect::<Result<_, _>>()?)
    }

    /// One page of requests in (due, id) order: at most `limit`, after
    /// `after`; and where the next page starts, if there is one. Filters
    /// and order run in the database, on its indexes.
    pub async fn requests_page(
        &self,
        filter: &RequestFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<(Vec<Request>, Option<Cursor>), DbError> {
        let (clause, binds) = request_filter(filter, after);
        let mut sql = format!(
            "SELECT {} FROM requests WHERE 1 = 1{clause}",
            request_columns!()
        );
        // One more than asked tells whether another page follows.
        sql.push_str(&format!(" ORDER BY due, id LIMIT {}", limit + 1));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut list: Vec<Request> = rows.iter().map(request_of).collect::<Result<_, _>>()?;
        let next = if list.len() > limit {
            list.truncate(limit);
            list.last().map(|r| Cursor {
                due: r.due.clone(),
                id: r.id,
            })
        } else {
            None
        };
        Ok((list, next))
    }

    /// How many requests a filter selects, counted by the database.
    pub async fn count_requests(&self, filter: &RequestFilter) -> Result<i64, DbError> {
        let (clause, binds) = request_filter(filter, None);
        let sql = format!("SELECT COUNT(*) AS n FROM requests WHERE 1 = 1{clause}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        Ok(query.fetch_one(&self.pool).await?.try_get("n")?)
    }

    /// One page of the audit log, newest first: at most `limit` entries
    /// older than entry `before`; and the id the next page starts before.
    pub async fn audit_page(
        &self,
        before: Option<i64>,
        limit: usize,
    ) -> Result<(Vec<(i64, Audit)>, Option<i64>), DbError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, subject, detail FROM audit WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut list = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    Audit {
                        at: r.try_get("at")?,
                        actor: r.try_get("actor")?,
                        action: r.try_get("action")?,
                        subject: r.try_get("subject")?,
                        detail: r.try_get("detail")?,
                    },
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let next = if list.len() > limit {
            list.truncate(limit);
            list.last().map(|(id, _)| *id)
        } else {
            None
        };
        Ok((list, next))
    }

    /// Whether the database takes a write: one row written and rolled
    /// back. A read-only file, a full disk or a read-only PostgreSQL
    /// (a standby, `default_transaction_read_only`) all fail here.
    pub async fn check_writable(&self) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO audit (at, actor, action, subject, detail) VALUES (0, 'server', 'health', '', '')",
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| DbError(explain(&e)))?;
        tx.rollback().await?;
        Ok(())
    }

    /// Applies one change of a request — a new status, a review (which
    /// makes it `reviewed`), a comment, or several — in one transaction,
    /// each with its audit entry saying what changed. Returns false, having
    /// changed nothing, when there is no such request.
    pub async fn change_request(
        &self,
        actor: &str,
        id: i64,
        change: &RequestUpdate<'_>,
        now: i64,
    ) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let previous: Option<(String,)> =
            sqlx::query_as("SELECT status FROM requests WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((previous,)) = previous else {
            tx.rollback().await?;
            return Ok(false);
        };
        let subject = format!("request:{id}");
        let status = if change.review.is_some() {
            Some(RequestStatus::Reviewed)
        } else {
            change.status
        };
        sqlx::query("UPDATE requests SET status = COALESCE($1, status), review = COALESCE($2, review), updated_at = $3 WHERE id = $4")
            .bind(status.map(|s| s.as_str().to_owned()))
            .bind(change.review.map(str::to_owned))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(status) = status {
            let detail = format!("{previous} → {status}");
            audit(&mut tx, now, actor, "request.status", &subject, &detail).await?;
        }
        if let Some(review) = change.review {
            audit(&mut tx, now, actor, "request.review", &subject, review).await?;
        }
        if let Some(body) = change.comment {
            sqlx::query(
                "INSERT INTO comments (request_id, author, body, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(actor)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let shown: String = body.chars().take(500).collect();
            audit(&mut tx, now, actor, "request.comment", &subject, &shown).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Adds a comment.
    pub async fn add_comment(
        &self,
        actor: &str,
        id: i64,
        body: &str,
        now: i64,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO comments (request_id, author, body, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(actor)
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE requests SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            now,
            actor,
            "request.comment",
            &format!("request:{id}"),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A request's comments, oldest first.
    pub async fn comments(&self, id: i64) -> Result<Vec<Comment>, DbError> {
        let rows = sqlx::query(
            "SELECT author, body, created_at FROM comments WHERE request_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(Comment {
                    author: r.try_get("author")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Stores an evidence file.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_upload(
        &self,
        actor: &str,
        id: i64,
        filename: &str,
        content_type: &str,
        data: &[u8],
        now: i64,
    ) -> Result<i64, DbError> {
        let mut tx = self.pool.begin().await?;
        let sha = sha256_hex(data);
        let uid: i64 = sqlx::query("INSERT INTO uploads (request_id, filename, content_type, size, sha256, data, author, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(id)
            .bind(filename)
            .bind(content_type)
            .bind(data.len() as i64)
            .bind(&sha)
            .bind(data.to_vec())
            .bind(actor)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        audit(
            &mut tx,
            now,
            actor,
            "request.upload",
            &format!("request:{id}"),
            &format!("{filename} ({} bytes, sha256 {sha})", data.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(uid)
    }

    /// A request's uploads.
    pub async fn uploads(&self, id: i64) -> Result<Vec<Upload>, DbError> {
        let rows = sqlx::query("SELECT id, request_id, filename, content_type, size, sha256, author, created_at FROM uploads WHERE request_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(upload_of).collect::<Result<_, _>>()?)
    }

    /// The uploads of every request to one supplier, oldest first.
    pub async fn uploads_for_supplier(&self, supplier: &str) -> Result<Vec<Upload>, DbError> {
        let rows = sqlx::query("SELECT u.id AS id, u.request_id AS request_id, u.filename AS filename, u.content_type AS content_type, u.size AS size, u.sha256 AS sha256, u.author AS author, u.created_at AS created_at FROM uploads u JOIN requests r ON r.id = u.request_id WHERE r.supplier = $1 ORDER BY u.id")
            .bind(supplier)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(upload_of).collect::<Result<_, _>>()?)
    }

    /// An upload's bytes.
    pub async fn upload_data(
        &self,
        request: i64,
        upload: i64,
    ) -> Result<Option<(Upload, Vec<u8>)>, DbError> {
        let row = sqlx::query("SELECT id, request_id, filename, content_type, size, sha256, author, created_at, data FROM uploads WHERE id = $1 AND request_id = $2")
            .bind(upload)
            .bind(request)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some((upload_of(&r)?, r.try_get("data")?)),
            None => None,
        })
    }

    /// The latest audit entries, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<Audit>, DbError> {
        let (entries, _) = self.audit_page(None, limit.max(0) as usize).await?;
        Ok(entries.into_iter().map(|(_, a)| a).collect())
    }
}

/// Which requests a list shows. Statuses are the shown ones: `overdue` is
/// `open` or `sent` past its due date, and `open` and `sent` then mean not
/// overdue.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only this supplier's (a canonical ref).
    pub supplier: Option<String>,
    /// Only this shown status.
    pub status: Option<String>,
    /// Only those still to do (`open` or `sent`) and due on or before this
    /// date (`YYYY-MM-DD`): the "due and overdue" view.
    pub due_by: Option<String>,
    /// Today (`YYYY-MM-DD`), which decides what is overdue.
    pub today: String,
}

/// Where a page of requests starts: after this (due, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The last row's due date.
    pub due: String,
    /// The last row's id.
    pub id: i64,
}

impl Cursor {
    /// As written in a URL: `DUE_ID`, e.g. `2026-12-01_42`.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.due, self.id)
    }

    /// Reads what [`Cursor::encode`] wrote.
    pub fn decode(text: &str) -> Option<Cursor> {
        let (due, id) = text.rsplit_once('_')?;
        let ok = due.len() <= 32 && due.chars().all(|c| c.is_ascii_digit() || c == '-');
        ok.then_some(())?;
        Some(Cursor {
            due: due.to_owned(),
            id: id.parse().ok()?,
        })
    }
}

/// The conditions of a filter (and where a page starts) as SQL to append
/// after `WHERE 1 = 1`, with the values to bind in order.
fn request_filter(filter: &RequestFilter, after: Option<&Cursor>) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut binds: Vec<String> = Vec::new();
    let mut bind = |sql: &mut String, clause: &str, value: String| {
        binds.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(s) = &filter.supplier {
        bind(&mut sql, " AND supplier = ?", s.clone());
    }
    match filter.status.as_deref() {
        None => {}
        Some("overdue") => bind(
            &mut sql,
            " AND status IN ('open', 'sent') AND due < ?",
            filter.today.clone(),
        ),
        Some(s @ ("open" | "sent")) => {
            bind(&mut sql, " AND status = ?", s.to_owned());
            bind(&mut sql, " AND due >= ?", filter.today.clone());
        }
        Some(s) => bind(&mut sql, " AND status = ?", s.to_owned()),
    }
    if let Some(d) = &filter.due_by {
        bind(
            &mut sql,
            " AND status IN ('open', 'sent') AND due <= ?",
            d.clone(),
        );
    }
    if let Some(c) = after {
        bind(&mut sql, " AND (due > ?", c.due.clone());
        bind(&mut sql, " OR (due = ?", c.due.clone());
        sql.push_str(&format!(" AND id > {}))", c.id));
    }
    (sql, binds)
}

/// What one change of a request sets; what is `None` stays.
#[derive(Debug, Default, Clone, Copy)]
pub struct RequestUpdate<'a> {
    /// A new status (not `reviewed`: that takes a review).
    pub status: Option<RequestStatus>,
    /// A review of the received statement, as JSON.
    pub review: Option<&'a str>,
    /// A comment.
    pub comment: Option<&'a str>,
}

async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{RequestKind, RequestStatus, Role};

    #[test]
    fn stored_names_read_back_and_nothing_else_does() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::parse(k.as_str()), Some(*k));
        }
        for s in RequestStatus::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(serde_json::from_str::<RequestStatus>(&json).unwrap(), *s);
        }
        assert_eq!(RequestStatus::parse("overdue"), None);
        let err = serde_json::from_str::<Role>("\"root\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("not one of calendar, viewer, editor, admin"),
            "{err}"
        );
        assert!(
            Role::Calendar < Role::Viewer
                && Role::Viewer < Role::Editor
                && Role::Editor < Role::Admin
        );
    }
}

// ---- the outbox of reminders -------------------------------------------
//
// The outbox of reminders (docs/server.md, "Reminders"): each message is
// one row whose event key is unique, so that every replica may plan the
// same messages and only one row results, and a restart plans nothing
// anew. Delivering takes a lease on a few rows at a time (one replica at
// a time claims them); a failed delivery is retried with a growing delay
// and stays visible to admins until it goes through.

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// What it is about, unique per recipient: `digest:2026-11-30:group:default/payments`.
    pub event: String,
    /// `digest`, `overdue`, `rejected`, `test`.
    pub kind: String,
    /// `email`.
    pub channel: String,
    /// The address.
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// A message of the outbox as admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Id.
    pub id: i64,
    /// The event key.
    pub event: String,
    /// Its kind.
    pub kind: String,
    /// The channel.
    pub channel: String,
    /// The address.
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// Planned (seconds since the epoch).
    pub created_at: i64,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The next attempt, if not delivered.
    pub next_at: i64,
    /// When it went through.
    pub delivered_at: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// Inserts a message unless its event key is there; whether it was new.
async fn insert_outgoing<'e, E>(executor: E, o: &Outgoing, now: i64) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query(
        "INSERT INTO outbox (event, kind, channel, recipient, subject, body_text, body_html, created_at, next_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (event) DO NOTHING",
    )
    .bind(&o.event)
    .bind(&o.kind)
    .bind(&o.channel)
    .bind(&o.recipient)
    .bind(&o.subject)
    .bind(&o.text)
    .bind(&o.html)
    .bind(now)
    .execute(executor)
    .await?
    .rows_affected()
        > 0)
}

/// The delay before attempt `n + 1` after `n` failures: a minute, doubling,
/// at most six hours.
pub fn backoff(attempts: i64) -> i64 {
    (60i64 << attempts.clamp(0, 10)).min(6 * 3600)
}

impl Db {
    /// Adds a message unless one with the same event key exists; true if
    /// it was added.
    pub async fn enqueue(&self, o: &Outgoing, now: i64) -> Result<bool, DbError> {
        Ok(insert_outgoing(&self.pool, o, now).await?)
    }

    /// Adds a message someone asked for (a test), with its audit entry.
    pub async fn enqueue_audited(
        &self,
        o: &Outgoing,
        now: i64,
        actor: &str,
    ) -> Result<bool, DbError> {
        let mut tx = self.pool.begin().await?;
        let added = insert_outgoing(&mut *tx, o, now).await?;
        if added {
            audit(
                &mut tx,
                now,
                actor,
                "reminder.test",
                &o.recipient,
                &o.subject,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Leases up to `limit` messages due now and not leased by anyone, for
    /// `lease` seconds: (id, message, attempts so far). Replicas claim one
    /// at a time, so no two hold the same message.
    pub async fn claim(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Outgoing, i64)>, DbError> {
        let mut tx = self.pool.begin().await?;
        self.exclusive(&mut tx, Lock::Outbox).await?;
        // One statement that writes first: on SQLite it takes the write
        // lock (waiting its turn) before it reads, so two replicas never
        // both read the same rows; on PostgreSQL the advisory lock above
        // makes them take turns.
        let rows = sqlx::query(
            "UPDATE outbox SET lease_until = $1 WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_at <= $2 AND lease_until <= $2 ORDER BY id LIMIT $3) RETURNING id, event, kind, channel, recipient, subject, body_text, body_html, attempts",
        )
        .bind(now + lease)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push((
                r.try_get("id")?,
                Outgoing {
                    event: r.try_get("event")?,
                    kind: r.try_get("kind")?,
                    channel: r.try_get("channel")?,
                    recipient: r.try_get("recipient")?,
                    subject: r.try_get("subject")?,
                    text: r.try_get("body_text")?,
                    html: r.try_get("body_html")?,
                },
                r.try_get("attempts")?,
            ));
        }
        out.sort_by_key(|(id, _, _)| *id);
        tx.commit().await?;
        Ok(out)
    }

    /// Records a message as delivered.
    pub async fn delivered(&self, id: i64, now: i64) -> Result<(), DbError> {
        sqlx::query(
            "UPDATE outbox SET delivered_at = $1, attempts = attempts + 1, last_error = NULL, lease_until = 0 WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retried after [`backoff`].
    pub async fn failed(
        &self,
        id: i64,
        attempts_before: i64,
        now: i64,
        error: &str,
    ) -> Result<(), DbError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_at = $1, lease_until = 0, last_error = $2 WHERE id = $3",
        )
        .bind(now + backoff(attempts_before))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Requests still to answer (open or sent) due on or before `due_by`
    /// (`YYYY-MM-DD`), soonest first: what reminders are about. At most
    /// `limit`.
    pub async fn open_requests_due_by(
        &self,
        due_by: &str,
        limit: i64,
    ) -> Result<Vec<Request>, DbError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            request_columns!(),
            " FROM requests WHERE status IN ('open', 'sent') AND due <= $1 ORDER BY due, id LIMIT $2"
        ))
        .bind(due_by)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(request_of)
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(DbError::from)
    }

    /// The newest messages, undelivered first.
    pub async fn deliveries(&self, limit: i64) -> Result<Vec<Delivery>, DbError> {
        let rows = sqlx::query(
            "SELECT id, event, kind, channel, recipient, subject, created_at, attempts, next_at, delivered_at, last_error FROM outbox ORDER BY CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    id: r.try_get("id")?,
                    event: r.try_get("event")?,
                    kind: r.try_get("kind")?,
                    channel: r.try_get("channel")?,
                    recipient: r.try_get("recipient")?,
                    subject: r.try_get("subject")?,
                    created_at: r.try_get("created_at")?,
                    attempts: r.try_get("attempts")?,
                    next_at: r.try_get("next_at")?,
                    delivered_at: r.try_get("delivered_at")?,
                    last_error: r.try_get("last_error")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(DbError::from)
    }
}

#[cfg(test)]
mod outbox_tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(0), 60);
        assert_eq!(backoff(1), 120);
        assert_eq!(backoff(5), 1920);
        assert_eq!(backoff(9), 6 * 3600);
        assert_eq!(backoff(100), 6 * 3600);
    }
}
