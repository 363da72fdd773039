//! The outbox: a sans-I/O state machine that delivers messages once, in
//! order per space, within the quota, retrying what may be retried.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::held::{HeldMessage, SpaceState, State};
use super::http::{HttpRequest, Response};
use super::pacer::{Pacer, Quota};
use super::request::{OutboundRequest, RequestError};
use super::retry::{RetryPolicy, millis};
use super::status::{Decision, Delivered, Failure, decide};
use crate::time::Timestamp;

/// Identifies a message in an [`Outbox`]; ids count up from 1 and are never
/// reused by one outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(transparent)]
pub struct OutboxId(pub u64);

/// How an outbox behaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OutboxConfig {
    /// Backoff and limits.
    pub retry: RetryPolicy,
    /// The per-space quota.
    pub quota: Quota,
    /// The jitter seed (the host draws it once, e.g. from the OS).
    pub seed: u64,
    /// How long an attempt may go unanswered before it counts as timed out.
    #[serde(with = "millis")]
    pub attempt_timeout: Duration,
    /// The most messages waiting at once.
    pub capacity: usize,
}

impl OutboxConfig {
    /// The defaults with this jitter seed: [`RetryPolicy::default`], Chat's
    /// 60-per-minute space quota, 40 s per attempt, 10,000 messages.
    pub fn new(seed: u64) -> Self {
        Self {
            retry: RetryPolicy::default(),
            quota: Quota::CHAT_SPACE,
            seed,
            attempt_timeout: Duration::from_secs(40),
            capacity: 10_000,
        }
    }
}

/// A request for the host to send now.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transmit {
    /// Pass it back to [`Outbox::handle_response`].
    pub id: OutboxId,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// What to send.
    pub request: HttpRequest,
    /// The host must add `Authorization` (see [`AppAuth`](super::AppAuth)).
    pub needs_app_auth: bool,
}

/// Something the host should know (log, report, answer a caller).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutboxEvent {
    /// Chat has the message.
    Delivered {
        /// The message.
        id: OutboxId,
        /// Its space's id.
        space: String,
        /// What Chat answered.
        delivered: Delivered,
        /// Attempts it took.
        attempts: u32,
    },
    /// The message will not be delivered.
    GaveUp {
        /// The message.
        id: OutboxId,
        /// Its space's id.
        space: String,
        /// Why, and what to do.
        failure: Failure,
        /// Attempts made.
        attempts: u32,
    },
    /// An attempt failed for a passing reason; the next is scheduled.
    Retrying {
        /// The message.
        id: OutboxId,
        /// The attempt that failed.
        attempt: u32,
        /// When the next may go (the quota may delay it further).
        at: Timestamp,
        /// Why it failed.
        reason: String,
    },
}

/// Why a message was not queued.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnqueueError {
    /// The outbox holds [`OutboxConfig::capacity`] messages.
    #[error("the outbox is full ({capacity} messages waiting); try again later")]
    Full {
        /// The capacity.
        capacity: usize,
    },
    /// The request is not valid.
    #[error(transparent)]
    Invalid(#[from] RequestError),
}

impl crate::ErrorCode for EnqueueError {
    fn code(&self) -> &'static str {
        match self {
            Self::Full { .. } => "outbox_full",
            Self::Invalid(e) => e.code(),
        }
    }

    fn path(&self) -> Option<&str> {
        match self {
            Self::Invalid(e) => e.path(),
            Self::Full { .. } => None,
        }
    }
}

/// Delivers messages through webhooks and the Chat API, with no I/O of its
/// own, in the manner of `quinn-proto`:
///
/// 1. [`enqueue`](Self::enqueue) messages;
/// 2. send every [`poll_transmit`](Self::poll_transmit) and report each
///    answer (or timeout, or network error) to
///    [`handle_response`](Self::handle_response);
/// 3. read [`poll_event`](Self::poll_event) for deliveries and failures;
/// 4. wake at [`poll_timeout`](Self::poll_timeout) and poll again.
///
/// Messages to one space go one at a time, in the order queued, at most
/// [`Quota`] per window; spaces do not wait for each other. Every message
/// carries a `requestId` (the caller's idempotency key, or one derived from
/// the seed and its id), so an attempt repeated after a lost response
/// returns the first message instead of posting twice.
///
/// The whole state serializes with serde: save it after each call and load
/// it after a restart; attempts that were in flight count as timed out and
/// are sent again, safely.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outbox {
    config: OutboxConfig,
    next_id: u64,
    /// Per space, the messages in order; only the first is ever in flight.
    spaces: BTreeMap<String, VecDeque<HeldMessage>>,
    /// Request ids of the messages held, for de-duplication.
    request_ids: BTreeMap<String, OutboxId>,
    pacer: Pacer,
    events: VecDeque<OutboxEvent>,
}

