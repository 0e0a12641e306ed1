//! Sign-in (docs/reliability.md, "Sign-in"): the real binary against `skydrive-emu
//! --login-fault ...`. Each kind of identity answer has its exit code and its fix: transient
//! (exit 5, the sign-in kept), the registration or config wrong (exit 4 naming the setting),
//! signed out (exit 4, "run `auth`"). And a token answer is never lost: configs behind a
//! symbolic link, in a folder that takes no lock file, that cannot be written, or with
//! `conf_save: false` all keep working, and `auth` keeps the file's comments.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use skydrive::Config;

use crate::common::{EmuProcess, cli};

/// A standalone emulator started with `extra` and a temp dir with `home/`.
pub(super) struct Site {
    dir: tempfile::TempDir,
    pub(super) emu: EmuProcess,
}

impl Site {
    pub(super) fn new(extra: &[&str]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("home")).unwrap();
        let emu = EmuProcess::start(dir.path(), extra);
        Site { dir, emu }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// `skydrive-cli --config CONFIG ARGS` with HOME in the site (fast retries).
    pub(super) fn run(&self, config: &Path, args: &[&str]) -> (i32, String, String) {
        let o = cli(&self.home())
            .env("SKYDRIVE_RETRY_DELAY_MS", "1")
            .arg("--config")
            .arg(config)
            .args(args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        split(o)
    }
}

fn split(o: Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn an_unavailable_sign_in_service_is_retried_then_exit_5_keeping_the_sign_in() {
    for fault in [
        "unavailable",
        "throttled",
        "temporarily-unavailable",
        "html-gateway",
        "html-ok",
    ] {
        let site = Site::new(&["--login-fault", fault, "--retry-after", "0"]);
        let before = fs::read(&site.emu.config).unwrap();
        let (code, _, err) = site.run(&site.emu.config, &["auth_refresh"]);
        assert_eq!(code, 5, "{fault}: {err}");
        assert!(
            err.contains("the sign-in service at 127.0.0.1:"),
            "{fault}: {err}"
        );
        assert!(err.contains("your saved sign-in is kept"), "{fault}: {err}");
        assert!(
            !err.contains("sign in again") && !err.contains("hint: run"),
            "{fault}: {err}"
        );
        if fault.starts_with("html") {
            assert!(
                err.contains("an HTML page where a JSON answer was due"),
                "{fault}: {err}"
            );
        }
        assert_eq!(fs::read(&site.emu.config).unwrap(), before, "{fault}");
    }
    // Transient for a while, then the refresh goes through.
    let site = Site::new(&["--login-fault", "unavailable", "--login-fault-times", "3"]);
    let (code, _, err) = site.run(&site.emu.config, &["-c", "auth_refresh; ls"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn registration_and_config_errors_exit_4_naming_the_setting() {
    let site = Site::new(&["--login-fault", "public-client-off"]);
    let (code, _, err) = site.run(&site.emu.config, &["auth", "--device"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("set \"Allow public client flows\" to Yes"),
        "{err}"
    );
    assert!(
        !err.contains("hint: run `skydrive-cli auth`"),
        "running auth again fails the same way: {err}"
    );

    let site = Site::new(&["--login-fault", "consumers-only"]);
    let (code, _, err) = site.run(&site.emu.config, &["auth", "--device"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("AADSTS9002331") && err.contains("`tenant: consumers`"),
        "{err}"
    );

    // A python-skydrive config carries `client.secret`; a public client must not send it.
    let site = Site::new(&[]);
    let text = fs::read_to_string(&site.emu.config).unwrap();
    let with_secret = text.replacen("client:\n", "client:\n  secret: xxxxxxxx\n", 1);
    fs::write(&site.emu.config, &with_secret).unwrap();
    let (code, _, err) = site.run(&site.emu.config, &["auth_refresh"]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("remove `secret:` from the `client:` section"),
        "{err}"
    );
    assert!(!err.contains("xxxxxxxx"), "{err}");
}

#[test]
fn signed_out_exits_4_and_says_to_run_auth() {
    let site = Site::new(&["--login-fault", "interaction-required"]);
    let (code, _, err) = site.run(&site.emu.config, &["auth_refresh"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("interaction_required: AADSTS50076"), "{err}");
    assert!(err.contains("run `auth` to sign in again"), "{err}");
    // They have an account: the hint is to sign in again, not to try the demo drive.
    assert!(err.contains("auth` to sign in again\nhint: "), "{err}");
    assert!(!err.contains("--demo"), "{err}");
}

#[test]
fn a_symlinked_config_stays_a_link_and_its_target_gets_the_token() {
    let site = Site::new(&[]);
    let dotfiles = site.dir.path().join("dotfiles");
    fs::create_dir(&dotfiles).unwrap();
    let target = dotfiles.join("lcrc");
    fs::rename(&site.emu.config, &target).unwrap();
    let link = site.home().join(".lcrc");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let before = Config::load(&target).unwrap().refresh_token;
    let (code, _, err) = site.run(&link, &["-c", "auth_refresh; ls"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let after = Config::load(&target).unwrap().refresh_token;
    assert_ne!(after, before, "the target holds the rotated token");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn a_config_whose_folder_takes_no_lock_file_still_works() {
    // Root writes anywhere, so a folder where the lock file would go stands in for a folder
    // the user cannot write: the lock is taken in ~/.cache/skydrive-cli/locks instead.
    let site = Site::new(&[]);
    let lock = site.dir.path().join("emu.lcrc.lock");
    let _ = fs::remove_file(&lock);
    fs::create_dir(&lock).unwrap();
    let (code, out, err) = site.run(&site.emu.config, &["-c", "auth_refresh; ls"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Documents"), "{out}");
    let locks = site.home().join(".cache/skydrive-cli/locks");
    assert_eq!(fs::read_dir(locks).unwrap().count(), 1);
}

#[test]
fn a_config_that_cannot_be_written_keeps_the_token_in_memory_with_one_warning() {
    // `ulimit -f 0`: the config's temp file cannot take a byte (root bypasses permissions, a
    // file size limit it does not), so every save fails.
    let site = Site::new(&["--token-ttl", "1s"]);
    let before = fs::read(&site.emu.config).unwrap();
    let script = "auth_refresh\nls\n!sleep 1.2\nls\n!sleep 1.2\nquota";
    let out = std::process::Command::new("sh")
        .env_clear()
        .env("HOME", site.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SKYDRIVE_CONFIG", &site.emu.config)
        .env("SKYDRIVE_BIN", assert_cmd::cargo::cargo_bin("skydrive-cli"))
        .env("SCRIPT", script)
        .args(["-c", r#"ulimit -f 0 && exec "$SKYDRIVE_BIN" -c "$SCRIPT""#])
        .output()
        .unwrap();
    let (code, out, err) = split(out);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("quota:"), "{out}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("could not be saved to") && warnings[0].contains("--config"),
        "{err}"
    );
    assert_eq!(
        fs::read(&site.emu.config).unwrap(),
        before,
        "the file is as it was"
    );
}

#[test]
fn conf_save_false_is_respected() {
    let site = Site::new(&[]);
    let text = format!(
        "conf_save: false\n{}",
        fs::read_to_string(&site.emu.config).unwrap()
    );
    fs::write(&site.emu.config, &text).unwrap();
    let (code, _, err) = site.run(&site.emu.config, &["-c", "auth_refresh; ls"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(fs::read_to_string(&site.emu.config).unwrap(), text);
    let (code, _, err) = site.run(&site.emu.config, &["auth", "--device"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("signed in for this run only"), "{err}");
    assert_eq!(fs::read_to_string(&site.emu.config).unwrap(), text);
}

#[test]
fn auth_keeps_comments_and_everything_else_in_the_config() {
    let site = Site::new(&["--login-fault", "expires-in-string"]);
    let emu = Config::load(&site.emu.config).unwrap();
    let text = format!(
        "# OneDrive at home -- written by hand\nclient:\n  id: \"{}\"   # Application (client) ID\n  \
         tenant: consumers\n\n# endpoints of the test server\napi:\n  graph_url: {}\n  \
         login_url: {}\n\nrequest:\n  base_headers:\n    Accept-Encoding: ''  # seed issue 45\n",
        emu.client_id.unwrap(),
        emu.graph_url,
        emu.login_url
    );
    let config = site.home().join(".lcrc");
    fs::write(&config, &text).unwrap();
    let (code, _, err) = site.run(&config, &["auth", "--device"]);
    assert_eq!(code, 0, "{err}");
    let saved = fs::read_to_string(&config).unwrap();
    assert!(
        saved.starts_with(&text),
        "everything before is kept as written:\n{saved}"
    );
    let added: Vec<&str> = saved[text.len()..].lines().collect();
    assert_eq!(added[0], "auth:");
    assert_eq!(added.len(), 4, "the three token keys: {added:?}");
    let (code, out, err) = site.run(&config, &["-c", "auth_refresh; ls"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Documents"));
    assert!(fs::read_to_string(&config).unwrap().starts_with(&text));
}

/// Plays the browser: opens the authorize URL `auth` printed in `stderr` and returns the URL
/// it redirects to (the one a user pastes back).
pub(super) fn browse_printed(stderr: &str) -> String {
    let url = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("http") && l.contains("authorize"))
        .unwrap_or_else(|| panic!("no authorize URL in {stderr}"))
        .to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        let resp = client.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 302, "{url}");
        resp.headers()["location"].to_str().unwrap().to_owned()
    })
}

#[test]
fn a_pending_sign_in_is_kept_until_it_succeeds_or_is_refused() {
    // The sign-in service answers 503 to the next 7 identity requests: one code exchange
    // with all its retries.
    let site = Site::new(&[
        "--login-fault",
        "unavailable",
        "--login-fault-times",
        "7",
        "--retry-after",
        "0",
    ]);
    let config = site.emu.config.clone();
    let pending = PathBuf::from(format!("{}.pending", config.display()));
    let (code, _, err) = site.run(&config, &["auth"]);
    assert_eq!(code, 0, "{err}");
    assert!(pending.exists(), "{err}");
    let landed = browse_printed(&err);
    assert!(landed.contains("state="), "{landed}");
    let before = fs::read(&config).unwrap();

    // Another attempt's URL: an error, and the pending sign-in stays.
    let other = landed.replace("state=", "state=other");
    let (code, _, err) = site.run(&config, &["auth", &other]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("another sign-in attempt") && err.contains("pending sign-in is kept"),
        "{err}"
    );
    assert!(pending.exists(), "a state mismatch consumes nothing");

    // The service down through every retry: exit 5, the pending sign-in and the config kept.
    let (code, _, err) = site.run(&config, &["auth", &landed]);
    assert_eq!(code, 5, "{err}");
    assert!(
        pending.exists(),
        "a transient failure discards nothing: {err}"
    );
    assert_eq!(fs::read(&config).unwrap(), before);

    // The service is back: the same URL signs in, and the pending sign-in is settled.
    let (code, _, err) = site.run(&config, &["-c", &format!("auth '{landed}'; ls")]);
    assert_eq!(code, 0, "{err}");
    assert!(!pending.exists());
    assert_ne!(fs::read(&config).unwrap(), before);

    // A sign-in the identity platform refused is settled too.
    let (code, _, err) = site.run(&config, &["auth"]);
    assert_eq!(code, 0, "{err}");
    let landed = browse_printed(&err);
    let state = landed
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let denied = format!(
        "https://login.microsoftonline.com/common/oauth2/nativeclient?error=access_denied&\
         error_description=the+user+declined&state={state}"
    );
    let (code, _, err) = site.run(&config, &["auth", &denied]);
    assert_eq!(code, 4, "{err}");
    assert!(!pending.exists(), "{err}");
}

#[test]
fn a_config_in_a_folder_that_takes_no_new_file_is_saved_in_place_with_one_warning() {
    use std::os::unix::fs::PermissionsExt;
    // A folder of mode 555 holding a writable config: the temp file of an atomic save cannot
    // be made, the file itself can be written. As root, `setpriv` drops the capability that
    // would let it write anyway.
    let site = Site::new(&["--token-ttl", "1s"]);
    let folder = site.dir.path().join("ro");
    fs::create_dir(&folder).unwrap();
    let config = folder.join("lcrc");
    fs::copy(&site.emu.config, &config).unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    let before = Config::load(&config).unwrap().refresh_token;
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let out = crate::common::unprivileged_cli()
        .env("HOME", site.home())
        .env("SKYDRIVE_CONFIG", &config)
        .args(["-c", "auth_refresh; ls; !sleep 1.2\nls"])
        .output()
        .unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    let (code, out, err) = split(out);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Documents"), "{out}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "one warning for 2 saves: {err}");
    assert!(warnings[0].contains("not atomically"), "{err}");
    let saved = Config::load(&config).unwrap();
    assert_ne!(
        saved.refresh_token, before,
        "the rotated token is in the file"
    );
    assert_eq!(
        fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let names: Vec<_> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["lcrc"], "no temp or lock file beside it");
}

#[test]
fn a_config_with_crlf_line_ends_keeps_them_after_a_token_save() {
    let site = Site::new(&[]);
    let text = fs::read_to_string(&site.emu.config)
        .unwrap()
        .replace('\n', "\r\n");
    fs::write(&site.emu.config, &text).unwrap();
    let (code, _, err) = site.run(&site.emu.config, &["-c", "auth_refresh; ls"]);
    assert_eq!(code, 0, "{err}");
    let saved = fs::read_to_string(&site.emu.config).unwrap();
    assert_ne!(saved, text, "the rotated token is saved");
    assert!(saved.lines().count() >= text.lines().count());
    assert!(
        !saved.replace("\r\n", "").contains('\n'),
        "no LF line among CRLF ones: {saved:?}"
    );
}
