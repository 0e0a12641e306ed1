//! The config file under concurrent savers: nobody's refresh token is lost.

use std::fs;
use std::path::Path;

use skydrive::Config;

fn seed_file(path: &Path) {
    fs::write(
        path,
        "client:\n  id: \"app\"\nauth:\n  access_token: a0\n  refresh_token: r0\nprofile:\n  color: blue\n",
    )
    .unwrap();
}

#[test]
fn a_stale_copy_does_not_clobber_a_newer_refresh_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    seed_file(&path);
    let mut refresher = Config::load(&path).unwrap();
    let mut other = Config::load(&path).unwrap();
    refresher.refresh_token = Some("r1".into());
    refresher.access_token = Some("a1".into());
    refresher.save().unwrap();
    other.client_secret = Some("s".into());
    other.save().unwrap();
    let on_disk = Config::load(&path).unwrap();
    assert_eq!(on_disk.refresh_token.as_deref(), Some("r1"));
    assert_eq!(on_disk.access_token.as_deref(), Some("a1"));
    assert_eq!(on_disk.client_secret.as_deref(), Some("s"));
    // The stale copy adopted the merged state.
    assert_eq!(other.refresh_token.as_deref(), Some("r1"));
    assert!(fs::read_to_string(&path).unwrap().contains("color: blue"));
}

#[test]
fn concurrent_savers_keep_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    seed_file(&path);
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut cfg = Config::load(&path).unwrap();
                for round in 0..10 {
                    if i == 0 {
                        cfg.refresh_token = Some(format!("r-{round}"));
                    } else {
                        cfg.access_token = Some(format!("a{i}-{round}"));
                    }
                    cfg.save().unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let cfg = Config::load(&path).unwrap();
    assert_eq!(cfg.refresh_token.as_deref(), Some("r-9"));
    assert!(cfg.access_token.unwrap().ends_with("-9"));
    assert_eq!(cfg.client_id.as_deref(), Some("app"));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "lcrc" && n != "lcrc.lock")
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn a_broken_file_names_its_line_and_survives_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lcrc");
    let bad = "client:\n  id: app\nauth: [unclosed\n";
    fs::write(&path, bad).unwrap();
    let err = Config::load(&path).unwrap_err().to_string();
    assert!(err.contains("line 3") || err.contains("line 4"), "{err}");
    let mut cfg = Config::new(&path);
    cfg.refresh_token = Some("r".into());
    assert!(cfg.save().is_err());
    assert_eq!(fs::read_to_string(&path).unwrap(), bad);
}

#[test]
fn explicit_path_wins_and_plain_http_needs_loopback() {
    let p = Path::new("/tmp/x.lcrc");
    assert_eq!(Config::default_path(Some(p)), p);
    let text = "api:\n  graph_url: http://[::1]:8080/v1.0\n  login_url: https://login.example\n";
    assert!(Config::parse(p, text).is_ok());
    let text = "api:\n  login_url: http://10.0.0.1/\n";
    let err = Config::parse(p, text).unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
}
