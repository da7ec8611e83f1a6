//! A reviewed statement written into the landscape: the YAML change to the
//! supplier's file, as a unified diff (the files stay the truth).
use linchpin_loader::yaml::NodeKind;
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
    let edit = |what: &str| {
        AppError::BadRequest(format!(
            "{what} of `{supplier}` in {path}; edit the file by hand"
        ))
    };
    // The supplier's document, parsed again with positions: where `spec`
    // and its `continuity` start, at which indentation, and what follows.
    let mut ignored = Vec::new();
    let documents = linchpin_loader::yaml::parse_documents(
        text,
        e.span.file,
        linchpin_loader::yaml::Limits::default(),
        &mut ignored,
    );
    // The entity's position is its name's, inside its document: the last
    // document that starts before it.
    let doc = documents
        .iter()
        .rev()
        .find(|d| (d.span.line, d.span.col) <= (e.span.line, e.span.col))
        .ok_or_else(|| edit("cannot find the document"))?;
    let NodeKind::Map(root) = &doc.kind else {
        return Err(edit("cannot read the document"));
    };
    let spec_at = root
        .iter()
        .position(|(k, _)| k.as_scalar() == Some("spec"))
        .ok_or_else(|| edit("cannot find `spec:`"))?;
    let (spec_key, spec) = &root[spec_at];
    let NodeKind::Map(entries) = &spec.kind else {
        return Err(edit("`spec` is not a mapping"));
    };
    if spec.span.line == spec_key.span.line {
        return Err(edit("`spec` is written in flow style (`{ … }`)"));
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // Line indexes (0-based) from here on. The document ends at its last
    // line before the next document marker.
    let doc_end = (doc.span.line as usize..lines.len())
        .find(|&i| {
            let l = lines[i].trim_end();
            l == "---" || l.starts_with("--- ") || l == "..."
        })
        .unwrap_or(lines.len());
    let line_of = |n: &linchpin_loader::yaml::Node<'_>| n.span.line as usize - 1;
    // Where `spec` ends: at the document's next key, or the document's end.
    let spec_end = root.get(spec_at + 1).map_or(doc_end, |(k, _)| line_of(k));
    let blank = |l: &str| l.trim().is_empty() || l.trim_start().starts_with('#');
    // A block's last line, leaving out trailing blank and comment lines.
    let trim = |from: usize, to: usize| {
        let mut to = to;
        while to > from + 1 && blank(lines[to - 1]) {
            to -= 1;
        }
        to
    };
    let indent = entries
        .first()
        .map_or(spec_key.span.col as usize + 1, |(k, _)| {
            k.span.col as usize - 1
        });
    let step = indent.saturating_sub(spec_key.span.col as usize - 1).max(1);
    let continuity = entries
        .iter()
        .position(|(k, _)| k.as_scalar() == Some("continuity"));
    let (from, to) = match continuity {
        Some(at) => {
            let start = line_of(&entries[at].0);
            let end = entries.get(at + 1).map_or(spec_end, |(k, _)| line_of(k));
            (start, trim(start, end))
        }
        None => {
            let end = trim(line_of(spec_key), spec_end);
            (end, end)
        }
    };
    // Dates and durations are written from their parsed values, in
    // canonical form; free text through the YAML scalar emitter.
    review.check()?;
    let date = |s: &str| Date::parse(s).map_err(|e| AppError::BadRequest(e.to_string()));
    let duration = |s: &str| Duration::parse(s).map_err(|e| AppError::BadRequest(e.to_string()));
    let pad = |level: usize| " ".repeat(indent + level * step);
    let mut block = format!("{}continuity:\n", pad(0));
    if let Some(req) = sp.continuity.as_ref().and_then(|c| c.requested) {
        let _ = writeln!(block, "{}requested: {req}", pad(1));
    }
    let _ = writeln!(block, "{}statement:", pad(1));
    let _ = writeln!(block, "{}received: {}", pad(2), date(&review.received)?);
    let _ = writeln!(
        block,
        "{}validUntil: {}",
        pad(2),
        date(&review.valid_until)?
    );
    if let Some(rto) = &review.rto {
        let _ = writeln!(block, "{}rto: {}", pad(2), duration(rto)?);
    }
    if let Some(rpo) = &review.rpo {
        let _ = writeln!(block, "{}rpo: {}", pad(2), duration(rpo)?);
    }
    if !review.certifications.is_empty() {
        let items: Vec<String> = review
            .certifications
            .iter()
            .map(|c| yaml_scalar(c.trim()))
            .collect();
        let _ = writeln!(block, "{}certifications: [{}]", pad(2), items.join(", "));
    }
    let mut after = String::with_capacity(text.len() + block.len());
    after.extend(lines[..from].iter().copied());
    if from > 0 && !lines[from - 1].ends_with('\n') {
        after.push('\n');
    }
    after.push_str(&block);
    after.extend(lines[to..].iter().copied());
    Ok(diffy::DiffOptions::new()
        .set_context_len(3)
        .set_original_filename(format!("a/{path}"))
        .set_modified_filename(format!("b/{path}"))
        .create_patch(text, &after)
        .to_string())
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
