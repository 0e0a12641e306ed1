//! The shell's commands: one file per command, each a clap `Args` struct (whose doc comment is
//! the help text) and a `run` function. The same clap definitions parse REPL lines, scripts,
//! `-c` strings and seed-style argv, so `help CMD` and `CMD -h` always agree.

pub mod auth;
pub mod auth_refresh;
pub mod cache_cmd;
pub mod cat;
pub mod cd;
pub mod check;
pub mod clear;
pub mod comments;
pub mod cp;
pub mod drive;
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

use super::error::{CmdResult, CommandError};
use super::hint;
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
    /// List items shared with you (`cd shared:NAME` enters one).
    Shared(shared::Args),
    /// List the drives you can reach.
    Drives(drives::Args),
    /// Show the current drive, or move to another one (`drive ~`: yours).
    Drive(drive::Args),
    /// Change the local folder.
    Lcd(lcd::Args),
    /// Print the local folder.
    Lpwd(lpwd::Args),
    /// List a local folder.
    Lls(lls::Args),
    /// Show the command history.
    History(history::Args),
    /// Clear the terminal screen.
    Clear(clear::Args),
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
        Command::Pwd(a) => pwd::run(sess, a).await,
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
        Command::Drive(a) => drive::run(sess, a).await,
        Command::Lcd(a) => lcd::run(sess, a),
        Command::Lpwd(a) => lpwd::run(a),
        Command::Lls(a) => lls::run(sess.settings.format, a),
        Command::History(a) => history::run(sess, a),
        Command::Clear(a) => clear::run(a),
        Command::Cache(a) => cache_cmd::run(sess, a),
        Command::Comments(a) => comments::run("comments", a),
        Command::CommentAdd(a) => comments::run("comment_add", a),
        Command::CommentDelete(a) => comments::run("comment_delete", a),
        Command::Help(a) => help::run(a),
        Command::Exit(a) => exit_cmd::run(sess, a),
    }
}

/// A command line read by clap: a command to run, or the help text it asked for (`-h`).
#[derive(Debug)]
pub enum Parsed {
    /// Run this.
    Run(Command),
    /// Print this help text.
    Help(String),
}

/// Reads `args` (command name first) as a command line, without running anything: scripts
/// check every line this way before the first one runs. Errors are usage errors (exit 2)
/// naming the command, with "did you mean" for a mistyped name and the command's usage line
/// and help flag for bad options.
pub fn parse(mut args: Vec<String>) -> Result<Parsed, CommandError> {
    let name = args.first().cloned().unwrap_or_default();
    if name == "find" {
        find::normalize(&mut args);
    }
    let e = match CommandLine::try_parse_from(&args) {
        Ok(cl) => return Ok(Parsed::Run(cl.command)),
        Err(e) => e,
    };
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            Ok(Parsed::Help(e.render().to_string()))
        }
        ErrorKind::InvalidSubcommand | ErrorKind::UnknownArgument if !is_command(&name) => {
            Err(unknown_command(&name))
        }
        _ => Err(usage_error(&name, &e.render().to_string())),
    }
}

/// True when `name` is a command or an alias of one.
fn is_command(name: &str) -> bool {
    <CommandLine as clap::CommandFactory>::command()
        .find_subcommand(name)
        .is_some()
}

/// `NAME: unknown command`, with the nearest commands when there are any.
pub(super) fn unknown_command(name: &str) -> CommandError {
    let near = hint::similar_commands(name);
    let help = hint::command("help");
    let hint = match near.as_slice() {
        [] => format!("{help} lists the commands"),
        [one] => format!("did you mean `{one}`? ({help} lists the commands)"),
        many => {
            let quoted: Vec<String> = many.iter().map(|n| format!("`{n}`")).collect();
            format!(
                "did you mean {}? ({help} lists the commands)",
                quoted.join(" or ")
            )
        }
    };
    CommandError::usage("unknown command")
        .with_hint(hint)
        .in_command(name)
}

/// A clap error as one line (a list of missing arguments joined onto it), with the command's
/// usage line and how to see its help as the hint.
fn usage_error(name: &str, text: &str) -> CommandError {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("bad usage");
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    if message.ends_with(':') {
        let listed: Vec<&str> = lines
            .clone()
            .take_while(|l| l.starts_with("  "))
            .map(str::trim)
            .collect();
        message = format!("{message} {}", listed.join(" "));
    }
    // From the command's own definition: clap's error text shortens it for some errors
    // (`exit 300` showed `usage: exit`, without `[STATUS]`).
    let usage = <CommandLine as clap::CommandFactory>::command()
        .find_subcommand_mut(name)
        .map(|sub| sub.render_usage().to_string())
        .and_then(|u| u.strip_prefix("Usage: ").map(str::to_owned))
        .or_else(|| {
            text.lines()
                .find_map(|l| l.strip_prefix("Usage: "))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| name.to_owned());
    CommandError::usage(message)
        .with_hint(format!("usage: {usage} (see {})", hint::help_of(name)))
        .in_command(name)
}
