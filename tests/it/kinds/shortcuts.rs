//! Shortcuts to shared folders ("Add shortcut to My files"): a folder everywhere, and every
//! path through one reaches the folder on its owner's drive, for reading and writing.

use predicates::prelude::*;

use super::{kinds, local_files};
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn paths_through_a_shortcut_read_and_write_the_shared_folder(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "from me\n").unwrap();
        // Each command in its own process: each learns the shortcut from scratch.
        for line in [
            "get 'Shared Folder/sub/a.txt'",
            "put x.txt 'Shared Folder/sub'",
            "mkdir 'Shared Folder/new'",
            "mkdir -p 'Shared Folder/p/q'",
            "mv 'Shared Folder/sub/x.txt' 'Shared Folder/new/y.txt'",
            "cp 'Shared Folder/notes.txt' 'Shared Folder/new'",
            "rm 'Shared Folder/new/notes.txt'",
            "rm -rf 'Shared Folder/p'",
        ] {
            env.demo().args(["-c", line]).assert().success();
        }
        assert_eq!(
            std::fs::read_to_string(env.path().join("a.txt")).unwrap(),
            "a file one level down\n"
        );
        let tree = env.run("tree 'Shared Folder'");
        assert_eq!(
            tree,
            "Shared Folder:\n  new:\n    y.txt: file\n  notes.txt: file\n  sub:\n    a.txt: file\n"
        );
        // The same folder, as Robin shares it.
        assert_eq!(env.run("ls shared:Shared\\ Folder/new"), "- y.txt\n");
        assert_eq!(env.run("cat 'Shared Folder/new/y.txt'"), "from me\n");
    }

    fn cd_into_a_shortcut_and_work_there(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "x").unwrap();
        let out = env.run("cd 'Shared Folder'; pwd; ls; cd sub; pwd; put x.txt; ls; cd ..; pwd");
        assert_eq!(
            out,
            "/Shared Folder\n- notes.txt\n- sub\n/Shared Folder/sub\n- a.txt\n- x.txt\n/Shared Folder\n"
        );
        env.demo()
            .args(["-c", "cd 'shared folder'; pwd"])
            .assert()
            .success()
            .stdout("/Shared Folder\n");
        env.demo()
            .args(["-c", "get -r 'Shared Folder' here"])
            .assert()
            .success();
        assert_eq!(
            local_files(&env.path().join("here")),
            ["notes.txt", "sub/a.txt", "sub/x.txt"]
        );
    }

    fn rm_of_a_shortcut_removes_the_shortcut_only(env) {
        let env = &kinds(env);
        env.demo().args(["-c", "rm 'Shared Folder'"]).assert().success();
        assert_eq!(env.run("ls"), "- Documents\n- Pics\n");
        // Robin's folder and what it holds are still there.
        assert_eq!(env.run("ls 'shared:Shared Folder'"), "- notes.txt\n- sub\n");
        // A folder of that name is a folder of yours again.
        env.run("mkdir 'Shared Folder'");
        assert_eq!(env.run("ls 'Shared Folder'"), "");
    }

    fn moves_stay_on_one_drive_and_copies_cross(env) {
        let env = &kinds(env);
        env.demo()
            .args(["-c", "mv Documents/README.txt 'Shared Folder'"])
            .assert()
            .code(7)
            .stderr(predicate::str::contains("OneDrive moves items within one drive only"));
        env.demo()
            .args(["-c", "mv 'Shared Folder/notes.txt' /Documents"])
            .assert()
            .code(7);
        assert!(env.run("ls Documents").contains("- README.txt\n"));
        env.run("cp Documents/README.txt 'Shared Folder'; cp 'Shared Folder/notes.txt' /Pics");
        assert!(env.run("ls 'Shared Folder'").contains("- README.txt\n"));
        assert_eq!(env.run("cat Pics/notes.txt"), "Notes everyone may edit.\n");
        // Within the shared folder, a move is a move.
        env.run("mv 'Shared Folder/README.txt' 'Shared Folder/sub'");
        assert_eq!(env.run("ls 'Shared Folder/sub'"), "- README.txt\n- a.txt\n");
    }
}

on_both_profiles! {
    fn mirror_and_check_refuse_a_shared_folder_saying_why(env) {
        let env = &kinds(env);
        for line in [
            "mirror 'Shared Folder' m",
            "mirror 'Shared Folder/sub' m",
            "check . 'Shared Folder/sub'",
            "cd 'shared:Shared Folder'; mirror sub m",
        ] {
            env.demo()
                .args(["-c", line])
                .assert()
                .code(1)
                .stderr(predicate::str::contains("is a folder shared with you, on its owner's drive"));
        }
        assert!(!env.path().join("m").exists());
    }
}
