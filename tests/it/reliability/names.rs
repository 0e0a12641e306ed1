//! Names (docs/reliability.md, "Bad input: names"): hostile but legal names round-trip
//! put -> ls -> get byte-exact through the real binary; every illegal name class of
//! graph-api.md §1.4 is refused by put, mkdir, mv and cp before any request (proven with the
//! emulator's request log), with exit 7 and a message naming it.

use std::fs;
use std::path::Path;

use crate::common::{EmuProcess, cli, logged_requests};
use crate::shell::Env;

/// Hostile but legal names: spaces, a leading dash, URL syntax (`# % + & '`, and `%41`, which
/// must not be decoded twice), a word in NFC and another in NFD (each kept as sent: nothing
/// normalizes; the NFC and NFD spellings of one word are one name on OneDrive, §13),
/// emoji, a leading `~` (allowed on personal drives), a hidden name and 255 characters.
fn corpus() -> Vec<String> {
    vec![
        "a b  c.txt".into(),
        "-dash.txt".into(),
        "--double".into(),
        "#1 %41 +x &y 'z'.txt".into(),
        "100% (copy) [1] {2} ;=@,!$.txt".into(),
        "caf\u{e9}.txt".into(),
        "re\u{301}sume\u{301}.txt".into(),
        "\u{1f980} crab \u{1f389}.txt".into(),
        "~tilde".into(),
        ".hidden".into(),
        format!("{}.txt", "n".repeat(251)),
    ]
}

fn content(i: usize, name: &str) -> Vec<u8> {
    let mut v = vec![u8::try_from(i).unwrap(); 64 + i];
    v.extend_from_slice(name.as_bytes());
    v
}

/// Listing lines (`- NAME` in the seed format) as names.
fn listed(stdout: &[u8]) -> Vec<String> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| l.strip_prefix("- ").unwrap_or(l).to_owned())
        .collect()
}

