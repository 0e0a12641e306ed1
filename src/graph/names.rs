//! OneDrive's name rules (graph-api.md §1.4), checked before any request.
//!
//! The service refuses bad names with a terse `400 invalidRequest`, sometimes only after a whole
//! upload session has been sent, and Business refuses more than Personal does. Every library call
//! that creates or renames an item checks the new name here first, so that a user learns which
//! name is wrong, why, and what to do about it, and no request is wasted.
//!
//! The rules are the union that both drive types enforce, so a name that passes here is valid on
//! either, with one deliberate exception: a leading `~` is refused only by Business and is common
//! on personal drives (`~backup`), so it is allowed; `~$` (Office lock files) is refused
//! everywhere. `forms` at a library root (a SharePoint-only rule) is not checked either.
//!
//! Name identity lives here too: OneDrive compares names ignoring case and Unicode
//! normalisation (`café` in NFC and in NFD is one name, graph-api.md §13), so [`name_key`] is
//! the one form in which the client compares names, and [`check_distinct`] is the one check
//! every upload, copy and move runs over its sources before the first request, so that no
//! source silently replaces or merges with another.

use crate::error::{Error, ErrorKind, Result};

/// Characters OneDrive never accepts in a name (`"` is refused although the API docs omit it).
pub const FORBIDDEN: [char; 9] = ['"', '*', ':', '<', '>', '?', '/', '\\', '|'];

/// The longest full path (all segments, with their separators) the service accepts.
pub const MAX_PATH_CHARS: usize = 400;

/// Names refused whole, compared case-insensitively.
const RESERVED: [&str; 6] = [".lock", "con", "prn", "aux", "nul", "desktop.ini"];

/// Device names refused also with an extension (`con.txt`, `com1.log`), as on Windows.
const DEVICES: [&str; 4] = ["con", "prn", "aux", "nul"];

/// Why `name` would be refused by OneDrive, or `None` when it is acceptable.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a name cannot be empty".into());
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        return Some(format!(
            "{c:?} is not allowed in OneDrive names (none of \" * : < > ? / \\ | are)"
        ));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!(
            "control character U+{:04X} is not allowed in OneDrive names",
            u32::from(c)
        ));
    }
    if name.starts_with(' ') || name.ends_with(' ') {
        return Some("OneDrive names cannot begin or end with a space".into());
    }
    if name.ends_with('.') {
        return Some("OneDrive names cannot end with a dot".into());
    }
    if name.starts_with("~$") {
        return Some("OneDrive names cannot begin with ~$ (Office lock files)".into());
    }
    if is_reserved(name) {
        return Some("this name is reserved on OneDrive (and Windows)".into());
    }
    if name.to_ascii_lowercase().contains("_vti_") {
        return Some("OneDrive (SharePoint) refuses names containing _vti_".into());
    }
    if has_numeric_entity(name) {
        return Some("OneDrive refuses names containing &#NNN; sequences".into());
    }
    if name.chars().count() > MAX_PATH_CHARS {
        return Some(format!(
            "longer than OneDrive's {MAX_PATH_CHARS} characters"
        ));
    }
    None
}

/// Checks one name (a single path segment) against the rules.
pub fn check_name(name: &str) -> Result<()> {
    match name_problem(name) {
        Some(reason) => Err(invalid(name, reason)),
        None => Ok(()),
    }
}

/// Checks every segment of a `/`-separated path and its total length.
pub fn check_path(path: &str) -> Result<()> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for seg in &segments {
        if let Some(reason) = name_problem(seg) {
            return Err(match segments.len() {
                1 => invalid(seg, reason),
                _ => invalid(path, format!("{seg:?}: {reason}")),
            });
        }
    }
    check_path_len(path)
}

/// Checks only the total length of a `/`-separated path (each segment counts with one `/`).
pub fn check_path_len(path: &str) -> Result<()> {
    let len: usize = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().count() + 1)
        .sum();
    if len > MAX_PATH_CHARS {
        return Err(invalid(
            path,
            format!("the path is {len} characters long; OneDrive allows {MAX_PATH_CHARS}"),
        ));
    }
    Ok(())
}

