//! The interactive prompt (rustyline): line editing, history and the prompt with the cwd.

use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

use super::error::exit;
use super::script::run_line;
use super::session::Session;

/// Runs the prompt until `exit` or end of input; returns the exit status.
pub async fn run(sess: &mut Session) -> u8 {
    let mut editor = match DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("skydrive-cli: cannot open the terminal: {e}");
            return exit::FAILED;
        }
    };
    loop {
        let prompt = format!("skydrive:{}> ", sess.cwd);
        match editor.readline(&prompt) {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                sess.last_status = match run_line(sess, &line).await {
                    Ok(()) => exit::OK,
                    Err(e) => {
                        eprintln!("error: {e}");
                        e.code
                    }
                };
                if let Some(code) = sess.exit_requested {
                    return code;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return sess.last_status,
            Err(e) => {
                eprintln!("skydrive-cli: {e}");
                return exit::FAILED;
            }
        }
    }
}
