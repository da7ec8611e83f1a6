//! One loaded version of the landscape with every analysis the pages and
//! the API show, built once per version and then shared read-only.

use linchpin_diagnostics::{render_errors, Counts};
use linchpin_engine::incremental::{concentration_after_change, rank_after_change};
use linchpin_engine::{rank, Finding, ImpactGraph, SupplierRank};
use linchpin_loader::{load, load_reusing, FileCache, LoadOptions, Loaded};
use linchpin_model::{Date, EntityId, Kind};
use linchpin_report::Report;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// A landscape version ready to serve.
pub struct Snapshot {
    /// The content hash of the landscape's files (first 12 hex digits).
    pub version: String,
    /// The git commit checked out, when the folder is a git checkout.
    pub commit: Option<String>,
    /// The landscape.
    pub loaded: Loaded,
    /// Its impact graph.
    pub graph: ImpactGraph,
    /// Every analysis of the report (ranking, findings, scenarios, timeline).
    pub report: Report,
    /// The date the analyses judged against.
    pub today: Date,
    /// Ranking by supplier.
    pub rank_of: HashMap<EntityId, usize>,
    /// Warnings of the load (shown, not blocking).
    pub warnings: usize,
}

/// Why a version could not be served: the rendered diagnostics.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// The content hash of the rejected files, when they could be read.
    pub version: Option<String>,
    /// How many errors.
    pub errors: usize,
    /// The errors as the command line shows them.
    pub text: String,
}

impl Snapshot {
    /// The supplier's rank entry.
    pub fn rank(&self, id: EntityId) -> Option<&SupplierRank> {
        self.rank_of.get(&id).map(|&i| &self.report.ranking[i])
    }

    /// Findings about one entity.
    pub fn findings_of(&self, id: EntityId) -> impl Iterator<Item = &Finding> {
        self.report.findings.iter().filter(move |f| f.entity == id)
    }

    /// Looks up `kind`, `name` in any namespace (the default one first).
    pub fn find(&self, kind: &Kind, name: &str) -> Option<EntityId> {
        let catalog = &self.loaded.catalog;
        catalog
            .lookup(&linchpin_model::EntityRef::new(kind.clone(), name))
            .or_else(|| {
                catalog
                    .of_kind(kind)
                    .find(|(_, e)| e.entity_ref.name.eq_ignore_ascii_case(name))
                    .map(|(id, _)| id)
            })
    }
}

/// Loads and analyses the landscape; an error-free landscape becomes a
/// snapshot, one with errors a [`Rejected`] with its diagnostics. With
/// the version served before, the ranking propagates again only the
/// suppliers whose failure the change can reach, and with a file cache
/// only changed files are parsed again (the result is the same).
pub fn build(
    dir: &Path,
    today: Date,
    threads: usize,
    previous: Option<&Snapshot>,
    files: Option<&mut FileCache>,
) -> Result<Snapshot, Rejected> {
    let options = LoadOptions::default();
    let loaded = match files {
        Some(files) => load_reusing(dir, &options, files),
        None => load(dir, &options),
    }
    .map_err(|e| Rejected {
        version: None,
        errors: 1,
        text: format!("error: cannot load the landscape: {e}\n"),
    })?;
    let version = content_hash(&loaded);
    let counts = Counts::of(&loaded.diagnostics);
    if counts.errors > 0 {
        let text = render_errors(&loaded.diagnostics, &loaded.sources);
        return Err(Rejected {
            version: Some(version),
            errors: counts.errors,
            text,
        });
    }
    // Kept when the change leaves every impact edge as it was (a
    // statement received, an owner, an RTO): the same graph, not rebuilt.
    let graph = match previous {
        Some(p) if ImpactGraph::same_input(&p.loaded.catalog, &loaded.catalog) => p.graph.clone(),
        _ => ImpactGraph::new(&loaded.catalog),
    };
    let catalog = &loaded.catalog;
    let known = match previous {
        Some(p) => {
            let ranking = rank_after_change(
                &p.loaded.catalog,
                &p.graph,
                &p.report.ranking,
                catalog,
                &graph,
                today,
                threads,
            );
            let concentration = concentration_after_change(
                &p.loaded.catalog,
                &p.report.concentration,
                catalog,
                &graph,
                &ranking,
                threads,
            );
            (ranking, Some(concentration))
        }
        None => (rank(catalog, &graph, today, threads), None),
    };
    let mut report =
        Report::build_for_pages_ranked(catalog, &graph, &loaded.config, today, threads, known);
    report.findings.extend(linchpin_dora::gaps::findings(
        &loaded.catalog,
        &loaded.config,
    ));
    report.findings.sort_by_key(|f| (f.entity, f.id));
    let rank_of = report
        .ranking
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    Ok(Snapshot {
        version,
        commit: git_commit(dir),
        warnings: counts.warnings,
        loaded,
        graph,
        report,
        today,
        rank_of,
    })
}

/// The hash of every file the loader read, in order: a version id that
/// changes exactly when the landscape does.
fn content_hash(loaded: &Loaded) -> String {
    let mut h = Sha256::new();
    for i in 0..loaded.sources.len() {
        let f = loaded.sources.get(linchpin_diagnostics::FileId(i as u32));
        h.update(f.path.as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The commit checked out in `dir` (or a parent), read from `.git` without
/// running git.
#[allow(clippy::disallowed_methods)] // reading .git beside the landscape
pub fn git_commit(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let git = dir
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|g| g.is_dir())?;
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return Some(head.to_owned());
    };
    if let Ok(c) = std::fs::read_to_string(git.join(reference)) {
        return Some(c.trim().to_owned());
    }
    let packed = std::fs::read_to_string(git.join("packed-refs")).ok()?;
    packed
        .lines()
        .filter_map(|l| l.split_once(' '))
        .find(|(_, r)| *r == reference)
        .map(|(c, _)| c.to_owned())
}

/// How many suppliers are in each tier (1–4).
pub fn tier_counts(s: &Snapshot) -> [usize; 4] {
    let mut t = [0; 4];
    for r in &s.report.ranking {
        t[(r.tier.clamp(1, 4) - 1) as usize] += 1;
    }
    t
}

/// Readiness at a glance: suppliers of tiers 1–2 whose statement, exit plan
/// and owner are all in order.
pub fn ready_count(s: &Snapshot) -> (usize, usize) {
    let important: Vec<_> = s.report.ranking.iter().filter(|r| r.tier <= 2).collect();
    let ready = important.iter().filter(|r| r.readiness.is_ready()).count();
    (ready, important.len())
}
