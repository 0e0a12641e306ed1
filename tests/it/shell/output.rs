//! Snapshots of the three output forms: the seed's YAML-like text (piped), JSON lines
//! (`--json`, errors as JSON on stderr) and tables (stdout a terminal). Ids, eTags, hashes and
//! times are redacted.

use super::on_both_profiles;

fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"[0-9A-F]{16}!(s[0-9a-f]{32}|[0-9]+)", "[ID]"),
        (r"\b01[A-Z2-7]{32}\b", "[ID]"),
        (r"request-id [0-9a-f-]+", "request-id [RID]"),
        (r"b![A-Za-z0-9_-]{64}", "[DRIVE]"),
        (
            r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
            "[USER]",
        ),
        (r#""(c:)?\{[0-9A-F-]{36}\},\d+""#, "[TAG]"),
        (r"\b[0-9a-f]{15,16}\b", "[DRIVE]"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[TIME]"),
        (
            r"(?m)(eTag|cTag|quickXorHash|sha256Hash)(\W+)[A-Za-z0-9+/=]+",
            "$1$2[HASH]",
        ),
    ]
}

fn snap(name: &str, text: &str) {
    insta::with_settings!({filters => filters(), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

/// Tables pad to the widest cell; times vary in width, so padding and rules are squeezed.
fn snap_table(name: &str, text: &str) {
    let mut f = filters();
    f.extend([("[─═]+", "─"), (" {2,}", " ")]);
    insta::with_settings!({filters => f, prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

on_both_profiles! {
    fn seed_yaml_when_piped(env) {
        snap("seed_tree", &env.run("tree"));
        snap("seed_ls_long", &env.run("ls -l Pics"));
        // Business drives list no sha256Hash, and their ids and tags have other forms.
        let info = format!("seed_info_{}", env.profile_name());
        snap(&info, &env.run("info Documents/README.txt"));
        snap("seed_cache_stat", &env.run("ls; cache stat"));
    }
}

on_both_profiles! {
    fn json_lines_and_json_errors(env) {
        let json = |cmd: &str| {
            let out = env.demo().args(["--json", "-c", cmd]).assert().success();
            String::from_utf8(out.get_output().stdout.clone()).unwrap()
        };
        snap("json_ls", &json("ls"));
        snap("json_tree", &json("tree"));
        snap("json_quota", &json("quota"));
        snap("json_find", &json("find -name *.jpg"));
        for line in json("ls; tree; find").lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        let err = env
            .demo()
            .args(["--json", "-c", "ls Nope"])
            .assert()
            .code(3);
        let stderr = String::from_utf8(err.get_output().stderr.clone()).unwrap();
        snap("json_error", &stderr);
    }
}

#[cfg(unix)]
on_both_profiles! {
    fn tables_on_a_terminal(env) {
        let mut cmd = env.pty_command(None, Some("80"));
        cmd.args(["-c", "ls -l -h /; quota; ls Pics; tree"]);
        let mut p = rexpect::session::spawn_command(cmd, Some(10_000)).unwrap();
        // rexpect hands back one char per byte; reassemble the UTF-8.
        let raw: Vec<u8> = p.exp_eof().unwrap().chars().map(|c| c as u8).collect();
        let out = String::from_utf8(raw).unwrap().replace("\r\n", "\n");
        snap_table("table_ls_quota", &out);
    }
}
