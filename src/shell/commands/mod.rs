//! The shell's commands: one file per command, each a clap `Args` struct (whose doc comment is
//! the help text) and a `run` function. The same clap definitions parse REPL lines, scripts,
//! `-c` strings and seed-style argv, so `help CMD` and `CMD -h` always agree.

pub mod exit_cmd;
pub mod help;
pub mod ls;

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
    /// List a folder's contents.
    Ls(ls::Args),
    /// Show the commands, or one command's help.
    Help(help::Args),
    /// Leave the shell (with the last command's status, or N).
    #[command(alias = "quit")]
    Exit(exit_cmd::Args),
}

/// Runs one parsed command.
pub async fn dispatch(sess: &mut Session, cmd: Command) -> CmdResult {
    match cmd {
        Command::Ls(a) => ls::run(sess, a).await,
        Command::Help(a) => help::run(a),
        Command::Exit(a) => exit_cmd::run(sess, a),
    }
}
