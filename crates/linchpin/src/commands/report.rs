//! `linchpin report`: the continuity report.

use super::analysis::{load_for_analysis, today};
use crate::cli::{ReportArgs, ReportFormat};
use crate::output::{print_stdout, print_with, write_atomic_with, write_json};
use anyhow::Context;
use linchpin_report::Report;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let catalog = &analysis.loaded.catalog;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let report = Report::build(
        catalog,
        &analysis.graph,
        &analysis.loaded.config,
        today,
        threads,
    );
    // Each format is written as it is made: the JSON of a large landscape
    // runs to hundreds of megabytes and is never held whole.
    let body = |out: &mut dyn Write| match args.format {
        ReportFormat::Html => out.write_all(linchpin_report::html(&report, catalog).as_bytes()),
        ReportFormat::Markdown => {
            out.write_all(linchpin_report::markdown(&report, catalog).as_bytes())
        }
        ReportFormat::Json => write_json(out, &linchpin_report::json(&report, catalog)),
        ReportFormat::Csv => {
            out.write_all(linchpin_report::register_csv(&report, catalog).as_bytes())
        }
    };
    let output = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(match args.format {
            ReportFormat::Html => "linchpin-report.html",
            ReportFormat::Markdown => "linchpin-report.md",
            ReportFormat::Json => "linchpin-report.json",
            ReportFormat::Csv => "linchpin-register.csv",
        })
    });
    if output.as_os_str() == "-" {
        print_with(body)?;
    } else {
        write_atomic_with(&output, body)
            .with_context(|| format!("cannot write the report to `{}`", output.display()))?;
        let linchpins: Vec<&str> = report
            .ranking
            .iter()
            .filter(|r| r.tier == 1)
            .map(|r| catalog.entity(r.id).entity_ref.name.as_str())
            .collect();
        let breaches = report
            .scenarios
            .iter()
            .flat_map(|s| s.result.functions.iter())
            .filter(|f| f.breach)
            .count();
        let (errors, warnings, infos) = report.finding_counts();
        print_stdout(&format!(
            "wrote {}\n  {} functions, {} suppliers; {} linchpin{}{}\n  {} scenario{} run, {breaches} breach{} of tolerance\n  {} readiness findings ({errors} errors, {warnings} warnings, {infos} info)\n",
            output.display(),
            report.functions.len(),
            report.ranking.len(),
            linchpins.len(),
            if linchpins.len() == 1 { "" } else { "s" },
            match linchpins.len() {
                0 => String::new(),
                n if n <= 8 => format!(": {}", linchpins.join(", ")),
                n => format!(": {} and {} more", linchpins[..8].join(", "), n - 8),
            },
            report.scenarios.len(),
            if report.scenarios.len() == 1 { "" } else { "s" },
            if breaches == 1 { "" } else { "es" },
            report.findings.len(),
        ))?;
    }
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}
