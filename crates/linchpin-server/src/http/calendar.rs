//! `GET /calendar.ics`: the continuity deadlines of the served version as
//! an iCalendar feed that calendar applications subscribe to (with a
//! `calendar` token in the URL, which reads this feed and nothing else).

use crate::domain::error::{AppError, AppResult};
use crate::domain::state::{snapshot, AppState};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use linchpin_model::Spec;
use linchpin_report::calendar::{ics, CalendarOptions};
use serde::Deserialize;

/// The feed's query: the team (a Group) whose suppliers to list; the token
/// is read by the authentication layer.
#[derive(Deserialize)]
pub struct CalendarQuery {
    team: Option<String>,
}

/// `GET /calendar.ics[?team=GROUP][&token=…]`.
pub async fn feed(
    State(state): State<AppState>,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Response> {
    let snap = snapshot(&state)?;
    let catalog = &snap.loaded.catalog;
    let team = match q.team.as_deref().filter(|t| !t.is_empty()) {
        Some(text) => {
            let id = catalog.resolve(text).map_err(AppError::BadRequest)?;
            if !matches!(catalog.entity(id).spec, Spec::Group(_)) {
                return Err(AppError::BadRequest(format!(
                    "`{}` is not a Group; `team` takes the Group that owns suppliers",
                    catalog.entity(id).entity_ref
                )));
            }
            Some(id)
        }
        None => None,
    };
    let text = ics(
        catalog,
        &snap.report.timeline,
        &CalendarOptions {
            team,
            base_url: state
                .settings
                .public_url
                .as_ref()
                .map(|u| u.origin.as_str()),
            stamp: snap.today,
        },
    );
    let mut resp = (StatusCode::OK, text).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"linchpin-deadlines.ics\""),
    );
    // The URL holds a token: nothing may keep a copy on the way.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
