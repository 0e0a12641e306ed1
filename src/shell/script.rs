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
//! `SOURCE:LINE:COLUMN:` for one that follows another on its line (`-c:1:5: cd: ...`).

use super::commands::{self, Parsed, dispatch};
use super::error::{CmdResult, CommandError, exit};
use super::lexer::{Chain, Cond, LexError, Script, Step, StepAction, Word, parse};
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
                    sess.note(&stopped(rest));
                }
                return Some(status);
            }
        }
        None
    }

    /// Reads every command of `script` as clap would, without running any; reports each one
    /// that cannot run and returns exit 2 if there is one.
    fn check(&mut self, sess: &mut Session, script: &Script) -> Option<u8> {
        let steps = script
            .chains
            .iter()
            .flat_map(|c| std::iter::once(&c.first).chain(c.rest.iter().map(|(_, s)| s)));
        let mut bad = 0;
        let mut total = 0;
        for step in steps {
            total += 1;
            if let StepAction::Run(words) = &step.action
                && let Err(e) = commands::parse(args_of(words))
            {
                self.report(sess, At::of(step), &e);
                bad += 1;
            }
        }
        if bad == 0 {
            return None;
        }
        sess.note(&stopped(total));
        sess.last_status = exit::USAGE;
        self.failed += bad;
        self.first_failure.get_or_insert(exit::USAGE);
        Some(exit::USAGE)
    }

    /// The final status once the input is exhausted.
    pub fn finish(&self, sess: &Session) -> u8 {
        if self.policy == Policy::KeepGoing && self.failed > 0 {
            sess.note(&format!("{} of {} commands failed", self.failed, self.ran));
        }
        match self.policy {
            Policy::KeepGoing => self.first_failure.unwrap_or(exit::OK),
            _ => sess.last_status,
        }
    }

    /// Reports a lexing error at `line`; returns its exit code.
    pub fn syntax_error(&mut self, sess: &mut Session, line: usize, e: &LexError) -> u8 {
        let hint = match e {
            LexError::Incomplete(_) => "close the quote (or escape the character with `\\`)",
            LexError::Invalid(_) => "quote special characters that are part of a name",
        };
        self.report(
            sess,
            At::line(line),
            &CommandError::usage(format!("syntax error: {e}")).with_hint(hint),
        );
        sess.last_status = exit::USAGE;
        self.failed += 1;
        self.first_failure.get_or_insert(exit::USAGE);
        exit::USAGE
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
            StepAction::Local(cmd) => run_local(cmd),
        };
        let status = match result {
            Ok(()) => exit::OK,
            Err(e) => {
                self.report(sess, At::of(step), &e);
                e.code
            }
        };
        sess.last_status = status;
        if step.ignore_failure {
            exit::OK
        } else {
            status
        }
    }

    fn report(&self, sess: &Session, at: At, e: &CommandError) {
        let At {
            line,
            col,
            shares_line,
        } = at;
        if sess.settings.format == super::output::Format::Json {
            let source = (self.policy != Policy::Interactive).then_some(&self.source);
            eprint!(
                "{}",
                super::output::json_line(&serde_json::json!({"source": source, "line": line,
                    "column": col, "error": e.message, "code": e.code, "hint": e.hint,
                    "detail": e.detail}))
            );
        } else if self.policy == Policy::Interactive {
            eprintln!("error: {e}");
        } else if let (Some(col), true) = (col, shares_line) {
            eprintln!("{}:{line}:{col}: {e}", self.source);
        } else {
            eprintln!("{}:{line}: {e}", self.source);
        }
        if let (true, Some(d)) = (sess.settings.verbose, &e.detail) {
            eprintln!("detail: {d}");
        }
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

/// Parses `args` (command name first) with clap and runs the command; Ctrl-C cancels it.
pub async fn run_args(sess: &mut Session, args: Vec<String>) -> CmdResult {
    let name = args.first().cloned().unwrap_or_default();
    let cmd = match commands::parse(args)? {
        Parsed::Run(cmd) => cmd,
        Parsed::Help(text) => return super::output::out(&text),
    };
    // Biased: a command that handles Ctrl-C itself (`get` cleaning up) sees it first.
    let result = tokio::select! {
        biased;
        r = dispatch(sess, cmd) => r,
        _ = tokio::signal::ctrl_c() => Err(CommandError::new(exit::INTERRUPTED, "interrupted")),
    };
    result.map_err(|e| e.in_command(&name))
}

/// `!cmd`: runs a line with the local shell (`$SHELL`, else `sh`).
fn run_local(cmd: &str) -> CmdResult {
    let shell = std::env::var("SHELL").unwrap_or_else(|_| "sh".to_owned());
    let status = std::process::Command::new(&shell)
        .arg("-c")
        .arg(cmd)
        .status()
        .map_err(|e| CommandError::new(exit::FAILED, format!("!: cannot run {shell}: {e}")))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(n) => Err(CommandError::new(
            exit::FAILED,
            format!("!: local command exited with status {n}"),
        )),
        None => Err(CommandError::new(
            exit::INTERRUPTED,
            "!: local command was killed by a signal",
        )),
    }
}

/// Runs all of a script's `text` (`-c`, `-f`, standard input): lexed and checked as a whole
/// first, so a syntax error, an unknown command or a bad option anywhere stops the run before
/// any command is sent.
pub async fn run_text(sess: &mut Session, runner: &mut Runner, text: &str) -> Option<u8> {
    match parse(text, 1) {
        Ok(script) => runner.run(sess, &script).await,
        Err(e) => {
            let (line, e) = locate_syntax_error(text).unwrap_or((1, e));
            Some(runner.syntax_error(sess, line, &e))
        }
    }
}

/// The first syntax error of `text` and the line of the command it is in (where an
/// unterminated quote opened): line by line, a command left open joined with the next line.
fn locate_syntax_error(text: &str) -> Option<(usize, LexError)> {
    let mut pending = String::new();
    let mut start = 1;
    for (i, line) in text.lines().enumerate() {
        if pending.is_empty() {
            start = i + 1;
        }
        pending.push_str(line);
        pending.push('\n');
        if pending.len() > 4096 {
            // A quote left open early: re-parsing the growing command line by line would be
            // quadratic, and the rest of the text is one command from `start` anyway.
            let rest: Vec<&str> = text.lines().skip(start - 1).collect();
            return parse(&rest.join("\n"), start).err().map(|e| (start, e));
        }
        match parse(&pending, start) {
            Err(LexError::Incomplete(_)) => continue,
            Err(e) => return Some((start, e)),
            Ok(_) => pending.clear(),
        }
    }
    parse(&pending, start).err().map(|e| (start, e))
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
