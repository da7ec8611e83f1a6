//! The `linchpin` command line: parses arguments, runs one subcommand, maps
//! the outcome to a documented exit code (0 clean, 1 failing, 2 usage or
//! I/O error).
#![deny(clippy::disallowed_methods)]

mod cli;
mod commands;
mod output;
mod revision;

use std::process::ExitCode;

// Loading a large landscape allocates millions of small strings on two
// threads; mimalloc is markedly faster at that than the system allocator
// (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(error) => {
            if output::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            output::print_error(&error);
            ExitCode::from(2)
        }
    }
}
