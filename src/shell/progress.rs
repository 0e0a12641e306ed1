//! Transfer progress (indicatif) on stderr, only when stderr is a terminal and neither `-q` nor
//! `--json` is set, so logs and pipes never see bars; plus the summary line after a transfer
//! (`got 3 files, 29.0M in 9.4 s`): after several files always, after one file on a terminal
//! (a single `get` at the prompt would otherwise say nothing).
//!
//! A bar fits the terminal: its line is built for the width of stderr (`$COLUMNS`, else what
//! the terminal reports, else 80), never wider, so it is redrawn in place instead of wrapping
//! into a new line at each update. Bars are cleared when the command ends, also when Ctrl-C
//! cancels it, so no half-drawn line is left above the prompt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::output::{Stream, human_size, term_width};
use super::session::Session;
use crate::drive::TreeProgress;
use crate::graph::transfer::Progress;

/// Bars for one command's transfers.
pub struct Meter {
    multi: Option<MultiProgress>,
    bars: Arc<Mutex<HashMap<String, ProgressBar>>>,
    start: Instant,
    quiet: bool,
    /// Say something after a single file too (stderr is a terminal).
    terminal: bool,
}

/// The width assumed when the terminal does not say (a bare pseudo-terminal reports 0).
const DEFAULT_WIDTH: usize = 80;

/// The widest the parts around the name and the bar can get: ` 100% [`, `] `, byte counts up
/// to `1023.99 MiB/1023.99 MiB`, a rate up to ` 1023.99 MiB/s` and an ETA (` 12m`) of 4.
const FIXED: usize = 7 + 2 + 23 + 14 + 5;
/// The same without the bar, the rate and the ETA, for narrow terminals (` 100% ` and counts).
const FIXED_NARROW: usize = 6 + 23;

/// The bar's template for a terminal `width` columns wide: the longest line it can draw
/// leaves the last column free (writing into it makes some terminals wrap).
pub fn template(width: usize) -> String {
    let room = width.saturating_sub(1);
    if room >= FIXED + 20 {
        let bar = ((room - FIXED) / 3).clamp(10, 30);
        let name = room - FIXED - bar;
        format!(
            "{{msg:{name}!}} {{percent:>3}}% [{{bar:{bar}}}] {{bytes}}/{{total_bytes}} \
             {{bytes_per_sec}} {{eta:>4}}"
        )
    } else if room >= FIXED_NARROW + 8 {
        let name = room - FIXED_NARROW;
        format!("{{msg:{name}!}} {{percent:>3}}% {{bytes}}/{{total_bytes}}")
    } else {
        "{percent:>3}%".to_owned()
    }
}

fn style() -> ProgressStyle {
    let width = term_width(Stream::Stderr).map_or(DEFAULT_WIDTH, usize::from);
    ProgressStyle::with_template(&template(width))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("#>.")
}

impl Meter {
    /// A meter that draws only if the session allows progress.
    pub fn new(sess: &Session) -> Self {
        Meter {
            multi: sess.settings.progress.then(MultiProgress::new),
            bars: Arc::new(Mutex::new(HashMap::new())),
            start: Instant::now(),
            quiet: sess.settings.quiet || sess.settings.format == super::output::Format::Json,
            terminal: sess.settings.progress,
        }
    }

    /// A callback drawing one file's bar (`None` when bars are off). The bar appears at the
    /// first report, when the size is known: drawn before, it would read `100% 0 B/0 B`; an
    /// empty file never shows one.
    pub fn file(&self, name: &str) -> Option<Progress> {
        let multi = self.multi.clone()?;
        let bar = ProgressBar::hidden().with_style(style());
        bar.set_message(super::output::escape(name));
        let shown = std::sync::Once::new();
        Some(Arc::new(move |done, total| {
            bar.set_length(total);
            bar.set_position(done);
            if done >= total {
                bar.finish_and_clear();
            } else {
                shown.call_once(|| {
                    multi.add(bar.clone());
                });
            }
        }))
    }

    /// A callback drawing a bar per file of a tree transfer.
    pub fn tree(&self) -> Option<TreeProgress> {
        let multi = self.multi.clone()?;
        let bars = self.bars.clone();
        Some(Arc::new(move |path: &str, done: u64, total: u64| {
            let mut bars = bars.lock().unwrap_or_else(|p| p.into_inner());
            let bar = bars.entry(path.to_owned()).or_insert_with(|| {
                let b = multi.add(ProgressBar::new(total).with_style(style()));
                b.set_message(super::output::escape(path));
                b
            });
            bar.set_length(total);
            bar.set_position(done);
            if done >= total {
                bar.finish_and_clear();
            }
        }))
    }

    /// The summary line (`got 3 files, 29.0M in 9.4 s`): after several files, after one when
    /// others failed (`partial`), or after one on a terminal; never with `-q` or `--json`.
    pub fn summary(&self, verb: &str, files: usize, bytes: u64, partial: bool) {
        if self.quiet || files == 0 || (files == 1 && !partial && !self.terminal) {
            return;
        }
        let secs = self.start.elapsed().as_secs_f64();
        let plural = if files == 1 { "" } else { "s" };
        errln!(
            "{verb} {files} file{plural}, {} in {secs:.1} s",
            human_size(bytes)
        );
    }
}

/// A command that ends, however it ends (Ctrl-C drops it mid-transfer), takes its bars away.
impl Drop for Meter {
    fn drop(&mut self) {
        self.bars.lock().unwrap_or_else(|p| p.into_inner()).clear();
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest line a template can draw, from the widths of its parts.
    fn widest(template: &str) -> usize {
        let mut n = 0;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            n += open;
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let field = &rest[open + 1..close];
            n += match field.split(':').next() {
                Some("msg" | "bar") => field
                    .trim_start_matches(|c: char| !c.is_ascii_digit())
                    .trim_end_matches('!')
                    .parse::<usize>()
                    .unwrap_or(0),
                Some("percent") => 3,
                Some("bytes" | "total_bytes") => 11,
                Some("bytes_per_sec") => 13,
                Some("eta") => 4,
                _ => 0,
            };
            rest = &rest[close + 1..];
        }
        n + rest.len()
    }

    #[test]
    fn bars_fit_the_terminal_at_any_width() {
        for width in [8, 20, 37, 38, 40, 60, 79, 80, 100, 200] {
            let t = template(width);
            assert!(widest(&t) < width, "{width}: {} in {t}", widest(&t));
        }
        assert!(template(80).contains("{bar:"));
        assert!(!template(40).contains("{bar:"));
    }
}
