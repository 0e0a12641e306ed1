//! `.` and `..` below an anchor (`id:ID/PATH`, `shared:NAME/PATH`) are one rule of the
//! resolver (`target::below_anchor`), for every command and for reading and writing alike:
//! resolved on the client as in a plain path, never sent to Graph, and a `..` above the
//! anchor refused (exit 2) before any request, rather than dropped (which wrote into the
//! anchor instead of its parent). `rm` refuses an operand ending in `.` or `..`, as POSIX rm.

use std::path::Path;

use predicates::prelude::*;

use super::{id_of, kinds};
use crate::common::logged_requests;
use crate::shell::{Env, on_both_profiles};

/// Runs `line` on the demo drive, asserting exit 2 and a stderr holding `why`.
fn usage(env: &Env, line: &str, why: &str) {
    env.demo()
        .args(["-c", line])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(why));
}

/// The requests of `log` that name a `.` or `..` segment (in a path or after `items/ID:`).
fn dotted(log: &Path) -> Vec<String> {
    logged_requests(log)
        .iter()
        .filter_map(|r| r["path"].as_str().map(str::to_owned))
        .filter(|p| {
            p.split('?')
                .next()
                .unwrap_or_default()
                .split(['/', ':'])
                .any(|s| s == "." || s == "..")
        })
        .collect()
}

/// What the `kinds` drive holds at its top and in the folders item 1 of the fault wrote to.
const TOP: &str = "- Documents\n- Pics\n- Shared Folder\n";
const DOCUMENTS: &str = "- Notebook\n- README.txt\n- flagged.exe\n";
const PICS: &str = "- image1.jpg\n- image2.jpg\n";

on_both_profiles! {
    fn a_dot_dot_above_an_id_is_refused_and_writes_nothing(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "x").unwrap();
        let d = format!("id:{}", id_of(env, "/Documents"));
        let why = format!("`..` climbs above {d}");
        for line in [
            format!("mkdir '{d}/../New'"),
            format!("mkdir -p '{d}/a/../../b'"),
            format!("cp Pics/image1.jpg '{d}/../z.jpg'"),
            format!("mv Pics/image2.jpg '{d}/../w.jpg'"),
            format!("put x.txt '{d}/..'"),
            format!("put x.txt '{d}/./..'"),
            format!("ls '{d}/../Pics'"),
            format!("ls '{d}/..'"),
            format!("cd '{d}/..'"),
            format!("rm -f '{d}/../Pics/image1.jpg'"),
        ] {
            usage(env, &line, &why);
        }
        assert_eq!(env.run("ls /"), TOP);
        assert_eq!(env.run("ls Documents"), DOCUMENTS);
        assert_eq!(env.run("ls Pics"), PICS);
    }

    fn a_dot_dot_above_a_shared_item_is_refused(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "x").unwrap();
        for line in [
            "ls 'shared:Shared Folder/..'",
            "ls 'shared:Shared Folder/sub/../../Read-only Folder'",
            "mkdir 'shared:Shared Folder/../New'",
            "put x.txt 'shared:Shared Folder/..'",
            "cd 'shared:Shared Folder/..'",
        ] {
            usage(env, line, "`..` climbs above shared:Shared Folder");
        }
        env.demo()
            .args(["-c", "ls 'shared:Shared Folder/..'"])
            .assert()
            .stderr(predicate::str::contains("its owner's"));
        assert_eq!(env.run("ls 'shared:Shared Folder'"), "- notes.txt\n- sub\n");
        assert_eq!(env.run("ls /"), TOP);
    }

    fn dots_below_an_anchor_resolve_on_the_client(env) {
        let log = env.path().join("requests.jsonl");
        let emu = env.emu(&["--seed", "kinds", "--request-log", log.to_str().unwrap()]);
        let run = |line: &str| {
            let out = env
                .cmd()
                .env("SKYDRIVE_CONFIG", &emu.config)
                .args(["-c", line])
                .assert()
                .success();
            String::from_utf8(out.get_output().stdout.clone()).unwrap()
        };
        std::fs::write(env.path().join("x.txt"), "x").unwrap();
        let info = run("info Documents");
        let d = info
            .lines()
            .find_map(|l| l.strip_prefix("id: "))
            .expect("info prints the id")
            .to_owned();
        assert_eq!(run(&format!("ls 'id:{d}/./a/..'")), DOCUMENTS);
        run(&format!("mkdir 'id:{d}/a/../New'; put x.txt 'id:{d}/./New/.'"));
        assert_eq!(run("ls Documents/New"), "- x.txt\n");
        assert_eq!(
            run("ls 'shared:Shared Folder/sub/..'"),
            "- notes.txt\n- sub\n"
        );
        run("put x.txt 'shared:Shared Folder/./sub/.'; mkdir -p 'shared:Shared Folder/sub/../n/./m'");
        assert_eq!(
            run("ls 'shared:Shared Folder/sub'; ls 'shared:Shared Folder/n'"),
            "- a.txt\n- x.txt\n- m\n"
        );
        assert_eq!(
            run("cd 'shared:Shared Folder/sub/../n'; pwd"),
            "shared:Shared Folder/n\n"
        );
        assert_eq!(dotted(&log), Vec::<String>::new());
    }

    fn rm_refuses_dot_and_dot_dot_in_every_form_before_any_request(env) {
        let log = env.path().join("requests.jsonl");
        let emu = env.emu(&["--seed", "kinds", "--request-log", log.to_str().unwrap()]);
        let cli = || {
            let mut c = env.cmd();
            c.env("SKYDRIVE_CONFIG", &emu.config);
            c
        };
        let out = cli().args(["--json", "-c", "info 'Shared Folder'"]).assert().success();
        let row: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let shortcut = row["id"].as_str().unwrap().to_owned();
        let before = logged_requests(&log).len();
        let by_id = format!("rm -rf '{shortcut}/.'");
        for args in [["-i", "-c", &by_id], ["-p", "-c", "rm -rf 'id:x/.'"]] {
            cli()
                .args(args)
                .assert()
                .code(2)
                .stderr(predicate::str::contains("refusing to remove '.' or '..'"));
        }
        for line in [
            "rm -rf 'Shared Folder/.'".to_owned(),
            "rm -rf 'Shared Folder/./'".to_owned(),
            "rm -rf 'shared:Shared Folder/.'".to_owned(),
            "rm -rf 'shared:Shared Folder/sub/..'".to_owned(),
            format!("rm -rf 'id:{shortcut}/.'"),
            "rm -rf .".to_owned(),
            "rm -rf ..".to_owned(),
            "rm -rf ../".to_owned(),
            "rm -rf Pics/..".to_owned(),
            "rm -f Pics/image1.jpg Pics/.".to_owned(),
        ] {
            cli()
                .args(["-c", &line])
                .assert()
                .code(2)
                .stderr(predicate::str::contains("refusing to remove '.' or '..'"));
        }
        assert_eq!(logged_requests(&log).len(), before, "no request was sent");
        let out = cli().args(["-c", "ls /; ls Pics"]).assert().success();
        assert_eq!(
            String::from_utf8_lossy(&out.get_output().stdout),
            format!("{TOP}{PICS}")
        );
    }
}
