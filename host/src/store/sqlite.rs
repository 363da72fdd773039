//! [`Store`] in SQLite (rusqlite, with its bundled library): one process,
//! one file, the default. Every call runs on tokio's blocking pool, on one
//! connection in WAL mode; a write is durable when the call returns (a
//! killed process loses nothing; `synchronous=NORMAL` leaves only a power
//! cut's last transactions at risk).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gchat::Timestamp;
use gchat::app::Response;
use gchat::outbound::{
    EnqueueError, HeldMessage, OutboundRequest, OutboxConfig, OutboxId, SpaceState,
};
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};

use super::{
    Claim, DEAD_CLAIM, KeyDocument, Store, StoreError, before, count_of, dropped, from_text, held,
    outbox_id, row_id, to_text,
};

/// The schema, one step per version (`PRAGMA user_version` counts them).
const MIGRATIONS: &[&str] = &[r"
CREATE TABLE gchat_dedup (
    key TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    status INTEGER,
    headers TEXT,
    body BLOB,
    expires_at INTEGER
);
CREATE TABLE gchat_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO gchat_counters (name, value) VALUES ('outbox_id', 1);
CREATE TABLE gchat_outbox (
    id INTEGER PRIMARY KEY,
    space TEXT NOT NULL,
    request_id TEXT NOT NULL UNIQUE,
    message TEXT NOT NULL
);
CREATE INDEX gchat_outbox_space ON gchat_outbox (space, id);
CREATE TABLE gchat_spaces (
    space TEXT PRIMARY KEY,
    sent TEXT NOT NULL DEFAULT '[]',
    due INTEGER,
    lease_owner TEXT,
    lease_until INTEGER
);
CREATE TABLE gchat_keys (
    url TEXT PRIMARY KEY,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    fetched_at INTEGER NOT NULL
);
"];

/// The SQLite store.
#[derive(Clone)]
pub struct Sqlite {
    connection: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sqlite").finish_non_exhaustive()
    }
}

impl Sqlite {
    /// Opens (or creates, with mode 0600: it holds responses and messages)
    /// the database at `path`, and migrates it.
    ///
    /// # Errors
    /// When the file cannot be created or opened, or is not a gchat database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        create_private(path)
            .map_err(|e| StoreError::Database(format!("cannot create {}: {e}", path.display())))?;
        let connection = Connection::open(path)
            .map_err(|e| StoreError::Database(format!("{}: {e}", path.display())))?;
        Self::new(connection)
    }

    /// A database in memory (this process only, gone at exit).
    ///
    /// # Errors
    /// When SQLite cannot start.
    pub fn memory() -> Result<Self, StoreError> {
        Self::new(Connection::open_in_memory().map_err(StoreError::db)?)
    }

    fn new(mut connection: Connection) -> Result<Self, StoreError> {
        connection
            .execute_batch(
                // One process only: the exclusive lock makes a second one
                // fail at start rather than share the file unsafely.
                "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;",
            )
            .map_err(StoreError::db)?;
        migrate(&mut connection)?;
        // Leases and claims left by a process that died: this one is the
        // only one, and a redelivery of an event it was handling is handled.
        connection
            .execute_batch(
                "UPDATE gchat_spaces SET lease_owner = NULL, lease_until = NULL
                 WHERE lease_owner IS NOT NULL;
                 DELETE FROM gchat_dedup WHERE status IS NULL;",
            )
            .map_err(StoreError::db)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `f` on the connection, on the blocking pool.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut connection = connection.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut connection)
        })
        .await
        .map_err(StoreError::db)?
    }
}

/// Creates `path` with mode 0600 when it does not exist.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let tx = connection
        .transaction_with_behavior(TransactionBehavior::Exclusive)
        .map_err(StoreError::db)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(StoreError::db)?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > MIGRATIONS.len() {
        return Err(StoreError::Invalid(format!(
            "the state database is at schema version {version}, newer than this gchat's {}",
            MIGRATIONS.len()
        )));
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        tx.execute_batch(sql).map_err(StoreError::db)?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(step + 1).unwrap_or(i64::MAX),
        )
        .map_err(StoreError::db)?;
    }
    tx.commit().map_err(StoreError::db)
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::db(e)
}

