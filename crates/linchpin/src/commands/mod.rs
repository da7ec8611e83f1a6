//! One module per subcommand.

mod analysis;
mod calendar;
mod check;
mod concentration;
mod cutsets;
mod diff;
mod discover;
mod explain;
mod export;
mod graph;
mod init;
mod playbook;
mod rank;
mod report;
mod risk;
mod serve;
mod validate;
mod whatif;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Whatif(args) => whatif::run(&args),
        Command::Rank(args) => rank::run(&args),
        Command::Playbook(args) => playbook::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Concentration(args) => concentration::run(&args),
        Command::Cutsets(args) => cutsets::run(&args),
        Command::Risk(args) => risk::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Calendar(args) => calendar::run(&args),
        Command::Discover(args) => discover::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Validate(crate::cli::ValidateCommand::DoraRoi(args)) => validate::dora(&args),
        Command::Export(crate::cli::ExportCommand::DoraRoi(args)) => export::dora(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Explain(args) => explain::run(&args),
    }
}
