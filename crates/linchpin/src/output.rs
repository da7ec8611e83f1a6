//! The one place that writes to the terminal: colour decisions, data to
//! stdout, errors to stderr.

use std::io::{IsTerminal, Write};

/// Whether stdout should get colour: a terminal, and `NO_COLOR` unset.
#[allow(clippy::disallowed_methods)] // the binary is where the environment is read
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Writes data to stdout.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
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