#[async_trait::async_trait]
impl Store for Sqlite {
    fn shared(&self) -> bool {
        false
    }

    async fn claim(
        &self,
        key: &str,
        token: &str,
        now: Timestamp,
        stale_after: Duration,
    ) -> Result<Claim, StoreError> {
        let (key, token) = (key.to_owned(), token.to_owned());
        let stale = before(now, stale_after);
        self.with(move |c| {
            let claimed = c
                .execute(
                    "INSERT INTO gchat_dedup (key, token, claimed_at) VALUES (?1, ?4, ?2)
                     ON CONFLICT (key) DO UPDATE SET token = excluded.token,
                         claimed_at = excluded.claimed_at,
                         status = NULL, headers = NULL, body = NULL, expires_at = NULL
                     WHERE (gchat_dedup.status IS NULL AND gchat_dedup.claimed_at <= ?3)
                        OR gchat_dedup.expires_at <= ?2",
                    params![key, now.as_millis(), stale, token],
                )
                .map_err(db)?;
            if claimed == 1 {
                return Ok(Claim::Mine);
            }
            let row: Option<(Option<u16>, Option<String>, Option<Vec<u8>>)> = c
                .query_row(
                    "SELECT status, headers, body FROM gchat_dedup WHERE key = ?1",
                    params![key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(db)?;
            Ok(match row {
                Some((Some(status), headers, body)) => Claim::Answered(Response::new(
                    status,
                    from_text(headers.as_deref().unwrap_or("[]")),
                    body.unwrap_or_default(),
                )),
                _ => Claim::Busy,
            })
        })
        .await
    }

    async fn answer(
        &self,
        key: &str,
        token: &str,
        response: &Response,
        expires: Timestamp,
    ) -> Result<bool, StoreError> {
        let (key, token, status, headers, body) = (
            key.to_owned(),
            token.to_owned(),
            response.status,
            to_text(&response.headers),
            response.body.clone(),
        );
        self.with(move |c| {
            let answered = c
                .execute(
                    "UPDATE gchat_dedup SET status = ?2, headers = ?3, body = ?4, expires_at = ?5
                     WHERE key = ?1 AND token = ?6",
                    params![key, status, headers, body, expires.as_millis(), token],
                )
                .map_err(db)?;
            Ok(answered == 1)
        })
        .await
    }

    async fn release(&self, key: &str, token: &str) -> Result<(), StoreError> {
        let (key, token) = (key.to_owned(), token.to_owned());
        self.with(move |c| {
            c.execute(
                "DELETE FROM gchat_dedup WHERE key = ?1 AND token = ?2 AND status IS NULL",
                params![key, token],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn enqueue(
        &self,
        requests: Vec<OutboundRequest>,
        config: &OutboxConfig,
        now: Timestamp,
    ) -> Result<Vec<OutboxId>, StoreError> {
        let (seed, capacity) = (config.seed, config.capacity);
        self.with(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let held_id = |request_id: &str| -> Result<Option<i64>, StoreError> {
                tx.query_row(
                    "SELECT id FROM gchat_outbox WHERE request_id = ?1",
                    params![request_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)
            };
            let mut plan = Vec::with_capacity(requests.len());
            for request in requests {
                request.options().check().map_err(EnqueueError::from)?;
                let existing = match &request.options().request_id {
                    Some(r) => held_id(r)?,
                    None => None,
                };
                plan.push((request, existing));
            }
            let new = plan.iter().filter(|(_, e)| e.is_none()).count();
            let count: i64 = tx
                .query_row("SELECT COUNT(*) FROM gchat_outbox", [], |r| r.get(0))
                .map_err(db)?;
            if count_of(count).saturating_add(new) > capacity {
                return Err(EnqueueError::Full { capacity }.into());
            }
            let first: i64 = tx
                .query_row(
                    "UPDATE gchat_counters SET value = value + ?1 WHERE name = 'outbox_id'
                     RETURNING value - ?1",
                    params![i64::try_from(new).unwrap_or(i64::MAX)],
                    |r| r.get(0),
                )
                .map_err(db)?;
            let mut next = first;
            let mut ids = Vec::with_capacity(plan.len());
            // Ids given in this batch, by requestId (one held once).
            let mut given = std::collections::HashMap::new();
            for (request, existing) in plan {
                if let Some(id) = existing {
                    ids.push(outbox_id(id));
                    continue;
                }
                let message = HeldMessage::new(outbox_id(next), request, seed, now)
                    .map_err(EnqueueError::from)?;
                if let Some(id) = given.get(message.request_id()) {
                    ids.push(*id);
                    continue;
                }
                next += 1;
                insert_message(&tx, &message, now)?;
                given.insert(message.request_id().to_owned(), message.id());
                ids.push(message.id());
            }
            tx.commit().map_err(db)?;
            Ok(ids)
        })
        .await
    }

    async fn lease(
        &self,
        owner: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<SpaceState>, StoreError> {
        let owner = owner.to_owned();
        self.with(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let leased: Option<(String, String)> = tx
                .query_row(
                    "UPDATE gchat_spaces SET lease_owner = ?1, lease_until = ?3
                     WHERE space = (
                         SELECT space FROM gchat_spaces
                         WHERE due IS NOT NULL AND due <= ?2
                           AND (lease_until IS NULL OR lease_until <= ?2)
                         ORDER BY due LIMIT 1)
                     RETURNING space, sent",
                    params![owner, now.as_millis(), until.as_millis()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(db)?;
            let Some((space, sent)) = leased else {
                return Ok(None);
            };
            let head: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, message FROM gchat_outbox WHERE space = ?1 ORDER BY id LIMIT 1",
                    params![space],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(db)?;
            let messages = match head.map(|(id, text)| (id, held(&text))) {
                None => Vec::new(),
                Some((_, Ok(message))) => vec![message],
                Some((id, Err(e))) => {
                    tx.execute("DELETE FROM gchat_outbox WHERE id = ?1", params![id])
                        .map_err(db)?;
                    tx.execute(
                        "UPDATE gchat_spaces SET lease_owner = NULL, lease_until = NULL
                         WHERE space = ?1",
                        params![space],
                    )
                    .map_err(db)?;
                    tx.commit().map_err(db)?;
                    return Err(dropped(&space, id, &e));
                }
            };
            tx.commit().map_err(db)?;
            Ok(Some(SpaceState::new(space, messages, from_text(&sent))))
        })
        .await
    }

    async fn save(
        &self,
        owner: &str,
        state: &SpaceState,
        finished: &[OutboxId],
        now: Timestamp,
        until: Timestamp,
    ) -> Result<(), StoreError> {
        let owner = owner.to_owned();
        let space = state.space.clone();
        let sent = to_text(&state.sent);
        let messages = rows(state)?;
        let finished: Vec<i64> = finished.iter().map(|id| row_id(*id)).collect();
        self.with(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let updated = tx
                .execute(
                    "UPDATE gchat_spaces SET sent = ?3, lease_until = ?5
                     WHERE space = ?1 AND lease_owner = ?2 AND lease_until > ?4",
                    params![space, owner, sent, now.as_millis(), until.as_millis()],
                )
                .map_err(db)?;
            if updated == 0 {
                return Err(StoreError::LeaseLost(space));
            }
            for (id, message) in messages {
                tx.execute(
                    "UPDATE gchat_outbox SET message = ?2 WHERE id = ?1",
                    params![id, message],
                )
                .map_err(db)?;
            }
            for id in finished {
                tx.execute("DELETE FROM gchat_outbox WHERE id = ?1", params![id])
                    .map_err(db)?;
            }
            tx.commit().map_err(db)
        })
        .await
    }

    async fn release_space(
        &self,
        owner: &str,
        space: &str,
        due: Timestamp,
    ) -> Result<(), StoreError> {
        let (owner, space) = (owner.to_owned(), space.to_owned());
        self.with(move |c| {
            c.execute(
                "UPDATE gchat_spaces SET lease_owner = NULL, lease_until = NULL,
                     due = CASE WHEN EXISTS (SELECT 1 FROM gchat_outbox WHERE space = ?2)
                                THEN ?3 ELSE NULL END
                 WHERE space = ?2 AND lease_owner = ?1",
                params![owner, space, due.as_millis()],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        self.with(|c| {
            let due: Option<i64> = c
                .query_row(
                    "SELECT MIN(CASE WHEN lease_until > due THEN lease_until ELSE due END)
                     FROM gchat_spaces WHERE due IS NOT NULL",
                    [],
                    |r| r.get(0),
                )
                .map_err(db)?;
            Ok(due.map(Timestamp::from_millis))
        })
        .await
    }

    async fn pending(&self) -> Result<usize, StoreError> {
        self.with(|c| {
            c.query_row("SELECT COUNT(*) FROM gchat_outbox", [], |r| r.get(0))
                .map(count_of)
                .map_err(db)
        })
        .await
    }

    async fn sweep(&self, now: Timestamp) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                "DELETE FROM gchat_dedup
                 WHERE expires_at <= ?1 OR (status IS NULL AND claimed_at <= ?2)",
                params![now.as_millis(), before(now, DEAD_CLAIM)],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn key_documents(&self) -> Result<Vec<KeyDocument>, StoreError> {
        self.with(|c| {
            let mut statement = c
                .prepare("SELECT url, headers, body, fetched_at FROM gchat_keys")
                .map_err(db)?;
            let rows = statement
                .query_map([], |r| {
                    Ok(KeyDocument {
                        url: r.get(0)?,
                        headers: from_text(&r.get::<_, String>(1)?),
                        body: r.get(2)?,
                        fetched_at: Timestamp::from_millis(r.get(3)?),
                    })
                })
                .map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)
        })
        .await
    }

    async fn save_key_document(&self, document: &KeyDocument) -> Result<(), StoreError> {
        let document = document.clone();
        self.with(move |c| {
            c.execute(
                "INSERT INTO gchat_keys (url, headers, body, fetched_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (url) DO UPDATE SET headers = excluded.headers,
                     body = excluded.body, fetched_at = excluded.fetched_at",
                params![
                    document.url,
                    to_text(&document.headers),
                    document.body,
                    document.fetched_at.as_millis()
                ],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn import(&self, spaces: Vec<SpaceState>, now: Timestamp) -> Result<(), StoreError> {
        self.with(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let mut top = 0;
            for state in &spaces {
                tx.execute(
                    "INSERT INTO gchat_spaces (space, sent) VALUES (?1, ?2)
                     ON CONFLICT (space) DO UPDATE SET sent = excluded.sent",
                    params![state.space, to_text(&state.sent)],
                )
                .map_err(db)?;
                for message in &state.messages {
                    top = top.max(row_id(message.id()));
                    insert_message(&tx, message, now)?;
                }
            }
            tx.execute(
                "UPDATE gchat_counters SET value = MAX(value, ?1) WHERE name = 'outbox_id'",
                params![top + 1],
            )
            .map_err(db)?;
            tx.commit().map_err(db)
        })
        .await
    }
}

/// Inserts a message (once per `requestId`) and marks its space due.
fn insert_message(
    tx: &rusqlite::Transaction<'_>,
    message: &HeldMessage,
    now: Timestamp,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(message).map_err(StoreError::db)?;
    tx.execute(
        "INSERT INTO gchat_outbox (id, space, request_id, message) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (request_id) DO NOTHING",
        params![
            row_id(message.id()),
            message.space(),
            message.request_id(),
            text
        ],
    )
    .map_err(db)?;
    tx.execute(
        "INSERT INTO gchat_spaces (space, due) VALUES (?1, ?2)
         ON CONFLICT (space) DO UPDATE SET due = COALESCE(gchat_spaces.due, excluded.due)",
        params![message.space(), now.as_millis()],
    )
    .map_err(db)?;
    Ok(())
}

/// A leased space's messages as rows to update.
fn rows(state: &SpaceState) -> Result<Vec<(i64, String)>, StoreError> {
    state
        .messages
        .iter()
        .map(|m| {
            Ok((
                row_id(m.id()),
                serde_json::to_string(m).map_err(StoreError::db)?,
            ))
        })
        .collect()
}
