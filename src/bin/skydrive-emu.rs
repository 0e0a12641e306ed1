//! `skydrive-emu`: the Graph emulator as a standalone server (design.md §6).

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use skydrive::emulator::{
    CopyMonitor, Emulator, EmulatorOptions, Faults, Hostile, LoginFault, Profile, Seed, TreeShape,
    parse_duration,
};

/// A OneDrive-compatible Microsoft Graph server on loopback, for tests, demos and benchmarks.
#[derive(Debug, Parser)]
#[command(name = "skydrive-emu", version)]
struct Args {
    /// Address to listen on (Graph API); port 0 picks a free port. Downloads and uploads go to
    /// a second port on the same address.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Write a client config (client id, endpoints, tokens) pointing at this server to FILE.
    #[arg(long, value_name = "FILE")]
    write_config: Option<PathBuf>,
    /// Keep the drive in DIR (tree + file contents) so it survives restarts.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Behave like personal OneDrive or OneDrive for work or school (ids, tags, times,
    /// hashes, name rules, delta, drives). A data dir keeps the profile it was made with.
    #[arg(long, value_name = "PROFILE", default_value = "personal",
          value_parser = ["personal", "business"])]
    profile: String,
    /// What a new world holds: demo (the seed README's tree and a shortcut to a shared
    /// folder), kinds (the demo plus a OneNote notebook, a malware-flagged file and shared
    /// items), readme (the seed README's tree only) or empty.
    #[arg(long, value_name = "SEED", value_parser = ["demo", "kinds", "readme", "empty"],
          conflicts_with_all = ["demo", "empty", "seed_tree"])]
    seed: Option<String>,
    /// A new world holds a synthetic tree of FOLDERS folders (`/Big` among them) and FILES
    /// files, at most DEPTH levels deep (default 3): `/Big` holds min(100000, FILES/2) files,
    /// the other folders are `dNN/dNN/...` and share the other files `fNN.bin`. Names, sizes
    /// and times are the same at every start; contents are made on demand. 1,000,000 items
    /// take a few seconds and about 200 bytes each. With --data, only the items changed since
    /// are saved; the tree is made again at each start.
    #[arg(long, value_name = "FOLDERS,FILES[,DEPTH]", conflicts_with_all = ["demo", "empty"])]
    seed_tree: Option<TreeShape>,
    /// Seed the drive with the demo tree (the default; same as --seed demo).
    #[arg(long, conflicts_with = "empty")]
    demo: bool,
    /// Start with an empty drive (same as --seed empty).
    #[arg(long)]
    empty: bool,
    /// Delay every answer by this long (e.g. 50ms, 1s).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    latency: Option<Duration>,
    /// Answer every Nth Graph request with 429 and Retry-After.
    #[arg(long, value_name = "N", default_value_t = 0)]
    throttle_every: u32,
    /// The Retry-After of throttled answers: seconds (`1`), a decimal (`2.128`), `date:+N`
    /// (an HTTP-date N seconds ahead) or any text, sent as written.
    #[arg(long, value_name = "VALUE", default_value = "1")]
    retry_after: String,
    /// Answer every Nth Graph request with 503.
    #[arg(long, value_name = "N", default_value_t = 0)]
    fail_every: u32,
    /// Drop the connection half-way through every Nth download.
    #[arg(long, value_name = "N", default_value_t = 0)]
    drop_every: u32,
    /// Store every Nth upload fragment but answer it with 500.
    #[arg(long, value_name = "N", default_value_t = 0)]
    lose_fragment_every: u32,
    /// Send each download body at most this many KiB per second (0: unlimited); each body
    /// (connection) is paced on its own, as real servers limit each connection.
    #[arg(long, value_name = "KIB", default_value_t = 0)]
    download_rate: u64,
    /// Append every request to FILE as one JSON object per line (method, path, status,
    /// authorization, range, listener).
    #[arg(long, value_name = "FILE")]
    request_log: Option<PathBuf>,
    /// Access tokens expire after this long (e.g. 30s).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    token_ttl: Option<Duration>,
    /// Lie like a hostile or broken server (repeatable, or a comma list): escape-names,
    /// dotdot-names, slash-names, lying-sizes, truncated-json, malformed-json, wrong-types,
    /// short-body (downloads), short-json, repeat-next-link, endless-next-link, double-decode,
    /// wrong-hashes, no-hashes.
    #[arg(long, value_name = "MODE", value_delimiter = ',')]
    hostile: Vec<Hostile>,
    /// Make the identity authority answer like this (transient: throttled, unavailable,
    /// temporarily-unavailable, html-gateway, html-ok; the registration or config wrong:
    /// public-client-off, consumers-only; signed out: interaction-required; lenient reading:
    /// expires-in-string).
    #[arg(long, value_name = "FAULT")]
    login_fault: Option<LoginFault>,
    /// Give the login fault to this many identity requests, then answer honestly (0: all).
    #[arg(long, value_name = "N", default_value_t = 0)]
    login_fault_times: u32,
    /// List every file's size off by N bytes (downloads and hashes stay true).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    listed_size_delta: i64,
    /// Answer copy monitors like this: honest, stall (inProgress forever), slow (moves at each
    /// of five polls), busy (503 then inProgress, with --retry-after), gone (404 once the
    /// job ended).
    #[arg(long, value_name = "MODE", default_value = "honest")]
    copy_monitor: CopyMonitor,
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
        let seed = match (&args.seed, args.empty, args.seed_tree) {
            (_, _, Some(shape)) => Seed::Tree(shape),
            (Some(name), _, None) => name.parse::<Seed>().map_err(anyhow::Error::msg)?,
            (None, true, None) => Seed::Empty,
            (None, false, None) => Seed::Demo,
        };
        let opts = EmulatorOptions {
            addr: args.addr,
            seed,
            profile: args
                .profile
                .parse::<Profile>()
                .map_err(anyhow::Error::msg)?,
            data_dir: args.data.clone(),
            faults: Faults {
                latency: args.latency.unwrap_or_default(),
                throttle_every: args.throttle_every,
                retry_after: args.retry_after.clone(),
                fail_every: args.fail_every,
                drop_every: args.drop_every,
                lose_fragment_every: args.lose_fragment_every,
                download_rate: args.download_rate.saturating_mul(1024),
                token_ttl: args.token_ttl,
                hostile: args.hostile.clone(),
                listed_size_delta: args.listed_size_delta,
                login_fault: args.login_fault,
                login_fault_times: args.login_fault_times,
                copy_monitor: args.copy_monitor,
                ..Faults::default()
            },
            request_log_file: args.request_log.clone(),
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
        eprintln!(
            "content origin {}, identity authority {}",
            emu.content_origin(),
            emu.login_url()
        );
        stop_signal().await?;
        // Dropping the emulator saves what `--data` has not written yet.
        drop(emu);
        Ok(())
    })
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM: either stops the server cleanly.
async fn stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("waiting for SIGTERM")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("waiting for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    Ok(())
}
