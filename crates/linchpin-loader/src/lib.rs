//! Reads a landscape from disk into a [`Catalog`], with every problem found
//! on the way as a [`Diagnostic`].
//!
//! The pipeline: find files ([`walk`]) → read and parse each file in
//! parallel ([`yaml`]) → decode documents into entities ([`decode`]) →
//! follow Location targets (back to reading) → resolve refs into the impact
//! graph ([`resolve`]).
//!
//! Loading never stops at the first problem and never panics on bad input:
//! [`load`] returns `Err` only when the landscape itself cannot be opened.

pub mod config;
pub mod decode;
mod incidents;
pub mod parallel;
pub mod resolve;
pub mod rules;
mod walk;
pub mod yaml;

pub use yaml::Limits;

use linchpin_diagnostics::{sort_diagnostics, Diagnostic, FileId, SourceMap, Span};
use linchpin_model::{Catalog, Entity, Spec};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// How to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this are skipped with a warning.
    pub max_file_size: u64,
    /// Bounds on YAML nesting and alias expansion.
    pub limits: Limits,
    /// Worker threads for parsing (0: one per core).
    pub threads: usize,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            max_file_size: 16 * 1024 * 1024,
            limits: Limits::default(),
            threads: 0,
        }
    }
}

/// A loaded landscape.
#[derive(Debug)]
pub struct Loaded {
    /// The folder the landscape was loaded from (paths are shown relative to it).
    pub root: PathBuf,
    /// Every entity with its impact graph.
    pub catalog: Catalog,
    /// Every file looked at, for rendering diagnostics.
    pub sources: SourceMap,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The landscape's `linchpin.toml` (defaults where there is none).
    pub config: linchpin_model::Config,
}

/// Why a landscape could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path does not exist or cannot be accessed.
    #[error("cannot open landscape `{}`", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// The files a load of `path` starts from, found the same way: every
/// `*.yaml`/`*.yml` the walk finds below a folder (hidden and git-ignored
/// paths skipped, any case of the extension) or the one file named, and
/// the root's `linchpin.toml` when there is one. A watcher that looks at
/// these sees what the loader would read, and nothing else.
pub fn landscape_files(path: &Path) -> Vec<PathBuf> {
    let Ok(canonical) = path.canonicalize() else {
        return Vec::new();
    };
    let (root, mut files) = if canonical.is_dir() {
        let mut sources = SourceMap::new();
        let files = walk::find_files(&canonical, &mut sources, &mut Vec::new())
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        (canonical, files)
    } else {
        let root = canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        (root, vec![canonical])
    };
    let config = root.join(config::FILE);
    if config.is_file() {
        files.push(config);
    }
    files
}

/// What a load parsed, file by file, kept for the next load of the same
/// landscape ([`load_reusing`]): a file whose text and place among the
/// files are unchanged is not parsed and decoded again, and one whose
/// [`Stamp`] is unchanged is not even read. The team server keeps one
/// between reloads. It holds a copy of every file's text and entities.
#[derive(Debug, Default)]
pub struct FileCache {
    files: FxHashMap<PathBuf, CachedFile>,
    /// Files the last load took without reading them.
    unread: usize,
}

/// What the cache is to hold for one file after a load.
enum Kept {
    /// The entry it holds (the file was taken from it), with the file's
    /// stamp now; `read` when the file was read to compare its text.
    Same { read: bool, stamp: Option<Stamp> },
    /// A new entry (the file was parsed).
    New(CachedFile),
}

/// What tells that a file did not change without reading it, as git's
/// index does: its size, modification time and, on Unix, its inode and
/// change time (which the kernel sets on every write and no tool can set
/// back, so a copy that keeps the old modification time still shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
    #[cfg(unix)]
    changed: (i64, i64),
    #[cfg(unix)]
    inode: u64,
}

