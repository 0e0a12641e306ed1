//! `help [CMD]`: the command list, or one command's help (the same text as `CMD -h`, or
//! `CMD --help` for `ls` and `du`, whose `-h` means human sizes).

use clap::CommandFactory;

use super::CommandLine;
use crate::shell::error::CmdResult;
use crate::shell::output;

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
            let mut text = String::from("Commands (`help CMD` for details):\n");
            for sub in root.get_subcommands() {
                let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
                let aliases: Vec<&str> = sub.get_visible_aliases().collect();
                let name = match aliases.as_slice() {
                    [] => sub.get_name().to_owned(),
                    a => format!("{} ({})", sub.get_name(), a.join(", ")),
                };
                text.push_str(&format!("  {name:<16} {about}\n"));
            }
            text.push_str("  !CMD             Run CMD (the rest of the line) in the local shell\n");
            output::out(&text)
        }
        Some(name) => {
            let sub = root
                .find_subcommand_mut(&name)
                .ok_or_else(|| super::unknown_command(&name))?;
            output::out(&format!("{}\n", sub.render_help()))
        }
    }
}
