//! The continuity workflow's rules: requests to suppliers (statements,
//! escrow verifications, exit-plan tests, renewals), what a valid request
//! is, what "overdue" means, how a request changes, and paging.
use linchpin_model::{Date, Kind};
use serde::{Deserialize, Serialize};

use crate::db::Principal;
use crate::db::Request;
use crate::db::Role;
use crate::db::{RequestKind, RequestStatus};
use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::git::commit_on_branch;
use crate::domain::git::BranchCommit;
use crate::domain::patch::statement_patch;
use crate::domain::patch::Review;
use crate::domain::snapshot::Snapshot;
use crate::domain::state::find_request;
use crate::domain::state::require;
use crate::domain::state::snapshot;
use crate::AppState;

/// Creates a request after checking it against the served landscape.
pub async fn create(state: &AppState, p: &Principal, new: &NewRequest) -> AppResult<i64> {
    require(p, Role::Editor)?;
    let s = snapshot(state)?;
    let (supplier, kind, team) = validate_new(&s, new)?;
    let id = state
        .db
        .create_request(
            &p.name,
            &supplier,
            kind,
            new.due.trim(),
            team.as_deref(),
            state.now(),
        )
        .await?;
    state.requests_changed();
    Ok(id)
}

/// A reviewed request, its review, and the patch that writes it.
pub(crate) async fn reviewed_patch(
    state: &AppState,
    id: i64,
) -> AppResult<(Request, Review, String)> {
    let r = find_request(state, id).await?;
    let review: Review = r
        .review
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(|| AppError::BadRequest("the request has no review yet".into()))?;
    let s = snapshot(state)?;
    let diff = statement_patch(&s, &r.supplier, &review)?;
    Ok((r, review, diff))
}

/// Requests per page when a list does not say.
pub const PAGE: usize = 50;

/// The most requests one page may hold.
pub const MAX_PAGE: usize = 1000;

/// A list's filter and page from query parameters; a status or cursor
/// that means nothing is refused rather than ignored.
pub fn page_request(
    supplier: Option<&str>,
    status: Option<&str>,
    limit: Option<usize>,
    cursor: Option<&str>,
    today: Date,
) -> AppResult<(crate::db::RequestFilter, Option<crate::db::Cursor>, usize)> {
    let status = status.filter(|s| !s.is_empty());
    if let Some(s) = status {
        if s != "overdue" && RequestStatus::parse(s).is_none() {
            return Err(AppError::BadRequest(format!(
                "status `{s}` is not one of {}, overdue",
                RequestStatus::names()
            )));
        }
    }
    let limit = limit.unwrap_or(PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::BadRequest(format!(
            "limit is 1 to {MAX_PAGE} requests per page"
        )));
    }
    let cursor = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(crate::db::Cursor::decode(c).ok_or_else(|| {
            AppError::BadRequest(format!(
                "cursor `{c}` is not one this server gave; start again without it"
            ))
        })?),
    };
    let filter = crate::db::RequestFilter {
        supplier: supplier.filter(|s| !s.is_empty()).map(str::to_owned),
        status: status.map(str::to_owned),
        due_by: None,
        today: today.to_string(),
    };
    Ok((filter, cursor, limit))
}

/// A new request as the API and the form give it.
#[derive(Debug, Deserialize, Serialize)]
pub struct NewRequest {
    /// The supplier (`supplier:acme` or `acme`).
    pub supplier: String,
    /// What it asks for: one of [`RequestKind`]'s names.
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    /// The owning team's ref.
    #[serde(default)]
    pub team: Option<String>,
}

