//! `linchpin cutsets`.

use super::analysis::{load_for_analysis, ref_of};
use crate::cli::{CutsetArgs, Format};
use crate::output::print_stdout;
use linchpin_engine::cut_sets;
use serde_json::json;
use std::process::ExitCode;

pub fn run(args: &CutsetArgs) -> anyhow::Result<ExitCode> {
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let catalog = &analysis.loaded.catalog;
    let result = cut_sets(catalog, &analysis.graph, args.max_size as usize);
    let text = match args.format {
        Format::Human => {
            let mut out = format!(
                "Minimal sets of up to {} suppliers whose joint failure stops each critical function\n",
                args.max_size
            );
            for f in &result {
                out.push_str(&format!(
                    "\n{} (depends on {} suppliers)\n",
                    catalog.entity(f.function).display_name(),
                    f.candidates
                ));
                if f.sets.is_empty() {
                    out.push_str("  no set of this size stops it\n");
                }
                for set in &f.sets {
                    let names: Vec<String> = set
                        .iter()
                        .map(|&id| catalog.entity(id).entity_ref.name.to_string())
                        .collect();
                    let label = if set.len() == 1 { "alone" } else { "together" };
                    out.push_str(&format!("  {:<9} {}\n", label, names.join(" + ")));
                }
            }
            out
        }
        Format::Json => {
            let doc = json!({
                "maxSize": args.max_size,
                "functions": result.iter().map(|f| json!({
                    "ref": ref_of(catalog, f.function),
                    "candidates": f.candidates,
                    "cutSets": f.sets.iter().map(|s| s.iter().map(|&id| ref_of(catalog, id)).collect::<Vec<_>>()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            let mut t = serde_json::to_string_pretty(&doc)?;
            t.push('\n');
            t
        }
    };
    print_stdout(&text)?;
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}
