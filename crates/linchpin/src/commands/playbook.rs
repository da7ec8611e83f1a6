//! `linchpin playbook SUPPLIER`.

use super::analysis::{load_for_analysis, resolve_ref, today};
use crate::cli::{PlaybookArgs, PlaybookFormat};
use crate::output::{print_stdout, write_atomic};
use anyhow::{bail, Context};
use linchpin_engine::{findings, rank, Propagator};
use linchpin_report::playbook::{playbook_html, playbook_markdown, Playbook};
use std::process::ExitCode;

pub fn run(args: &PlaybookArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    // `linchpin playbook examples/webshop stripe`: the arguments swapped.
    if !args.dir.exists() && std::path::Path::new(&args.supplier).is_dir() {
        bail!(
            "`{}` is not a folder, and `{}` is: the supplier comes first — `linchpin playbook {} {}`",
            args.dir.display(),
            args.supplier,
            args.dir.display(),
            args.supplier
        );
    }
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let catalog = &analysis.loaded.catalog;
    let graph = &analysis.graph;
    let id = resolve_ref(catalog, &args.supplier)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ranking = rank(catalog, graph, today, threads);
    let Some(entry) = ranking.iter().find(|r| r.id == id) else {
        bail!(
            "`{}` is not a supplier; a playbook is written for a Supplier entity",
            catalog.entity(id).entity_ref
        );
    };
    let found = findings(
        catalog,
        graph,
        &ranking,
        &analysis.loaded.config,
        today,
        threads,
    );
    let mut propagator = Propagator::new(graph);
    let playbook = Playbook::build(catalog, graph, &mut propagator, entry, &found);
    let text = match args.format {
        PlaybookFormat::Markdown => playbook_markdown(&playbook, catalog),
        PlaybookFormat::Html => playbook_html(&playbook, catalog),
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomic(path, &text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            print_stdout(&format!("wrote {}\n", path.display()))?;
        }
        _ => print_stdout(&text)?,
    }
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}
