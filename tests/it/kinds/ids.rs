//! Ids in every form OneDrive uses today (graph-api.md §1.1, §13): personal
//! `{driveId}!s{32 hex}` (the root's too) with the drive id in either case, business `01…` of
//! 34 characters. What `info` shows as `id` is read back as an id by `info`, `cd`, `ls` and
//! `get`; a personal id names its drive, so it works for an item of a shared folder too.

use super::{id_of, is_business, kinds};
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn info_ids_paste_back_into_every_command(env) {
        let env = &kinds(env);
        let root = id_of(env, "/");
        let pics = id_of(env, "/Pics");
        let file = id_of(env, "/Documents/README.txt");
        if is_business(env) {
            for id in [&root, &pics, &file] {
                assert!(id.len() == 34 && id.starts_with("01"), "{id}");
            }
        } else {
            assert!(root.ends_with("!sea8cc6beffdb43d7976fbc7da445c639"), "{root}");
            assert!(pics.contains("!s") && pics.len() == 16 + 2 + 32, "{pics}");
        }
        // The drive id in either case: the same item (business ids have no drive part).
        let lower = |id: &str| match id.split_once('!') {
            Some((d, rest)) => format!("{}!{rest}", d.to_lowercase()),
            None => id.to_owned(),
        };
        for id in [root.clone(), lower(&root)] {
            assert!(env.run(&format!("info {id}")).contains("type: folder"));
            assert_eq!(env.run(&format!("cd {id}; pwd")), "/\n");
        }
        for id in [pics.clone(), lower(&pics), format!("id:{pics}")] {
            assert_eq!(env.run(&format!("ls {id}")), "- image1.jpg\n- image2.jpg\n");
            assert_eq!(env.run(&format!("cd {id}; pwd")), "/Pics\n");
        }
        for id in [file.clone(), lower(&file)] {
            assert_eq!(
                env.run(&format!("get {id} -")),
                "Welcome to the skydrive-cli demo drive.\n"
            );
            assert!(env.run(&format!("info {id}")).contains("name: README.txt"));
        }
        // An item of the folder Robin shares: its id where the session is in that folder,
        // and anywhere for a personal id (it names Robin's drive).
        let notes = id_of(env, "/Shared Folder/notes.txt");
        let inside = env.run(&format!("cd 'shared:Shared Folder'; get {notes} -"));
        assert_eq!(inside, "Notes everyone may edit.\n");
        if !is_business(env) {
            assert_eq!(env.run(&format!("get {notes} -")), "Notes everyone may edit.\n");
        }
    }
}
