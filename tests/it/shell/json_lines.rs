//! `--json` is complete: every line a command prints, on stdout and stderr, is one JSON object
//! (data, errors, per-item failures through `output::item_failure`, notes through
//! `output::notice`), including the lines about items that are refused or not counted.

use super::{Env, Profile};

/// Runs `--json -c SCRIPT` and returns the exit code and every line of both streams, each
/// asserted to be a JSON object.
fn json_run(env: &Env, script: &str) -> (i32, Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let out = env.demo().args(["--json", "-c", script]).output().unwrap();
    let parse = |bytes: &[u8]| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{script}: not JSON ({e}): {l:?}"));
                assert!(v.is_object(), "{script}: {l}");
                v
            })
            .collect()
    };
    (
        out.status.code().unwrap_or(-1),
        parse(&out.stdout),
        parse(&out.stderr),
    )
}

#[test]
fn every_line_in_json_mode_is_a_json_object() {
    for profile in [Profile::Personal, Profile::Business] {
        let env = Env::kinds(profile);
        let (code, _, err) = json_run(&env, "get -r Documents L");
        assert_eq!(code, 6, "{err:?}");
        let refused: Vec<&str> = err.iter().filter_map(|v| v["error"].as_str()).collect();
        assert!(
            refused
                .iter()
                .any(|e| e.contains("Notebook") && e.contains("OneNote")),
            "{refused:?}"
        );
        assert!(
            refused.iter().any(|e| e.contains("flagged.exe")),
            "{refused:?}"
        );

        let (code, out, err) = json_run(&env, "du Documents");
        assert_eq!(code, 0, "{err:?}");
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            err.iter().any(|v| v["notice"]
                .as_str()
                .is_some_and(|n| n.contains("not counted"))),
            "{err:?}"
        );

        let (code, _, err) = json_run(&env, "get Documents/*");
        assert_eq!(code, 6, "{err:?}");
        assert_eq!(
            err.len(),
            3,
            "two refused, then the command's error: {err:?}"
        );
        let (code, out, err) = json_run(&env, "check L Documents");
        assert_eq!(code, 0, "{out:?} {err:?}");
        assert!(err.iter().all(|v| v["status"] == "skipped"), "{err:?}");
    }
}
