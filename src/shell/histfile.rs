//! The prompt's history file (`DATA_DIR/history`), in rustyline's format (a `#V2` line, then
//! one entry per line with `\n` and `\\` escaped), read and appended by the shell itself so that
//! bad local state costs only what is bad, with one line saying what happened, at start:
//! - a file that cannot be read (a folder, no permission) loads nothing;
//! - only a regular file is read or written: a device (`/dev/full`, `/dev/zero`) or a FIFO in
//!   its place (a link to one included) would never end a read or would block, so it is left
//!   alone and the session's lines stay in memory;
//! - a line that is not UTF-8 is skipped and every other line loads;
//! - a file that cannot be written (a folder, a data directory under a regular file, a full
//!   disk) keeps this session's lines in memory, for `history` and the arrow keys.
//!
//! Each entry is appended as it is entered (several shells share one file, as bash's
//! `histappend` does). The file is rewritten only to drop the oldest entries once it holds
//! twice the history size, and never when it holds a line it could not read.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The most entries kept (in memory, and in the file after a trim).
pub const MAX_ENTRIES: usize = 10_000;

const HEADER: &str = "#V2";

/// An open history file.
#[derive(Debug)]
pub struct HistoryFile {
    path: PathBuf,
    /// False once a write failed (or the file cannot be written at all): stop trying.
    writable: bool,
}

/// What [`HistoryFile::open`] found.
#[derive(Debug)]
pub struct Loaded {
    /// The file, for appending.
    pub file: HistoryFile,
    /// The entries that could be read, oldest first (at most [`MAX_ENTRIES`]).
    pub entries: Vec<String>,
    /// What went wrong, in one line, to say once.
    pub problem: Option<String>,
}

impl HistoryFile {
    /// Loads `path` (a missing file is an empty history) and checks that it can be appended to.
    pub fn open(path: PathBuf) -> Loaded {
        let mut problems = Vec::new();
        if let Some(what) = crate::shell::special_file(&path) {
            let problem = format!(
                "history {}: is {what}, not a regular file; this session's lines are kept in \
                 memory only",
                crate::error::escape_controls(&path.display().to_string())
            );
            return Loaded {
                file: HistoryFile {
                    path,
                    writable: false,
                },
                entries: Vec::new(),
                problem: Some(problem),
            };
        }
        let (mut entries, skipped) = match std::fs::read(&path) {
            Ok(bytes) => parse(&bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), 0),
            Err(e) => {
                problems.push(format!("cannot be read ({e})"));
                (Vec::new(), 0)
            }
        };
        if skipped > 0 {
            let s = if skipped == 1 { " is" } else { "s are" };
            problems.push(format!("{skipped} line{s} not UTF-8 and skipped"));
        }
        let mut file = HistoryFile {
            path,
            writable: true,
        };
        if let Err(e) = file.writer() {
            file.writable = false;
            problems.push(format!(
                "cannot be written ({e}); this session's lines are kept in memory only"
            ));
        } else if entries.len() > 2 * MAX_ENTRIES && skipped == 0 {
            file.trim(&entries[entries.len() - MAX_ENTRIES..]);
        }
        let keep = entries.len().saturating_sub(MAX_ENTRIES);
        entries.drain(..keep);
        let problem = (!problems.is_empty()).then(|| {
            format!(
                "history {}: {}",
                crate::error::escape_controls(&file.path.display().to_string()),
                problems.join("; ")
            )
        });
        Loaded {
            file,
            entries,
            problem,
        }
    }

    /// Appends one entry; a failure is returned once, later entries are not tried.
    pub fn append(&mut self, entry: &str) -> Result<(), String> {
        if !self.writable {
            return Ok(());
        }
        let result = self
            .writer()
            .and_then(|mut f| f.write_all(format!("{}\n", escape(entry)).as_bytes()));
        result.map_err(|e| {
            self.writable = false;
            format!(
                "history {}: cannot be written ({e}); later lines are kept in memory only",
                crate::error::escape_controls(&self.path.display().to_string())
            )
        })
    }

    /// The file opened for appending (created with its folder and header when missing).
    fn writer(&self) -> std::io::Result<std::fs::File> {
        if let Some(what) = crate::shell::special_file(&self.path) {
            return Err(std::io::Error::other(format!("it is {what}")));
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        if f.metadata()?.len() == 0 {
            f.write_all(format!("{HEADER}\n").as_bytes())?;
        }
        Ok(f)
    }

    /// Rewrites the file with `keep` only (temp file, then rename); on failure it stays as is.
    fn trim(&self, keep: &[String]) {
        let mut text = format!("{HEADER}\n");
        for e in keep {
            text.push_str(&escape(e));
            text.push('\n');
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir)
            && tmp.write_all(text.as_bytes()).is_ok()
        {
            let _ = tmp.persist(&self.path);
        }
    }
}

/// The entries of a history file's bytes, and how many lines were skipped as not UTF-8.
fn parse(bytes: &[u8]) -> (Vec<String>, usize) {
    let mut lines = bytes.split(|&b| b == b'\n').peekable();
    let v2 = lines.peek().is_some_and(|l| *l == HEADER.as_bytes());
    if v2 {
        lines.next();
    }
    let mut entries = Vec::new();
    let mut skipped = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        match std::str::from_utf8(line) {
            Ok(l) if v2 => entries.push(unescape(l)),
            Ok(l) => entries.push(l.to_owned()),
            Err(_) => skipped += 1,
        }
    }
    (entries, skipped)
}

fn escape(entry: &str) -> String {
    entry.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some('n')) => {
                out.push('\n');
                chars.next();
            }
            ('\\', Some('\\')) => {
                out.push('\\');
                chars.next();
            }
            (c, _) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_lines_load_around_bad_ones() {
        let (entries, skipped) = parse(b"#V2\nls\n\xff\xfe x\ncd 'a\\nb'\\\\\n\npwd\n");
        assert_eq!(entries, ["ls", "cd 'a\nb'\\", "pwd"]);
        assert_eq!(skipped, 1);
        let (legacy, _) = parse(b"ls\\n\npwd");
        assert_eq!(legacy, ["ls\\n", "pwd"]);
        for e in ["a\\nb", "x\ny", "\\", "plain"] {
            assert_eq!(unescape(&escape(e)), e);
        }
    }

    #[test]
    fn entries_survive_a_round_trip_and_problems_are_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/history");
        let mut loaded = HistoryFile::open(path.clone());
        assert!(loaded.problem.is_none() && loaded.entries.is_empty());
        loaded.file.append("ls -l").unwrap();
        loaded.file.append("put 'two\nlines'").unwrap();
        let again = HistoryFile::open(path.clone());
        assert_eq!(again.entries, ["ls -l", "put 'two\nlines'"]);
        // A folder where the file should be: nothing loads, nothing is written, one line says so.
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        let mut broken = HistoryFile::open(path);
        let problem = broken.problem.unwrap();
        assert!(problem.contains("cannot be read") && problem.contains("cannot be written"));
        assert_eq!(broken.file.append("pwd"), Ok(()));
    }
}
