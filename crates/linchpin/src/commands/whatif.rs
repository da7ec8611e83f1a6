//! `linchpin whatif`: simulate failures over time.

use super::analysis::{failure_spec, load_for_analysis, today};
use crate::cli::{Format, WhatifArgs};
use crate::output::print_stdout;
use anyhow::bail;
use linchpin_engine::whatif::{DurationSource, FailureSpec, Status, WhatIf};
use linchpin_engine::{whatif, Dur};
use linchpin_model::{Catalog, FailureMode, Spec};
use std::process::ExitCode;

pub fn run(args: &WhatifArgs) -> anyhow::Result<ExitCode> {
    let _today = today(args.today.as_deref())?;
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let catalog = &analysis.loaded.catalog;
    let (title, spec) = match &args.scenario {
        Some(name) => scenario(catalog, name)?,
        None => (
            None,
            failure_spec(
                catalog,
                &args.fail,
                args.duration.as_deref(),
                args.permanent,
            )?,
        ),
    };
    let result = whatif(catalog, &analysis.graph, &spec);
    let text = match args.format {
        Format::Human => human(catalog, title.as_deref(), &spec, &result),
        Format::Json => json(
            catalog,
            args.scenario.as_deref(),
            title.as_deref(),
            &spec,
            &result,
        )?,
    };
    print_stdout(&text)?;
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}

/// A Scenario entity by name (or ref).
fn scenario(catalog: &Catalog, name: &str) -> anyhow::Result<(Option<String>, FailureSpec)> {
    let found = catalog.iter().find(|(_, e)| {
        matches!(e.spec, Spec::Scenario(_))
            && (e.entity_ref.name.eq_ignore_ascii_case(name) || e.entity_ref.to_string() == name)
    });
    let Some((_, entity)) = found else {
        let names: Vec<&str> = catalog
            .iter()
            .filter(|(_, e)| matches!(e.spec, Spec::Scenario(_)))
            .map(|(_, e)| e.entity_ref.name.as_str())
            .collect();
        if names.is_empty() {
            bail!("no scenario `{name}`: the landscape defines no Scenario");
        }
        bail!(
            "no scenario `{name}`; the landscape defines: {}",
            names.join(", ")
        );
    };
    let Spec::Scenario(s) = &entity.spec else {
        unreachable!()
    };
    let fail = s
        .fail
        .iter()
        .filter_map(|r| catalog.lookup(&r.value))
        .collect();
    Ok((
        Some(entity.display_name().to_owned()),
        FailureSpec {
            fail,
            mode: s.mode,
            duration: s.duration,
        },
    ))
}

fn source_text(source: DurationSource) -> &'static str {
    match source {
        DurationSource::Given => "as given",
        DurationSource::StatementRto => "the supplier's committed RTO",
        DurationSource::ExitLeadTime => "the exit plan's lead time",
        DurationSource::Unbounded => "nothing bounds it",
    }
}

fn name(catalog: &Catalog, id: linchpin_model::EntityId) -> String {
    let e = catalog.entity(id);
    format!("{}:{}", e.kind(), e.entity_ref.name)
}

fn human(catalog: &Catalog, title: Option<&str>, spec: &FailureSpec, result: &WhatIf) -> String {
    let mut out = String::new();
    let mode = match spec.mode {
        FailureMode::Outage => "an outage",
        FailureMode::Permanent => "a permanent failure (until the exit is carried out)",
    };
    if let Some(t) = title {
        out.push_str(&format!("Scenario: {t}\n"));
    }
    out.push_str(&format!("What if these fail, as {mode}?\n"));
    for f in &result.failed {
        let duration = if f.duration.is_inf() {
            "unbounded".to_owned()
        } else {
            format!("for {}", f.duration)
        };
        out.push_str(&format!(
            "  {}  {duration} ({})\n",
            name(catalog, f.id),
            source_text(f.source)
        ));
    }
    let down = result
        .functions
        .iter()
        .filter(|f| f.status == Status::Down)
        .count();
    let degraded = result
        .functions
        .iter()
        .filter(|f| f.status == Status::Degraded)
        .count();
    let breaches = result.functions.iter().filter(|f| f.breach).count();
    out.push_str(&format!(
        "\n{down} function{} stop{}, {degraded} degrade{}, {breaches} breach{} of tolerance.\n",
        if down == 1 { "" } else { "s" },
        if down == 1 { "s" } else { "" },
        if degraded == 1 { "s" } else { "" },
        if breaches == 1 { "" } else { "es" },
    ));
    for f in result.functions.iter().filter(|f| f.status != Status::Up) {
        let entity = catalog.entity(f.id);
        let tolerance = match f.tolerance {
            Some(t) => format!("tolerates {t}"),
            None => "no tolerance set".to_owned(),
        };
        let verdict = if f.breach { " BREACH" } else { "" };
        let how_long = match f.status {
            Status::Down => format!("down {}", f.down),
            _ => format!("degraded {}", f.impaired),
        };
        out.push_str(&format!(
            "\n  {:<8} {} ({}): {how_long}, {tolerance}{verdict}\n",
            f.status.as_str(),
            entity.display_name(),
            f.criticality.as_str(),
        ));
        let chain: Vec<String> = f.path.iter().map(|&id| name(catalog, id)).collect();
        out.push_str(&format!("           why: {}\n", chain.join(" → ")));
        for fb in &f.fallbacks {
            out.push_str(&format!(
                "           fallback: {}\n",
                fb.describe(|id| name(catalog, id))
            ));
        }
    }
    let up = result
        .functions
        .iter()
        .filter(|f| f.status == Status::Up)
        .count();
    out.push_str(&format!(
        "\n{up} function{} unaffected.\n",
        if up == 1 { "" } else { "s" }
    ));
    if result.functions.is_empty() {
        out.push_str("\nhint: the landscape defines no BusinessFunction; add functions and what they depend on to see what a failure stops\n");
    }
    if result.failed.iter().any(|f| f.duration == Dur::INF) {
        out.push_str("\nhint: some failures are unbounded; pass --duration, or record the supplier's committed RTO (continuity.statement.rto) or exit lead time\n");
    }
    out
}

fn json(
    catalog: &Catalog,
    name: Option<&str>,
    title: Option<&str>,
    spec: &FailureSpec,
    result: &WhatIf,
) -> anyhow::Result<String> {
    let doc = linchpin_report::contract::whatif_json(catalog, name, title, spec, result);
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    Ok(text)
}
