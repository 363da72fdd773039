//! `gchat_server` as a library: a `Server` built in code with async
//! handlers, its routes nested under a path of another axum app, served
//! and stopped by its host; handlers within and over their budget; one
//! handler run per event however often it is delivered; `ctx.post`
//! through the outbox.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::chat::FakeChat;
use common::{fixture, http};
use gchat::app::Reply;
use gchat::auth::{KeySet, Verifier};
use gchat::message::model::Message;
use gchat::outbound::{AppAuth, CHAT_BOT_SCOPE, OutboxConfig, ServiceAccountKey};
use gchat_server::courier::Settings;
use gchat_server::{App, Keys, Server};

/// Delivery to the stand-in Chat, with app authentication, and `config`.
fn to_chat(chat: &FakeChat, config: OutboxConfig) -> Settings {
    let account = common::service_account(&chat.base).to_string();
    let account = ServiceAccountKey::from_json(&account).unwrap();
    Settings {
        api_base: chat.base.clone(),
        auth: Some(AppAuth::new(account, CHAT_BOT_SCOPE)),
        config,
    }
}

/// Every post and edit the stand-in Chat received, once the last has `text`
/// (waiting, bounded).
fn writes_until(chat: &FakeChat, text: &str) -> Vec<common::chat::Received> {
    common::wait_for(1, || {
        let writes: Vec<_> = chat
            .all_received()
            .into_iter()
            .filter(|r| r.path != "/token")
            .collect();
        let done = writes.last().is_some_and(|w| w.json()["text"] == text);
        if done { writes } else { Vec::new() }
    })
}

/// A server for `app` (no token checks) on a free port, in `runtime`,
/// delivering to the stand-in Chat when there is one.
fn start(runtime: &tokio::runtime::Runtime, app: App, chat: Option<&FakeChat>) -> String {
    start_with(runtime, app, chat.map(|c| to_chat(c, OutboxConfig::new(7))))
}

/// [`start`] with these delivery settings.
fn start_with(runtime: &tokio::runtime::Runtime, app: App, settings: Option<Settings>) -> String {
    runtime.block_on(async {
        let mut builder = Server::builder()
            .app(app)
            .verifier(Verifier::insecure_skip_verification())
            .keys(Keys::Fixed(KeySet::new()));
        if let Some(settings) = settings {
            builder = builder.courier(settings);
        }
        let server = builder.build().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(server.serve(listener, std::future::pending()));
        addr
    })
}

#[test]
fn a_server_built_in_code_serves_under_a_path_of_another_app_and_stops_cleanly() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = App::new().on_message(|event, _| async move {
        // An await, as a handler calling a database or an API would.
        tokio::time::sleep(Duration::from_millis(10)).await;
        Ok(Reply::text(format!(
            "you said {}",
            event.argument_text().unwrap_or_default().trim()
        )))
    });
    let (addr, stop, served) = runtime.block_on(async {
        let server = Server::builder()
            .app(app)
            .verifier(Verifier::insecure_skip_verification())
            .keys(Keys::Fixed(KeySet::new()))
            .drain_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        assert_eq!(server.pending().await, 0);
        // The host's own app, with the Chat app nested under /chat.
        let host = axum::Router::new()
            .route("/", axum::routing::get(|| async { "the host's own page" }))
            .nest("/chat", server.router());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(async move {
            axum::serve(listener, host)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        (addr, stop, served)
    });
    let reply = http(
        &addr,
        "POST",
        "/chat",
        &[],
        &fixture("classic-message.json"),
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(
        reply.json()["text"]
            .as_str()
            .unwrap()
            .starts_with("you said"),
        "{}",
        reply.json()
    );
    assert_eq!(
        http(&addr, "GET", "/chat/healthz", &[], b"").json()["status"],
        "ok"
    );
    assert_eq!(
        http(&addr, "GET", "/", &[], b"").body,
        b"the host's own page"
    );
    stop.send(()).unwrap();
    runtime.block_on(served).unwrap().unwrap();
}

#[test]
fn serve_drains_and_returns_when_its_shutdown_completes() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = Server::builder()
            .app(App::new())
            .verifier(Verifier::insecure_skip_verification())
            .keys(Keys::Fixed(KeySet::new()))
            .build()
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let result = server.serve(listener, async {}).await;
        assert!(result.is_ok(), "{result:?}");
    });
    // Without an app, or without expectations, `build` says so.
    let err = runtime.block_on(async { Server::builder().build().unwrap_err() });
    assert_eq!(err.to_string(), "no app: call `Builder::app`");
    let err = runtime.block_on(async { Server::builder().app(App::new()).build().unwrap_err() });
    assert_eq!(
        err.to_string(),
        "no expectations: call `Builder::expectations` (or `Builder::verifier`)"
    );
}

#[test]
fn a_slow_handler_within_its_budget_answers_and_one_over_it_gets_the_error_text() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = App::new()
        .budget(Duration::from_millis(800))
        .error_text("Sorry, that took too long.")
        .on_message(|event, _| async move {
            let text = event.argument_text().unwrap_or_default().trim().to_owned();
            let wait = if text.contains("slow") { 5_000 } else { 300 };
            tokio::time::sleep(Duration::from_millis(wait)).await;
            Ok(Reply::text("done"))
        });
    let addr = start(&runtime, app, None);
    let body = String::from_utf8(fixture("classic-message.json")).unwrap();
    let reply = http(&addr, "POST", "/", &[], body.as_bytes());
    assert_eq!(reply.json()["text"], "done", "300 ms is within 800 ms");

    let slow = body
        .replace("messages/", "messages/slow-")
        .replacen("\"text\": \"", "\"text\": \"slow ", 1)
        .replace("\"argumentText\": \"", "\"argumentText\": \"slow ");
    assert!(slow.contains("slow"), "the fixture has a text to change");
    let started = std::time::Instant::now();
    let reply = http(&addr, "POST", "/", &[], slow.as_bytes());
    let took = started.elapsed();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["text"], "Sorry, that took too long.");
    assert!(
        took < Duration::from_secs(3),
        "answered at the budget, not after the handler: {took:?}"
    );
}

