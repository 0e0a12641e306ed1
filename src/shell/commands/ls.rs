//! `ls [PATH...]`: list folders (or show files) by path.

use crate::shell::error::CmdResult;
use crate::shell::session::Session;

/// List a folder's contents (the current folder by default).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folders or files to list.
    pub paths: Vec<String>,
}

/// Runs `ls`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let paths = if args.paths.is_empty() {
        vec![".".to_owned()]
    } else {
        args.paths
    };
    for p in &paths {
        let item = sess.item_ref(p);
        let children = sess.client.children(&item).await?;
        for child in children {
            let suffix = if child.is_folder() && sess.stdout_tty {
                "/"
            } else {
                ""
            };
            if sess.stdout_tty {
                println!("{}{suffix}", crate::shell::output::escape(&child.name));
            } else {
                println!("- {}", crate::shell::output::escape(&child.name));
            }
        }
    }
    Ok(())
}
