//! `linchpin diff`: what a change of the landscape does to continuity.

use super::analysis::today;
use crate::cli::{DiffArgs, DiffFormat, DiffGate};
use crate::output::print_stdout;
use crate::revision::{checkout, Checkout};
use anyhow::{bail, Context};
use linchpin_diagnostics::Counts;
use linchpin_engine::{findings, rank, ImpactGraph};
use linchpin_loader::{load, LoadOptions};
use linchpin_model::Date;
use linchpin_report::diff::{compare, render, Kind, Location, State};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One side of the diff, where its files are.
struct Side {
    label: String,
    dir: PathBuf,
    commit: Option<String>,
    /// Keeps a revision's temporary folder until the side is loaded.
    _checkout: Option<Checkout>,
}

/// A folder when one exists by that name, else a revision of the
/// repository that holds the landscape.
fn side(text: &str, landscape: &Path) -> anyhow::Result<Side> {
    let as_folder = Path::new(text);
    if as_folder.is_dir() {
        return Ok(Side {
            label: text.to_owned(),
            dir: as_folder.to_owned(),
            commit: None,
            _checkout: None,
        });
    }
    let c = checkout(landscape, text)?;
    Ok(Side {
        label: text.to_owned(),
        dir: c.dir.clone(),
        commit: Some(c.commit.clone()),
        _checkout: Some(c),
    })
}

/// Loads and analyses one side the way `check` does.
fn state(side: &Side, today: Date) -> anyhow::Result<State> {
    let loaded = load(&side.dir, &LoadOptions::default())
        .with_context(|| format!("cannot load the landscape of `{}`", side.label))?;
    let mut state = State::new(side.label.clone(), side.commit.clone());
    state.add_diagnostics(&loaded.diagnostics, &loaded.sources);
    state.entities = loaded.catalog.len();
    if Counts::of(&loaded.diagnostics).errors > 0 {
        return Ok(state);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let catalog = &loaded.catalog;
    let graph = ImpactGraph::new(catalog);
    let ranking = rank(catalog, &graph, today, threads);
    let found = findings(catalog, &graph, &ranking, &loaded.config, today, threads);
    state.add_analysis(catalog, &loaded.sources, &graph, &ranking, threads);
    state.add_findings(catalog, &loaded.sources, &found);
    const GAP: &str = "register-gap";
    if loaded.config.severity_of(GAP).is_some() {
        for gap in linchpin_dora::gaps::gaps(catalog) {
            if linchpin_engine::findings::allowed(catalog, gap.entity, GAP) {
                continue;
            }
            state.add_gap(
                catalog.entity(gap.entity).entity_ref.to_string(),
                gap.field,
                gap.message,
                Some(Location {
                    file: loaded.sources.path(gap.span.file).to_owned(),
                    line: gap.span.line,
                }),
            );
        }
    }
    // The process ends soon; freeing the catalog and the ranking piece by
    // piece would only delay it.
    std::mem::forget((loaded, graph, ranking, found));
    Ok(state)
}

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    if !args.landscape.is_dir() {
        bail!(
            "the landscape `{}` is not a folder (give it with -C DIR)",
            args.landscape.display()
        );
    }
    let base = side(&args.base, &args.landscape)?;
    let head = match &args.head {
        Some(text) => side(text, &args.landscape)?,
        None => Side {
            label: "working tree".to_owned(),
            dir: args.landscape.clone(),
            commit: None,
            _checkout: None,
        },
    };
    // Both sides at once: each is on all cores only part of its time.
    let (base, head) = std::thread::scope(|scope| {
        let base = scope.spawn(|| state(&base, today));
        let head = state(&head, today);
        (base.join(), head)
    });
    let base = base.map_err(|_| anyhow::anyhow!("the base side's analysis failed"))??;
    let head = head?;
    let diff = compare(&base, &head);
    let text = match args.format {
        DiffFormat::Human => render::human(&diff),
        DiffFormat::Markdown => render::markdown(&diff),
        DiffFormat::Json => {
            let mut t = serde_json::to_string_pretty(&render::json(&diff))?;
            t.push('\n');
            t
        }
    };
    print_stdout(&text)?;
    let gated = args.fail_on.iter().any(|gate| match gate {
        DiffGate::NewLinchpin => diff.count(Kind::NewLinchpin) > 0,
        DiffGate::NewBreach => diff.count(Kind::NewBreach) > 0,
        DiffGate::NewFinding => diff.count(Kind::NewFinding) + diff.count(Kind::NewGap) > 0,
        DiffGate::NewError => diff
            .of_kind(Kind::NewDiagnostic)
            .any(|c| c.after.as_deref() == Some("error")),
    });
    Ok(if gated {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