impl Stamp {
    /// The stamp of `m`, when it can be trusted: not when a time is within
    /// [`RACY`] of `read_at` (a file system with coarse times could show
    /// the same times after a second change in the same tick — the "racy
    /// clean" case git guards against the same way).
    fn trusted(m: &std::fs::Metadata, read_at: SystemTime) -> Option<Stamp> {
        let modified = m.modified().ok()?;
        let old = |t: SystemTime| read_at.duration_since(t).is_ok_and(|age| age > RACY);
        if !old(modified) {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let changed = (m.ctime(), m.ctime_nsec());
            let changed_at = u64::try_from(changed.0)
                .ok()
                .map(|secs| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs));
            if !changed_at.is_some_and(old) {
                return None;
            }
            Some(Stamp {
                len: m.len(),
                modified,
                changed,
                inode: m.ino(),
            })
        }
        #[cfg(not(unix))]
        Some(Stamp {
            len: m.len(),
            modified,
        })
    }

    /// Whether `m` shows the file as it was when this stamp was taken.
    fn matches(&self, m: &std::fs::Metadata) -> bool {
        let same = m.len() == self.len && m.modified().ok() == Some(self.modified);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            same && (m.ctime(), m.ctime_nsec()) == self.changed && m.ino() == self.inode
        }
        #[cfg(not(unix))]
        same
    }
}

#[derive(Debug)]
struct CachedFile {
    file: FileId,
    text: String,
    entities: Vec<Entity>,
    diagnostics: Vec<Diagnostic>,
    /// The file's stamp when it was read, if it could be trusted.
    stamp: Option<Stamp>,
}

/// How close to its reading a file's time must not be for the time to be
/// trusted (coarse file systems keep times to 2 s).
const RACY: std::time::Duration = std::time::Duration::from_secs(3);

impl FileCache {
    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// How many files the last load took from it without reading them
    /// (their stamps unchanged).
    pub fn unread(&self) -> usize {
        self.unread
    }
}

/// [`load`], taking every file whose text is the same as at the last load
/// with `cache` (and that comes at the same place among the files) from
/// it instead of parsing it again; the cache then holds this load's files.
/// The result is the same as [`load`]'s.
pub fn load_reusing(
    path: &Path,
    options: &LoadOptions,
    cache: &mut FileCache,
) -> Result<Loaded, LoadError> {
    load_with(path, options, Some(cache))
}

/// Loads the landscape at `path`: a folder (every `*.yaml`/`*.yml` below it,
/// hidden and git-ignored paths skipped) or a single file. Location targets
/// are followed in both cases, within the landscape root.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    load_with(path, options, None)
}

