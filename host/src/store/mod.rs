//! Where the server keeps what must outlive a process and be shared by
//! its instances: repeat-delivery claims and answers, the outbox (one row
//! per message, one leased row per space), and fetched key documents.
//!
//! [`Store`] is the one interface; [`Sqlite`] (one process, the default)
//! and [`Postgres`] (many instances behind one load balancer) implement it.
//! The core decides everything (what is due, retries, the quota); a store
//! only keeps each space's part of the outbox
//! ([`gchat::outbound::SpaceState`]) and hands a due space to
//! one instance at a time, under a lease.

use std::fmt::Debug;
use std::time::Duration;

use gchat::Timestamp;
use gchat::app::Response;
use gchat::outbound::{EnqueueError, OutboundRequest, OutboxConfig, OutboxId, SpaceState};

mod postgres;
mod sqlite;

pub use postgres::Postgres;
pub use sqlite::Sqlite;

/// What became of a claim on an event (see [`Store::claim`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The caller handles the event, then calls [`Store::answer`] (or
    /// [`Store::release`]).
    Mine,
    /// The event was answered already: send this again.
    Answered(Response),
    /// Another request (here or on another instance) is handling it now.
    Busy,
}

/// A key document as fetched: enough to read it again with its original
/// freshness (`KeySet::insert_response` at `fetched_at`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyDocument {
    /// The canonical URL.
    pub url: String,
    /// The response headers (`Cache-Control`, `Age`, ...).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When it was fetched.
    pub fetched_at: Timestamp,
}

/// Why a store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed (what it said).
    #[error("the state database failed: {0}")]
    Database(String),
    /// The space's lease went to another instance (this one was too slow):
    /// its work there is dropped, and the other instance goes on.
    #[error("the lease on space {0} was lost")]
    LeaseLost(String),
    /// A message could not be queued.
    #[error(transparent)]
    Enqueue(#[from] EnqueueError),
    /// The state given could not be read (`--state`, a stored row).
    #[error("{0}")]
    Invalid(String),
}

impl gchat::ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            Self::Database(_) => "state_unavailable",
            Self::LeaseLost(_) => "lease_lost",
            Self::Enqueue(e) => e.code(),
            Self::Invalid(_) => "invalid_state",
        }
    }

    fn path(&self) -> Option<&str> {
        match self {
            Self::Enqueue(e) => e.path(),
            _ => None,
        }
    }
}

impl StoreError {
    pub(crate) fn db(error: impl std::fmt::Display) -> Self {
        Self::Database(error.to_string())
    }
}

/// The server's state, shared by its instances.
///
/// Times are the host's (`now` arguments), as in the core: instances
/// sharing a store need clocks in step (NTP), as Chat's token checks do.
#[async_trait::async_trait]
pub trait Store: Send + Sync + Debug {
    /// Whether other processes may write to it (instances look for work
    /// they did not queue themselves).
    fn shared(&self) -> bool;

    /// Claims event `key` to handle it, under `token` (the caller's own,
    /// unique): [`Claim::Mine`] when it is new, or when its answer expired,
    /// or when the last claim is older than `stale_after` without an
    /// answer (its instance died).
    async fn claim(
        &self,
        key: &str,
        token: &str,
        now: Timestamp,
        stale_after: Duration,
    ) -> Result<Claim, StoreError>;

