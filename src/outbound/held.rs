//! A message an outbox holds, and one space's part of an outbox: what a
//! host stores apart when it keeps the outbox in a database.

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::outbox::Outbox;
use super::outbox::OutboxId;
use super::request::{OutboundRequest, RequestError, request_id_for};
use crate::time::Timestamp;

/// A message an outbox holds: its request (with its `requestId`), when it
/// was queued, and how its delivery stands. Serializable, so that a host
/// can store each message apart (see [`SpaceState`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldMessage {
    pub(super) id: OutboxId,
    pub(super) request: OutboundRequest,
    pub(super) queued_at: Timestamp,
    pub(super) attempts: u32,
    pub(super) state: State,
}

impl HeldMessage {
    /// A message queued at `now` with id `id`, as [`Outbox::enqueue`] makes
    /// it: checked, and given a `requestId` derived from `seed` and `id`
    /// when it has none. For hosts that number messages themselves (a
    /// database sequence) and add them with [`Outbox::insert_space`].
    ///
    /// # Errors
    /// The request's own [`RequestError`].
    pub fn new(
        id: OutboxId,
        request: impl Into<OutboundRequest>,
        seed: u64,
        now: Timestamp,
    ) -> Result<Self, RequestError> {
        let mut request = request.into();
        request.options().check()?;
        if request.options().request_id.is_none() {
            request.options_mut().request_id =
                Some(request_id_for(&format!("outbox/{seed}/{}", id.0)));
        }
        Ok(Self {
            id,
            request,
            queued_at: now,
            attempts: 0,
            state: State::Waiting { not_before: now },
        })
    }

    /// Its id.
    pub fn id(&self) -> OutboxId {
        self.id
    }

    /// Its idempotency key (always set once held).
    pub fn request_id(&self) -> &str {
        self.request
            .options()
            .request_id
            .as_deref()
            .unwrap_or_default()
    }

    /// The space it goes to (its id).
    pub fn space(&self) -> &str {
        self.request.space_id()
    }

    /// The request.
    pub fn request(&self) -> &OutboundRequest {
        &self.request
    }

    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether an attempt is in flight.
    pub fn in_flight(&self) -> bool {
        matches!(self.state, State::InFlight { .. })
    }
}

/// One space's part of an outbox: its messages in order, and the times of
/// its recent sends (the quota's window).
///
/// Spaces never wait for each other, so a host may keep each apart (a row
/// per message, a lease per space) and drive one space at a time with an
/// outbox that holds only it: [`Outbox::insert_space`], poll and answer as
/// usual, then [`Outbox::take_space`] to store it back. Only the first
/// message decides what is due, so a host may load just that one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpaceState {
    /// The space's id.
    pub space: String,
    /// Its messages, first to go first.
    pub messages: Vec<HeldMessage>,
    /// When messages went to it inside the quota's window, oldest first.
    pub sent: Vec<Timestamp>,
}

impl SpaceState {
    /// A space's state from its parts.
    pub fn new(space: impl Into<String>, messages: Vec<HeldMessage>, sent: Vec<Timestamp>) -> Self {
        Self {
            space: space.into(),
            messages,
            sent,
        }
    }
}

/// Where a held message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(super) enum State {
    Waiting {
        /// Not sent before this.
        not_before: Timestamp,
    },
    InFlight {
        /// Counted as timed out at this time.
        deadline: Timestamp,
    },
}
