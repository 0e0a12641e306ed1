//! Small faults a tester found (issues 16 and 18), each through the real binary on the demo
//! drive: a link that would expire in the past, `drive`'s booleans, and what `recent` and
//! `search` call the items of a OneNote notebook.

use super::{Env, Profile};

#[test]
fn link_refuses_an_expiry_in_the_past_naming_it() {
    let env = Env::of(Profile::Personal);
    for (value, says) in [
        ("2001-01-01", "2001-01-01 is in the past"),
        (
            "2001-01-01T00:00:00Z",
            "2001-01-01T00:00:00Z is in the past",
        ),
        ("soon", "\"soon\" is not a time"),
    ] {
        let out = env
            .demo()
            .args(["-c", &format!("link --expire {value} Pics/image1.jpg")])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{value}: {err}");
        assert!(err.contains(says), "{value}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = env.run("link --expire 2999-12-31 Pics/image1.jpg");
    assert!(out.starts_with("link: http"), "{out}");
}

#[test]
fn drive_says_yes_or_no_as_text_and_a_boolean_in_json() {
    let env = Env::of(Profile::Business);
    let piped = env.run("drive");
    assert!(piped.lines().any(|l| l == "own: yes"), "{piped}");
    let json = env.json("drive");
    assert_eq!(json[0]["own"], serde_json::Value::Bool(true), "{json:?}");
    let drives = env.json("drives");
    let other = drives
        .iter()
        .find(|d| d["type"] == "documentLibrary")
        .unwrap_or_else(|| panic!("{drives:?}"));
    let id = other["id"].as_str().unwrap();
    let piped = env.run(&format!("drive {id}; drive"));
    assert!(piped.lines().any(|l| l == "own: no"), "{piped}");
    let json = env.json(&format!("drive {id}; drive"));
    assert_eq!(json[0]["own"], serde_json::Value::Bool(false), "{json:?}");
}

#[test]
fn recent_and_search_show_a_notebooks_parts_as_sections() {
    for profile in [Profile::Personal, Profile::Business] {
        let env = Env::kinds(profile);
        for cmd in ["recent", "search Section", "search one"] {
            let rows = env.json(cmd);
            let types: Vec<(&str, &str)> = rows
                .iter()
                .map(|r| (r["path"].as_str().unwrap(), r["type"].as_str().unwrap()))
                .collect();
            assert!(
                types
                    .iter()
                    .any(|(p, _)| p.starts_with("/Documents/Notebook/")),
                "{profile:?} {cmd}: {types:?}"
            );
            for (path, ty) in &types {
                let inside = path.starts_with("/Documents/Notebook/");
                assert_eq!(*ty == "section", inside, "{profile:?} {cmd}: {types:?}");
            }
        }
    }
}

#[test]
fn a_notebooks_size_is_the_same_in_every_command() {
    for profile in [Profile::Personal, Profile::Business] {
        let env = Env::kinds(profile);
        let mut sizes = Vec::new();
        for cmd in [
            "info Documents/Notebook",
            "ls Documents",
            "find Documents",
            "tree Documents",
            "search Notebook",
        ] {
            for row in env.json(cmd) {
                if row["name"] == "Notebook" {
                    sizes.push((cmd, row["size"].clone()));
                }
            }
        }
        assert_eq!(sizes.len(), 5, "{profile:?}: {sizes:?}");
        assert!(
            sizes.iter().all(|(_, s)| *s == serde_json::json!(0)),
            "{profile:?}: {sizes:?}"
        );
        let piped = env.run("info Documents/Notebook");
        assert!(piped.lines().any(|l| l == "size: 0"), "{piped}");
    }
}
