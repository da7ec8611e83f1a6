//! `linchpin init`: a first landscape proposed from a Backstage catalog.

use crate::cli::{InitArgs, InitFormat};
use crate::output::{print_stdout, write_new};
use anyhow::{bail, Context};
use linchpin_diagnostics::Severity;
use linchpin_discover::catalog::VendorCatalog;
use linchpin_discover::init::{
    propose, CodeRoot, Proposal, GUESSED_CRITICALITY, GUESSED_TOLERANCE,
};
use linchpin_discover::scan::{scan, ScanOptions};
use linchpin_loader::{load, LoadOptions};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the proposal goes, inside the catalog's folder.
const FOLDER: &str = "linchpin";

/// What happened to one proposed file.
enum Outcome {
    Written,
    WouldWrite,
    /// A file of that name is there already (not ours to replace).
    Exists,
}

pub fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    if !args.dir.exists() {
        bail!("cannot read `{}`: it does not exist", args.dir.display());
    }
    let loaded = load(&args.dir, &LoadOptions::default()).context("cannot read the catalog")?;
    let root = loaded.root.clone();
    let mut catalog = VendorCatalog::builtin()
        .map_err(|e| anyhow::anyhow!("the vendor catalog is broken: {e}"))?;
    catalog.extend_from(&loaded.catalog);
    let progress = std::sync::Arc::new(linchpin_discover::scan::Progress::default());
    let options = ScanOptions {
        progress: Some(progress.clone()),
        ..ScanOptions::default()
    };
    let mut roots = vec![CodeRoot {
        prefix: String::new(),
        path: root.clone(),
    }];
    for p in &args.code {
        let path = p
            .canonicalize()
            .with_context(|| format!("cannot read the code in `{}`", p.display()))?;
        // Inside the catalog's folder: read with it already.
        if path.starts_with(&root) || roots.iter().any(|r| r.path == path) {
            continue;
        }
        let prefix = p.display().to_string().trim_end_matches('/').to_owned();
        roots.push(CodeRoot { prefix, path });
    }
    let mut evidence = Vec::new();
    let mut scanned = 0;
    for r in &roots {
        let result = crate::output::with_progress(&progress, || {
            scan(std::slice::from_ref(&r.path), &catalog, &options)
        });
        scanned += result.files;
        for mut e in result.evidence {
            if !r.prefix.is_empty() {
                // A folder of code that holds the catalog: its files were
                // read as the catalog's.
                if r.path.join(&e.file).starts_with(&root) {
                    continue;
                }
                e.file = format!("{}/{}", r.prefix, e.file);
            }
            evidence.push(e);
        }
    }
    catalog.add_unknown_publishers(&evidence);
    let proposal = propose(&loaded, &evidence, &roots, &catalog);

    let out_dir = root.join(FOLDER);
    refuse_links_out(&root, &out_dir)?;
    let mut files: Vec<(String, String, Outcome)> = Vec::new();
    for (name, text) in proposal
        .functions
        .iter()
        .map(|f| (f.file_name(), f.yaml()))
        .chain(proposal.suppliers.iter().map(|s| (s.file_name(), s.yaml())))
    {
        let path = out_dir.join(&name);
        let outcome = if path.exists() {
            Outcome::Exists
        } else if args.dry_run {
            Outcome::WouldWrite
        } else {
            write(&path, &text)?
        };
        files.push((format!("{FOLDER}/{name}"), text, outcome));
    }

    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let text = match args.format {
        InitFormat::Human => human(&args.dir, &loaded, &proposal, &files, errors, scanned),
        InitFormat::Json => {
            let mut t = serde_json::to_string_pretty(&json_output(&loaded, &proposal, &files))?;
            t.push('\n');
            t
        }
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A catalog is someone else's files: a `linchpin` link (or `functions`,
/// `suppliers` under it) leading out of the catalog's folder would make
/// `init` write wherever it points.
fn refuse_links_out(root: &Path, out_dir: &Path) -> anyhow::Result<()> {
    for dir in [
        out_dir.to_path_buf(),
        out_dir.join("functions"),
        out_dir.join("suppliers"),
    ] {
        if let Ok(real) = dir.canonicalize() {
            if !real.starts_with(root) {
                bail!(
                    "`{}` leads outside the catalog's folder (to `{}`); init writes only inside it — remove the link or run init on the folder it points into",
                    dir.display(),
                    real.display()
                );
            }
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> anyhow::Result<Outcome> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    match write_new(path, text) {
        Ok(()) => Ok(Outcome::Written),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Outcome::Exists),
        Err(e) => Err(e).with_context(|| format!("cannot write `{}`", path.display())),
    }
}

fn shown(dir: &Path, rel: &str) -> String {
    let base: PathBuf = if dir.is_file() {
        dir.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        dir.to_path_buf()
    };
    let base = base.display().to_string();
    let base = base.trim_end_matches('/');
    if base.is_empty() || base == "." {
        rel.to_owned()
    } else {
        format!("{base}/{rel}")
    }
}

fn human(
    dir: &Path,
    loaded: &linchpin_loader::Loaded,
    p: &Proposal,
    files: &[(String, String, Outcome)],
    errors: usize,
    scanned: usize,
) -> String {
    let c = &loaded.catalog;
    let name = |id: linchpin_model::EntityId| c.entity(id).entity_ref.to_string();
    let mut out = format!(
        "Read {} entities of the catalog, and {scanned} files for evidence of third parties.\n",
        c.len()
    );
    if errors > 0 {
        out.push_str(&format!(
            "warning: the catalog has {errors} error{} (`linchpin check {}` shows them): what they hide is not proposed\n",
            if errors == 1 { "" } else { "s" },
            dir.display()
        ));
    }
    if p.functions.is_empty() && p.suppliers.is_empty() {
        out.push_str("\nNothing new to propose: ");
        out.push_str(if p.declared.is_empty() {
            "no System and no third party found.\n"
        } else {
            "every third party found is declared already.\n"
        });
    }
    if !p.functions.is_empty() {
        out.push_str(&format!(
            "\n{} business function{} (criticality {GUESSED_CRITICALITY}, tolerable downtime {GUESSED_TOLERANCE}: guesses):\n",
            p.functions.len(),
            if p.functions.len() == 1 { "" } else { "s" }
        ));
        for f in &p.functions {
            out.push_str(&format!(
                "  {}  ← {}\n",
                f.entity_ref(),
                f.depends_on.join(", ")
            ));
        }
    }
    if !p.suppliers.is_empty() {
        out.push_str(&format!(
            "\n{} supplier{}:\n",
            p.suppliers.len(),
            if p.suppliers.len() == 1 { "" } else { "s" }
        ));
        for s in &p.suppliers {
            let mut what = Vec::new();
            if !s.dependency_of.is_empty() {
                what.push(format!("stops {}", s.dependency_of.join(", ")));
            }
            if !s.degrades.is_empty() {
                what.push(format!("degrades {}", s.degrades.join(", ")));
            }
            if what.is_empty() && s.seen_at.is_empty() {
                what.push("NOT CONNECTED: no component's code holds it".to_owned());
            } else if what.is_empty() {
                what.push(format!(
                    "NOT CONNECTED: tooling of {}, in no System with a proposed function",
                    shorten(&s.seen_at, 3)
                ));
            }
            out.push_str(&format!(
                "  {} ({}, {} sign{}) — {}\n",
                s.vendor.id,
                s.vendor.name,
                s.signs.len(),
                if s.signs.len() == 1 { "" } else { "s" },
                what.join("; ")
            ));
        }
    }
    if !p.declared.is_empty() {
        out.push_str(&format!(
            "\nAlready declared: {}\n",
            p.declared
                .iter()
                .map(|(_, s)| name(*s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !p.outside_systems.is_empty() {
        out.push_str(&format!(
            "\nIn no System, so no proposed function reaches them: {}\n",
            p.outside_systems
                .iter()
                .map(|&c| name(c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !p.weak.is_empty() {
        out.push_str(&format!(
            "\nSeen once, outside any component's code (a link, say), not proposed: {} — `linchpin discover {} --min-confidence low` shows where\n",
            p.weak.join(", "),
            dir.display()
        ));
    }
    if !files.is_empty() {
        out.push('\n');
        for (path, _, outcome) in files {
            let verb = match outcome {
                Outcome::Written => "wrote",
                Outcome::WouldWrite => "would write",
                Outcome::Exists => "kept (a file of that name is there)",
            };
            out.push_str(&format!("{verb} {}\n", shown(dir, path)));
        }
        for (path, text, outcome) in files {
            if let Outcome::WouldWrite = outcome {
                out.push_str(&format!("\n--- {} ---\n{text}", shown(dir, path)));
            }
        }
        out.push_str(&format!(
            "\nNext, in each file marked `linchpin.dev/guess` (`linchpin check {}` lists them as unconfirmed-guess):\n\
             - each function: its criticality, its maxTolerableDowntime, its owner, and what it really depends on;\n\
             - each supplier: its relationship owner, its type and country, and whether what depends on it stops or only degrades;\n\
             then delete the annotation. Their other findings (statements, exit plans) appear once confirmed.\n",
            dir.display()
        ));
    }
    out
}

/// The first `n` items, and how many more.
fn shorten(items: &[String], n: usize) -> String {
    let mut out = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        out.push_str(&format!(" and {} more", items.len() - n));
    }
    out
}

fn json_output(
    loaded: &linchpin_loader::Loaded,
    p: &Proposal,
    files: &[(String, String, Outcome)],
) -> serde_json::Value {
    let c = &loaded.catalog;
    let name = |id: linchpin_model::EntityId| c.entity(id).entity_ref.to_string();
    let outcome = |path: &str| {
        files
            .iter()
            .find(|(f, _, _)| f == path)
            .map(|(_, _, o)| match o {
                Outcome::Written => "written",
                Outcome::WouldWrite => "dry-run",
                Outcome::Exists => "exists",
            })
    };
    json!({
        "functions": p.functions.iter().map(|f| json!({
            "ref": f.entity_ref(),
            "file": format!("{FOLDER}/{}", f.file_name()),
            "outcome": outcome(&format!("{FOLDER}/{}", f.file_name())),
            "dependsOn": f.depends_on,
            "degradedBy": f.degraded.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            "owner": f.owner,
            "guess": f.guess,
        })).collect::<Vec<_>>(),
        "suppliers": p.suppliers.iter().map(|s| json!({
            "ref": s.entity_ref(),
            "vendor": s.vendor.id,
            "name": s.vendor.name,
            "file": format!("{FOLDER}/{}", s.file_name()),
            "outcome": outcome(&format!("{FOLDER}/{}", s.file_name())),
            "dependencyOf": s.dependency_of,
            "degrades": s.degrades,
            "seenAt": s.seen_at,
            "evidence": s.signs.iter().map(|e| json!({ "file": e.file, "line": e.line, "what": e.what })).collect::<Vec<_>>(),
            "guess": s.guess,
        })).collect::<Vec<_>>(),
        "declared": p.declared.iter().map(|(v, s)| json!({ "vendor": v, "supplier": name(*s) })).collect::<Vec<_>>(),
        "outsideSystems": p.outside_systems.iter().map(|&c| name(c)).collect::<Vec<_>>(),
        "notProposed": p.weak,
    })
}
