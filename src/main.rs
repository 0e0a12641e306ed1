//! `skydrive-cli`: the interactive OneDrive shell. All logic lives in `skydrive::shell`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = skydrive::shell::Cli::parse();
    ExitCode::from(skydrive::shell::main(cli))
}
