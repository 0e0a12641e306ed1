//! The config file under concurrent savers: nobody's refresh token is lost.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
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

/// The keys this tool owns that any string may be stored in (endpoints are checked, so they
/// are left out), read and written through the public fields.
const FIELDS: usize = 5;

fn field(cfg: &mut Config, i: usize) -> &mut Option<String> {
    match i {
        0 => &mut cfg.client_id,
        1 => &mut cfg.client_secret,
        2 => &mut cfg.access_token,
        3 => &mut cfg.refresh_token,
        _ => &mut cfg.access_expires,
    }
}

/// Strings YAML likes to reinterpret: numbers with leading zeros, booleans, nulls, flow and
/// comment characters, quotes, leading/trailing spaces, non-ASCII.
fn yamlish() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0012345".to_owned()),
        Just("yes".to_owned()),
        Just("null".to_owned()),
        Just("~".to_owned()),
        Just("1e3".to_owned()),
        "[ -~]{0,24}",
        "[a-z0-9:#'\"{}\\[\\],&*!|>%@` é😀-]{1,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Two copies loaded from one file each change some keys and save, in turn: the file ends
    /// with the second saver's changes, the first saver's other changes, the untouched
    /// originals, and every key the tool does not own, whatever the strings are (`None`
    /// removes a key).
    #[test]
    fn merge_save_keeps_every_change_and_every_foreign_key(
        original in proptest::collection::vec(proptest::option::of(yamlish()), FIELDS),
        first in proptest::collection::vec(proptest::option::of(yamlish()), FIELDS),
        second in proptest::collection::vec(proptest::option::of(yamlish()), FIELDS),
        first_mask in proptest::collection::vec(any::<bool>(), FIELDS),
        second_mask in proptest::collection::vec(any::<bool>(), FIELDS),
        foreign in yamlish(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lcrc");
        let mut seed = Config::new(&path);
        for (i, v) in original.iter().enumerate() {
            *field(&mut seed, i) = v.clone();
        }
        seed.save().unwrap();
        let mut doc: serde_yaml::Value = serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let mut profile = serde_yaml::Mapping::new();
        profile.insert("note".into(), foreign.as_str().into());
        doc.as_mapping_mut().unwrap().insert("profile".into(), profile.into());
        fs::write(&path, serde_yaml::to_string(&doc).unwrap()).unwrap();

        let mut a = Config::load(&path).unwrap();
        let mut b = Config::load(&path).unwrap();
        let mut want = original.clone();
        for (copy, values, mask) in [(&mut a, &first, &first_mask), (&mut b, &second, &second_mask)] {
            for i in (0..FIELDS).filter(|&i| mask[i]) {
                *field(copy, i) = values[i].clone();
                // Setting a key to the value it was loaded with is no change to save.
                if values[i] != original[i] {
                    want[i] = values[i].clone();
                }
            }
            copy.save().unwrap();
        }

        let mut back = Config::load(&path).unwrap();
        for (i, w) in want.iter().enumerate() {
            prop_assert_eq!(&*field(&mut back, i), w, "field {}", i);
        }
        let text = fs::read_to_string(&path).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        prop_assert_eq!(doc["profile"]["note"].as_str(), Some(foreign.as_str()));
    }
}
