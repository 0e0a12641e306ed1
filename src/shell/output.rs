//! Output shared by the commands: every command builds plain JSON values and this module
//! prints them in the session's format: a comfy-table on a terminal, the seed's YAML-like text
//! when piped (so seed scripts keep parsing it), or JSON lines with `--json`. Remote names are
//! escaped here, once, so no command can forget it.
//!
//! Sizes follow one rule ([`size_text`]): on a terminal they are for people (`1.5K`, `12M`);
//! piped they are exact bytes unless the command was given `-h`; in JSON they are numbers of
//! bytes. The seed's `quota` lines (`free: 24.9G`) keep the seed's own form when piped.

mod stdout;

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Map, Value};

pub use stdout::{BinaryOnTerminal, Stdout, mark_closed, out, written};

use super::error::CmdResult;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tables and plain lines (stdout is a terminal).
    Table,
    /// The seed's YAML-like text (stdout is not a terminal).
    Seed,
    /// One JSON object per line (`--json`).
    Json,
}

/// Escapes control characters and bidirectional marks in a remote name so that it can neither
/// drive the terminal nor disguise itself (`\n` as `\n`, ESC as `\x1b`, U+202E as `\u{202e}`).
/// Other printable characters, including non-ASCII, are kept;
/// backslashes are doubled when there is anything to escape, so the escaped form stays
/// unambiguous.
pub fn escape(name: &str) -> String {
    if name.chars().any(crate::error::needs_escape) {
        crate::error::escape_controls(&name.replace('\\', "\\\\"))
    } else {
        name.to_owned()
    }
}

/// Sizes the seed's way: one decimal and a binary unit letter (`24.9G`, `1024.0B`).
pub fn seed_size(bytes: u64) -> String {
    let mut v = bytes as f64;
    for unit in ["B", "K", "M", "G"] {
        if v <= 1024.0 {
            return format!("{v:.1}{unit}");
        }
        v /= 1024.0;
    }
    format!("{v:.1}T")
}

/// Human-readable IEC size for `-h` (`512`, `1.5K`, `12M`), as coreutils `ls -h` prints them.
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        return bytes.to_string();
    }
    let mut v = bytes as f64;
    let mut unit = 'B';
    for u in ['K', 'M', 'G', 'T', 'P'] {
        v /= 1024.0;
        unit = u;
        if v < 1024.0 {
            break;
        }
    }
    if v < 10.0 {
        format!("{v:.1}{unit}")
    } else {
        format!("{v:.0}{unit}")
    }
}

/// A size as the rule of the module docs says: human for `Table` or when `human` (`-h`) was
/// asked, else exact bytes.
pub fn size_text(format: Format, human: bool, bytes: u64) -> String {
    if human || format == Format::Table {
        human_size(bytes)
    } else {
        bytes.to_string()
    }
}

/// Which terminal [`term_width`] measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output (tables).
    Stdout,
    /// Standard error (progress bars).
    Stderr,
}

/// The width, in columns, of the terminal behind `stream`: `$COLUMNS` when it is a positive
/// number, else what the terminal reports; `None` when unknown: not a terminal, or one that
/// reports 0 columns (a bare pseudo-terminal does), which must never be taken as a width.
pub fn term_width(stream: Stream) -> Option<u16> {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w > 0)
    {
        return Some(w);
    }
    let size = match stream {
        Stream::Stdout => terminal_size::terminal_size_of(std::io::stdout()),
        Stream::Stderr => terminal_size::terminal_size_of(std::io::stderr()),
    };
    size.map(|(w, _)| w.0).filter(|w| *w > 0)
}

/// Renders a value as the seed's YAML-like text (python-skydrive's own printer): keys sorted,
/// scalars after `key: `, nested values indented by two, list items after `- `.
pub fn seed_yaml(value: &Value) -> String {
    let mut s = String::new();
    write_seed(&mut s, value, 0);
    s
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => escape(s),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

fn write_seed(s: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => write_map(s, map, indent),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        s.push_str(&pad);
                        s.push_str("- ");
                        let mut first = String::new();
                        write_map(&mut first, map, indent + 2);
                        s.push_str(first.trim_start());
                    }
                    v if is_scalar(v) => s.push_str(&format!("{pad}- {}\n", scalar(v))),
                    v => {
                        s.push_str(&format!("{pad}-\n"));
                        write_seed(s, v, indent + 2);
                    }
                }
            }
        }
        v => s.push_str(&format!("{pad}{}\n", scalar(v))),
    }
}

fn write_map(s: &mut String, map: &Map<String, Value>, indent: usize) {
    let pad = " ".repeat(indent);
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for k in keys {
        let v = &map[k];
        if is_scalar(v) {
            s.push_str(&format!("{pad}{}: {}\n", escape(k), scalar(v)));
        } else {
            s.push_str(&format!("{pad}{}:\n", escape(k)));
            write_seed(s, v, indent + 2);
        }
    }
}

