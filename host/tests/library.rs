//! `gchat_server` as a library: a `Server` built in code, its routes nested
//! under a path of another axum app, served and stopped by its host.

mod common;

use std::time::Duration;

use common::{fixture, http};
use gchat::app::{Engine, Reply, Router};
use gchat::auth::{KeySet, Verifier};
use gchat_server::{Keys, Server};

#[test]
fn a_server_built_in_code_serves_under_a_path_of_another_app_and_stops_cleanly() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = Router::new().on_message(|event, _| {
        Ok(Reply::text(format!(
            "you said {}",
            event.argument_text().unwrap_or_default().trim()
        )))
    });
    let (addr, stop, served) = runtime.block_on(async {
        let server = Server::builder()
            .engine(Engine::new(app, Verifier::insecure_skip_verification()))
            .keys(Keys::Fixed(KeySet::new()))
            .drain_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        assert_eq!(server.pending(), 0);
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
            .engine(Engine::new(
                Router::new(),
                Verifier::insecure_skip_verification(),
            ))
            .keys(Keys::Fixed(KeySet::new()))
            .build()
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let result = server.serve(listener, async {}).await;
        assert!(result.is_ok(), "{result:?}");
    });
    // Without an engine, `build` says so.
    let err = runtime.block_on(async { Server::builder().build().unwrap_err() });
    assert_eq!(err.to_string(), "no engine: call `Builder::engine`");
}
