//! `mirror` of a folder shared with the user (a shortcut, a path through one, a `cd shared:`
//! session) is refused, and its hint names a command that does copy it: the test runs the
//! hint's command as printed and finds the files.

use crate::shell::{Env, Profile};

/// The command of the `hint:` line of `stderr`, without the `skydrive-cli --demo` prefix.
fn hinted(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("hint: `"))
        .unwrap_or_else(|| panic!("no hint in {stderr}"));
    let cmd = line.split('`').nth(1).unwrap();
    cmd.strip_prefix("skydrive-cli --demo ")
        .unwrap_or_else(|| panic!("{cmd}"))
        .to_owned()
}

fn refused(env: &Env, script: &str) -> String {
    let out = env.demo().args(["-c", script]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{script}: {err}");
    assert!(
        err.contains("a folder shared with you, on its owner's drive"),
        "{script}: {err}"
    );
    err
}

#[test]
fn mirror_of_a_shared_folder_names_a_command_that_copies_it() {
    for profile in [Profile::Personal, Profile::Business] {
        let env = Env::kinds(profile);
        let cases = [
            ("mirror '/Shared Folder' L1", "L1/notes.txt"),
            ("mirror '/Shared Folder/sub'", "sub/a.txt"),
            ("cd 'shared:Shared Folder'; mirror . L2", "L2/sub/a.txt"),
            ("cd 'shared:Shared Folder'; mirror sub L3", "L3/a.txt"),
        ];
        for (script, lands) in cases {
            let err = refused(&env, script);
            let cmd = hinted(&err);
            assert!(cmd.starts_with("get -r "), "{script}: {cmd}");
            env.run(&cmd);
            assert!(
                env.path().join(lands).is_file(),
                "{profile:?} {script}: `{cmd}` copies it"
            );
        }
        std::fs::create_dir_all(env.path().join("up")).unwrap();
        std::fs::write(env.path().join("up/new.txt"), b"new\n").unwrap();
        let err = refused(&env, "mirror -R up '/Shared Folder/sub'");
        let cmd = hinted(&err);
        assert!(cmd.starts_with("put -r "), "{cmd}");
        env.run(&cmd);
        let found = env.run("find '/Shared Folder'");
        assert!(found.contains("new.txt"), "{profile:?} `{cmd}`: {found}");
    }
}

/// The skip note of a shortcut inside a mirrored folder names the commands that do copy it,
/// never `mirror` of the shortcut, which is refused.
#[test]
fn the_skip_note_of_a_shortcut_names_what_copies_it() {
    for profile in [Profile::Personal, Profile::Business] {
        let env = Env::kinds(profile);
        std::fs::create_dir(env.path().join("C")).unwrap();
        for (script, code) in [("mirror / L", Some(0)), ("check C /", Some(6))] {
            let out = env.demo().args(["-c", script]).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), code, "{profile:?} {script}: {err}");
            let note = err
                .lines()
                .find(|l| l.contains("Shared Folder: skipped: "))
                .unwrap_or_else(|| panic!("{profile:?} {script}: {err}"));
            assert!(note.contains("`get -r` copies it"), "{note}");
            assert!(!note.contains("mirror that folder"), "{note}");
        }
        refused(&env, "mirror '/Shared Folder' L2");
    }
}
