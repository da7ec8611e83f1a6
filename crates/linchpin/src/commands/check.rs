//! `linchpin check`: load, validate, check readiness, report.

use super::analysis::today;
use crate::cli::{CheckArgs, CheckFormat, FailOn};
use crate::output::{print_stdout, read_input, stdout_color, write_atomic};
use anyhow::{bail, Context};
use linchpin_diagnostics::{
    codes, render_human, Counts, Diagnostic, RenderOptions, Severity, SourceMap,
};
use linchpin_engine::{findings, rank, Finding, ImpactGraph};
use linchpin_loader::{load, LoadOptions, Loaded};
use linchpin_model::Catalog;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::process::ExitCode;

/// A finding with where it points and whether the baseline holds it.
struct Reported {
    finding: Finding,
    entity: String,
    baselined: bool,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    let options = LoadOptions {
        threads: args.threads,
        ..LoadOptions::default()
    };
    let mut loaded = load(&args.dir, &options).context("cannot check the landscape")?;
    loaded
        .sources
        .set_display_base(&super::analysis::display_base(&args.dir));
    let counts = Counts::of(&loaded.diagnostics);
    let threads = match args.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let analysed = counts.errors == 0 && !args.no_findings;
    let found = if analysed {
        let graph = ImpactGraph::new(&loaded.catalog);
        let ranking = rank(&loaded.catalog, &graph, today, threads);
        let mut found = findings(
            &loaded.catalog,
            &graph,
            &ranking,
            &loaded.config,
            today,
            threads,
        );
        found.extend(linchpin_dora::gaps::findings(
            &loaded.catalog,
            &loaded.config,
        ));
        found.sort_by_key(|f| (f.entity, f.id));
        found
    } else {
        Vec::new()
    };
    let baseline = match &args.baseline {
        Some(path) => Some(read_baseline(path)?),
        None => None,
    };
    let reported: Vec<Reported> = found
        .into_iter()
        .map(|finding| {
            let entity = loaded.catalog.entity(finding.entity).entity_ref.to_string();
            let baselined = baseline
                .as_ref()
                .is_some_and(|b| b.contains(&(finding.id.to_owned(), entity.clone())));
            Reported {
                finding,
                entity,
                baselined,
            }
        })
        .collect();
    if let Some(path) = &args.write_baseline {
        write_atomic(path, &baseline_json(&reported))
            .with_context(|| format!("cannot write the baseline `{}`", path.display()))?;
    }
    let text = match args.format {
        CheckFormat::Human => human(
            &loaded,
            &reported,
            analysed,
            counts.errors > 0,
            RenderOptions {
                color: stdout_color(),
            },
        ),
        CheckFormat::Json => json_report(&loaded, &reported)?,
        CheckFormat::Sarif => sarif(&loaded, &reported, baseline.is_some())?,
    };
    print_stdout(&text)?;
    let new = reported.iter().filter(|r| !r.baselined);
    let finding_errors = new
        .clone()
        .filter(|r| r.finding.severity == Severity::Error)
        .count();
    let finding_warnings = new
        .filter(|r| r.finding.severity == Severity::Warning)
        .count();
    let failing = counts.errors + finding_errors > 0
        || (args.fail_on == FailOn::Warning && counts.warnings + finding_warnings > 0);
    // The process ends right after this: freeing a large catalog piece by
    // piece would only delay the exit (a tenth of a second at 100k entities).
    std::mem::forget(loaded);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A finding as a diagnostic at its entity, for the renderers.
fn as_diagnostic(catalog: &Catalog, r: &Reported) -> Diagnostic {
    let span = catalog.entity(r.finding.entity).span;
    Diagnostic::at(r.finding.id, span, r.finding.message.clone())
        .with_severity(r.finding.severity)
        .with_help(format!("`linchpin explain {}`; allow it on this entity with the annotation `linchpin.dev/allow: {}`", r.finding.id, r.finding.id))
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "entity") => format!("{n} entities"),
        _ => format!("{n} {word}s"),
    }
}

/// The human report: every diagnostic, every new finding, then a summary.
fn human(
    loaded: &Loaded,
    reported: &[Reported],
    analysed: bool,
    has_errors: bool,
    options: RenderOptions,
) -> String {
    let mut out = String::new();
    for d in &loaded.diagnostics {
        out.push_str(&render_human(d, &loaded.sources, options));
    }
    for r in reported.iter().filter(|r| !r.baselined) {
        out.push_str(&render_human(
            &as_diagnostic(&loaded.catalog, r),
            &loaded.sources,
            options,
        ));
    }
    // The summary counts what was printed, by the severity it was printed with.
    let mut printed = Counts::of(&loaded.diagnostics);
    let shown: Vec<&Reported> = reported.iter().filter(|r| !r.baselined).collect();
    for r in &shown {
        match r.finding.severity {
            Severity::Error => printed.errors += 1,
            Severity::Warning => printed.warnings += 1,
            Severity::Info => printed.infos += 1,
        }
    }
    out.push_str(&format!(
        "checked {} in {}: {}, {}, {} info",
        plural(loaded.catalog.len(), "entity"),
        plural(loaded.sources.len(), "file"),
        plural(printed.errors, "error"),
        plural(printed.warnings, "warning"),
        printed.infos,
    ));
    if analysed {
        let baselined = reported.len() - shown.len();
        let files = loaded.diagnostics.len();
        out.push_str(&format!(
            " ({} in the files, {} readiness {}",
            files,
            shown.len(),
            if shown.len() == 1 {
                "finding"
            } else {
                "findings"
            }
        ));
        if baselined > 0 {
            out.push_str(&format!("; {baselined} more in the baseline"));
        }
        out.push(')');
    }
    out.push('\n');
    if has_errors {
        out.push_str("\nhint: readiness findings are checked once the landscape has no errors\n");
    }
    out
}

