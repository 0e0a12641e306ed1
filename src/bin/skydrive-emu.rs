//! `skydrive-emu`: the Graph emulator as a standalone server (design.md §6).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use skydrive::emulator::{Emulator, EmulatorOptions};

/// A OneDrive-compatible Microsoft Graph server on loopback, for tests, demos and benchmarks.
#[derive(Debug, Parser)]
#[command(name = "skydrive-emu", version)]
struct Args {
    /// Address to listen on (Graph API); port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Write a client config (client id, endpoints, tokens) pointing at this server to FILE.
    #[arg(long, value_name = "FILE")]
    write_config: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("skydrive-emu: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async {
        let opts = EmulatorOptions {
            addr: args.addr,
            ..EmulatorOptions::default()
        };
        let emu = Emulator::start(opts)
            .await
            .context("starting the emulator")?;
        println!("listening on {}", emu.graph_url());
        if let Some(path) = &args.write_config {
            emu.write_config(path)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote client config to {}", path.display());
        }
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        Ok(())
    })
}
