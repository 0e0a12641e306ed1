//! The shell's commands: one file per command, each a clap `Args` struct (whose doc comment is
//! the help text) and a `run` function. The same clap definitions parse REPL lines, scripts,
//! `-c` strings and seed-style argv, so `help CMD` and `CMD -h` always agree.

pub mod cache_cmd;
pub mod cd;
pub mod comments;
pub mod drives;
pub mod exit_cmd;
pub mod help;
pub mod history;
pub mod info;
pub mod lcd;
pub mod lls;
pub mod lpwd;
pub mod ls;
pub mod pwd;
pub mod quota;
pub mod recent;
pub mod shared;
pub mod user;

use clap::{Parser, Subcommand};

use super::error::CmdResult;
use super::session::Session;

/// A parsed command line.
#[derive(Debug, Parser)]
#[command(multicall = true, disable_help_subcommand = true)]
pub struct CommandLine {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Every shell command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Change the current remote folder.
    Cd(cd::Args),
    /// Print the current remote folder.
    Pwd(pwd::Args),
    /// List a folder's contents.
    Ls(ls::Args),
    /// Show an item's metadata.
    #[command(alias = "stat")]
    Info(info::Args),
    /// Show free and total space.
    #[command(alias = "df")]
    Quota(quota::Args),
    /// Show the signed-in user.
    #[command(alias = "whoami")]
    User(user::Args),
    /// List recently used files.
    Recent(recent::Args),
    /// List items shared with you.
    Shared(shared::Args),
    /// List the drives you can reach.
    Drives(drives::Args),
    /// Change the local folder.
    Lcd(lcd::Args),
    /// Print the local folder.
    Lpwd(lpwd::Args),
    /// List a local folder.
    Lls(lls::Args),
    /// Show the command history.
    History(history::Args),
    /// Show or clear the listing cache.
    Cache(cache_cmd::Args),
    /// Not available on Microsoft Graph (a SkyDrive feature).
    Comments(comments::Args),
    /// Not available on Microsoft Graph (a SkyDrive feature).
    #[command(name = "comment_add")]
    CommentAdd(comments::Args),
    /// Not available on Microsoft Graph (a SkyDrive feature).
    #[command(name = "comment_delete")]
    CommentDelete(comments::Args),
    /// Show the commands, or one command's help.
    Help(help::Args),
    /// Leave the shell (with the last command's status, or N).
    #[command(alias = "quit")]
    Exit(exit_cmd::Args),
}

/// Runs one parsed command.
pub async fn dispatch(sess: &mut Session, cmd: Command) -> CmdResult {
    match cmd {
        Command::Cd(a) => cd::run(sess, a).await,
        Command::Pwd(a) => pwd::run(sess, a),
        Command::Ls(a) => ls::run(sess, a).await,
        Command::Info(a) => info::run(sess, a).await,
        Command::Quota(a) => quota::run(sess, a).await,
        Command::User(a) => user::run(sess, a).await,
        Command::Recent(a) => recent::run(sess, a).await,
        Command::Shared(a) => shared::run(sess, a).await,
        Command::Drives(a) => drives::run(sess, a).await,
        Command::Lcd(a) => lcd::run(sess, a),
        Command::Lpwd(a) => lpwd::run(a),
        Command::Lls(a) => lls::run(a),
        Command::History(a) => history::run(sess, a),
        Command::Cache(a) => cache_cmd::run(sess, a),
        Command::Comments(a) => comments::run("comments", a),
        Command::CommentAdd(a) => comments::run("comment_add", a),
        Command::CommentDelete(a) => comments::run("comment_delete", a),
        Command::Help(a) => help::run(a),
        Command::Exit(a) => exit_cmd::run(sess, a),
    }
}
