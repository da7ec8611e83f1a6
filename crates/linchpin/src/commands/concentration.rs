//! `linchpin concentration`.

use super::analysis::{load_for_analysis, ref_of};
use crate::cli::{AnalysisArgs, Format};
use crate::output::print_stdout;
use linchpin_engine::concentration::Reach;
use linchpin_engine::{concentration, Concentration};
use linchpin_model::{Catalog, EntityId};
use serde_json::{json, Value};
use std::process::ExitCode;

pub fn run(args: &AnalysisArgs) -> anyhow::Result<ExitCode> {
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let catalog = &analysis.loaded.catalog;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let result = concentration(catalog, &analysis.graph, threads);
    let text = match args.format {
        Format::Human => human(catalog, &result),
        Format::Json => {
            let mut t = serde_json::to_string_pretty(&to_json(catalog, &result))?;
            t.push('\n');
            t
        }
    };
    print_stdout(&text)?;
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}

fn names(catalog: &Catalog, ids: &[EntityId]) -> String {
    ids.iter()
        .map(|&id| catalog.entity(id).entity_ref.name.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn human(catalog: &Catalog, c: &Concentration) -> String {
    let mut out = format!(
        "Share of the {} critical and important functions each supplier can stop or degrade\n(direct: without passing through another supplier; hidden: only through fourth parties)\n\n",
        c.functions
    );
    out.push_str("  supplier             country  share  direct  hidden through fourth parties\n");
    for s in &c.suppliers {
        let hidden = if s.reach.hidden.is_empty() {
            "-".to_owned()
        } else {
            names(catalog, &s.reach.hidden)
        };
        out.push_str(&format!(
            "  {:<20} {:<7} {:>6} {:>7}  {}\n",
            catalog.entity(s.id).entity_ref.name,
            s.country.as_deref().unwrap_or("?"),
            percent(s.reach.share),
            percent(s.reach.direct_share),
            hidden
        ));
    }
    out.push_str("\nBy headquarters country (all its suppliers failing together)\n\n  country  suppliers  share  direct  hidden through suppliers elsewhere\n");
    for country in &c.countries {
        let hidden = if country.reach.hidden.is_empty() {
            "-".to_owned()
        } else {
            names(catalog, &country.reach.hidden)
        };
        out.push_str(&format!(
            "  {:<7} {:>10} {:>6} {:>7}  {}\n",
            country.country,
            country.suppliers.len(),
            percent(country.reach.share),
            percent(country.reach.direct_share),
            hidden
        ));
    }
    let hidden: Vec<&str> = c
        .suppliers
        .iter()
        .filter(|s| !s.reach.hidden.is_empty())
        .map(|s| catalog.entity(s.id).entity_ref.name.as_str())
        .collect();
    if !hidden.is_empty() {
        out.push_str(&format!(
            "\nHidden concentration: {} reach functions only through other suppliers.\n",
            hidden.join(", ")
        ));
    }
    out
}

fn reach_json(catalog: &Catalog, r: &Reach) -> Value {
    let refs = |ids: &[EntityId]| {
        ids.iter()
            .map(|&id| ref_of(catalog, id))
            .collect::<Vec<_>>()
    };
    json!({
        "share": (r.share * 1000.0).round() / 1000.0,
        "directShare": (r.direct_share * 1000.0).round() / 1000.0,
        "affects": refs(&r.affected),
        "stops": refs(&r.stops),
        "direct": refs(&r.direct),
        "hidden": refs(&r.hidden),
    })
}

fn to_json(catalog: &Catalog, c: &Concentration) -> Value {
    json!({
        "functions": c.functions,
        "suppliers": c.suppliers.iter().map(|s| json!({
            "ref": ref_of(catalog, s.id),
            "country": s.country,
            "reach": reach_json(catalog, &s.reach),
        })).collect::<Vec<_>>(),
        "countries": c.countries.iter().map(|k| json!({
            "country": k.country,
            "suppliers": k.suppliers.iter().map(|&id| ref_of(catalog, id)).collect::<Vec<_>>(),
            "reach": reach_json(catalog, &k.reach),
        })).collect::<Vec<_>>(),
    })
}
