//! The walk's requests: which jobs run, how many at once, and what their answers become. Jobs
//! start in the plan's order while requests are free and few finished jobs wait
//! ([`WAITING_JOBS`], [`WAITING_ITEMS`]); a delta enumeration whose first page shows more to
//! come is split when requests are idle (see `walker.rs`).

use futures_util::StreamExt;

use super::super::jobs::{self, Step};
use super::super::subtree::Builder;
use super::{How, Output, Record, Spec, State, Walk};
use crate::error::{Error, Result};

/// Finished jobs that may wait to be handed out, per request at once: enough for the folders
/// ahead at each level of a deep tree to keep every request busy.
const WAITING_JOBS: usize = 16;

/// Items those jobs may hold, per request at once (a few MiB of records).
const WAITING_ITEMS: usize = 16_384;

impl<'a, R: Record> Walk<'a, R> {
    /// Runs requests until job `n` is done.
    pub(super) async fn wait_for(&mut self, n: usize) -> Result<()> {
        loop {
            match self.jobs[n].1 {
                State::Done(_) => return Ok(()),
                State::Planned => {
                    self.queue.retain(|q| *q != n);
                    self.launch(n);
                }
                State::Running | State::Taken => {}
            }
            self.fill();
            let Some((m, step)) = self.running.next().await else {
                return Err(Error::decode(
                    "walk",
                    "a folder's listing was never asked for",
                ));
            };
            self.handle(m, step);
        }
    }

    /// Starts planned jobs, most urgent first, while requests are free and few results wait.
    pub(super) fn fill(&mut self) {
        let limit = self.opts.concurrency.max(1);
        while self.running.len() < limit
            && self.done < WAITING_JOBS * limit
            && self.waiting < WAITING_ITEMS * limit
        {
            let Some(n) = self.queue.pop() else { return };
            self.launch(n);
        }
    }

    fn launch(&mut self, n: usize) {
        let (spec, state) = &mut self.jobs[n];
        *state = State::Running;
        let at = spec.at.clone();
        self.running.push(match spec.how {
            How::List { .. } => jobs::list(self.client, n, at, self.opts.download),
            How::Delta { .. } => jobs::first(self.client, n, at, self.opts.download),
        });
    }

    /// Takes in what a request brought.
    fn handle(&mut self, n: usize, step: Step<'a, R>) {
        let spec = self.jobs[n].0.clone();
        let auto = spec.how == How::Delta { auto: true };
        let outcome = match step {
            Step::Listed(r) => r.map(Output::Listed),
            Step::Rest(r) => r.map(Output::Tree),
            Step::First(Ok((page, pages))) => {
                let idle = self.queue.is_empty() && self.running.len() + 1 < self.opts.concurrency;
                if auto && idle && page.next_link.is_some() {
                    return self.replan(n, How::List { delta_below: true });
                }
                let mut tree = Builder::new(self.opts.download);
                page.value.into_iter().for_each(|i| tree.add(i));
                self.running.push(jobs::rest(n, tree, pages, spec.id));
                return;
            }
            Step::First(Err(e)) => Err(e),
        };
        match outcome {
            Err(e) if auto && !e.is_auth() && !e.is_transient() => {
                self.replan(n, How::List { delta_below: false });
            }
            outcome => {
                self.waiting += outcome.as_ref().map_or(0, Output::len);
                self.jobs[n].1 = State::Done(outcome);
                self.done += 1;
            }
        }
    }

    /// Asks for job `n`'s folder again, `how`, before anything else.
    fn replan(&mut self, n: usize, how: How) {
        self.jobs[n] = (
            Spec {
                how,
                ..self.jobs[n].0.clone()
            },
            State::Planned,
        );
        self.queue.push(n);
        self.fill();
    }
}
