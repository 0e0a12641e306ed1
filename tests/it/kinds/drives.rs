//! Other drives: `drives` lists what the user can reach (on work or school accounts the team
//! site's library too), `drive NAME|ID` moves the session there, the prompt says so, and
//! `drive ~` or `cd ~` comes home. Walks, `cd`, `get -r` and `put -r` work there as at home.

use predicates::prelude::*;

use super::{is_business, kinds, local_files};
use crate::shell::on_both_profiles;

on_both_profiles! {
    fn drive_moves_the_session_to_another_drive_and_back(env) {
        let env = &kinds(env);
        let drives = env.json("drives");
        let own = drives[0]["id"].as_str().unwrap().to_owned();
        // Your own drive, named by its id in another case (personal ids): home.
        let upper = own.to_uppercase();
        let own_arg = if is_business(env) { own.as_str() } else { upper.as_str() };
        let home = env.json(&format!("drive {own_arg}; pwd"));
        assert_eq!(home[0]["place"], serde_json::Value::Null, "{home:?}");
        assert_eq!(env.json("drive")[0]["own"], true);
        env.demo()
            .args(["-c", "drive Nope"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("no drive of that name or id"));
        if !is_business(env) {
            assert_eq!(drives.len(), 1, "{drives:?}");
            return;
        }
        assert_eq!(drives.len(), 2, "{drives:?}");
        assert_eq!(drives[1]["type"], "documentLibrary");
        std::fs::create_dir_all(env.path().join("up/deep")).unwrap();
        std::fs::write(env.path().join("up/deep/f.txt"), "f").unwrap();
        let out = env.run(
            "drive documents; pwd; tree; put -r up General; find General -type f; \
             get -r / lib; cd General/up; pwd; drive ~; ls",
        );
        assert_eq!(
            out,
            "drive:Documents\nOneDrive:\n  General:\n    Welcome.txt: file\n\
             - /General/Welcome.txt\n- /General/up/deep/f.txt\n\
             drive:Documents/General/up\n- Documents\n- Pics\n- Shared Folder\n"
        );
        assert_eq!(
            local_files(&env.path().join("lib")),
            ["General/Welcome.txt", "General/up/deep/f.txt"]
        );
        let place = env.json("drive Documents; pwd");
        assert_eq!(place[0]["place"], "drive:Documents");
    }
}
