//! The shell's commands: one file per command, each a clap `Args` struct (whose doc comment is
//! the help text) and a `run` function. The same clap definitions parse REPL lines, scripts,
//! `-c` strings and seed-style argv, so `help CMD` and `CMD -h` always agree.

pub mod auth;
pub mod auth_refresh;
pub mod cache_cmd;
pub mod cat;
pub mod cd;
pub mod check;
pub mod comments;
pub mod cp;
pub mod drives;
pub mod du;
pub mod exit_cmd;
pub mod find;
pub mod get;
pub mod help;
pub mod history;
pub mod info;
pub mod info_set;
pub mod lcd;
pub mod link;
pub mod lls;
pub mod lpwd;
pub mod ls;
pub mod mirror;
pub mod mkdir;
pub mod mv;
pub mod put;
pub mod pwd;
pub mod quota;
pub mod recent;
pub mod rm;
pub mod search;
pub mod shared;
pub mod tree;
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
    /// Show the folder tree.
    Tree(tree::Args),
    /// Find items by name, type and size.
    Find(find::Args),
    /// Show the space used by a folder.
    Du(du::Args),
    /// Write files' content to standard output.
    Cat(cat::Args),
    /// Download files (folders with -r).
    Get(get::Args),
    /// Upload files (folders with -r).
    Put(put::Args),
    /// Make a local folder a copy of a remote one (-R: the reverse).
    Mirror(mirror::Args),
    /// Compare a local folder with a remote one (size and quickXorHash).
    Check(check::Args),
    /// Create folders.
    Mkdir(mkdir::Args),
    /// Remove files and folders.
    Rm(rm::Args),
    /// Move or rename files and folders.
    Mv(mv::Args),
    /// Copy files and folders on the server.
    Cp(cp::Args),
    /// Create a sharing link.
    Link(link::Args),
    /// Change an item's metadata from JSON.
    #[command(name = "info_set")]
    InfoSet(info_set::Args),
    /// Search the drive.
    Search(search::Args),
    /// Show an item's metadata.
    #[command(visible_alias = "stat")]
    Info(info::Args),
    /// Sign in and save the tokens.
    Auth(auth::Args),
    /// Refresh the access token now.
    #[command(name = "auth_refresh")]
    AuthRefresh(auth_refresh::Args),
    /// Show free and total space.
    #[command(visible_alias = "df")]
    Quota(quota::Args),
    /// Show the signed-in user.
    #[command(visible_alias = "whoami")]
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
    #[command(visible_alias = "quit")]
    Exit(exit_cmd::Args),
}

/// Runs one parsed command.
pub async fn dispatch(sess: &mut Session, cmd: Command) -> CmdResult {
    match cmd {
        Command::Cd(a) => cd::run(sess, a).await,
        Command::Pwd(a) => pwd::run(sess, a),
        Command::Ls(a) => ls::run(sess, a).await,
        Command::Tree(a) => tree::run(sess, a).await,
        Command::Find(a) => find::run(sess, a).await,
        Command::Du(a) => du::run(sess, a).await,
        Command::Cat(a) => cat::run(sess, a).await,
        Command::Get(a) => get::run(sess, a).await,
        Command::Put(a) => put::run(sess, a).await,
        Command::Mirror(a) => mirror::run(sess, a).await,
        Command::Check(a) => check::run(sess, a).await,
        Command::Mkdir(a) => mkdir::run(sess, a).await,
        Command::Rm(a) => rm::run(sess, a).await,
        Command::Mv(a) => mv::run(sess, a).await,
        Command::Cp(a) => cp::run(sess, a).await,
        Command::Link(a) => link::run(sess, a).await,
        Command::InfoSet(a) => info_set::run(sess, a).await,
        Command::Search(a) => search::run(sess, a).await,
        Command::Auth(a) => auth::run(sess, a).await,
        Command::AuthRefresh(a) => auth_refresh::run(sess, a).await,
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
