//! Tab completion (README, "Completion"): command names, options, then remote or local paths
//! chosen by command and argument position. The line is read with the executing lexer, and
//! names are inserted with its escaping, so a completed name always runs as the name. Remote
//! names come from the listing cache, answered without a request once a folder is listed (a
//! prefix is a binary search: well under a millisecond in 100,000 names, bench/micro.rs).
//! A folder not cached is listed on the runtime while the Tab waits, within a short budget,
//! and only while the listing is short: a Tab in a folder being listed (the prefetch after
//! `cd`, an earlier Tab) waits for that listing instead of asking again, and returns at once
//! once it shows a second page (a big folder; `cache/flight.rs`). The listing goes on in the
//! background and the next Tab completes from it: the line editor cannot take candidates
//! after its completer has returned, so "complete when it arrives" means the next Tab.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::CommandFactory;
use rustyline::completion::{Completer, Pair};
use rustyline::{Context, Helper, Highlighter, Hinter, Validator};

use super::cache::{self, DirCache, Flight};
use super::commands::CommandLine;
use super::lexer::{Tail, Token, escape, escape_in_quote, tokenize_partial};
use super::session::resolve;
use crate::graph::GraphClient;

/// How long a Tab may wait for a short listing of a folder that is not cached.
pub const FETCH_BUDGET: Duration = Duration::from_millis(1500);

/// What an argument position holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// Remote files and folders.
    Remote,
    /// Remote folders only.
    RemoteFolder,
    /// Local files and folders.
    Local,
    /// Local folders only.
    LocalFolder,
    /// Nothing to complete.
    Nothing,
}

/// The kind of positional argument `index` (0-based, after the command name) of `cmd`.
pub fn arg_kind(cmd: &str, index: usize) -> ArgKind {
    match (cmd, index) {
        ("cd" | "mkdir" | "find" | "du" | "tree", _) => ArgKind::RemoteFolder,
        ("put", 0) => ArgKind::Local,
        ("put", _) => ArgKind::RemoteFolder,
        ("lcd", _) => ArgKind::LocalFolder,
        ("lls", _) => ArgKind::Local,
        ("info_set", 0) | ("link", _) | ("comments", _) | ("comment_add", 0) => ArgKind::Remote,
        ("ls" | "info" | "stat" | "cat" | "rm" | "get" | "mv" | "cp", _) => ArgKind::Remote,
        _ => ArgKind::Nothing,
    }
}

/// The rustyline helper of the prompt.
#[derive(Helper, Highlighter, Hinter, Validator)]
pub struct ShellHelper {
    client: Arc<Mutex<GraphClient>>,
    cache: Arc<Mutex<DirCache>>,
    cwd: Arc<Mutex<String>>,
    handle: tokio::runtime::Handle,
    places: places::Places,
}

impl ShellHelper {
    /// A helper completing against `client`'s drive; `client` and `cwd` are kept current by
    /// the REPL (`cd`, `drive` and `cd shared:…` move them).
    pub fn new(
        client: Arc<Mutex<GraphClient>>,
        cache: Arc<Mutex<DirCache>>,
        cwd: Arc<Mutex<String>>,
        handle: tokio::runtime::Handle,
    ) -> Self {
        ShellHelper {
            client,
            cache,
            cwd,
            handle,
            places: places::Places::default(),
        }
    }

