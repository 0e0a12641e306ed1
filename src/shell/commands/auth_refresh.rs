//! `auth_refresh`: force a token refresh now (normally automatic). Silent, as in the seed.

use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::hint;
use crate::shell::session::Session;

/// Refresh the access token now.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `auth_refresh`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    if sess.config_path.is_none() {
        return Err(CommandError::usage(
            "the demo drive needs no sign-in (nothing to refresh)",
        ));
    }
    let tokens = sess.tokens.clone().ok_or_else(|| {
        let message = match &sess.config_path {
            Some(p) => format!("{}: no refresh token (nothing to refresh)", p.display()),
            None => "not signed in from a config file (nothing to refresh)".to_owned(),
        };
        CommandError::new(exit::AUTH, message)
            .with_hint(format!("run {} first", hint::command("auth")))
    })?;
    tokens.force_refresh().await?;
    Ok(())
}
