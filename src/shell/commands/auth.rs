//! `auth [--device]`: sign in and save the tokens to the config file. The seed's flow prints
//! the authorize URL and reads the URL the browser ended on, so it needs a terminal (it never
//! reads the script stream); `--device` shows a code to enter on another device and reads
//! nothing. After signing in, the session's client uses the new tokens at once.

use std::io::Write;

use crate::auth;
use crate::config::Config;
use crate::shell::connect;
use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::session::Session;

/// Sign in (browser URL pasted back, or a device code) and save the tokens.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sign in with a code entered on another device.
    #[arg(long)]
    pub device: bool,
    /// The URL the browser ended on (only together with the prompt of the same run).
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
    if args.device {
        auth::device_login(&mut cfg, |dc| eprintln!("{}", dc.message)).await?;
    } else if args.url.is_some() {
        return Err(CommandError::usage(
            "a pasted URL only works with the login started in the same run",
        )
        .with_hint(
            "run `auth` in a terminal and paste the URL when asked, or use `auth --device`",
        ));
    } else {
        paste_login(sess, &mut cfg).await?;
    }
    let conn = connect::client_for(Config::load(&path)?)?;
    sess.client = conn.client;
    sess.tokens = conn.tokens;
    sess.note(&format!("signed in; tokens saved to {}", path.display()));
    Ok(())
}

async fn paste_login(sess: &Session, cfg: &mut Config) -> CmdResult {
    if !sess.settings.interactive {
        return Err(CommandError::new(
            exit::AUTH,
            "auth reads the redirect URL from a terminal, not from a script",
        )
        .with_hint("run `skydrive-cli auth` in a terminal, or use `auth --device`"));
    }
    let (url, pending) = auth::authorize_url(cfg)?;
    eprintln!(
        "Visit this URL, sign in and allow access, then paste the address of the page you land on:\n\n  {url}\n"
    );
    eprint!("URL after last redirect: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CommandError::new(exit::AUTH, format!("cannot read the URL: {e}")))?;
    auth::finish_code_login(cfg, pending, line.trim()).await?;
    Ok(())
}
