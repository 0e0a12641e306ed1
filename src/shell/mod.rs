//! The `skydrive-cli` shell: one grammar for the interactive prompt, scripts (stdin or `-f`),
//! `-c` strings and seed-style one-shot commands (design.md §2).
//!
//! The library is async; the shell owns a tokio runtime and runs one command at a time with
//! `block_on`. In script modes the first failing command stops the run (fail-fast) with its
//! exit code and a `SOURCE:LINE: message` on stderr; `-cmd`, `||` and `--keep-going` opt out.

pub mod cache;
pub mod commands;
pub mod completion;
pub mod connect;
pub mod error;
pub mod glob;
pub mod items;
pub mod lexer;
pub mod output;
pub mod progress;
mod repl;
pub mod script;
pub mod session;

use clap::{CommandFactory, FromArgMatches, Parser};
use std::io::IsTerminal;
use std::path::PathBuf;

use crate::config::Config;
use connect::Demo;
use error::{CommandError, exit};
use output::Format;
use script::{Policy, Runner};
use session::{Addressing, Session, Settings};

/// Command-line options of `skydrive-cli`.
#[derive(Debug, Parser)]
#[command(
    name = "skydrive-cli",
    version,
    about = "An interactive shell and scripting tool for OneDrive",
    after_help = "Run `skydrive-cli help` for the commands, `skydrive-cli CMD -h` for one command.\n\
                  Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 auth, 5 transient, \
                  6 partial, 7 conflict, 130 interrupted."
)]
pub struct Cli {
    /// Config file (default: $SKYDRIVE_CONFIG, else ~/.lcrc).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Run these commands, then exit (fail-fast).
    #[arg(short = 'c', value_name = "CMDS", conflicts_with_all = ["file", "exec"])]
    pub commands: Option<String>,
    /// Run the commands in FILE, then exit (fail-fast).
    #[arg(short = 'f', value_name = "FILE", conflicts_with = "exec")]
    pub file: Option<PathBuf>,
    /// Run these commands, then stay interactive.
    #[arg(short = 'e', value_name = "CMDS")]
    pub exec: Option<String>,
    /// Use an embedded demo drive (a Graph emulator on loopback); no account needed.
    #[arg(long)]
    pub demo: bool,
    /// Read every object argument as a path.
    #[arg(short = 'p', long = "path", conflicts_with = "id")]
    pub path: bool,
    /// Read every object argument as an item id.
    #[arg(short = 'i', long = "id")]
    pub id: bool,
    /// Print listings as JSON lines (errors as JSON on stderr).
    #[arg(long)]
    pub json: bool,
    /// Print errors only: no notes, no progress.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Print request details with errors.
    #[arg(short = 'v', long = "debug", visible_alias = "verbose")]
    pub verbose: bool,
    /// In scripts, go on after a failure (exit with the first failure's code).
    #[arg(long)]
    pub keep_going: bool,
    /// A seed-style command to run, e.g. `skydrive-cli ls Pics`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub argv: Vec<String>,
}

/// The command tree for shell completion scripts (`completions/`): the global options plus
/// every shell command as a subcommand, as in seed-style `skydrive-cli CMD ARGS`.
pub fn completion_command() -> clap::Command {
    let mut top = Cli::command();
    top.build();
    let args: Vec<clap::Arg> = top
        .get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "argv" | "help" | "version"))
        .cloned()
        .collect();
    let subs: Vec<clap::Command> = commands::CommandLine::command()
        .get_subcommands()
        .cloned()
        .collect();
    clap::Command::new("skydrive-cli")
        .version(env!("CARGO_PKG_VERSION"))
        .about("An interactive shell and scripting tool for OneDrive")
        .disable_help_subcommand(true)
        .args(args)
        .subcommands(subs)
}

/// Parses the process arguments (exits on `-h`, `-V` and usage errors, with code 2).
pub fn parse_args() -> Cli {
    let matches = Cli::command().get_matches();
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
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
    rt.block_on(survive_file_size_limit());
    let settings = settings(&cli);
    // `_demo` keeps the demo emulator serving for as long as the shell runs.
    let (_demo, mut sess) = match rt.block_on(connect(&cli, settings)) {
        Ok(pair) => pair,
        Err(e) => {
            report_fatal(&e, settings);
            return e.code;
        }
    };
    match rt.block_on(run_mode(&cli, &mut sess)) {
        Some(code) => code,
        // The prompt runs outside the runtime so that the completer may block_on fetches.
        None => repl::run(&rt, &mut sess, if cli.demo { "demo" } else { "onedrive" }),
    }
}