/// One error for several bad names: the first one, with every other one listed in the reason.
pub fn combine(mut errors: Vec<Error>) -> Option<Error> {
    if errors.len() <= 1 {
        return errors.pop();
    }
    let n = errors.len();
    let described: Vec<String> = errors.iter().map(describe).collect();
    let first = match errors[0].kind() {
        ErrorKind::InvalidName { name, .. } | ErrorKind::NameClash { second: name, .. } => {
            name.clone()
        }
        _ => String::new(),
    };
    Some(invalid(
        &first,
        format!("{n} names cannot be used: {}", described.join("; ")),
    ))
}

/// `"name": reason` of an invalid-name error, the pair of a name clash (the message of any
/// other).
fn describe(e: &Error) -> String {
    match e.kind() {
        ErrorKind::InvalidName { name, reason } => format!("{name:?}: {reason}"),
        ErrorKind::NameClash { first, second } => {
            format!("{first:?} and {second:?} would be one name")
        }
        _ => e.to_string(),
    }
}

/// The form in which OneDrive compares names: Unicode NFC, lower-cased (and composed again,
/// since lower-casing can decompose). Two names with equal keys are one name on OneDrive.
pub fn name_key(name: &str) -> String {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    nfc.normalize(&nfc.normalize(name).to_lowercase())
        .into_owned()
}

/// True when OneDrive treats `a` and `b` as one name.
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || name_key(a) == name_key(b)
}

/// Every pair among `sources` (`(label, name)`: a path to show, and the name the item gets
/// on OneDrive) whose names OneDrive treats as one, each as an
/// [`ErrorKind::NameClash`] naming both labels, in the order of `sources`.
pub fn clashes<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Error> {
    let mut first: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (label, name) in sources {
        match first.entry(name_key(name)) {
            std::collections::hash_map::Entry::Occupied(e) => out.push(
                ErrorKind::NameClash {
                    first: (*e.get()).to_owned(),
                    second: label.to_owned(),
                }
                .into(),
            ),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(label);
            }
        }
    }
    out
}

