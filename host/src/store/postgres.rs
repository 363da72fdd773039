//! [`Store`] in PostgreSQL (tokio-postgres, pooled by deadpool): for many
//! instances of the server behind one load balancer.
//!
//! - Repeat deliveries: one row per event, claimed by `INSERT … ON
//!   CONFLICT`, so exactly one instance handles an event and the others
//!   answer with its response.
//! - The outbox: one row per message, and one row per space holding its
//!   send history (the quota, shared by every instance) and its lease. An
//!   instance leases a due space with `FOR UPDATE SKIP LOCKED`, so spaces
//!   are spread over instances and each goes one message at a time, in
//!   order. A lease left by a dead instance ends at `lease_until`; the next
//!   holder sends its attempt again (same `requestId`).
//! - The schema is migrated at start, under an advisory lock, so instances
//!   starting together migrate once.
//!
//! Connections are plain TCP (`NoTls`): keep the database on a private
//! network or a Unix socket.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use deadpool_postgres::{GenericClient as _, Manager, ManagerConfig, Pool, RecyclingMethod};
use gchat::Timestamp;
use gchat::app::Response;
use gchat::outbound::{
    EnqueueError, HeldMessage, OutboundRequest, OutboxConfig, OutboxId, SpaceState,
};
use tokio_postgres::NoTls;

use super::{
    Claim, DEAD_CLAIM, KeyDocument, Store, StoreError, before, count_of, dropped, from_text, held,
    outbox_id, row_id, to_text,
};

/// The schema, one step per version (`gchat_schema` counts them).
const MIGRATIONS: &[&str] = &[r"
CREATE TABLE gchat_dedup (
    key TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    status INTEGER,
    headers TEXT,
    body BYTEA,
    expires_at BIGINT
);
CREATE SEQUENCE gchat_outbox_id;
CREATE TABLE gchat_outbox (
    id BIGINT PRIMARY KEY,
    space TEXT NOT NULL,
    request_id TEXT NOT NULL UNIQUE,
    message TEXT NOT NULL
);
CREATE INDEX gchat_outbox_space ON gchat_outbox (space, id);
CREATE TABLE gchat_spaces (
    space TEXT PRIMARY KEY,
    sent TEXT NOT NULL DEFAULT '[]',
    due BIGINT,
    lease_owner TEXT,
    lease_until BIGINT
);
CREATE INDEX gchat_spaces_due ON gchat_spaces (due) WHERE due IS NOT NULL;
CREATE TABLE gchat_keys (
    url TEXT PRIMARY KEY,
    headers TEXT NOT NULL,
    body BYTEA NOT NULL,
    fetched_at BIGINT NOT NULL
);
"];

/// The advisory lock held while migrating (any number; gchat's own).
const MIGRATION_LOCK: i64 = 0x6763_6861_7400;

/// The PostgreSQL store.
#[derive(Clone)]
pub struct Postgres {
    pool: Pool,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres").finish_non_exhaustive()
    }
}

fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::db(e)
}

impl Postgres {
    /// Connects to the database at `url` (`postgres://user@host:port/db`)
    /// and migrates its schema.
    ///
    /// # Errors
    /// When the URL is not one, the server cannot be reached, or the
    /// schema is newer than this gchat's.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("--state: not a PostgreSQL URL: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(10)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(db)?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(db)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS gchat_schema (version INTEGER NOT NULL)")
            .await
            .map_err(db)?;
        let version: i32 = tx
            .query_opt("SELECT version FROM gchat_schema", &[])
            .await
            .map_err(db)?
            .map_or(0, |r| r.get(0));
        let known = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
        if version > known {
            return Err(StoreError::Invalid(format!(
                "the state database is at schema version {version}, newer than this gchat's {known}"
            )));
        }
        for sql in MIGRATIONS
            .iter()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            tx.batch_execute(sql).await.map_err(db)?;
        }
        tx.execute("DELETE FROM gchat_schema", &[])
            .await
            .map_err(db)?;
        tx.execute("INSERT INTO gchat_schema (version) VALUES ($1)", &[&known])
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }
}

#[async_trait::async_trait]
impl Store for Postgres {
    fn shared(&self) -> bool {
        true
    }

