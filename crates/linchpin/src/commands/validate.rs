//! `linchpin validate dora-roi PACKAGE`.

use crate::cli::{Format, ValidateDoraArgs};
use crate::output::print_stdout;
use anyhow::Context;
use linchpin_dora::validate::{validate, Problem, Severity};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

pub fn dora(args: &ValidateDoraArgs) -> anyhow::Result<ExitCode> {
    let package = linchpin_dora::package::read(&args.package)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("cannot read the package `{}`", args.package.display()))?;
    let problems = validate(&package);
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let text = match args.format {
        Format::Json => json(&package.name, &problems, errors, warnings)?,
        Format::Human => human(&package.name, &problems, errors, warnings, args.limit),
    };
    print_stdout(&text)?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn location(p: &Problem) -> String {
    let mut s = if p.file.is_empty() {
        "(package name)".to_owned()
    } else {
        p.file.clone()
    };
    if let Some(line) = p.line {
        let _ = write!(s, ":{line}");
    }
    if let Some(column) = &p.column {
        let _ = write!(s, " [{column}]");
    }
    s
}

fn human(name: &str, problems: &[Problem], errors: usize, warnings: usize, limit: usize) -> String {
    let mut out = String::new();
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for p in problems {
        let n = shown.entry(p.rule).or_default();
        *n += 1;
        if limit != 0 && *n > limit {
            continue;
        }
        let level = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{level}[{}] {}: {}", p.rule, location(p), p.message);
    }
    for (rule, n) in &shown {
        if limit != 0 && *n > limit {
            let _ = writeln!(
                out,
                "… and {} more {rule} problems (--limit 0 shows all)",
                n - limit
            );
        }
    }
    let verdict = if errors == 0 {
        "passes the offline intake checks"
    } else {
        "would be rejected"
    };
    let _ = writeln!(
        out,
        "{name}: {verdict} — {errors} errors, {warnings} warnings"
    );
    if !shown.is_empty() {
        let by_rule: Vec<String> = shown.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = writeln!(out, "  by rule: {}", by_rule.join(", "));
    }
    let _ = writeln!(
        out,
        "  not checked offline: whether each LEI is registered and live at GLEIF"
    );
    out
}

fn json(
    name: &str,
    problems: &[Problem],
    errors: usize,
    warnings: usize,
) -> anyhow::Result<String> {
    let list: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "severity": match p.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "rule": p.rule,
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "message": p.message,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "package": name,
        "valid": errors == 0,
        "errors": errors,
        "warnings": warnings,
        "problems": list,
    });
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}
