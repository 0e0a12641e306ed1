//! Writes on shortcuts and shared items that must not lose data or lie (issue 11): what `rm`
//! never removes (a drive's root, the owner's shared item itself, however it is named), `mv`
//! and `cp` into a folder given by id, copies of shortcuts and notebooks, and moves within
//! the owner's drive.

use predicates::prelude::*;

use super::{is_business, kinds};
use crate::shell::{Env, on_both_profiles};

/// The `id` `info` shows for `arg`.
fn id_of(env: &Env, arg: &str) -> String {
    env.json(&format!("info '{arg}'"))[0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

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
            "rm -r -f 'shared:Shared Folder/.'".to_owned(),
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
            "cd Pics; rm -r -f ..".to_owned(),
            format!("rm -r -f {root}"),
        ] {
            refused(env, &line, "a drive's root cannot be removed");
        }
        assert_eq!(env.run("ls"), "- Documents\n- Pics\n- Shared Folder\n");
    }
}
