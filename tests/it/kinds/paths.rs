//! Paths a command prints are paths the user can type back (`Session::base_of`): below an
//! argument given by id, `find`, `du`, `tree`, `ls --json` and `ls -R` print the item's real
//! path where the session is (`/Documents/README.txt` on your drive, `/sub/a.txt` inside the
//! shared place, `shared:NAME/PATH` below an item shared with you), `id:ID/PATH` only where
//! nothing else reaches it; a path typed in another case prints in the server's case; and
//! a path from another person's drive is never shown as a path of yours (`items::path_on`).

use predicates::prelude::*;

use super::{id_of, kinds};
use crate::shell::{Env, on_both_profiles};

/// The `path` of each JSON row `line` prints.
fn json_paths(env: &Env, line: &str) -> Vec<String> {
    env.json(line)
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect()
}

on_both_profiles! {
    fn ids_print_the_real_path_of_what_is_below_them(env) {
        let env = &kinds(env);
        let docs = id_of(env, "/Documents");
        let listed = "- /Documents/Notebook\n- /Documents/README.txt\n- /Documents/flagged.exe\n";
        assert_eq!(env.run(&format!("find id:{docs}")), listed);
        assert_eq!(env.run(&format!("find {docs}")), listed);
        assert_eq!(env.run(&format!("du -s id:{docs}")), "67\t/Documents\n");
        assert_eq!(
            json_paths(env, &format!("ls id:{docs}")),
            ["/Documents/Notebook", "/Documents/README.txt", "/Documents/flagged.exe"]
        );
        assert_eq!(
            json_paths(env, &format!("tree id:{docs}")),
            ["/Documents/Notebook", "/Documents/README.txt", "/Documents/flagged.exe"]
        );
        // Robin's folder by id: below the item shared with you, typed back as printed.
        let sub = id_of(env, "shared:Shared Folder/sub");
        assert_eq!(
            env.run(&format!("find id:{sub}")),
            "- shared:Shared Folder/sub/a.txt\n"
        );
        assert_eq!(
            env.run(&format!("ls -R {sub}")),
            "shared:Shared Folder/sub:\n- a.txt\n"
        );
        assert_eq!(
            env.run(&format!("du {sub}")),
            "22\tshared:Shared Folder/sub\n"
        );
        let a = env.run("cat 'shared:Shared Folder/sub/a.txt'");
        assert!(!a.is_empty());
        // Inside that shared place, its paths are paths from there.
        assert_eq!(
            env.run(&format!("cd 'shared:Shared Folder'; find id:{sub}; cat /sub/a.txt")),
            format!("- /sub/a.txt\n{a}")
        );
        assert_eq!(
            json_paths(env, &format!("cd 'shared:Shared Folder'; ls {sub}")),
            ["/sub/a.txt"]
        );
    }

    fn paths_print_in_the_servers_case_and_names_as_they_are(env) {
        let env = &kinds(env);
        assert_eq!(
            env.run("find /documents -name readme.TXT"),
            "- /Documents/README.txt\n"
        );
        assert_eq!(env.run("find -name NOTES.TXT"), "- /Shared Folder/notes.txt\n");
        assert_eq!(env.run("du -s /DOCUMENTS"), "67\t/Documents\n");
        assert_eq!(json_paths(env, "ls /pics"), ["/Pics/image1.jpg", "/Pics/image2.jpg"]);
        assert_eq!(json_paths(env, "ls /pics/IMAGE1.jpg"), ["/Pics/image1.jpg"]);
        // `ls --json` says whose a shared item is, as `ls -l` does.
        let rows = env.json("ls /");
        let shortcut = rows.iter().find(|r| r["name"] == "Shared Folder").unwrap();
        assert_eq!(shortcut["shared"]["owner"], "Robin Example", "{shortcut}");
        assert!(shortcut["shared"]["drive"].is_string(), "{shortcut}");
        assert!(env.run("ls -l /").contains("shared: Robin Example"));
        assert_eq!(rows.iter().filter(|r| r.get("shared").is_some()).count(), 1);
    }

    fn a_path_on_robins_drive_is_never_shown_as_yours(env) {
        let env = &kinds(env);
        // Your shortcut renamed: Robin's folder is still `Shared Folder` on his drive.
        env.run("mv 'Shared Folder' Robins");
        assert_eq!(
            env.run("find Robins"),
            "- /Robins/notes.txt\n- /Robins/sub\n- /Robins/sub/a.txt\n"
        );
        assert_eq!(json_paths(env, "ls Robins/sub"), ["/Robins/sub/a.txt"]);
        assert_eq!(env.run("cd Robins/sub; pwd"), "/Robins/sub\n");
        let sub = id_of(env, "Robins/sub");
        assert_eq!(
            env.run(&format!("find id:{sub}")),
            "- shared:Shared Folder/sub/a.txt\n"
        );
    }

    fn the_id_form_is_printed_only_where_it_is_typed_back(env) {
        let env = &kinds(env);
        env.run("mkdir /Documents/deep");
        let docs = id_of(env, "/Documents");
        let line = format!("cd 'shared:Shared Folder'; find id:{docs} -type d");
        // Your folder by id, from inside a shared place whose paths cannot reach it: the id
        // (a work account's too, which names no drive) is found on your drive.
        let out = env.run(&line);
        assert_eq!(out, format!("- id:{docs}/deep\n"));
        let back = format!(
            "cd 'shared:Shared Folder'; get id:{docs}/README.txt r.txt; cd id:{docs}/deep; pwd"
        );
        assert_eq!(env.run(&back), "/Documents/deep\n");
        let readme = std::fs::read_to_string(env.path().join("r.txt")).unwrap();
        assert_eq!(readme, env.run("cat /Documents/README.txt"));
        env.demo()
            .args(["-c", &format!("find id:{docs}/nope")])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(format!("id:{docs}/nope")));
    }
}
