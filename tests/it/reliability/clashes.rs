//! Names OneDrive treats as one (docs/reliability.md, "Bad input: names OneDrive treats as
//! one"): every upload, copy and move refuses sources whose names differ only in case or
//! Unicode normalisation before the first request, with exit 7 naming both; a write whose
//! answer names another item than asked fails naming both.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{EmuProcess, cli, logged_requests};

/// A standalone emulator with a request log, and a local folder `local/` to upload from.
struct Site {
    dir: tempfile::TempDir,
    emu: EmuProcess,
    log: PathBuf,
}

impl Site {
    fn new(extra: &[&str]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut args = vec!["--request-log", log.to_str().unwrap()];
        args.extend_from_slice(extra);
        let emu = EmuProcess::start(dir.path(), &args);
        fs::create_dir(dir.path().join("local")).unwrap();
        Site { dir, emu, log }
    }

    fn local(&self, files: &[&str]) -> &Path {
        let local = self.dir.path().join("local");
        for f in files {
            let p = local.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, f.as_bytes()).unwrap();
        }
        self.dir.path()
    }

    fn requests(&self) -> usize {
        logged_requests(&self.log).len()
    }

    /// Runs `args` in the site's folder; the exit code and stderr.
    fn run(&self, args: &[&str]) -> (i32, String) {
        let o = cli(self.dir.path())
            .env("SKYDRIVE_CONFIG", &self.emu.config)
            .env("SKYDRIVE_HOME", self.dir.path().join("data"))
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        (o.status.code().unwrap_or(-1), err)
    }

    /// `args` fails with exit 7 before any request, and stderr names each pair.
    fn refused(&self, args: &[&str], pairs: &[(&str, &str)]) {
        let before = self.requests();
        let (code, err) = self.run(args);
        assert_eq!(code, 7, "{args:?}: {err}");
        for (a, b) in pairs {
            let pair = format!("{a:?} and {b:?}");
            assert!(err.contains(&pair), "{args:?}: {pair} in {err}");
        }
        assert!(err.contains("nothing was sent"), "{args:?}: {err}");
        assert!(!err.contains("put 4 files"), "{err}");
        assert_eq!(self.requests(), before, "{args:?} sent requests");
    }
}

#[test]
fn put_r_refuses_a_tree_with_names_that_are_one_on_onedrive() {
    // The field report: `File.txt` and `file.txt`, `sub/` and `SUB/` ended "put 4 files" with
    // one file's bytes gone and the folders merged.
    let site = Site::new(&[]);
    site.local(&["File.txt", "file.txt", "sub/a.txt", "SUB/b.txt"]);
    site.refused(
        &["put", "-r", "local", "/Documents"],
        &[
            ("local/File.txt", "local/file.txt"),
            ("local/SUB", "local/sub"),
        ],
    );
    let (code, err) = site.run(&["put", "-r", "--rename", "local", "/Documents"]);
    assert_eq!(
        code, 7,
        "--rename keeps a source and a remote name, not two sources: {err}"
    );
    let (code, out) = site.run(&["-c", "ls /Documents"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn put_refuses_sources_named_alike_in_every_form() {
    let site = Site::new(&[]);
    site.local(&[
        "a/x.txt",
        "b/X.TXT",
        "c/x.txt",
        "n/caf\u{e9}.txt",
        "d/cafe\u{301}.txt",
        "dir1/Same/f",
        "same",
    ]);
    let cases: [(&[&str], (&str, &str)); 4] = [
        (
            &["put", "local/a/x.txt", "local/b/X.TXT", "/"],
            ("local/a/x.txt", "local/b/X.TXT"),
        ),
        (
            &["put", "local/a/x.txt", "local/c/x.txt", "/"],
            ("local/a/x.txt", "local/c/x.txt"),
        ),
        (
            &[
                "put",
                "local/n/caf\u{e9}.txt",
                "local/d/cafe\u{301}.txt",
                "/",
            ],
            ("local/n/caf\u{e9}.txt", "local/d/cafe\u{301}.txt"),
        ),
        (
            &["put", "-r", "local/dir1/Same", "local/same", "/"],
            ("local/dir1/Same", "local/same"),
        ),
    ];
    for (args, pair) in cases {
        let before = site.requests();
        let (code, err) = site.run(args);
        assert_eq!(code, 7, "{args:?}: {err}");
        let pair = format!("{:?} and {:?} would be one name", pair.0, pair.1);
        assert!(err.contains(&pair), "{args:?}: {pair} in {err}");
        assert_eq!(site.requests(), before, "{args:?} sent requests");
    }
    // Without -r the folder is not uploaded, so nothing clashes with it.
    let (code, err) = site.run(&["put", "local/dir1/Same", "local/same", "/"]);
    assert_eq!(
        code, 6,
        "the folder alone fails (use -r), the file goes up: {err}"
    );
}

#[test]
fn cp_and_mv_refuse_sources_named_alike() {
    let site = Site::new(&[]);
    let (code, err) = site.run(&[
        "-c",
        "mkdir /A /B /Dest; cp /Documents/README.txt /A/x.txt; cp /Documents/README.txt /B/X.txt",
    ]);
    assert_eq!(code, 0, "{err}");
    for cmd in ["cp", "mv"] {
        let before = site.requests();
        let (code, err) = site.run(&[cmd, "/A/x.txt", "/B/X.txt", "/Dest"]);
        assert_eq!(code, 7, "{cmd}: {err}");
        assert!(
            err.contains("\"/A/x.txt\" and \"/B/X.txt\" would be one name"),
            "{err}"
        );
        assert_eq!(site.requests(), before, "{cmd} sent requests");
    }
    // A glob's matches are sources too (their names come from the listing).
    let (code, err) = site.run(&["cp", "/A/*.txt", "/B/*.txt", "/Dest"]);
    assert_eq!(code, 7, "{err}");
    let (code, err) = site.run(&["-c", "cp /A/x.txt /Documents/README.txt /Dest; ls /Dest"]);
    assert_eq!(code, 0, "names that differ pass: {err}");
    // One source to another spelling of its own name: a rename in place, not a conflict.
    let (code, err) = site.run(&["-c", "mv /A/x.txt /A/X.TXT; mv /B /b"]);
    assert_eq!(code, 0, "{err}");
    let out = cli(site.dir.path())
        .env("SKYDRIVE_CONFIG", &site.emu.config)
        .args(["ls", "/A", "/"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("X.TXT") && listed.contains("- b"),
        "{listed}"
    );
}

#[test]
fn a_write_answered_under_another_name_fails_naming_both() {
    let site = Site::new(&["--hostile", "double-decode"]);
    site.local(&["x%41.txt"]);
    let (code, err) = site.run(&["put", "local/x%41.txt", "/Documents"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "answered with \"/Documents/xA.txt\" where \"/Documents/x%41.txt\" was asked for"
        ),
        "{err}"
    );
    let (code, err) = site.run(&["mkdir", "/Documents/d%41"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("\"/Documents/dA\""), "{err}");
    let (code, err) = site.run(&[
        "-c",
        "mkdir /Documents/plain; put local/x%41.txt /Documents/plain",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("put 1 file"), "{err}");
}
