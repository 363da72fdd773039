//! Exponential backoff with full jitter, reproducible from a seed.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// When to try again, and when to stop.
///
/// The delay before retry `n` (1-based) is drawn uniformly from
/// `0..=min(max_backoff, initial_backoff × 2^(n-1))` ("full jitter"), at
/// least any `Retry-After` the server gave. The draw comes from the host's
/// seed, the message and the attempt, so a run replays exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RetryPolicy {
    /// The cap of the first retry's delay.
    #[serde(with = "millis")]
    pub initial_backoff: Duration,
    /// The largest cap.
    #[serde(with = "millis")]
    pub max_backoff: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// No retry is scheduled later than this after the message was queued.
    #[serde(with = "millis")]
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 1 s doubling to 32 s, 8 attempts, 10 minutes.
    fn default() -> Self {
        Self {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(32),
            max_attempts: 8,
            max_elapsed: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// The cap of the delay before retry `retry` (1-based).
    pub fn cap(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1).min(31))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// The delay before retry `retry` of message `id`, drawn with `seed`.
    pub fn backoff(&self, seed: u64, id: u64, retry: u32) -> Duration {
        let cap = u64::try_from(self.cap(retry).as_millis()).unwrap_or(u64::MAX);
        let draw = mix(seed ^ mix(id) ^ mix(u64::from(retry).wrapping_add(0x5851_f42d)));
        Duration::from_millis(draw % cap.saturating_add(1))
    }
}

/// SplitMix64's finalizer: a fixed, well-spread hash of a 64-bit value.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Durations as whole milliseconds on the wire.
pub(crate) mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_double_up_to_the_maximum() {
        let p = RetryPolicy::default();
        let caps: Vec<u64> = (1..=8).map(|n| p.cap(n).as_secs()).collect();
        assert_eq!(caps, [1, 2, 4, 8, 16, 32, 32, 32]);
        assert_eq!(p.cap(200), Duration::from_secs(32));
    }

    #[test]
    fn jitter_is_reproducible_and_within_the_cap() {
        let p = RetryPolicy::default();
        for id in 0..200 {
            for retry in 1..8 {
                let d = p.backoff(42, id, retry);
                assert_eq!(d, p.backoff(42, id, retry));
                assert!(d <= p.cap(retry));
            }
        }
        let draws: Vec<_> = (0..20).map(|id| p.backoff(42, id, 3)).collect();
        let other: Vec<_> = (0..20).map(|id| p.backoff(43, id, 3)).collect();
        assert_ne!(draws, other, "the seed changes the draws");
        let distinct: std::collections::BTreeSet<_> = draws.iter().collect();
        assert!(distinct.len() > 15, "draws spread: {draws:?}");
    }
}