    /// Completes `line` up to byte `pos`: the replacement start and the candidates.
    pub fn complete_at(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let Ok((tokens, tail)) = tokenize_partial(&line[..pos], 1) else {
            return (pos, Vec::new());
        };
        let cmd_start = tokens
            .iter()
            .rposition(|(t, _)| {
                matches!(t, Token::Sep | Token::And | Token::Or | Token::Local { .. })
            })
            .map_or(0, |i| i + 1);
        if matches!(tokens.last(), Some((Token::Local { .. }, _))) {
            return (pos, Vec::new());
        }
        let words: Vec<_> = tokens[cmd_start..]
            .iter()
            .filter_map(|(t, _)| match t {
                Token::Word(w) => Some(w.clone()),
                _ => None,
            })
            .collect();
        let (done, current) = if tail.in_word {
            match words.split_last() {
                Some((cur, done)) => (done.to_vec(), Some(cur.clone())),
                None => (Vec::new(), None),
            }
        } else {
            (words, None)
        };
        let (start, value) = current
            .as_ref()
            .map_or((pos, String::new()), |w| (w.start, w.value.clone()));
        let Some(cmd) = done.first().map(|w| w.value.clone()) else {
            return (start, commands(&value));
        };
        if value.starts_with('-') {
            return (start, options(&cmd, &value));
        }
        let index = positional_index(&cmd, &done[1..]);
        let prev = done
            .last()
            .filter(|_| done.len() > 1)
            .map(|w| w.value.as_str());
        if let Some(values) = choices(&cmd, prev, index) {
            let pairs = values
                .into_iter()
                .filter(|v| v.starts_with(&value))
                .map(|v| Pair {
                    display: v.clone(),
                    replacement: format!("{v} "),
                })
                .collect();
            return (start, pairs);
        }
        let cmd = canonical(&cmd);
        let kind = arg_kind(&cmd, index);
        if let Some(pairs) = self.places(&cmd, index, kind, &value, &tail) {
            return (start, pairs);
        }
        (start, self.paths(kind, &value, &tail))
    }

    fn paths(&self, kind: ArgKind, value: &str, tail: &Tail) -> Vec<Pair> {
        let (dir, base) = match value.rfind('/') {
            Some(i) => (&value[..=i], &value[i + 1..]),
            None => ("", value),
        };
        let names = match kind {
            ArgKind::Remote | ArgKind::RemoteFolder => {
                self.remote(dir, base, kind == ArgKind::RemoteFolder)
            }
            ArgKind::Local | ArgKind::LocalFolder => local(dir, base, kind == ArgKind::LocalFolder),
            ArgKind::Nothing => Vec::new(),
        };
        names
            .into_iter()
            .map(|(name, folder)| candidate(dir, &name, folder, tail.open_quote))
            .collect()
    }

    fn remote(&self, dir: &str, base: &str, folders_only: bool) -> Vec<(String, bool)> {
        let cwd = self
            .cwd
            .lock()
            .map(|c| c.clone())
            .unwrap_or_else(|_| "/".into());
        let abs = resolve(&cwd, if dir.is_empty() { "." } else { dir });
        let pick = |c: &mut DirCache| -> Option<Vec<(String, bool)>> {
            let id = c.folder_id(&abs)?.to_owned();
            let listing = c.fresh(&id)?;
            Some(
                listing
                    .with_prefix(base)
                    .iter()
                    .filter(|i| !folders_only || i.is_folder())
                    .map(|i| (i.name().to_owned(), i.is_folder()))
                    .collect(),
            )
        };
        let mut up = Vec::new();
        if folders_only && abs != "/" && "..".starts_with(base) && !base.is_empty() {
            up.push(("..".to_owned(), true));
        }
        if let Some(found) = pick(&mut cache::lock(&self.cache)) {
            return [up, found].concat();
        }
        let under_way = cache::lock(&self.cache).flight(&abs);
        let flight = under_way.unwrap_or_else(|| self.fetch(&abs));
        // The completer runs on the prompt's thread while the runtime runs the fetch; a
        // listing that is not done in time, or is big, goes on and fills the cache for the
        // next Tab.
        if !flight.wait_while_short(FETCH_BUDGET) {
            return up;
        }
        [up, pick(&mut cache::lock(&self.cache)).unwrap_or_default()].concat()
    }

    /// Starts listing the folder at absolute `path` on the runtime, into the cache.
    fn fetch(&self, path: &str) -> Arc<Flight> {
        let client = self
            .client
            .lock()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone());
        let flight = cache::lock(&self.cache).depart(path);
        let (cache, path, f) = (self.cache.clone(), path.to_owned(), flight.clone());
        self.handle.spawn(async move {
            let _ = cache::fetch_in_flight(&client, &cache, &path, f).await;
        });
        flight
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.complete_at(line, pos))
    }
}

/// The replacement for a completed name under folder part `dir` (as typed, unescaped).
fn candidate(dir: &str, name: &str, folder: bool, quote: Option<char>) -> Pair {
    // A leading `-` would read as an option: `./-x` names the same item.
    let dot = if dir.is_empty() && name.starts_with('-') {
        "./"
    } else {
        ""
    };
    let full = format!("{dot}{dir}{name}");
    let replacement = match quote {
        Some(q) if folder => format!("{q}{}/", escape_in_quote(&full, q)),
        Some(q) => format!("{q}{}{q} ", escape_in_quote(&full, q)),
        None if folder => format!("{}/", escape(&full)),
        None => format!("{} ", escape(&full)),
    };
    Pair {
        display: format!(
            "{}{}",
            super::output::escape(name),
            if folder { "/" } else { "" }
        ),
        replacement,
    }
}

