//! `cat [-f] PATH...`: write files' content to stdout (binary-safe, verified as it streams).
//! On a terminal, a file whose first bytes are not text is not written (nothing of it is), as
//! `less` and `bat` do: its escape sequences would drive the terminal. `-f` writes it anyway;
//! piped output is never checked.

use std::io::IsTerminal;

use crate::graph::transfer::DownloadOptions;
use crate::shell::error::{CmdResult, CommandError, Tally, exit, reason_only};
use crate::shell::hint;
use crate::shell::output::{self, BinaryOnTerminal};
use crate::shell::session::{Session, Target};

/// Write files' content to standard output.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write binary content to a terminal too (it is held back by default).
    #[arg(short = 'f', long = "force")]
    pub force: bool,
    /// The files (globs allowed).
    #[arg(required = true)]
    pub paths: Vec<String>,
}

/// Runs `cat`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let targets = sess.expand(&args.paths).await?;
    write_all(sess, &targets, args.force).await
}

/// Streams each target to stdout (also `get X -` and seed-style `get X > file`); `force`
/// writes binary content to a terminal too. Output that cannot be written stops at once with
/// one message (output::out's rule).
pub async fn write_all(sess: &Session, targets: &[Target], force: bool) -> CmdResult {
    let many = targets.len() > 1;
    let mut tally = Tally::default();
    let mut out = output::Stdout::new(!force && std::io::stdout().is_terminal());
    for t in targets {
        out.begin();
        let r = sess
            .client
            .download_to_writer(&t.item, &mut out, &DownloadOptions::default())
            .await;
        let r = match r {
            Ok(_) => Ok(()),
            Err(e) => match e.kind() {
                crate::ErrorKind::Io { source, .. } => {
                    match source
                        .get_ref()
                        .and_then(|s| s.downcast_ref::<BinaryOnTerminal>())
                    {
                        Some(_) => Err(binary_refused(&t.label())),
                        None => {
                            let copy = std::io::Error::new(source.kind(), source.to_string());
                            return output::written(Err(copy));
                        }
                    }
                }
                _ => Err(reason_only(e)),
            },
        };
        tally.record(&t.label(), r, many);
    }
    tally.finish()
}

fn binary_refused(label: &str) -> CommandError {
    let arg = crate::shell::lexer::escape(label);
    CommandError::new(exit::FAILED, BinaryOnTerminal.to_string()).with_hint(format!(
        "{} writes it anyway; {} saves it to a file",
        hint::command(&format!("cat -f {arg}")),
        hint::command(&format!("get {arg}"))
    ))
}
