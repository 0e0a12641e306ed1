//! `clear`: clear the terminal and its scrollback, as clear(1) does (Ctrl-L at the prompt
//! clears the screen too). Nothing is written when stdout is not a terminal or the terminal
//! is `TERM=dumb`, so a script's output never carries escape sequences.

use std::io::IsTerminal;

use crate::shell::error::CmdResult;
use crate::shell::output;

/// Clear the terminal screen.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Home, erase the screen, erase the scrollback (the sequences clear(1) sends to xterm).
const CLEAR: &str = "\x1b[H\x1b[2J\x1b[3J";

/// Runs `clear`.
pub fn run(_args: Args) -> CmdResult {
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if std::io::stdout().is_terminal() && !dumb {
        output::out(CLEAR)
    } else {
        Ok(())
    }
}
