//! Every form `pwd` prints is one `cd` takes back (`/PATH`, `shared:NAME/PATH`,
//! `drive:NAME/PATH`), and `mirror` without a target names its local copy of `shared:NAME` or
//! of an item given by id after the item, as it does for a path.

use predicates::prelude::*;

use super::{id_of, is_business, kinds, local_files};
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn pwd_prints_what_cd_takes_back(env) {
        let env = &kinds(env);
        let (go, away) = if is_business(env) {
            ("drive Documents; cd General", "drive:Documents/General")
        } else {
            ("cd 'shared:Shared Folder/sub'", "shared:Shared Folder/sub")
        };
        let printed = env.run(&format!("{go}; pwd"));
        assert_eq!(printed, format!("{away}\n"));
        // Typed back from home, the form leads to the same folder.
        let back = env.run(&format!("cd '{away}'; pwd; ls"));
        assert!(back.starts_with(&printed), "{back}");
        assert!(back.lines().count() > 1, "the folder lists: {back}");
        // Your own drive by name is home: the path alone.
        let own = env.json("drives")[0]["name"].as_str().unwrap().to_owned();
        assert_eq!(env.run(&format!("cd 'drive:{own}/Pics'; pwd")), "/Pics\n");
        assert_eq!(env.run(&format!("cd 'drive:{own}'; pwd")), "/\n");
        env.demo()
            .args(["-c", "cd drive:Nope/x"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("no drive of that name"));
        env.demo()
            .args(["-c", &format!("cd 'drive:{own}/nope'")])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("drive:"));
    }

    fn mirror_names_the_copy_of_a_shared_item_or_an_id_after_it(env) {
        let env = &kinds(env);
        // A shared folder's copy is named after it as a path's is: no target asked for, the
        // run ends as it does with a target named (mirror works on your own drive only).
        for src in ["'shared:Shared Folder'", "'shared:Shared Folder/sub'"] {
            let named = env.demo().args(["-c", &format!("mirror {src} m")]).output().unwrap();
            let alone = env.demo().args(["-c", &format!("mirror {src}")]).output().unwrap();
            assert_ne!(alone.status.code(), Some(2), "{alone:?}");
            assert_eq!(alone.status.code(), named.status.code(), "{alone:?} {named:?}");
        }
        let pics = id_of(env, "/Pics");
        env.run(&format!("mirror id:{pics}"));
        assert_eq!(
            local_files(&env.path().join("Pics")),
            ["image1.jpg", "image2.jpg"]
        );
        let root = id_of(env, "/");
        env.demo()
            .args(["-c", &format!("mirror id:{root}")])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("has no name"));
    }
}