/// Local names in `dir` (relative to the process's directory) starting with `base`.
fn local(dir: &str, base: &str, folders_only: bool) -> Vec<(String, bool)> {
    let path = if dir.is_empty() { "." } else { dir };
    let Ok(entries) = std::fs::read_dir(path) else {
        return Vec::new();
    };
    let mut out: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let folder = e.file_type().ok()?.is_dir();
            (name.starts_with(base) && (folder || !folders_only)).then_some((name, folder))
        })
        .collect();
    out.sort();
    out
}

/// Command names and aliases starting with `prefix`.
fn commands(prefix: &str) -> Vec<Pair> {
    let root = CommandLine::command();
    let mut names: Vec<String> = root
        .get_subcommands()
        .flat_map(|s| {
            std::iter::once(s.get_name().to_owned()).chain(s.get_all_aliases().map(str::to_owned))
        })
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| Pair {
            display: n.clone(),
            replacement: format!("{n} "),
        })
        .collect()
}

/// The real name of a command given by name or alias.
fn canonical(name: &str) -> String {
    CommandLine::command()
        .find_subcommand(name)
        .map_or_else(|| name.to_owned(), |s| s.get_name().to_owned())
}

/// The options of `cmd` starting with `prefix`.
fn options(cmd: &str, prefix: &str) -> Vec<Pair> {
    let root = CommandLine::command();
    let Some(sub) = root.find_subcommand(cmd) else {
        return Vec::new();
    };
    let mut flags: Vec<String> = sub
        .get_arguments()
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        })
        .filter(|f| f.starts_with(prefix))
        .collect();
    flags.sort();
    flags
        .into_iter()
        .map(|f| Pair {
            display: f.clone(),
            replacement: format!("{f} "),
        })
        .collect()
}

/// The allowed values at this point: of the option just typed (`link -t <Tab>`), or of the
/// positional argument `index` (`cache <Tab>`); `None` when the values are free (paths).
fn choices(cmd: &str, prev: Option<&str>, index: usize) -> Option<Vec<String>> {
    let mut root = CommandLine::command();
    root.build();
    let sub = root.find_subcommand(cmd)?;
    let names = |a: &clap::Arg| -> Vec<String> {
        a.get_possible_values()
            .iter()
            .map(|v| v.get_name().to_owned())
            .collect()
    };
    let by_option = prev.filter(|p| p.starts_with('-')).and_then(|p| {
        sub.get_arguments().find(|a| {
            let named = p
                .strip_prefix("--")
                .map(|l| a.get_long() == Some(l))
                .unwrap_or(false)
                || (p.len() == 2 && a.get_short() == p.chars().nth(1));
            named && a.get_action().takes_values()
        })
    });
    let arg = match by_option {
        Some(a) => a,
        None => sub.get_positionals().nth(index)?,
    };
    let values = names(arg);
    (!values.is_empty()).then_some(values)
}

/// The index of the next positional argument, skipping options and their values.
fn positional_index(cmd: &str, args: &[super::lexer::Word]) -> usize {
    let root = CommandLine::command();
    let sub = root.find_subcommand(cmd);
    let takes_value = |w: &str| {
        sub.is_some_and(|s| {
            s.get_arguments().any(|a| {
                let hit = w
                    .strip_prefix("--")
                    .map(|l| a.get_long() == Some(l))
                    .or_else(|| {
                        w.strip_prefix('-')
                            .and_then(|s| s.chars().last())
                            .map(|c| a.get_short() == Some(c))
                    })
                    .unwrap_or(false);
                hit && a.get_action().takes_values()
            })
        })
    };
    let mut n = 0;
    let mut skip = false;
    for w in args {
        if skip {
            skip = false;
        } else if w.value.starts_with('-') && w.value.len() > 1 {
            skip = !w.value.contains('=') && takes_value(&w.value);
        } else {
            n += 1;
        }
    }
    n
}

mod places;
#[cfg(test)]
mod tests;
