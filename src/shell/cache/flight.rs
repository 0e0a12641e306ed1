//! Listings on their way ([`Flight`]): a Tab in a folder that is being listed (by the prompt's
//! prefetch after `cd`, or by an earlier Tab) waits for that listing rather than asking again,
//! and only while it is short. A folder of one page arrives in one round trip and completes
//! at once; a folder whose second page has come is a big one (100,000 children are 100
//! pages), so the Tab returns and the listing goes on in the background: the next Tab
//! completes from the cache. Typing is never held for more than two round trips.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Pages after which a listing counts as big, and is not waited for.
const BIG_AFTER_PAGES: usize = 2;

/// One listing of one folder under way: the pages come so far, and whether it has ended
/// (with the listing stored in the cache, or failed).
#[derive(Debug, Default)]
pub struct Flight {
    state: Mutex<Progress>,
    moved: Condvar,
}

#[derive(Debug, Default, Clone, Copy)]
struct Progress {
    pages: usize,
    landed: bool,
}

impl Flight {
    fn progress(&self) -> MutexGuard<'_, Progress> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A page of the listing has arrived.
    pub fn page(&self) {
        self.progress().pages += 1;
        self.moved.notify_all();
    }

    /// The listing has ended: stored, or failed.
    pub fn land(&self) {
        self.progress().landed = true;
        self.moved.notify_all();
    }

    /// Pages come so far.
    pub fn pages(&self) -> usize {
        self.progress().pages
    }

    /// Blocks the calling thread (never a runtime's) until the listing ends, or its
    /// [`BIG_AFTER_PAGES`]th page has come, or `budget` has passed; true when it has ended.
    pub fn wait_while_short(&self, budget: Duration) -> bool {
        let until = Instant::now() + budget;
        let mut p = self.progress();
        while !p.landed && p.pages < BIG_AFTER_PAGES {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            p = match self.moved.wait_timeout(p, left) {
                Ok((p, _)) => p,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        p.landed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_wait_ends_when_the_listing_lands_or_turns_out_big() {
        let f = Arc::new(Flight::default());
        assert!(!f.wait_while_short(Duration::ZERO), "not landed yet");
        let g = f.clone();
        let t = std::thread::spawn(move || g.wait_while_short(Duration::from_secs(60)));
        f.page();
        f.land();
        assert!(t.join().unwrap());
        let big = Arc::new(Flight::default());
        let g = big.clone();
        let t = std::thread::spawn(move || g.wait_while_short(Duration::from_secs(60)));
        big.page();
        big.page();
        assert!(!t.join().unwrap(), "a second page ends the wait, unlanded");
        assert_eq!(big.pages(), 2);
    }
}
