//! The one place that writes to the terminal: colour decisions, data to
//! stdout, errors to stderr.

use std::io::{IsTerminal, Write};

/// Whether stdout should get colour: a terminal, and `NO_COLOR` unset.
#[allow(clippy::disallowed_methods)] // the binary is where the environment is read
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// How many columns a table for people may take: `COLUMNS` when set, else
/// the terminal's width; `None` (no limit) when stdout is not a terminal,
/// so that piped output keeps every character.
#[allow(clippy::disallowed_methods)] // the binary is where the environment is read
pub fn table_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
    {
        return Some(n);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
}

/// Writes data to stdout.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// Writes to stdout through `write`, buffered, as the data is made.
pub fn print_with(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    write(&mut out)?;
    out.flush()
}

/// Prints a fatal error and its causes to stderr.
pub fn print_error(error: &anyhow::Error) {
    let mut text = format!("error: {error}\n");
    for cause in error.chain().skip(1) {
        text.push_str(&format!("  caused by: {cause}\n"));
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Whether the error is a closed pipe (`linchpin check | head`): not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes a file atomically: to a temporary file beside it, then renamed
/// over it, so that nothing is ever left half-written.
#[allow(clippy::disallowed_methods)] // the binary's one writer of files
pub fn write_atomic(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    write_atomic_bytes(path, contents.as_bytes())
}

/// [`write_atomic`] for bytes.
pub fn write_atomic_bytes(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |out| out.write_all(contents))
}

/// [`write_atomic`] for what is written piece by piece: `write` fills a
/// temporary file beside `path`, which replaces `path` only when all of it
/// was written.
#[allow(clippy::disallowed_methods)] // the binary's one writer of files
pub fn write_atomic_with(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let temp = temp_beside(path);
    let written = std::fs::File::create(&temp).and_then(|file| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&temp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
}

/// Writes a new file, never replacing one: whole (to a temporary file
/// beside it first), and linked into place only if nothing is there —
/// `AlreadyExists` otherwise, even when another writer got there since.
#[allow(clippy::disallowed_methods)] // the binary's one writer of files
pub fn write_new(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    let temp = temp_beside(path);
    let written = std::fs::File::create(&temp).and_then(|mut file| {
        file.write_all(contents.as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    linked
}

/// A temporary file's name in the folder of `path` (a rename within one
/// file system is atomic).
fn temp_beside(path: &std::path::Path) -> std::path::PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `value` as pretty JSON and a final newline.
pub fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => std::io::Error::from(kind),
        None => std::io::Error::other(e),
    })?;
    out.write_all(b"\n")
}

/// Reads a text file the user named on the command line.
#[allow(clippy::disallowed_methods)] // input the user points at, outside the landscape
pub fn read_input(path: &std::path::Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Runs `work` while a progress line on stderr counts the files read — only
/// when stderr is a terminal, so that nothing is printed into pipes or logs.
pub fn with_progress<T: Send>(
    progress: &linchpin_discover::scan::Progress,
    work: impl FnOnce() -> T + Send,
) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut shown = false;
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(150));
                let (done, total) = (
                    progress.done.load(Ordering::Relaxed),
                    progress.total.load(Ordering::Relaxed),
                );
                if total > 0 {
                    let _ = write!(std::io::stderr(), "\rscanning: {done}/{total} files");
                    shown = true;
                }
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        });
        let result = work();
        finished.store(true, Ordering::Relaxed);
        result
    })
}
