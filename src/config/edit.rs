//! Editing the config text in place: only the lines of the keys the tool owns change, so
//! comments, blank lines, key order and the spelling of every other value survive a save
//! (the seed's python-skydrive re-dumped the whole file and lost them).
//!
//! The editor understands the block style the README shows (`section:` then indented
//! `key: value` lines). Anything else (a flow mapping `client: {id: x}`, a multi-line value
//! of an owned key, a quoted section name) makes [`set`] answer `None`, and the caller writes
//! the whole file from the parsed document instead, as before. A comment on the line of an
//! owned key is not kept: that line is the tool's.

use serde_yaml::Value;

/// `text` with `section.key` set to `value` (its line replaced, or added at the end of the
/// section, which is added at the end of the file when missing), or removed when `value` is
/// `None`. `None` when the text has a shape this editor does not handle.
pub(super) fn set(text: &str, section: &str, key: &str, value: Option<&str>) -> Option<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let Some(head) = lines.iter().position(|l| is_header(l, section)) else {
        let Some(value) = value else {
            return Some(text.to_owned());
        };
        let spelled = |l: &String| {
            l.strip_prefix(section)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        };
        if lines.iter().any(spelled) {
            // Some other spelling of the section (flow style, a value): not ours to guess.
            return None;
        }
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("{section}:\n  {key}: {}\n", scalar(value)?));
        return Some(out);
    };
    let body = head + 1;
    let end = lines[body..]
        .iter()
        .position(|l| !is_blank_or_comment(l) && !l.starts_with([' ', '\t']))
        .map_or(lines.len(), |i| body + i);
    let indent = lines[body..end]
        .iter()
        .find(|l| !is_blank_or_comment(l))
        .map_or("  ".to_owned(), |l| {
            l[..l.len() - l.trim_start().len()].to_owned()
        });
    let found = (body..end).find(|&i| {
        let l = &lines[i];
        l.starts_with(&indent) && key_of(&l[indent.len()..]) == Some(key)
    });
    let line = |v: &str| Some(format!("{indent}{key}: {}\n", scalar(v)?));
    match (found, value) {
        (Some(i), _) if continues(&lines, i, end, &indent) => return None,
        (Some(i), Some(v)) => lines[i] = line(v)?,
        (Some(i), None) => {
            lines.remove(i);
        }
        (None, Some(v)) => {
            let last = (body..end)
                .rev()
                .find(|&i| !is_blank_or_comment(&lines[i]))
                .unwrap_or(head);
            if !lines[last].ends_with('\n') {
                lines[last].push('\n');
            }
            lines.insert(last + 1, line(v)?);
        }
        (None, None) => {}
    }
    Some(lines.concat())
}

/// True for a top-level block header `section:` (a comment may follow).
fn is_header(line: &str, section: &str) -> bool {
    line.strip_prefix(section)
        .and_then(|r| r.trim_start().strip_prefix(':'))
        .is_some_and(|r| {
            let r = r.trim();
            r.is_empty() || r.starts_with('#')
        })
}

/// The key of a `key: value` line (without its indentation), if it is one.
fn key_of(line: &str) -> Option<&str> {
    let (k, rest) = line.split_once(':')?;
    (!k.is_empty()
        && !k.contains([' ', '\t', '#', '"', '\''])
        && (rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r'])))
    .then_some(k)
}

/// True when the value of the key on line `i` goes on below it (a block scalar, a nested
/// mapping or list): lines indented deeper than the section's keys.
fn continues(lines: &[String], i: usize, end: usize, indent: &str) -> bool {
    lines[i + 1..end]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .next()
        .is_some_and(|l| {
            let own = l.len() - l.trim_start().len();
            own > indent.len() && !l.trim_start().starts_with('#')
        })
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// `value` as a one-line YAML scalar that reads back as this string (quoted when YAML would
/// read it as something else: `0012345`, `yes`, `~`, ...); `None` if it needs several lines.
fn scalar(value: &str) -> Option<String> {
    let text = serde_yaml::to_string(&Value::String(value.to_owned())).ok()?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    (!text.contains('\n')).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "# my OneDrive\nclient:\n  id: \"abc\"   # from the portal\n  \
                        tenant: consumers\n\n# tokens below\nauth:\n  access_token: old\n  \
                        refresh_token: r0 # rotates\nextra: [1, 2] # keep\n";

    #[test]
    fn only_the_owned_line_changes() {
        let out = set(SEED, "auth", "refresh_token", Some("r1")).unwrap();
        assert_eq!(
            out,
            SEED.replace("refresh_token: r0 # rotates", "refresh_token: r1")
        );
        let out = set(&out, "auth", "access_expires", Some("2026-01-01T00:00:00Z")).unwrap();
        assert!(
            out.contains("  refresh_token: r1\n  access_expires: 2026-01-01T00:00:00Z\nextra:"),
            "{out}"
        );
        let out = set(&out, "auth", "access_token", None).unwrap();
        assert!(!out.contains("access_token"), "{out}");
        for kept in [
            "# my OneDrive\n",
            "id: \"abc\"   # from the portal",
            "\n\n# tokens below\n",
            "extra: [1, 2] # keep",
        ] {
            assert!(out.contains(kept), "{kept:?} in {out}");
        }
    }

    #[test]
    fn missing_sections_and_keys_are_added_with_the_sections_indentation() {
        let out = set("client:\n    id: x\n", "client", "tenant", Some("common")).unwrap();
        assert_eq!(out, "client:\n    id: x\n    tenant: common\n");
        let out = set("client:\n  id: x", "auth", "refresh_token", Some("0012")).unwrap();
        assert_eq!(out, "client:\n  id: x\nauth:\n  refresh_token: '0012'\n");
        assert_eq!(
            set("", "api", "graph_url", Some("u")).unwrap(),
            "api:\n  graph_url: u\n"
        );
        assert_eq!(
            set("auth:\n", "auth", "x", Some("1")).unwrap(),
            "auth:\n  x: '1'\n"
        );
        assert_eq!(set("a: 1\n", "auth", "x", None).unwrap(), "a: 1\n");
    }

    #[test]
    fn shapes_beyond_the_editor_are_left_to_a_whole_rewrite() {
        assert_eq!(
            set("client: {id: x}\n", "client", "tenant", Some("c")),
            None
        );
        assert_eq!(
            set(
                "auth:\n  refresh_token: |\n    a\n    b\n",
                "auth",
                "refresh_token",
                Some("c")
            ),
            None
        );
        assert_eq!(
            set("auth:\n  t: x\n", "auth", "t", Some("two\nlines")),
            None
        );
    }
}
