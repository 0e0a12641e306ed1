//! Argument resolution is one mechanism (`Session::target`, `Session::spot`,
//! `Session::place_of_folder`): an id, `shared:NAME[/PATH]` or a glob names the same item in
//! every command, and a folder reached by id is addressed on its own drive, never through a
//! folder of the same name on yours.

use predicates::prelude::*;

use super::{id_of, kinds};
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn cd_by_id_follows_the_folder_to_its_own_drive(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "x").unwrap();
        let sub = id_of(env, "shared:Shared Folder/sub");
        // A folder of yours with the same names must not receive what is meant for Robin's.
        env.run("mkdir -p '/Read-only Folder' /sub");
        let out = env.run(&format!("cd {sub}; pwd; put x.txt; mkdir made; ls"));
        assert_eq!(out, "shared:Shared Folder/sub\n- a.txt\n- made\n- x.txt\n");
        assert_eq!(env.run("ls /sub"), "");
        assert_eq!(
            env.run("ls 'shared:Shared Folder/sub'"),
            "- a.txt\n- made\n- x.txt\n"
        );
        let row = &env.json(&format!("cd {sub}; pwd"))[0];
        assert_eq!(row["place"], "shared:Shared Folder", "{row}");
        assert_eq!(row["path"], "/sub", "{row}");
        assert_eq!(row["id"], sub.as_str(), "{row}");
        assert!(row["drive"].is_string(), "{row}");
        // Robin's read-only folder by id: writes refused there, yours untouched.
        let ro = id_of(env, "shared:Read-only Folder");
        env.demo()
            .args(["-c", &format!("cd {ro}; mkdir x")])
            .assert()
            .code(7)
            .stderr(predicate::str::contains("read-only for you"));
        assert_eq!(env.run("ls '/Read-only Folder'"), "");
        // Your own folders by id stay on your drive, by their path.
        let pics = id_of(env, "/Pics");
        assert_eq!(env.run(&format!("cd {pics}; pwd")), "/Pics\n");
    }

    fn an_id_inside_a_shared_place_is_an_id_on_that_drive(env) {
        let env = &kinds(env);
        let sub = id_of(env, "shared:Shared Folder/sub");
        let out = env.run(&format!("cd 'shared:Shared Folder'; cd {sub}; pwd; ls; cd ..; ls"));
        assert_eq!(
            out,
            "shared:Shared Folder/sub\n- a.txt\n- notes.txt\n- sub\n"
        );
    }

    fn shared_names_work_in_every_command(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "hello\n").unwrap();
        let sf = "'shared:Shared Folder";
        env.run(&format!(
            "put x.txt {sf}/sub'; mkdir {sf}/nd'; mkdir -p {sf}/p/q'; \
             cp {sf}/sub/x.txt' {sf}/nd'; mv {sf}/nd/x.txt' {sf}/p/y.txt'; rm -rf {sf}/p/q'"
        ));
        assert_eq!(env.run(&format!("ls {sf}/p'")), "- y.txt\n");
        assert_eq!(env.run(&format!("cat {sf}/p/y.txt'")), "hello\n");
        assert!(env.run(&format!("info {sf}/p/y.txt'")).contains("name: y.txt"));
        assert!(env.run(&format!("tree {sf}'")).contains("y.txt"));
        assert!(env.run(&format!("du {sf}'")).contains("shared:Shared Folder/p\n"));
        assert!(
            env.run(&format!("find {sf}' -name y.txt"))
                .contains("shared:Shared Folder/p/y.txt"),
        );
        env.run(&format!("get {sf}/p/y.txt' got.txt"));
        assert_eq!(std::fs::read_to_string(env.path().join("got.txt")).unwrap(), "hello\n");
        // Nothing of it landed on your own drive.
        assert_eq!(env.run("ls /"), "- Documents\n- Pics\n- Shared Folder\n");
    }

    fn globs_reach_through_shortcuts_and_shared_places(env) {
        let env = &kinds(env);
        assert_eq!(env.run("ls 'Shared Folder/'*.txt"), "- notes.txt\n");
        env.run("get 'shared:Shared Folder/sub/'*");
        let a = std::fs::read_to_string(env.path().join("a.txt")).unwrap();
        assert!(!a.is_empty());
        assert_eq!(a, env.run("cat 'shared:Shared Folder/sub/a.txt'"));
        env.demo()
            .args(["-c", "cat 'shared:Shared Folder/nope.txt'"])
            .assert()
            .code(3)
            .stderr(
                predicate::str::contains("shared:Shared Folder/nope.txt")
                    .and(predicate::str::contains("OnDrive").not()),
            );
    }

    fn bad_ids_exit_with_the_right_codes(env) {
        let env = &kinds(env);
        env.demo()
            .args(["-c", "ls id:"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("empty id"));
        let parent = env.json("info 'shared:Shared Folder'")[0]["parentReference"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        env.demo()
            .args(["-c", &format!("cd {parent}")])
            .assert()
            .code(7)
            .stderr(predicate::str::contains("cd shared:NAME"));
    }
}
