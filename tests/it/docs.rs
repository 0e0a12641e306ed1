//! The repository stands alone: every file that its README, its docs (`docs/*.md`), its code
//! comments and its benchmark notes refer to by name (`something.md`, `docs/...`) exists in
//! it, and nothing points at notes a user of the repository does not have (`shared/tools`,
//! `../shared`). A bare name (`graph-api.md §4`) resolves to any file of that name in the
//! repository; a path resolves from the repository's root or from the referring file.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file worth scanning, with whether only its comments count (code).
fn files(dir: &Path, out: &mut Vec<(PathBuf, bool)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | ".git" | "completions") {
                files(&path, out);
            }
            continue;
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("md") => out.push((path, false)),
            Some("rs" | "py" | "toml") => out.push((path, true)),
            None if matches!(name.as_str(), "run") => out.push((path, true)),
            _ => {}
        }
    }
}

/// The comment text of a code file (`//`, `#`), or all of a document.
fn scanned_text(path: &Path, comments_only: bool) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    if !comments_only {
        return text;
    }
    text.lines()
        .filter_map(|l| {
            let t = l.trim_start();
            t.strip_prefix("//").or_else(|| t.strip_prefix('#'))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The file references in `text`: words ending in `.md`, or starting with `docs/`.
fn references(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "`()[]<>\"',;|*".contains(c))
        .filter(|w| !w.contains("://"))
        .map(|w| w.trim_end_matches(['.', ':', '§']).to_owned())
        .filter(|w| {
            let named = w.strip_suffix(".md").is_some_and(|stem| !stem.is_empty());
            named || (w.starts_with("docs/") && w.len() > 5)
        })
        .collect()
}

fn resolves(reference: &str, from: &Path, all: &[(PathBuf, bool)]) -> bool {
    let root = root();
    let rel = Path::new(reference);
    if root.join(rel).exists() || from.parent().is_some_and(|d| d.join(rel).exists()) {
        return true;
    }
    !reference.contains('/')
        && all
            .iter()
            .any(|(p, _)| p.file_name().is_some_and(|n| n == reference))
}

#[test]
fn every_referenced_file_exists_in_the_repository() {
    let mut all = Vec::new();
    files(&root(), &mut all);
    assert!(all.len() > 50, "too few files found: {}", all.len());
    let mut broken = Vec::new();
    // This file names what it looks for.
    let me = root().join(file!());
    for (path, comments_only) in all.iter().filter(|(p, _)| *p != me) {
        let text = scanned_text(path, *comments_only);
        let shown = path.strip_prefix(root()).unwrap().display().to_string();
        for private in ["shared/tools", "../shared", "shared/docs"] {
            if text.contains(private) {
                broken.push(format!("{shown}: refers to `{private}`"));
            }
        }
        for r in references(&text) {
            if !resolves(&r, path, &all) {
                broken.push(format!("{shown}: `{r}` does not exist"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken references:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_scan_catches_what_it_must() {
    let refs = references("see graph-api.md §4 and docs/nope.md, (docs/reliability.md)");
    assert_eq!(
        refs,
        ["graph-api.md", "docs/nope.md", "docs/reliability.md"]
    );
    let mut all = Vec::new();
    files(&root(), &mut all);
    let here = root().join("src/lib.rs");
    assert!(resolves("graph-api.md", &here, &all));
    assert!(resolves("docs/reliability.md", &here, &all));
    assert!(!resolves("no-such-notes.md", &here, &all));
    assert!(!resolves("docs/nope.md", &here, &all));
}