    async fn claim(
        &self,
        key: &str,
        token: &str,
        now: Timestamp,
        stale_after: Duration,
    ) -> Result<Claim, StoreError> {
        let client = self.client().await?;
        let claimed = client
            .execute(
                "INSERT INTO gchat_dedup (key, token, claimed_at) VALUES ($1, $4, $2)
                 ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token,
                     claimed_at = EXCLUDED.claimed_at,
                     status = NULL, headers = NULL, body = NULL, expires_at = NULL
                 WHERE (gchat_dedup.status IS NULL AND gchat_dedup.claimed_at <= $3)
                    OR gchat_dedup.expires_at <= $2",
                &[&key, &now.as_millis(), &before(now, stale_after), &token],
            )
            .await
            .map_err(db)?;
        if claimed == 1 {
            return Ok(Claim::Mine);
        }
        let row = client
            .query_opt(
                "SELECT status, headers, body FROM gchat_dedup WHERE key = $1",
                &[&key],
            )
            .await
            .map_err(db)?;
        Ok(match row {
            Some(row) => match row.get::<_, Option<i32>>(0) {
                Some(status) => Claim::Answered(Response::new(
                    u16::try_from(status).unwrap_or(500),
                    from_text(row.get::<_, Option<&str>>(1).unwrap_or("[]")),
                    row.get::<_, Option<Vec<u8>>>(2).unwrap_or_default(),
                )),
                None => Claim::Busy,
            },
            None => Claim::Busy,
        })
    }

    async fn answer(
        &self,
        key: &str,
        token: &str,
        response: &Response,
        expires: Timestamp,
    ) -> Result<bool, StoreError> {
        let answered = self
            .client()
            .await?
            .execute(
                "UPDATE gchat_dedup SET status = $2, headers = $3, body = $4, expires_at = $5
                 WHERE key = $1 AND token = $6",
                &[
                    &key,
                    &i32::from(response.status),
                    &to_text(&response.headers),
                    &response.body,
                    &expires.as_millis(),
                    &token,
                ],
            )
            .await
            .map_err(db)?;
        Ok(answered == 1)
    }

    async fn release(&self, key: &str, token: &str) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "DELETE FROM gchat_dedup WHERE key = $1 AND token = $2 AND status IS NULL",
                &[&key, &token],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn enqueue(
        &self,
        requests: Vec<OutboundRequest>,
        config: &OutboxConfig,
        now: Timestamp,
    ) -> Result<Vec<OutboxId>, StoreError> {
        for request in &requests {
            request.options().check().map_err(EnqueueError::from)?;
        }
        let mut attempt = 1;
        loop {
            let mut client = self.client().await?;
            match enqueue_in(&mut client, &requests, config, now).await {
                Ok(queued) => return queued,
                // Two batches locking the same rows in another order, or a
                // serialization failure: the database undid this one; again.
                Err(e) if attempt < 4 && retryable(&e) => {
                    tracing::debug!(attempt, error = %e, "enqueue retried");
                    attempt += 1;
                }
                Err(e) => return Err(db(e)),
            }
        }
    }

