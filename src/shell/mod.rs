//! The `skydrive-cli` shell: one grammar for the interactive prompt, scripts (stdin or `-f`),
//! `-c` strings and seed-style one-shot commands (design.md §2).
//!
//! The library is async; the shell owns a single-threaded tokio runtime and runs one command
//! at a time on it. One thread is the leanest path for a transfer (body chunks never cross
//! threads, bench/results.md); the prompt's line editor has a thread of its own so that the
//! runtime keeps running between lines (`linereader`). In script modes the first failing command stops the run (fail-fast) with its
//! exit code and a `SOURCE:LINE: message` on stderr; `-cmd`, `||` and `--keep-going` opt out.

mod cache;
mod commands;
mod completion;
mod connect;
mod error;
mod glob;
mod hint;
mod histfile;
mod items;
mod lexer;
mod linereader;
mod output;
mod progress;
mod repl;
mod script;
mod session;

/// What `bench/micro.rs` measures (Tab completion in a cached folder); not part of the API.
#[doc(hidden)]
pub mod bench {
    pub use super::cache::DirCache;
    pub use super::completion::ShellHelper;
}

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
    after_help = "Run `skydrive-cli help` for the commands, `skydrive-cli help CMD` for one command.\n\
                  Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 auth, 5 transient, \
                  6 partial, 7 conflict, 130 interrupted."
)]
struct Cli {
    /// Config file (default: $SKYDRIVE_CONFIG, else ~/.lcrc).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Run these commands, then exit (fail-fast).
    #[arg(short = 'c', value_name = "CMDS", conflicts_with_all = ["file", "exec"])]
    commands: Option<String>,
    /// Run the commands in FILE, then exit (fail-fast).
    #[arg(short = 'f', value_name = "FILE", conflicts_with = "exec")]
    file: Option<PathBuf>,
    /// Run these commands, then stay interactive.
    #[arg(short = 'e', value_name = "CMDS")]
    exec: Option<String>,
    /// Use an embedded demo drive (a Graph emulator on loopback); no account needed.
    #[arg(long)]
    demo: bool,
    /// Read every object argument as a path.
    #[arg(short = 'p', long = "path", conflicts_with = "id")]
    path: bool,
    /// Read every object argument as an item id.
    #[arg(short = 'i', long = "id")]
    id: bool,
    /// Print listings as JSON lines (errors as JSON on stderr).
    #[arg(long)]
    json: bool,
    /// Print errors only: no notes, no progress.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Print request details with errors.
    #[arg(short = 'v', long = "debug", visible_alias = "verbose")]
    verbose: bool,
    /// In scripts, go on after a failure (exit with the first failure's code).
    #[arg(long)]
    keep_going: bool,
    /// A seed-style command to run, e.g. `skydrive-cli ls Pics`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    argv: Vec<String>,
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
fn parse_args() -> Cli {
    let matches = Cli::command().get_matches();
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
}

/// Runs `skydrive-cli` with the process's arguments and returns its exit status (exits at
/// once, with code 2, on `-h`, `-V` and usage errors of the global options).
pub fn main() -> u8 {
    let cli = parse_args();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("skydrive-cli: cannot start the async runtime: {e}");
            return exit::FAILED;
        }
    };
    rt.block_on(survive_file_size_limit());
    hint::set_options(cli.config.as_deref(), cli.demo);
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
        return Some(run_script(sess, policy, "-c", cmds).await);
    }
    if let Some(file) = &cli.file {
        let source = file.display().to_string();
        return Some(match read_script(&source, std::fs::read(file)) {
            Ok(text) => run_script(sess, policy, &source, &text).await,
            Err(e) => fail(&e, sess.settings),
        });
    }
    if !cli.argv.is_empty() {
        let argv = mark_globs(sess, cli.argv.clone());
        return Some(match script::run_args(sess, argv).await {
            Ok(()) => sess.exit_requested.unwrap_or(exit::OK),
            Err(e) => fail(&e, sess.settings),
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
    // A script on standard input is read to its end first, like `-f`, so that it is checked
    // whole before anything runs.
    let mut bytes = Vec::new();
    let read = std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes);
    Some(match read_script("stdin", read.map(|_| bytes)) {
        Ok(text) => run_script(sess, policy, "stdin", &text).await,
        Err(e) => fail(&e, sess.settings),
    })
}

/// Runs a whole script under `policy`; returns the exit status.
async fn run_script(sess: &mut Session, policy: Policy, source: &str, text: &str) -> u8 {
    let mut runner = Runner::new(policy, source);
    match script::run_text(sess, &mut runner, text).await {
        Some(code) => code,
        None => runner.finish(sess),
    }
}

/// A script's text, or why it cannot be read: a missing file is exit 3, text that is not
/// UTF-8 exit 2, any other failure exit 1.
fn read_script(source: &str, read: std::io::Result<Vec<u8>>) -> Result<String, CommandError> {
    match read {
        Ok(bytes) => script::script_text(source, bytes),
        Err(e) => {
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                exit::NOT_FOUND
            } else {
                exit::FAILED
            };
            Err(CommandError::new(code, format!("{source}: {e}")))
        }
    }
}

/// Reports a failure that ends the run; returns its code.
fn fail(e: &CommandError, settings: Settings) -> u8 {
    report_fatal(e, settings);
    e.code
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