    /// Records the response sent for event `key`, kept until `expires`, if
    /// the claim is still `token`'s; whether it was.
    async fn answer(
        &self,
        key: &str,
        token: &str,
        response: &Response,
        expires: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Gives up `token`'s claim without an answer (the next delivery
    /// handles the event).
    async fn release(&self, key: &str, token: &str) -> Result<(), StoreError>;

    /// Queues messages, all or none, each with an id never given before;
    /// a message whose `requestId` is held already keeps its id and is not
    /// queued twice. Durable when it returns.
    async fn enqueue(
        &self,
        requests: Vec<OutboundRequest>,
        config: &OutboxConfig,
        now: Timestamp,
    ) -> Result<Vec<OutboxId>, StoreError>;

    /// Leases a space that is due at `now` and not leased, to `owner` (a
    /// token of this lease alone) until `until`: its first message (if
    /// any) and its send history. A first message that cannot be read is
    /// dropped (and said so in the error): it could never be sent, and
    /// would hold up the rest of its space.
    async fn lease(
        &self,
        owner: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<SpaceState>, StoreError>;

    /// Stores a leased space back: its messages as given (only those it
    /// was leased with, changed), `finished` ones deleted, its send
    /// history; and extends the lease to `until`.
    ///
    /// # Errors
    /// [`StoreError::LeaseLost`] when `owner` no longer holds the lease, or
    /// it ended by `now`.
    async fn save(
        &self,
        owner: &str,
        state: &SpaceState,
        finished: &[OutboxId],
        now: Timestamp,
        until: Timestamp,
    ) -> Result<(), StoreError>;

    /// Ends `owner`'s lease: the space is next due at `due` if it still
    /// holds messages (those queued meanwhile included).
    async fn release_space(
        &self,
        owner: &str,
        space: &str,
        due: Timestamp,
    ) -> Result<(), StoreError>;

    /// When the next space falls due (or its lease ends), if any.
    async fn next_due(&self) -> Result<Option<Timestamp>, StoreError>;

    /// Messages held.
    async fn pending(&self) -> Result<usize, StoreError>;

    /// Forgets answers that expired by `now`, and claims a day old that
    /// were never answered.
    async fn sweep(&self, now: Timestamp) -> Result<(), StoreError>;

    /// Imports spaces kept elsewhere (an `outbox.json` of an older gchat):
    /// their messages as they are (ids kept; a `requestId` held already is
    /// skipped, so importing twice is harmless) and their send history.
    async fn import(&self, spaces: Vec<SpaceState>, now: Timestamp) -> Result<(), StoreError>;

    /// The key documents stored.
    async fn key_documents(&self) -> Result<Vec<KeyDocument>, StoreError>;

    /// Stores a fetched key document, replacing the one from its URL.
    async fn save_key_document(&self, document: &KeyDocument) -> Result<(), StoreError>;
}

/// Opens the store `spec` names: `sqlite:PATH` (created with mode 0600
/// when missing), `sqlite::memory:` (this process only), or a PostgreSQL
/// URL (`postgres://…` or `postgresql://…`). Migrates the schema.
///
/// # Errors
/// [`StoreError::Invalid`] for another form; the database's error when it
/// cannot be opened or migrated.
pub async fn open(spec: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    if let Some(path) = spec.strip_prefix("sqlite:") {
        let store = if path == ":memory:" {
            Sqlite::memory()?
        } else {
            Sqlite::open(std::path::Path::new(path))?
        };
        return Ok(std::sync::Arc::new(store));
    }
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        return Ok(std::sync::Arc::new(Postgres::connect(spec).await?));
    }
    Err(StoreError::Invalid(format!(
        "--state {spec:?}: write sqlite:PATH or postgres://USER@HOST/DB"
    )))
}

/// Moves the outbox an older gchat kept in `path` (`outbox.json`) into
/// `store`, once: the file is renamed `outbox.json.migrated` afterwards.
/// The number of messages moved, or `None` when there is no such file.
/// Safe to repeat after a crash between the two steps: messages already
/// held (by `requestId`) are skipped.
///
/// # Errors
/// The file cannot be read or is not an outbox; the store failed.
pub async fn migrate_outbox_file(
    store: &dyn Store,
    path: &std::path::Path,
    now: Timestamp,
) -> Result<Option<usize>, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Invalid(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let mut outbox: gchat::outbound::Outbox = serde_json::from_slice(&bytes).map_err(|e| {
        StoreError::Invalid(format!("{}: not an outbox state file: {e}", path.display()))
    })?;
    let count = outbox.len();
    let names: Vec<String> = outbox.spaces().map(str::to_owned).collect();
    let spaces = names.iter().filter_map(|s| outbox.take_space(s)).collect();
    store.import(spaces, now).await?;
    let done = path.with_extension("json.migrated");
    std::fs::rename(path, &done).map_err(|e| {
        StoreError::Invalid(format!(
            "cannot rename {} after moving it: {e}",
            path.display()
        ))
    })?;
    Ok(Some(count))
}

/// A message id as the databases keep it (`i64`).
pub(crate) fn row_id(id: OutboxId) -> i64 {
    i64::try_from(id.0).unwrap_or(i64::MAX)
}

/// A message id read back.
pub(crate) fn outbox_id(id: i64) -> OutboxId {
    OutboxId(u64::try_from(id).unwrap_or(0))
}

/// A count read back.
pub(crate) fn count_of(count: i64) -> usize {
    usize::try_from(count).unwrap_or(0)
}

/// A list kept as JSON text in a column (response headers as pairs, a
/// space's send times as milliseconds).
pub(crate) fn to_text<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// A list read back from its column; text that is not one reads as empty.
pub(crate) fn from_text<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

/// How long a claim with no answer may stay in the table.
pub(crate) const DEAD_CLAIM: Duration = Duration::from_secs(24 * 3600);

/// The time `ago` before `now`, in the databases' milliseconds.
pub(crate) fn before(now: Timestamp, ago: Duration) -> i64 {
    now.as_millis()
        .saturating_sub(i64::try_from(ago.as_millis()).unwrap_or(i64::MAX))
}

/// A stored message read back.
pub(crate) fn held(text: &str) -> Result<gchat::outbound::HeldMessage, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Invalid(format!("a stored outbox message is unreadable: {e}")))
}

/// The error for an unreadable message, dropped from its space.
pub(crate) fn dropped(space: &str, id: i64, error: &StoreError) -> StoreError {
    StoreError::Invalid(format!(
        "outbox message {id} of space {space} was dropped: {error}"
    ))
}
