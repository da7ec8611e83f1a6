//! `linchpin graph`: the dependency picture.

use super::analysis::{failure_spec, load_for_analysis, resolve_ref};
use crate::cli::{GraphArgs, GraphFormat};
use crate::output::{print_stdout, write_atomic};
use anyhow::Context;
use linchpin_engine::whatif::failure_duration;
use linchpin_engine::{rank, Propagator};
use linchpin_model::Date;
use linchpin_report::graph::{dot, focus_view, mermaid_view, overview, statuses, svg_document};
use std::process::ExitCode;

pub fn run(args: &GraphArgs) -> anyhow::Result<ExitCode> {
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let catalog = &analysis.loaded.catalog;
    let graph = &analysis.graph;
    let propagator = if args.fail.is_empty() {
        None
    } else {
        let spec = failure_spec(
            catalog,
            &args.fail,
            args.duration.as_deref(),
            args.permanent,
        )?;
        let failures: Vec<(u32, linchpin_engine::Dur)> = spec
            .fail
            .iter()
            .map(|&id| (id.0, failure_duration(catalog, id, &spec).0))
            .collect();
        let mut p = Propagator::new(graph);
        p.run(graph, &failures);
        Some(p)
    };
    let status = statuses(propagator.as_ref());
    let view = match &args.focus {
        Some(f) => {
            let focus = resolve_ref(catalog, f)?;
            focus_view(
                catalog,
                graph,
                focus,
                args.depth,
                args.max_nodes.max(1),
                &status,
            )
        }
        None => {
            // The overview ranks suppliers; readiness plays no part in it.
            let epoch = Date::from_ymd(1970, 1, 1).expect("a real date");
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let ranking = rank(catalog, graph, epoch, threads);
            let half = (args.max_nodes / 2).max(1);
            overview(catalog, &ranking, half, half, &status)
        }
    };
    let text = match args.format {
        GraphFormat::Svg => svg_document(&view, catalog),
        GraphFormat::Dot => dot(&view, catalog),
        GraphFormat::Mermaid => mermaid_view(&view, catalog),
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomic(path, &text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            let omitted = view.picture.omitted;
            print_stdout(&format!(
                "wrote {} ({} entities{})\n",
                path.display(),
                view.picture.nodes.len(),
                if omitted > 0 {
                    format!(", {omitted} more not drawn: narrow with --focus / --depth")
                } else {
                    String::new()
                }
            ))?;
        }
        _ => print_stdout(&text)?,
    }
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}
