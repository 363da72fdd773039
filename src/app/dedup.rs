//! Repeat deliveries: Chat redelivers a request that failed (timeout,
//! network, non-2xx) up to twice; an app must act once.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::Serialize;

use crate::event::Event;
use crate::time::Timestamp;

use super::Response;

/// An event's identity and how long to remember it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DedupKey {
    /// The key: event type, message (or space and user) and event time.
    pub key: String,
    /// How long to remember it.
    #[serde(serialize_with = "as_secs")]
    #[cfg_attr(feature = "ts", tsify(type = "number"))]
    pub ttl: Duration,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// The dedup key of an event: its type, what it is about (the message, or
/// the space and user), and its time. `None` when the event carries too
/// little to tell two deliveries from two events.
pub(super) fn key(event: &Event, ttl: Duration) -> Option<DedupKey> {
    let kind = event.event_type_name().unwrap_or("unknown");
    let time = event.event_time();
    let subject = event
        .message()
        .and_then(|m| m.name.as_deref())
        .map(str::to_owned)
        .or_else(|| {
            let space = event.space()?.name.as_deref()?;
            let user = event.user().and_then(|u| u.name.as_deref()).unwrap_or("-");
            Some(format!("{space}/{user}"))
        });
    if time.is_none() && subject.is_none() {
        return None;
    }
    let action = event.action().and_then(|a| a.function).unwrap_or_default();
    let key = format!(
        "{kind}|{}|{}|{action}",
        subject.unwrap_or_default(),
        time.unwrap_or_default()
    );
    Some(DedupKey { key, ttl })
}

/// A deterministic `requestId` for step `step` of the work caused by `base`.
pub(super) fn request_id(base: &str, step: usize) -> String {
    // FNV-1a over the key and the step as 8 bytes: stable across hosts and
    // runs (a `usize` is 4 bytes on wasm32, so it is widened first).
    let step_bytes = u64::try_from(step).unwrap_or(u64::MAX).to_le_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in base.bytes().chain(step_bytes) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("gchat-{h:016x}-{step}")
}

/// A bounded in-memory memory of recent events and the responses sent, for
/// hosts without a shared store. Pure: it is given `now`.
#[derive(Clone, Debug)]
pub struct Deduper {
    capacity: usize,
    seen: HashMap<String, (Timestamp, Response)>,
    order: VecDeque<String>,
}

impl Deduper {
    /// A deduper remembering at most `capacity` events.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// The response sent for this key, if it was seen and has not expired.
    pub fn seen(&mut self, key: &str, now: Timestamp) -> Option<Response> {
        self.expire(now);
        self.seen
            .get(key)
            .filter(|(until, _)| *until > now)
            .map(|(_, r)| r.clone())
    }

    /// Remembers a key and the response sent for it.
    pub fn remember(&mut self, key: &DedupKey, response: Response, now: Timestamp) {
        if self.capacity == 0 {
            return;
        }
        if self
            .seen
            .insert(key.key.clone(), (now + key.ttl, response))
            .is_none()
        {
            self.order.push_back(key.key.clone());
        }
        while self.seen.len() > self.capacity {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            self.seen.remove(&old);
        }
    }

    /// How many events it remembers.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    fn expire(&mut self, now: Timestamp) {
        while let Some(front) = self.order.front() {
            match self.seen.get(front) {
                Some((until, _)) if *until > now => break,
                _ => {
                    if let Some(k) = self.order.pop_front() {
                        self.seen.remove(&k);
                    }
                }
            }
        }
    }
}

impl Default for Deduper {
    fn default() -> Self {
        Self::new(10_000)
    }
}
