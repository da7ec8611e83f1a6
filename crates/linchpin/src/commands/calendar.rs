//! `linchpin calendar`: the continuity deadlines as an iCalendar file.

use super::analysis::{load_valid, resolve_ref, today};
use crate::cli::CalendarArgs;
use crate::output::{print_stdout, write_atomic};
use anyhow::{bail, Context};
use linchpin_model::Spec;
use linchpin_report::calendar::{ics, CalendarOptions};
use std::process::ExitCode;

pub fn run(args: &CalendarArgs) -> anyhow::Result<ExitCode> {
    let today = today(args.today.as_deref())?;
    let loaded = match load_valid(&args.dir)? {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let catalog = &loaded.catalog;
    let team = match &args.team {
        Some(text) => {
            let id = resolve_ref(catalog, text)?;
            if !matches!(catalog.entity(id).spec, Spec::Group(_)) {
                bail!(
                    "`{}` is not a Group; --team takes the Group that owns suppliers",
                    catalog.entity(id).entity_ref
                );
            }
            Some(id)
        }
        None => None,
    };
    let items = linchpin_report::timeline(catalog, &loaded.config, today);
    let text = ics(
        catalog,
        &items,
        &CalendarOptions {
            team,
            base_url: args.base_url.as_deref(),
            stamp: today,
        },
    );
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomic(path, &text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            let events = text.matches("BEGIN:VEVENT").count();
            print_stdout(&format!(
                "wrote {} ({events} deadline{})\n",
                path.display(),
                if events == 1 { "" } else { "s" }
            ))?;
        }
        _ => print_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
