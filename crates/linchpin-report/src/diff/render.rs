//! A diff for people (terminal, pull-request comment) and for machines
//! (the JSON contract, docs/json.md).

use super::{Change, Diff, Effect, Kind, SideInfo};
use serde_json::{json, Value};
use std::fmt::Write;

/// The most a pull-request comment may hold (GitHub and GitLab refuse
/// longer ones).
pub const COMMENT_LIMIT: usize = 65_536;

/// The first line of the Markdown, which CI scripts look for to update
/// their comment instead of adding another.
pub const MARKER: &str = "<!-- linchpin-diff -->";

/// Changes shown in full before the rest are folded away.
const TOP: usize = 10;

fn side(s: &SideInfo) -> String {
    match &s.commit {
        Some(c) => format!("{} ({})", s.label, &c[..c.len().min(12)]),
        None => s.label.clone(),
    }
}

fn counts(diff: &Diff) -> [usize; 3] {
    let mut n = [0; 3];
    for c in &diff.changes {
        n[c.kind.effect() as usize] += 1;
    }
    n
}

fn not_compared(diff: &Diff) -> Option<String> {
    if diff.compared() {
        return None;
    }
    let which: Vec<String> = [("base", &diff.base), ("head", &diff.head)]
        .iter()
        .filter(|(_, s)| !s.analysed)
        .map(|(name, s)| {
            format!(
                "the {name} has {} error{}",
                s.errors,
                if s.errors == 1 { "" } else { "s" }
            )
        })
        .collect();
    Some(format!(
        "{}: continuity is compared once both sides load without errors (`linchpin check` lists them); only the files' problems are compared here",
        which.join(" and ")
    ))
}

fn summary_line(diff: &Diff) -> String {
    let [worse, neutral, better] = counts(diff);
    if worse + neutral + better == 0 {
        return "no change to continuity".to_owned();
    }
    let mut parts = Vec::new();
    let linchpins = diff.count(Kind::NewLinchpin);
    if linchpins > 0 {
        parts.push(format!(
            "{linchpins} new linchpin{}",
            if linchpins == 1 { "" } else { "s" }
        ));
    }
    let breaches = diff.count(Kind::NewBreach);
    if breaches > 0 {
        parts.push(format!(
            "{breaches} new breach{}",
            if breaches == 1 { "" } else { "es" }
        ));
    }
    parts.push(format!("{worse} worse, {neutral} neutral, {better} better"));
    parts.join("; ")
}

/// For the terminal: every change, by section, most serious first.
pub fn human(diff: &Diff) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "continuity from {} to {} ({} → {} entities)",
        side(&diff.base),
        side(&diff.head),
        diff.base.entities,
        diff.head.entities
    );
    for kind in Kind::ALL {
        let mut changes = diff.of_kind(*kind).peekable();
        if changes.peek().is_none() {
            continue;
        }
        let mark = match kind.effect() {
            Effect::Worse => "-",
            Effect::Neutral => "~",
            Effect::Better => "+",
        };
        let _ = writeln!(o, "\n{}:", kind.heading());
        for c in changes {
            let _ = write!(o, "  {mark} {}", c.message);
            if let Some(at) = &c.at {
                let _ = write!(o, " ({}:{})", at.file, at.line);
            }
            if matches!(
                c.kind,
                Kind::NewFinding
                    | Kind::FindingResolved
                    | Kind::NewDiagnostic
                    | Kind::DiagnosticResolved
            ) {
                let _ = write!(o, " [{}]", c.items.join(", "));
            }
            o.push('\n');
        }
    }
    if let Some(note) = not_compared(diff) {
        let _ = writeln!(o, "\nnote: {note}");
    }
    let _ = writeln!(o, "\n{}", summary_line(diff));
    o
}

/// Text for Markdown: code spans (between backticks) kept as they are,
/// everything else escaped so that names and messages from the landscape
/// show as written and can add no link, image, markup or HTML to the
/// comment.
pub fn md_text(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let parts: Vec<&str> = text.split('`').collect();
    let spans_balanced = parts.len() % 2 == 1;
    let mut out = String::with_capacity(text.len() + 8);
    for (i, part) in parts.iter().enumerate() {
        if spans_balanced && i % 2 == 1 && !part.is_empty() {
            out.push('`');
            out.push_str(part);
            out.push('`');
            continue;
        }
        if !spans_balanced && i > 0 {
            out.push_str("\\`");
        }
        for ch in part.chars() {
            match ch {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\\' | '*' | '_' | '[' | ']' | '|' | '~' => {
                    out.push('\\');
                    out.push(ch);
                }
                _ => out.push(ch),
            }
        }
    }
    out
}

