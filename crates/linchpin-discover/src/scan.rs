//! Walking a source tree and reading its files, in parallel.

use crate::catalog::registrable;
use crate::catalog::VendorCatalog;
use crate::evidence::{Evidence, Kind};
use crate::lockfiles::scan_lockfile;
use crate::sources::{
    classify, scan_dockerfile, scan_json, scan_text, scan_yaml, Collector, FileType,
};
use crate::terraform::{scan_tf, scan_tf_json, scan_tf_lock};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How to walk.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Also read git-ignored paths (and `node_modules`).
    pub no_ignore: bool,
    /// Also read every hidden file and folder.
    pub hidden: bool,
    /// Files larger than this are skipped and counted.
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Progress for a caller that shows it: files to read, files read.
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// Counters a progress display reads while a scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Files found to read (set once the walk is done).
    pub total: AtomicUsize,
    /// Files read so far.
    pub done: AtomicUsize,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            no_ignore: false,
            hidden: false,
            max_file_size: 64 * 1024 * 1024,
            threads: 0,
            progress: None,
        }
    }
}

/// Hidden paths that are evidence in themselves, read even without `--hidden`.
const HIDDEN_EVIDENCE: &[&str] = &[
    ".github",
    ".gitlab-ci.yml",
    ".gitlab",
    ".circleci",
    ".terraform.lock.hcl",
    ".gitlab-ci.yaml",
];

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Every piece of evidence.
    pub evidence: Vec<Evidence>,
    /// Files read.
    pub files: usize,
    /// Files skipped as binary.
    pub binary: usize,
    /// Files skipped as too large.
    pub too_large: usize,
    /// Files that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// Files read only in part: (file, line, what was wrong).
    pub warnings: Vec<(String, u32, String)>,
    /// The scanned projects' own domains (from their manifests' home
    /// pages and Go module path): hostnames and URLs under them are the
    /// project itself, not a vendor, and are not counted.
    pub own_domains: Vec<String>,
}

/// Code hosts: a module path or home page there names a repository, not
/// the project's own domain.
const CODE_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "sr.ht",
    "gitee.com",
];

/// A project's own domains, from the manifests at the root of a scanned
/// folder: `package.json` `homepage`, `Cargo.toml`/`pyproject.toml` home
/// pages, the host of `go.mod`'s module path.
#[allow(clippy::disallowed_methods)] // see `scan`
fn own_domains(root: &Path) -> Vec<String> {
    let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
    let mut pages: Vec<String> = Vec::new();
    if let Some(text) = read("package.json") {
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) {
            if let Some(h) = doc["homepage"].as_str() {
                pages.push(h.to_owned());
            }
        }
    }
    for name in ["Cargo.toml", "pyproject.toml"] {
        if let Some(text) = read(name) {
            pages.extend(crate::lockfiles::toml_homepages(&text));
        }
    }
    if let Some(text) = read("go.mod") {
        if let Some(module) = text.lines().find_map(|l| l.trim().strip_prefix("module ")) {
            pages.push(format!("https://{}", module.trim().trim_matches('"')));
        }
    }
    let mut out: Vec<String> = pages
        .iter()
        .filter_map(|p| crate::sources::host_of(p))
        .map(registrable)
        .filter(|d| d.contains('.') && !CODE_HOSTS.contains(&d.as_str()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Scans every path (files or folders). Paths in evidence are shown
/// relative to the path they were found under.
#[allow(clippy::disallowed_methods)] // discovery is an I/O crate: it reads the trees it is pointed at
pub fn scan(paths: &[PathBuf], catalog: &VendorCatalog, options: &ScanOptions) -> ScanResult {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut result = ScanResult::default();
    for root in paths {
        if root.is_file() {
            let shown = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((root.clone(), shown));
            continue;
        }
        let hidden = options.hidden;
        let no_ignore = options.no_ignore;
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(!no_ignore)
            .git_global(false)
            .git_exclude(!no_ignore)
            .require_git(false)
            .ignore(!no_ignore)
            .parents(!no_ignore)
            .follow_links(false)
            .filter_entry(move |e| {
                let name = e.file_name().to_string_lossy();
                if name == ".git" {
                    return false;
                }
                if !no_ignore && (name == "node_modules" || name == ".terraform") {
                    return false;
                }
                !name.starts_with('.')
                    || e.depth() == 0
                    || hidden
                    || HIDDEN_EVIDENCE.contains(&name.as_ref())
            })
            .threads(options.threads)
            .build_parallel();
        // The walk runs on all cores too: at 100k files it is a good part
        // of the time.
        let found = std::sync::Mutex::new(Vec::new());
        walker.run(|| {
            let found = &found;
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return ignore::WalkState::Continue;
                };
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    let path = entry.path();
                    let rel = path.strip_prefix(root).unwrap_or(path);
                    let shown = display(rel);
                    if let Ok(mut f) = found.lock() {
                        f.push((path.to_path_buf(), shown));
                    }
                }
                ignore::WalkState::Continue
            })
        });
        files.extend(found.into_inner().unwrap_or_default());
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    if let Some(p) = &options.progress {
        p.total.store(files.len(), Ordering::Relaxed);
    }
    let outcomes = linchpin_loader::parallel::map(&files, options.threads, |(path, shown)| {
        // A parser bug on one file must not lose the others.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_one(path, shown, catalog, options, &mut Vec::new())
        }))
        .unwrap_or_else(|_| {
            Outcome::Unreadable(
                shown.clone(),
                "a parser failed on this file; please report it".into(),
            )
        });
        if let Some(p) = &options.progress {
            p.done.fetch_add(1, Ordering::Relaxed);
        }
        outcome
    });
    for root in paths.iter().filter(|p| p.is_dir()) {
        result.own_domains.extend(own_domains(root));
    }
    result.own_domains.sort();
    result.own_domains.dedup();
    for o in outcomes {
        match o {
            Outcome::Evidence(e, warnings, file) => {
                result.files += 1;
                let own = &result.own_domains;
                result.evidence.extend(e.into_iter().filter(|ev| {
                    !(matches!(ev.kind, Kind::Url | Kind::Hostname | Kind::Endpoint)
                        && own
                            .iter()
                            .any(|d| ev.value == *d || ev.value.ends_with(&format!(".{d}"))))
                }));
                result.warnings.extend(
                    warnings
                        .into_iter()
                        .map(|(line, m)| (file.clone(), line, m)),
                );
            }
            Outcome::Binary => result.binary += 1,
            Outcome::TooLarge => result.too_large += 1,
            Outcome::Unreadable(file, why) => result.unreadable.push((file, why)),
        }
    }
    result
}

