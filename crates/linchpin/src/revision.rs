//! A landscape as a git revision holds it, read with git itself and written
//! to a temporary folder that the ordinary loader then reads — so a
//! revision is loaded exactly like a folder, with the same diagnostics, and
//! the working tree is never touched.
//!
//! Why plumbing by hand: `git ls-tree` and `git cat-file --batch` are
//! git's stable, documented machine interface, and the git command is
//! already what reads and writes the landscape elsewhere (the server's
//! branches). A library (gix, git2) would add minutes of build and a C
//! toolchain for two commands. `git archive` is not used: it applies
//! `export-ignore` and `export-subst` attributes, so it would not give the
//! files as committed.

use anyhow::{anyhow, bail, Context};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// A revision's landscape, in a folder that is removed when dropped.
pub struct Checkout {
    /// The full commit id.
    pub commit: String,
    /// The landscape folder inside the temporary folder.
    pub dir: PathBuf,
    _temp: tempfile::TempDir,
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}

/// The landscape folder `landscape` as revision `rev` of its repository holds it.
pub fn checkout(landscape: &Path, rev: &str) -> anyhow::Result<Checkout> {
    if rev.starts_with('-') {
        bail!("`{rev}` is neither a folder nor a git revision");
    }
    let prefix = git(landscape, &["rev-parse", "--show-prefix"]).with_context(|| {
        format!(
            "`{rev}` is not a folder, and `{}` is not in a git repository where it could be a revision",
            landscape.display()
        )
    })?;
    let commit = git(
        landscape,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        anyhow!(
            "`{rev}` is neither a folder nor a revision of the repository that holds `{}`",
            landscape.display()
        )
    })?;
    let temp = tempfile::Builder::new()
        .prefix("linchpin-diff-")
        .tempdir()
        .context("cannot make a temporary folder for the revision")?;
    let dir = temp.path().join("landscape");
    std::fs::create_dir(&dir).context("cannot make a temporary folder for the revision")?;
    let top = git(landscape, &["rev-parse", "--show-toplevel"])?;
    let tree = format!("{commit}:{}", prefix.trim_end_matches('/'));
    // The folder may not exist in that revision: the landscape is new.
    if git(Path::new(&top), &["cat-file", "-e", &tree]).is_ok() {
        // Files the working tree holds as the revision does are linked,
        // not written again (a pull request changes a few files of many).
        let changed = git(
            landscape,
            &[
                "diff",
                "--name-only",
                "-z",
                "--no-renames",
                "--relative",
                &commit,
                "--",
            ],
        )
        .map(|out| out.split('\0').map(PathBuf::from).collect::<HashSet<_>>())
        .ok();
        let same = Same {
            working: landscape,
            changed,
        };
        write_tree(Path::new(&top), &tree, &dir, &same)
            .with_context(|| format!("cannot read revision `{rev}` of the landscape"))?;
    }
    Ok(Checkout {
        commit,
        dir,
        _temp: temp,
    })
}

/// Which files of the working tree are as the revision holds them.
struct Same<'a> {
    working: &'a Path,
    /// Files that differ (None: unknown, every file is written).
    changed: Option<HashSet<PathBuf>>,
}

impl Same<'_> {
    /// Links `path` of the working tree to `dest` when it is the same file
    /// as the revision's; false when it must be written.
    #[allow(clippy::disallowed_methods)] // reading a file's type, not its contents
    fn link(&self, path: &Path, dest: &Path) -> bool {
        let Some(changed) = &self.changed else {
            return false;
        };
        if changed.contains(path) {
            return false;
        }
        let source = self.working.join(path);
        std::fs::symlink_metadata(&source).is_ok_and(|m| m.is_file())
            && std::fs::hard_link(&source, dest).is_ok()
    }
}

/// One file of a tree.
struct Entry {
    mode: String,
    object: String,
    path: PathBuf,
}

fn entries(top: &Path, tree: &str) -> anyhow::Result<Vec<Entry>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["ls-tree", "-r", "-z", "--end-of-options", tree])
        .stdin(Stdio::null())
        .output()
        .context("cannot run git ls-tree")?;
    if !out.status.success() {
        bail!(
            "git ls-tree failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let mut list = Vec::new();
    for record in out.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let text = std::str::from_utf8(record).context("a file name in git that is not UTF-8")?;
        let (meta, path) = text
            .split_once('\t')
            .ok_or_else(|| anyhow!("unexpected git ls-tree output: {text}"))?;
        let mut fields = meta.split(' ');
        let (Some(mode), Some(kind), Some(object)) = (fields.next(), fields.next(), fields.next())
        else {
            bail!("unexpected git ls-tree output: {text}");
        };
        // Submodules are other repositories.
        if kind != "blob" {
            continue;
        }
        let path = PathBuf::from(path);
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
            bail!("git holds a file outside its tree: `{}`", path.display());
        }
        list.push(Entry {
            mode: mode.to_owned(),
            object: object.to_owned(),
            path,
        });
    }
    Ok(list)
}

/// Writes every file of `tree` below `dest`, contents from one
/// `git cat-file --batch`.
#[allow(clippy::disallowed_methods)] // a private temporary folder, not output: nobody reads it half-written
fn write_tree(top: &Path, tree: &str, dest: &Path, same: &Same) -> anyhow::Result<()> {
    let mut list = entries(top, tree)?;
    let mut made = HashSet::new();
    let mut mkdir = |path: &Path| -> anyhow::Result<()> {
        if let Some(parent) = path.parent() {
            if made.insert(parent.to_owned()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot make `{}`", parent.display()))?;
            }
        }
        Ok(())
    };
    let mut to_write = Vec::with_capacity(list.len());
    for entry in list.drain(..) {
        let path = dest.join(&entry.path);
        mkdir(&path)?;
        if entry.mode == "120000" || !same.link(&entry.path, &path) {
            to_write.push(entry);
        }
    }
    let list = to_write;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run git cat-file")?;
    let mut stdin = child.stdin.take().context("git cat-file has no input")?;
    let objects: Vec<String> = list.iter().map(|e| e.object.clone()).collect();
    // Asking and reading at once: git answers while it is asked.
    let asker = std::thread::spawn(move || -> std::io::Result<()> {
        for o in objects {
            writeln!(stdin, "{o}")?;
        }
        Ok(())
    });
    let mut out = BufReader::new(child.stdout.take().context("git cat-file has no output")?);
    let mut header = String::new();
    let mut body = Vec::new();
    for entry in &list {
        header.clear();
        out.read_line(&mut header)?;
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("unexpected git cat-file output: {}", header.trim_end()))?;
        body.resize(size + 1, 0);
        out.read_exact(&mut body)?;
        body.pop(); // the newline after the contents
        let path = dest.join(&entry.path);
        if entry.mode == "120000" {
            let target = String::from_utf8_lossy(&body).into_owned();
            #[cfg(unix)]
            std::os::unix::fs::symlink(&target, &path)
                .with_context(|| format!("cannot make the link `{}`", path.display()))?;
            #[cfg(not(unix))]
            std::fs::write(&path, target.as_bytes())
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        } else {
            std::fs::write(&path, &body)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
    }
    asker
        .join()
        .map_err(|_| anyhow!("git cat-file's input failed"))?
        .context("cannot ask git cat-file")?;
    let status = child.wait().context("git cat-file did not finish")?;
    if !status.success() {
        bail!("git cat-file failed");
    }
    Ok(())
}