fn md_line(c: &Change) -> String {
    let mut line = format!("- {}", md_text(&c.message));
    if let Some(at) = &c.at {
        let _ = write!(line, " — `{}:{}`", at.file.replace('`', "'"), at.line);
    }
    if matches!(
        c.kind,
        Kind::NewFinding | Kind::FindingResolved | Kind::NewDiagnostic | Kind::DiagnosticResolved
    ) {
        let _ = write!(line, " (`{}`)", c.items.join(", "));
    }
    line.push('\n');
    line
}

/// For a pull-request comment: a headline, the first changes in full, the
/// rest folded by section, never longer than a code host accepts.
pub fn markdown(diff: &Diff) -> String {
    markdown_within(diff, COMMENT_LIMIT)
}

/// [`markdown`] within `limit` bytes.
pub fn markdown_within(diff: &Diff, limit: usize) -> String {
    let mut head = String::new();
    let _ = writeln!(head, "{MARKER}");
    let [worse, _, better] = counts(diff);
    let icon = if worse > 0 {
        "⚠️"
    } else if better > 0 {
        "✅"
    } else {
        "✔️"
    };
    let _ = writeln!(
        head,
        "### {icon} Continuity: {}\n",
        md_text(&summary_line(diff))
    );
    let _ = writeln!(
        head,
        "From {} to {} ({} → {} entities).\n",
        md_text(&format!("`{}`", side(&diff.base).replace('`', "'"))),
        md_text(&format!("`{}`", side(&diff.head).replace('`', "'"))),
        diff.base.entities,
        diff.head.entities
    );
    if let Some(note) = not_compared(diff) {
        let _ = writeln!(head, "> **Note:** {}\n", md_text(&note));
    }
    // The table of counts, one row per kind that has changes.
    let present: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| diff.count(*k) > 0)
        .collect();
    if !present.is_empty() {
        head.push_str("| change | count |\n|---|---:|\n");
        for k in &present {
            let _ = writeln!(head, "| {} | {} |", k.heading(), diff.count(*k));
        }
        head.push('\n');
    }
    let footer_room = 400;
    let budget = limit.saturating_sub(footer_room);
    let mut body = String::new();
    let mut shown = 0usize;
    // The first changes, in full.
    let mut current: Option<Kind> = None;
    for c in diff.changes.iter().take(TOP) {
        if current != Some(c.kind) {
            let _ = writeln!(body, "\n**{}**\n", c.kind.heading());
            current = Some(c.kind);
        }
        let line = md_line(c);
        if head.len() + body.len() + line.len() > budget {
            break;
        }
        body.push_str(&line);
        shown += 1;
    }
    // The rest, folded by section.
    if shown < diff.changes.len() {
        let rest = &diff.changes[shown..];
        let _ = writeln!(
            body,
            "\n<details><summary>{} more change{}</summary>\n",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        );
        let mut current: Option<Kind> = None;
        for c in rest {
            let mut piece = String::new();
            if current != Some(c.kind) {
                let _ = writeln!(piece, "\n**{}**\n", c.kind.heading());
            }
            piece.push_str(&md_line(c));
            if head.len() + body.len() + piece.len() + "</details>\n".len() > budget {
                break;
            }
            current = Some(c.kind);
            body.push_str(&piece);
            shown += 1;
        }
        body.push_str("\n</details>\n");
    }
    let mut out = head;
    out.push_str(&body);
    if shown < diff.changes.len() {
        let _ = writeln!(
            out,
            "\n{} more change{} did not fit in a comment: run `linchpin diff` (or `--format json`) to see every one.",
            diff.changes.len() - shown,
            if diff.changes.len() - shown == 1 { "" } else { "s" }
        );
    }
    let _ = write!(
        out,
        "\n<sub>Linchpin {}, `linchpin diff`</sub>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

fn side_json(s: &SideInfo) -> Value {
    json!({
        "label": s.label,
        "commit": s.commit,
        "entities": s.entities,
        "errors": s.errors,
        "analysed": s.analysed,
    })
}

/// The JSON contract of `linchpin diff` (docs/json.md).
pub fn json(diff: &Diff) -> Value {
    let [worse, neutral, better] = counts(diff);
    let by_kind: serde_json::Map<String, Value> = Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), json!(diff.count(*k))))
        .collect();
    json!({
        "linchpinDiff": 1,
        "base": side_json(&diff.base),
        "head": side_json(&diff.head),
        "compared": diff.compared(),
        "summary": { "worse": worse, "neutral": neutral, "better": better, "byKind": by_kind },
        "changes": diff.changes.iter().map(|c| json!({
            "kind": c.kind.as_str(),
            "effect": c.kind.effect().as_str(),
            "subject": c.subject,
            "items": c.items,
            "mode": c.mode,
            "before": c.before,
            "after": c.after,
            "message": c.message,
            "file": c.at.as_ref().map(|a| &a.file),
            "line": c.at.as_ref().map(|a| a.line),
        })).collect::<Vec<_>>(),
    })
}
