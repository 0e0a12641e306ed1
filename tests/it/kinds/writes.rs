//! Writes on shortcuts and shared items that must not lose data or lie (issue 11): what `rm`
//! never removes (a drive's root, the owner's shared item itself, however it is named), `mv`
//! and `cp` into a folder given by id, copies of shortcuts and notebooks, and moves within
//! the owner's drive.

use predicates::prelude::*;

use super::{id_of, is_business, kinds};
use crate::shell::{Env, on_both_profiles};

/// Runs `line`, asserting exit 7 and a stderr holding `why`.
fn refused(env: &Env, line: &str, why: &str) {
    env.demo()
        .args(["-c", line])
        .assert()
        .code(7)
        .stderr(predicate::str::contains(why));
}

const SHARED_ITEM: &str = "belongs to its owner";

on_both_profiles! {
    fn rm_never_removes_the_owners_shared_item_however_it_is_named(env) {
        let env = &kinds(env);
        let folder = id_of(env, "shared:Shared Folder");
        let mut lines = vec![
            "cd 'shared:Shared Folder'; rm -r -f /".to_owned(),
            "cd 'shared:Shared Folder/sub'; rm -r -f /".to_owned(),
            "rm -r -f 'shared:Shared Folder'".to_owned(),
            "rm -r -f 'shared:shared folder/'".to_owned(),
            "rm shared:budget.txt".to_owned(),
            format!("cd 'shared:Shared Folder'; rm -r -f {folder}"),
        ];
        if !is_business(env) {
            // A personal id names its drive: the same folder from the user's own drive.
            lines.push(format!("rm -r -f id:{folder}"));
        }
        for line in &lines {
            refused(env, line, SHARED_ITEM);
        }
        assert_eq!(env.run("ls 'shared:Shared Folder'"), "- notes.txt\n- sub\n");
        assert!(env.run("shared").contains("shared:budget.txt"));
        // What the folder holds is removable, and the shortcut is the user's own item.
        env.run("cd 'shared:Shared Folder'; rm -r -f sub");
        assert_eq!(env.run("ls 'Shared Folder'"), "- notes.txt\n");
        env.run("rm -r -f 'Shared Folder'");
        assert_eq!(env.run("ls"), "- Documents\n- Pics\n");
        assert_eq!(env.run("ls 'shared:Shared Folder'"), "- notes.txt\n");
    }

    fn rm_of_a_drive_root_is_refused(env) {
        let env = &kinds(env);
        let root = id_of(env, "/");
        for line in [
            "rm -r -f /".to_owned(),
            "cd 'Shared Folder/sub'; rm -r -f /".to_owned(),
            "cd Pics; rm -r -f //".to_owned(),
            format!("rm -r -f {root}"),
        ] {
            refused(env, &line, "a drive's root cannot be removed");
        }
        assert_eq!(env.run("ls"), "- Documents\n- Pics\n- Shared Folder\n");
    }
}

on_both_profiles! {
    fn an_id_destination_naming_a_folder_means_into_that_folder(env) {
        let env = &kinds(env);
        let pics = id_of(env, "/Pics");
        let docs = id_of(env, "/Documents");
        let shortcut = id_of(env, "/Shared Folder");
        env.run(&format!("mv Documents/README.txt id:{pics}"));
        env.run(&format!("cp Pics/image1.jpg {docs}"));
        env.run(&format!("cp Pics/image2.jpg Pics/README.txt id:{docs}"));
        env.run(&format!("cp Pics/README.txt {shortcut}"));
        assert_eq!(
            env.run("ls Pics"),
            "- README.txt\n- image1.jpg\n- image2.jpg\n"
        );
        assert_eq!(
            env.run("ls Documents"),
            "- Notebook\n- README.txt\n- flagged.exe\n- image1.jpg\n- image2.jpg\n"
        );
        assert_eq!(env.run("ls 'Shared Folder'"), "- README.txt\n- notes.txt\n- sub\n");
        // Nothing was named after an id.
        assert_eq!(env.run("ls"), "- Documents\n- Pics\n- Shared Folder\n");
        // In a session whose listings are cached, the moved item shows where it went.
        env.run("mkdir New");
        let new = id_of(env, "/New");
        assert_eq!(
            env.run(&format!("ls Pics; ls New; mv Pics/README.txt {new}; ls Pics; ls New")),
            "- README.txt\n- image1.jpg\n- image2.jpg\n- image1.jpg\n- image2.jpg\n- README.txt\n"
        );
    }

    fn an_id_destination_naming_a_file_or_a_notebook_is_refused(env) {
        let env = &kinds(env);
        let file = id_of(env, "/Pics/image2.jpg");
        let notebook = id_of(env, "/Documents/Notebook");
        for line in [
            format!("mv Pics/image1.jpg id:{file}"),
            format!("cp Pics/image1.jpg {file}"),
            format!("cp Pics/image1.jpg Documents/README.txt id:{file}"),
        ] {
            refused(env, &line, "is a file, not a folder");
        }
        refused(env, &format!("mv Pics/image1.jpg {notebook}"), "is a notebook, not a folder");
        assert_eq!(env.run("ls Pics"), "- image1.jpg\n- image2.jpg\n");
        assert_eq!(env.json("info Pics/image2.jpg")[0]["id"], file.as_str());
    }
}