/// A table of rows with the given column titles; cells are already formatted strings.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_header(headers.iter().copied());
    // At an unknown width the table takes what its cells need, and the terminal wraps it if
    // it must: squeezing it into a width of 0 would print one letter per line.
    match term_width(Stream::Stdout) {
        Some(w) => {
            t.set_width(w)
                .set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            t.force_no_tty()
                .set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    for row in rows {
        t.add_row(row.iter().map(|c| escape(c)));
    }
    format!("{t}\n")
}

/// One JSON line. Control characters are escaped by JSON itself; bidirectional marks, which
/// JSON may carry raw, are written as `\uXXXX` too, so the line cannot disguise a name on a
/// terminal (they can only occur inside strings, so the value is the same).
pub fn json_line(value: &Value) -> String {
    let mut line = String::new();
    for c in value.to_string().chars() {
        if crate::error::is_bidi_control(c) {
            line.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            line.push(c);
        }
    }
    line.push('\n');
    line
}

/// Whether messages printed without a session at hand ([`item_failure`]) are JSON lines: set
/// once from `--json` when the process starts ([`set_json_messages`]).
static JSON_MESSAGES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes [`item_failure`] print JSON lines (`--json`), so that every line on stderr in JSON
/// mode is a JSON object.
pub fn set_json_messages(json: bool) {
    JSON_MESSAGES.store(json, std::sync::atomic::Ordering::Relaxed);
}

/// One item of a multi-item command failed (the command goes on): the error as a line on
/// stderr, or with `--json` an object with the fields of a command's error (`error`, `code`,
/// `hint`, `detail`).
pub fn item_failure(e: &super::error::CommandError) {
    if JSON_MESSAGES.load(std::sync::atomic::Ordering::Relaxed) {
        let v = serde_json::json!({"error": e.message, "code": e.code, "hint": e.hint,
            "detail": e.detail});
        errprint!("{}", json_line(&v));
    } else {
        errln!("{e}");
    }
}

/// A message about the run (not data) on stderr, the one form for every command: a text line
/// (control characters escaped), a `{"notice": MSG}` JSON line with `--json` (so that every
/// line printed in JSON mode is JSON), nothing with `-q`.
pub fn notice(format: Format, quiet: bool, msg: &str) {
    if quiet {
        return;
    }
    if format == Format::Json {
        errprint!("{}", json_line(&serde_json::json!({ "notice": msg })));
    } else {
        errln!("{}", crate::error::escape_controls(msg));
    }
}

/// A key/value table for one object (`info`, `quota`, `user` on a terminal).
pub fn kv_table(map: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let rows: Vec<Vec<String>> = keys
        .into_iter()
        .map(|k| {
            let v = &map[k];
            let text = if is_scalar(v) {
                scalar(v)
            } else {
                v.to_string()
            };
            vec![k.clone(), text]
        })
        .collect();
    table(&["field", "value"], &rows)
}

/// Prints one object in `format`: a key/value table, seed text or one JSON line.
pub fn print_object(format: Format, value: &Value) -> CmdResult {
    match (format, value) {
        (Format::Json, v) => out(&json_line(v)),
        (Format::Table, Value::Object(m)) => out(&kv_table(m)),
        (_, v) => out(&seed_yaml(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_control_and_bidi_characters_only() {
        assert_eq!(escape("a b é"), "a b é");
        assert_eq!(escape("x\x1b[31my\n"), "x\\x1b[31my\\n");
        assert_eq!(escape("a\u{202e}txt.exe"), "a\\u{202e}txt.exe");
        assert_eq!(escape("a\\b\u{202e}"), "a\\\\b\\u{202e}");
    }

    #[test]
    fn every_form_escapes_remote_names() {
        let evil = "evil\x1b[31mred\n";
        let v = json!({evil: evil, "list": [evil]});
        let text = seed_yaml(&v) + &table(&["n"], &[vec![evil.to_owned()]]);
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.contains("evil\\x1b[31mred\\n: evil\\x1b[31mred\\n"));
        assert!(!json_line(&v).contains('\x1b'));
        let mark = serde_json::json!({"name": "a\u{202e}b"});
        assert_eq!(json_line(&mark), "{\"name\":\"a\\u202eb\"}\n");
        let back: Value = serde_json::from_str(&json_line(&mark)).unwrap();
        assert_eq!(back, mark);
    }

    #[test]
    fn seed_sizes() {
        assert_eq!(seed_size(1024), "1024.0B");
        assert_eq!(seed_size(26_843_545_600), "25.0G");
        assert_eq!(human_size(1536), "1.5K");
        assert_eq!(human_size(100), "100");
    }

    #[test]
    fn seed_printer_matches_the_seed() {
        let tree = json!({"OneDrive": {"Pics": {"b.jpg": "photo"}, "Documents": {}}});
        assert_eq!(
            seed_yaml(&tree),
            "OneDrive:\n  Documents:\n  Pics:\n    b.jpg: photo\n"
        );
        let list = json!([{"name": "a", "size": 1, "folder": false}, "x"]);
        assert_eq!(
            seed_yaml(&list),
            "- folder: False\n  name: a\n  size: 1\n- x\n"
        );
    }
}
