//! The human rendering of diagnostics: rustc-style, with a snippet and a
//! caret, readable without colour.

use crate::{Diagnostic, Severity, SourceMap};
use std::fmt::Write;

/// How to render diagnostics for a person.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
}

/// Renders one diagnostic as text ending in a blank line.
///
/// ```text
/// error[dangling-ref]: `supplier:default/strpe` does not exist
///   --> services/checkout.yaml:12:7
///    |
/// 12 |     - supplier:strpe
///    |       ^^^^^^^^^^^^^^
///    = help: did you mean `supplier:default/stripe`?
/// ```
pub fn render_human(d: &Diagnostic, sources: &SourceMap, options: RenderOptions) -> String {
    let paint = Paint(options.color);
    let mut out = String::new();
    let (color, name) = match d.severity {
        Severity::Error => ("31", "error"),
        Severity::Warning => ("33", "warning"),
        Severity::Info => ("36", "info"),
    };
    let _ = writeln!(
        out,
        "{}{}",
        paint.wrap(&format!("1;{color}"), &format!("{name}[{}]", d.code)),
        paint.wrap("1", &format!(": {}", d.message))
    );
    let gutter_width = d.span.map(|s| s.line.to_string().len()).unwrap_or(1).max(1);
    let pad = " ".repeat(gutter_width);
    let bar = paint.wrap("1;34", "|");
    if let Some(file) = d.file {
        let path = sources.display(file);
        match d.span {
            Some(span) => {
                let _ = writeln!(
                    out,
                    "{pad}{} {path}:{}:{}",
                    paint.wrap("1;34", "-->"),
                    span.line,
                    span.col
                );
                if let Some(line) = sources.line_text(file, span.line) {
                    let (shown, start) = window(line, span.col.saturating_sub(1) as usize);
                    let line_no = paint.wrap("1;34", &format!("{:>gutter_width$}", span.line));
                    let _ = writeln!(out, "{pad} {bar}");
                    let _ = writeln!(out, "{line_no} {bar} {}", shown.trim_end());
                    let width = shown.chars().count();
                    let start = start.min(width);
                    let len = (span.len as usize).clamp(1, (width - start).max(1));
                    let carets = "^".repeat(len);
                    let _ = writeln!(
                        out,
                        "{pad} {bar} {}{}",
                        " ".repeat(start),
                        paint.wrap(&format!("1;{color}"), &carets)
                    );
                }
            }
            None => {
                let _ = writeln!(out, "{pad}{} {path}", paint.wrap("1;34", "-->"));
            }
        }
    }
    for note in &d.notes {
        let _ = writeln!(out, "{pad} {} note: {note}", paint.wrap("1;34", "="));
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} {} help: {help}", paint.wrap("1;34", "="));
    }
    out.push('\n');
    out
}

/// Every error among `diagnostics`, rendered for people one after another
/// (what a command or the server says when a landscape cannot be used).
pub fn render_errors(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error)
        .map(|d| render_human(d, sources, RenderOptions { color: false }))
        .collect()
}

/// At most this many characters of a source line are shown.
const MAX_LINE: usize = 100;

/// The part of `line` to show, tabs as spaces, and where the caret column
/// (0-based, in characters) falls in it. Long lines are cut around the
/// caret and marked with `...`.
fn window(line: &str, caret: usize) -> (String, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    if chars.len() <= MAX_LINE {
        return (chars.into_iter().collect(), caret);
    }
    let from = caret
        .saturating_sub(MAX_LINE / 2)
        .min(chars.len().saturating_sub(MAX_LINE));
    let to = (from + MAX_LINE).min(chars.len());
    let mut shown = String::new();
    let mut offset = 0;
    if from > 0 {
        shown.push_str("...");
        offset = 3;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push_str("...");
    }
    (shown, caret - from + offset)
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Diagnostic, Span};

    #[test]
    fn cuts_long_lines_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (shown, caret) = window(&line, 300);
        assert!(shown.starts_with("...") && shown.ends_with("..."));
        assert_eq!(shown.chars().nth(caret), Some('X'));
        assert!(shown.chars().count() <= MAX_LINE + 6);
    }

    #[test]
    fn renders_snippet_with_caret() {
        let mut sources = SourceMap::new();
        let file = sources.add(
            "a.yaml".into(),
            "kind: Component\nmetadata:\n  name: x y\n".into(),
        );
        let d = Diagnostic::at(
            "invalid-name",
            Span {
                file,
                line: 3,
                col: 9,
                len: 3,
            },
            "bad name",
        )
        .with_help("use dashes");
        let text = render_human(&d, &sources, RenderOptions::default());
        assert_eq!(
            text,
            "error[invalid-name]: bad name\n --> a.yaml:3:9\n  |\n3 |   name: x y\n  |         ^^^\n  = help: use dashes\n\n"
        );
    }
}
