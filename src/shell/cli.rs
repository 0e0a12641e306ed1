//! The process's command line: the global options, and what is refused before anything runs
//! (words `-c`, `-f` or `-e` would drop; `-h` and `-V` whose text does not get out).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser};

use super::commands;
use super::error::exit;
use super::output::{self, Format};
use super::session::{Addressing, Settings};

/// Command-line options of `skydrive-cli`.
#[derive(Debug, Parser)]
#[command(
    name = "skydrive-cli",
    version,
    about = "An interactive shell and scripting tool for OneDrive",
    after_help = "Run `skydrive-cli help` for the commands, `skydrive-cli help CMD` for one command.\n\
                  Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 auth, 5 transient, \
                  6 partial, 7 conflict, 130 interrupted (128+N after signal N: 143 SIGTERM, \
                  129 SIGHUP)."
)]
pub(super) struct Cli {
    /// Config file (default: $SKYDRIVE_CONFIG, else ~/.lcrc).
    #[arg(long, value_name = "PATH")]
    pub(super) config: Option<PathBuf>,
    /// Run these commands, then exit (fail-fast).
    #[arg(short = 'c', value_name = "CMDS", conflicts_with_all = ["file", "exec"])]
    pub(super) commands: Option<String>,
    /// Run the commands in FILE, then exit (fail-fast); `-` reads them from standard input
    /// (a file named `-` is `./-`).
    #[arg(short = 'f', value_name = "FILE", conflicts_with = "exec")]
    pub(super) file: Option<PathBuf>,
    /// Run these commands, then stay interactive.
    #[arg(short = 'e', value_name = "CMDS")]
    pub(super) exec: Option<String>,
    /// Use an embedded demo drive (a Graph emulator on loopback); no account needed.
    #[arg(long)]
    pub(super) demo: bool,
    /// Read every object argument as a path.
    #[arg(short = 'p', long = "path", conflicts_with = "id")]
    pub(super) path: bool,
    /// Read every object argument as an item id.
    #[arg(short = 'i', long = "id")]
    pub(super) id: bool,
    /// Print listings as JSON lines (errors as JSON on stderr).
    #[arg(long)]
    pub(super) json: bool,
    /// Print errors only: no notes, no progress.
    #[arg(short = 'q', long)]
    pub(super) quiet: bool,
    /// Print request details with errors.
    #[arg(short = 'v', long = "debug", visible_alias = "verbose")]
    pub(super) verbose: bool,
    /// In scripts, go on after a failure (exit with the first failure's code).
    #[arg(long)]
    pub(super) keep_going: bool,
    /// A seed-style command to run, e.g. `skydrive-cli ls Pics`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub(super) argv: Vec<String>,
}

/// The command tree for shell completion scripts (`completions/`): the global options plus
/// every shell command as a subcommand, as in seed-style `skydrive-cli CMD ARGS`.
pub fn completion_command() -> clap::Command {
    let mut top = Cli::command();
    top.build();
    let args: Vec<clap::Arg> = top
        .get_arguments()
        .filter(|a| !matches!(a.get_id().as_str(), "argv" | "help" | "version"))
        .cloned()
        .collect();
    let subs: Vec<clap::Command> = commands::CommandLine::command()
        .get_subcommands()
        .cloned()
        .collect();
    clap::Command::new("skydrive-cli")
        .version(env!("CARGO_PKG_VERSION"))
        .about("An interactive shell and scripting tool for OneDrive")
        .disable_help_subcommand(true)
        .args(args)
        .subcommands(subs)
}

/// Parses the process arguments; `Err` is the exit status of a run that ends here: `-h` and
/// `-V` (0, or 1 when their text cannot be written), usage errors of the global options (2).
pub(super) fn parse_args() -> Result<Cli, u8> {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let e = match parsed {
        Ok(cli) => return check_args(&cli).map(|()| cli),
        Err(e) => e,
    };
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            match output::out(&e.render().to_string()) {
                Ok(()) => Err(exit::OK),
                Err(err) => {
                    errln!("skydrive-cli: {err}");
                    Err(err.code)
                }
            }
        }
        _ => {
            let _ = e.print();
            Err(exit::USAGE)
        }
    }
}

