//! A what-if as asked over HTTP (query string or JSON), checked against
//! the served landscape.
use linchpin_engine::whatif::FailureSpec;
use linchpin_model::{Duration, FailureMode};
use serde::Deserialize;

use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::snapshot::Snapshot;

/// The query of a what-if: `fail` (repeatable or comma-separated), `mode`, `duration`.
#[derive(Debug, Default, Deserialize)]
pub struct WhatifQuery {
    /// Refs that fail.
    #[serde(default)]
    pub fail: Vec<String>,
    /// `outage` or `permanent`.
    pub mode: Option<String>,
    /// An outage duration (`4h`).
    pub duration: Option<String>,
}

/// Parses a what-if query against the snapshot.
pub fn failure_spec(s: &Snapshot, q: &WhatifQuery) -> AppResult<FailureSpec> {
    let c = &s.loaded.catalog;
    let mut fail = Vec::new();
    for text in q
        .fail
        .iter()
        .flat_map(|f| f.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let id = c.resolve(text).map_err(AppError::BadRequest)?;
        if !fail.contains(&id) {
            fail.push(id);
        }
    }
    let mode = match q.mode.as_deref().unwrap_or("outage") {
        "" | "outage" => FailureMode::Outage,
        "permanent" => FailureMode::Permanent,
        other => {
            return Err(AppError::BadRequest(format!(
                "mode `{other}` is neither `outage` nor `permanent`"
            )))
        }
    };
    let duration = match q
        .duration
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) if mode == FailureMode::Outage => Some(
            Duration::parse(d)
                .map_err(|e| AppError::BadRequest(format!("invalid duration `{d}`: {e}")))?,
        ),
        _ => None,
    };
    Ok(FailureSpec {
        fail,
        mode,
        duration,
    })
}

/// `fail=a&fail=b&mode=…` (repeated keys, which serde's form decoding does
/// not take), decoded by the `url` crate's form parser.
pub fn parse_whatif_query(q: &str) -> WhatifQuery {
    let mut out = WhatifQuery::default();
    for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "fail" => out.fail.push(v),
            "mode" => out.mode = Some(v),
            "duration" => out.duration = Some(v),
            _ => {}
        }
    }
    out
}
