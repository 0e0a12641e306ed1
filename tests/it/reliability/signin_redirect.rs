//! `auth URL` (docs/reliability.md, "Sign-in"): what the pasted URL says decides whether the
//! pending sign-in is settled. Only this attempt's answer settles it (its `state`), an
//! `error=` as much as a `code=`; anything else leaves it pending, and text that is not a URL
//! at all is a usage error.

#![cfg(unix)]

use std::path::PathBuf;

use super::signin::{Site, browse_printed};

/// A site with a sign-in pending: (site, config, pending file, the URL the browser landed on).
fn pending_sign_in() -> (Site, PathBuf, PathBuf, String) {
    let site = Site::new(&[]);
    let config = site.emu.config.clone();
    let pending = PathBuf::from(format!("{}.pending", config.display()));
    let (code, _, err) = site.run(&config, &["auth"]);
    assert_eq!(code, 0, "{err}");
    let landed = browse_printed(&err);
    (site, config, pending, landed)
}

/// The `state` of a redirect URL.
fn state_of(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    let (_, state) = url.query_pairs().find(|(k, _)| k == "state").unwrap();
    state.into_owned()
}

const NATIVE: &str = "https://login.microsoftonline.com/common/oauth2/nativeclient";

#[test]
fn an_error_url_of_another_attempt_leaves_the_sign_in_pending() {
    let (site, config, pending, landed) = pending_sign_in();
    let other = format!("{NATIVE}?error=access_denied&error_description=no&state=wrong");
    let (code, _, err) = site.run(&config, &["auth", &other]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("another sign-in attempt") && err.contains("pending sign-in is kept"),
        "{err}"
    );
    assert!(!err.contains("refused"), "{err}");
    assert!(pending.exists(), "another attempt's error settles nothing");
    // The same URL with no state at all is not this attempt's either.
    let bare = format!("{NATIVE}?error=access_denied");
    let (code, _, err) = site.run(&config, &["auth", &bare]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("another sign-in attempt"), "{err}");
    assert!(pending.exists());
    // This attempt's own URL still signs in.
    let (code, out, err) = site.run(&config, &["-c", &format!("auth '{landed}'; ls")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Documents"), "{out}");
    assert!(!pending.exists());
}

#[test]
fn this_attempts_error_without_a_description_is_settled_and_named_plainly() {
    let (site, config, pending, landed) = pending_sign_in();
    let state = state_of(&landed);
    let denied = format!("{NATIVE}?error=access_denied&state={state}");
    let (code, _, err) = site.run(&config, &["auth", &denied]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("was refused (access_denied); "), "{err}");
    assert!(!err.contains(": )"), "{err}");
    assert!(
        !pending.exists(),
        "a refusal of this attempt settles it: {err}"
    );
}

#[test]
fn a_url_with_neither_code_nor_error_says_so_and_keeps_the_sign_in() {
    let (site, config, pending, landed) = pending_sign_in();
    let state = state_of(&landed);
    for url in [NATIVE.to_owned(), format!("{NATIVE}?state={state}")] {
        let (code, _, err) = site.run(&config, &["auth", &url]);
        assert_eq!(code, 4, "{url}: {err}");
        assert!(
            err.contains("neither a sign-in `code` nor an `error`"),
            "{url}: {err}"
        );
        assert!(!err.contains("another sign-in attempt"), "{url}: {err}");
        assert!(pending.exists(), "{url}");
    }
}

#[test]
fn text_that_is_not_a_url_is_a_usage_error_and_keeps_the_sign_in() {
    let (site, config, pending, _) = pending_sign_in();
    for text in ["not a url", "", "/nativeclient?code=SECRETCODE"] {
        let (code, _, err) = site.run(&config, &["auth", text]);
        assert_eq!(code, 2, "{text:?}: {err}");
        assert!(err.contains("auth: that is not a URL"), "{text:?}: {err}");
        assert!(
            !err.contains("SECRETCODE"),
            "a mangled code is not echoed: {err}"
        );
        assert!(pending.exists(), "{text:?}");
    }
    // With no sign-in pending, it is still the text that is wrong.
    std::fs::remove_file(&pending).unwrap();
    let (code, _, err) = site.run(&config, &["auth", "not a url"]);
    assert_eq!(code, 2, "{err}");
}