#[test]
fn hostile_legal_names_round_trip_put_ls_get() {
    let env = Env::new();
    let up = env.path().join("up");
    fs::create_dir(&up).unwrap();
    let names = corpus();
    for (i, n) in names.iter().enumerate() {
        fs::write(up.join(n), content(i, n)).unwrap();
    }
    // One `put` per name from a script file, each name quoted the shell's way and after `--`.
    let mut script = String::from("mkdir /corpus\nlcd up\n");
    for n in &names {
        script.push_str(&format!("put -- \"{n}\" /corpus\n"));
    }
    fs::write(env.path().join("put.sky"), &script).unwrap();
    env.demo().args(["-f", "put.sky"]).assert().success();

    let out = env.demo().args(["ls", "-a", "/corpus"]).assert().success();
    let mut got = listed(&out.get_output().stdout);
    let mut want = names.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);

    // `ls` hides dot names like `ls` does; `-a` shows them (checked above).
    // A whole-folder download, and one file at a time by argv (no shell quoting; argv words
    // with glob characters are patterns, and a pattern that matches nothing is the name).
    env.run("get -r /corpus down");
    fs::create_dir(env.path().join("one")).unwrap();
    for (i, n) in names.iter().enumerate() {
        assert_eq!(
            fs::read(env.path().join("down").join(n)).unwrap(),
            content(i, n)
        );
        env.demo()
            .current_dir(env.path().join("one"))
            .args(["get", "--", &format!("/corpus/{n}"), n])
            .assert()
            .success();
        assert_eq!(
            fs::read(env.path().join("one").join(n)).unwrap(),
            content(i, n)
        );
    }
    let extra: Vec<_> = fs::read_dir(env.path().join("one"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(extra.len(), names.len(), "leftover files: {extra:?}");
}

#[test]
fn leading_dash_names_are_reached_with_double_dash_or_dot_slash() {
    let env = Env::new();
    fs::write(env.path().join("-x"), "dash").unwrap();
    env.run("put ./-x /Documents");
    let out = env.run("cd /Documents; ls -- -x; ls ./-x");
    assert_eq!(out, "- -x\n- -x\n");
    env.run("cd /Documents; rm -- -x");
    env.run("put -- -x /Documents; get /Documents/-x got");
    assert_eq!(fs::read(env.path().join("got")).unwrap(), b"dash");
    // Without `--`, a leading dash is an option: usage error, nothing happens.
    env.demo().args(["-c", "put -x /"]).assert().code(2);
}

/// The drive is case-insensitive and case-preserving (graph-api.md §1.4): a name differing only
/// in case is the same item. `put -n` refuses it (exit 7); a plain put replaces the content and
/// the first spelling stays; any spelling reaches the item.
#[test]
fn case_only_differences_name_the_same_item() {
    let env = Env::new();
    fs::create_dir(env.path().join("a")).unwrap();
    fs::create_dir(env.path().join("b")).unwrap();
    fs::write(env.path().join("a/Case.txt"), "first").unwrap();
    fs::write(env.path().join("b/case.TXT"), "second").unwrap();
    env.run("mkdir /c; put a/Case.txt /c");
    env.demo()
        .args(["-c", "put -n b/case.TXT /c"])
        .assert()
        .code(7)
        .stderr(predicates::str::contains("already exists"));
    assert_eq!(env.run("cat /c/CASE.txt"), "first");
    env.run("put b/case.TXT /c");
    assert_eq!(env.run("ls /c"), "- Case.txt\n");
    assert_eq!(env.run("cat /c/case.txt"), "second");
    env.demo()
        .args(["-c", "mkdir /C"])
        .assert()
        .code(7)
        .stderr(predicates::str::contains("already exists"));
}

/// One illegal name per rule of graph-api.md §1.4, and whether a local file can carry it.
fn illegal() -> Vec<(String, bool)> {
    let mut v: Vec<(String, bool)> = [
        "a\"b",
        "a*b",
        "a:b",
        "a<b",
        "a>b",
        "a?b",
        "a\\b",
        "a|b",
        "a\u{1}b",
        "a\nb",
        "a\u{7f}b",
        " lead",
        "trail ",
        "dot.",
        "~$lock.docx",
        "CON",
        "nul.txt",
        "com1",
        "LPT9.log",
        ".lock",
        "Desktop.ini",
        "x_vti_y",
        "a&#123;b",
    ]
    .iter()
    .map(|n| ((*n).to_owned(), true))
    .collect();
    // Too long for a local file name (255 bytes), so not for put.
    v.push(("L".repeat(401), false));
    v
}

fn request_count(log: &Path) -> usize {
    logged_requests(log).len()
}

#[test]
fn illegal_names_are_refused_before_any_request_with_exit_7() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let emu = EmuProcess::start(dir.path(), &["--request-log", log.to_str().unwrap()]);
    let local = dir.path().join("local");
    fs::create_dir(&local).unwrap();
    let run = |args: &[&str]| {
        let mut c = cli(dir.path());
        c.env("SKYDRIVE_CONFIG", &emu.config)
            .env("SKYDRIVE_HOME", dir.path().join("data"))
            .current_dir(&local)
            .args(args);
        c.assert()
    };
    // The log works: a plain command is logged.
    run(&["ls"]).success();
    assert!(request_count(&log) > 0, "the request log records nothing");
    let mut tried = 0;
    for (name, local_ok) in illegal() {
        let dst = format!("/Documents/{name}");
        let mut cases: Vec<Vec<&str>> = vec![
            vec!["mkdir", &dst],
            vec!["mkdir", "-p", &dst],
            vec!["mv", "/Pics/image1.jpg", &dst],
            vec!["cp", "/Pics/image1.jpg", &dst],
        ];
        if local_ok {
            fs::write(local.join(&name), "x").unwrap();
            cases.push(vec!["put", "--", &name, "/Documents"]);
        }
        for args in cases {
            let before = request_count(&log);
            let out = run(&args).code(7);
            let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
            assert!(
                stderr.contains(&format!("{name:?}")) && stderr.contains("hint:"),
                "{args:?}: {stderr}"
            );
            assert_eq!(request_count(&log), before, "{args:?} sent a request");
            tried += 1;
        }
    }
    assert_eq!(tried, 24 * 4 + 23);
}

