//! A reviewed statement written into the landscape: the YAML change to the
//! supplier's file, as a unified diff (the files stay the truth).
use linchpin_model::{Date, Duration, Kind, Spec};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

use crate::domain::error::AppError;
use crate::domain::error::AppResult;
use crate::domain::snapshot::Snapshot;

/// The reviewed content of a continuity statement.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Review {
    /// When it was received.
    pub received: String,
    /// Until when it is valid.
    #[serde(rename = "validUntil")]
    pub valid_until: String,
    /// The committed RTO.
    #[serde(default)]
    pub rto: Option<String>,
    /// The committed RPO.
    #[serde(default)]
    pub rpo: Option<String>,
    /// Certifications.
    #[serde(default)]
    pub certifications: Vec<String>,
}

impl Review {
    /// Checks dates and durations.
    pub fn check(&self) -> AppResult<()> {
        let received = Date::parse(&self.received)
            .map_err(|e| AppError::BadRequest(format!("received `{}`: {e}", self.received)))?;
        let until = Date::parse(&self.valid_until).map_err(|e| {
            AppError::BadRequest(format!("valid until `{}`: {e}", self.valid_until))
        })?;
        if until < received {
            return Err(AppError::BadRequest(
                "the statement cannot expire before it was received".into(),
            ));
        }
        for d in self.rto.iter().chain(&self.rpo) {
            Duration::parse(d).map_err(|e| AppError::BadRequest(format!("duration `{d}`: {e}")))?;
        }
        if self.certifications.len() > 50 {
            return Err(AppError::BadRequest(
                "at most 50 certifications per statement".into(),
            ));
        }
        for c in &self.certifications {
            if c.trim().is_empty() || c.chars().count() > 200 || c.chars().any(char::is_control) {
                return Err(AppError::BadRequest(format!(
                    "certification `{}`: 1 to 200 characters on one line",
                    c.escape_debug()
                )));
            }
        }
        Ok(())
    }
}

