//! What the analysis commands share: loading a landscape that must be free
//! of errors, resolving refs typed by a person, today's date, and JSON for
//! durations.

use anyhow::Context;
use linchpin_diagnostics::{render_errors, Counts};
use linchpin_engine::ImpactGraph;
use linchpin_loader::{load, LoadOptions, Loaded};
use linchpin_model::{Catalog, Date, EntityId};
use std::io::Write;
use std::path::Path;

/// A landscape ready for analysis.
pub struct Analysis {
    pub loaded: Loaded,
    pub graph: ImpactGraph,
}

/// Loads the landscape; refuses (exit 1) when it has errors, since an
/// analysis of a broken map would mislead.
pub fn load_for_analysis(dir: &Path) -> anyhow::Result<Result<Analysis, std::process::ExitCode>> {
    Ok(load_valid(dir)?.map(|loaded| {
        warn_if_nothing_to_analyse(&loaded.catalog, dir);
        let graph = ImpactGraph::new(&loaded.catalog);
        Analysis { loaded, graph }
    }))
}

/// Says so (on stderr; the exit code stays) when a landscape has no
/// business function or no supplier: every analysis of it is empty, and a
/// new user should learn why rather than read an empty report.
pub fn warn_if_nothing_to_analyse(catalog: &Catalog, dir: &Path) {
    use linchpin_model::Spec;
    let count = |is: fn(&Spec) -> bool| catalog.entities().iter().filter(|e| is(&e.spec)).count();
    let functions = count(|s| matches!(s, Spec::BusinessFunction(_)));
    let suppliers = count(|s| matches!(s, Spec::Supplier(_)));
    if functions > 0 && suppliers > 0 {
        return;
    }
    let missing = match (functions, suppliers) {
        (0, 0) => "no business functions and no suppliers",
        (0, _) => "no business functions",
        _ => "no suppliers",
    };
    let text = format!(
        "warning: `{}` has {missing} ({} entities in all): what a supplier's failure stops cannot be worked out, so the analysis is empty\n\
         hint: `linchpin init {}` proposes them from a Backstage catalog and the code beside it (docs/init.md); or describe what the business does (kind: BusinessFunction), the Suppliers it relies on, and what depends on them — docs/model.md; `linchpin check examples/webshop` shows a complete landscape\n",
        dir.display(),
        dir.display(),
        catalog.len()
    );
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Loads a landscape that must be free of errors, without building the
/// impact graph (for commands that do not propagate failures).
pub fn load_valid(dir: &Path) -> anyhow::Result<Result<Loaded, std::process::ExitCode>> {
    let mut loaded = load(dir, &LoadOptions::default()).context("cannot analyse the landscape")?;
    loaded.sources.set_display_base(&display_base(dir));
    let counts = Counts::of(&loaded.diagnostics);
    if counts.errors > 0 {
        let mut text = render_errors(&loaded.diagnostics, &loaded.sources);
        text.push_str(&format!(
            "error: the landscape has {} error{}; fix them first (`linchpin check {}` lists every problem)\n",
            counts.errors,
            if counts.errors == 1 { "" } else { "s" },
            dir.display()
        ));
        let _ = std::io::stderr().write_all(text.as_bytes());
        return Ok(Err(std::process::ExitCode::from(1)));
    }
    Ok(Ok(loaded))
}

/// The landscape folder as typed, for paths a terminal can open: the
/// folder itself, or a single file's folder.
pub fn display_base(dir: &Path) -> String {
    let folder = if dir.is_dir() {
        dir
    } else {
        dir.parent().unwrap_or(Path::new(""))
    };
    folder.to_string_lossy().replace('\\', "/")
}

/// Today's date, or the one given with `--today`.
#[allow(clippy::disallowed_methods)] // the binary is where the clock is read
pub fn today(given: Option<&str>) -> anyhow::Result<Date> {
    if let Some(text) = given {
        return Date::parse(text).map_err(|e| anyhow::anyhow!("invalid --today `{text}`: {e}"));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    let epoch = Date::from_ymd(1970, 1, 1).expect("a real date");
    Ok(epoch.add_days((secs / 86_400) as i32))
}

/// Resolves a ref typed on the command line (see [`Catalog::resolve`]).
pub fn resolve_ref(catalog: &Catalog, text: &str) -> anyhow::Result<EntityId> {
    catalog.resolve(text).map_err(anyhow::Error::msg)
}

/// The failure that `--fail`, `--duration` and `--permanent` describe.
pub fn failure_spec(
    catalog: &Catalog,
    fail: &[String],
    duration: Option<&str>,
    permanent: bool,
) -> anyhow::Result<linchpin_engine::FailureSpec> {
    let fail = fail
        .iter()
        .map(|r| resolve_ref(catalog, r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let duration = duration
        .map(|d| {
            linchpin_model::Duration::parse(d)
                .map_err(|e| anyhow::anyhow!("invalid --duration `{d}`: {e}"))
        })
        .transpose()?;
    let mode = if permanent {
        linchpin_model::FailureMode::Permanent
    } else {
        linchpin_model::FailureMode::Outage
    };
    Ok(linchpin_engine::FailureSpec {
        fail,
        mode,
        duration,
    })
}

pub use linchpin_report::contract::ref_of;
