//! `ls [-l] [-h] [-a] [-t|-S] [-r] [-R] [-1] [PATH...]`: list folders (or show files). `ls`
//! always asks the server and refreshes the listing cache, so what it shows is never stale.
//! `-R` lists every folder below too, as `ls -R` does: each folder's `PATH:` line and its
//! listing, folders in the walk's order (each before the folders it holds, sisters by name),
//! printed as the walk finds them; without `-a`, names starting with `.` are not shown, nor
//! what they hold.
//! `-h` means human sizes here (as in coreutils); help is `--help`. Names sort as
//! items::name_order says (ignoring case on a terminal); sizes follow output::size_text's rule
//! (human on a terminal). Like every command taking several paths, a path that cannot be
//! listed is reported and the others are still listed (exit 6 when some failed).

use clap::ArgAction;

use crate::drive::{Listed, Walk};
use crate::graph::DriveItem;
use crate::shell::cache::{self, Child, Listing};
use crate::shell::error::{CmdResult, CommandError, Tally};
use crate::shell::items::{self, Lines};
use crate::shell::output::{self, Format};
use crate::shell::session::{Session, Target, join};

/// List a folder's contents (the current folder by default).
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// Long listing: type (folder, file, flagged, notebook; a shortcut's owner), size and
    /// modification time.
    #[arg(short = 'l')]
    pub long: bool,
    /// Human-readable sizes (1.5K, 12M) when piped too (they are on a terminal).
    #[arg(short = 'h')]
    pub human: bool,
    /// Show names starting with `.` too.
    #[arg(short = 'a')]
    pub all: bool,
    /// Sort by modification time, newest first.
    #[arg(short = 't', conflicts_with = "by_size")]
    pub by_time: bool,
    /// Sort by size, largest first.
    #[arg(short = 'S')]
    pub by_size: bool,
    /// Reverse the order.
    #[arg(short = 'r')]
    pub reverse: bool,
    /// List the folders below too, each after a `PATH:` line.
    #[arg(short = 'R')]
    pub recursive: bool,
    /// One name per line (the default when piped).
    #[arg(short = '1')]
    pub one: bool,
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// Folders or files to list.
    pub paths: Vec<String>,
}

/// Runs `ls`.
pub async fn run(sess: &mut Session, args: Args) -> CmdResult {
    let paths = if args.paths.is_empty() {
        vec![".".to_owned()]
    } else {
        args.paths.clone()
    };
    let targets = sess.expand(&paths).await?;
    let many = targets.len() > 1;
    let mut tally = Tally::default();
    let mut n = 0;
    for t in &targets {
        let listed = if args.recursive {
            recursive(sess, &args, t, n).await
        } else {
            one(sess, &args, t, many.then_some(n)).await
        };
        match listed {
            Err(Failed::Output(e)) => return Err(e),
            Err(Failed::Listing(e)) => tally.record(&t.label(), Err(e), many),
            Ok(()) => {
                n += 1;
                tally.record(&t.label(), Ok(()), many);
            }
        }
    }
    tally.finish()
}

/// Why one target of `ls` failed: its listing (reported; the other targets are still listed)
/// or standard output (the command ends there).
enum Failed {
    Listing(CommandError),
    Output(CommandError),
}

/// `ls` of one target; `many`: the number of targets listed before it, when there are
/// several (each folder then gets its `PATH:` line).
async fn one(sess: &Session, args: &Args, t: &Target, many: Option<usize>) -> Result<(), Failed> {
    let found = fetched(sess, t).await.map_err(Failed::Listing)?;
    let dir = match &found {
        Some(item) => sess.base_of(t, item).await.map_err(Failed::Listing)?,
        None => sess.cwd.path.clone(),
    };
    let header = many
        .filter(|_| sess.settings.format != Format::Json)
        .map(|n| {
            let sep = if n > 0 { "\n" } else { "" };
            format!("{sep}{}:\n", output::escape(&dir))
        });
    let mut shown = Shown {
        sess,
        args,
        dir: &dir,
        header,
        broken: None,
    };
    let streams = shown.streams();
    let found = list(sess, t, found.as_ref(), |page| {
        if streams { shown.page(page) } else { Ok(()) }
    })
    .await;
    if let Some(e) = shown.broken.take() {
        return Err(Failed::Output(e));
    }
    let (id, children) = match found.map_err(Failed::Listing)? {
        cache::Found::Folder { id, children } => (id, children),
        cache::Found::Item(item) => {
            let hidden = !args.all && item.name.starts_with('.');
            let list = if hidden {
                vec![]
            } else {
                vec![(&*item, dir.clone())]
            };
            return print(sess, args, &list).map_err(Failed::Output);
        }
    };
    if !streams {
        shown.whole(&children).map_err(Failed::Output)?;
    }
    shown.flush_header().map_err(Failed::Output)?;
    if dir.starts_with('/') {
        sess.cache().store(&id, &dir, children);
    }
    Ok(())
}

