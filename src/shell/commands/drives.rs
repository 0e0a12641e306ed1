//! `drives`: the drives the user can reach (`GET /me/drives`).

use serde_json::json;

use crate::shell::error::CmdResult;
use crate::shell::output::{self, Format};
use crate::shell::session::Session;

/// List the drives you can reach.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `drives`.
pub async fn run(sess: &mut Session, _args: Args) -> CmdResult {
    let drives = sess.client.drives().await?;
    let rows: Vec<serde_json::Value> = drives
        .iter()
        .map(|d| json!({"id": d.id, "name": d.name, "type": d.drive_type}))
        .collect();
    let text = match sess.settings.format {
        Format::Json => rows.iter().map(output::json_line).collect(),
        Format::Seed => output::seed_yaml(&serde_json::Value::Array(rows)),
        Format::Table => {
            let cells: Vec<Vec<String>> = drives
                .iter()
                .map(|d| {
                    let name = d.name.clone().unwrap_or_default();
                    vec![name, d.drive_type.clone(), d.id.clone()]
                })
                .collect();
            output::table(&["Name", "Type", "Id"], &cells)
        }
    };
    output::out(&text)
}
