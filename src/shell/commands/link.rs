//! `link [-t TYPE] [--scope S] [--expire T] PATH`: create (or get back) a sharing link. Prints
//! the seed's `link: URL`, or `embed_html: <iframe …>` for `-t embed`, on one line wherever
//! it goes, so that it can be copied.

use serde_json::json;

use crate::graph::endpoints::LinkOptions;
use crate::shell::error::{CmdResult, CommandError, about, exit};
use crate::shell::output::{self, Format};
use crate::shell::session::Session;

/// Create a sharing link to an item.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Link type (the seed's names are accepted).
    #[arg(short = 't', long = "type", default_value = "shared_read_link",
          value_parser = ["view", "edit", "embed", "shared_read_link", "shared_edit_link"])]
    pub link_type: String,
    /// Who can use it: anonymous, organization or users.
    #[arg(long, value_parser = ["anonymous", "organization", "users"])]
    pub scope: Option<String>,
    /// Expiry, RFC 3339 (e.g. 2026-12-31T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub expire: Option<String>,
    /// The item.
    pub path: String,
}

/// Runs `link`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let link_type = match args.link_type.as_str() {
        "shared_read_link" => "view",
        "shared_edit_link" => "edit",
        t => t,
    };
    let t = sess.target(&args.path).await?;
    let opts = LinkOptions {
        link_type: link_type.to_owned(),
        scope: args.scope,
        expiration: args.expire,
        password: None,
    };
    let perm = sess
        .client
        .create_link(&t.item, &opts)
        .await
        .map_err(about(&t.label()))?;
    let link = perm
        .link
        .ok_or_else(|| CommandError::new(exit::FAILED, "the server returned no link"))?;
    let value = match (link_type, &link.web_html) {
        ("embed", Some(html)) => json!({"embed_html": html}),
        _ => json!({"link": link.web_url}),
    };
    // A link is there to be copied: never in a table that would wrap it at the terminal's
    // width, but on one line as the seed printed it (`link: URL`), on a terminal too.
    let format = match sess.settings.format {
        Format::Json => Format::Json,
        _ => Format::Seed,
    };
    output::print_object(format, &value)
}
