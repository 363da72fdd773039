//! The outbox driven through scripted sequences, with exact timings from
//! the seed; request building and response decisions on real payloads.

mod common;

use std::time::Duration;

use gchat::app::Deferred;
use gchat::message::model::{Card, Message, Section, Widget};
use gchat::outbound::{
    CreateMessageRequest, Decision, HeldMessage, OutboundRequest, Outbox, OutboxConfig,
    OutboxEvent, OutboxId, Quota, ReplyOption, Response, SpaceState, Transmit,
    UpdateMessageRequest, WebhookRequest, WebhookUrl, client_message_id_for, decide,
    request_id_for,
};
use gchat::{ErrorCode, Timestamp};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

const T0: Timestamp = Timestamp::from_secs(1_800_000_000);
const OK: &str = r#"{"name":"spaces/AAA/messages/m1","thread":{"name":"spaces/AAA/threads/t1"}}"#;

fn url(space: &str) -> WebhookUrl {
    WebhookUrl::parse(&format!(
        "https://chat.googleapis.com/v1/spaces/{space}/messages?key=k&token=t"
    ))
    .unwrap()
}

fn text(space: &str, text: &str) -> WebhookRequest {
    WebhookRequest::new(url(space), Message::text(text)).unwrap()
}

fn at(ms: u64) -> Timestamp {
    T0 + Duration::from_millis(ms)
}

fn outbox() -> Outbox {
    Outbox::new(OutboxConfig::new(7))
}

fn events(outbox: &mut Outbox) -> Vec<OutboxEvent> {
    std::iter::from_fn(|| outbox.poll_event()).collect()
}

fn send(outbox: &mut Outbox, now: Timestamp) -> Transmit {
    outbox
        .poll_transmit(now)
        .unwrap_or_else(|| panic!("nothing to send at {now:?}"))
}

#[wasm_bindgen_test(unsupported = test)]
fn retries_503_429_timeout_then_delivers_at_exact_times() {
    let mut ob = outbox();
    let id = ob
        .enqueue(text("AAA", "db-1 down").thread_key("db-1"), T0)
        .unwrap();
    assert_eq!(ob.poll_timeout(), Some(T0));

    let first = send(&mut ob, T0);
    assert_eq!((first.id, first.attempt), (id, 1));
    assert!(
        ob.poll_transmit(T0).is_none(),
        "one message in flight per space"
    );
    ob.handle_response(id, &Response::http(503, ""), T0);
    // Retry 1 of message 1 with seed 7: drawn from 0..=1 s.
    assert_eq!(ob.poll_timeout(), Some(at(143)));
    assert!(ob.poll_transmit(at(142)).is_none());

    let second = send(&mut ob, at(143));
    assert_eq!(second.request, first.request, "same body and requestId");
    let limited = Response::http(
        429,
        r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#,
    )
    .with_header("Retry-After", "2");
    ob.handle_response(id, &limited, at(143));
    // The draw (873 ms) is below Retry-After: 2 s wins.
    assert_eq!(ob.poll_timeout(), Some(at(2143)));

    let third = send(&mut ob, at(2143));
    assert_eq!(third.attempt, 3);
    // No answer: the attempt times out after 40 s, then retry 3 draws 562 ms.
    assert_eq!(ob.poll_timeout(), Some(at(42_143)));
    assert!(ob.poll_transmit(at(42_143)).is_none());
    assert_eq!(ob.poll_timeout(), Some(at(42_705)));

    let fourth = send(&mut ob, at(42_705));
    ob.handle_response(id, &Response::http(200, OK), at(42_800));
    let evs = events(&mut ob);
    let retries: Vec<(u32, Timestamp)> = evs
        .iter()
        .filter_map(|e| match e {
            OutboxEvent::Retrying { attempt, at, .. } => Some((*attempt, *at)),
            _ => None,
        })
        .collect();
    assert_eq!(retries, [(1, at(143)), (2, at(2143)), (3, at(42_705))]);
    let Some(OutboxEvent::Delivered {
        id: did,
        delivered,
        attempts,
        ..
    }) = evs.last()
    else {
        panic!("{evs:?}")
    };
    assert_eq!((*did, *attempts, fourth.attempt), (id, 4, 4));
    assert_eq!(delivered.name.as_deref(), Some("spaces/AAA/messages/m1"));
    assert_eq!(delivered.thread.as_deref(), Some("spaces/AAA/threads/t1"));
    assert!(ob.is_empty());
    assert_eq!(ob.poll_timeout(), None);
}

