//! Completer tests against a filled cache: no network, no terminal.

use std::sync::{Arc, Mutex};

use proptest::prelude::*;

use super::*;
use crate::graph::{DriveItem, StaticToken};
use crate::shell::cache::tests::item;
use crate::shell::lexer::{Token, tokenize};

/// A helper over a filled cache; the client points at a closed port and is never reached.
fn helper(rt: &tokio::runtime::Runtime, names: &[(&str, bool)]) -> ShellHelper {
    let client =
        GraphClient::new("http://127.0.0.1:9/v1.0", Arc::new(StaticToken("t".into()))).unwrap();
    let mut cache = DirCache::default();
    let items = names
        .iter()
        .enumerate()
        .map(|(i, (n, f))| item(&i.to_string(), n, *f))
        .collect::<Vec<_>>();
    cache.store("root", "/", items.into());
    cache.store("1", "/My Docs", vec![item("x", "Inner", true)].into());
    ShellHelper::new(
        Arc::new(Mutex::new(client)),
        Arc::new(Mutex::new(cache)),
        Arc::new(Mutex::new("/".into())),
        rt.handle().clone(),
    )
}

/// A shortcut to a folder on another drive, and a OneNote notebook, as the service lists them.
fn kinds() -> Vec<DriveItem> {
    let json = r#"[
        {"id": "9", "name": "Shared Folder", "remoteItem": {"id": "R!1", "folder": {},
            "parentReference": {"driveId": "r"}}},
        {"id": "8", "name": "Notebook", "package": {"type": "oneNote"}},
        {"id": "7", "name": "flagged.exe", "file": {}, "malware": {}}
    ]"#;
    serde_json::from_str(json).unwrap()
}

#[test]
fn shortcuts_complete_as_folders_and_notebooks_as_items() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let h = helper(&rt, &[]);
    cache::lock(&h.cache).store("root", "/", kinds().into());
    assert_eq!(replacements(&h, "cd S"), ["Shared\\ Folder/"]);
    assert!(
        replacements(&h, "cd N").is_empty(),
        "a notebook is no folder"
    );
    assert_eq!(replacements(&h, "get N"), ["Notebook "]);
    assert_eq!(replacements(&h, "get f"), ["flagged.exe "]);
}

fn replacements(h: &ShellHelper, line: &str) -> Vec<String> {
    h.complete_at(line, line.len())
        .1
        .into_iter()
        .map(|p| p.replacement)
        .collect()
}

#[test]
fn folders_only_for_cd_with_escapes_and_slash() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let h = helper(&rt, &[("My Docs", true), ("my file.txt", false)]);
    assert_eq!(replacements(&h, "cd my"), ["My\\ Docs/"]);
    assert_eq!(replacements(&h, "get MY"), ["My\\ Docs/", "my\\ file.txt "]);
    assert_eq!(replacements(&h, "get 'my f"), ["'my file.txt' "]);
    assert_eq!(replacements(&h, "rm -r my\\ f"), ["my\\ file.txt "]);
    assert_eq!(replacements(&h, "cd \"My"), ["\"My Docs/"]);
    assert_eq!(replacements(&h, "cd My\\ Docs/i"), ["My\\ Docs/Inner/"]);
    let (start, _) = h.complete_at("ls x; cd my", 11);
    assert_eq!(start, 9);
}

#[test]
fn commands_and_options() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let h = helper(&rt, &[]);
    let cmds = replacements(&h, "l");
    for c in ["lcd ", "link ", "lls ", "lpwd ", "ls "] {
        assert!(cmds.contains(&c.to_owned()), "{cmds:?}");
    }
    let opts = replacements(&h, "rm -");
    assert!(opts.contains(&"--recursive ".to_owned()), "{opts:?}");
    assert!(replacements(&h, "zz").is_empty());
    assert_eq!(replacements(&h, "cache f"), ["flush "]);
    assert_eq!(replacements(&h, "link -t e"), ["edit ", "embed "]);
    assert_eq!(replacements(&h, "find --type "), ["f ", "d "]);
}

#[test]
fn argument_kinds_by_position() {
    assert_eq!(arg_kind("put", 0), ArgKind::Local);
    assert_eq!(arg_kind("put", 1), ArgKind::RemoteFolder);
    assert_eq!(arg_kind("lcd", 0), ArgKind::LocalFolder);
    assert_eq!(arg_kind("cd", 0), ArgKind::RemoteFolder);
    assert_eq!(arg_kind("get", 0), ArgKind::Remote);
    assert_eq!(positional_index("get", &tokens("get -P 3 a")[1..]), 1);
}

