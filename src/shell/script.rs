//! The one dispatcher of every mode: runs parsed chains, applies `&&`/`||`/`-cmd`, decides
//! fail-fast or keep-going, prints `SOURCE:LINE: cmd: message` and cancels a command on Ctrl-C.
//!
//! Fail-fast is the default for scripts, stdin and `-c`: after a failed `cd`, the next `rm *`
//! must not run in the wrong folder. With `--keep-going` the run goes on and exits with the
//! *first* failure's code.
//!
//! Every script (`-c`, `-f`, standard input) is read whole and checked before its first
//! command runs: a syntax error, an unknown command or a bad option anywhere stops it with
//! exit 2 before anything is sent (`mkdir Pre; lss` creates nothing), and so does a line typed
//! at the prompt. With `--keep-going` such a command fails in its turn, like any other. A
//! message names the command exactly: `SOURCE:LINE:` for the first command of a line, and
//! `SOURCE:LINE:COLUMN:` for one that follows another on its line (`-c:1:5: cd: ...`). Every
//! error of the check is reported, syntax errors included, not only the first.
//!
//! A failure ignored with a leading `-` is reported as ignored and leaves the status 0, so a
//! script that ends with `-rm old.txt` exits 0.
//!
//! SIGTERM and SIGHUP are treated like Ctrl-C: the running command is cancelled and cleans up
//! as it does for Ctrl-C (no partial file under a final name, `.part` files removed unless
//! `-c`), then the shell exits with 128 + the signal's number. Between commands (and at an
//! idle prompt) there is nothing to clean up, and the shell exits at once.

mod local;
mod terminate;

pub use terminate::watch_termination;

use super::commands::{self, Parsed, dispatch};
use super::error::{CmdResult, CommandError, exit};
use super::lexer::{Chain, Cond, LexError, Script, Step, StepAction, Word, parse};
use super::output::{Format, json_line};
use super::session::Session;

/// What to do after a failed chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Stop the run with the failure's code (scripts and `-c`).
    FailFast,
    /// Go on; exit with the first failure's code (`--keep-going`).
    KeepGoing,
    /// Report and go on; the prompt shows the status (interactive).
    Interactive,
}

/// Where in its source a command is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At {
    line: usize,
    col: Option<usize>,
    /// The line holds an earlier command too: text messages must give the column.
    shares_line: bool,
}

impl At {
    fn of(step: &Step) -> Self {
        At {
            line: step.line,
            col: Some(step.col),
            shares_line: step.shares_line,
        }
    }

    fn line(line: usize) -> Self {
        At {
            line,
            col: None,
            shares_line: false,
        }
    }
}

/// Progress of a run over several chunks of input.
#[derive(Debug)]
pub struct Runner {
    policy: Policy,
    source: String,
    ran: usize,
    failed: usize,
    first_failure: Option<u8>,
}

impl Runner {
    /// A runner; `source` names the input in messages (`-c`, `stdin`, a file name).
    pub fn new(policy: Policy, source: &str) -> Self {
        Runner {
            policy,
            source: source.to_owned(),
            ran: 0,
            failed: 0,
            first_failure: None,
        }
    }

    /// Checks, then runs a parsed script; `Some(code)` when the run must stop (failure, a
    /// command that cannot run, or `exit`).
    pub async fn run(&mut self, sess: &mut Session, script: &Script) -> Option<u8> {
        if self.policy != Policy::KeepGoing
            && let Some(code) = self.check(sess, script)
        {
            return Some(code);
        }
        for (i, chain) in script.chains.iter().enumerate() {
            let status = self.chain(sess, chain).await;
            if let Some(code) = sess.exit_requested {
                return Some(code);
            }
            if status == exit::OK {
                continue;
            }
            self.failed += 1;
            self.first_failure.get_or_insert(status);
            if self.policy == Policy::FailFast {
                let rest: usize = script.chains[i + 1..].iter().map(Chain::len).sum();
                if rest > 0 {
                    notice(sess, &stopped(rest));
                }
                return Some(status);
            }
        }
        None
    }

    /// Reads every command of `script` as clap would, without running any; reports each one
    /// that cannot run and returns exit 2 if there is one.
    fn check(&mut self, sess: &mut Session, script: &Script) -> Option<u8> {
        let (bad, total) = self.check_steps(sess, script);
        if bad == 0 {
            return None;
        }
        self.refuse(sess, bad, total)
    }

