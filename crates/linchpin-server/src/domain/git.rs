//! A reviewed statement committed on a new branch of the landscape's git
//! repository (git itself, as a subprocess, in a temporary work tree).
use serde::Serialize;

/// What a branch commit made.
#[derive(Debug, Clone, Serialize)]
pub struct BranchCommit {
    /// The new branch.
    pub branch: String,
    /// Its commit.
    pub commit: String,
}

pub(crate) fn git(dir: &std::path::Path, args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "git {} failed: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Commits `diff` on a new branch of the git checkout holding `dir`, from
/// its HEAD, without touching the working tree (a temporary worktree).
#[allow(clippy::disallowed_methods)] // the patch file for git, in the temporary worktree
pub fn commit_on_branch(
    dir: &std::path::Path,
    branch: &str,
    diff: &str,
    message: &str,
    author: &str,
) -> Result<BranchCommit, String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        "the landscape is not in a git checkout; download the patch instead".to_owned()
    })?;
    let top = std::path::PathBuf::from(top);
    let prefix = dir
        .canonicalize()
        .ok()
        .and_then(|d| {
            d.strip_prefix(top.canonicalize().ok()?)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    if git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}"),
        ],
    )
    .is_ok()
    {
        return Err(format!("the branch `{branch}` exists already"));
    }
    let tmp = std::env::temp_dir().join(format!("linchpin-worktree-{}", crate::db::secret()));
    let tmp_s = tmp.to_string_lossy().into_owned();
    git(
        &top,
        &["worktree", "add", "--quiet", "-b", branch, &tmp_s, "HEAD"],
    )?;
    let result = (|| {
        let patch = tmp.join(".linchpin.patch");
        std::fs::write(&patch, diff).map_err(|e| format!("cannot write the patch: {e}"))?;
        let patch_s = patch.to_string_lossy().into_owned();
        let mut apply = vec!["apply"];
        let dir_arg = format!("--directory={prefix}");
        if !prefix.is_empty() {
            apply.push(&dir_arg);
        }
        apply.push(&patch_s);
        git(&tmp, &apply)?;
        let _ = std::fs::remove_file(&patch);
        git(&tmp, &["add", "-A"])?;
        git(
            &tmp,
            &[
                "-c",
                "user.name=Linchpin",
                "-c",
                "user.email=linchpin@localhost",
                "commit",
                "--quiet",
                "--author",
                &format!("{author} via Linchpin <linchpin@localhost>"),
                "-m",
                message,
            ],
        )?;
        git(&tmp, &["rev-parse", "HEAD"])
    })();
    let _ = git(&top, &["worktree", "remove", "--force", &tmp_s]);
    match result {
        Ok(commit) => Ok(BranchCommit {
            branch: branch.to_owned(),
            commit,
        }),
        Err(e) => {
            let _ = git(&top, &["branch", "-D", branch]);
            Err(e)
        }
    }
}