fn load_with(
    path: &Path,
    options: &LoadOptions,
    mut cache: Option<&mut FileCache>,
) -> Result<Loaded, LoadError> {
    let open_error = |source| LoadError::Open {
        path: path.to_owned(),
        source,
    };
    let canonical = path.canonicalize().map_err(open_error)?;
    let meta = std::fs::metadata(&canonical).map_err(open_error)?;
    let (root, start): (PathBuf, Vec<PathBuf>) = if meta.is_dir() {
        (canonical.clone(), Vec::new())
    } else {
        let parent = canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| canonical.clone());
        (parent, vec![canonical.clone()])
    };

    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let config = config::read_config(&root, &mut sources, &mut diagnostics);
    let mut queue: Vec<(PathBuf, FileId)> = Vec::new();
    let mut seen: FxHashSet<PathBuf> = FxHashSet::default();

    let found = if meta.is_dir() {
        walk::find_files(&root, &mut sources, &mut diagnostics)
    } else {
        start.into_iter().map(|f| (f.clone(), f)).collect()
    };
    for (file, real) in found {
        if seen.insert(real) {
            let id = sources.add(display_path(&root, &file), String::new());
            queue.push((file, id));
        }
    }

    let mut per_file: Vec<Vec<Entity>> = Vec::new();
    let mut kept: Vec<(PathBuf, Kept)> = Vec::new();
    while !queue.is_empty() {
        let batch = std::mem::take(&mut queue);
        let outcomes = read_files(&batch, options, cache.as_deref());
        for ((outcome, fresh), (path, _)) in outcomes.into_iter().zip(&batch) {
            if let Some(fresh) = fresh {
                kept.push((path.clone(), fresh));
            }
            sources.set_text(outcome.file, outcome.text);
            diagnostics.extend(outcome.diagnostics);
            for entity in &outcome.entities {
                if let Spec::Location(location) = &entity.spec {
                    for target in &location.targets {
                        for next in location_target(&root, path, target, &mut diagnostics) {
                            let real = next.canonicalize().unwrap_or_else(|_| next.clone());
                            if seen.insert(real) {
                                let id = sources.add(display_path(&root, &next), String::new());
                                queue.push((next, id));
                            }
                        }
                    }
                }
            }
            per_file.push(outcome.entities);
        }
    }
    if let Some(cache) = cache.as_mut() {
        // Unchanged files move over; files gone from the landscape go.
        let mut old = std::mem::take(&mut cache.files);
        cache.unread = 0;
        for (path, entry) in kept {
            let entry = match entry {
                Kept::Same { read, stamp } => {
                    cache.unread += usize::from(!read);
                    old.remove(&path).map(|entry| CachedFile { stamp, ..entry })
                }
                Kept::New(entry) => Some(entry),
            };
            if let Some(entry) = entry {
                cache.files.insert(path, entry);
            }
        }
    }
    let mut entities: Vec<Entity> = Vec::with_capacity(per_file.iter().map(Vec::len).sum());
    for file_entities in per_file {
        entities.extend(file_entities);
    }

    // Empty because its files are broken: their errors say why; a warning
    // that the folder holds no landscape would mislead.
    let broken = diagnostics
        .iter()
        .any(|d| d.severity == linchpin_diagnostics::Severity::Error);
    if entities.is_empty() && !broken {
        diagnostics.push(
            Diagnostic::global(
                "empty-landscape",
                format!("no entity found in `{}`", path.display()),
            )
            .with_help("point Linchpin at a folder of landscape YAML files, e.g. `linchpin check examples/webshop`"),
        );
    }
    incidents::read_incident_files(&root, &mut entities, &mut sources, &mut diagnostics);
    let catalog = resolve::resolve(entities, &sources, &mut diagnostics);
    sort_diagnostics(&mut diagnostics, &sources);
    Ok(Loaded {
        root,
        catalog,
        sources,
        diagnostics,
        config,
    })
}

/// Shows `path` relative to `root`, with `/` separators.
fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Resolves one Location target to the files to load (a glob pattern may
/// name many), or reports why there are none.
fn location_target(
    root: &Path,
    location_file: &Path,
    target: &linchpin_model::Spanned<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let text = target.value.trim();
    if text.starts_with("url:") || text.contains("://") {
        diagnostics.push(
            Diagnostic::at(
                "location-url-skipped",
                target.span,
                format!("`{text}` is a URL; Linchpin reads files only and skipped it"),
            )
            .with_help("check the target out beside the landscape and point at the file"),
        );
        return Vec::new();
    }
    let relative = text.strip_prefix("file:").unwrap_or(text);
    let base = location_file.parent().unwrap_or(root);
    let outside = |diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(
            Diagnostic::at(
                "location-outside-root",
                target.span,
                format!("`{text}` lies outside the landscape folder and was not loaded"),
            )
            .with_help(
                "move the file into the landscape, or run Linchpin on a folder that contains both",
            ),
        );
    };
    if relative.contains(['*', '?', '[', '{']) {
        return location_glob(root, base, relative, target, diagnostics, outside);
    }
    let joined = base.join(relative);
    let real = match joined.canonicalize() {
        Ok(real) => real,
        Err(_) => {
            diagnostics.push(
                Diagnostic::at(
                    "location-target-missing",
                    target.span,
                    format!("`{text}` does not exist"),
                )
                .with_help("targets are relative to the folder of the file holding the Location"),
            );
            return Vec::new();
        }
    };
    if !real.starts_with(root) {
        outside(diagnostics);
        return Vec::new();
    }
    if !real.is_file() {
        diagnostics.push(Diagnostic::at(
            "location-target-missing",
            target.span,
            format!("`{text}` is not a file"),
        ));
        return Vec::new();
    }
    vec![real]
}