/// A relative path with `/` separators.
fn display(rel: &Path) -> String {
    let text = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

enum Outcome {
    Evidence(Vec<Evidence>, Vec<(u32, String)>, String),
    Binary,
    TooLarge,
    Unreadable(String, String),
}

#[allow(clippy::disallowed_methods)] // see `scan`
fn read_one(
    path: &Path,
    shown: &str,
    catalog: &VendorCatalog,
    options: &ScanOptions,
    buffer: &mut Vec<u8>,
) -> Outcome {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > options.max_file_size => return Outcome::TooLarge,
        Ok(_) => {}
        Err(e) => return Outcome::Unreadable(shown.to_owned(), e.to_string()),
    }
    // One buffer per worker, reused: no fresh pages for every file.
    buffer.clear();
    if let Err(e) =
        std::fs::File::open(path).and_then(|mut f| std::io::Read::read_to_end(&mut f, buffer))
    {
        return Outcome::Unreadable(shown.to_owned(), e.to_string());
    }
    let bytes: &[u8] = buffer;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Outcome::Binary;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if classify(&name) == FileType::Text && crate::manifests::manifest(&name).is_none() {
        // Plain text is searched as bytes: hostnames are ASCII, no decoding needed.
        let mut c = Collector::new(catalog, shown.to_owned());
        crate::sources::scan_bytes(&mut c, bytes);
        return Outcome::Evidence(c.finish(), Vec::new(), shown.to_owned());
    }
    let text = String::from_utf8_lossy(bytes);
    let (evidence, warnings) = scan_source_with_warnings(catalog, shown, &name, &text);
    Outcome::Evidence(evidence, warnings, shown.to_owned())
}

/// The evidence of one file, by its type; text is also searched for
/// hostnames except in lockfiles (their registry URLs are counted instead).
pub fn scan_source(catalog: &VendorCatalog, shown: &str, name: &str, text: &str) -> Vec<Evidence> {
    scan_source_with_warnings(catalog, shown, name, text).0
}

/// [`scan_source`], with the file's parse problems: (line, message).
pub fn scan_source_with_warnings(
    catalog: &VendorCatalog,
    shown: &str,
    name: &str,
    text: &str,
) -> (Vec<Evidence>, Vec<(u32, String)>) {
    let mut c = Collector::new(catalog, shown.to_owned());
    crate::manifests::scan_manifest(&mut c, name, text);
    match classify(name) {
        FileType::Lockfile(lock) => scan_lockfile(&mut c, lock, text),
        FileType::Dockerfile => {
            scan_dockerfile(&mut c, text);
            scan_text(&mut c, text);
        }
        FileType::Yaml => {
            scan_yaml(&mut c, shown, text);
            scan_text(&mut c, text);
        }
        FileType::Json => {
            // An SBOM's text is full of package URLs already counted.
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(doc) if crate::sbom::is_sbom(&doc) => crate::sbom::scan_sbom(&mut c, &doc, text),
                Ok(doc) => {
                    scan_json(&mut c, &doc, text);
                    scan_text(&mut c, text);
                }
                Err(_) => scan_text(&mut c, text),
            }
        }
        FileType::Terraform => {
            // A file the parser rejects is still searched for hostnames.
            let _ = scan_tf(&mut c, text);
            scan_text(&mut c, text);
        }
        FileType::TerraformJson => {
            scan_tf_json(&mut c, text);
            scan_text(&mut c, text);
        }
        FileType::TerraformLock => {
            let _ = scan_tf_lock(&mut c, text);
        }
        FileType::ModuleList => {}
        FileType::Text => scan_text(&mut c, text),
    }
    c.finish_with_warnings()
}