    async fn lease(
        &self,
        owner: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<SpaceState>, StoreError> {
        let client = self.client().await?;
        let Some(row) = client
            .query_opt(
                "UPDATE gchat_spaces s SET lease_owner = $1, lease_until = $3
                 FROM (SELECT space FROM gchat_spaces
                       WHERE due IS NOT NULL AND due <= $2
                         AND (lease_until IS NULL OR lease_until <= $2)
                       ORDER BY due LIMIT 1
                       FOR UPDATE SKIP LOCKED) due
                 WHERE s.space = due.space
                 RETURNING s.space, s.sent",
                &[&owner, &now.as_millis(), &until.as_millis()],
            )
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let space: String = row.get(0);
        let sent: String = row.get(1);
        let head = client
            .query_opt(
                "SELECT id, message FROM gchat_outbox WHERE space = $1 ORDER BY id LIMIT 1",
                &[&space],
            )
            .await
            .map_err(db)?;
        let messages = match head.map(|row| (row.get::<_, i64>(0), held(row.get(1)))) {
            None => Vec::new(),
            Some((_, Ok(message))) => vec![message],
            Some((id, Err(e))) => {
                client
                    .batch_execute(&format!(
                        "DELETE FROM gchat_outbox WHERE id = {id};
                         UPDATE gchat_spaces SET lease_owner = NULL, lease_until = NULL
                         WHERE lease_owner = '{}'",
                        owner.replace('\'', "''")
                    ))
                    .await
                    .map_err(db)?;
                return Err(dropped(&space, id, &e));
            }
        };
        Ok(Some(SpaceState::new(space, messages, from_text(&sent))))
    }

    async fn save(
        &self,
        owner: &str,
        state: &SpaceState,
        finished: &[OutboxId],
        now: Timestamp,
        until: Timestamp,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let updated = tx
            .execute(
                "UPDATE gchat_spaces SET sent = $3, lease_until = $5
                 WHERE space = $1 AND lease_owner = $2 AND lease_until > $4",
                &[
                    &state.space,
                    &owner,
                    &to_text(&state.sent),
                    &now.as_millis(),
                    &until.as_millis(),
                ],
            )
            .await
            .map_err(db)?;
        if updated == 0 {
            return Err(StoreError::LeaseLost(state.space.clone()));
        }
        for message in &state.messages {
            let text = serde_json::to_string(message).map_err(db)?;
            tx.execute(
                "UPDATE gchat_outbox SET message = $2 WHERE id = $1",
                &[&row_id(message.id()), &text],
            )
            .await
            .map_err(db)?;
        }
        let finished: Vec<i64> = finished.iter().map(|f| row_id(*f)).collect();
        tx.execute("DELETE FROM gchat_outbox WHERE id = ANY($1)", &[&finished])
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn release_space(
        &self,
        owner: &str,
        space: &str,
        due: Timestamp,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        // The row locked first (waiting for an enqueue that holds it), so
        // that the next statement's snapshot sees that enqueue's message.
        let held = tx
            .query_opt(
                "SELECT 1 FROM gchat_spaces WHERE space = $1 AND lease_owner = $2 FOR UPDATE",
                &[&space, &owner],
            )
            .await
            .map_err(db)?;
        if held.is_some() {
            tx.execute(
                "UPDATE gchat_spaces SET lease_owner = NULL, lease_until = NULL,
                     due = CASE WHEN EXISTS (SELECT 1 FROM gchat_outbox WHERE space = $2)
                                THEN $3::BIGINT ELSE NULL END
                 WHERE space = $2 AND lease_owner = $1",
                &[&owner, &space, &due.as_millis()],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT MIN(GREATEST(due, COALESCE(lease_until, due)))
                 FROM gchat_spaces WHERE due IS NOT NULL",
                &[],
            )
            .await
            .map_err(db)?;
        Ok(row.get::<_, Option<i64>>(0).map(Timestamp::from_millis))
    }

    async fn pending(&self) -> Result<usize, StoreError> {
        let count: i64 = self
            .client()
            .await?
            .query_one("SELECT COUNT(*) FROM gchat_outbox", &[])
            .await
            .map_err(db)?
            .get(0);
        Ok(count_of(count))
    }

    async fn sweep(&self, now: Timestamp) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "DELETE FROM gchat_dedup
                 WHERE expires_at <= $1 OR (status IS NULL AND claimed_at <= $2)",
                &[&now.as_millis(), &before(now, DEAD_CLAIM)],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn import(&self, spaces: Vec<SpaceState>, now: Timestamp) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let mut top = 0;
        for state in &spaces {
            tx.execute(
                "INSERT INTO gchat_spaces (space, sent) VALUES ($1, $2)
                 ON CONFLICT (space) DO UPDATE SET sent = EXCLUDED.sent",
                &[&state.space, &to_text(&state.sent)],
            )
            .await
            .map_err(db)?;
            for message in &state.messages {
                top = top.max(row_id(message.id()));
                insert_row(&tx, message).await.map_err(db)?;
            }
        }
        let names: BTreeSet<&str> = spaces.iter().map(|s| s.space.as_str()).collect();
        mark_due(&tx, &names, now).await.map_err(db)?;
        tx.execute(
            "SELECT setval('gchat_outbox_id', GREATEST($1, (SELECT last_value FROM gchat_outbox_id)))",
            &[&top.max(1)],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn key_documents(&self) -> Result<Vec<KeyDocument>, StoreError> {
        let rows = self
            .client()
            .await?
            .query("SELECT url, headers, body, fetched_at FROM gchat_keys", &[])
            .await
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|r| KeyDocument {
                url: r.get(0),
                headers: from_text(r.get(1)),
                body: r.get(2),
                fetched_at: Timestamp::from_millis(r.get(3)),
            })
            .collect())
    }

    async fn save_key_document(&self, document: &KeyDocument) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO gchat_keys (url, headers, body, fetched_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (url) DO UPDATE SET headers = EXCLUDED.headers,
                     body = EXCLUDED.body, fetched_at = EXCLUDED.fetched_at",
                &[
                    &document.url,
                    &to_text(&document.headers),
                    &document.body,
                    &document.fetched_at.as_millis(),
                ],
            )
            .await
            .map_err(db)?;
        Ok(())
    }
}

/// One attempt at [`Store::enqueue`]: the database's error apart (it may
/// be worth another attempt), what to answer otherwise.
async fn enqueue_in(
    client: &mut deadpool_postgres::Object,
    requests: &[OutboundRequest],
    config: &OutboxConfig,
    now: Timestamp,
) -> Result<Result<Vec<OutboxId>, StoreError>, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    let mut held = Vec::with_capacity(requests.len());
    for request in requests {
        let existing = match &request.options().request_id {
            Some(r) => tx
                .query_opt("SELECT id FROM gchat_outbox WHERE request_id = $1", &[r])
                .await?
                .map(|row| outbox_id(row.get(0))),
            None => None,
        };
        held.push(existing);
    }
    let new = held.iter().filter(|e| e.is_none()).count();
    let count: i64 = tx
        .query_one("SELECT COUNT(*) FROM gchat_outbox", &[])
        .await?
        .get(0);
    if count_of(count).saturating_add(new) > config.capacity {
        let capacity = config.capacity;
        return Ok(Err(EnqueueError::Full { capacity }.into()));
    }
    let mut ids = Vec::with_capacity(requests.len());
    // Ids given in this batch, by requestId (one held once).
    let mut given: HashMap<String, OutboxId> = HashMap::new();
    let mut spaces = BTreeSet::new();
    for (request, existing) in requests.iter().zip(held) {
        if let Some(id) = existing {
            ids.push(id);
            continue;
        }
        let next: i64 = tx
            .query_one("SELECT nextval('gchat_outbox_id')", &[])
            .await?
            .get(0);
        let message = match HeldMessage::new(outbox_id(next), request.clone(), config.seed, now) {
            Ok(message) => message,
            Err(e) => return Ok(Err(EnqueueError::from(e).into())),
        };
        if let Some(id) = given.get(message.request_id()) {
            ids.push(*id);
            continue;
        }
        let id = insert_row(&tx, &message).await?.unwrap_or(message.id());
        given.insert(message.request_id().to_owned(), id);
        spaces.insert(message.space().to_owned());
        ids.push(id);
    }
    let spaces: BTreeSet<&str> = spaces.iter().map(String::as_str).collect();
    mark_due(&tx, &spaces, now).await?;
    tx.commit().await?;
    Ok(Ok(ids))
}

