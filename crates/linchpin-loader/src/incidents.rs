//! A supplier's incident history in a CSV file (`failures.incidentsFile`,
//! docs/risk.md): read beside the entity's file, within the landscape.

use crate::decode::incident_day;
use linchpin_diagnostics::{Diagnostic, SourceMap, Span};
use linchpin_model::{Duration, Entity, Incident, Spec};
use std::path::Path;

/// The largest incident file read.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Reads every supplier's `incidentsFile` and appends its rows to the
/// supplier's incidents; each problem is a diagnostic at its line.
#[allow(clippy::disallowed_methods)] // the loader is the crate that reads files
pub fn read_incident_files(
    root: &Path,
    entities: &mut [Entity],
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for entity in entities {
        let Spec::Supplier(supplier) = &mut entity.spec else {
            continue;
        };
        let Some(failures) = supplier.failures.as_mut() else {
            continue;
        };
        let Some(name) = failures.incidents_file.clone() else {
            continue;
        };
        let holder = sources.path(entity.span.file).to_owned();
        let dir = root.join(&holder);
        let dir = dir.parent().unwrap_or(root);
        let path = dir.join(&name.value);
        let refuse = |diagnostics: &mut Vec<Diagnostic>, message: String, help: &str| {
            diagnostics.push(Diagnostic::at("io-error", name.span, message).with_help(help));
        };
        let real = match path.canonicalize() {
            Ok(real) => real,
            Err(e) => {
                refuse(
                    diagnostics,
                    format!("cannot read the incident file `{}`: {e}", name.value),
                    "the path is relative to the file that names it",
                );
                continue;
            }
        };
        let inside = root.canonicalize().is_ok_and(|r| real.starts_with(r));
        if !inside {
            refuse(
                diagnostics,
                format!(
                    "the incident file `{}` is outside the landscape folder; it was not read",
                    name.value
                ),
                "keep incident files inside the landscape",
            );
            continue;
        }
        match std::fs::metadata(&real) {
            Ok(m) if m.len() > MAX_BYTES => {
                refuse(
                    diagnostics,
                    format!(
                        "the incident file `{}` is larger than 16 MiB; it was not read",
                        name.value
                    ),
                    "keep a few years of incidents, one line each",
                );
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                refuse(
                    diagnostics,
                    format!("cannot read the incident file `{}`: {e}", name.value),
                    "",
                );
                continue;
            }
        }
        let text = match std::fs::read_to_string(&real) {
            Ok(t) => t,
            Err(e) => {
                refuse(
                    diagnostics,
                    format!("cannot read the incident file `{}`: {e}", name.value),
                    "the file must be UTF-8 text",
                );
                continue;
            }
        };
        let display = real
            .strip_prefix(root.canonicalize().unwrap_or_else(|_| root.to_owned()))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| name.value.clone());
        let file = sources.add(display.clone(), text.clone());
        let at = |line: u64, col: u32| Span {
            file,
            line: line as u32,
            col,
            len: 0,
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                diagnostics.push(Diagnostic::at(
                    "invalid-value",
                    at(1, 1),
                    format!("{display}: not CSV: {e}"),
                ));
                continue;
            }
        };
        let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(start_col), Some(duration_col)) = (column("start"), column("duration")) else {
            diagnostics.push(
                Diagnostic::at(
                    "invalid-value",
                    at(1, 1),
                    format!("{display} needs the columns `start` and `duration`"),
                )
                .with_help("the first line names the columns: `start,duration` (more columns, such as a title, are kept out of the way)"),
            );
            continue;
        };
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(1, |p| p.line());
                    diagnostics.push(Diagnostic::at(
                        "invalid-value",
                        at(line, 1),
                        format!("not CSV: {e}"),
                    ));
                    break;
                }
            };
            let line = record.position().map_or(1, |p| p.line());
            let start_text = record.get(start_col).unwrap_or("");
            let duration_text = record.get(duration_col).unwrap_or("");
            let col_of = |index: usize| {
                let raw = text
                    .lines()
                    .nth(line.saturating_sub(1) as usize)
                    .unwrap_or("");
                let mut col = 1u32;
                for (i, field) in raw.split(',').enumerate() {
                    if i == index {
                        return col + (field.len() - field.trim_start().len()) as u32;
                    }
                    col += field.chars().count() as u32 + 1;
                }
                1
            };
            let Some(start) = incident_day(start_text) else {
                diagnostics.push(
                    Diagnostic::at(
                        "invalid-date",
                        at(line, col_of(start_col)),
                        format!("`{start_text}` is not a valid date for an incident's start"),
                    )
                    .with_help(
                        "write `YYYY-MM-DD` or an ISO 8601 time such as `2026-03-04T10:15:00Z`",
                    ),
                );
                continue;
            };
            let duration = match Duration::parse(duration_text) {
                Ok(d) => d,
                Err(e) => {
                    diagnostics.push(
                        Diagnostic::at(
                            "invalid-duration",
                            at(line, col_of(duration_col)),
                            format!("`{duration_text}` is not a valid duration: {e}"),
                        )
                        .with_help("write a whole number and a unit: `15m`, `4h`, `2d`"),
                    );
                    continue;
                }
            };
            failures.incidents.push(Incident {
                start,
                duration,
                span: at(line, 1),
            });
        }
    }
}
