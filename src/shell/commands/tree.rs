//! `tree [-L N] [-d] [PATH]`: the folder tree. Piped, it prints the seed's nested form
//! (`OneDrive:` / `  Documents:` / `    README.txt: file`; the seed printed `SkyDrive:` for
//! the root, we print `OneDrive:`, or the folder's own name); on a terminal a drawn tree under
//! a root line `OneDrive` (or the folder's name); with `--json` one line per item with its
//! depth. Sisters come in `ls`'s order (items::name_order).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::drive;
use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::items;
use crate::shell::output::{self, Format};
use crate::shell::session::{Session, join};

/// Show the folder tree (the current folder by default).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Descend at most N levels.
    #[arg(short = 'L', value_name = "N")]
    pub level: Option<usize>,
    /// Folders only.
    #[arg(short = 'd')]
    pub dirs_only: bool,
    /// The folder.
    pub path: Option<String>,
}

/// Runs `tree`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let t = sess.target(args.path.as_deref().unwrap_or("."));
    let root = sess.client.item(&t.item).await.map_err(about(&t.label()))?;
    if !root.is_folder() {
        return Err(CommandError::new(
            exit::FAILED,
            format!("{}: not a folder", t.label()),
        ));
    }
    let entries = drive::walk(&sess.client, &t.item, 8, args.level).await?;
    let entries: Vec<_> = entries
        .into_iter()
        .filter(|e| !args.dirs_only || e.item.is_folder())
        .collect();
    let base = t.path.clone().unwrap_or_default();
    if sess.settings.format == Format::Json {
        let mut entries: Vec<_> = entries.iter().collect();
        entries.sort_by(|a, b| items::path_order(Format::Json, &a.path, &b.path, true));
        let text: String = entries
            .iter()
            .map(|e| {
                let mut row = items::row(&e.item, &join(&base, &e.path));
                row["depth"] = e.depth.into();
                output::json_line(&row)
            })
            .collect();
        output::out(&text)?;
        return Ok(());
    }
    let mut top = Map::new();
    for (names, e) in name_chains(&entries) {
        insert(&mut top, &names, &e.item);
    }
    let name = if root.root.is_some() {
        "OneDrive".to_owned()
    } else {
        root.name
    };
    let mut text = String::new();
    if sess.settings.format == Format::Table {
        text = format!("{}\n", output::escape(&name));
        draw(&mut text, &top, "");
    } else {
        seed(&mut text, &Map::from_iter([(name, Value::Object(top))]), 0);
    }
    output::out(&text)
}

/// Each entry with the names from the walk's root down to it, rebuilt from parent ids rather
/// than split from its path, so that a (hostile) name holding `/` stays one name.
fn name_chains(entries: &[drive::WalkEntry]) -> Vec<(Vec<&str>, &drive::WalkEntry)> {
    let mut by_depth: Vec<&drive::WalkEntry> = entries.iter().collect();
    by_depth.sort_by_key(|e| e.depth);
    let mut chains: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in by_depth {
        let parent = e
            .item
            .parent_reference
            .as_ref()
            .and_then(|p| p.id.as_deref());
        let mut names = match parent.and_then(|p| chains.get(p)) {
            Some(above) if e.depth > 1 => above.clone(),
            _ => Vec::new(),
        };
        names.push(e.item.name.as_str());
        // What a shortcut holds names the shared folder (on its drive) as its parent.
        if let Some(target) = e.item.remote_item.as_deref() {
            chains.insert(target.id.as_str(), names.clone());
        }
        chains.insert(e.item.id.as_str(), names.clone());
        out.push((names, e));
    }
    out
}

/// Puts an item at its chain of names into the nested map (folders as maps, files as types).
fn insert(top: &mut Map<String, Value>, names: &[&str], item: &crate::graph::DriveItem) {
    let mut node = top;
    let mut parts = names.iter().copied().peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            let leaf = if item.is_folder() {
                Value::Object(Map::new())
            } else {
                Value::String(items::seed_type(item).to_owned())
            };
            node.entry(part.to_owned()).or_insert(leaf);
            return;
        }
        let next = node
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(m) = next else { return };
        node = m;
    }
}

/// The entries of one level of the nested map, in `ls`'s order for `format`.
fn sorted(format: Format, map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|(a, _), (b, _)| items::name_order(format, a, b));
    entries
}

/// Writes the nested map the seed's way: `name:` for a folder, `name: type` for a file.
fn seed(s: &mut String, map: &Map<String, Value>, indent: usize) {
    for (name, v) in sorted(Format::Seed, map) {
        let pad = " ".repeat(indent);
        match v {
            Value::Object(m) => {
                s.push_str(&format!("{pad}{}:\n", output::escape(name)));
                seed(s, m, indent + 2);
            }
            leaf => {
                let kind = leaf.as_str().unwrap_or("file");
                s.push_str(&format!("{pad}{}: {kind}\n", output::escape(name)));
            }
        }
    }
}

/// Draws the nested map with box-drawing lines.
fn draw(s: &mut String, map: &Map<String, Value>, prefix: &str) {
    let entries = sorted(Format::Table, map);
    let n = entries.len();
    for (i, (name, v)) in entries.into_iter().enumerate() {
        let last = i + 1 == n;
        let (branch, more) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        let slash = if v.is_object() { "/" } else { "" };
        s.push_str(&format!(
            "{prefix}{branch}{}{slash}\n",
            output::escape(name)
        ));
        if let Value::Object(m) = v {
            draw(s, m, &format!("{prefix}{more}"));
        }
    }
}
