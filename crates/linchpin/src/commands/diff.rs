//! `linchpin diff`: what a change of the landscape does to continuity.

use super::analysis::today;
use crate::cli::{DiffArgs, DiffFormat, DiffGate};
use crate::output::print_stdout;
use crate::revision::{checkout, Checkout};
use anyhow::{bail, Context};
use linchpin_diagnostics::Counts;
use linchpin_engine::incremental::rank_after_change;
use linchpin_engine::{findings, rank, ImpactGraph, SupplierRank};
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

/// One side loaded, with its impact graph once it has no errors.
struct Loaded {
    side: Side,
    loaded: linchpin_loader::Loaded,
    graph: Option<ImpactGraph>,
}

fn load_side(side: Side) -> anyhow::Result<Loaded> {
    let loaded = load(&side.dir, &LoadOptions::default())
        .with_context(|| format!("cannot load the landscape of `{}`", side.label))?;
    let graph =
        (Counts::of(&loaded.diagnostics).errors == 0).then(|| ImpactGraph::new(&loaded.catalog));
    Ok(Loaded {
        side,
        loaded,
        graph,
    })
}

/// Analyses one side the way `check` does, with its ranking given.
fn state(side: &Loaded, ranking: Option<&[SupplierRank]>, today: Date, threads: usize) -> State {
    let loaded = &side.loaded;
    let mut state = State::new(side.side.label.clone(), side.side.commit.clone());
    state.add_diagnostics(&loaded.diagnostics, &loaded.sources);
    state.entities = loaded.catalog.len();
    let (Some(graph), Some(ranking)) = (&side.graph, ranking) else {
        return state;
    };
    let catalog = &loaded.catalog;
    let found = findings(catalog, graph, ranking, &loaded.config, today, threads);
    state.add_analysis(catalog, &loaded.sources, graph, ranking, threads);
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
    state
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
    // Both sides loaded at once: each is on all cores only part of its time.
    let (base, head) = std::thread::scope(|scope| {
        let base = scope.spawn(|| load_side(base));
        let head = load_side(head);
        (base.join(), head)
    });
    let base = base.map_err(|_| anyhow::anyhow!("loading the base side failed"))??;
    let head = head?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let base_ranking = base
        .graph
        .as_ref()
        .map(|g| rank(&base.loaded.catalog, g, today, threads));
    // The head's ranking propagates only the suppliers the change can
    // reach; every other supplier's reach is the base's (docs/diff.md).
    let head_ranking = match (&head.graph, &base.graph, &base_ranking) {
        (Some(hg), Some(bg), Some(base_ranking)) => Some(rank_after_change(
            &base.loaded.catalog,
            bg,
            base_ranking,
            &head.loaded.catalog,
            hg,
            today,
            threads,
        )),
        (Some(hg), _, _) => Some(rank(&head.loaded.catalog, hg, today, threads)),
        _ => None,
    };
    let (base_state, head_state) = std::thread::scope(|scope| {
        let b = scope.spawn(|| state(&base, base_ranking.as_deref(), today, threads));
        let h = state(&head, head_ranking.as_deref(), today, threads);
        (b.join(), h)
    });
    let base_state = base_state.map_err(|_| anyhow::anyhow!("the base side's analysis failed"))?;
    // The process ends soon; freeing the catalogs and rankings piece by
    // piece would only delay it.
    let diff = compare(&base_state, &head_state);
    std::mem::forget((
        base,
        head,
        base_ranking,
        head_ranking,
        base_state,
        head_state,
    ));
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
