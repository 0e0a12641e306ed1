//! `help [CMD]`: the command list, or one command's help (the same text as `CMD -h`).

use clap::CommandFactory;

use super::CommandLine;
use crate::shell::error::{CmdResult, CommandError};

/// Show the commands, or one command's help.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The command to describe.
    pub command: Option<String>,
}

/// Runs `help`.
pub fn run(args: Args) -> CmdResult {
    let mut root = CommandLine::command();
    match args.command {
        None => {
            println!("Commands (`help CMD` or `CMD -h` for details):");
            for sub in root.get_subcommands() {
                let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
                println!("  {:<12} {about}", sub.get_name());
            }
            Ok(())
        }
        Some(name) => {
            let sub = root
                .find_subcommand_mut(&name)
                .ok_or_else(|| CommandError::usage(format!("help: no such command: {name}")))?;
            println!("{}", sub.render_help());
            Ok(())
        }
    }
}
