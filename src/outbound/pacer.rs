//! The per-space write quota: when may the next message to a space go.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::retry::millis;
use crate::time::Timestamp;

/// A sliding-window quota: at most `limit` messages in any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Quota {
    /// Messages per window.
    pub limit: u32,
    /// The window.
    #[serde(with = "millis")]
    pub window: Duration,
}

impl Quota {
    /// Chat's per-space write quota, shared by every app and webhook in the
    /// space: 60 per 60 seconds.
    pub const CHAT_SPACE: Self = Self {
        limit: 60,
        window: Duration::from_secs(60),
    };

    /// A quota of `limit` per `window` (a limit of 0 counts as 1).
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
        }
    }
}

impl Default for Quota {
    fn default() -> Self {
        Self::CHAT_SPACE
    }
}

/// Keeps each space under its [`Quota`]: remembers when recent messages
/// went, and says when the next may go.
///
/// ```
/// use std::time::Duration;
/// use gchat::outbound::{Pacer, Quota};
/// use gchat::Timestamp;
///
/// let mut pacer = Pacer::new(Quota::new(2, Duration::from_secs(10)));
/// let t0 = Timestamp::from_secs(100);
/// pacer.record("AAA", t0);
/// pacer.record("AAA", t0);
/// assert_eq!(pacer.next_send("AAA", t0), Timestamp::from_secs(110));
/// assert_eq!(pacer.next_send("BBB", t0), t0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pacer {
    quota: Quota,
    /// Per space, the send times still inside the window, oldest first.
    sent: BTreeMap<String, VecDeque<Timestamp>>,
}

impl Pacer {
    /// A pacer with nothing sent.
    pub fn new(quota: Quota) -> Self {
        Self {
            quota,
            sent: BTreeMap::new(),
        }
    }

    /// The quota.
    pub fn quota(&self) -> Quota {
        self.quota
    }

    /// The earliest time, `now` or later, at which a message to `space` keeps
    /// within the quota.
    pub fn next_send(&self, space: &str, now: Timestamp) -> Timestamp {
        let Some(times) = self.sent.get(space) else {
            return now;
        };
        let limit = usize::try_from(self.quota.limit).unwrap_or(usize::MAX);
        let window = self.quota.window;
        let in_window = || times.iter().filter(move |t| **t + window > now);
        let count = in_window().count();
        if count < limit {
            return now;
        }
        // The (count - limit + 1)-th oldest must leave the window first.
        in_window()
            .nth(count - limit)
            .map_or(now, |t| (*t + window).max(now))
    }

    /// Records a message sent to `space` at `at`, forgetting sends that
    /// left the window.
    pub fn record(&mut self, space: &str, at: Timestamp) {
        let window = self.quota.window;
        let limit = usize::try_from(self.quota.limit).unwrap_or(usize::MAX);
        let times = self.sent.entry(space.to_owned()).or_default();
        times.push_back(at);
        while times.front().is_some_and(|t| *t + window <= at) || times.len() > limit {
            times.pop_front();
        }
    }

    /// Takes `space`'s send times out (oldest first).
    pub fn take(&mut self, space: &str) -> Vec<Timestamp> {
        self.sent.remove(space).map(Vec::from).unwrap_or_default()
    }

    /// Sets `space`'s send times (oldest first), replacing any it had.
    pub fn insert(&mut self, space: &str, sent: Vec<Timestamp>) {
        if sent.is_empty() {
            self.sent.remove(space);
        } else {
            self.sent.insert(space.to_owned(), sent.into());
        }
    }

    /// Forgets spaces with no send inside the window at `now`.
    pub fn prune(&mut self, now: Timestamp) {
        let window = self.quota.window;
        self.sent
            .retain(|_, times| times.back().is_some_and(|t| *t + window > now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_per_minute_then_wait_for_the_oldest() {
        let mut p = Pacer::new(Quota::CHAT_SPACE);
        let t0 = Timestamp::from_secs(1000);
        for i in 0..60 {
            let at = t0 + Duration::from_millis(i * 100);
            assert_eq!(p.next_send("S", at), at, "message {i} may go at once");
            p.record("S", at);
        }
        let now = t0 + Duration::from_secs(6);
        assert_eq!(p.next_send("S", now), t0 + Duration::from_secs(60));
        p.record("S", t0 + Duration::from_secs(60));
        assert_eq!(
            p.next_send("S", t0 + Duration::from_secs(60)),
            t0 + Duration::from_millis(60_100)
        );
        assert_eq!(p.next_send("other", now), now, "spaces are independent");
    }

    #[test]
    fn prune_forgets_idle_spaces() {
        let mut p = Pacer::new(Quota::new(1, Duration::from_secs(1)));
        p.record("S", Timestamp::from_secs(1));
        p.prune(Timestamp::from_secs(5));
        assert_eq!(p, Pacer::new(Quota::new(1, Duration::from_secs(1))));
    }
}