impl Outbox {
    /// An empty outbox.
    pub fn new(config: OutboxConfig) -> Self {
        let pacer = Pacer::new(config.quota);
        Self {
            config,
            next_id: 1,
            spaces: BTreeMap::new(),
            request_ids: BTreeMap::new(),
            pacer,
            events: VecDeque::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &OutboxConfig {
        &self.config
    }

    /// Messages held (waiting or in flight).
    pub fn len(&self) -> usize {
        self.request_ids.len()
    }

    /// Whether no message is held.
    pub fn is_empty(&self) -> bool {
        self.request_ids.is_empty()
    }

    /// Queues a message. A message whose `requestId` is already held is not
    /// queued twice: its id is returned.
    pub fn enqueue(
        &mut self,
        request: impl Into<OutboundRequest>,
        now: Timestamp,
    ) -> Result<OutboxId, EnqueueError> {
        // Checked, with its requestId (derived from the next id if it has none).
        let held = HeldMessage::new(OutboxId(self.next_id), request, self.config.seed, now)?;
        if let Some(existing) = self.request_ids.get(held.request_id()) {
            return Ok(*existing);
        }
        if self.len() >= self.config.capacity {
            return Err(EnqueueError::Full {
                capacity: self.config.capacity,
            });
        }
        let id = held.id();
        self.next_id += 1;
        self.request_ids.insert(held.request_id().to_owned(), id);
        self.spaces
            .entry(held.space().to_owned())
            .or_default()
            .push_back(held);
        Ok(id)
    }

    /// Queues several messages, all or none: nothing is queued if one is
    /// invalid or they would not all fit.
    pub fn enqueue_all(
        &mut self,
        requests: Vec<OutboundRequest>,
        now: Timestamp,
    ) -> Result<Vec<OutboxId>, EnqueueError> {
        for request in &requests {
            request.options().check()?;
        }
        let held = |r: &OutboundRequest| {
            r.options()
                .request_id
                .as_ref()
                .is_some_and(|id| self.request_ids.contains_key(id))
        };
        let new = requests.iter().filter(|r| !held(r)).count();
        if self.len() + new > self.config.capacity {
            return Err(EnqueueError::Full {
                capacity: self.config.capacity,
            });
        }
        requests.into_iter().map(|r| self.enqueue(r, now)).collect()
    }

    /// The next request to send now, if any: the first message of a space
    /// that is due and within the quota. Attempts unanswered past their
    /// deadline count as timed out first.
    pub fn poll_transmit(&mut self, now: Timestamp) -> Option<Transmit> {
        self.expire(now);
        let pacer = &self.pacer;
        let space = self.spaces.iter().find_map(|(space, queue)| {
            let head = queue.front()?;
            let due = matches!(head.state, State::Waiting { not_before } if not_before <= now);
            (due && pacer.next_send(space, now) <= now).then(|| space.clone())
        })?;
        let head = self.spaces.get_mut(&space)?.front_mut()?;
        head.attempts += 1;
        head.state = State::InFlight {
            deadline: now + self.config.attempt_timeout,
        };
        let transmit = Transmit {
            id: head.id,
            attempt: head.attempts,
            request: head.request.to_http(),
            needs_app_auth: head.request.needs_app_auth(),
        };
        self.pacer.record(&space, now);
        Some(transmit)
    }

    /// Reports what became of a transmitted request. Answers for messages
    /// no longer held are ignored, as are failures of attempts that already
    /// timed out (a late success still counts).
    pub fn handle_response(&mut self, id: OutboxId, response: &Response, now: Timestamp) {
        let Some((space, head)) = self.head_mut(id) else {
            return;
        };
        let in_flight = matches!(head.state, State::InFlight { .. });
        let decision = decide(response, &head.request, now);
        match decision {
            Decision::Delivered(delivered) => {
                let attempts = head.attempts;
                self.finish(&space, |id, space| OutboxEvent::Delivered {
                    id,
                    space,
                    delivered,
                    attempts,
                });
            }
            Decision::GiveUp(failure) if in_flight => {
                let attempts = head.attempts;
                self.finish(&space, |id, space| OutboxEvent::GaveUp {
                    id,
                    space,
                    failure,
                    attempts,
                });
            }
            Decision::Retry {
                reason,
                retry_after,
            } if in_flight => self.retry(&space, reason, retry_after, now),
            Decision::GiveUp(_) | Decision::Retry { .. } => {}
        }
    }

    /// When to call [`poll_transmit`](Self::poll_transmit) next: the
    /// earliest time a waiting message is due (within the quota) or an
    /// attempt times out. `None` when nothing is held.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.spaces
            .iter()
            .filter_map(|(space, queue)| match queue.front()?.state {
                State::Waiting { not_before } => Some(self.pacer.next_send(space, not_before)),
                State::InFlight { deadline } => Some(deadline),
            })
            .min()
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<OutboxEvent> {
        self.events.pop_front()
    }

    /// The spaces with messages held.
    pub fn spaces(&self) -> impl Iterator<Item = &str> {
        self.spaces.keys().map(String::as_str)
    }

    /// When a message to `space` may go, `now` or later, by its quota.
    pub fn next_send(&self, space: &str, now: Timestamp) -> Timestamp {
        self.pacer.next_send(space, now)
    }

    /// Takes `space`'s messages and send history out of the outbox (to
    /// store them apart); `None` when it holds neither. Events already
    /// made stay in [`poll_event`](Self::poll_event).
    pub fn take_space(&mut self, space: &str) -> Option<SpaceState> {
        let messages: Vec<HeldMessage> = self.spaces.remove(space).unwrap_or_default().into();
        for held in &messages {
            self.request_ids.remove(held.request_id());
        }
        let sent = self.pacer.take(space);
        (!messages.is_empty() || !sent.is_empty()).then(|| SpaceState {
            space: space.to_owned(),
            messages,
            sent,
        })
    }

    /// Puts a space's messages and send history in, replacing what the
    /// outbox held for it. Ids it holds are never given out again. The
    /// capacity is not checked: the messages are already held elsewhere.
    pub fn insert_space(&mut self, state: SpaceState) {
        let SpaceState {
            space,
            messages,
            sent,
        } = state;
        drop(self.take_space(&space));
        for held in &messages {
            self.next_id = self.next_id.max(held.id.0.saturating_add(1));
            self.request_ids
                .insert(held.request_id().to_owned(), held.id);
        }
        if !messages.is_empty() {
            self.spaces.insert(space.clone(), messages.into());
        }
        self.pacer.insert(&space, sent);
    }

    /// Resumes an outbox loaded after a restart (or in another process):
    /// attempts that were in flight when it was saved will never be
    /// answered, so each counts as failed now and is sent again after its
    /// backoff rather than at its deadline. Safe: the attempt carries the
    /// same `requestId`, so Chat creates the message at most once.
    pub fn resume(&mut self, now: Timestamp) {
        self.time_out(|_| true, "interrupted by a restart", now);
    }

    /// Counts attempts unanswered past their deadline as timed out.
    fn expire(&mut self, now: Timestamp) {
        self.time_out(|deadline| deadline <= now, "no response in time", now);
    }

    /// Retries each space whose attempt in flight has a deadline `due` picks.
    fn time_out(&mut self, due: impl Fn(Timestamp) -> bool, reason: &str, now: Timestamp) {
        let expired: Vec<String> = self
            .spaces
            .iter()
            .filter(|(_, q)| {
                q.front().is_some_and(
                    |h| matches!(h.state, State::InFlight { deadline } if due(deadline)),
                )
            })
            .map(|(s, _)| s.clone())
            .collect();
        for space in expired {
            self.retry(&space, reason.into(), None, now);
        }
    }

    fn head_mut(&mut self, id: OutboxId) -> Option<(String, &mut HeldMessage)> {
        self.spaces.iter_mut().find_map(|(space, queue)| {
            let head = queue.front_mut()?;
            (head.id == id).then(|| (space.clone(), head))
        })
    }

    /// Schedules the next attempt of `space`'s first message, or gives it up
    /// when the policy's attempts or time are spent.
    fn retry(
        &mut self,
        space: &str,
        reason: String,
        retry_after: Option<Duration>,
        now: Timestamp,
    ) {
        let policy = self.config.retry;
        let seed = self.config.seed;
        let Some(head) = self.spaces.get_mut(space).and_then(VecDeque::front_mut) else {
            return;
        };
        let delay = policy
            .backoff(seed, head.id.0, head.attempts)
            .max(retry_after.unwrap_or_default());
        let at = now + delay;
        let out_of_time = at > head.queued_at + policy.max_elapsed;
        if head.attempts >= policy.max_attempts || out_of_time {
            let attempts = head.attempts;
            let failure = Failure {
                code: "retries_exhausted".into(),
                status: None,
                rpc_status: None,
                message: reason,
                hint: format!(
                    "gave up after {attempts} attempt(s) over {} s; Chat may be down or the space over its quota",
                    now.since(head.queued_at).as_secs()
                ),
                field_violations: Vec::new(),
            };
            self.finish(space, |id, space| OutboxEvent::GaveUp {
                id,
                space,
                failure,
                attempts,
            });
            return;
        }
        head.state = State::Waiting { not_before: at };
        self.events.push_back(OutboxEvent::Retrying {
            id: head.id,
            attempt: head.attempts,
            at,
            reason,
        });
    }

    /// Removes `space`'s first message and reports it.
    fn finish(&mut self, space: &str, event: impl FnOnce(OutboxId, String) -> OutboxEvent) {
        let Some(queue) = self.spaces.get_mut(space) else {
            return;
        };
        let Some(head) = queue.pop_front() else {
            return;
        };
        if queue.is_empty() {
            self.spaces.remove(space);
        }
        if let Some(r) = &head.request.options().request_id {
            self.request_ids.remove(r);
        }
        self.events.push_back(event(head.id, space.to_owned()));
    }
}