#[test]
fn a_redelivered_event_runs_its_handler_once_and_gets_the_first_answer() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let app = App::new().on_message(move |_, _| {
        let runs = Arc::clone(&counted);
        async move {
            let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(Reply::text(format!("run {n}")))
        }
    });
    let addr = start(&runtime, app, None);
    let body = fixture("classic-message.json");
    // Three deliveries at once (two arrive while the first is handled), then one later.
    let replies: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| http(&addr, "POST", "/", &[], &body)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let later = http(&addr, "POST", "/", &[], &body);
    for reply in replies.iter().chain([&later]) {
        assert_eq!(reply.json()["text"], "run 1");
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn ctx_post_goes_through_the_outbox_once_per_event() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let chat = FakeChat::start(Vec::new());
    let app = App::new().on_message(|_, ctx| async move {
        let queued = ctx
            .post(Message::text("working on it"))
            .await
            .map_err(|e| gchat::app::AppError::Handler(e.to_string()))?;
        assert!(queued.request_id.starts_with("gchat-"));
        Ok(Reply::text("posted"))
    });
    let addr = start(&runtime, app, Some(&chat));
    let body = fixture("classic-message.json");
    assert_eq!(
        http(&addr, "POST", "/", &[], &body).json()["text"],
        "posted"
    );
    let posted = chat.wait_posted(1);
    assert_eq!(posted[0]["text"], "working on it");
    let event = common::json(&body);
    assert_eq!(
        posted[0]["thread"]["name"], event["message"]["thread"]["name"],
        "in the event's thread"
    );
    let received = chat.received();
    assert!(received[0].path.starts_with(&format!(
        "/v1/{}/messages",
        event["space"]["name"].as_str().unwrap()
    )));
    assert!(received[0].query.contains_key("requestId"));
}

#[test]
fn ctx_progress_posts_a_placeholder_then_edits_it_at_most_once_a_second_ending_with_the_full_text()
{
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let chat = FakeChat::start(Vec::new());
    let app = App::new().on_message(|_, ctx| async move {
        let chunks = futures_util::stream::unfold(0, |i| async move {
            let words = ["one", " two", " three", " four"];
            let word = words.get(i)?;
            tokio::time::sleep(Duration::from_millis(400)).await;
            Some((Ok::<_, std::convert::Infallible>((*word).to_owned()), i + 1))
        });
        Ok(ctx.progress(chunks, gchat_server::Progress::default()))
    });
    let addr = start(&runtime, app, Some(&chat));
    let reply = http(&addr, "POST", "/", &[], &fixture("classic-message.json"));
    assert_eq!(reply.json(), serde_json::json!({}), "the reply is none");
    let writes = writes_until(&chat, "one two three four");
    assert_eq!(writes[0].json()["text"], "…", "the placeholder first");
    let placeholder_id = writes[0].query["messageId"].clone();
    assert!(placeholder_id.starts_with("client-"));
    for edit in &writes[1..] {
        assert!(edit.path.ends_with(&placeholder_id), "{}", edit.path);
        assert_eq!(
            edit.query.get("allowMissing").map(String::as_str),
            Some("true")
        );
    }
    assert!(
        writes.len() >= 3,
        "edits as the text grows: {}",
        writes.len()
    );
    for pair in writes[1..].windows(2) {
        assert!(
            pair[1].at - pair[0].at >= Duration::from_millis(950),
            "one edit a second at most"
        );
    }
}

#[test]
fn a_reply_whose_deferred_work_cannot_be_queued_gets_503_and_its_redelivery_is_handled_again() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let app = App::new().on_message(move |event, _| {
        let runs = Arc::clone(&counted);
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            let space = event.space().and_then(|s| s.name.clone()).unwrap();
            Ok(
                Reply::text("on it").defer(gchat::app::Deferred::create_message(
                    space,
                    Message::text("done"),
                )),
            )
        }
    });
    let mut config = OutboxConfig::new(7);
    config.capacity = 0;
    let chat = FakeChat::start(Vec::new());
    let addr = start_with(&runtime, app, Some(to_chat(&chat, config)));
    let body = fixture("classic-message.json");
    // The outbox is full: the reply is not sent without its work; Chat
    // delivers the event again later.
    let reply = http(&addr, "POST", "/", &[], &body);
    assert_eq!(reply.status, 503);
    assert_eq!(reply.json()["error"]["code"], "outbox_full");
    let again = http(&addr, "POST", "/", &[], &body);
    assert_eq!(again.status, 503);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "the redelivery is handled, not answered from memory"
    );
}

#[test]
fn a_progressive_reply_whose_stream_fails_ends_with_the_apps_error_text() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let chat = FakeChat::start(Vec::new());
    let app = App::new()
        .error_text("Sorry, the rest is lost.")
        .on_message(|_, ctx| async move {
            let chunks =
                futures_util::stream::iter([Ok("half of it".to_owned()), Err("the model hung up")]);
            Ok(ctx.progress(chunks, gchat_server::Progress::default()))
        });
    let addr = start(&runtime, app, Some(&chat));
    assert_eq!(
        http(&addr, "POST", "/", &[], &fixture("classic-message.json")).status,
        200
    );
    let last = writes_until(&chat, "half of it\nSorry, the rest is lost.");
    assert_eq!(
        last.len(),
        2,
        "the placeholder, then one edit with the text and the error: {last:?}"
    );
}