/// Refuses words that would be dropped: a seed-style command after `-c CMDS`, `-f FILE` or
/// `-e CMDS` is never run (`skydrive-cli -c pwd mkdir ZZ` used to exit 0 without `mkdir`).
fn check_args(cli: &Cli) -> Result<(), u8> {
    unknown_option(&cli.argv)?;
    let option = match (&cli.commands, &cli.file, &cli.exec) {
        (Some(_), _, _) => "-c CMDS",
        (_, Some(_), _) => "-f FILE",
        (_, _, Some(_)) => "-e CMDS",
        _ => return Ok(()),
    };
    if cli.argv.is_empty() {
        return Ok(());
    }
    let words = shell_words::join(&cli.argv);
    errln!(
        "skydrive-cli: `{words}` after {option} would not be run: {option} takes one value\n\
         hint: put every command in it, separated by `;` (`-c 'pwd; mkdir ZZ'`), and quote it"
    );
    Err(exit::USAGE)
}

/// Refuses a seed-style command that is an option this program does not have (`--profile
/// business` used to be read as the command `--profile`): no command starts with `-`, but
/// for a script line's `-CMD` (a failure ignored), which is taken as such.
fn unknown_option(argv: &[String]) -> Result<(), u8> {
    let Some(word) = argv.first().filter(|w| w.starts_with('-') && w.len() > 1) else {
        return Ok(());
    };
    let root = commands::CommandLine::command();
    if !word.starts_with("--") && root.find_subcommand(&word[1..]).is_some() {
        return Ok(());
    }
    let name = word.split_once('=').map_or(word.as_str(), |(n, _)| n);
    let hint = match name {
        "--profile" => "the demo drive's kind is chosen by the environment: \
                        `SKYDRIVE_DEMO_PROFILE=business skydrive-cli --demo ...` \
                        (personal, the default, or business)"
            .to_owned(),
        _ => "`skydrive-cli --help` lists the options".to_owned(),
    };
    errln!("skydrive-cli: {name}: unknown option\nhint: {hint}");
    Err(exit::USAGE)
}

/// Standard output closed at start (`>&-`) must make writes fail, but Rust's runtime gives a
/// closed standard descriptor `/dev/null` (opened read-write) before `main`, where writes
/// vanish without an error. On Linux that descriptor is recognised (no shell redirection
/// opens `/dev/null` read-write but the rare `1<>/dev/null`) and remembered, so that writing
/// to standard output then fails like any write that does not get out.
pub(super) fn guard_stdio() {
    let link = std::fs::read_link("/proc/self/fd/1");
    if link.is_ok_and(|l| l == std::path::Path::new("/dev/null"))
        && let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1")
    {
        let flags = info
            .lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
        // O_ACCMODE is 3, O_RDWR 2.
        if flags.is_some_and(|f| f & 3 == 2) {
            output::mark_closed();
        }
    }
}

/// The session settings the options and the standard streams give.
pub(super) fn settings(cli: &Cli) -> Settings {
    let stdout_tty = std::io::stdout().is_terminal();
    let format = if cli.json {
        Format::Json
    } else if stdout_tty {
        Format::Table
    } else {
        Format::Seed
    };
    let script = cli.commands.is_some() || cli.file.is_some();
    Settings {
        format,
        quiet: cli.quiet,
        verbose: cli.verbose,
        progress: std::io::stderr().is_terminal() && !cli.quiet && !cli.json,
        interactive: std::io::stdin().is_terminal() && !script,
        argv_mode: !cli.argv.is_empty() && !script,
        addressing: if cli.path {
            Addressing::Path
        } else if cli.id {
            Addressing::Id
        } else {
            Addressing::Guess
        },
    }
}