/// Writing past the file size limit (`ulimit -f`) raises SIGXFSZ, whose default action kills
/// the process before it can say why or remove its partial file. Installing a handler (tokio's,
/// the only signal API among our dependencies) replaces that action for the whole process, so
/// the write fails with EFBIG instead and `get` reports it. Its wake-ups are never read.
async fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        /// SIGXFSZ on Linux and the BSDs (macOS included).
        const SIGXFSZ: i32 = 25;
        // If this fails the default action stays: the process dies, as any other program would.
        let _ = signal(SignalKind::from_raw(SIGXFSZ));
    }
}

async fn connect(cli: &Cli, settings: Settings) -> Result<(Demo, Session), CommandError> {
    let (demo, conn) = if cli.demo {
        connect::demo(connect::notices(settings)).await?
    } else {
        let path = Config::default_path(cli.config.as_deref());
        let notify = connect::notices(settings);
        (Demo::default(), connect::from_config(path, notify)?)
    };
    Ok((demo, Session::new(conn, settings)))
}

fn settings(cli: &Cli) -> Settings {
    let stdout_tty = std::io::stdout().is_terminal();
    let format = if cli.json {
        Format::Json
    } else if stdout_tty {
        Format::Table
    } else {
        Format::Seed
    };
    let script = cli.commands.is_some() || cli.file.is_some();
    Settings {
        format,
        quiet: cli.quiet,
        verbose: cli.verbose,
        progress: std::io::stderr().is_terminal() && !cli.quiet && !cli.json,
        interactive: std::io::stdin().is_terminal() && !script,
        argv_mode: !cli.argv.is_empty() && !script,
        addressing: if cli.path {
            Addressing::Path
        } else if cli.id {
            Addressing::Id
        } else {
            Addressing::Guess
        },
    }
}

fn report_fatal(e: &CommandError, settings: Settings) {
    if settings.format == Format::Json {
        eprint!(
            "{}",
            output::json_line(&serde_json::json!({"error": e.message, "code": e.code,
                "hint": e.hint, "detail": e.detail}))
        );
        return;
    }
    eprintln!("skydrive-cli: {e}");
    if let (true, Some(d)) = (settings.verbose, &e.detail) {
        eprintln!("detail: {d}");
    }
}

/// Runs the non-interactive part of the invocation; `None` when the prompt should follow.
async fn run_mode(cli: &Cli, sess: &mut Session) -> Option<u8> {
    let policy = if cli.keep_going {
        Policy::KeepGoing
    } else {
        Policy::FailFast
    };
    if let Some(cmds) = &cli.commands {
        let mut runner = Runner::new(policy, "-c");
        return Some(match script::run_text(sess, &mut runner, cmds).await {
            Some(code) => code,
            None => runner.finish(sess),
        });
    }
    if let Some(file) = &cli.file {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("skydrive-cli: {}: {e}", file.display());
                return Some(exit::NOT_FOUND);
            }
        };
        let mut runner = Runner::new(policy, &file.display().to_string());
        return Some(match script::run_text(sess, &mut runner, &text).await {
            Some(code) => code,
            None => runner.finish(sess),
        });
    }
    if !cli.argv.is_empty() {
        let argv = mark_globs(sess, cli.argv.clone());
        return Some(match script::run_args(sess, argv).await {
            Ok(()) => sess.exit_requested.unwrap_or(exit::OK),
            Err(e) => {
                report_fatal(&e, sess.settings);
                e.code
            }
        });
    }
    if let Some(cmds) = &cli.exec {
        let mut runner = Runner::new(Policy::Interactive, "-e");
        if let Some(code) = script::run_text(sess, &mut runner, cmds).await
            && sess.exit_requested.is_some()
        {
            return Some(code);
        }
    }
    if std::io::stdin().is_terminal() {
        return None;
    }
    let mut runner = Runner::new(policy, "stdin");
    Some(
        match script::run_reader(sess, &mut runner, std::io::stdin().lock()).await {
            Some(code) => code,
            None => runner.finish(sess),
        },
    )
}

/// Seed-style argv words arrive split by the user's shell; words with glob characters are
/// patterns (`skydrive-cli rm '*.tmp'`), matched like the same word in a script.
fn mark_globs(sess: &mut Session, argv: Vec<String>) -> Vec<String> {
    sess.globs = argv
        .iter()
        .skip(1)
        .filter(|a| glob::is_pattern(a))
        .cloned()
        .collect();
    argv
}
