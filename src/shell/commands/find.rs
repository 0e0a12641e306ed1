//! `find [PATH] [-name GLOB] [-type f|d] [-size [+-]N[KMG]] [-maxdepth N]`: walk a folder and
//! print the matching paths as the walk finds them, each folder before what it holds and
//! sisters in `ls`'s order (the walk's order, so the first lines come long before the walk
//! ends). The find(1)-style single-dash options are accepted as written.

use crate::drive::{Listed, Record, Visit, Visits, Walk, WalkOptions};
use crate::shell::error::{CmdResult, CommandError, about};
use crate::shell::glob;
use crate::shell::items::{self, Lines};
use crate::shell::session::{Session, join};

/// Find items below a folder by name, type and size.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to search (the current folder by default).
    pub path: Option<String>,
    /// Names matching this glob (case-insensitive).
    #[arg(long = "name", value_name = "GLOB")]
    pub name: Option<String>,
    /// f for files, d for folders.
    #[arg(long = "type", value_parser = ["f", "d"])]
    pub kind: Option<String>,
    /// Size: +N larger than, -N smaller than, N at least; suffix K, M or G.
    #[arg(long = "size", allow_hyphen_values = true, value_name = "[+-]N[KMG]")]
    pub size: Option<String>,
    /// Descend at most N levels.
    #[arg(long = "maxdepth", value_name = "N")]
    pub maxdepth: Option<usize>,
}

/// Rewrites find(1)'s single-dash long options (`-name`) to clap's form (`--name`).
pub fn normalize(args: &mut [String]) {
    for a in args.iter_mut().skip(1) {
        if matches!(a.as_str(), "-name" | "-type" | "-size" | "-maxdepth") {
            a.insert(0, '-');
        }
    }
}

fn size_test(spec: &str) -> Result<impl Fn(u64) -> bool, CommandError> {
    let bad = || CommandError::usage(format!("-size {spec}: expected [+-]N[KMG]"));
    let (sign, rest) = match spec.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &spec[1..]),
        _ => (None, spec),
    };
    let (digits, mult) = match rest.chars().last() {
        Some('K' | 'k') => (&rest[..rest.len() - 1], 1u64 << 10),
        Some('M' | 'm') => (&rest[..rest.len() - 1], 1 << 20),
        Some('G' | 'g') => (&rest[..rest.len() - 1], 1 << 30),
        _ => (rest, 1),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let limit = n.saturating_mul(mult);
    Ok(move |size: u64| match sign {
        Some('+') => size > limit,
        Some(_) => size < limit,
        None => size >= limit,
    })
}

/// Runs `find`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let size_ok = args.size.as_deref().map(size_test).transpose()?;
    let matches = |item: &Listed| {
        let name_ok = args
            .name
            .as_deref()
            .is_none_or(|p| glob::matches(p, item.name(), true));
        let kind_ok = match args.kind.as_deref() {
            Some("f") => item.is_file(),
            Some("d") => item.is_folder(),
            _ => true,
        };
        name_ok && kind_ok && size_ok.as_ref().is_none_or(|f| f(item.shown_size()))
    };
    let t = sess.target(args.path.as_deref().unwrap_or(".")).await?;
    let format = sess.settings.format;
    let opts = WalkOptions {
        max_depth: args.maxdepth,
        ..items::walk_options(format)
    };
    let walk = Walk::<Listed>::start(&sess.client, &t.item, opts)
        .await
        .map_err(about(&t.label()))?;
    let base = sess.base_of(&t, walk.root()).await?;
    let mut visits = Visits::new(walk, false);
    let mut out = Lines::default();
    while let Some(step) = out.wait(visits.next()).await? {
        if let Visit::Item { entry, .. } = step.map_err(about(&t.label()))?
            && matches(&entry.item)
        {
            let path = join(&base, &entry.path);
            out.push(&items::found_line(format, &entry.item, &path))?;
        }
        if out.closed() {
            return Ok(());
        }
    }
    out.flush()
}
