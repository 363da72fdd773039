//! The `Store` contract, the same for SQLite and for PostgreSQL (a real
//! server, started by the test): claims and answers fenced by their token,
//! enqueue all-or-none and once per `requestId`, spaces leased one holder
//! at a time with stores refused once a lease is lost or over, due times
//! kept, key documents, imports, and an unreadable message dropped rather
//! than holding up its space.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::postgres::Postgres;
use gchat::ErrorCode as _;
use gchat::Timestamp;
use gchat::app::Response;
use gchat::message::model::Message;
use gchat::outbound::{Outbox, OutboxConfig, OutboxId, WebhookRequest, WebhookUrl};
use gchat_server::store::{self, Claim, KeyDocument, Store, StoreError};

const T0: Timestamp = Timestamp::from_secs(1_900_000_000);

fn at(ms: u64) -> Timestamp {
    T0 + Duration::from_millis(ms)
}

fn hook(space: &str, text: &str, key: Option<&str>) -> gchat::outbound::OutboundRequest {
    let url = WebhookUrl::parse(&format!(
        "https://chat.googleapis.com/v1/spaces/{space}/messages?key=k&token=t"
    ))
    .unwrap();
    let mut request = WebhookRequest::new(url, Message::text(text)).unwrap();
    if let Some(key) = key {
        request = request.idempotency_key(key);
    }
    request.into()
}

fn config(capacity: usize) -> OutboxConfig {
    let mut config = OutboxConfig::new(5);
    config.capacity = capacity;
    config
}