/// Checks a new request against the landscape; returns the supplier's canonical ref.
pub(crate) fn validate_new(
    s: &Snapshot,
    r: &NewRequest,
) -> AppResult<(String, RequestKind, Option<String>)> {
    let c = &s.loaded.catalog;
    let name = r.supplier.trim();
    let id = linchpin_model::EntityRef::parse(name, Some(Kind::Supplier), "default")
        .ok()
        .and_then(|x| c.lookup(&x))
        .filter(|&id| c.entity(id).kind() == &Kind::Supplier)
        .ok_or_else(|| AppError::BadRequest(format!("no supplier `{name}` in the landscape")))?;
    let kind = RequestKind::parse(r.kind.trim()).ok_or_else(|| {
        AppError::BadRequest(format!(
            "kind `{}` is not one of {}",
            r.kind,
            RequestKind::names()
        ))
    })?;
    Date::parse(r.due.trim())
        .map_err(|e| AppError::BadRequest(format!("due date `{}`: {e}", r.due)))?;
    let team = match r.team.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Without a team, the request goes to the team owning the supplier.
        None => c
            .entity(id)
            .owner()
            .and_then(|o| c.lookup(&o.value))
            .filter(|&t| c.entity(t).kind() == &Kind::Group)
            .map(|t| c.entity(t).entity_ref.to_string()),
        Some(t) => {
            let tid = linchpin_model::EntityRef::parse(t, Some(Kind::Group), "default")
                .ok()
                .and_then(|x| c.lookup(&x))
                .ok_or_else(|| AppError::BadRequest(format!("no team `{t}` in the landscape")))?;
            Some(c.entity(tid).entity_ref.to_string())
        }
    };
    Ok((c.entity(id).entity_ref.to_string(), kind, team))
}

/// The longest comment, through the forms and the API alike.
pub const COMMENT_LIMIT: usize = 20_000;

/// One change of a request, as the forms and the API send it.
#[derive(Debug, Default)]
pub struct Change {
    /// A new status.
    pub status: Option<String>,
    /// A comment.
    pub comment: Option<String>,
    /// A review of a received statement.
    pub review: Option<Review>,
}

/// Checks every part of a change first, then applies it in one
/// transaction: a refused change stores nothing.
pub async fn change_request(
    state: &AppState,
    p: &Principal,
    id: i64,
    change: &Change,
) -> AppResult<()> {
    require(p, Role::Editor)?;
    let r = find_request(state, id).await?;
    let status = match change.status.as_deref() {
        None => None,
        Some(text) => match RequestStatus::parse(text) {
            Some(s) if s != RequestStatus::Reviewed => Some(s),
            _ => {
                return Err(AppError::BadRequest(format!(
                    "status `{text}` is not one of open, sent, received (a statement becomes reviewed through its review)"
                )))
            }
        },
    };
    let comment = match change.comment.as_deref().map(str::trim) {
        None => None,
        Some("") => None,
        Some(body) if body.chars().count() > COMMENT_LIMIT => {
            return Err(AppError::BadRequest(format!(
                "a comment has 1 to {COMMENT_LIMIT} characters; this one has {}",
                body.chars().count()
            )))
        }
        Some(body) => Some(body),
    };
    let review = match &change.review {
        None => None,
        Some(review) => {
            review.check()?;
            if change.status.is_some() {
                return Err(AppError::BadRequest(
                    "a review makes the request reviewed; send it without a status".into(),
                ));
            }
            if r.kind != RequestKind::Statement
                || !matches!(r.status, RequestStatus::Received | RequestStatus::Reviewed)
            {
                return Err(AppError::BadRequest(
                    "only a received continuity statement can be reviewed".into(),
                ));
            }
            Some(serde_json::to_string(review).map_err(|e| AppError::Internal(e.to_string()))?)
        }
    };
    let update = crate::db::RequestUpdate {
        status,
        review: review.as_deref(),
        comment,
    };
    let changed = state
        .db
        .change_request(&p.name, id, &update, state.now())
        .await?;
    state.requests_changed();
    if !changed {
        return Err(AppError::NotFound(format!("no request #{id}")));
    }
    Ok(())
}

/// Commits a reviewed statement's change on `linchpin/statement-{id}`.
pub async fn branch_for(state: &AppState, p: &Principal, id: i64) -> AppResult<BranchCommit> {
    require(p, Role::Editor)?;
    let (r, review, diff) = reviewed_patch(state, id).await?;
    let dir = state.settings.dir.clone();
    let branch = format!("linchpin/statement-{id}");
    let message = format!(
        "Continuity statement of {} received {}, valid until {}\n\nReviewed by {} in Linchpin (request #{id}).",
        r.supplier, review.received, review.valid_until, p.name
    );
    let author = p.name.clone();
    let made = tokio::task::spawn_blocking(move || {
        commit_on_branch(&dir, &branch, &diff, &message, &author)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::BadRequest)?;
    state
        .db
        .add_comment(
            &p.name,
            id,
            &format!(
                "committed on branch {} ({})",
                made.branch,
                &made.commit[..12.min(made.commit.len())]
            ),
            state.now(),
        )
        .await?;
    Ok(made)
}
