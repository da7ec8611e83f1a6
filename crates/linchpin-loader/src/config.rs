//! Reading `linchpin.toml` at the landscape root.

use linchpin_diagnostics::{codes, did_you_mean, Diagnostic, FileId, Severity, SourceMap, Span};
use linchpin_model::{Config, Duration};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The file name.
pub const FILE: &str = "linchpin.toml";

/// Reads the config if the landscape has one; problems become diagnostics
/// and the defaults stand in for what could not be read.
#[allow(clippy::disallowed_methods)] // the loader is the crate that reads files
pub fn read_config(
    root: &Path,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Config {
    let mut config = Config::default();
    let path = root.join(FILE);
    if !path.is_file() {
        return config;
    }
    // As for the landscape's files: a link out of the landscape is not read.
    let inside = match (path.canonicalize(), root.canonicalize()) {
        (Ok(real), Ok(root)) => real.starts_with(root),
        _ => true,
    };
    if !inside {
        let file = sources.add(FILE.into(), String::new());
        diagnostics.push(
            Diagnostic::in_file(
                "symlink-outside-root",
                file,
                format!("{FILE} is a symbolic link leading outside the landscape folder; it was not read (the defaults apply)"),
            )
            .with_help("move the file into the landscape, or run Linchpin on a folder that contains both"),
        );
        return config;
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let file = sources.add(FILE.into(), String::new());
            diagnostics.push(Diagnostic::in_file(
                "io-error",
                file,
                format!("cannot read {FILE}: {e}"),
            ));
            return config;
        }
    };
    let file = sources.add(FILE.into(), text.clone());
    let at = |range: std::ops::Range<usize>| span_at(&text, file, range);
    let table = match DeTable::parse(&text) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            let span = e.span().map_or(Span::file_start(file), &at);
            diagnostics.push(Diagnostic::at(
                "config-invalid",
                span,
                format!("invalid TOML: {}", e.message().trim()),
            ));
            return config;
        }
    };
    for (key, value) in &table {
        let name = key.get_ref().as_ref();
        let DeValue::Table(section) = value.get_ref() else {
            diagnostics.push(Diagnostic::at(
                "config-invalid",
                at(key.span()),
                format!("`{name}` must be a table, e.g. `[{name}]`"),
            ));
            continue;
        };
        match name {
            "severity" => {
                for (id, v) in section {
                    let id_text = id.get_ref().as_ref();
                    if !codes::is_finding(id_text) {
                        let ids = codes::FINDINGS.iter().map(|c| c.code);
                        let mut d = Diagnostic::at(
                            "config-unknown-key",
                            at(id.span()),
                            format!("`{id_text}` is not a finding id"),
                        );
                        if let Some(near) = did_you_mean(id_text, ids) {
                            d = d.with_help(format!("did you mean `{near}`?"));
                        }
                        diagnostics.push(d);
                        continue;
                    }
                    let severity = match v.get_ref() {
                        DeValue::String(s) => match s.as_ref() {
                            "error" => Some(Some(Severity::Error)),
                            "warning" => Some(Some(Severity::Warning)),
                            "info" => Some(Some(Severity::Info)),
                            "off" => Some(None),
                            _ => None,
                        },
                        _ => None,
                    };
                    match severity {
                        Some(s) => {
                            config.severity.insert(id_text.to_owned(), s);
                        }
                        None => diagnostics.push(Diagnostic::at(
                            "config-invalid",
                            at(v.span()),
                            format!("the severity of `{id_text}` must be \"error\", \"warning\", \"info\" or \"off\""),
                        )),
                    }
                }
            }
            "thresholds" => {
                for (k, v) in section {
                    let k_text = k.get_ref().as_ref();
                    let DeValue::String(s) = v.get_ref() else {
                        diagnostics.push(Diagnostic::at(
                            "config-invalid",
                            at(v.span()),
                            format!("`{k_text}` must be a duration string such as \"90d\""),
                        ));
                        continue;
                    };
                    match Duration::parse(s) {
                        Ok(d) => {
                            if !config.set_threshold(k_text, d) {
                                let mut diag = Diagnostic::at(
                                    "config-unknown-key",
                                    at(k.span()),
                                    format!("`{k_text}` is not a threshold"),
                                );
                                if let Some(near) =
                                    did_you_mean(k_text, Config::THRESHOLDS.iter().copied())
                                {
                                    diag = diag.with_help(format!("did you mean `{near}`?"));
                                }
                                diagnostics.push(diag);
                            }
                        }
                        Err(e) => diagnostics.push(Diagnostic::at(
                            "config-invalid",
                            at(v.span()),
                            format!("`{s}` is not a duration: {e}"),
                        )),
                    }
                }
            }
            other => {
                let mut d = Diagnostic::at(
                    "config-unknown-key",
                    at(key.span()),
                    format!("`[{other}]` is not a section of {FILE}"),
                );
                if let Some(near) = did_you_mean(other, ["severity", "thresholds"]) {
                    d = d.with_help(format!("did you mean `[{near}]`?"));
                }
                diagnostics.push(d);
            }
        }
    }
    config
}

/// Line and column of a byte range.
fn span_at(text: &str, file: FileId, range: std::ops::Range<usize>) -> Span {
    let start = range.start.min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..start].chars().count() as u32 + 1;
    let len = text[start..range.end.min(text.len())]
        .chars()
        .take_while(|&c| c != '\n')
        .count() as u32;
    Span {
        file,
        line,
        col,
        len,
    }
}
