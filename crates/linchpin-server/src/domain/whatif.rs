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

/// `fail=a&fail=b&mode=…` (repeated keys, which serde's form decoding does not take).
pub fn parse_whatif_query(q: &str) -> WhatifQuery {
    let mut out = WhatifQuery::default();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = url_decode(v);
        match k {
            "fail" => out.fail.push(v),
            "mode" => out.mode = Some(v),
            "duration" => out.duration = Some(v),
            _ => {}
        }
    }
    out
}

/// Decodes `%XX` and `+`.
pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            x => out.push(x),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
