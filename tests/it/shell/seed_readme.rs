//! Every command line of the seed README, verbatim, in `--demo` (output included). The demo
//! drive persists in the environment's data dir, so the sequence carries over between runs.

use predicates::prelude::*;

use super::{Profile, on_both_profiles};

on_both_profiles! {
    fn the_readme_session_verbatim(env) {
        // The demo drive also holds a shortcut to a folder Robin shares: a folder like any other.
        env.demo().arg("tree").assert().success().stdout(
            "OneDrive:\n  Documents:\n    README.txt: file\n  Pics:\n    image1.jpg: photo\n    image2.jpg: photo\n  Shared Folder:\n    notes.txt: file\n    sub:\n      a.txt: file\n",
        );
        // % skydrive-cli get Pics/image1.jpg > downloaded_image1.jpg
        let got = env
            .demo()
            .args(["get", "Pics/image1.jpg"])
            .assert()
            .success();
        let bytes = got.get_output().stdout.clone();
        assert!(bytes.len() > 1000);
        std::fs::write(env.path().join("downloaded_image1.jpg"), &bytes).unwrap();
        env.demo()
            .args(["put", "downloaded_image1.jpg"])
            .assert()
            .success()
            .stdout("");
        env.demo()
            .arg("ls")
            .assert()
            .success()
            .stdout("- Documents\n- Pics\n- Shared Folder\n- downloaded_image1.jpg\n");
        env.demo()
            .arg("quota")
            .assert()
            .success()
            .stdout(predicate::str::is_match(r"^free: 2[45]\.\dG\nquota: 25\.0G\n$").unwrap());
        let link = env
            .demo()
            .args(["link", "-t", "embed", "downloaded_image1.jpg"])
            .assert();
        if env.profile == Profile::Business {
            // OneDrive for work or school makes no embed links, as the service answers.
            link.code(1)
                .stderr(predicate::str::contains("only be created for files on personal drives"));
        } else {
            link.success().stdout(
                predicate::str::is_match(r#"^embed_html: <iframe src="https://[^"]+/embed\?[^"]+" width="98" height="120" frameborder="0" scrolling="no"></iframe>\n$"#)
                    .unwrap(),
            );
        }
        env.demo()
            .args(["rm", "downloaded_image1.jpg"])
            .assert()
            .success()
            .stdout("");
        env.demo().args(["rm", "-h"]).assert().success().stdout(
            predicate::str::contains("Usage: rm [OPTIONS] <object>...")
                .and(predicate::str::contains("-h, --help")),
        );
        env.demo().arg("-h").assert().success().stdout(
            predicate::str::contains("Usage: skydrive-cli").and(predicate::str::contains("--path")),
        );
        env.demo()
            .arg("ls")
            .assert()
            .success()
            .stdout("- Documents\n- Pics\n- Shared Folder\n");
    }
}

on_both_profiles! {
    fn downloaded_bytes_match_the_remote_file(env) {
        let piped = env
            .demo()
            .args(["get", "Pics/image1.jpg"])
            .assert()
            .success();
        env.demo()
            .args(["-c", "get Pics/image1.jpg"])
            .assert()
            .success();
        let saved = std::fs::read(env.path().join("image1.jpg")).unwrap();
        assert_eq!(piped.get_output().stdout, saved);
    }
}