/// How one folder's listing is printed: page by page as the pages arrive when it is sorted
/// by name, each page in `ls`'s order (a folder of up to 1,000 items comes in one page, so
/// in one order; a bigger one prints its first lines after one round trip, in the server's
/// order from page to page), else whole (`-t`, `-S` and `-r` need every item, and so does
/// the table of `-l` on a terminal, to size its columns).
struct Shown<'a> {
    sess: &'a Session,
    args: &'a Args,
    dir: &'a str,
    /// The folder's `NAME:` line (several folders), until it is printed.
    header: Option<String>,
    /// Standard output failed while a page was printed.
    broken: Option<CommandError>,
}

impl Shown<'_> {
    fn streams(&self) -> bool {
        let a = self.args;
        let table = self.sess.settings.format == Format::Table && a.long;
        !(a.by_time || a.by_size || a.reverse || table)
    }

    fn flush_header(&mut self) -> CmdResult {
        match self.header.take() {
            Some(h) => output::out(&h),
            None => Ok(()),
        }
    }

    /// Prints `items` (a page), sorted.
    fn page(&mut self, items: &[DriveItem]) -> CmdResult {
        let text = folder_text(self.sess, self.args, self.dir, items);
        self.out(text)
    }

    /// Prints the whole folder, sorted.
    fn whole(&mut self, listing: &Listing) -> CmdResult {
        let text = whole_text(self.sess, self.args, self.dir, listing);
        self.out(text)
    }

    fn out(&mut self, text: String) -> CmdResult {
        let text = self.header.take().unwrap_or_default() + &text;
        output::out(&text).inspect_err(|e| self.broken = Some(e.clone()))
    }
}

/// The listing of `items`, children of the folder `dir`, sorted, hidden names dropped
/// unless `-a`.
fn folder_text(sess: &Session, args: &Args, dir: &str, items: &[DriveItem]) -> String {
    let mut list: Vec<(&DriveItem, String)> = items
        .iter()
        .filter(|i| args.all || !i.name.starts_with('.'))
        .map(|k| (k, join(dir, &k.name)))
        .collect();
    sort(sess.settings.format, &mut list, args);
    render(sess, args, &list)
}

/// The listing of a whole folder (`-t`, `-S`, `-r`, the table of `-l`), sorted, hidden names
/// dropped unless `-a`: sorted on the compact records and made into driveItems a page's worth
/// at a time, so a folder of 100,000 children is never all driveItems at once.
fn whole_text(sess: &Session, args: &Args, dir: &str, listing: &Listing) -> String {
    let mut list: Vec<(&Child, String)> = listing
        .children()
        .iter()
        .filter(|c| args.all || !c.name().starts_with('.'))
        .map(|c| (c, join(dir, c.name())))
        .collect();
    sort(sess.settings.format, &mut list, args);
    let table = sess.settings.format == Format::Table && args.long;
    let (mut text, mut rows) = (String::new(), Vec::new());
    let chunks: Vec<&[(&Child, String)]> = match list.len() {
        0 => vec![&[]],
        _ => list.chunks(1000).collect(),
    };
    for chunk in chunks {
        let items: Vec<DriveItem> = chunk.iter().map(|(c, _)| listing.item(c)).collect();
        let pairs: Vec<(&DriveItem, String)> = items
            .iter()
            .zip(chunk)
            .map(|(i, (_, p))| (i, p.clone()))
            .collect();
        if table {
            rows.extend(long_rows(sess, args, &pairs));
        } else {
            text.push_str(&render(sess, args, &pairs));
        }
    }
    if table {
        output::table(&LONG_HEAD, &rows)
    } else {
        text
    }
}

/// The target's item, fetched unless it is known (a glob's match) or the current folder
/// (checked by `cd`, listed at once: `None`). Any other path is fetched first, so that a
/// notebook shows as itself rather than its sections, and a shortcut's shared folder is
/// listed on its own drive.
async fn fetched(sess: &Session, t: &Target) -> Result<Option<DriveItem>, CommandError> {
    if let Some(known) = &t.known {
        return Ok(Some(known.clone()));
    }
    if t.path.as_deref() == Some(sess.cwd.path.as_str()) {
        return Ok(None);
    }
    Ok(Some(sess.client.item(&t.item).await?))
}

/// The children of the target (`item`, as [`fetched`] gives it) and its id when it is a
/// folder, else the target alone; `page` sees each page of a folder's children as it
/// arrives.
async fn list(
    sess: &Session,
    t: &Target,
    item: Option<&DriveItem>,
    page: impl FnMut(&[DriveItem]) -> CmdResult,
) -> Result<cache::Found, CommandError> {
    match item {
        Some(item) => cache::list_item_pages(&sess.client, item, page).await,
        None => cache::list_folder_pages(&sess.client, &t.item, page).await,
    }
}