/// A glob target (`./plugins/**/catalog-info.yaml`), expanded as Backstage
/// expands it — relative to the Location's folder, `*` within one folder,
/// `**` across folders, hidden files and folders not matched — but inside
/// the landscape folder only, without following symbolic links, in name
/// order.
fn location_glob(
    root: &Path,
    base: &Path,
    pattern: &str,
    target: &linchpin_model::Spanned<String>,
    diagnostics: &mut Vec<Diagnostic>,
    outside: impl Fn(&mut Vec<Diagnostic>),
) -> Vec<PathBuf> {
    let text = target.value.trim();
    // The folder before the first part with a wildcard is where to look.
    let pattern = pattern.trim_start_matches("./");
    let parts: Vec<&str> = pattern.split('/').collect();
    let fixed = parts
        .iter()
        .take_while(|p| !p.contains(['*', '?', '[', '{']))
        .count();
    let start = base.join(parts[..fixed].join("/"));
    let no_match = |diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(
            Diagnostic::at(
                "location-target-missing",
                target.span,
                format!("`{text}` matches no file"),
            )
            .with_help("targets are relative to the folder of the file holding the Location"),
        );
    };
    let Ok(start) = start.canonicalize() else {
        no_match(diagnostics);
        return Vec::new();
    };
    if !start.starts_with(root) {
        outside(diagnostics);
        return Vec::new();
    }
    let matcher = match globset::GlobBuilder::new(&parts[fixed..].join("/"))
        .literal_separator(true)
        .build()
    {
        Ok(glob) => glob.compile_matcher(),
        Err(e) => {
            diagnostics.push(Diagnostic::at(
                "location-target-missing",
                target.span,
                format!("`{text}` is not a valid glob pattern: {}", e.kind()),
            ));
            return Vec::new();
        }
    };
    let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(&start)
        .standard_filters(false)
        .hidden(true)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| {
            e.path()
                .strip_prefix(&start)
                .is_ok_and(|rel| matcher.is_match(rel))
        })
        .map(|e| e.into_path())
        .collect();
    found.sort();
    if found.is_empty() {
        no_match(diagnostics);
    }
    found
}

struct FileOutcome {
    file: FileId,
    text: String,
    entities: Vec<Entity>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads, parses and decodes files on all cores (or `options.threads`);
/// results in input order, each with what the cache is to hold for it.
fn read_files(
    batch: &[(PathBuf, FileId)],
    options: &LoadOptions,
    cache: Option<&FileCache>,
) -> Vec<(FileOutcome, Option<Kept>)> {
    parallel::map(batch, options.threads, |(p, id)| {
        read_file_guarded(p, *id, options, cache)
    })
}

/// [`read_file`], turning a panic (a parser bug) into a diagnostic, so that
/// one bad file never loses the others.
fn read_file_guarded(
    path: &Path,
    file: FileId,
    options: &LoadOptions,
    cache: Option<&FileCache>,
) -> (FileOutcome, Option<Kept>) {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_file(path, file, options, cache))).unwrap_or_else(|_| (FileOutcome {
        file,
        text: String::new(),
        entities: Vec::new(),
        diagnostics: vec![Diagnostic::in_file(
            "io-error",
            file,
            "Linchpin failed to read this file (an internal error; please report it); the file was skipped",
        )],
    }, None))
}

