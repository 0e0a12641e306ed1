//! `quota` (alias `df`): free and total space. Piped, it prints the seed's two lines
//! (`free: 24.9G`, `quota: 25.0G`); on a terminal a table; with `--json` the exact bytes.

use serde_json::json;

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::output::{self, Format, human_size, seed_size};
use crate::shell::session::Session;

/// Show the drive's free and total space.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `quota`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let drive = sess.client.drive().await?;
    let q = drive
        .quota
        .ok_or_else(|| CommandError::new(exit::FAILED, "the server reported no quota"))?;
    let value = match sess.settings.format {
        Format::Json => json!({"total": q.total, "used": q.used, "remaining": q.remaining,
            "deleted": q.deleted, "state": q.state}),
        Format::Seed => json!({"free": seed_size(q.remaining), "quota": seed_size(q.total)}),
        Format::Table => json!({"free": human_size(q.remaining), "quota": human_size(q.total),
            "used": human_size(q.used), "deleted": human_size(q.deleted), "state": q.state}),
    };
    output::print_object(sess.settings.format, &value)
}
