//! Reading the YAML text: parse errors with their line, scalars that YAML may have mangled
//! (unquoted numeric client ids), and the line of a key for messages.

use std::fs;
use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::error::{Error, Result};

/// The earliest line a YAML parser's message names: where the construct that broke begins
/// (`while scanning a quoted scalar at line 2 column 7`), not where the parser gave up (the
/// end of the file, for an unclosed quote).
fn first_line(message: &str) -> Option<usize> {
    message
        .split("line ")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .min()
}

pub(super) fn parse_doc(path: &Path, text: &str) -> Result<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Mapping(Mapping::new()));
    }
    let doc: Value = serde_yaml::from_str(text).map_err(|e| {
        let line = first_line(&e.to_string())
            .or(e.location().map(|l| l.line()))
            .map(|n| format!("line {n}: "))
            .unwrap_or_default();
        Error::config(
            path,
            format!("{line}not valid YAML ({e}); fix or remove the file"),
        )
    })?;
    if !(doc.is_mapping() || doc.is_null()) {
        return Err(Error::config(
            path,
            "line 1: expected a YAML mapping such as `client:` then indented `id: ...`",
        ));
    }
    Ok(doc)
}

/// Reads `section.key` as a string. The seed's docs show client ids unquoted, and YAML reads
/// some unquoted ids as numbers (`0x1F`, `0o17`, `1e5`), losing how they were written. A number
/// is accepted only when its text in the file is exactly its decimal value (`12345`); any
/// other number is refused with a hint to quote it.
pub(super) fn scalar(
    path: &Path,
    text: &str,
    doc: &Value,
    section: &str,
    key: &str,
) -> Result<Option<String>> {
    let Some(v) = doc.get(section).and_then(|s| s.get(key)) else {
        return Ok(None);
    };
    let line = at_line(key_line(text, section, Some(key)));
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) if raw_value_is(text, key, &n.to_string()) => Ok(Some(n.to_string())),
        Value::Number(n) => Err(Error::config(
            path,
            format!(
                "{line}{section}.{key} was read as the number {n}, which may have lost digits; \
                 write it in quotes, e.g. {key}: \"0000000012345678\""
            ),
        )),
        Value::Bool(b) => Ok(Some(b.to_string())),
        _ => Err(Error::config(
            path,
            format!(
                "{line}{section}.{key} must be a single value (a string), not a list or mapping"
            ),
        )),
    }
}

/// Refuses what cannot be a config file before reading it: nothing there (a missing file or a
/// dangling symbolic link), a folder, a FIFO or a device.
pub(super) fn check_regular_file(path: &Path) -> Result<()> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let what = if fs::symlink_metadata(path).is_ok() {
                "a symbolic link to a file that does not exist; fix or remove the link"
            } else {
                "no such file; create it with your app's `client: {id: ...}` (see README, \
                 \"Using a real OneDrive\") or try `skydrive-cli --demo`"
            };
            return Err(Error::config(path, what));
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    };
    Err(Error::config(
        path,
        format!("is {what}; point --config or SKYDRIVE_CONFIG at the YAML config file"),
    ))
}

/// `line N: ` for messages, or nothing when the line is unknown.
pub(super) fn at_line(line: Option<usize>) -> String {
    line.map(|n| format!("line {n}: ")).unwrap_or_default()
}

/// The 1-based line of `section:` (`key` `None`) or of `key:` inside it, in block or flow
/// style (`client: {id: x}`). Best effort, for messages only.
pub(super) fn key_line(text: &str, section: &str, key: Option<&str>) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| {
        l.strip_prefix(section)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    })?;
    let Some(key) = key else {
        return Some(start + 1);
    };
    let is_key = |s: &str| {
        s.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    };
    let flow = lines[start]
        .split(['{', ','])
        .skip(1)
        .any(|part| is_key(part.trim_start()));
    if flow {
        return Some(start + 1);
    }
    lines[start + 1..]
        .iter()
        .take_while(|l| l.is_empty() || l.starts_with([' ', '\t', '#']))
        .position(|l| is_key(l.trim_start()))
        .map(|i| start + i + 2)
}

/// True when some line of `text` reads `key: value` with exactly this value.
fn raw_value_is(text: &str, key: &str, value: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .strip_prefix(key)
            .and_then(|r| r.trim_start().strip_prefix(':'))
            .is_some_and(|v| v.split('#').next().unwrap_or("").trim() == value)
    })
}