    /// Reports the commands of `script` that cannot run; returns (how many, of how many).
    fn check_steps(&self, sess: &Session, script: &Script) -> (usize, usize) {
        let steps = script
            .chains
            .iter()
            .flat_map(|c| std::iter::once(&c.first).chain(c.rest.iter().map(|(_, s)| s)));
        let (mut bad, mut total) = (0, 0);
        for step in steps {
            total += 1;
            if let StepAction::Run(words) = &step.action
                && let Err(e) = commands::parse(args_of(words))
            {
                self.report(sess, At::of(step), &e, false);
                bad += 1;
            }
        }
        (bad, total)
    }

    /// Ends a run that the check refused: `bad` of `total` commands cannot run, so none runs.
    fn refuse(&mut self, sess: &mut Session, bad: usize, total: usize) -> Option<u8> {
        // At the prompt the line's errors say it all; only other commands not run are news.
        let not_run = if self.policy == Policy::Interactive {
            total.saturating_sub(bad)
        } else {
            total
        };
        if not_run > 0 {
            notice(sess, &stopped(not_run));
        }
        sess.last_status = exit::USAGE;
        self.failed += bad;
        self.first_failure.get_or_insert(exit::USAGE);
        Some(exit::USAGE)
    }

    /// The final status once the input is exhausted.
    pub fn finish(&self, sess: &Session) -> u8 {
        if self.policy == Policy::KeepGoing && self.failed > 0 {
            notice(
                sess,
                &format!("{} of {} commands failed", self.failed, self.ran),
            );
        }
        match self.policy {
            Policy::KeepGoing => self.first_failure.unwrap_or(exit::OK),
            _ => sess.last_status,
        }
    }

    /// Reports a lexing error at `line`.
    fn syntax_error(&self, sess: &Session, line: usize, e: &LexError) {
        let error = CommandError::usage(format!("syntax error: {e}")).with_hint(e.hint());
        self.report(sess, At::line(line), &error, false);
    }

    async fn chain(&mut self, sess: &mut Session, chain: &Chain) -> u8 {
        let mut status = self.step(sess, &chain.first).await;
        for (cond, step) in &chain.rest {
            if sess.exit_requested.is_some() {
                break;
            }
            let run = match cond {
                Cond::And => status == exit::OK,
                Cond::Or => status != exit::OK,
            };
            if run {
                status = self.step(sess, step).await;
            }
        }
        status
    }

    async fn step(&mut self, sess: &mut Session, step: &Step) -> u8 {
        self.ran += 1;
        let result = match &step.action {
            StepAction::Run(words) => run_words(sess, words).await,
            StepAction::Local(cmd) => local::run_local(cmd).await,
        };
        let status = match result {
            Ok(()) => exit::OK,
            Err(e) => {
                let ignored = step.ignore_failure && sess.exit_requested.is_none();
                self.report(sess, At::of(step), &e, ignored);
                if ignored { exit::OK } else { e.code }
            }
        };
        sess.last_status = status;
        status
    }

    /// Prints a failure at `at` (marked as ignored for a `-cmd`).
    fn report(&self, sess: &Session, at: At, e: &CommandError, ignored: bool) {
        let At {
            line,
            col,
            shares_line,
        } = at;
        let mark = if ignored { "ignored: " } else { "" };
        if sess.settings.format == Format::Json {
            let source = (self.policy != Policy::Interactive).then_some(&self.source);
            let mut v = serde_json::json!({"source": source, "line": line, "column": col,
                "error": e.message, "code": e.code, "hint": e.hint, "detail": e.detail});
            if ignored {
                v["ignored"] = true.into();
            }
            errprint!("{}", json_line(&v));
        } else if self.policy == Policy::Interactive {
            errln!("{}: {e}", if ignored { "ignored" } else { "error" });
        } else if let (Some(col), true) = (col, shares_line) {
            errln!("{}:{line}:{col}: {mark}{e}", self.source);
        } else {
            errln!("{}:{line}: {mark}{e}", self.source);
        }
        if let (true, Some(d)) = (sess.settings.verbose, &e.detail) {
            errln!("detail: {d}");
        }
    }
}

/// A line about the run as a whole (`stopped: ...`), on stderr: text, or a `{"notice": ...}`
/// JSON line with `--json`; nothing with `-q`.
fn notice(sess: &Session, msg: &str) {
    if sess.settings.quiet {
        return;
    }
    if sess.settings.format == Format::Json {
        errprint!("{}", json_line(&serde_json::json!({"notice": msg})));
    } else {
        errln!("{msg}");
    }
}

