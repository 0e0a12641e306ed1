//! OneNote notebooks and files OneDrive flagged as malware: listed as what they are, never
//! downloaded (refused from the metadata, before any content request or local file), named by
//! `get -r`, which fetches the rest and exits 6.

use predicates::prelude::*;

use super::{kinds, local_files};
use crate::common::logged_requests;
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn get_and_cat_refuse_notebooks_and_flagged_files_leaving_nothing(env) {
        let env = &kinds(env);
        for (line, why) in [
            ("get Documents/Notebook", "it is a OneNote notebook, which has no downloadable content"),
            ("get Documents/Notebook nb", "it is a OneNote notebook"),
            ("cat Documents/Notebook", "it is a OneNote notebook"),
            ("get Documents/flagged.exe", "OneDrive flagged it as malware"),
            ("get -c Documents/flagged.exe", "OneDrive flagged it as malware"),
            ("cat Documents/flagged.exe", "OneDrive flagged it as malware"),
            ("get Documents/flagged.exe -", "OneDrive flagged it as malware"),
        ] {
            env.demo()
                .args(["-c", line])
                .assert()
                .code(1)
                .stdout("")
                .stderr(predicate::str::contains(why).and(predicate::str::contains("/Documents/")));
        }
        assert!(local_files(env.path()).iter().all(|f| f.starts_with("data/")), "{:?}", local_files(env.path()));
        // Listed as what they are.
        assert_eq!(env.run("ls -1 Documents"), "- Notebook\n- README.txt\n- flagged.exe\n");
        let info = env.run("info Documents/flagged.exe");
        assert!(info.contains("type: flagged") && info.contains("malware:"), "{info}");
        assert!(env.run("info Documents/Notebook").contains("type: notebook"));
        // A notebook is no folder: `ls` shows it, `cd` refuses it.
        let ls = env.json("ls Documents/Notebook");
        assert_eq!(ls.len(), 1);
        assert_eq!(ls[0]["type"], "notebook");
        env.demo()
            .args(["-c", "cd Documents/Notebook"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("not a folder"));
    }

    fn get_r_fetches_the_rest_and_names_what_it_refused(env) {
        let env = &kinds(env);
        env.demo()
            .args(["-c", "get -r Documents out"])
            .assert()
            .code(6)
            .stderr(
                predicate::str::contains("Notebook: it is a OneNote notebook")
                    .and(predicate::str::contains("flagged.exe: OneDrive flagged it as malware"))
                    .and(predicate::str::contains("2 of 3 items failed")),
            );
        assert_eq!(local_files(&env.path().join("out")), ["README.txt"]);
        // Several arguments: each refused one named, the others fetched.
        env.demo()
            .args(["-c", "get Documents/* all"])
            .assert()
            .failure();
        std::fs::create_dir(env.path().join("all")).unwrap();
        env.demo()
            .args(["-c", "get Documents/* all"])
            .assert()
            .code(6)
            .stderr(predicate::str::contains("2 of 3 items failed"));
        assert_eq!(local_files(&env.path().join("all")), ["README.txt"]);
    }

    fn a_flagged_file_is_refused_without_a_download_request(env) {
        let log = env.path().join("requests.jsonl");
        let emu = env.emu(&["--seed", "kinds", "--request-log", log.to_str().unwrap()]);
        let run = |line: &str| {
            env.cmd()
                .env("SKYDRIVE_CONFIG", &emu.config)
                .args(["-c", line])
                .assert()
                .code(1);
        };
        run("get Documents/flagged.exe");
        run("cat Documents/flagged.exe");
        run("get Documents/Notebook");
        let content: Vec<_> = logged_requests(&log)
            .into_iter()
            .filter(|r| {
                let path = r["path"].as_str().unwrap_or_default();
                path.ends_with("/content") || path.contains("/download/")
            })
            .collect();
        assert!(content.is_empty(), "{content:?}");
        assert!(!env.path().join(".flagged.exe.part").exists());
    }
}
