//! `linchpin serve`: the team server.

use crate::cli::ServeArgs;
use anyhow::{anyhow, bail, Context};
use linchpin_model::Date;
use linchpin_server::access::PublicUrl;
use linchpin_server::db::Role;
use linchpin_server::{ServeOptions, Settings, Today};
use std::process::ExitCode;
use std::time::Duration;

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    // Few blocking threads: each keeps its allocator's memory, and the
    // blocking work (loading, the full report) is rare.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    if let Some(name) = &args.create_token {
        let role = Role::parse(&args.role).ok_or_else(|| {
            anyhow!(
                "role `{}` is not one of calendar, viewer, editor, admin",
                args.role
            )
        })?;
        let now = now_secs();
        let token = runtime
            .block_on(linchpin_server::create_token(
                &args.database,
                name,
                role,
                now,
            ))
            .map_err(|e| anyhow!(e))?;
        println!("{token}");
        eprintln!(
            "token `{name}` ({}) created; it is shown once — keep it safe",
            role.as_str()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !args.dir.is_dir() {
        bail!(
            "`{}` is not a folder; serve a landscape folder",
            args.dir.display()
        );
    }
    let today = match (&args.today, &args.today_file) {
        (Some(t), _) => {
            Today::Fixed(Date::parse(t).map_err(|e| anyhow!("invalid --today `{t}`: {e}"))?)
        }
        (None, Some(f)) => Today::File(f.clone()),
        (None, None) => Today::System,
    };
    let options = ServeOptions {
        settings: Settings {
            dir: args.dir.clone(),
            today,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_upload: args.max_upload.max(1) * 1024 * 1024,
            bind: args.bind,
            public_url: args
                .public_url
                .as_deref()
                .map(PublicUrl::parse)
                .transpose()
                .map_err(|e| anyhow!(e))?,
            // Settings that name a variable (`[notify.smtp] password-env`)
            // read it from here; the binary is the one reader of the
            // environment.
            environment: linchpin_server::Environment(std::env::vars().collect()),
        },
        database: args.database.clone(),
        poll: Duration::from_secs(args.poll.max(1)),
    };
    runtime
        .block_on(linchpin_server::serve(options))
        .map_err(|e| anyhow!(e))?;
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::disallowed_methods)] // the binary reads the clock
fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