#[wasm_bindgen_test(unsupported = test)]
fn bad_request_and_not_found_give_up_at_once() {
    for (status, body, code) in [
        (
            400,
            r#"{"error":{"code":400,"message":"Invalid","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"text","description":"too long"}]}]}}"#,
            "invalid_argument",
        ),
        (
            404,
            r#"{"error":{"code":404,"message":"Not found","status":"NOT_FOUND"}}"#,
            "not_found",
        ),
    ] {
        let mut ob = outbox();
        let id = ob.enqueue(text("AAA", "x"), T0).unwrap();
        send(&mut ob, T0);
        ob.handle_response(id, &Response::http(status, body), T0);
        let evs = events(&mut ob);
        let [
            OutboxEvent::GaveUp {
                failure,
                attempts: 1,
                ..
            },
        ] = evs.as_slice()
        else {
            panic!("{evs:?}")
        };
        assert_eq!(failure.code, code);
        assert_eq!(failure.status, Some(status));
        assert!(ob.is_empty() && ob.poll_transmit(T0).is_none());
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn gives_up_when_attempts_run_out() {
    let mut config = OutboxConfig::new(7);
    config.retry.max_attempts = 3;
    let mut ob = Outbox::new(config);
    let id = ob.enqueue(text("AAA", "x"), T0).unwrap();
    for _ in 0..3 {
        let now = ob.poll_timeout().unwrap();
        send(&mut ob, now);
        ob.handle_response(id, &Response::http(500, ""), now);
    }
    let evs = events(&mut ob);
    let Some(OutboxEvent::GaveUp {
        failure,
        attempts: 3,
        ..
    }) = evs.last()
    else {
        panic!("{evs:?}")
    };
    assert_eq!(failure.code, "retries_exhausted");
    assert!(failure.message.contains("HTTP 500"));
}

#[wasm_bindgen_test(unsupported = test)]
fn keeps_each_space_within_sixty_per_minute() {
    let mut ob = outbox();
    for i in 0..61 {
        ob.enqueue(text("AAA", &format!("m{i}")), T0).unwrap();
    }
    ob.enqueue(text("BBB", "other space"), T0).unwrap();
    let mut sent_at = Vec::new();
    let mut now = T0;
    while let Some(wake) = ob.poll_timeout() {
        now = now.max(wake);
        while let Some(t) = ob.poll_transmit(now) {
            sent_at.push((t.request.url.contains("/AAA/"), now));
            ob.handle_response(t.id, &Response::http(200, OK), now);
        }
    }
    let aaa: Vec<Timestamp> = sent_at
        .iter()
        .filter(|(a, _)| *a)
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(aaa.len(), 61);
    assert!(aaa[..60].iter().all(|t| *t == T0));
    assert_eq!(
        aaa[60],
        T0 + Duration::from_secs(60),
        "the 61st waits for the window"
    );
    assert!(
        sent_at.contains(&(false, T0)),
        "another space does not wait"
    );
    let delivered = events(&mut ob)
        .iter()
        .filter(|e| matches!(e, OutboxEvent::Delivered { .. }))
        .count();
    assert_eq!(delivered, 62);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_custom_quota_paces_evenly() {
    let mut config = OutboxConfig::new(1);
    config.quota = Quota::new(1, Duration::from_secs(1));
    let mut ob = Outbox::new(config);
    for i in 0..3 {
        ob.enqueue(text("AAA", &format!("m{i}")), T0).unwrap();
    }
    let mut times = Vec::new();
    while let Some(now) = ob.poll_timeout() {
        let t = send(&mut ob, now);
        times.push(now);
        ob.handle_response(t.id, &Response::http(200, OK), now);
    }
    assert_eq!(times, [T0, at(1000), at(2000)]);
}

#[wasm_bindgen_test(unsupported = test)]
fn order_within_a_space_survives_retries() {
    let mut ob = outbox();
    let firing = ob
        .enqueue(text("AAA", "firing").thread_key("a1"), T0)
        .unwrap();
    let resolved = ob
        .enqueue(text("AAA", "resolved").thread_key("a1"), T0)
        .unwrap();
    let t = send(&mut ob, T0);
    assert_eq!(t.id, firing);
    ob.handle_response(firing, &Response::http(503, ""), T0);
    assert!(
        ob.poll_transmit(at(100)).is_none(),
        "the second waits behind the first"
    );
    let now = ob.poll_timeout().unwrap();
    assert_eq!(send(&mut ob, now).id, firing);
    ob.handle_response(firing, &Response::http(200, OK), now);
    assert_eq!(send(&mut ob, now).id, resolved);
}

#[wasm_bindgen_test(unsupported = test)]
fn one_idempotency_key_queues_once_and_every_message_gets_a_request_id() {
    let mut ob = outbox();
    let a = ob
        .enqueue(text("AAA", "x").idempotency_key("alert/1/firing"), T0)
        .unwrap();
    let b = ob
        .enqueue(text("AAA", "x").idempotency_key("alert/1/firing"), T0)
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(ob.len(), 1);
    let c = ob.enqueue(text("BBB", "y"), T0).unwrap();
    assert_ne!(a, c);
    let urls: Vec<String> = std::iter::from_fn(|| ob.poll_transmit(T0))
        .map(|t| t.request.url)
        .collect();
    assert_eq!(urls.len(), 2);
    assert!(
        urls.iter().all(|u| u.contains("&requestId=gchat-")),
        "{urls:?}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn state_survives_a_restart_and_nothing_is_lost_or_doubled() {
    let mut ob = outbox();
    let first = ob.enqueue(text("AAA", "one"), T0).unwrap();
    let second = ob.enqueue(text("BBB", "two"), T0).unwrap();
    let t = send(&mut ob, T0);
    assert_eq!(t.id, first);
    // The host saves, crashes with the first attempt unanswered, restarts.
    let saved = serde_json::to_string(&ob).unwrap();
    let mut back: Outbox = serde_json::from_str(&saved).unwrap();
    assert_eq!(back, ob);
    let now = at(500);
    let t2 = send(&mut back, now);
    assert_eq!(t2.id, second);
    back.handle_response(second, &Response::http(200, OK), now);
    // The first attempt times out and goes again with the same requestId.
    let wake = back.poll_timeout().unwrap();
    assert_eq!(wake, at(40_000));
    assert!(back.poll_transmit(wake).is_none());
    let retry_at = back.poll_timeout().unwrap();
    let again = send(&mut back, retry_at);
    assert_eq!((again.id, again.attempt), (first, 2));
    assert_eq!(again.request, t.request);
    back.handle_response(first, &Response::http(200, OK), retry_at);
    let delivered: Vec<OutboxId> = events(&mut back)
        .into_iter()
        .filter_map(|e| match e {
            OutboxEvent::Delivered { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(delivered, [second, first]);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_space_taken_out_and_driven_alone_keeps_its_order_quota_and_ids() {
    let mut config = OutboxConfig::new(7);
    config.quota = Quota::new(2, Duration::from_secs(10));
    let mut whole = Outbox::new(config);
    let a1 = whole.enqueue(text("AAA", "a1"), T0).unwrap();
    let a2 = whole.enqueue(text("AAA", "a2"), T0).unwrap();
    whole.enqueue(text("BBB", "b1"), T0).unwrap();
    let t = send(&mut whole, T0);
    assert_eq!(t.id, a1);
    whole.handle_response(a1, &Response::http(200, OK), T0);
    assert_eq!(whole.spaces().collect::<Vec<_>>(), ["AAA", "BBB"]);

    // A host stores AAA apart (as rows), then drives it alone.
    let stored = serde_json::to_string(&whole.take_space("AAA").unwrap()).unwrap();
    assert_eq!(whole.len(), 1, "only BBB's message is left");
    let state: SpaceState = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        state
            .messages
            .iter()
            .map(HeldMessage::id)
            .collect::<Vec<_>>(),
        [a2]
    );
    assert_eq!(state.sent, [T0], "the quota's history goes with the space");
    let mut alone = Outbox::new(whole.config().clone());
    alone.insert_space(state);
    // One more fits in AAA's window of 2 per 10 s, then it waits for the window.
    let t = send(&mut alone, at(1));
    assert_eq!(t.id, a2);
    assert!(!t.request.body.is_empty());
    alone.handle_response(a2, &Response::http(200, OK), at(1));
    let id = alone.enqueue(text("AAA", "a3"), at(2)).unwrap();
    assert!(id.0 > a2.0, "ids it held are never given again");
    assert_eq!(alone.next_send("AAA", at(2)), at(10_000));
    assert!(
        alone.poll_transmit(at(2)).is_none(),
        "two went in this window"
    );
    let back = alone.take_space("AAA").unwrap();
    assert_eq!((back.messages.len(), back.sent.len()), (1, 2));

    // A message a host numbers itself is checked and gets its requestId.
    let held = HeldMessage::new(OutboxId(99), text("CCC", "c"), 7, T0).unwrap();
    assert_eq!(
        (held.id(), held.space(), held.attempts()),
        (OutboxId(99), "CCC", 0)
    );
    assert!(!held.request_id().is_empty() && !held.in_flight());
    let long = text("CCC", "c").thread_key("k".repeat(4001));
    let refused = HeldMessage::new(OutboxId(1), long, 7, T0).unwrap_err();
    assert_eq!(refused.code(), "thread_key_too_long");
}

#[wasm_bindgen_test(unsupported = test)]
fn a_resumed_outbox_sends_an_interrupted_attempt_again_after_its_backoff_not_its_deadline() {
    let mut ob = outbox();
    let id = ob.enqueue(text("AAA", "one"), T0).unwrap();
    let t = send(&mut ob, T0);
    let mut back: Outbox = serde_json::from_str(&serde_json::to_string(&ob).unwrap()).unwrap();
    back.resume(at(100));
    let retrying = events(&mut back);
    assert!(
        matches!(&retrying[..], [OutboxEvent::Retrying { id: i, attempt: 1, reason, .. }]
            if *i == id && reason == "interrupted by a restart"),
        "{retrying:?}"
    );
    let due = back.poll_timeout().unwrap();
    assert!(
        due < at(40_000),
        "due at its backoff, not the 40 s deadline: {due:?}"
    );
    let again = send(&mut back, due);
    assert_eq!((again.id, again.attempt), (id, 2));
    assert_eq!(
        again.request, t.request,
        "the same requestId: Chat creates it once"
    );
    // Nothing in flight: resuming changes nothing.
    back.handle_response(id, &Response::http(200, OK), due);
    let before = back.clone();
    back.resume(due);
    assert_eq!(back, before);
}

#[wasm_bindgen_test(unsupported = test)]
fn a_late_success_after_a_timeout_counts() {
    let mut ob = outbox();
    let id = ob.enqueue(text("AAA", "x"), T0).unwrap();
    send(&mut ob, T0);
    assert!(
        ob.poll_transmit(at(40_000)).is_none(),
        "timed out, retry scheduled"
    );
    ob.handle_response(id, &Response::http(503, ""), at(40_001));
    assert!(!ob.is_empty(), "a late failure changes nothing");
    ob.handle_response(id, &Response::http(200, OK), at(40_002));
    assert!(ob.is_empty());
    // Answers for unknown ids are ignored.
    ob.handle_response(OutboxId(99), &Response::http(200, OK), at(40_003));
}

#[wasm_bindgen_test(unsupported = test)]
fn refuses_when_full_or_invalid() {
    let mut config = OutboxConfig::new(1);
    config.capacity = 1;
    let mut ob = Outbox::new(config);
    ob.enqueue(text("AAA", "x"), T0).unwrap();
    assert_eq!(
        ob.enqueue(text("AAA", "y"), T0).unwrap_err().code(),
        "outbox_full"
    );
    let long = text("AAA", "x").thread_key("k".repeat(4001));
    assert_eq!(
        outbox().enqueue(long, T0).unwrap_err().code(),
        "thread_key_too_long"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn shared_webhook_bodies_build_and_shared_errors_give_up() {
    for (name, body) in common::shared(&["webhook-request-"]) {
        let message: Message = serde_json::from_str(body).unwrap();
        let req =
            WebhookRequest::new(url("AAA"), message).unwrap_or_else(|e| panic!("{name}: {e}"));
        let http = req.to_http();
        let sent: Value = serde_json::from_str(&http.body).unwrap();
        let given: Value = serde_json::from_str(body).unwrap();
        assert_eq!(sent, given, "{name}: the body goes as given");
        if given.pointer("/thread/threadKey").is_some() {
            assert!(
                http.url
                    .contains("messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"),
                "{name}"
            );
        }
    }
    for (name, body) in common::shared(&["error-"]) {
        let req = text("AAA", "x")
            .reply_option(ReplyOption::ReplyMessageFallbackToNewThread)
            .into();
        let Decision::GiveUp(failure) = decide(&Response::http(400, body), &req, T0) else {
            panic!("{name}")
        };
        let expected: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            Some(failure.message.as_str()),
            expected.pointer("/error/message").and_then(Value::as_str),
            "{name}"
        );
        assert_eq!(failure.rpc_status.as_deref(), Some("INVALID_ARGUMENT"));
    }
}

fn service_account() -> gchat::outbound::ServiceAccountKey {
    let key = gchat::testing::TestKey::fixed();
    let json = serde_json::json!({
        "type": "service_account",
        "client_email": "bot@proj.iam.gserviceaccount.com",
        "private_key_id": key.kid(),
        "private_key": key.to_pem(),
        "token_uri": "https://oauth2.googleapis.com/token",
    });
    gchat::outbound::ServiceAccountKey::from_json(&json.to_string()).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn app_auth_assertion_token_and_refresh() {
    use gchat::outbound::{AppAuth, CHAT_BOT_SCOPE, CreateMessageRequest};
    let mut auth = AppAuth::new(service_account(), CHAT_BOT_SCOPE);
    let assertion = auth.poll_assertion(T0).expect("no token yet");
    assert!(auth.poll_assertion(T0).is_none(), "a request is pending");
    let claims = assertion.claims();
    assert_eq!(claims["iss"], "bot@proj.iam.gserviceaccount.com");
    assert_eq!(claims["scope"], CHAT_BOT_SCOPE);
    assert_eq!(claims["aud"], "https://oauth2.googleapis.com/token");
    assert_eq!(claims["exp"].as_i64(), Some(T0.as_secs() + 3600));
    // The seam: whoever signs (WebCrypto in JS) hands the signature back.
    let sig = gchat::testing::TestKey::fixed().sign(assertion.signing_input().as_bytes());
    let jwt = assertion.with_signature(&sig);
    let req = auth.token_request(&jwt);
    assert_eq!(req.url, "https://oauth2.googleapis.com/token");
    assert!(req.body.starts_with(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="
    ));
    assert!(
        !format!("{req:?}").contains(&jwt),
        "the assertion is redacted in logs"
    );

    let mut api = CreateMessageRequest::new("spaces/AAA", Message::text("done"))
        .unwrap()
        .to_http();
    assert_eq!(auth.authorize(&mut api, T0).unwrap_err().code(), "no_token");
    let answer = Response::http(
        200,
        r#"{"access_token":"ya29.tok","expires_in":3599,"token_type":"Bearer"}"#,
    );
    auth.handle_token_response(&answer, T0).unwrap();
    auth.authorize(&mut api, T0).unwrap();
    assert_eq!(api.header("authorization"), Some("Bearer ya29.tok"));
    assert_eq!(auth.access_token(at(3_598_000)).unwrap(), "ya29.tok");
    assert_eq!(
        auth.access_token(at(3_599_000)).unwrap_err().code(),
        "no_token",
        "expired"
    );
    assert!(
        auth.poll_assertion(at(3_000_000)).is_none(),
        "fresh for 55 minutes"
    );
    assert!(
        auth.poll_assertion(at(3_300_000)).is_some(),
        "refreshed 5 minutes early"
    );

    let refused = Response::http(
        400,
        r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#,
    );
    let err = auth.handle_token_response(&refused, T0).unwrap_err();
    assert_eq!(err.code(), "token_refused");
    assert!(err.to_string().contains("Invalid JWT Signature"));
}

#[cfg(not(target_family = "wasm"))]
#[test]
fn app_auth_signs_natively_with_jsonwebtoken() {
    use gchat::outbound::{AppAuth, CHAT_BOT_SCOPE};
    let mut auth = AppAuth::new(service_account(), CHAT_BOT_SCOPE);
    let req = auth
        .poll_token_request(T0)
        .unwrap()
        .expect("a token is due");
    let jwt = req.body.split("assertion=").nth(1).unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    // RS256 (PKCS#1 v1.5) is deterministic: the same bytes as the test key's own signature.
    let sig =
        gchat::testing::TestKey::fixed().sign(format!("{}.{}", parts[0], parts[1]).as_bytes());
    use base64::Engine as _;
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sig),
        parts[2]
    );
    assert!(auth.poll_token_request(T0).unwrap().is_none());
}

#[wasm_bindgen_test(unsupported = test)]
fn service_account_keys_are_checked() {
    use gchat::outbound::ServiceAccountKey;
    for (text, needle) in [
        ("{", "not a service-account key"),
        (r#"{"type":"authorized_user"}"#, "authorized_user"),
        (
            r#"{"type":"service_account","client_email":"a","private_key":"nope"}"#,
            "PKCS#8",
        ),
    ] {
        let err = ServiceAccountKey::from_json(text).unwrap_err();
        assert_eq!(err.code(), "bad_service_account_key");
        assert!(err.to_string().contains(needle), "{err}");
    }
    assert!(!format!("{:?}", service_account()).contains("PRIVATE KEY"));
}

#[wasm_bindgen_test(unsupported = test)]
fn a_batch_is_queued_all_or_none() {
    let mut config = OutboxConfig::new(1);
    config.capacity = 2;
    let mut ob = Outbox::new(config);
    let bad = text("AAA", "x").thread_key("k".repeat(4001));
    let err = ob
        .enqueue_all(vec![text("AAA", "ok").into(), bad.into()], T0)
        .unwrap_err();
    assert_eq!(err.code(), "thread_key_too_long");
    assert!(ob.is_empty(), "nothing queued");
    let three = (0..3)
        .map(|i| text("AAA", &format!("m{i}")).into())
        .collect();
    assert_eq!(ob.enqueue_all(three, T0).unwrap_err().code(), "outbox_full");
    assert!(ob.is_empty());
    let two = ob
        .enqueue_all(vec![text("AAA", "a").into(), text("BBB", "b").into()], T0)
        .unwrap();
    assert_eq!(two, [OutboxId(1), OutboxId(2)]);
}

const API: &str = "https://chat.googleapis.com/v1";

fn edit(name: &str, text: &str) -> UpdateMessageRequest {
    UpdateMessageRequest::new(name, Message::text(text)).unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn update_message_request_as_http() {
    let name = "spaces/AAA/messages/client-1";
    let plain = edit(name, "done");
    assert_eq!(plain.update_mask, ["text"]);
    assert!(!plain.allow_missing);
    assert_eq!(plain.space_id(), "AAA");
    let http = plain.to_http();
    assert_eq!(http.method, "PATCH");
    assert_eq!(http.url, format!("{API}/{name}?updateMask=text"));
    assert_eq!(
        http.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    assert_eq!(http.header("authorization"), None, "the host authorizes");
    let body: Value = serde_json::from_str(&http.body).unwrap();
    assert_eq!(body, json!({"text": "done"}));

    // Every content field the message sets is in the mask; allowMissing on request.
    let card = Card::titled("Deploy").section(Section::new().widget(Widget::text("api: done")));
    let both = UpdateMessageRequest::new(
        "spaces/AAA/messages/M1.M1",
        Message::text("done").card("status", card),
    )
    .unwrap()
    .allow_missing();
    assert_eq!(both.update_mask, ["text", "cardsV2"]);
    let http = both.to_http();
    assert_eq!(
        http.url,
        format!("{API}/spaces/AAA/messages/M1.M1?updateMask=text%2CcardsV2&allowMissing=true")
    );
    let body: Value = serde_json::from_str(&http.body).unwrap();
    assert_eq!(body["text"], "done");
    assert_eq!(body["cardsV2"][0]["cardId"], "status");
    assert_eq!(body["cardsV2"][0]["card"]["header"]["title"], "Deploy");

    // The idempotency key is the outbox's: an edit sends none on the wire.
    let keyed = edit(name, "done").idempotency_key("deploy-7/edit");
    assert_eq!(
        keyed.options.request_id,
        Some(request_id_for("deploy-7/edit"))
    );
    assert!(!keyed.to_http().url.contains("requestId"));
    let request: OutboundRequest = keyed.into();
    assert!(request.needs_app_auth());
    assert_eq!(request.space_id(), "AAA");
    assert_eq!(request.to_http().method, "PATCH");
}

#[wasm_bindgen_test(unsupported = test)]
fn update_message_request_refusals() {
    for name in [
        "",
        "spaces/AAA",
        "spaces/AAA/messages",
        "spaces/AAA/messages/",
        "spaces//messages/M",
        "AAA/messages/M",
        "rooms/AAA/messages/M",
        "spaces/AAA/threads/T",
        "spaces/AAA/messages/M/reactions/R",
        "/spaces/AAA/messages/M",
        "spaces/A A/messages/M",
        "spaces/AAA/messages/M?updateMask=name",
        "spaces/AAA/messages/M#x",
        "spaces/AAA/messages/..",
        "spaces/AAA/messages/.",
        "spaces/../messages/M",
    ] {
        let err = UpdateMessageRequest::new(name, Message::text("x")).unwrap_err();
        assert_eq!(err.code(), "bad_message_name", "{name:?}");
        assert!(err.to_string().contains(name), "{name:?}: {err}");
        assert_eq!(err.path(), None);
    }
    // The name is checked first, then the message as for a create.
    let name = "spaces/AAA/messages/M1.M1";
    assert_eq!(
        UpdateMessageRequest::new(name, Message::default())
            .unwrap_err()
            .code(),
        "empty_message"
    );
    let err = UpdateMessageRequest::new(name, Message::text("x".repeat(5000))).unwrap_err();
    assert_eq!((err.code(), err.path()), ("text_too_long", Some("/text")));
    for ok in [
        "spaces/AAA/messages/M1.M1",
        "spaces/AAA/messages/client-deploy_7",
    ] {
        assert!(
            UpdateMessageRequest::new(ok, Message::text("x")).is_ok(),
            "{ok}"
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn an_edit_waits_for_its_create_in_the_same_space() {
    let mut ob = outbox();
    let message_id = client_message_id_for("deploy-7");
    let name = format!("spaces/AAA/messages/{message_id}");
    let create = CreateMessageRequest::new("spaces/AAA", Message::text("deploying"))
        .unwrap()
        .client_message_id("deploy-7");
    let created = ob.enqueue(create, T0).unwrap();
    let edited = ob
        .enqueue(edit(&name, "deployed").allow_missing(), T0)
        .unwrap();
    let elsewhere = ob.enqueue(text("BBB", "elsewhere"), T0).unwrap();
    assert_eq!(ob.len(), 3);

    let first = send(&mut ob, T0);
    assert_eq!((first.id, first.attempt), (created, 1));
    assert_eq!(first.request.method, "POST");
    assert!(first.needs_app_auth);
    assert!(
        first
            .request
            .url
            .contains(&format!("messageId={message_id}")),
        "{}",
        first.request.url
    );
    // Another space does not wait; the edit does.
    let other = send(&mut ob, T0);
    assert_eq!(other.id, elsewhere);
    assert!(!other.needs_app_auth);
    assert!(
        ob.poll_transmit(T0).is_none(),
        "the edit waits for its create"
    );

    // The create fails once: it goes again before the edit.
    ob.handle_response(created, &Response::http(503, ""), T0);
    let wake = ob.poll_timeout().unwrap();
    let again = send(&mut ob, wake);
    assert_eq!((again.id, again.attempt), (created, 2));
    assert_eq!(again.request, first.request);
    assert!(ob.poll_transmit(wake).is_none(), "still waiting");
    let answer = format!(r#"{{"name":"{name}"}}"#);
    ob.handle_response(created, &Response::http(200, &answer), wake);

    let now = ob.poll_timeout().unwrap();
    let second = send(&mut ob, now);
    assert_eq!((second.id, second.attempt), (edited, 1));
    assert_eq!(second.request.method, "PATCH");
    assert!(second.needs_app_auth);
    assert_eq!(
        second.request.url,
        format!("{API}/{name}?updateMask=text&allowMissing=true")
    );
    ob.handle_response(edited, &Response::http(200, &answer), now);
    ob.handle_response(elsewhere, &Response::http(200, OK), now);
    assert!(ob.is_empty());

    let in_aaa: Vec<(OutboxId, Option<String>)> = events(&mut ob)
        .into_iter()
        .filter_map(|e| match e {
            OutboxEvent::Delivered {
                id,
                space,
                delivered,
                ..
            } if space == "AAA" => Some((id, delivered.name)),
            _ => None,
        })
        .collect();
    assert_eq!(
        in_aaa,
        [(created, Some(name.clone())), (edited, Some(name.clone()))]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn an_outbox_holding_an_edit_survives_a_restart() {
    let mut ob = outbox();
    ob.enqueue(
        edit("spaces/AAA/messages/client-1", "x").allow_missing(),
        T0,
    )
    .unwrap();
    let saved = serde_json::to_string(&ob).unwrap();
    let mut back: Outbox = serde_json::from_str(&saved).unwrap();
    assert_eq!(back, ob);
    assert_eq!(send(&mut back, T0).request, send(&mut ob, T0).request);
}

#[wasm_bindgen_test(unsupported = test)]
fn deferred_work_becomes_outbox_requests() {
    let name = "spaces/AAA/messages/client-1";
    let request = Deferred::update_message(name, Message::text("done"))
        .with_request_id("gchat-abc-0")
        .into_request()
        .unwrap();
    let OutboundRequest::UpdateMessage(update) = &request else {
        panic!("{request:?}")
    };
    assert_eq!(update.name, name);
    assert_eq!(update.message, Message::text("done"));
    assert_eq!(update.update_mask, ["text"]);
    assert!(!update.allow_missing);
    assert_eq!(request.options().request_id.as_deref(), Some("gchat-abc-0"));
    assert_eq!(request.space_id(), "AAA");
    assert!(request.needs_app_auth());
    assert_eq!(
        request.to_http().url,
        format!("{API}/{name}?updateMask=text")
    );
    // The outbox holds one request id once: a redelivered event edits once.
    let mut ob = outbox();
    let a = ob.enqueue(request.clone(), T0).unwrap();
    let b = ob.enqueue(request, T0).unwrap();
    assert_eq!((a, ob.len()), (b, 1));

    // Without a request id (not numbered by the engine), none is sent; the
    // outbox assigns its own.
    let bare = Deferred::update_message(name, Message::text("x"));
    assert_eq!(bare.request_id(), "");
    assert_eq!(bare.into_request().unwrap().options().request_id, None);

    // allowMissing carries through.
    let create_if_missing = Deferred::UpdateMessage {
        name: name.into(),
        message: Message::text("x"),
        allow_missing: true,
        request_id: "gchat-abc-1".into(),
    };
    assert!(
        create_if_missing
            .into_request()
            .unwrap()
            .to_http()
            .url
            .ends_with("?updateMask=text&allowMissing=true")
    );

    // A create with a client-assigned id sends it, with the request id.
    let create = Deferred::CreateMessage {
        space: "spaces/AAA".into(),
        message: Message::text("x"),
        request_id: "gchat-abc-2".into(),
        message_id: Some("client-1".into()),
    };
    let http = create.into_request().unwrap().to_http();
    assert_eq!(
        http.url,
        format!("{API}/spaces/AAA/messages?requestId=gchat-abc-2&messageId=client-1")
    );

    // How hosts see the work (the JS package reads these fields).
    assert_eq!(
        serde_json::to_value(
            Deferred::update_message(name, Message::text("x")).with_request_id("r")
        )
        .unwrap(),
        json!({"type": "updateMessage", "name": name, "message": {"text": "x"}, "allowMissing": false, "requestId": "r"})
    );
    assert_eq!(
        serde_json::to_value(Deferred::create_message("spaces/AAA", Message::text("x"))).unwrap(),
        json!({"type": "createMessage", "space": "spaces/AAA", "message": {"text": "x"}, "requestId": ""})
    );

    // What Chat would refuse is refused before anything is queued.
    let refused = |d: Deferred| d.into_request().unwrap_err().code();
    assert_eq!(
        refused(Deferred::update_message("spaces/AAA", Message::text("x"))),
        "bad_message_name"
    );
    assert_eq!(
        refused(Deferred::update_message(name, Message::default())),
        "empty_message"
    );
    assert_eq!(
        refused(Deferred::create_message("spaces/a/b", Message::text("x"))),
        "bad_space"
    );
}
