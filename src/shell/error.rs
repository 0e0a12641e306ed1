//! Command failures and their exit codes (README, "Scripting and exit codes").

use std::fmt;

use crate::error::escape_controls;

/// Exit codes (README, "Scripting and exit codes").
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// Command failed (anything not listed below).
    pub const FAILED: u8 = 1;
    /// Usage: unknown command, bad option, unterminated quote.
    pub const USAGE: u8 = 2;
    /// Remote item or local path not found.
    pub const NOT_FOUND: u8 = 3;
    /// Authentication needed or failed.
    pub const AUTH: u8 = 4;
    /// Transient failure still failing after retries.
    pub const TRANSIENT: u8 = 5;
    /// Some items of a multi-item command failed.
    pub const PARTIAL: u8 = 6;
    /// Conflict or refused: exists, eTag mismatch, quota full, invalid name.
    pub const CONFLICT: u8 = 7;
    /// Interrupted (Ctrl-C).
    pub const INTERRUPTED: u8 = 130;
}

/// A failed shell command: a message for stderr, an optional hint, and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    /// Exit code (see [`exit`]).
    pub code: u8,
    /// What went wrong.
    pub message: String,
    /// How to fix it, when we know.
    pub hint: Option<String>,
    /// Request details (HTTP status, Graph code, request-id), printed with `-v`.
    pub detail: Option<String>,
}

impl CommandError {
    /// A failure with the given exit code.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
            hint: None,
            detail: None,
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(exit::USAGE, message)
    }

    /// Prefixes the message with the command's name (`rm: ...`), once.
    pub fn in_command(mut self, name: &str) -> Self {
        if !name.is_empty() && !self.message.starts_with(&format!("{name}:")) {
            self.message = format!("{name}: {}", self.message);
        }
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Messages often quote remote names, so control characters are escaped when printed (once:
/// a library message that already escaped a name is not escaped again).
impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(&self.message))?;
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {}", escape_controls(h))?;
        }
        Ok(())
    }
}

impl std::error::Error for CommandError {}

impl From<crate::Error> for CommandError {
    fn from(e: crate::Error) -> Self {
        let code = if matches!(e.kind(), crate::ErrorKind::Cancelled) {
            exit::INTERRUPTED
        } else if e.is_auth() {
            exit::AUTH
        } else if e.is_not_found() {
            exit::NOT_FOUND
        } else if e.is_transient() {
            exit::TRANSIENT
        } else if e.is_conflict() || is_refusal(e.code()) {
            exit::CONFLICT
        } else if matches!(e.kind(), crate::ErrorKind::Config { .. }) {
            exit::AUTH
        } else {
            exit::FAILED
        };
        let mut err = CommandError::new(code, e.to_string());
        if let crate::ErrorKind::Graph {
            status,
            code,
            request_id,
            retry_after,
            ..
        } = e.kind()
        {
            let rid = request_id.as_deref().unwrap_or("none");
            let wait = retry_after.map_or(String::new(), |d| format!(", retry-after {d:?}"));
            err.detail = Some(format!(
                "HTTP {status}, code {code}, request-id {rid}{wait}"
            ));
        }
        // A config or registration error names its own fix; signing in again would not help.
        if code == exit::AUTH && e.is_auth() {
            err.with_hint(super::hint::sign_in())
        } else if matches!(e.kind(), crate::ErrorKind::InvalidName { .. }) {
            err.with_hint("choose a name OneDrive accepts; nothing was sent")
        } else if matches!(e.kind(), crate::ErrorKind::UnsafeName { .. }) {
            err.with_hint(
                "the server sent a name no OneDrive holds; rename it there, or get it alone \
                 as `get REMOTE LOCAL`",
            )
        } else {
            err
        }
    }
}

/// Converts a library error about `label` (a path) into a command error that names it.
pub fn about(label: &str) -> impl FnOnce(crate::Error) -> CommandError + '_ {
    move |e| CommandError::from(e).in_command(label)
}

/// A library error about an item the caller names itself (a tally labels each item by its
/// path): a refusal keeps only its reason (`it is a OneNote notebook, ...`), not the item's
/// name again; any other error is [`CommandError::from`].
pub fn reason_only(e: crate::Error) -> CommandError {
    match e.kind() {
        crate::ErrorKind::Refused {
            reason, conflict, ..
        } => CommandError::new(
            if *conflict {
                exit::CONFLICT
            } else {
                exit::FAILED
            },
            reason.clone(),
        ),
        _ => e.into(),
    }
}

/// Graph codes that mean "refused" (exit 7) although their HTTP status is a plain 400/403.
fn is_refusal(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "invalidPath"
                | "nameContainsIllegalCharacters"
                | "nameAlreadyExists"
                | "quotaLimitReached"
                | "insufficientStorage"
                | "resourceModified"
        )
    )
}

/// The result of a shell command.
pub type CmdResult = std::result::Result<(), CommandError>;

/// Collects the outcome of each item of a multi-item command (`rm a b c`): every failure is
/// reported as it happens, and the command fails with exit 6 when only some items failed.
#[derive(Debug, Default)]
pub struct Tally {
    total: usize,
    failures: Vec<CommandError>,
}

impl Tally {
    /// Records one item's result; a failure is printed at once when there may be several.
    pub fn record(&mut self, label: &str, result: CmdResult, many: bool) {
        self.total += 1;
        if let Err(e) = result {
            let e = e.in_command(label);
            if many {
                crate::shell::output::item_failure(&e);
            }
            self.failures.push(e);
        }
    }

    /// Number of failures so far.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }

    /// Ok when nothing failed; the failure itself for a single item; otherwise a summary
    /// with exit 6 (some failed) or the first failure's code (all failed).
    pub fn finish(mut self) -> CmdResult {
        match self.failures.len() {
            0 => Ok(()),
            1 if self.total == 1 => Err(self.failures.remove(0)),
            n => {
                let code = if n == self.total {
                    self.failures[0].code
                } else {
                    exit::PARTIAL
                };
                Err(CommandError::new(
                    code,
                    format!("{n} of {} items failed", self.total),
                ))
            }
        }
    }
}
