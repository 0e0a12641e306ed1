//! What `mirror` prints: the dry run's plan on stdout, problems on stderr (JSON lines with
//! `--json`), one summary line, and the exit-6 error of an incomplete mirror.

use serde_json::{Value, json};

use super::Args;
use crate::drive::mirror::{MirrorReport, Step, listed_size_note};
use crate::error::escape_controls;
use crate::shell::error::{CmdResult, CommandError, exit};
use crate::shell::output::{self, Format, escape};
use crate::shell::session::Session;

/// The plan of a dry run on stdout: `mkdir D/`, `get F (SIZE)` / `put F (SIZE)`, `rm X`.
pub(super) fn print_plan(sess: &Session, report: &MirrorReport, upload: bool) -> CmdResult {
    let format = sess.settings.format;
    let verb = if upload { "put" } else { "get" };
    let mut text = String::new();
    for step in &report.steps {
        let (action, path, note, extra) = match step {
            Step::Replace(p, n) => (
                "rm",
                p,
                format!(" ({} replaced)", items(*n)),
                json!({"items": n, "replaced": true}),
            ),
            Step::Mkdir(p) => ("mkdir", p, "/".to_owned(), json!({})),
            Step::Transfer(p, size) => {
                let note = format!(" ({})", output::size_text(format, false, *size));
                (verb, p, note, json!({"size": size}))
            }
            Step::Delete(p, n) if *n > 1 => {
                ("rm", p, format!(" ({})", items(*n)), json!({"items": n}))
            }
            Step::Delete(p, n) => ("rm", p, String::new(), json!({"items": n})),
            Step::RemovePartial(p) => (
                "rm",
                p,
                " (partial download)".to_owned(),
                json!({"items": 1, "partial": true}),
            ),
        };
        if format == Format::Json {
            let mut v = json!({"action": action, "path": path});
            if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
                m.extend(e);
            }
            text.push_str(&output::json_line(&v));
        } else {
            text.push_str(&format!("{action} {}{note}\n", escape(path)));
        }
    }
    output::out(&text)
}

fn items(n: usize) -> String {
    if n == 1 {
        "1 item".to_owned()
    } else {
        format!("{n} items")
    }
}

/// Conflicts, failures (each with its message), skipped items (unless `-q`) and held
/// deletions, on stderr: text lines, or JSON lines (`path`, `status`, `detail`) with `--json`.
pub(super) fn print_problems(
    sess: &Session,
    report: &MirrorReport,
    failed: Vec<(String, crate::Error)>,
) {
    let json = sess.settings.format == Format::Json;
    let line = |path: Option<&str>, status: &str, detail: &str| {
        if json {
            errprint!(
                "{}",
                output::json_line(&json!({"path": path, "status": status, "detail": detail}))
            );
            return;
        }
        let detail = escape_controls(detail);
        match (path, status) {
            (Some(p), "failed") => errln!("mirror: {}: {detail}", escape(p)),
            (Some(p), _) => errln!("mirror: {}: {status}: {detail}", escape(p)),
            (None, _) => errln!("mirror: {detail}"),
        }
    };
    for (path, why) in &report.conflicts {
        line(Some(path), "conflict", why);
    }
    for (path, e) in failed {
        let message = CommandError::from(e).message;
        let message = message
            .strip_prefix(&format!("{path}: "))
            .unwrap_or(&message);
        line(Some(&path), "failed", message);
    }
    if !sess.settings.quiet {
        for (path, why) in &report.skipped {
            line(Some(path), "skipped", why);
        }
    }
    if let Some(held) = &report.held {
        line(None, "held", held);
    }
    if report.listed_size_off > 0 {
        let note = format!("mirror: {}", listed_size_note(report.listed_size_off));
        output::notice(sess.settings.format, sess.settings.quiet, &note);
    }
}

/// One summary line: on stderr, or a JSON line on stdout with `--json`.
pub(super) fn print_summary(
    sess: &Session,
    report: &MirrorReport,
    args: &Args,
    failed: usize,
) -> CmdResult {
    let planned = |f: fn(&Step) -> bool| report.steps.iter().filter(|s| f(s)).count();
    let (copied, folders, deleted, bytes, partials) = if args.dry_run {
        let bytes = report.steps.iter().map(|s| match s {
            Step::Transfer(_, n) => *n,
            _ => 0,
        });
        let deleted = report.steps.iter().map(|s| match s {
            Step::Delete(_, n) | Step::Replace(_, n) => *n,
            _ => 0,
        });
        (
            planned(|s| matches!(s, Step::Transfer(..))),
            planned(|s| matches!(s, Step::Mkdir(_))),
            deleted.sum(),
            bytes.sum(),
            planned(|s| matches!(s, Step::RemovePartial(_))),
        )
    } else {
        let r = report;
        (r.copied, r.folders, r.deleted, r.bytes, r.partials)
    };
    if sess.settings.format == Format::Json {
        let v = json!({"dry_run": args.dry_run, "copied": copied, "bytes": bytes,
            "folders": folders, "deleted": deleted, "unchanged": report.unchanged,
            "kept": report.kept, "skipped": report.skipped.len(), "partials": partials,
            "conflicts": report.conflicts.len(), "failed": failed,
            "full_scan": report.full_scan});
        return output::out(&output::json_line(&v));
    }
    if sess.settings.quiet {
        return Ok(());
    }
    let (copy, create, delete) = match args.dry_run {
        true => ("would copy", "would create", "would delete"),
        false => ("copied", "created", "deleted"),
    };
    let mut line = format!(
        "mirror: {copy} {copied} files ({}), {create} {folders} folders, {delete} {deleted} \
         items, {} unchanged",
        output::size_text(sess.settings.format, false, bytes),
        report.unchanged
    );
    for (n, what) in [
        (partials, "partial downloads removed"),
        (report.skipped.len(), "skipped"),
        (report.conflicts.len(), "in conflict"),
        (failed, "failed"),
    ] {
        if n > 0 {
            line.push_str(&format!(", {n} {what}"));
        }
    }
    errln!("{line}");
    if report.kept > 0 {
        errln!(
            "mirror: {} items only on the target kept (-e/--delete removes them)",
            report.kept
        );
    }
    Ok(())
}

/// Exit 6: the target is not (or, in a dry run, would not be) a mirror of the source.
pub(super) fn incomplete(report: &MirrorReport, failed: usize) -> CommandError {
    let mut parts = Vec::new();
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    if !report.conflicts.is_empty() {
        parts.push(format!("{} in conflict", report.conflicts.len()));
    }
    if report.held.is_some() {
        parts.push("deletions held back".to_owned());
    }
    CommandError::new(
        exit::PARTIAL,
        format!("not a complete mirror: {}", parts.join(", ")),
    )
}
