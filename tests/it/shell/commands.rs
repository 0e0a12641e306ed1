//! Every command in script (stdin), `-c` and argv modes against the demo drive.

use predicates::prelude::*;

use super::{Emu, Env, Profile, on_both_profiles};

/// One command line, what it prints (a substring; "" for silent) and its exit code.
struct Case {
    setup: &'static str,
    line: &'static str,
    stdout: &'static str,
    code: i32,
}

const CASES: &[Case] = &[
    Case {
        setup: "",
        line: "pwd",
        stdout: "/\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "cd Pics",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "ls Documents",
        stdout: "- README.txt\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "tree Pics",
        stdout: "Pics:\n  image1.jpg: photo\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "info Documents/README.txt",
        stdout: "name: README.txt\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "stat Pics",
        stdout: "name: Pics\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "cat Documents/README.txt",
        stdout: "Welcome",
        code: 0,
    },
    Case {
        setup: "",
        line: "get Documents/README.txt -",
        stdout: "Welcome",
        code: 0,
    },
    Case {
        setup: "",
        line: "find / --name *.jpg",
        stdout: "- /Pics/image1.jpg\n- /Pics/image2.jpg\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "find -type d",
        stdout: "- /Documents\n- /Pics\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "du -s Pics",
        stdout: "\t/Pics\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "link Pics/image1.jpg",
        stdout: "link: http",
        code: 0,
    },
    Case {
        setup: "",
        line: "quota",
        stdout: "free: ",
        code: 0,
    },
    Case {
        setup: "",
        line: "df",
        stdout: "quota: ",
        code: 0,
    },
    Case {
        setup: "",
        line: "user",
        stdout: "displayName: ",
        code: 0,
    },
    Case {
        setup: "",
        line: "whoami",
        stdout: "id: ",
        code: 0,
    },
    Case {
        setup: "",
        line: "recent",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "shared",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "search image",
        stdout: "image1.jpg",
        code: 0,
    },
    Case {
        setup: "",
        line: "drives",
        stdout: "id: ",
        code: 0,
    },
    Case {
        setup: "",
        line: "mkdir -p X/Y/Z",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "mkdir X",
        line: "rm -r -f X",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "cp Documents/README.txt Pics",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "mv Documents/README.txt Pics/r.txt",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "info_set Pics '{\"description\":\"x\"}'",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "rm Pics/*.jpg",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "get Pics/*.jpg",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "get Pics/*.gif",
        stdout: "",
        code: 3,
    },
    Case {
        setup: "cp Documents/README.txt 'Documents/x[1].txt'",
        line: "get Documents/x[1].txt -",
        stdout: "Welcome",
        code: 0,
    },
    Case {
        setup: "",
        line: "put local.txt",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "lpwd",
        stdout: "/",
        code: 0,
    },
    Case {
        setup: "",
        line: "lls",
        stdout: "local.txt\n",
        code: 0,
    },
    Case {
        setup: "",
        line: "lcd /",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "history",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "cache stat",
        stdout: "folders: ",
        code: 0,
    },
    Case {
        setup: "",
        line: "cache flush",
        stdout: "",
        code: 0,
    },
    Case {
        setup: "",
        line: "exit 4",
        stdout: "",
        code: 4,
    },
    Case {
        setup: "",
        line: "comment_add Pics hello",
        stdout: "",
        code: 1,
    },
    Case {
        setup: "",
        line: "auth",
        stdout: "",
        code: 2,
    },
    Case {
        setup: "",
        line: "auth_refresh",
        stdout: "",
        code: 2,
    },
];

fn check(case: &Case, mode: &str, profile: Profile) {
    let env = Env::of(profile);
    std::fs::write(env.path().join("local.txt"), "hello").unwrap();
    if !case.setup.is_empty() {
        env.run(case.setup);
    }
    let mut cmd = env.demo();
    match mode {
        "script" => cmd.write_stdin(format!("{}\n", case.line)),
        "-c" => cmd.args(["-c", case.line]),
        _ => cmd.args(shell_words::split(case.line).unwrap()),
    };
    let out = cmd.assert().code(case.code);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains(case.stdout),
        "{:?} {mode} `{}`: {stdout:?} lacks {:?}",
        env.profile,
        case.line,
        case.stdout
    );
}

on_both_profiles! {
    fn every_command_in_script_mode(env) {
        CASES.iter().for_each(|c| check(c, "script", env.profile));
    }

    fn every_command_in_c_mode(env) {
        CASES.iter().for_each(|c| check(c, "-c", env.profile));
    }

    fn every_command_in_argv_mode(env) {
        CASES.iter().for_each(|c| check(c, "argv", env.profile));
    }
}