async fn contract(store: Arc<dyn Store>) {
    // Claims: one holder; the answer fenced by the token; a repeat gets it.
    let ok = Response::new(
        200,
        vec![("content-type".into(), "application/json".into())],
        b"{\"text\":\"hi\"}".to_vec(),
    );
    let stale = Duration::from_secs(30);
    assert_eq!(
        store.claim("e1", "a", T0, stale).await.unwrap(),
        Claim::Mine
    );
    assert_eq!(
        store.claim("e1", "b", at(10), stale).await.unwrap(),
        Claim::Busy
    );
    assert!(
        !store.answer("e1", "b", &ok, at(600_000)).await.unwrap(),
        "not b's claim"
    );
    store.release("e1", "b").await.unwrap();
    assert_eq!(
        store.claim("e1", "c", at(20), stale).await.unwrap(),
        Claim::Busy,
        "b's release leaves a's claim"
    );
    assert!(store.answer("e1", "a", &ok, at(600_000)).await.unwrap());
    assert_eq!(
        store.claim("e1", "d", at(30), stale).await.unwrap(),
        Claim::Answered(ok.clone())
    );
    // A claim never answered goes stale; its old holder can no longer answer.
    assert_eq!(
        store.claim("e2", "a", T0, stale).await.unwrap(),
        Claim::Mine
    );
    assert_eq!(
        store.claim("e2", "b", at(30_000), stale).await.unwrap(),
        Claim::Mine
    );
    assert!(!store.answer("e2", "a", &ok, at(600_000)).await.unwrap());
    // An answer that expired is forgotten: the event may be handled again.
    assert_eq!(
        store.claim("e1", "e", at(600_000), stale).await.unwrap(),
        Claim::Mine
    );
    store.sweep(at(700_000)).await.unwrap();

    // Enqueue: once per requestId (within a batch too); all or none.
    let ids = store
        .enqueue(
            vec![
                hook("A", "a1", Some("k1")),
                hook("A", "a1 again", Some("k1")),
                hook("B", "b1", None),
            ],
            &config(3),
            T0,
        )
        .await
        .unwrap();
    assert_eq!(ids[0], ids[1], "one requestId, one message");
    assert_ne!(ids[0], ids[2]);
    assert_eq!(store.pending().await.unwrap(), 2);
    let again = store
        .enqueue(vec![hook("A", "a1", Some("k1"))], &config(3), T0)
        .await
        .unwrap();
    assert_eq!(again, [ids[0]]);
    let full = store
        .enqueue(
            vec![hook("A", "a2", None), hook("A", "a3", None)],
            &config(3),
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(full.code(), "outbox_full");
    assert_eq!(
        store.pending().await.unwrap(),
        2,
        "nothing of a refused batch"
    );
    let long = WebhookRequest::new(
        WebhookUrl::parse("https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t")
            .unwrap(),
        Message::text("x"),
    )
    .unwrap()
    .thread_key("k".repeat(4001));
    let invalid = store
        .enqueue(vec![long.into()], &config(10), T0)
        .await
        .unwrap_err();
    assert_eq!(invalid.code(), "thread_key_too_long");

    // Leases: one holder per space; the first message and the history.
    let a = store.lease("o1", T0, at(10_000)).await.unwrap().unwrap();
    let b = store.lease("o2", T0, at(100_000)).await.unwrap().unwrap();
    assert_ne!(a.space, b.space);
    assert!(
        store.lease("o3", T0, at(10_000)).await.unwrap().is_none(),
        "both leased"
    );
    assert_eq!(a.messages.len(), 1);
    // Driven by the core: one attempt goes, recorded in the history.
    let (space_a, owner_a) = (a.space.clone(), "o1");
    let mut outbox = Outbox::new(config(10));
    outbox.insert_space(a);
    let transmit = outbox.poll_transmit(at(1)).unwrap();
    let state = outbox.take_space(&space_a).unwrap();
    let err = store
        .save("o2", &state, &[], at(2), at(10_000))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::LeaseLost(_)),
        "not o2's lease: {err}"
    );
    let over = store
        .save(owner_a, &state, &[], at(10_000), at(20_000))
        .await
        .unwrap_err();
    assert!(
        matches!(over, StoreError::LeaseLost(_)),
        "the lease is over: {over}"
    );
    // Expired and taken by another: the old holder's release ends nothing.
    let taken = store
        .lease("o4", at(10_000), at(20_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.space, space_a);
    assert!(!taken.messages[0].in_flight(), "nothing was stored by o1");
    store
        .release_space(owner_a, &space_a, at(10_000))
        .await
        .unwrap();
    let other = store.lease("o5", at(10_001), at(20_000)).await.unwrap();
    assert!(other.is_none(), "o4 still holds {space_a}: {other:?}");
    // o4 stores the attempt, then its answer: the message is done.
    let mut outbox = Outbox::new(config(10));
    outbox.insert_space(taken);
    let transmit2 = outbox.poll_transmit(at(10_002)).unwrap();
    assert_eq!(
        transmit2.request, transmit.request,
        "the same request, same requestId"
    );
    let state = outbox.take_space(&space_a).unwrap();
    store
        .save("o4", &state, &[], at(10_003), at(30_000))
        .await
        .unwrap();
    outbox.insert_space(state);
    outbox.handle_response(
        transmit2.id,
        &gchat::outbound::Response::http(200, "{}"),
        at(10_004),
    );
    let state = outbox.take_space(&space_a).unwrap();
    assert!(state.messages.is_empty());
    assert_eq!(state.sent.len(), 1);
    store
        .save("o4", &state, &[transmit2.id], at(10_005), at(30_000))
        .await
        .unwrap();
    store
        .release_space("o4", &space_a, at(10_005))
        .await
        .unwrap();
    assert_eq!(store.pending().await.unwrap(), 1);
    // The space is not due again (no messages) until one is queued; then at
    // once, with its history.
    store
        .release_space("o2", &b.space, at(50_000))
        .await
        .unwrap();
    assert_eq!(store.next_due().await.unwrap(), Some(at(50_000)));
    store
        .enqueue(vec![hook(&space_a, "later", None)], &config(10), at(20_000))
        .await
        .unwrap();
    let back = store
        .lease("o6", at(20_000), at(40_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (back.space.as_str(), back.sent.len()),
        (space_a.as_str(), 1)
    );
    store
        .release_space("o6", &space_a, at(20_000))
        .await
        .unwrap();

    // Imported spaces keep their ids, and ids are never given again.
    let mut old = Outbox::new(config(10));
    let id = old.enqueue(hook("OLD", "kept", None), T0).unwrap();
    let state = old.take_space("OLD").unwrap();
    store.import(vec![state.clone()], T0).await.unwrap();
    store.import(vec![state], T0).await.unwrap();
    let next = store
        .enqueue(vec![hook("OLD", "new", None)], &config(10), T0)
        .await
        .unwrap();
    assert!(next[0] > id && next[0] > OutboxId(ids[2].0));

    // Key documents.
    let doc = KeyDocument {
        url: "https://www.googleapis.com/oauth2/v3/certs".into(),
        headers: vec![("cache-control".into(), "max-age=60".into())],
        body: b"{\"keys\":[]}".to_vec(),
        fetched_at: T0,
    };
    store.save_key_document(&doc).await.unwrap();
    store
        .save_key_document(&KeyDocument {
            fetched_at: at(1),
            ..doc.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        store.key_documents().await.unwrap(),
        [KeyDocument {
            fetched_at: at(1),
            ..doc
        }]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_keeps_the_contract() {
    let dir = common::temp_dir("store-sqlite");
    let spec = format!("sqlite:{}", dir.path().join("state.db").display());
    contract(store::open(&spec).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_keeps_the_contract() {
    let pg = Postgres::start().unwrap_or_else(|why| panic!("{why}"));
    pg.psql("postgres", "create database contract").unwrap();
    contract(store::open(&pg.url("contract")).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_message_is_dropped_with_an_error_and_its_space_goes_on() {
    let dir = common::temp_dir("store-unreadable");
    let path = dir.path().join("state.db");
    let spec = format!("sqlite:{}", path.display());
    let store = store::open(&spec).await.unwrap();
    store
        .enqueue(
            vec![hook("A", "one", None), hook("A", "two", None)],
            &config(10),
            T0,
        )
        .await
        .unwrap();
    drop(store);
    // A row an older or broken writer left.
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute("UPDATE gchat_outbox SET message = '{\"not\": \"a message\"}' WHERE id = (SELECT MIN(id) FROM gchat_outbox)", []).unwrap();
    drop(db);
    let store = store::open(&spec).await.unwrap();
    let err = store.lease("o", T0, at(10_000)).await.unwrap_err();
    assert_eq!(err.code(), "invalid_state");
    assert!(err.to_string().contains("of space A was dropped"), "{err}");
    let next = store.lease("o", T0, at(10_000)).await.unwrap().unwrap();
    assert_eq!(
        next.messages.len(),
        1,
        "the space goes on with its next message"
    );
    assert_eq!(store.pending().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_state_spec_says_what_to_write() {
    let err = store::open("mysql://x").await.unwrap_err();
    assert_eq!(err.code(), "invalid_state");
    assert_eq!(
        err.to_string(),
        "--state \"mysql://x\": write sqlite:PATH or postgres://USER@HOST/DB"
    );
    let err = store::open("postgres://nobody@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "state_unavailable");
}
