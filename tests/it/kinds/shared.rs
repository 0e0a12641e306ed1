//! What others shared with you: `shared` lists it with whose it is, `cd shared:NAME` enters it
//! (the prompt says where you are, `cd ~` and `cd -` bring you back), and a folder shared
//! read-only refuses every write with exit 7 saying so.

use predicates::prelude::*;

use super::kinds;
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn shared_lists_each_item_with_its_owner(env) {
        let env = &kinds(env);
        assert_eq!(
            env.run("shared"),
            "- shared:Shared Folder\n- shared:Read-only Folder\n- shared:budget.txt\n"
        );
        let rows = env.json("shared");
        let owners: Vec<_> = rows.iter().map(|r| r["shared"]["owner"].as_str().unwrap()).collect();
        assert_eq!(owners, ["Robin Example"; 3]);
        let types: Vec<_> = rows.iter().map(|r| r["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["folder", "folder", "file"]);
        // Robin's `Private` folder is not shared: not listed, not reachable.
        env.demo()
            .args(["-c", "cd shared:Private"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("nothing of that name is shared with you"));
    }

    fn cd_into_a_shared_item_and_back(env) {
        let env = &kinds(env);
        let out = env.run(
            "cd 'shared:Read-only Folder'; pwd; ls; cd ~; pwd; ls; cd -; ls; \
             cd 'shared:Shared Folder/sub'; pwd; ls; cd ..; ls",
        );
        assert_eq!(
            out,
            "shared:Read-only Folder\n- report.txt\n/\n- Documents\n- Pics\n- Shared Folder\n\
             - report.txt\nshared:Shared Folder/sub\n- a.txt\n- notes.txt\n- sub\n"
        );
        let place = env.json("cd 'shared:Shared Folder'; pwd");
        assert_eq!(place[0]["place"], "shared:Shared Folder", "{place:?}");
        assert_eq!(env.json("pwd")[0]["place"], serde_json::Value::Null);
        env.demo()
            .args(["-c", "cd shared:budget.txt"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("not a folder"));
        env.demo()
            .args(["-c", "get shared:budget.txt"])
            .assert()
            .success();
        assert_eq!(
            std::fs::read_to_string(env.path().join("budget.txt")).unwrap(),
            "2026: 100 coffees\n"
        );
    }

    fn a_read_only_folder_refuses_writes_with_exit_7(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "x").unwrap();
        for line in ["put x.txt", "mkdir new", "rm report.txt", "mv report.txt r.txt", "cp report.txt r.txt"] {
            env.demo()
                .args(["-c", &format!("cd 'shared:Read-only Folder'; {line}")])
                .assert()
                .code(7)
                .stderr(predicate::str::contains("the shared folder is read-only for you"));
        }
        assert_eq!(env.run("ls 'shared:Read-only Folder'"), "- report.txt\n");
        assert_eq!(
            env.run("cat 'shared:Read-only Folder/report.txt'"),
            "Read, do not touch.\n"
        );
    }
}

/// The prompt names the shared item the session is in as `pwd` does, and `cd ~` takes it
/// home.
#[cfg(unix)]
#[test]
fn the_prompt_says_whose_folder_you_are_in() {
    let env = crate::shell::Env::kinds(crate::shell::Profile::Personal);
    let mut p =
        rexpect::session::spawn_command(env.pty_command(None, Some("100")), Some(15_000)).unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send_line("cd 'shared:Shared Folder/sub'").unwrap();
    p.exp_string("demo:shared:Shared Folder/sub> ").unwrap();
    p.send_line("cd ~").unwrap();
    p.exp_string("demo:/> ").unwrap();
    p.send_line("exit 0").unwrap();
    p.exp_eof().unwrap();
}

/// A drive id as Graph compares personal ones: case and leading zeros aside.
fn drive_key(v: &serde_json::Value) -> String {
    v.as_str().unwrap().trim_start_matches('0').to_lowercase()
}

on_both_profiles! {
    fn pwd_json_names_the_drive_the_folder_lives_on(env) {
        let env = &kinds(env);
        let sub = env.json("info 'shared:Shared Folder/sub'")[0].clone();
        for line in ["cd 'Shared Folder/sub'; pwd", "cd 'shared:Shared Folder/sub'; pwd"] {
            let row = &env.json(line)[0];
            assert_eq!(row["id"], sub["id"], "{line}: {row}");
            assert_eq!(
                drive_key(&row["drive"]),
                drive_key(&sub["parentReference"]["driveId"]),
                "{line}: {row}"
            );
        }
        let root = env.json("info /")[0].clone();
        let row = &env.json("pwd")[0];
        assert_eq!(row["id"], root["id"], "{row}");
        assert_eq!(row["place"], serde_json::Value::Null, "{row}");
        assert_eq!(row["path"], "/", "{row}");
        let docs = &env.json("cd Documents; pwd")[0];
        assert_eq!(drive_key(&docs["drive"]), drive_key(&row["drive"]), "{docs}");
    }
}
