//! The one walk through every command (issue 11, "done when"): `ls -l`, `tree`, `find`, `du`,
//! `get -r` and Tab completion agree on what each item of a tree holding every kind is.

use predicates::prelude::*;

use super::{expected, kinds, local_files, types};
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn every_command_agrees_on_every_kind(env) {
        let env = &kinds(env);
        // ls, folder by folder: the type of each child, and shortcuts marked as shared.
        for dir in ["", "Documents", "Pics", "Shared Folder", "Shared Folder/sub"] {
            let rows = env.json(&format!("ls -l '/{dir}'"));
            let depth = |p: &str| p.split('/').filter(|s| !s.is_empty()).count();
            let direct: std::collections::BTreeMap<_, _> = expected(dir)
                .into_iter()
                .filter(|(p, _)| depth(p) == depth(dir) + 1)
                .collect();
            assert_eq!(types(&rows), direct, "ls -l /{dir}");
        }
        let root = env.json("ls");
        let shortcut = root.iter().find(|r| r["name"] == "Shared Folder").unwrap();
        assert_eq!(shortcut["shared"]["owner"], "Robin Example", "{shortcut}");
        assert!(env.run("ls -l /").contains("shared: Robin Example"));
        // tree and find: the same kinds, the shortcut entered, the notebook not.
        assert_eq!(types(&env.json("tree /")), expected(""), "tree");
        assert_eq!(types(&env.json("find /")), expected(""), "find");
        let files = env.run("find / -type f");
        assert_eq!(
            files,
            "- /Documents/README.txt\n- /Documents/flagged.exe\n- /Pics/image1.jpg\n\
             - /Pics/image2.jpg\n- /Shared Folder/notes.txt\n- /Shared Folder/sub/a.txt\n"
        );
        let seed_tree = env.run("tree /Documents");
        assert!(seed_tree.contains("  Notebook: notebook\n") && seed_tree.contains("  flagged.exe: flagged\n"), "{seed_tree}");
        // du: the notebook is named and not counted; the flagged file counts; the shortcut's
        // folder counts with what it holds.
        let du = env.demo().args(["--json", "-c", "du /"]).assert().success();
        let stderr = String::from_utf8_lossy(&du.get_output().stderr).into_owned();
        assert!(stderr.contains("/Documents/Notebook: not counted: it is a OneNote notebook"), "{stderr}");
        let sizes: std::collections::BTreeMap<String, u64> = String::from_utf8_lossy(&du.get_output().stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|r| (r["path"].as_str().unwrap().to_owned(), r["size"].as_u64().unwrap()))
            .collect();
        assert_eq!(sizes["/Documents"], 40 + 27, "README.txt and flagged.exe: {sizes:?}");
        assert_eq!(sizes["/Shared Folder"], 25 + 22, "{sizes:?}");
        assert_eq!(sizes["/"], 67 + 4108 + 47, "{sizes:?}");
        // get -r: every file fetched (through the shortcut too), the notebook and the flagged
        // file named on stderr, exit 6, nothing else on disk.
        env.demo()
            .args(["-c", "get -r / all"])
            .assert()
            .code(6)
            .stderr(
                predicate::str::contains("Documents/Notebook: it is a OneNote notebook")
                    .and(predicate::str::contains("Documents/flagged.exe: OneDrive flagged it as malware"))
                    .and(predicate::str::contains("2 of 7 items failed")),
            );
        let got = local_files(&env.path().join("all"));
        let want: Vec<String> = expected("")
            .into_iter()
            .filter(|(_, t)| t == "file")
            .map(|(p, _)| p)
            .collect();
        assert_eq!(got, want);
        completion_agrees(env);
    }
}

/// Tab at the prompt: the shortcut completes as a folder and is entered, the notebook
/// completes as an item, never as a folder.
#[cfg(unix)]
fn completion_agrees(env: &crate::shell::Env) {
    let mut p =
        rexpect::session::spawn_command(env.pty_command(None, Some("100")), Some(15_000)).unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send("cd Sh\t").unwrap();
    p.flush().unwrap();
    p.exp_string("Shared\\ Folder/").unwrap();
    p.send("s\t").unwrap();
    p.flush().unwrap();
    p.exp_string("sub/").unwrap();
    p.send_line("").unwrap();
    p.exp_string("demo:/Shared Folder/sub> ").unwrap();
    p.send_line("cd /").unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send("get Documents/No\t").unwrap();
    p.flush().unwrap();
    p.exp_string("Notebook ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("[1] demo:/> ").unwrap();
    // `cd` completes folders only: nothing to add, so the line runs as typed and finds nothing.
    p.send("cd Documents/No\t").unwrap();
    p.flush().unwrap();
    p.send_line("").unwrap();
    p.exp_string("[3] demo:/> ").unwrap();
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
}

#[cfg(not(unix))]
fn completion_agrees(_env: &crate::shell::Env) {}
