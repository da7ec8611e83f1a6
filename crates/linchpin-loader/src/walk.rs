//! Finding the landscape's files: `*.yaml` and `*.yml` below the root,
//! skipping hidden and git-ignored paths, following symbolic links once.

use linchpin_diagnostics::{Diagnostic, SourceMap};
use std::path::{Path, PathBuf};

/// Every landscape file below `root`, sorted; problems on the way become
/// diagnostics.
pub fn find_files(
    root: &Path,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, PathBuf)> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(false)
        .parents(false)
        .follow_links(true)
        .build();
    // The folders reached through a link: below them a path is not the
    // file's real one. Elsewhere (below a real root) it is, and asking the
    // system for each of 100,000 files' real path costs a tenth of a load.
    let mut linked: Vec<PathBuf> = Vec::new();
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                if is_dir && entry.path_is_symlink() {
                    linked.push(path.to_path_buf());
                }
                let is_yaml = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")
                });
                if is_yaml && entry.file_type().is_some_and(|t| t.is_file()) {
                    let through_link = canonical_root != root
                        || entry.path_is_symlink()
                        || linked.iter().any(|d| path.starts_with(d));
                    let real = if through_link {
                        path.canonicalize()
                    } else {
                        Ok(path.to_path_buf())
                    };
                    // A link may lead anywhere: only files inside the
                    // landscape are read (a `.yaml` link to a secret file
                    // must not show its lines in diagnostics).
                    match real {
                        Ok(real) if !real.starts_with(&canonical_root) => {
                            let shown = path.strip_prefix(root).unwrap_or(path);
                            let file = sources
                                .add(shown.to_string_lossy().replace('\\', "/"), String::new());
                            diagnostics.push(
                                Diagnostic::in_file(
                                    "symlink-outside-root",
                                    file,
                                    "this symbolic link leads outside the landscape folder; the file it points to was not read",
                                )
                                .with_help("move the file into the landscape, or run Linchpin on a folder that contains both"),
                            );
                        }
                        Ok(real) => files.push((path.to_path_buf(), real)),
                        Err(_) => files.push((path.to_path_buf(), path.to_path_buf())),
                    }
                }
            }
            Err(error) => report(root, &error, sources, diagnostics),
        }
    }
    files.sort();
    files
}

fn report(
    root: &Path,
    error: &ignore::Error,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut path = None;
    let mut loop_target = None;
    let mut current = error;
    loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err
            }
            ignore::Error::Loop { ancestor, child } => {
                path.get_or_insert_with(|| child.clone());
                loop_target = Some(ancestor.clone());
                break;
            }
            _ => break,
        }
    }
    let shown = |p: &Path| {
        let rel = p.strip_prefix(root).unwrap_or(p);
        rel.to_string_lossy().replace('\\', "/")
    };
    let file = sources.add(
        path.as_deref().map_or_else(|| ".".to_owned(), shown),
        String::new(),
    );
    let diagnostic = match loop_target {
        Some(ancestor) => Diagnostic::in_file(
            "symlink-loop",
            file,
            format!(
                "this symbolic link leads back to `{}`, which contains it; it was not followed",
                shown(&ancestor)
            ),
        )
        .with_help("remove the link or point it elsewhere"),
        None => Diagnostic::in_file("io-error", file, format!("cannot read: {current}")),
    };
    diagnostics.push(diagnostic);
}
