//! The one dispatcher of every mode: runs parsed chains, applies `&&`/`||`/`-cmd`, decides
//! fail-fast or keep-going, prints `SOURCE:LINE: cmd: message` and cancels a command on Ctrl-C.
//!
//! Fail-fast is the default for scripts, stdin and `-c` (shell-ux.md §6.2): after a failed
//! `cd`, the next `rm *` must not run in the wrong folder. With `--keep-going` the run goes on
//! and exits with the *first* failure's code.

use std::io::BufRead;

use clap::{CommandFactory, Parser};

use super::commands::{CommandLine, dispatch};
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

    /// Runs a parsed script; `Some(code)` when the run must stop (failure or `exit`).
    pub async fn run(&mut self, sess: &mut Session, script: &Script) -> Option<u8> {
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
                    sess.note(&format!("stopped: {rest} commands not run"));
                }
                return Some(status);
            }
        }
        None
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
            line,
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
                self.report(sess, step.line, &e);
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

    fn report(&self, sess: &Session, line: usize, e: &CommandError) {
        if sess.settings.format == super::output::Format::Json {
            let source = (self.policy != Policy::Interactive).then_some(&self.source);
            eprint!(
                "{}",
                super::output::json_line(&serde_json::json!({"source": source, "line": line,
                    "error": e.message, "code": e.code, "hint": e.hint, "detail": e.detail}))
            );
        } else if self.policy == Policy::Interactive {
            eprintln!("error: {e}");
        } else {
            eprintln!("{}:{line}: {e}", self.source);
        }
        if let (true, Some(d)) = (sess.settings.verbose, &e.detail) {
            eprintln!("detail: {d}");
        }
    }
}

/// Runs one command given as lexed words (globs registered for the command's expansion),
/// cancelling it on Ctrl-C.
pub async fn run_words(sess: &mut Session, words: &[Word]) -> CmdResult {
    sess.globs = words.iter().filter_map(|w| w.glob.clone()).collect();
    let args: Vec<String> = words
        .iter()
        .map(|w| w.glob.clone().unwrap_or_else(|| w.value.clone()))
        .collect();
    run_args(sess, args).await
}

/// Parses `args` (command name first) with clap and runs the command; Ctrl-C cancels it.
pub async fn run_args(sess: &mut Session, mut args: Vec<String>) -> CmdResult {
    let name = args.first().cloned().unwrap_or_default();
    if name == "find" {
        super::commands::find::normalize(&mut args);
    }
    let cmd = match CommandLine::try_parse_from(&args) {
        Ok(cl) => cl.command,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    super::output::out(&e.render().to_string());
                    Ok(())
                }
                ErrorKind::InvalidSubcommand | ErrorKind::UnknownArgument
                    if CommandLine::command().find_subcommand(&name).is_none() =>
                {
                    Err(CommandError::usage("unknown command")
                        .with_hint("`help` lists the commands")
                        .in_command(&name))
                }
                _ => Err(clap_usage_error(&name, &e.render().to_string())),
            };
        }
    };
    // Biased: a command that handles Ctrl-C itself (`get` cleaning up) sees it first.
    let result = tokio::select! {
        biased;
        r = dispatch(sess, cmd) => r,
        _ = tokio::signal::ctrl_c() => Err(CommandError::new(exit::INTERRUPTED, "interrupted")),
    };
    result.map_err(|e| e.in_command(&name))
}

/// A clap error as one line (a list of missing arguments joined onto it), with the command's
/// usage line as the hint.
fn clap_usage_error(name: &str, text: &str) -> CommandError {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("bad usage");
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    if message.ends_with(':') {
        let listed: Vec<&str> = lines
            .clone()
            .take_while(|l| l.starts_with("  "))
            .map(str::trim)
            .collect();
        message = format!("{message} {}", listed.join(" "));
    }
    let usage = text
        .lines()
        .find_map(|l| l.strip_prefix("Usage: "))
        .map_or_else(|| name.to_owned(), str::to_owned);
    CommandError::usage(message)
        .with_hint(format!("usage: {usage} (see `{name} -h`)"))
        .in_command(name)
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

/// Runs all of `text` (`-c` or `-f`): lexed as a whole first, so a syntax error anywhere stops
/// the run before any command is sent.
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
/// unterminated quote opened), found the way [`run_reader`] reads: line by line, a command
/// left open joined with the next line.
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

/// Runs a script read line by line (standard input); a line whose quote, `\` or `&&` is left
/// open is joined with the next one.
pub async fn run_reader(
    sess: &mut Session,
    runner: &mut Runner,
    input: impl BufRead,
) -> Option<u8> {
    let mut pending = String::new();
    let mut start = 1;
    for (i, line) in input.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("skydrive-cli: reading the script: {e}");
                return Some(exit::FAILED);
            }
        };
        if pending.is_empty() {
            start = i + 1;
        }
        pending.push_str(&line);
        pending.push('\n');
        match parse(&pending, start) {
            Err(LexError::Incomplete(_)) => continue,
            Err(e) => {
                let code = runner.syntax_error(sess, start, &e);
                if runner.policy != Policy::KeepGoing {
                    return Some(code);
                }
            }
            Ok(script) => {
                if let Some(code) = runner.run(sess, &script).await {
                    return Some(code);
                }
            }
        }
        pending.clear();
    }
    if !pending.is_empty()
        && let Err(e) = parse(&pending, start)
    {
        return Some(runner.syntax_error(sess, start, &e));
    }
    None
}
