//! `linchpin explain CODE`.

use crate::cli::ExplainArgs;
use crate::output::print_stdout;
use anyhow::bail;
use linchpin_diagnostics::{codes, did_you_mean};
use std::process::ExitCode;

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        let width = codes::CODES
            .iter()
            .chain(codes::FINDINGS)
            .map(|c| c.code.len())
            .max()
            .unwrap_or(0);
        let mut text = String::from("Diagnostics (problems in the landscape files):\n");
        let line = |c: &codes::CodeInfo| {
            format!(
                "  {:<width$}  {:<7}  {}\n",
                c.code,
                c.severity.as_str(),
                c.summary
            )
        };
        for c in codes::CODES {
            text.push_str(&line(c));
        }
        text.push_str("\nReadiness findings (severity configurable in linchpin.toml):\n");
        for c in codes::FINDINGS {
            text.push_str(&line(c));
        }
        print_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let code = args.code.as_deref().unwrap_or_default();
    let Some(info) = codes::lookup(code) else {
        let hint = did_you_mean(
            code,
            codes::CODES.iter().chain(codes::FINDINGS).map(|c| c.code),
        )
        .map(|near| format!("; did you mean `{near}`?"))
        .unwrap_or_else(|| "; `linchpin explain --list` lists every code".to_owned());
        bail!("unknown code `{code}`{hint}");
    };
    print_stdout(&format!(
        "{} ({} by default): {}\n\n{}\n",
        info.code,
        info.severity.as_str(),
        info.summary,
        info.explanation
    ))?;
    Ok(ExitCode::SUCCESS)
}