/// Refuses `sources` (see [`clashes`]) when two of them would be one name on OneDrive: one
/// [`ErrorKind::NameClash`] for a single pair, one error listing every pair otherwise (both
/// conflicts: exit 7 in the shell).
pub fn check_distinct<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<()> {
    match combine(clashes(sources)) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// An invalid-name error.
pub fn invalid(name: &str, reason: impl Into<String>) -> Error {
    ErrorKind::InvalidName {
        name: name.to_owned(),
        reason: reason.into(),
    }
    .into()
}

fn is_reserved(name: &str) -> bool {
    let lower = name.to_lowercase();
    let stem = lower.split('.').next().unwrap_or("");
    let numbered = stem.len() == 4
        && (stem.starts_with("com") || stem.starts_with("lpt"))
        && stem.as_bytes()[3].is_ascii_digit();
    RESERVED.contains(&lower.as_str()) || DEVICES.contains(&stem) || numbered
}

/// `&#NNN;` sequences, which make uploads fail on the real service.
fn has_numeric_entity(name: &str) -> bool {
    name.match_indices("&#").any(|(i, _)| {
        let rest = &name[i + 2..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(';')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_refuses_and_names_why() {
        let cases = [
            ("", "empty"),
            ("a:b", "':'"),
            ("a\"b", "'\"'"),
            ("a|b", "'|'"),
            ("a\\b", "'\\\\'"),
            ("a\nb", "U+000A"),
            ("a\u{7f}", "U+007F"),
            (" a", "space"),
            ("a ", "space"),
            ("a.", "dot"),
            ("..", "dot"),
            ("~$doc.docx", "~$"),
            ("CON", "reserved"),
            ("con.txt", "reserved"),
            ("Lpt9", "reserved"),
            ("COM0.log", "reserved"),
            ("Desktop.INI", "reserved"),
            (".LOCK", "reserved"),
            ("x_vti_y", "_vti_"),
            ("a&#123;b", "&#NNN;"),
        ];
        for (name, why) in cases {
            let reason = name_problem(name).unwrap_or_else(|| panic!("{name:?} passed"));
            assert!(reason.contains(why), "{name:?}: {reason}");
        }
        assert!(name_problem(&"x".repeat(401)).is_some());
    }

    #[test]
    fn hostile_but_legal_names_pass() {
        for name in [
            "a b",
            "-x",
            "#1 %20 +a &b 'c'",
            "~backup",
            "console.txt",
            "com10",
            "e\u{301}te\u{301}",
            "été",
            "🦀.txt",
            "a&#b;",
            ".hidden",
            &"n".repeat(255),
        ] {
            assert_eq!(name_problem(name), None, "{name:?}");
        }
    }

    #[test]
    fn paths_check_every_segment_and_the_length() {
        assert!(check_path("/Docs/a b/c.txt").is_ok());
        let e = check_path("/Docs/a:b/c").unwrap_err().to_string();
        assert!(e.contains("a:b") && e.contains("':'"), "{e}");
        assert!(check_path(&"/abc".repeat(100)).is_ok());
        assert!(check_path(&"/abcd".repeat(100)).is_err());
    }

    #[test]
    fn names_are_one_name_ignoring_case_and_normalisation() {
        assert!(same_name("File.txt", "file.TXT"));
        assert!(same_name("caf\u{e9}", "cafe\u{301}"), "NFC and NFD");
        assert!(
            same_name("CAFE\u{301}", "caf\u{e9}"),
            "NFD upper, NFC lower"
        );
        assert!(
            same_name("\u{130}", "i\u{307}"),
            "capital I with dot above lower-cases to two"
        );
        assert!(
            same_name("\u{212b}", "\u{e5}"),
            "the Angstrom sign is A with a ring"
        );
        assert!(!same_name("a.txt", "a.txt "));
        assert!(!same_name("ae", "\u{e6}"));
        assert_eq!(name_key("Sub"), "sub");
    }

    #[test]
    fn clashes_name_both_sources_once_per_pair() {
        let sources = [
            ("dir/File.txt", "File.txt"),
            ("dir/file.txt", "file.txt"),
            ("dir/sub", "sub"),
            ("dir/other", "other"),
            ("dir/SUB", "SUB"),
            ("dir/caf\u{e9}", "caf\u{e9}"),
            ("dir/cafe\u{301}", "cafe\u{301}"),
        ];
        let found: Vec<String> = clashes(sources).iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("\"dir/File.txt\" and \"dir/file.txt\" would be one name"),
            "{found:?}"
        );
        assert!(
            found[1].contains("\"dir/sub\" and \"dir/SUB\""),
            "{found:?}"
        );
        let one = check_distinct([("a/x", "x"), ("b/X", "X")]).unwrap_err();
        assert!(one.is_conflict() && matches!(one.kind(), ErrorKind::NameClash { .. }));
        let all = check_distinct(sources).unwrap_err();
        assert!(all.is_conflict(), "{all}");
        assert!(all.to_string().contains("3 names cannot be used"), "{all}");
        assert!(check_distinct([("a", "a"), ("b", "b")]).is_ok());
    }

    #[test]
    fn several_errors_become_one_that_lists_them_all() {
        assert!(combine(Vec::new()).is_none());
        let one = combine(vec![check_name("a:b").unwrap_err()]).unwrap();
        assert!(matches!(one.kind(), ErrorKind::InvalidName { name, .. } if name == "a:b"));
        let many = vec![
            check_name("a:b").unwrap_err(),
            check_name("CON").unwrap_err(),
        ];
        let all = combine(many).unwrap().to_string();
        assert!(
            all.contains("2 names") && all.contains("a:b") && all.contains("CON"),
            "{all}"
        );
    }
}