/// `ls -R` of a target, after `n` targets listed (see the module docs).
async fn recursive(sess: &Session, args: &Args, t: &Target, n: usize) -> Result<(), Failed> {
    let format = sess.settings.format;
    let walk = Walk::<Listed>::start(&sess.client, &t.item, items::walk_options(format)).await;
    let mut walk = walk.map_err(|e| Failed::Listing(e.into()))?;
    let base = sess
        .base_of(t, walk.root())
        .await
        .map_err(Failed::Listing)?;
    if !walk.root().is_folder() {
        return print(sess, args, &[(walk.root(), base)]).map_err(Failed::Output);
    }
    let mut out = Lines::default();
    let mut first = n == 0;
    let streams = Shown {
        sess,
        args,
        dir: "",
        header: None,
        broken: None,
    }
    .streams();
    while let Some(folder) = out.wait(walk.next_folder()).await.map_err(Failed::Output)? {
        let folder = folder.map_err(|e| Failed::Listing(e.into()))?;
        if !args.all && folder.path.split('/').any(|name| name.starts_with('.')) {
            continue;
        }
        let dir = match folder.path.as_str() {
            "" => base.clone(),
            below => join(&base, below),
        };
        let mut text = String::new();
        if format != Format::Json {
            text = format!(
                "{}{}:\n",
                if first { "" } else { "\n" },
                output::escape(&dir)
            );
        }
        first = false;
        // A page's worth at a time: a folder of 100,000 items is never all driveItems.
        for chunk in folder
            .children
            .chunks(if streams { 1000 } else { usize::MAX })
        {
            let chunk: Vec<DriveItem> = chunk.iter().map(Listed::to_item).collect();
            text.push_str(&folder_text(sess, args, &dir, &chunk));
            out.push(&std::mem::take(&mut text))
                .map_err(Failed::Output)?;
        }
        out.push(&text).map_err(Failed::Output)?;
        if out.closed() {
            return Ok(());
        }
    }
    out.flush().map_err(Failed::Output)
}

/// What `ls` sorts by, of a driveItem and of a cached child alike.
trait Sorted {
    fn name(&self) -> &str;
    fn modified(&self) -> Option<&str>;
    fn size(&self) -> u64;
}

impl Sorted for DriveItem {
    fn name(&self) -> &str {
        &self.name
    }
    fn modified(&self) -> Option<&str> {
        items::modified(self)
    }
    fn size(&self) -> u64 {
        items::size(self)
    }
}

impl Sorted for Child {
    fn name(&self) -> &str {
        Child::name(self)
    }
    fn modified(&self) -> Option<&str> {
        Child::modified(self)
    }
    fn size(&self) -> u64 {
        self.shown_size()
    }
}

fn sort<T: Sorted>(format: Format, list: &mut [(&T, String)], args: &Args) {
    list.sort_by(|(a, _), (b, _)| items::name_order(format, a.name(), b.name()));
    if args.by_time {
        list.sort_by(|(a, _), (b, _)| b.modified().cmp(&a.modified()));
    } else if args.by_size {
        list.sort_by_key(|(i, _)| std::cmp::Reverse(i.size()));
    }
    if args.reverse {
        list.reverse();
    }
}

/// The columns of `ls -l` on a terminal.
const LONG_HEAD: [&str; 4] = ["Name", "Type", "Size", "Modified"];

/// The rows of `ls -l`'s table on a terminal.
fn long_rows(sess: &Session, args: &Args, list: &[(&DriveItem, String)]) -> Vec<Vec<String>> {
    list.iter()
        .map(|(i, _)| {
            let name = if i.is_folder() {
                format!("{}/", i.name)
            } else {
                i.name.clone()
            };
            let size = output::size_text(sess.settings.format, args.human, items::size(i));
            let when = items::modified(i).unwrap_or("").to_owned();
            vec![name, items::kind_shown(i), size, when]
        })
        .collect()
}

fn print(sess: &Session, args: &Args, list: &[(&DriveItem, String)]) -> CmdResult {
    output::out(&render(sess, args, list))
}

/// `list` as `ls` prints it in the session's format.
fn render(sess: &Session, args: &Args, list: &[(&DriveItem, String)]) -> String {
    let size = |i: &DriveItem| output::size_text(sess.settings.format, args.human, items::size(i));
    match sess.settings.format {
        Format::Json => list
            .iter()
            .map(|(i, p)| output::json_line(&items::row(i, p)))
            .collect(),
        Format::Seed if args.long => {
            let rows: Vec<serde_json::Value> = list
                .iter()
                .map(|(i, _)| {
                    let mut row = serde_json::json!({"name": i.name, "size": size(i),
                        "modified": items::modified(i), "type": items::kind(i)});
                    if let Some((owner, _)) = items::sharing(i) {
                        row["shared"] = owner.into();
                    }
                    row
                })
                .collect();
            output::seed_yaml(&serde_json::Value::Array(rows))
        }
        Format::Seed => list
            .iter()
            .map(|(i, _)| format!("- {}\n", output::escape(&i.name)))
            .collect(),
        Format::Table if args.long => output::table(&LONG_HEAD, &long_rows(sess, args, list)),
        Format::Table => list
            .iter()
            .map(|(i, _)| {
                let slash = if i.is_folder() { "/" } else { "" };
                format!("{}{slash}\n", output::escape(&i.name))
            })
            .collect(),
    }
}