on_both_profiles! {
    fn cp_of_a_shortcut_copies_the_shared_content(env) {
        let env = &kinds(env);
        // Each in its own process: the shortcut is not known beforehand.
        env.run("cp 'Shared Folder' Pics");
        env.run("cp 'Shared Folder' Documents/copy");
        let shortcut = id_of(env, "/Shared Folder");
        env.run(&format!("ls; cp {shortcut} Pics/again"));
        let copied = "  notes.txt: file\n  sub:\n    a.txt: file\n";
        assert_eq!(env.run("tree 'Pics/Shared Folder'"), format!("Shared Folder:\n{copied}"));
        assert_eq!(env.run("tree Documents/copy"), format!("copy:\n{copied}"));
        assert_eq!(env.run("tree Pics/again"), format!("again:\n{copied}"));
        assert_eq!(
            env.run("cat 'Pics/Shared Folder/notes.txt'"),
            "Notes everyone may edit.\n"
        );
        // The copies are the user's own folders, not shortcuts.
        let rows = env.json("ls -l Pics");
        assert!(rows.iter().all(|r| r.get("shared").is_none()), "{rows:?}");
    }

    fn cp_of_a_notebook_is_refused(env) {
        let env = &kinds(env);
        for line in [
            "cp Documents/Notebook Pics",
            "cp Documents/Notebook Pics/nb",
        ] {
            refused(env, line, "is a notebook, which cannot be copied");
        }
        // With other sources, they are copied and the exit says some were not.
        env.demo()
            .args(["-c", "cp Documents/README.txt Documents/Notebook Pics"])
            .assert()
            .code(6)
            .stderr(predicate::str::contains("is a notebook, which cannot be copied"));
        assert_eq!(env.run("ls Pics"), "- README.txt\n- image1.jpg\n- image2.jpg\n");
    }
}

on_both_profiles! {
    fn moves_within_the_owners_drive_are_moves_in_every_address_form(env) {
        let env = &kinds(env);
        let sub = id_of(env, "Shared Folder/sub");
        let folder = id_of(env, "shared:Shared Folder");
        env.run(&format!("cd 'shared:Shared Folder'; mv notes.txt {sub}"));
        assert_eq!(env.run("ls 'Shared Folder/sub'"), "- a.txt\n- notes.txt\n");
        env.run(&format!("cd 'shared:Shared Folder'; mv sub/notes.txt id:{folder}"));
        env.run("cd 'Shared Folder/sub'; mv a.txt ..");
        assert_eq!(env.run("ls 'shared:Shared Folder'"), "- a.txt\n- notes.txt\n- sub\n");
        if is_business(env) {
            env.run("mv 'Shared Folder/a.txt' 'Shared Folder/sub'");
        } else {
            // A personal id names its drive: from the user's own drive too.
            env.run(&format!("mv 'Shared Folder/a.txt' {sub}"));
            env.run(&format!("mv 'Shared Folder/sub/a.txt' id:{folder}"));
            env.run(&format!("mv 'Shared Folder/a.txt' {sub}"));
        }
        assert_eq!(env.run("ls 'Shared Folder/sub'"), "- a.txt\n");
    }

    fn moves_between_drives_are_refused_saying_copy_then_remove(env) {
        let env = &kinds(env);
        let pics = id_of(env, "/Pics");
        let mut lines = vec![
            "mv 'Shared Folder/notes.txt' /".to_owned(),
            "mv 'Shared Folder/sub' Pics".to_owned(),
            "mv Pics/image1.jpg 'Shared Folder/sub'".to_owned(),
            format!("mv 'Shared Folder/notes.txt' {pics}"),
        ];
        if !is_business(env) {
            lines.push(format!("cd 'shared:Shared Folder'; mv notes.txt id:{pics}"));
        }
        for line in &lines {
            refused(env, line, "copy it there (`cp`), then remove the original (`rm`)");
        }
        assert_eq!(env.run("tree 'Shared Folder'"), "Shared Folder:\n  notes.txt: file\n  sub:\n    a.txt: file\n");
        assert_eq!(env.run("ls Pics"), "- image1.jpg\n- image2.jpg\n");
    }
}

on_both_profiles! {
    fn put_into_a_file_says_put_takes_a_folder(env) {
        let env = &kinds(env);
        std::fs::write(env.path().join("x.txt"), "x").unwrap();
        env.demo()
            .args(["-c", "put x.txt Pics/image1.jpg"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("put's last argument is the folder"))
            .stderr(predicate::str::contains("then `mv` it"));
        assert_eq!(env.run("ls Pics"), "- image1.jpg\n- image2.jpg\n");
    }
}
