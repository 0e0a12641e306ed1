//! `completions/` holds bash, zsh and fish scripts generated from the clap definitions; this
//! test fails when they are stale. `UPDATE_COMPLETIONS=1 cargo test` rewrites them.

use clap_complete::Shell;

#[test]
fn completion_scripts_are_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (shell, file) in [
        (Shell::Bash, "skydrive-cli.bash"),
        (Shell::Zsh, "_skydrive-cli"),
        (Shell::Fish, "skydrive-cli.fish"),
    ] {
        let mut cmd = skydrive::shell::completion_command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "skydrive-cli", &mut buf);
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &buf).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(buf.as_slice()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion scripts {stale:?}: run `UPDATE_COMPLETIONS=1 cargo test completion`"
    );
}