#[test]
fn local_shell_escape() {
    let env = Env::new();
    env.demo()
        .args(["-c", "!echo hi there"])
        .assert()
        .success()
        .stdout("hi there\n");
}

on_both_profiles! {
    fn transfers_round_trip_recursively_and_in_parallel(env) {
        let src = env.path().join("up");
        std::fs::create_dir_all(src.join("sub")).unwrap();
        for i in 0..6 {
            std::fs::write(src.join(format!("f{i}.txt")), format!("file {i}")).unwrap();
        }
        std::fs::write(src.join("sub/deep.txt"), "deep").unwrap();
        env.run("put -r -P 3 up");
        std::fs::create_dir(env.path().join("down")).unwrap();
        let tree = env.run("tree up");
        assert!(tree.contains("    deep.txt: file\n"), "{tree}");
        env.demo()
            .args(["-c", "get -r -P 2 up down"])
            .assert()
            .success()
            .stderr(predicate::str::is_empty().or(predicate::str::contains("got 7 files")));
        let deep = std::fs::read_to_string(env.path().join("down/up/sub/deep.txt")).unwrap();
        assert_eq!(deep, "deep");
        env.demo().args(["-c", "get up"]).assert().code(1);
        env.demo().args(["-c", "rm up"]).assert().code(1);
    }
}

/// A standalone emulator whose config has no `auth:` section (the client id and endpoints
/// only), as before the first sign-in.
fn signed_out_emulator(env: &Env) -> Emu {
    let emu = env.emu(&[]);
    let cfg = std::fs::read_to_string(&emu.config).unwrap();
    let bare: String = cfg
        .lines()
        .take_while(|l| !l.starts_with("auth:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&emu.config, bare).unwrap();
    emu
}

on_both_profiles! {
    fn sign_in_with_a_device_code_then_refresh(env) {
        let emu = signed_out_emulator(env);
        let with_cfg = || {
            let mut c = env.cmd();
            c.env("SKYDRIVE_CONFIG", &emu.config);
            c
        };
        with_cfg().arg("ls").assert().code(4);
        with_cfg()
            .args(["auth", "--device"])
            .assert()
            .success()
            .stderr(predicate::str::contains("signed in"));
        with_cfg()
            .arg("ls")
            .assert()
            .success()
            .stdout("- Documents\n- Pics\n- Shared Folder\n");
        with_cfg().arg("auth_refresh").assert().success().stdout("");
    }
}

on_both_profiles! {
    fn sign_in_the_seed_way_across_two_runs(env) {
        let emu = signed_out_emulator(env);
        let with_cfg = || {
            let mut c = env.cmd();
            c.env("SKYDRIVE_CONFIG", &emu.config);
            c
        };
        let started = with_cfg().arg("auth").assert().success();
        let stderr = String::from_utf8_lossy(&started.get_output().stderr).into_owned();
        let url = stderr
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("http"))
            .unwrap()
            .to_owned();
        // The emulator's authorize endpoint redirects at once; the browser would land there.
        let landed = tokio::runtime::Runtime::new().unwrap().block_on(async {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let resp = http.get(&url).send().await.unwrap();
            resp.headers()["location"].to_str().unwrap().to_owned()
        });
        with_cfg().args(["auth", &landed]).assert().success();
        with_cfg()
            .arg("ls")
            .assert()
            .success()
            .stdout("- Documents\n- Pics\n- Shared Folder\n");
        with_cfg().args(["auth", &landed]).assert().code(4);
    }
}

on_both_profiles! {
    fn ids_and_paths_as_object_arguments(env) {
        let out = env.demo().args(["--json", "ls"]).assert().success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let pics: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
        let id = pics["id"].as_str().unwrap().to_owned();
        let want = "- image1.jpg\n- image2.jpg\n";
        env.demo().args(["ls", &id]).assert().success().stdout(want);
        env.demo()
            .args(["ls", &format!("id:{id}")])
            .assert()
            .success()
            .stdout(want);
        env.demo()
            .args(["-i", "ls", &id])
            .assert()
            .success()
            .stdout(want);
        env.demo().args(["-p", "ls", &id]).assert().code(3);
        env.demo()
            .args(["-c", &format!("cd {id}; pwd")])
            .assert()
            .stdout("/Pics\n");
    }
}

on_both_profiles! {
    fn get_r_never_lets_an_item_land_on_a_siblings_partial_file(env) {
        env.run("cp Documents/README.txt Documents/.README.txt.part");
        let out = env
            .demo()
            .args(["-c", "get -r Documents out"])
            .assert()
            .code(6);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(".README.txt.part"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(env.path().join("out/README.txt")).unwrap(),
            "Welcome to the skydrive-cli demo drive.\n"
        );
        let names: Vec<_> = std::fs::read_dir(env.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["README.txt"]);
    }
}