#[test]
fn put_r_refuses_a_tree_with_bad_names_before_any_request_naming_each() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let emu = EmuProcess::start(dir.path(), &["--request-log", log.to_str().unwrap()]);
    let tree = dir.path().join("tree");
    fs::create_dir_all(tree.join("sub/CON")).unwrap();
    fs::write(tree.join("ok.txt"), "fine").unwrap();
    fs::write(tree.join("sub/a:b.txt"), "x").unwrap();
    fs::write(tree.join("sub/CON/trail "), "x").unwrap();
    let before = request_count(&log);
    let out = cli(dir.path())
        .env("SKYDRIVE_CONFIG", &emu.config)
        .env("SKYDRIVE_HOME", dir.path().join("data"))
        .current_dir(dir.path())
        .args(["put", "-r", "tree", "/Documents"])
        .assert()
        .code(7);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    for bad in ["tree/sub/a:b.txt", "tree/sub/CON", "tree/sub/CON/trail "] {
        assert!(stderr.contains(&format!("{bad:?}")), "{bad}: {stderr}");
    }
    assert!(stderr.contains("3 local names cannot be uploaded; nothing was sent"));
    assert!(!stderr.contains("ok.txt"), "{stderr}");
    assert_eq!(request_count(&log), before, "put -r sent requests");
}

/// The library refuses on its own too (callers other than the shell): every call that creates
/// or renames a name, with no request sent.
#[tokio::test]
async fn library_calls_refuse_bad_names_without_a_request() {
    use skydrive::graph::ItemRef;
    use skydrive::graph::endpoints::Conflict;
    use skydrive::{UploadOptions, drive};

    let env = crate::library::env().await;
    let c = &env.client;
    let file = c.item(&ItemRef::path("Pics/image1.jpg")).await.unwrap();
    let docs = c.item(&ItemRef::path("Documents")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("ok.txt");
    fs::write(&local, "x").unwrap();
    let tree = dir.path().join("tree");
    fs::create_dir_all(tree.join("fine")).unwrap();
    fs::write(tree.join("fine/x|y"), "x").unwrap();
    let id = ItemRef::Id(file.id.clone());
    let before = env.emu.request_log().len();
    let results = vec![
        c.create_folder(&ItemRef::Root, "a:b", Conflict::Fail)
            .await
            .err(),
        c.create_folder(&ItemRef::path("Documents"), "CON", Conflict::Fail)
            .await
            .err(),
        c.rename(&id, "trail ").await.err(),
        c.move_item(&id, &docs.id, Some("x.")).await.err(),
        c.update(&id, &serde_json::json!({"name": "~$x"}))
            .await
            .err(),
        c.copy(&id, &docs.id, Some("a\u{1}b")).await.err(),
        c.upload_file(&ItemRef::Root, "a?b", &local, &UploadOptions::default())
            .await
            .err(),
        drive::mkdir_p(c, "Documents/new/desktop.ini").await.err(),
        drive::mv(c, &id, "/Documents/x_vti_").await.err(),
        drive::cp(c, &id, "/Documents/a&#65;").await.err(),
        drive::put_tree(c, &tree, &ItemRef::Root, &drive::TreeOptions::default())
            .await
            .err(),
        drive::mkdir_p(c, &format!("/{}", ["d"; 201].join("/")))
            .await
            .err(),
    ];
    assert_eq!(env.emu.request_log().len(), before, "a request was sent");
    for (i, e) in results.into_iter().enumerate() {
        let e = e.unwrap_or_else(|| panic!("case {i} was accepted"));
        assert!(
            matches!(e.kind(), skydrive::ErrorKind::InvalidName { .. }) && e.is_conflict(),
            "case {i}: {e}"
        );
    }
}
