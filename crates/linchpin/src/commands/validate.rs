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
    let origins = match &args.landscape {
        Some(dir) => match origins(dir, &package)? {
            Ok(o) => Some(o),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    let place = |p: &Problem| -> Option<String> {
        let (catalog, sources, map) = origins.as_ref()?;
        let o = map.get(&(p.file.clone(), p.line?))?;
        Some(format!(
            "{} at {}:{}",
            catalog.entity(o.entity).entity_ref,
            sources.path(o.span.file),
            o.span.line
        ))
    };
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let text = match args.format {
        Format::Json => json(&package.name, &problems, errors, warnings, &place)?,
        Format::Human => human(
            &package.name,
            &problems,
            errors,
            warnings,
            args.limit,
            &place,
        ),
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

pub(super) type Place<'a> = dyn Fn(&Problem) -> Option<String> + 'a;

/// Writes each problem as `level[rule] file:line [column]: message`, with
/// the landscape place it came from when `place` knows it; at most `limit`
/// per rule (0: all), then how many more each rule has. Returns the count
/// of problems per rule.
pub(super) fn problem_lines(
    out: &mut String,
    problems: &[Problem],
    limit: usize,
    place: &Place<'_>,
) -> BTreeMap<&'static str, usize> {
    let mut shown: BTreeMap<&'static str, usize> = BTreeMap::new();
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
        if let Some(from) = place(p) {
            let _ = writeln!(out, "    from {from}");
        }
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
    shown
}

/// The landscape's register, matched row by row to the package.
#[allow(clippy::type_complexity)]
fn origins(
    dir: &std::path::Path,
    package: &linchpin_dora::package::Package,
) -> anyhow::Result<
    Result<
        (
            linchpin_model::Catalog,
            linchpin_diagnostics::SourceMap,
            std::collections::HashMap<(String, u64), linchpin_dora::export::Origin>,
        ),
        ExitCode,
    >,
> {
    use linchpin_dora::export::{export, trace, Consolidation, Options};
    let loaded = match super::analysis::load_valid(dir)? {
        Ok(l) => l,
        Err(code) => return Ok(Err(code)),
    };
    let params = String::from_utf8_lossy(
        package
            .files
            .get("reports/parameters.csv")
            .map(Vec::as_slice)
            .unwrap_or_default(),
    )
    .into_owned();
    let param = |name: &str| {
        params
            .lines()
            .filter_map(|l| l.split_once(','))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    // A package without a readable period still traces: no key holds it.
    let reference_date = param("refPeriod")
        .and_then(|d| linchpin_model::Date::parse(&d).ok())
        .unwrap_or_else(|| linchpin_model::Date::from_ymd(1970, 1, 1).expect("a real date"));
    let consolidation = if param("entityID").is_some_and(|e| e.ends_with(".IND")) {
        Consolidation::Individual
    } else {
        Consolidation::Consolidated
    };
    // This register is only matched row by row against the filed one (by
    // primary keys, which neither the creation time in the package name nor
    // the reference date take part in); it is never written.
    let options = Options {
        reference_date,
        consolidation,
        created: String::new(),
    };
    let register = export(&loaded.catalog, &options).map_err(anyhow::Error::msg)?;
    let map = trace(&register, package);
    Ok(Ok((loaded.catalog, loaded.sources, map)))
}

fn human(
    name: &str,
    problems: &[Problem],
    errors: usize,
    warnings: usize,
    limit: usize,
    place: &Place<'_>,
) -> String {
    let mut out = String::new();
    let shown = problem_lines(&mut out, problems, limit, place);
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
    place: &Place<'_>,
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
                "from": place(p),
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
