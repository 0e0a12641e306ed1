//! `cache stat|flush`: inspect or clear the listing cache used by completion and globs.

use serde_json::json;

use crate::shell::error::CmdResult;
use crate::shell::output;
use crate::shell::session::Session;

/// Show or clear the listing cache.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[arg(value_enum, default_value = "stat")]
    pub action: Action,
}

/// A `cache` action.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Action {
    /// Show the number of cached folders and items, hits and misses.
    Stat,
    /// Forget every cached listing.
    Flush,
}

/// Runs `cache`.
pub fn run(sess: &mut Session, args: Args) -> CmdResult {
    match args.action {
        Action::Flush => sess.cache().flush(),
        Action::Stat => {
            let s = sess.cache().stat();
            let v =
                json!({"folders": s.folders, "items": s.items, "hits": s.hits, "misses": s.misses});
            output::print_object(sess.settings.format, &v)?;
        }
    }
    Ok(())
}
