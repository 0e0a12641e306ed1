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
    /// Expiry, in the future: RFC 3339 (2026-12-31T18:00:00Z) or a date (2026-12-31,
    /// midnight UTC).
    #[arg(long, value_name = "TIME", value_parser = expiry)]
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

/// An `--expire` value: RFC 3339, or a date meaning its midnight UTC; refused (a usage error,
/// exit 2, naming the value) when it is not one or is not in the future, since OneDrive would
/// make a link that is dead at once or refuse it.
fn expiry(value: &str) -> Result<String, String> {
    use time::format_description::well_known::Rfc3339;
    let date = time::macros::format_description!("[year]-[month]-[day]");
    let at = time::OffsetDateTime::parse(value, &Rfc3339)
        .or_else(|_| time::Date::parse(value, &date).map(|d| d.midnight().assume_utc()))
        .map_err(|_| {
            format!("{value:?} is not a time: give RFC 3339 (2026-12-31T18:00:00Z) or a date (2026-12-31)")
        })?;
    if at <= time::OffsetDateTime::now_utc() {
        return Err(format!(
            "{value} is in the past: a link must expire later than now"
        ));
    }
    at.format(&Rfc3339).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::expiry;

    #[test]
    fn expiry_must_be_a_time_in_the_future() {
        assert_eq!(expiry("2999-12-31").unwrap(), "2999-12-31T00:00:00Z");
        assert_eq!(
            expiry("2999-01-02T03:04:05+01:00").unwrap(),
            "2999-01-02T03:04:05+01:00"
        );
        assert!(
            expiry("2001-01-01")
                .unwrap_err()
                .contains("2001-01-01 is in the past")
        );
        assert!(
            expiry("2001-01-01T00:00:00Z")
                .unwrap_err()
                .contains("in the past")
        );
        assert!(expiry("tomorrow").unwrap_err().contains("is not a time"));
    }
}