/// `stopped: N commands not run`.
fn stopped(n: usize) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("stopped: {n} command{s} not run")
}

/// Runs one command given as lexed words (globs registered for the command's expansion),
/// cancelling it on Ctrl-C.
pub async fn run_words(sess: &mut Session, words: &[Word]) -> CmdResult {
    sess.globs = words.iter().filter_map(|w| w.glob.clone()).collect();
    run_args(sess, args_of(words)).await
}

/// The arguments clap sees for lexed words: glob patterns as patterns, the rest as values.
fn args_of(words: &[Word]) -> Vec<String> {
    words
        .iter()
        .map(|w| w.glob.clone().unwrap_or_else(|| w.value.clone()))
        .collect()
}

/// Parses `args` (command name first) with clap and runs the command; Ctrl-C, SIGTERM and
/// SIGHUP cancel it (the latter two then end the shell, see the module docs).
pub async fn run_args(sess: &mut Session, args: Vec<String>) -> CmdResult {
    let name = args.first().cloned().unwrap_or_default();
    let cmd = match commands::parse(args)? {
        Parsed::Run(cmd) => cmd,
        Parsed::Help(text) => return super::output::out(&text),
    };
    let running = terminate::Running::start();
    // Biased: a command that handles Ctrl-C itself (`get` cleaning up) sees it first.
    let result = tokio::select! {
        biased;
        r = dispatch(sess, cmd) => r,
        _ = tokio::signal::ctrl_c() => Err(CommandError::new(exit::INTERRUPTED, "interrupted")),
        () = terminate::requested() => Ok(()),
    };
    let result = match running.finish() {
        None => result,
        Some((code, signal)) => {
            // Terminated: the command was cancelled (or had just finished); the shell ends.
            sess.exit_requested = Some(code);
            Err(CommandError::new(code, format!("terminated by {signal}")))
        }
    };
    result.map_err(|e| e.in_command(&name))
}

/// Runs all of a script's `text` (`-c`, `-f`, standard input): lexed and checked as a whole
/// first, so a syntax error, an unknown command or a bad option anywhere stops the run before
/// any command is sent, each of them reported.
pub async fn run_text(sess: &mut Session, runner: &mut Runner, text: &str) -> Option<u8> {
    match parse(text, 1) {
        Ok(script) => runner.run(sess, &script).await,
        Err(e) => {
            let (bad, total) = check_by_command(sess, runner, text);
            if bad == 0 {
                // Not found command by command: say it for the whole text.
                runner.syntax_error(sess, 1, &e);
            }
            runner.refuse(sess, bad.max(1), total.max(1))
        }
    }
}

/// The check of a text that does not lex as a whole: command by command (a command left open
/// joined with the next line), every syntax error reported at the line its command starts on
/// and every command that does lex checked as usual. Returns (errors, commands).
fn check_by_command(sess: &Session, runner: &Runner, text: &str) -> (usize, usize) {
    let (mut bad, mut total) = (0, 0);
    let mut pending = String::new();
    let mut start = 1;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if pending.is_empty() {
            start = i + 1;
        }
        pending.push_str(lines[i]);
        pending.push('\n');
        i += 1;
        if pending.len() > 4096 {
            // A quote left open early: re-lexing the growing command line by line would be
            // quadratic, and the rest of the text is one command from `start` anyway.
            pending = lines[start - 1..].join("\n");
            i = lines.len();
        }
        let last = i == lines.len();
        match parse(&pending, start) {
            Err(LexError::Incomplete(_)) if !last => continue,
            Err(e) => {
                runner.syntax_error(sess, start, &e);
                bad += 1;
                total += 1;
            }
            Ok(script) => {
                let (b, t) = runner.check_steps(sess, &script);
                bad += b;
                total += t;
            }
        }
        pending.clear();
    }
    (bad, total)
}

/// A script's text from `bytes` read from `source`: not UTF-8 is a usage error (exit 2) naming
/// the line of the first bad byte.
pub fn script_text(source: &str, bytes: Vec<u8>) -> Result<String, CommandError> {
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        CommandError::usage(format!("{source}:{line}: the script is not UTF-8 text"))
            .with_hint("save it as UTF-8")
    })
}
