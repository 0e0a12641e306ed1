//! The `skydrive-cli` shell: one grammar for the interactive prompt, scripts (stdin or `-f`),
//! `-c` strings and seed-style one-shot commands (design.md §2).
//!
//! The library is async; the shell owns a tokio runtime and runs one command at a time with
//! `block_on`. In script modes the first failing command stops the run (fail-fast) with its
//! exit code and a `SOURCE:LINE: message` on stderr.

pub mod commands;
pub mod error;
pub mod output;
mod repl;
mod script;
pub mod session;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;

use crate::config::Config;
use crate::graph::{GraphClient, StaticToken};
use error::{CommandError, exit};
use session::Session;

/// Command-line options of `skydrive-cli`.
#[derive(Debug, Parser)]
#[command(
    name = "skydrive-cli",
    version,
    about = "An interactive shell and scripting tool for OneDrive"
)]
pub struct Cli {
    /// Config file (default: $SKYDRIVE_CONFIG, else ~/.lcrc).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// Run these commands, then exit.
    #[arg(short = 'c', value_name = "CMDS", conflicts_with = "file")]
    pub commands: Option<String>,
    /// Run the commands in FILE, then exit.
    #[arg(short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Use an embedded demo drive (a Graph emulator on loopback); no account needed.
    #[arg(long)]
    pub demo: bool,
    /// A seed-style command to run, e.g. `skydrive-cli ls Pics`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub argv: Vec<String>,
}

/// Runs the shell and returns the process exit status.
pub fn main(cli: Cli) -> u8 {
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("skydrive-cli: cannot start the async runtime: {e}");
            return exit::FAILED;
        }
    };
    rt.block_on(async { run(cli).await })
}

async fn run(cli: Cli) -> u8 {
    // Keeps the demo emulator alive for as long as the shell runs.
    #[cfg(feature = "emulator")]
    let mut _demo = None;
    let client = if cli.demo {
        #[cfg(feature = "emulator")]
        {
            match start_demo().await {
                Ok((emu, client)) => {
                    _demo = Some(emu);
                    Ok(client)
                }
                Err(e) => Err(e),
            }
        }
        #[cfg(not(feature = "emulator"))]
        {
            Err(CommandError::usage("--demo needs the `emulator` feature"))
        }
    } else {
        client_from_config(&cli)
    };
    let mut sess = match client {
        Ok(client) => Session::new(client),
        Err(e) => {
            eprintln!("skydrive-cli: {e}");
            return e.code;
        }
    };
    if let Some(cmds) = &cli.commands {
        script::run_text(&mut sess, "-c", cmds).await
    } else if let Some(file) = &cli.file {
        match std::fs::read_to_string(file) {
            Ok(text) => script::run_text(&mut sess, &file.display().to_string(), &text).await,
            Err(e) => {
                eprintln!("skydrive-cli: {}: {e}", file.display());
                exit::NOT_FOUND
            }
        }
    } else if !cli.argv.is_empty() {
        script::run_words(&mut sess, cli.argv.clone()).await
    } else if std::io::stdin().is_terminal() {
        repl::run(&mut sess).await
    } else {
        script::run_stdin(&mut sess).await
    }
}

fn client_from_config(cli: &Cli) -> Result<GraphClient, CommandError> {
    let path = Config::default_path(cli.config.as_deref());
    let cfg = Config::load(&path)?;
    let token = cfg.access_token.clone().ok_or_else(|| {
        CommandError::new(
            exit::AUTH,
            format!("{}: not signed in (no auth.access_token)", path.display()),
        )
        .with_hint("run `skydrive-cli auth` to sign in, or try `skydrive-cli --demo`")
    })?;
    Ok(GraphClient::new(
        &cfg.graph_url,
        Arc::new(StaticToken(token)),
    )?)
}

#[cfg(feature = "emulator")]
async fn start_demo() -> Result<(crate::emulator::Emulator, GraphClient), CommandError> {
    use crate::emulator::{Emulator, EmulatorOptions};
    let emu = Emulator::start(EmulatorOptions::default()).await?;
    let client = GraphClient::new(
        emu.graph_url(),
        Arc::new(StaticToken(emu.access_token().to_owned())),
    )?;
    Ok((emu, client))
}
