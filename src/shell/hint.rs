//! Hints that name a command for the user to run next, written in one place so that they
//! point the right way. At the prompt the user types shell commands, so a hint says `auth`;
//! anywhere else (a script, `-c`, a seed-style command) the user is back at their own shell,
//! so it says `skydrive-cli auth`, with the `--config FILE` or `--demo` of this run, which the
//! next run needs too. How a command shows its help is read from its definition: `ls` and `du`
//! use `-h` for human sizes, so theirs is `--help`.

use std::sync::RwLock;

use clap::CommandFactory;

use super::commands::CommandLine;

/// Where the user is, for [`command`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// At the interactive prompt.
    pub prompt: bool,
    /// The global options the next command line needs (`--config FILE`, `--demo`), already
    /// quoted for a POSIX shell.
    pub options: Vec<String>,
    /// The config holds a sign-in (tokens): a refused one is signed out, and the user has an
    /// account, so `--demo` is no way out for them.
    pub signed_in: bool,
}

static PLACE: RwLock<Place> = RwLock::new(Place {
    prompt: false,
    options: Vec::new(),
    signed_in: false,
});

/// Records this run's global options that a suggested command line must repeat.
pub fn set_options(config: Option<&std::path::Path>, demo: bool) {
    let mut options = Vec::new();
    if let Some(c) = config {
        options.push(format!(
            "--config {}",
            shell_words::quote(&c.display().to_string())
        ));
    }
    if demo {
        options.push("--demo".to_owned());
    }
    PLACE.write().unwrap_or_else(|p| p.into_inner()).options = options;
}

/// From now on the user is at the prompt (after `-e`, when the prompt starts).
pub fn at_prompt() {
    PLACE.write().unwrap_or_else(|p| p.into_inner()).prompt = true;
}

/// Records whether the session's config holds a sign-in (tokens), for [`sign_in`].
pub fn set_signed_in(signed_in: bool) {
    PLACE.write().unwrap_or_else(|p| p.into_inner()).signed_in = signed_in;
}

/// How to sign in from where the user is: again when the config held a sign-in; otherwise
/// for the first time, with the demo drive as a way to look around without an account (not
/// at the prompt, where the user already chose a drive).
pub fn sign_in() -> String {
    sign_in_at(&PLACE.read().unwrap_or_else(|p| p.into_inner()))
}

fn sign_in_at(place: &Place) -> String {
    let auth = render(place, "auth");
    if place.signed_in {
        format!("run {auth} to sign in again")
    } else if place.prompt {
        format!("run {auth} to sign in")
    } else {
        format!("run {auth} to sign in, or try `skydrive-cli --demo` without an account")
    }
}

/// `cmd` (a shell command line, e.g. `auth` or `cat -f X`) as the user should type it now,
/// in backquotes.
pub fn command(cmd: &str) -> String {
    render(&PLACE.read().unwrap_or_else(|p| p.into_inner()), cmd)
}

fn render(place: &Place, cmd: &str) -> String {
    if place.prompt {
        return format!("`{cmd}`");
    }
    let mut line = String::from("skydrive-cli");
    for o in &place.options {
        line.push(' ');
        line.push_str(o);
    }
    format!("`{line} {cmd}`")
}

/// How to show the help of shell command `name`: `NAME -h`, or `NAME --help` where `-h`
/// means something else (`ls -h`: human sizes).
pub fn help_of(name: &str) -> String {
    let root = CommandLine::command();
    let short_h_is_help = root.find_subcommand(name).is_none_or(|sub| {
        !sub.get_arguments()
            .any(|a| a.get_short() == Some('h') && a.get_id() != "help")
    });
    let flag = if short_h_is_help { "-h" } else { "--help" };
    command(&format!("{name} {flag}"))
}

/// The commands (and aliases) closest to the unknown `word`, for "did you mean": the nearest
/// within an edit distance of 1 (2 for words of 5 letters or more), at most three.
pub fn similar_commands(word: &str) -> Vec<String> {
    let root = CommandLine::command();
    let names = root
        .get_subcommands()
        .flat_map(|s| std::iter::once(s.get_name()).chain(s.get_visible_aliases()));
    let limit = if word.chars().count() >= 5 { 2 } else { 1 };
    let mut near: Vec<(usize, &str)> = names
        .map(|n| (distance(&word.to_lowercase(), n), n))
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort();
    let best = near.first().map(|(d, _)| *d);
    near.into_iter()
        .filter(|(d, _)| Some(*d) == best)
        .take(3)
        .map(|(_, n)| n.to_owned())
        .collect()
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbours (`mkdri` is 1 from `mkdir`) each count 1.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_written_for_where_the_user_is() {
        let outside = Place {
            prompt: false,
            options: vec!["--config '/tmp/my lcrc'".into()],
            signed_in: false,
        };
        assert_eq!(
            render(&outside, "auth"),
            "`skydrive-cli --config '/tmp/my lcrc' auth`"
        );
        let inside = Place {
            prompt: true,
            ..outside
        };
        assert_eq!(render(&inside, "auth"), "`auth`");
        assert_eq!(render(&Place::default(), "ls"), "`skydrive-cli ls`");
    }

    #[test]
    fn only_a_user_without_a_sign_in_is_offered_the_demo() {
        let first = Place::default();
        assert_eq!(
            sign_in_at(&first),
            "run `skydrive-cli auth` to sign in, or try `skydrive-cli --demo` without an account"
        );
        let at_prompt = Place {
            prompt: true,
            ..Place::default()
        };
        assert_eq!(sign_in_at(&at_prompt), "run `auth` to sign in");
        let signed_out = Place {
            signed_in: true,
            ..Place::default()
        };
        assert_eq!(
            sign_in_at(&signed_out),
            "run `skydrive-cli auth` to sign in again"
        );
    }

    #[test]
    fn help_flags_follow_each_commands_definition() {
        assert!(help_of("ls").ends_with("ls --help`"));
        assert!(help_of("du").ends_with("du --help`"));
        assert!(help_of("rm").ends_with("rm -h`"));
    }

    #[test]
    fn near_commands_are_suggested() {
        assert_eq!(distance("mkdri", "mkdir"), 1);
        assert_eq!(distance("lss", "ls"), 1);
        assert_eq!(similar_commands("lss"), ["lls", "ls"]);
        assert_eq!(similar_commands("mkdri"), ["mkdir"]);
        assert_eq!(similar_commands("LS"), ["ls"]);
        assert!(similar_commands("frobnicate").is_empty());
        assert!(similar_commands("puut").contains(&"put".to_owned()));
    }
}
