//! `linchpin risk`: continuity risk in money and probability (docs/risk.md).

use super::analysis::{load_for_analysis, today};
use crate::cli::{RiskArgs, TableFormat};
use crate::output::print_stdout;
use linchpin_diagnostics::Diagnostic;
use linchpin_engine::risk::{assess, has_data, Settings};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: &RiskArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    let analysis = match load_for_analysis(&args.dir)? {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let loaded = &analysis.loaded;
    let catalog = &loaded.catalog;
    let risk = &loaded.config.risk;
    if !has_data(catalog) {
        let text = format!(
            "error: `{}` has nothing to price: `linchpin risk` needs a `cost` on at least one business function and `failures` on at least one supplier\n\
             hint: docs/risk.md shows both; `linchpin risk examples/webshop` runs on the example landscape\n",
            args.dir.display()
        );
        let _ = std::io::stderr().write_all(text.as_bytes());
        return Ok(ExitCode::from(2));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let settings = Settings {
        samples: args.samples,
        years: args.years,
        seed: args.seed,
        threads,
        detail: args.detail.min(args.samples),
    };
    if args.actions && risk.actions.is_empty() {
        let text = "error: --actions weighs the `[[risk.action]]` entries of linchpin.toml, and there are none\nhint: docs/risk.md, \"Actions\", shows how to write one\n";
        let _ = std::io::stderr().write_all(text.as_bytes());
        return Ok(ExitCode::from(2));
    }
    let actions = args.actions.then_some(risk.actions.as_slice());
    let assessment = match assess(catalog, &analysis.graph, actions, &settings, today) {
        Ok(a) => a,
        Err(problems) => {
            let diagnostics: Vec<Diagnostic> = problems
                .into_iter()
                .map(|p| Diagnostic::at("config-invalid", p.span, p.message))
                .collect();
            let text = linchpin_diagnostics::render_errors(&diagnostics, &loaded.sources);
            let _ = std::io::stderr().write_all(text.as_bytes());
            return Ok(ExitCode::from(1));
        }
    };
    let currency = risk.currency.as_deref();
    let text = match args.format {
        TableFormat::Human => {
            linchpin_report::risk::human(catalog, &assessment, currency, &risk.actions)
        }
        TableFormat::Json => {
            let mut t = serde_json::to_string_pretty(&linchpin_report::risk::to_json(
                catalog,
                &assessment,
                currency,
                &risk.actions,
            ))?;
            t.push('\n');
            t
        }
        TableFormat::Csv => linchpin_report::risk::csv(catalog, &assessment, &risk.actions),
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
