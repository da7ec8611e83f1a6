//! What can go wrong in a request: one error type for the domain, which
//! the HTTP layer turns into a status and a JSON message.

use crate::db::DbError;

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

/// Handler result.
pub type AppResult<T> = Result<T, AppError>;

/// The longest a request waits for one analysis (a what-if). The engine's
/// work does not depend on durations and a what-if on 100k entities takes
/// well under a second, so only a pathological request comes near it; the
/// limit keeps such a request from holding its client for good.
pub const ANALYSIS_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);
