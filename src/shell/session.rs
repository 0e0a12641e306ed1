//! The shell session: the client, the current remote folder and the last exit status.

use crate::graph::{GraphClient, ItemRef};

/// State shared by all commands of one shell run.
#[derive(Debug)]
pub struct Session {
    /// The Graph client.
    pub client: GraphClient,
    /// Current remote folder as an absolute path (`/` for the root).
    pub cwd: String,
    /// Exit status of the last command.
    pub last_status: u8,
    /// Set by `exit`: the shell stops after the current command with this status.
    pub exit_requested: Option<u8>,
    /// Output mode: true when stdout is a terminal.
    pub stdout_tty: bool,
}

impl Session {
    /// A session at the drive root.
    pub fn new(client: GraphClient) -> Self {
        use std::io::IsTerminal;
        Session {
            client,
            cwd: "/".to_owned(),
            last_status: 0,
            exit_requested: None,
            stdout_tty: std::io::stdout().is_terminal(),
        }
    }

    /// Resolves a user path (relative to the cwd, `/` absolute, `..` allowed) to an absolute path.
    pub fn resolve_path(&self, arg: &str) -> String {
        let mut parts: Vec<&str> = if arg.starts_with('/') {
            Vec::new()
        } else {
            self.cwd.split('/').filter(|s| !s.is_empty()).collect()
        };
        for seg in arg.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        format!("/{}", parts.join("/"))
    }

    /// The [`ItemRef`] of a user path.
    pub fn item_ref(&self, arg: &str) -> ItemRef {
        ItemRef::path(&self.resolve_path(arg))
    }
}
