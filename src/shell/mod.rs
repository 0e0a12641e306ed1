//! The `skydrive-cli` shell: one grammar for the interactive prompt, scripts (stdin or `-f`),
//! `-c` strings and seed-style one-shot commands (design.md §2).
//!
//! The library is async; the shell owns a single-threaded tokio runtime and runs one command
//! at a time on it. One thread is the leanest path for a transfer (body chunks never cross
//! threads, bench/results.md); the prompt's line editor has a thread of its own so that the
//! runtime keeps running between lines (`linereader`). In script modes the first failing command stops the run (fail-fast) with its
//! exit code and a `SOURCE:LINE: message` on stderr; `-cmd`, `||` and `--keep-going` opt out.

/// `eprintln!` that cannot panic. `eprintln!` panics when standard error refuses the write
/// (`2> /dev/full`), which turned every reported failure into exit 101; a message that cannot
/// be written is lost instead, and the command keeps its own exit status. Every line the shell
/// writes to standard error goes through this (a test scans `src/shell` for `eprintln!`).
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that cannot panic (see `errln!`).
macro_rules! errprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

mod cache;
mod cli;
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
mod place;
mod progress;
mod repl;
mod script;
mod session;
mod target;

/// What `bench/micro.rs` measures (Tab completion in a cached folder); not part of the API.
#[doc(hidden)]
pub mod bench {
    pub use super::cache::DirCache;
    pub use super::completion::ShellHelper;
}

use std::io::IsTerminal;

use crate::config::Config;
pub use cli::completion_command;
use cli::{Cli, guard_stdio, parse_args, settings};
use connect::Demo;
use error::{CommandError, exit};
use output::Format;
use script::{Policy, Runner};
use session::{Session, Settings};

/// Runs `skydrive-cli` with the process's arguments and returns its exit status.
pub fn main() -> u8 {
    guard_stdio();
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            errln!("skydrive-cli: cannot start the async runtime: {e}");
            return exit::FAILED;
        }
    };
    rt.block_on(async {
        survive_file_size_limit();
        script::watch_termination();
    });
    hint::set_options(cli.config.as_deref(), cli.demo);
    let settings = settings(&cli);
    output::set_json_messages(settings.format == Format::Json);
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

/// What a local path is when it is there but is neither a regular file nor a folder (links
/// followed): `a FIFO`, `a socket`, `a device`. Such a path is never read or written as a
/// file: reading a FIFO waits for a writer, a device never ends (`/dev/zero`) or refuses.
pub(crate) fn special_file(path: &std::path::Path) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = std::fs::metadata(path).ok()?.file_type();
        if t.is_fifo() {
            return Some("a FIFO");
        } else if t.is_socket() {
            return Some("a socket");
        } else if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

/// Writing past the file size limit (`ulimit -f`) raises SIGXFSZ, whose default action kills
/// the process before it can say why or remove its partial file. Installing a handler (tokio's,
/// the only signal API among our dependencies) replaces that action for the whole process, so
/// the write fails with EFBIG instead and `get` reports it. Its wake-ups are never read.
fn survive_file_size_limit() {
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

fn report_fatal(e: &CommandError, settings: Settings) {
    if settings.format == Format::Json {
        errprint!(
            "{}",
            output::json_line(&serde_json::json!({"error": e.message, "code": e.code,
                "hint": e.hint, "detail": e.detail}))
        );
        return;
    }
    errln!("skydrive-cli: {e}");
    if let (true, Some(d)) = (settings.verbose, &e.detail) {
        errln!("detail: {d}");
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
        if file.as_os_str() == "-" {
            return Some(run_stdin(sess, policy).await);
        }
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
    Some(run_stdin(sess, policy).await)
}

/// Runs the script on standard input (piped, or `-f -`): read to its end first, like `-f`,
/// so that it is checked whole before anything runs.
async fn run_stdin(sess: &mut Session, policy: Policy) -> u8 {
    let mut bytes = Vec::new();
    let read = std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes);
    match read_script("stdin", read.map(|_| bytes)) {
        Ok(text) => run_script(sess, policy, "stdin", &text).await,
        Err(e) => fail(&e, sess.settings),
    }
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