/// Reads one file; parses and decodes it unless `cache` holds the same text
/// at the same place. Returns, when there is a cache, what it is to hold.
#[allow(clippy::disallowed_methods)] // the loader is the crate that reads files
fn read_file(
    path: &Path,
    file: FileId,
    options: &LoadOptions,
    cache: Option<&FileCache>,
) -> (FileOutcome, Option<Kept>) {
    let mut outcome = FileOutcome {
        file,
        text: String::new(),
        entities: Vec::new(),
        diagnostics: Vec::new(),
    };
    let io_error = |e: std::io::Error| {
        Diagnostic::in_file("io-error", file, format!("cannot read the file: {e}"))
    };
    let read_at = SystemTime::now();
    let meta = std::fs::metadata(path);
    if let (Some(cache), Ok(m)) = (cache, &meta) {
        // Stamped as when it was last read (and trusted): the same file.
        let hit = cache
            .files
            .get(path)
            .filter(|c| c.file == file && c.stamp.is_some_and(|st| st.matches(m)));
        if let Some(hit) = hit {
            outcome.text = hit
                .text
                .strip_prefix('\u{feff}')
                .unwrap_or(&hit.text)
                .to_owned();
            outcome.entities = hit.entities.clone();
            outcome.diagnostics = hit.diagnostics.clone();
            let stamp = hit.stamp;
            return (outcome, Some(Kept::Same { read: false, stamp }));
        }
    }
    let stamp = meta.as_ref().ok().and_then(|m| Stamp::trusted(m, read_at));
    match meta {
        Ok(m) if m.len() > options.max_file_size => {
            outcome.diagnostics.push(
                Diagnostic::in_file(
                    "file-too-large",
                    file,
                    format!(
                        "the file is {} MiB, above the limit of {} MiB; it was skipped",
                        m.len() / (1024 * 1024),
                        options.max_file_size / (1024 * 1024)
                    ),
                )
                .with_help(
                    "landscape files are small; move generated data out of the landscape folder",
                ),
            );
            return (outcome, None);
        }
        Ok(_) => {}
        Err(e) => {
            outcome.diagnostics.push(io_error(e));
            return (outcome, None);
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            outcome.diagnostics.push(io_error(e));
            return (outcome, None);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let (line, col) = position_of(&bytes[..at]);
            if bytes.contains(&0) {
                outcome.diagnostics.push(Diagnostic::in_file(
                    "binary-file",
                    file,
                    "the file holds binary data, not YAML text; it was skipped",
                ));
            } else {
                outcome.diagnostics.push(
                    Diagnostic::in_file(
                        "invalid-utf8",
                        file,
                        format!(
                            "the file is not UTF-8 (first invalid byte 0x{:02x} at line {line}, column {col}); it was skipped",
                            bytes[at]
                        ),
                    )
                    .with_help("re-save the file as UTF-8"),
                );
            }
            return (outcome, None);
        }
    };
    if text.as_bytes().contains(&0) {
        outcome.diagnostics.push(Diagnostic::in_file(
            "binary-file",
            file,
            "the file holds binary data (NUL bytes), not YAML text; it was skipped",
        ));
        return (outcome, None);
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let hit = cache
        .and_then(|c| c.files.get(path))
        .filter(|c| c.file == file && c.text == text);
    let kept = match hit {
        Some(hit) => {
            // The same text: the entry stays, with the file's stamp now.
            outcome.entities = hit.entities.clone();
            outcome.diagnostics = hit.diagnostics.clone();
            Some(Kept::Same { read: true, stamp })
        }
        None => {
            let documents =
                yaml::parse_documents(body, file, options.limits, &mut outcome.diagnostics);
            for doc in &documents {
                if let Some(entity) = decode::decode_entity(doc, &mut outcome.diagnostics) {
                    outcome.entities.push(entity);
                }
            }
            drop(documents);
            cache.map(|_| {
                Kept::New(CachedFile {
                    file,
                    text: text.clone(),
                    entities: outcome.entities.clone(),
                    diagnostics: outcome.diagnostics.clone(),
                    stamp,
                })
            })
        }
    };
    outcome.text = if body.len() == text.len() {
        text
    } else {
        body.to_owned()
    };
    (outcome, kept)
}

/// 1-based line and column (in characters) just after `prefix`.
fn position_of(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// A span at the start of a file, for diagnostics about a whole file.
pub fn file_span(file: FileId) -> Span {
    Span::file_start(file)
}
