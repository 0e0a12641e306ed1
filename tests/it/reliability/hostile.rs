//! Hostile server: the real `skydrive-cli` against `skydrive-emu --hostile MODE` (names with
//! terminal escapes, `..`, slashes; sizes and hashes that lie; truncated, malformed or cut-off
//! bodies).
//! Every command must end with the expected exit code (never 101), say what went wrong, print
//! no raw control character, write nothing outside its target folder (`out/`) and leave no
//! file under a final name unless its bytes are right.
//!
//! Which items lie is deterministic (see `src/emulator/hostile.rs`): in the demo drive
//! `Documents`, `Documents/README.txt` and `Pics/image2.jpg` get hostile names or sizes,
//! `Pics` and `Pics/image1.jpg` stay honest.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use skydrive::emulator::{Emulator, EmulatorOptions, Faults, Hostile};

use crate::common::{EmuProcess, cli, files_below, logged_requests};

/// One command: its arguments, the exit code it must end with, a text its output must hold.
type Case = (&'static [&'static str], i32, &'static str);

/// The outcome of one command.
#[derive(Debug)]
struct Run {
    code: i32,
    out: String,
    err: String,
}

/// A temp dir with `out/` (the commands' working directory) and `home/`.
struct Site {
    dir: tempfile::TempDir,
    config: PathBuf,
    /// Final file names and the bytes they must hold.
    good: HashMap<String, Vec<u8>>,
}