fn location(catalog: &Catalog, sources: &SourceMap, r: &Reported) -> (String, u32, u32) {
    let span = catalog.entity(r.finding.entity).span;
    (sources.path(span.file).to_owned(), span.line, span.col)
}

/// The JSON contract of `check` (docs/json.md).
fn json_report(loaded: &Loaded, reported: &[Reported]) -> anyhow::Result<String> {
    let counts = Counts::of(&loaded.diagnostics);
    let doc = json!({
        "diagnostics": loaded.diagnostics.iter().map(|d| json!({
            "severity": d.severity.as_str(),
            "code": d.code,
            "message": d.message,
            "file": d.file.map(|f| loaded.sources.path(f)),
            "line": d.span.map(|s| s.line),
            "column": d.span.map(|s| s.col),
            "notes": d.notes,
            "help": d.help,
        })).collect::<Vec<_>>(),
        "findings": reported.iter().map(|r| {
            let (file, line, column) = location(&loaded.catalog, &loaded.sources, r);
            json!({
                "id": r.finding.id,
                "severity": r.finding.severity.as_str(),
                "entity": r.entity,
                "message": r.finding.message,
                "file": file,
                "line": line,
                "column": column,
                "baselined": r.baselined,
            })
        }).collect::<Vec<_>>(),
        "summary": {
            "entities": loaded.catalog.len(),
            "edges": loaded.catalog.edge_count(),
            "files": loaded.sources.len(),
            "errors": counts.errors,
            "warnings": counts.warnings,
            "findings": reported.iter().filter(|r| !r.baselined).count(),
            "baselined": reported.iter().filter(|r| r.baselined).count(),
        },
    });
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    Ok(text)
}

/// SARIF 2.1.0: one result per diagnostic and finding, at its file and line.
fn sarif(loaded: &Loaded, reported: &[Reported], with_baseline: bool) -> anyhow::Result<String> {
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut used: BTreeSet<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    used.extend(reported.iter().map(|r| r.finding.id));
    let rules: Vec<Value> = used
        .iter()
        .filter_map(|id| codes::lookup(id))
        .map(|c| {
            json!({
                "id": c.code,
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.explanation },
                "defaultConfiguration": { "level": level(c.severity) },
                "help": { "text": c.explanation },
            })
        })
        .collect();
    let region = |line: u32, column: u32| json!({ "startLine": line, "startColumn": column });
    let mut results: Vec<Value> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": match &d.help { Some(h) => format!("{} ({h})", d.message), None => d.message.clone() } },
            });
            if let Some(file) = d.file {
                let mut physical = json!({ "artifactLocation": { "uri": loaded.sources.path(file), "uriBaseId": "LANDSCAPE" } });
                if let Some(span) = d.span {
                    physical["region"] = region(span.line, span.col);
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            result
        })
        .collect();
    for r in reported {
        let (file, line, column) = location(&loaded.catalog, &loaded.sources, r);
        let mut result = json!({
            "ruleId": r.finding.id,
            "level": level(r.finding.severity),
            "message": { "text": r.finding.message },
            "locations": [{ "physicalLocation": {
                "artifactLocation": { "uri": file, "uriBaseId": "LANDSCAPE" },
                "region": region(line, column),
            }, "logicalLocations": [{ "fullyQualifiedName": r.entity }] }],
            "partialFingerprints": { "linchpinFinding/v1": format!("{}|{}", r.finding.id, r.entity) },
        });
        if with_baseline {
            result["baselineState"] = json!(if r.baselined { "unchanged" } else { "new" });
        }
        results.push(result);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "linchpin",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://linchpin.dev",
                "rules": rules,
            }},
            "originalUriBaseIds": { "LANDSCAPE": { "description": { "text": "the landscape folder" } } },
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    Ok(text)
}

/// The baseline file: findings by id and entity, never by line, so that
/// editing a file does not break it.
fn baseline_json(reported: &[Reported]) -> String {
    let mut entries: Vec<(&str, &str)> = reported
        .iter()
        .map(|r| (r.finding.id, r.entity.as_str()))
        .collect();
    entries.sort();
    entries.dedup();
    let doc = json!({
        "linchpinBaseline": 1,
        "findings": entries.iter().map(|(id, entity)| json!({ "id": id, "entity": entity })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn read_baseline(path: &std::path::Path) -> anyhow::Result<BTreeSet<(String, String)>> {
    let text = read_input(path)
        .with_context(|| format!("cannot read the baseline `{}`", path.display()))?;
    let doc: Value = serde_json::from_str(&text)
        .with_context(|| format!("the baseline `{}` is not valid JSON", path.display()))?;
    if doc["linchpinBaseline"] != 1 {
        bail!(
            "`{}` is not a Linchpin baseline (write one with --write-baseline)",
            path.display()
        );
    }
    let mut set = BTreeSet::new();
    for f in doc["findings"].as_array().into_iter().flatten() {
        match (f["id"].as_str(), f["entity"].as_str()) {
            (Some(id), Some(entity)) => {
                set.insert((id.to_owned(), entity.to_owned()));
            }
            _ => bail!(
                "the baseline `{}` has an entry without `id` and `entity`",
                path.display()
            ),
        }
    }
    Ok(set)
}
