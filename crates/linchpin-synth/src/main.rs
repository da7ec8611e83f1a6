//! `linchpin-synth [--entities N] [--seed S] OUT_DIR`: writes a synthetic
//! landscape for benchmarks (`--risk`: with costs and failure data); `--register ARRANGEMENTS [--services N]` writes
//! a bank keeping a DORA register instead.
#![allow(clippy::disallowed_methods)] // a generator writes files

use linchpin_synth::{generate, Config};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut config = Config::new(10_000);
    let mut out: Option<PathBuf> = None;
    let mut register: Option<(usize, usize)> = None;
    let mut risk = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Option<u64> {
            let value = args.next().and_then(|v| v.replace('_', "").parse().ok());
            if value.is_none() {
                eprintln!("error: {name} needs a number");
            }
            value
        };
        match arg.as_str() {
            "--entities" => match number("--entities") {
                Some(n) => config.entities = n as usize,
                None => return ExitCode::from(2),
            },
            "--register" => match number("--register") {
                Some(n) => register = Some((n as usize, register.map_or(4, |r| r.1))),
                None => return ExitCode::from(2),
            },
            "--services" => match number("--services") {
                Some(n) => register = Some((register.map_or(5_000, |r| r.0), n as usize)),
                None => return ExitCode::from(2),
            },
            "--risk" => risk = true,
            "--seed" => match number("--seed") {
                Some(n) => config.seed = n,
                None => return ExitCode::from(2),
            },
            "-h" | "--help" => {
                println!("usage: linchpin-synth [--entities N] [--seed S] [--risk] [--register ARRANGEMENTS [--services N]] OUT_DIR");
                return ExitCode::SUCCESS;
            }
            other => out = Some(PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: linchpin-synth [--entities N] [--seed S] [--risk] [--register ARRANGEMENTS [--services N]] OUT_DIR");
        return ExitCode::from(2);
    };
    let mut files = match register {
        Some((arrangements, services)) => {
            linchpin_synth::register::generate(arrangements, services)
        }
        None => generate(&config),
    };
    if risk {
        linchpin_synth::add_risk_data(&mut files, config.seed);
    }
    let mut bytes = 0;
    for file in &files {
        let path = out.join(&file.path);
        if let Err(e) = std::fs::create_dir_all(path.parent().unwrap_or(&out))
            .and_then(|()| std::fs::write(&path, &file.text))
        {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        bytes += file.text.len();
    }
    eprintln!(
        "wrote {} in {} files ({:.1} MB) to {}",
        match register {
            Some((a, s)) => format!("a bank with {a} arrangements of {s} services"),
            None => format!("{} entities", config.entities.max(100)),
        },
        files.len(),
        bytes as f64 / 1e6,
        out.display()
    );
    ExitCode::SUCCESS
}