/// The unified diff that writes `review` as the supplier's
/// `spec.continuity` in its YAML file (keeping `requested`).
pub fn statement_patch(s: &Snapshot, supplier: &str, review: &Review) -> AppResult<String> {
    let c = &s.loaded.catalog;
    let r = linchpin_model::EntityRef::parse(supplier, Some(Kind::Supplier), "default")
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let id = c.lookup(&r).ok_or_else(|| {
        AppError::NotFound(format!(
            "the supplier `{supplier}` is no longer in the landscape"
        ))
    })?;
    let e = c.entity(id);
    let Spec::Supplier(sp) = &e.spec else {
        return Err(AppError::NotFound(format!(
            "`{supplier}` is not a supplier"
        )));
    };
    let path = s.loaded.sources.path(e.span.file).to_owned();
    let text = &s.loaded.sources.get(e.span.file).text;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = (e.span.line as usize).saturating_sub(1).min(lines.len());
    let is_sep = |l: &str| l.trim_end() == "---" || l.starts_with("--- ");
    let doc_start = (0..at)
        .rev()
        .find(|&i| is_sep(lines[i]))
        .map_or(0, |i| i + 1);
    let doc_end = (at..lines.len())
        .find(|&i| is_sep(lines[i]))
        .unwrap_or(lines.len());
    let spec = (doc_start..doc_end)
        .find(|&i| lines[i].trim_end() == "spec:")
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "cannot find `spec:` of `{supplier}` in {path}; edit the file by hand"
            ))
        })?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let blank = |l: &str| l.trim().is_empty() || l.trim_start().starts_with('#');
    // The end of the spec block: the first line at indent 0 after it.
    let spec_end = (spec + 1..doc_end)
        .find(|&i| !blank(lines[i]) && indent(lines[i]) == 0)
        .unwrap_or(doc_end);
    let mut last = spec_end;
    while last > spec + 1 && blank(lines[last - 1]) {
        last -= 1;
    }
    let continuity = (spec + 1..spec_end).find(|&i| lines[i].trim_end() == "  continuity:");
    let (from, to) = match continuity {
        Some(start) => {
            let end = (start + 1..spec_end)
                .find(|&i| !blank(lines[i]) && indent(lines[i]) <= 2)
                .unwrap_or(last);
            (start, end)
        }
        None => (last, last),
    };
    // Dates and durations are written from their parsed values, in
    // canonical form; free text through the YAML scalar emitter.
    review.check()?;
    let date = |s: &str| Date::parse(s).map_err(|e| AppError::BadRequest(e.to_string()));
    let duration = |s: &str| Duration::parse(s).map_err(|e| AppError::BadRequest(e.to_string()));
    let mut block = String::from("  continuity:\n");
    if let Some(req) = sp.continuity.as_ref().and_then(|c| c.requested) {
        let _ = writeln!(block, "    requested: {req}");
    }
    let _ = writeln!(
        block,
        "    statement:\n      received: {}\n      validUntil: {}",
        date(&review.received)?,
        date(&review.valid_until)?
    );
    if let Some(rto) = &review.rto {
        let _ = writeln!(block, "      rto: {}", duration(rto)?);
    }
    if let Some(rpo) = &review.rpo {
        let _ = writeln!(block, "      rpo: {}", duration(rpo)?);
    }
    if !review.certifications.is_empty() {
        let items: Vec<String> = review
            .certifications
            .iter()
            .map(|c| yaml_scalar(c.trim()))
            .collect();
        let _ = writeln!(block, "      certifications: [{}]", items.join(", "));
    }
    let mut old: Vec<String> = lines[from..to].iter().map(|l| (*l).to_owned()).collect();
    if let Some(l) = old.last_mut() {
        if !l.ends_with('\n') {
            l.push('\n');
        }
    }
    let new: Vec<String> = block.split_inclusive('\n').map(str::to_owned).collect();
    Ok(unified_diff(&path, &lines, from, to, &old, &new))
}

/// A string as a YAML scalar that reads back as exactly that string, in a
/// block or a flow collection: plain when it is a simple word that YAML
/// cannot take for anything else (`ISO22301`, `SOC2-Type2`), otherwise
/// double-quoted. A JSON string is a valid YAML double-quoted scalar (YAML
/// 1.2 is a superset of JSON), so the quoting is serde_json's, which
/// escapes quotes, backslashes and control characters.
pub fn yaml_scalar(text: &str) -> String {
    let simple = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '+'));
    let special = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "nan" | "inf"
    ) || text.parse::<f64>().is_ok()
        || text.starts_with("0x")
        || text.starts_with("0o")
        || Date::parse(text).is_ok();
    if simple && !special {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
    }
}

/// One hunk replacing `lines[from..to]` by `new`, with three lines of context.
pub(crate) fn unified_diff(
    path: &str,
    lines: &[&str],
    from: usize,
    to: usize,
    old: &[String],
    new: &[String],
) -> String {
    let ctx_start = from.saturating_sub(3);
    let ctx_end = (to + 3).min(lines.len());
    let before = &lines[ctx_start..from];
    let after = &lines[to..ctx_end];
    let old_len = before.len() + old.len() + after.len();
    let new_len = before.len() + new.len() + after.len();
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let start = |len: usize| if len == 0 { ctx_start } else { ctx_start + 1 };
    let _ = writeln!(
        out,
        "@@ -{},{} +{},{} @@",
        start(old_len),
        old_len,
        start(new_len),
        new_len
    );
    let line = |out: &mut String, prefix: char, l: &str| {
        out.push(prefix);
        out.push_str(l);
        if !l.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    };
    for l in before {
        line(&mut out, ' ', l);
    }
    for l in old {
        line(&mut out, '-', l);
    }
    for l in new {
        line(&mut out, '+', l);
    }
    for l in after {
        line(&mut out, ' ', l);
    }
    out
}
