//! `auth_refresh`: force a token refresh now (normally automatic). Silent, as in the seed.

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::session::Session;

/// Refresh the access token now.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `auth_refresh`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let tokens = sess.tokens.clone().ok_or_else(|| {
        CommandError::new(
            exit::AUTH,
            "not signed in from a config file (nothing to refresh)",
        )
        .with_hint("run `auth` first")
    })?;
    tokens.force_refresh().await?;
    Ok(())
}
