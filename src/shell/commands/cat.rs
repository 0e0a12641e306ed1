//! `cat PATH...`: write files' content to stdout (binary-safe, verified as it streams).

use crate::graph::transfer::DownloadOptions;
use crate::shell::error::{CmdResult, Tally};
use crate::shell::output;
use crate::shell::session::{Session, Target};

/// Write files' content to standard output.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The files (globs allowed).
    #[arg(required = true)]
    pub paths: Vec<String>,
}

/// Runs `cat`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let targets = sess.expand(&args.paths).await?;
    write_all(sess, &targets).await
}

/// Streams each target to stdout (also `get X -` and seed-style `get X > file`).
pub async fn write_all(sess: &Session, targets: &[Target]) -> CmdResult {
    let many = targets.len() > 1;
    let mut tally = Tally::default();
    let mut out = output::Stdout::new();
    for t in targets {
        let r = sess
            .client
            .download_to_writer(&t.item, &mut out, &DownloadOptions::default())
            .await;
        tally.record(&t.label(), r.map(drop).map_err(Into::into), many);
    }
    tally.finish()
}