fn tokens(s: &str) -> Vec<crate::shell::lexer::Word> {
    tokenize(s, 1)
        .unwrap()
        .into_iter()
        .filter_map(|(t, _)| match t {
            Token::Word(w) => Some(w),
            _ => None,
        })
        .collect()
}

proptest! {
    #[test]
    fn completed_names_run_as_the_name(name in "[^/\\x00-\\x1f]{1,20}", folder: bool, quote in prop::sample::select(vec![None, Some('\''), Some('"')])) {
        let p = candidate("", &name, folder, quote);
        let text = if folder { format!("{}x", p.replacement) } else { p.replacement.clone() };
        let text = match (quote, folder) {
            (Some(q), true) => format!("{text}{q}"),
            _ => text,
        };
        let words = tokens(&format!("get {text}"));
        let dot = if name.starts_with('-') { "./" } else { "" };
        let want = if folder { format!("{dot}{name}/x") } else { format!("{dot}{name}") };
        prop_assert_eq!(words.len(), 2);
        prop_assert_eq!(&words[1].value, &want);
    }
}

/// A helper on the client of an emulator of a synthetic drive (`/Big`: 5,000 files, five
/// pages of listing; `/d00`: one page) answering after `latency`, with an empty cache.
fn on_emulator(
    rt: &tokio::runtime::Runtime,
    latency: std::time::Duration,
) -> (ShellHelper, crate::emulator::Emulator, tempfile::TempDir) {
    use crate::emulator::{Emulator, EmulatorOptions, Faults, Seed, TreeShape};
    let shape = TreeShape {
        folders: 10,
        files: 10_000,
        depth: 2,
    };
    let opts = EmulatorOptions {
        seed: Seed::Tree(shape),
        faults: Faults {
            latency,
            ..Faults::default()
        },
        ..EmulatorOptions::default()
    };
    let emu = rt.block_on(Emulator::start(opts)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = emu.client_config(&dir.path().join("lcrc"));
    let client = rt
        .block_on(crate::auth::client_from_config(config))
        .unwrap();
    let h = ShellHelper::new(
        Arc::new(Mutex::new(client)),
        Arc::new(Mutex::new(DirCache::default())),
        Arc::new(Mutex::new("/".into())),
        rt.handle().clone(),
    );
    (h, emu, dir)
}

/// Requests for the first page of the children of `folder` (a listing's start), and all.
fn listings(emu: &crate::emulator::Emulator, folder: &str) -> (usize, usize) {
    let log = emu.request_log();
    let of = |r: &&crate::emulator::LoggedRequest| {
        r.path.contains(&format!("{folder}:/children")) && !r.path.contains("skiptoken")
    };
    let starts = log.iter().filter(of).count();
    (starts, log.len())
}

#[test]
fn a_tab_in_a_big_folder_does_not_wait_for_its_listing_and_the_next_completes_from_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (h, emu, _dir) = on_emulator(&rt, std::time::Duration::from_millis(200));
    assert!(
        replacements(&h, "get Big/f000").is_empty(),
        "not listed yet"
    );
    let flight = cache::lock(&h.cache).flight("/Big");
    let flight = flight.expect("the listing goes on after the Tab returned");
    assert!(flight.pages() >= 2, "the Tab returned at the second page");
    assert!(
        replacements(&h, "get Big/f000").is_empty(),
        "still under way"
    );
    for _ in 0..300 {
        if cache::lock(&h.cache).flight("/Big").is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(flight.pages(), 5, "5,000 children, 1,000 a page");
    let before = listings(&emu, "/Big");
    assert_eq!(before.0, 1, "one listing, not one per Tab");
    let found = replacements(&h, "get Big/f000");
    assert_eq!(found.len(), 10, "{found:?}");
    assert_eq!(found[0], "Big/f0000.bin ");
    assert_eq!(listings(&emu, "/Big"), before, "answered from the cache");
}

#[test]
fn a_tab_waits_for_a_short_listing_under_way_instead_of_asking_again() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (h, emu, _dir) = on_emulator(&rt, std::time::Duration::from_millis(200));
    // What the prompt's prefetch after `cd /d00` does.
    let (client, c) = (h.client.lock().unwrap().clone(), h.cache.clone());
    rt.spawn(async move { cache::fetch_listing(&client, &c, "/d00").await });
    while cache::lock(&h.cache).flight("/d00").is_none() {
        std::thread::yield_now();
    }
    let found = replacements(&h, "get d00/f00");
    assert!(
        found.len() >= 10 && found[0] == "d00/f000.bin ",
        "{found:?}"
    );
    assert_eq!(
        listings(&emu, "/d00").0,
        1,
        "the Tab waited for the prefetch"
    );
}
