//! `linchpin export dora-roi [DIR]`.

use crate::cli::{ConsolidationArg, ExportDoraArgs, Format};
use crate::commands::analysis::load_valid;
use crate::output::{print_stdout, write_atomic_bytes};
use anyhow::{bail, Context};
use linchpin_diagnostics::SourceMap;
use linchpin_dora::export::{Consolidation, Gap, Options, Origin, Register};
use linchpin_dora::gaps::export_with_gaps;
use linchpin_dora::validate::{validate, Problem, Severity};
use linchpin_model::{Catalog, Date};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn dora(args: &ExportDoraArgs) -> anyhow::Result<ExitCode> {
    let reference_date = Date::parse(&args.reference_date)
        .map_err(|e| anyhow::anyhow!("invalid --reference-date `{}`: {e}", args.reference_date))?;
    let created = match &args.timestamp {
        Some(t) if t.len() == 17 && t.bytes().all(|b| b.is_ascii_digit()) => t.clone(),
        Some(t) => bail!("invalid --timestamp `{t}`: write yyyyMMddHHmmssSSS (17 digits)"),
        None => now_stamp()?,
    };
    let loaded = match load_valid(&args.dir)? {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let catalog = &loaded.catalog;
    let sources = &loaded.sources;
    let options = Options {
        reference_date,
        consolidation: match args.consolidation {
            ConsolidationArg::Con => Consolidation::Consolidated,
            ConsolidationArg::Ind => Consolidation::Individual,
        },
        created,
    };
    let (register, gaps) = export_with_gaps(catalog, &options).map_err(anyhow::Error::msg)?;
    let problems = validate(&register.package);
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let valid = errors == 0 && gaps.is_empty();

    let target = target_path(&args.output, &register.package.name);
    let written = if valid || args.allow_invalid {
        let bytes =
            linchpin_dora::package::to_zip(&register.package).map_err(anyhow::Error::msg)?;
        write_atomic_bytes(&target, &bytes)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        Some(target)
    } else {
        None
    };
    let report = Report {
        catalog,
        sources,
        register: &register,
        gaps: &gaps,
        problems: &problems,
        errors,
        warnings,
        written: written.as_deref(),
    };
    let text = match args.format {
        Format::Json => report.json()?,
        Format::Human => report.human(args.limit),
    };
    print_stdout(&text)?;
    Ok(if valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A folder gets the package's own name; a `.zip` path is used as it is.
fn target_path(output: &Path, name: &str) -> PathBuf {
    let is_zip = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        output.to_path_buf()
    } else {
        output.join(format!("{name}.zip"))
    }
}

/// Now as `yyyyMMddHHmmssSSS` (UTC).
#[allow(clippy::disallowed_methods)] // the binary is where the clock is read
fn now_stamp() -> anyhow::Result<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    let secs = now.as_secs();
    let epoch = Date::from_ymd(1970, 1, 1).expect("a real date");
    let (y, m, d) = epoch.add_days((secs / 86_400) as i32).ymd();
    let rest = secs % 86_400;
    Ok(format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}{:03}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        now.subsec_millis()
    ))
}

struct Report<'a> {
    catalog: &'a Catalog,
    sources: &'a SourceMap,
    register: &'a Register,
    gaps: &'a [Gap],
    problems: &'a [Problem],
    errors: usize,
    warnings: usize,
    written: Option<&'a Path>,
}

impl Report<'_> {
    fn origin(&self, p: &Problem) -> Option<Origin> {
        let line = p.line?;
        self.register.origins.get(&(p.file.clone(), line)).copied()
    }

    fn place(&self, origin: Origin) -> String {
        format!(
            "{} at {}:{}",
            self.catalog.entity(origin.entity).entity_ref,
            self.sources.path(origin.span.file),
            origin.span.line
        )
    }

    fn rows(&self) -> usize {
        self.register.origins.len()
    }

    fn human(&self, limit: usize) -> String {
        let mut out = String::new();
        for g in self
            .gaps
            .iter()
            .take(if limit == 0 { usize::MAX } else { limit * 5 })
        {
            let _ = writeln!(
                out,
                "error[register-gap] {}:{}: {} ({})",
                self.sources.path(g.span.file),
                g.span.line,
                g.message,
                self.catalog.entity(g.entity).entity_ref
            );
        }
        if limit != 0 && self.gaps.len() > limit * 5 {
            let _ = writeln!(
                out,
                "… and {} more register gaps (--limit 0 shows all)",
                self.gaps.len() - limit * 5
            );
        }
        super::validate::problem_lines(&mut out, self.problems, limit, &|p| {
            self.origin(p).map(|o| self.place(o))
        });
        let name = &self.register.package.name;
        let valid = self.errors == 0 && self.gaps.is_empty();
        match (valid, self.written) {
            (true, Some(path)) => {
                let _ = writeln!(
                    out,
                    "wrote {} ({} rows in 15 templates): passes the offline intake checks",
                    path.display(),
                    self.rows()
                );
            }
            (false, Some(path)) => {
                let _ = writeln!(
                    out,
                    "WROTE AN INVALID REGISTER to {} (--allow-invalid): {} register gaps, {} errors, {} warnings — a supervisor would reject it",
                    path.display(),
                    self.gaps.len(),
                    self.errors,
                    self.warnings
                );
            }
            (_, None) => {
                let _ = writeln!(
                    out,
                    "{name}: not written — {} register gaps, {} errors, {} warnings; fix the landscape where each points (or --allow-invalid to write it anyway)",
                    self.gaps.len(),
                    self.errors,
                    self.warnings
                );
            }
        }
        let _ = writeln!(
            out,
            "  not checked offline: whether each LEI is registered and live at GLEIF"
        );
        out
    }

    fn json(&self) -> anyhow::Result<String> {
        let gaps: Vec<_> = self
            .gaps
            .iter()
            .map(|g| {
                serde_json::json!({
                    "entity": self.catalog.entity(g.entity).entity_ref.to_string(),
                    "file": self.sources.path(g.span.file).to_string(),
                    "line": g.span.line,
                    "field": g.field,
                    "message": g.message,
                })
            })
            .collect();
        let problems: Vec<_> = self
            .problems
            .iter()
            .map(|p| {
                let origin = self.origin(p).map(|o| {
                    serde_json::json!({
                        "entity": self.catalog.entity(o.entity).entity_ref.to_string(),
                        "file": self.sources.path(o.span.file).to_string(),
                        "line": o.span.line,
                    })
                });
                serde_json::json!({
                    "severity": match p.severity { Severity::Error => "error", Severity::Warning => "warning" },
                    "rule": p.rule,
                    "file": p.file,
                    "line": p.line,
                    "column": p.column,
                    "message": p.message,
                    "origin": origin,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "package": self.register.package.name,
            "written": self.written.map(|p| p.display().to_string()),
            "valid": self.errors == 0 && self.gaps.is_empty(),
            "rows": self.rows(),
            "gaps": gaps,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": problems,
        });
        Ok(serde_json::to_string_pretty(&doc)? + "\n")
    }
}
