//! Unit tests of the config file: merge-save, mode, parse errors, endpoints.

use super::*;

#[test]
fn keeps_unknown_keys_and_writes_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    fs::write(&path, "client:\n  id: \"abc\"\nextra:\n  keep: 1\n").unwrap();
    let mut cfg = Config::load(&path).unwrap();
    cfg.refresh_token = Some("r1".into());
    cfg.save().unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("keep: 1") && text.contains("refresh_token: r1"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn malformed_yaml_names_the_line_and_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    let bad = "client:\n  id: x\n   bad: [\n";
    fs::write(&path, bad).unwrap();
    let err = Config::load(&path).unwrap_err().to_string();
    assert!(err.contains("line"), "{err}");
    let mut cfg = Config::new(&path);
    cfg.access_token = Some("t".into());
    assert!(cfg.save().is_err());
    assert_eq!(fs::read_to_string(&path).unwrap(), bad);
}

#[test]
fn a_file_deleted_since_loading_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    fs::write(&path, "client:\n  id: \"abc\"\n").unwrap();
    let mut cfg = Config::load(&path).unwrap();
    fs::remove_file(&path).unwrap();
    cfg.access_token = Some("a".into());
    cfg.save().unwrap();
    let back = Config::load(&path).unwrap();
    assert_eq!(back.client_id.as_deref(), Some("abc"));
    assert_eq!(back.access_token.as_deref(), Some("a"));
}

#[test]
fn numeric_client_id_is_refused_with_a_hint() {
    let err = Config::parse(Path::new("x"), "client:\n  id: 0x1F\n").unwrap_err();
    assert!(err.to_string().contains("quotes"), "{err}");
    let ok = Config::parse(Path::new("x"), "client:\n  id: 0012345\n").unwrap();
    assert_eq!(ok.client_id.as_deref(), Some("0012345"));
    let ok = Config::parse(Path::new("x"), "client:\n  id: 620512345 # app\n").unwrap();
    assert_eq!(ok.client_id.as_deref(), Some("620512345"));
}

#[test]
fn plain_http_only_for_loopback() {
    let ok = "api:\n  graph_url: http://127.0.0.1:9/v1.0\n  login_url: http://localhost:9\n";
    assert!(Config::parse(Path::new("x"), ok).is_ok());
    let bad = "api:\n  graph_url: http://example.com/v1.0\n";
    assert!(Config::parse(Path::new("x"), bad).is_err());
    assert!(url_is_loopback("http://127.0.0.1:9/v1.0"));
    assert!(url_is_loopback("http://[::1]:9/"));
    assert!(!url_is_loopback(DEFAULT_GRAPH_URL));
}

#[test]
fn a_save_keeps_comments_blank_lines_and_foreign_keys_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    let text = "# OneDrive for the laptop\nclient:\n  id: \"abc\"  # portal: skydrive-cli\n\n\
                # request settings from python-skydrive\nrequest:\n  base_headers:\n    \
                Accept-Encoding: ''\nauth:\n  refresh_token: r0\n";
    fs::write(&path, text).unwrap();
    let mut cfg = Config::load(&path).unwrap();
    cfg.refresh_token = Some("r1".into());
    cfg.access_token = Some("a1".into());
    cfg.save().unwrap();
    let saved = fs::read_to_string(&path).unwrap();
    let want = text.replace(
        "refresh_token: r0\n",
        "refresh_token: r1\n  access_token: a1\n",
    );
    assert_eq!(saved, want);
}

#[test]
fn a_save_keeps_crlf_line_ends_on_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    let text = "# from Windows\r\nclient:\r\n  id: \"abc\"\r\nauth:\r\n  refresh_token: r0\r\n";
    fs::write(&path, text).unwrap();
    let mut cfg = Config::load(&path).unwrap();
    cfg.refresh_token = Some("r1".into());
    cfg.access_token = Some("a1".into());
    cfg.tenant = "consumers".into();
    cfg.save().unwrap();
    let saved = fs::read_to_string(&path).unwrap();
    let want = "# from Windows\r\nclient:\r\n  id: \"abc\"\r\n  tenant: consumers\r\nauth:\r\n  \
                refresh_token: r1\r\n  access_token: a1\r\n";
    assert_eq!(saved, want);
    assert_eq!(
        Config::load(&path).unwrap().refresh_token.as_deref(),
        Some("r1")
    );
    // Written whole (a shape the editor does not follow): CRLF still.
    fs::write(&path, "client: {id: \"abc\"}\r\nx: 1\r\n").unwrap();
    let mut cfg = Config::load(&path).unwrap();
    cfg.refresh_token = Some("r2".into());
    cfg.save().unwrap();
    let saved = fs::read_to_string(&path).unwrap();
    assert!(
        saved.ends_with("\r\n") && !saved.replace("\r\n", "").contains('\n'),
        "{saved:?}"
    );
}

#[test]
fn a_file_the_editor_cannot_follow_is_written_whole_without_losing_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    fs::write(
        &path,
        "# gone\nclient: {id: \"abc\", tenant: consumers}\nx: 1\n",
    )
    .unwrap();
    let mut cfg = Config::load(&path).unwrap();
    cfg.tenant = "common".into();
    cfg.save().unwrap();
    let back = Config::load(&path).unwrap();
    assert_eq!(
        (back.client_id.as_deref(), back.tenant.as_str()),
        (Some("abc"), "common")
    );
    assert!(fs::read_to_string(&path).unwrap().contains("x: 1"));
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_stays_a_link_and_its_target_gets_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let dotfiles = dir.path().join("dotfiles");
    fs::create_dir(&dotfiles).unwrap();
    let target = dotfiles.join("lcrc");
    fs::write(&target, "client:\n  id: \"abc\"\n").unwrap();
    let link = dir.path().join(".lcrc");
    std::os::unix::fs::symlink("dotfiles/lcrc", &link).unwrap();
    let mut cfg = Config::load(&link).unwrap();
    cfg.refresh_token = Some("r1".into());
    cfg.save().unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("dotfiles/lcrc"));
    let saved = fs::read_to_string(&target).unwrap();
    assert_eq!(
        saved,
        "client:\n  id: \"abc\"\nauth:\n  refresh_token: r1\n"
    );
    assert!(
        dotfiles.join("lcrc.lock").exists(),
        "the lock is beside the target"
    );
}

#[test]
fn conf_save_false_is_respected_and_leaves_changes_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    let text = "conf_save: false\nclient:\n  id: \"abc\"\n";
    fs::write(&path, text).unwrap();
    let mut cfg = Config::load(&path).unwrap();
    assert!(cfg.saves_disabled() && !cfg.has_unsaved_changes());
    cfg.refresh_token = Some("r1".into());
    cfg.save().unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    assert!(cfg.has_unsaved_changes());
    assert_eq!(cfg.refresh_token.as_deref(), Some("r1"));
    let bad = Config::parse(Path::new("x"), "conf_save: /elsewhere\n").unwrap_err();
    assert!(
        bad.to_string()
            .contains("line 1: conf_save must be `false`"),
        "{bad}"
    );
    assert!(
        !Config::parse(Path::new("x"), "conf_save: true\n")
            .unwrap()
            .saves_disabled()
    );
}
