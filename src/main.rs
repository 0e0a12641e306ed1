//! `skydrive-cli`: the interactive OneDrive shell. All logic lives in `skydrive::shell`.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(skydrive::shell::main())
}