/// The demo drive's file contents (src/emulator/seed.rs).
fn demo_files() -> HashMap<String, Vec<u8>> {
    let jpeg = |seed: u8| {
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
        v.extend((0..2048u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
        v.extend([0xFF, 0xD9]);
        v
    };
    HashMap::from([
        (
            "README.txt".to_owned(),
            b"Welcome to the skydrive-cli demo drive.\n".to_vec(),
        ),
        ("image1.jpg".to_owned(), jpeg(1)),
        ("image2.jpg".to_owned(), jpeg(2)),
        // In the folder Robin shares, reached through the demo drive's shortcut.
        (
            "notes.txt".to_owned(),
            b"Notes everyone may edit.\n".to_vec(),
        ),
        ("a.txt".to_owned(), b"a file one level down\n".to_vec()),
    ])
}

impl Site {
    fn new(config_dir: tempfile::TempDir, good: HashMap<String, Vec<u8>>) -> Self {
        let config = config_dir.path().join("emu.lcrc");
        for sub in ["out", "home"] {
            std::fs::create_dir_all(config_dir.path().join(sub)).unwrap();
        }
        Site {
            dir: config_dir,
            config,
            good,
        }
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("requests.jsonl")
    }

    /// `skydrive-emu --hostile MODES` on the demo drive.
    fn emu(modes: &str) -> (Self, EmuProcess) {
        let site = Site::new(tempfile::tempdir().unwrap(), demo_files());
        let log = site.log();
        let args = ["--hostile", modes, "--request-log", log.to_str().unwrap()];
        let emu = EmuProcess::start(site.dir.path(), &args);
        assert_eq!(emu.config, site.config);
        (site, emu)
    }

    fn run(&self, args: &[&str]) -> Run {
        let o = cli(&self.dir.path().join("home"))
            .current_dir(self.dir.path().join("out"))
            .env("SKYDRIVE_CONFIG", &self.config)
            .args(args)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        Run {
            code: o.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&o.stdout).into_owned(),
            err: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Runs each case and checks it, and the file system after it.
    fn check(&self, cases: &[Case]) {
        for (args, code, says) in cases {
            let r = self.run(args);
            assert_eq!(r.code, *code, "{args:?}: {r:#?}");
            let all = format!("{}{}", r.out, r.err);
            assert!(all.contains(says), "{args:?} should say {says:?}: {r:#?}");
            let raw = all.chars().find(|c| {
                (c.is_control() && !matches!(c, '\n' | '\t'))
                    || ('\u{202a}'..='\u{202e}').contains(c)
            });
            assert_eq!(
                raw, None,
                "{args:?} printed a raw control character: {r:#?}"
            );
            self.assert_contained(args);
        }
    }

    /// Nothing outside `out/` (besides the config, request log and home), no hidden transfer
    /// file left in `out/`, and every final name in `out/` holds the right bytes.
    fn assert_contained(&self, args: &[&str]) {
        let base = self.dir.path();
        assert!(!Path::new("/tmp/skydrive-hostile").exists(), "{args:?}");
        for f in files_below(base) {
            let rel = f.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if rel.starts_with("home/") || rel.starts_with("emu.lcrc") || rel == "requests.jsonl" {
                continue;
            }
            assert!(rel.starts_with("out/"), "{args:?} wrote {rel:?}");
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.starts_with('.'), "{args:?} left {rel:?}");
            let want = self.good.get(&name);
            let got = std::fs::read(&f).unwrap();
            assert!(want == Some(&got), "{args:?}: {rel:?} has wrong bytes");
        }
    }
}

/// How many requests of the request log match `method` and contain `path_part`, and how
/// many of those carried a Range.
fn logged(site: &Site, method: &str, path_part: &str) -> (usize, usize) {
    let hits: Vec<serde_json::Value> = logged_requests(&site.log())
        .into_iter()
        .filter(|v| v["method"] == method && v["path"].as_str().unwrap_or("").contains(path_part))
        .collect();
    let ranged = hits.iter().filter(|v| v["range"].is_string()).count();
    (hits.len(), ranged)
}

const REFUSED: &str = "refused as a local file name";

#[test]
fn escape_names_are_escaped_on_output_and_refused_as_local_names() {
    let (site, _emu) = Site::emu("escape-names");
    site.check(&[
        (&["ls", "/"], 0, r"\x1b[2J\x1b]0;owned\x07Documents"),
        (
            &["ls", "-l", "/Pics"],
            0,
            r"image2.jpg\r\x08\x07\x00\u{202e}\x1b[0m",
        ),
        (
            &["--json", "ls", "/"],
            0,
            r#""\u001b[2J\u001b]0;owned\u0007Documents"#,
        ),
        (&["tree", "/"], 0, r"\x1b[2J\x1b]0;owned\x07README.txt"),
        (
            &["tree", "-L", "3", "/"],
            0,
            r"\x1b[2J\x1b]0;owned\x07README.txt",
        ),
        (&["find", "/"], 0, r"/Pics/\x1b[2J"),
        (&["du", "/"], 0, r"/\x1b[2J"),
        (&["info", "/Documents"], 0, r"name: \x1b[2J"),
        (&["cat", "/Documents/README.txt"], 0, "Welcome"),
        (&["get", "/Pics/image2.jpg", "."], 7, REFUSED),
        (&["get", "/Pics/*", "."], 6, REFUSED),
        (&["get", "-r", "/", "all"], 6, REFUSED),
    ]);
    assert!(site.dir.path().join("out/all/Pics/image1.jpg").is_file());
}

#[test]
fn dotdot_names_never_leave_the_target_folder() {
    let (site, _emu) = Site::emu("dotdot-names");
    site.check(&[
        (&["ls", "-a", "/Pics"], 0, "- .\n"),
        (&["tree", "/"], 0, "..: file"),
        (&["find", "/"], 0, "/Pics/."),
        (&["info", "/Pics/image2.jpg"], 0, "name: .\n"),
        (
            &["get", "/Pics/image2.jpg", "."],
            7,
            "relative folder reference",
        ),
        (&["get", "/Documents", "."], 7, "the name is empty"),
        (&["get", "/Pics/*", "."], 6, REFUSED),
        (
            &["get", "-r", "/Documents", "docs"],
            7,
            "relative folder reference",
        ),
        (&["get", "-r", "/", "all"], 6, "the name is empty"),
    ]);
}

#[test]
fn slash_names_are_one_name_on_output_and_refused_as_local_names() {
    let (site, _emu) = Site::emu("slash-names");
    site.check(&[
        (&["ls", "-a", "/"], 0, r"..\Documents"),
        (&["tree", "/"], 0, "README.txt/x: file"),
        (&["find", "/"], 0, r"/Pics/image2.jpg\x"),
        (&["get", "/Pics/image2.jpg", "."], 7, "path separator"),
        (&["get", "-r", "/Documents", "docs"], 7, "path separator"),
        (&["get", "-r", "/", "all"], 6, "path separator"),
    ]);
}

#[test]
fn listed_sizes_that_lie_are_advice_when_the_hash_is_true() {
    // README.txt is listed at 1040 bytes (40 real, downloads declare 140), image2.jpg at 2053
    // (2054 real, downloads declare 2154); their hashes are true.
    let (site, _emu) = Site::emu("lying-sizes");
    let readme = "OneDrive lists 1040 bytes but served 40";
    let image2 = "OneDrive lists 2053 bytes but served 2054";
    site.check(&[
        (&["ls", "-l", "/Pics"], 0, "size: 2053"),
        (&["cat", "/Documents/README.txt"], 0, readme),
        (&["get", "/Pics/image2.jpg", "."], 0, image2),
        (&["get", "/Documents/README.txt", "."], 0, readme),
        (&["get", "/Pics/image1.jpg", "."], 0, ""),
        (&["get", "-r", "/", "all"], 0, image2),
    ]);
    for f in [
        "image1.jpg",
        "image2.jpg",
        "README.txt",
        "all/Pics/image2.jpg",
    ] {
        assert!(site.dir.path().join("out").join(f).is_file(), "{f}");
    }
    let cat = site.run(&["cat", "/Documents/README.txt"]);
    assert_eq!(cat.out, "Welcome to the skydrive-cli demo drive.\n");
    assert_eq!(cat.err.lines().count(), 1, "one warning line: {cat:#?}");
    let tree = site.run(&["get", "-r", "/", "tree"]);
    assert_eq!(tree.err.matches("warning:").count(), 2, "{tree:#?}");
    assert!(
        tree.err.contains(readme) && tree.err.contains(image2),
        "{tree:#?}"
    );
    assert_eq!(site.run(&["-q", "get", "/Pics/image2.jpg", "q"]).err, "");
    let (gets, _) = logged(&site, "GET", "/download/");
    assert!(
        gets < 40,
        "{gets} download requests: a lying size must not loop"
    );
}

#[test]
fn wrong_hashes_fail_verification_and_leave_no_file() {
    let (site, _emu) = Site::emu("wrong-hashes");
    site.check(&[
        (
            &["cat", "/Documents/README.txt"],
            1,
            "quickXorHash differs (40 bytes",
        ),
        (
            &["get", "/Pics/image2.jpg", "."],
            1,
            "integrity check failed for image2.jpg",
        ),
        (&["get", "/Pics/image1.jpg", "."], 0, ""),
        (&["get", "-r", "/", "all"], 6, "integrity check failed"),
    ]);
    assert!(site.dir.path().join("out/image1.jpg").is_file());
    assert!(!site.dir.path().join("out/image2.jpg").exists());
}

#[test]
fn without_a_hash_the_listed_size_decides() {
    let (site, _emu) = Site::emu("lying-sizes,no-hashes");
    site.check(&[
        (
            &["cat", "/Documents/README.txt"],
            1,
            "expected 1040 bytes, got 40",
        ),
        (
            &["get", "/Pics/image2.jpg", "."],
            1,
            "expected 2053 bytes, got 2054",
        ),
        (&["get", "/Pics/image1.jpg", "."], 0, ""),
        (&["get", "-r", "/", "all"], 6, "integrity check failed"),
    ]);
    assert!(!site.dir.path().join("out/image2.jpg").exists());
    let (gets, _) = logged(&site, "GET", "/download/");
    assert!(gets < 30, "{gets} download requests");
}

/// Commands that read JSON, each of which must fail with exit 1 and say `says`.
fn json_cases(says: &'static str) -> Vec<Case> {
    let cmds: [&'static [&'static str]; 7] = [
        &["ls", "/"],
        &["tree", "/"],
        &["find", "/"],
        &["info", "/Documents"],
        &["cat", "/Documents/README.txt"],
        &["get", "/Pics/image1.jpg", "."],
        &["get", "-r", "/", "all"],
    ];
    cmds.into_iter().map(|c| (c, 1, says)).collect()
}

#[test]
fn truncated_json_is_a_clear_error_naming_the_request() {
    let (site, _emu) = Site::emu("truncated-json");
    site.check(&json_cases("the JSON answer ends early"));
    site.check(&[(&["ls", "/Pics"], 1, "(GET /v1.0/me/drive/root:/Pics:)")]);
}

#[test]
fn malformed_json_is_a_clear_error_naming_the_request() {
    let (site, _emu) = Site::emu("malformed-json");
    site.check(&json_cases("the answer is not JSON"));
    site.check(&[(&["ls", "/"], 1, "(GET /v1.0/me/drive/root/children)")]);
}

#[test]
fn json_with_wrong_types_is_a_clear_error() {
    let (site, _emu) = Site::emu("wrong-types");
    site.check(&json_cases("the JSON answer has the wrong shape"));
    site.check(&[
        (&["ls", "/"], 1, "expected a sequence"),
        (&["info", "/Documents"], 1, "invalid type: string \"40\""),
        (&["tree", "/"], 1, "missing field `id`"),
    ]);
}

#[test]
fn short_download_bodies_resume_with_range_to_verified_files() {
    let (site, _emu) = Site::emu("short-body");
    site.check(&[
        (&["cat", "/Documents/README.txt"], 0, "Welcome"),
        (&["get", "/Pics/image2.jpg", "."], 0, ""),
        (&["get", "-r", "/", "all"], 0, "got 5 files"),
    ]);
    assert!(
        site.dir
            .path()
            .join("out/all/Documents/README.txt")
            .is_file()
    );
    let (gets, ranged) = logged(&site, "GET", "/download/");
    assert!(
        ranged > 10 && gets < 100,
        "{gets} downloads, {ranged} ranged"
    );
}

#[test]
fn short_json_bodies_are_retried_then_exit_5() {
    let (site, _emu) = Site::emu("short-json");
    site.check(&[
        (
            &["ls", "/"],
            5,
            "the answer to GET /v1.0/me/drive/root/children was cut off",
        ),
        (&["get", "-r", "/Pics", "pics"], 5, "was cut off"),
    ]);
    let (tries, _) = logged(&site, "GET", "/v1.0/me/drive/root/children");
    assert_eq!(tries, 7, "one GET and six retries");
}

/// An in-process emulator (`Faults::hostile`) with eight more files in `/Many`, so that
/// every variant of a name mode shows up in one `get -r`.
fn many(mode: Hostile) -> (Site, Emulator, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let opts = EmulatorOptions {
        faults: Faults {
            hostile: vec![mode],
            ..Faults::default()
        },
        ..EmulatorOptions::default()
    };
    let emu = rt.block_on(Emulator::start(opts)).unwrap();
    let mut good = HashMap::new();
    for i in 0..8 {
        let (name, bytes) = (format!("f{i}.txt"), format!("file {i}\n").into_bytes());
        emu.put_file(&format!("Many/{name}"), &bytes);
        good.insert(name, bytes);
    }
    let site = Site::new(tempfile::tempdir().unwrap(), good);
    emu.write_config(&site.config).unwrap();
    (site, emu, rt)
}

#[test]
fn every_hostile_name_variant_is_refused_in_get_r() {
    for (mode, says) in [
        (Hostile::DotdotNames, "../escaped-f"),
        (Hostile::SlashNames, "/tmp/skydrive-hostile/f"),
    ] {
        let (site, _emu, _rt) = many(mode);
        site.check(&[(&["get", "-r", "/Many", "."], 6, says)]);
        let got = files_below(&site.dir.path().join("out"));
        assert_eq!(got.len(), 4, "{mode:?}: {got:?}");
        let r = site.run(&["get", "-r", "/Many", "."]);
        assert_eq!(r.err.matches(REFUSED).count(), 4, "{mode:?}: {r:#?}");
    }
}

#[tokio::test]
async fn both_walks_mark_what_lies_below_an_unsafe_folder() {
    use skydrive::drive::{walk_by_delta, walk_by_listing};
    let faults = Faults {
        hostile: vec![Hostile::DotdotNames],
        ..Faults::default()
    };
    let env = crate::library::env_with(skydrive::emulator::Seed::Demo, faults).await;
    let root = env.client.item(&skydrive::ItemRef::Root).await.unwrap();
    let listed = walk_by_listing(&env.client, &skydrive::ItemRef::Root, 4, None);
    let delta = walk_by_delta(&env.client, &root, None);
    for entries in [listed.await.unwrap(), delta.await.unwrap()] {
        // The emulator's personal item ids end in the item number, in hex.
        let number = |id: &str| u64::from_str_radix(&id[id.len() - 16..], 16).unwrap();
        let mut below: Vec<(u64, bool)> = entries
            .iter()
            .map(|e| (number(&e.item.id), e.under_unsafe))
            .collect();
        below.sort();
        // 102 `Documents` is renamed "", so its child 104 lies below an unsafe name; so does
        // what the shortcut 116 (renamed too) holds on Robin's drive (109 to 111).
        let want = [
            (102, false),
            (103, false),
            (104, true),
            (105, false),
            (106, false),
            (109, true),
            (110, true),
            (111, true),
            (116, false),
        ];
        assert_eq!(below, want);
    }
}
