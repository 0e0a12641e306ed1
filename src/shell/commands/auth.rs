//! `auth [URL] [--device]`: sign in and save the tokens to the config file, as the seed did.
//! At a terminal `auth` prints the authorize URL and asks for the URL the browser ended on.
//! Elsewhere it prints the URL, keeps the pending login beside the config and exits, and
//! `auth URL` finishes it later, so nothing is ever read from a script. `--device` shows a
//! code to enter on another device and reads nothing. The session uses the new tokens at once.

use std::io::Write;

use crate::auth::{self, PendingLogin};
use crate::config::Config;
use crate::shell::connect;
use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::hint;
use crate::shell::output::{self, Format};
use crate::shell::session::Session;

/// Sign in (browser URL pasted back, or a device code) and save the tokens.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sign in with a code entered on another device.
    #[arg(long)]
    pub device: bool,
    /// The URL the browser ended on, finishing a login started by `auth`.
    pub url: Option<String>,
}

/// Runs `auth`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let path = sess
        .config_path
        .clone()
        .ok_or_else(|| CommandError::usage("the demo drive needs no sign-in"))?;
    let mut cfg = if path.exists() {
        Config::load(&path)?
    } else {
        Config::new(&path)
    };
    let retry = sess.client.retry_policy().clone();
    if args.device {
        let polling = auth::DevicePolling {
            retry: retry.clone(),
            ..auth::DevicePolling::default()
        };
        let format = sess.settings.format;
        auth::device_login_with(&mut cfg, &polling, |dc| say(format, &dc.message)).await?;
    } else if let Some(url) = &args.url {
        redirect_url(url)?;
        if PendingLogin::load(&path)?.is_none() {
            return Err(
                CommandError::new(exit::AUTH, "no sign-in is pending").with_hint(format!(
                    "run {} first, open the URL it prints, then {}",
                    hint::command("auth"),
                    hint::command("auth URL")
                )),
            );
        }
        auth::finish_saved_login(&mut cfg, url, &retry).await?;
    } else if !paste_login(sess, &mut cfg, &retry).await? {
        return Ok(());
    }
    // The tokens in memory: they may not have reached the file.
    let unsaved = cfg.has_unsaved_changes();
    let conn = connect::client_for(cfg, retry.notify)?;
    sess.client = conn.client;
    sess.tokens = conn.tokens;
    if unsaved {
        sess.note("signed in for this run only; the tokens are not in the config file");
    } else {
        sess.note(&format!("signed in; tokens saved to {}", path.display()));
    }
    Ok(())
}

/// The seed's flow; false when the login was left pending for `auth URL` (no terminal).
async fn paste_login(
    sess: &Session,
    cfg: &mut Config,
    retry: &crate::graph::RetryPolicy,
) -> Result<bool, CommandError> {
    let (url, pending) = auth::authorize_url(cfg)?;
    pending.save(&cfg.path)?;
    let format = sess.settings.format;
    say(
        format,
        &format!(
            "Visit this URL, sign in and allow access, then give the address of the page you \
             land on:\n\n  {url}\n"
        ),
    );
    if !sess.settings.interactive {
        let then = hint::command("auth 'URL-AFTER-LAST-REDIRECT'");
        say(format, &format!("then run: {then}"));
        return Ok(false);
    }
    errprint!("URL after last redirect: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CommandError::new(exit::AUTH, format!("cannot read the URL: {e}")))?;
    redirect_url(&line)?;
    if PendingLogin::load(&cfg.path)?.is_none() {
        pending.save(&cfg.path)?;
    }
    auth::finish_saved_login(cfg, line.trim(), retry).await?;
    Ok(true)
}

/// Refuses (usage, exit 2) what is not a URL at all before any sign-in is looked at: a
/// mistyped argument, not an answer of the identity platform.
fn redirect_url(text: &str) -> CmdResult {
    match url::Url::parse(text.trim()) {
        Ok(_) => Ok(()),
        // Not echoed: a mangled redirect may still hold its single-use code.
        Err(e) => Err(
            CommandError::usage(format!("that is not a URL ({e})")).with_hint(format!(
                "give the whole address the browser ended on, quoted: {}",
                hint::command("auth 'URL-AFTER-LAST-REDIRECT'")
            )),
        ),
    }
}

/// What the user must do to sign in, on stderr even with `-q` (the sign-in cannot go on
/// without it): as written, or a `{"notice": ...}` JSON line with `--json`.
fn say(format: Format, msg: &str) {
    if format == Format::Json {
        output::notice(format, false, msg);
    } else {
        errln!("{msg}");
    }
}