/// Whether the database undid a transaction that may go again.
fn retryable(error: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    error.code().is_some_and(|code| {
        *code == SqlState::T_R_DEADLOCK_DETECTED || *code == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

/// Inserts a message; when its `requestId` is held already (a concurrent
/// enqueue of the same work), the id held.
async fn insert_row(
    tx: &deadpool_postgres::Transaction<'_>,
    message: &HeldMessage,
) -> Result<Option<OutboxId>, tokio_postgres::Error> {
    let text = serde_json::to_string(message).unwrap_or_default();
    let inserted = tx
        .execute(
            "INSERT INTO gchat_outbox (id, space, request_id, message) VALUES ($1, $2, $3, $4)
             ON CONFLICT (request_id) DO NOTHING",
            &[
                &row_id(message.id()),
                &message.space(),
                &message.request_id(),
                &text,
            ],
        )
        .await?;
    if inserted == 1 {
        return Ok(None);
    }
    let row = tx
        .query_one(
            "SELECT id FROM gchat_outbox WHERE request_id = $1",
            &[&message.request_id()],
        )
        .await?;
    Ok(Some(outbox_id(row.get(0))))
}

/// Marks `spaces` due (unless due already), in one order for every
/// transaction, so that two never wait for each other's rows.
async fn mark_due(
    tx: &deadpool_postgres::Transaction<'_>,
    spaces: &BTreeSet<&str>,
    now: Timestamp,
) -> Result<(), tokio_postgres::Error> {
    for space in spaces {
        tx.execute(
            "INSERT INTO gchat_spaces (space, due) VALUES ($1, $2)
             ON CONFLICT (space) DO UPDATE SET due = COALESCE(gchat_spaces.due, EXCLUDED.due)",
            &[space, &now.as_millis()],
        )
        .await?;
    }
    Ok(())
}
