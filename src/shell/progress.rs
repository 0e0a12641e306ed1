//! Transfer progress (indicatif) on stderr, only when stderr is a terminal and neither `-q` nor
//! `--json` is set, so logs and pipes never see bars; plus the one summary line after a
//! multi-file transfer (`got 3 files, 29.0 MiB in 9.4 s`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::output::human_size;
use super::session::Session;
use crate::drive::TreeProgress;
use crate::graph::transfer::Progress;

/// Bars for one command's transfers.
pub struct Meter {
    multi: Option<MultiProgress>,
    bars: Arc<Mutex<HashMap<String, ProgressBar>>>,
    start: Instant,
    quiet: bool,
}

fn style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{msg:24!} {percent:>3}% [{bar:25}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
    )
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
        }
    }

    /// A callback drawing one file's bar (`None` when bars are off).
    pub fn file(&self, name: &str) -> Option<Progress> {
        let multi = self.multi.as_ref()?;
        let bar = multi.add(ProgressBar::new(0).with_style(style()));
        bar.set_message(super::output::escape(name));
        Some(Arc::new(move |done, total| {
            bar.set_length(total);
            bar.set_position(done);
            if done >= total {
                bar.finish_and_clear();
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

    /// The summary line after several files (`got 3 files, 29.0M in 9.4 s`).
    pub fn summary(&self, verb: &str, files: usize, bytes: u64) {
        if self.quiet {
            return;
        }
        let secs = self.start.elapsed().as_secs_f64();
        let plural = if files == 1 { "" } else { "s" };
        eprintln!(
            "{verb} {files} file{plural}, {} in {secs:.1} s",
            human_size(bytes)
        );
    }
}
