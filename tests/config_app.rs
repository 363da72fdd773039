//! Apps in a config file: matching, templates, escaping, generated help,
//! and errors at load time with file and line.

mod common;

use gchat::Timestamp;
use gchat::app::{ConfigApp, Engine, Request};
use gchat::auth::{KeySet, Verifier};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

const OPS: &str = include_str!("../examples/apps/ops.toml");

fn engine(source: &str) -> Engine {
    Engine::new(
        ConfigApp::from_toml(source, "ops.toml").unwrap(),
        Verifier::insecure_skip_verification(),
    )
}

fn run(engine: &Engine, body: &str) -> Value {
    let out = engine.handle(
        &Request::post(body.as_bytes()),
        Timestamp::from_secs(1_800_000_000),
        &KeySet::new(),
    );
    assert_eq!(out.log.error, None, "{:?}", out.log);
    out.response.json()
}

fn command(name: &str, args: &str) -> String {
    json!({
        "type": "MESSAGE", "eventTime": "2026-11-20T10:00:00Z",
        "space": {"name": "spaces/S", "spaceType": "SPACE"},
        "user": {"name": "users/1", "displayName": "Ada <b>", "type": "HUMAN"},
        "message": {"name": "spaces/S/messages/M", "text": format!("{name} {args}"), "argumentText": format!(" {args}"),
            "slashCommand": {"commandId": "9"},
            "annotations": [{"type": "SLASH_COMMAND", "slashCommand": {"commandName": name, "commandId": "9"}}]},
    })
    .to_string()
}

#[wasm_bindgen_test(unsupported = test)]
fn rules_match_and_templates_render() {
    let e = engine(OPS);
    assert_eq!(
        run(&e, &command("/echo", "*hi*"))["text"],
        "*\u{200B}hi*\u{200B}",
        "text values are Chat-escaped"
    );
    let card = run(&e, &command("/deploy", "api \"v2\""));
    let card = &card["cardsV2"][0]["card"];
    assert_eq!(
        card["header"]["subtitle"], "api \"v2\"",
        "JSON values are JSON-encoded"
    );
    assert_eq!(
        card["sections"][0]["widgets"][0]["decoratedText"]["text"],
        "Ada <b>"
    );
    let status = run(&e, &command("/status", "status of build 1729"));
    assert_eq!(status["text"], "Build 1729 is green.");
}

#[wasm_bindgen_test(unsupported = test)]
fn card_actions_dialogs_and_space_types() {
    let e = engine(OPS);
    let click = json!({"type": "CARD_CLICKED", "eventTime": "t", "space": {"name": "spaces/S"},
        "message": {"name": "spaces/S/messages/M", "sender": {"type": "BOT"}},
        "action": {"actionMethodName": "rollback", "parameters": [{"key": "service", "value": "api"}]}});
    let out = run(&e, &click.to_string());
    assert_eq!(
        (out["actionResponse"]["type"].as_str(), out["text"].as_str()),
        (Some("UPDATE_MESSAGE"), Some("Rolled back api."))
    );
    let submit = json!({"type": "CARD_CLICKED", "isDialogEvent": true, "dialogEventType": "SUBMIT_DIALOG",
        "common": {"invokedFunction": "submitContact", "formInputs": {"name": {"stringInputs": {"value": ["Grace"]}}}}});
    let out = run(&e, &submit.to_string());
    assert_eq!(
        out["actionResponse"]["dialogAction"]["actionStatus"]["userFacingMessage"],
        "Thanks Grace, we'll be in touch."
    );
    let dm = json!({"type": "MESSAGE", "space": {"name": "spaces/D", "spaceType": "DIRECT_MESSAGE"},
        "user": {"displayName": "Grace"}, "message": {"text": "hello"}});
    assert_eq!(run(&e, &dm.to_string())["text"], "Hi Grace! Try /help.");
    let room = json!({"type": "MESSAGE", "space": {"name": "spaces/R", "spaceType": "SPACE"}, "message": {"text": "hello"}});
    assert_eq!(run(&e, &room.to_string()), json!({}));
}

#[wasm_bindgen_test(unsupported = test)]
fn help_and_onboarding_are_generated() {
    let e = engine(OPS);
    let help = run(&e, &command("/help", ""))["text"]
        .as_str()
        .unwrap()
        .to_owned();
    for part in [
        "Ops bot",
        "/deploy",
        "deploy a service",
        "/echo",
        "status of build",
    ] {
        assert!(help.contains(part), "{part} missing from {help}");
    }
    let added = json!({"type": "ADDED_TO_SPACE", "space": {"name": "spaces/S"}, "user": {"name": "users/1"}});
    assert!(
        run(&e, &added.to_string())["text"]
            .as_str()
            .unwrap()
            .starts_with("Hello!")
    );
    let custom = engine(
        "[app]\nhelp = \"Ask {{ user.displayName }}\"\nonboarding = \"Welcome to {{ space.name }}\"\n",
    );
    assert_eq!(
        run(&custom, &command("/help", ""))["text"],
        "Ask Ada <\u{200B}b>\u{200B}",
        "values are Chat-escaped"
    );
    assert_eq!(
        run(&custom, &added.to_string())["text"],
        "Welcome to spaces/S"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn json_configs_work_too() {
    let app = ConfigApp::from_json(
        r#"{"rule": [{"when": {"command": "/echo"}, "text": "{{ args }}!"}]}"#,
        "app.json",
    )
    .unwrap();
    let e = Engine::new(app, Verifier::insecure_skip_verification());
    assert_eq!(run(&e, &command("/echo", "yo"))["text"], "yo!");
}

#[wasm_bindgen_test(unsupported = test)]
fn errors_are_reported_at_load_with_file_and_line() {
    let err = |src: &str| ConfigApp::from_toml(src, "bad.toml").unwrap_err();
    let e = err(
        "[app]\nname = \"x\"\n\n[[rule]]\nwhen = { command = \"/a\" }\ntext = \"\"\"\nline one\n{{ broken \n\"\"\"\n",
    );
    assert_eq!((e.file.as_str(), e.line), ("bad.toml", 8), "{e}");
    assert!(
        e.to_string().starts_with("bad.toml:8: template error"),
        "{e}"
    );
    let e = err("[[rule]]\nwhen = { kind = \"mesage\" }\ntext = \"x\"\n");
    assert!(e.message.contains("unknown kind `mesage`"), "{e}");
    let e = err("[[rule]]\ntext = \"x\"\ncard = \"{}\"\n");
    assert!(e.message.contains("exactly one"), "{e}");
    let e = err("[[rule]]\nwhen = { text = \"(\" }\ntext = \"x\"\n");
    assert!(e.message.contains("bad text pattern"), "{e}");
    let e = err("[app]\nnmae = \"x\"\n");
    assert_eq!(e.line, 2, "{e}");
    assert!(ConfigApp::from_json("{\"rule\": 5}", "a.json").is_err());
}

#[wasm_bindgen_test(unsupported = test)]
fn runtime_template_failures_send_nothing_and_are_logged() {
    let e = engine("[[rule]]\nwhen = { command = \"/x\" }\ncard = \"not json {{ args }}\"\n");
    let out = e.handle(
        &Request::post(command("/x", "a").as_bytes()),
        Timestamp::from_secs(0),
        &KeySet::new(),
    );
    assert_eq!(out.response.json(), json!({}));
    assert_eq!(out.log.error, Some("template_error"));
}

/// Every event fixture through the example config app, snapshotted.
#[wasm_bindgen_test(unsupported = test)]
fn config_app_golden() {
    let e = engine(OPS);
    for (name, body) in common::own("events") {
        let out = e.handle(
            &Request::post(body.as_bytes()),
            Timestamp::from_secs(1_800_000_000),
            &KeySet::new(),
        );
        let snap =
            json!({"status": out.response.status, "body": out.response.json(), "log": out.log});
        assert_snapshot_json!(
            "config_app",
            format!("ops-{}", name.trim_end_matches(".json")),
            snap
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn placeholders_inside_json_strings_are_string_content() {
    let e = engine(
        "[[rule]]\nwhen = { command = \"/deploy\" }\ncard = '''{\"header\": {\"title\": \"Deploying {{ args }} for {{ user.displayName }}\"}}'''\n",
    );
    let reply = run(&e, &command("/deploy", "api \"v2\""));
    assert_eq!(
        reply["cardsV2"][0]["card"]["header"]["title"],
        "Deploying api \"v2\" for Ada <b>"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn home_answers_the_app_home_tab() {
    let e = engine(
        "[[rule]]\nwhen = { kind = \"app_home\" }\nhome = '''{\"header\": {\"title\": \"Welcome {{ user.displayName }}\"}}'''\n",
    );
    let event = json!({
        "type": "APP_HOME", "eventTime": "2026-11-20T10:00:00Z",
        "space": {"name": "spaces/D", "spaceType": "DIRECT_MESSAGE", "singleUserBotDm": true},
        "user": {"name": "users/1", "displayName": "Ada", "type": "HUMAN"},
        "common": {"hostApp": "CHAT"},
    });
    let reply = run(&e, &event.to_string());
    let text = reply.to_string();
    assert!(text.contains("\"title\":\"Welcome Ada\""), "{text}");
}

#[wasm_bindgen_test(unsupported = test)]
fn rules_post_messages_as_deferred_work() {
    use gchat::app::Deferred;
    let e = engine(
        r#"
[[rule]]
when = { command = "/deploy" }
text = "Deploying {{ args }}…"
post = '{"text": "Deployed {{ args }} for {{ user.displayName }}"}'

[[rule]]
when = { command = "/quiet" }
none = true
post = '{"text": "later", "thread": {"threadKey": "k"}}'
"#,
    );
    let mut event: Value = serde_json::from_str(&command("/deploy", "api")).unwrap();
    event["message"]["thread"] = json!({"name": "spaces/S/threads/T"});
    let handle = || {
        e.handle(
            &Request::post(event.to_string().as_bytes()),
            Timestamp::from_secs(1_800_000_000),
            &KeySet::new(),
        )
    };
    let out = handle();
    assert_eq!(out.response.json()["text"], "Deploying api…");
    let [
        Deferred::CreateMessage {
            space,
            message,
            request_id,
            ..
        },
    ] = out.deferred.as_slice()
    else {
        panic!("one message to post: {:?}", out.deferred);
    };
    assert_eq!(space, "spaces/S");
    assert_eq!(message.text.as_deref(), Some("Deployed api for Ada <b>"));
    assert_eq!(
        message.thread.as_ref().and_then(|t| t.name.as_deref()),
        Some("spaces/S/threads/T"),
        "posted in the event's thread"
    );
    assert!(request_id.starts_with("gchat-"), "{request_id}");
    assert_eq!(
        handle().deferred,
        out.deferred,
        "a redelivery posts the same request"
    );
    let http = out.deferred[0].clone().into_request().unwrap().to_http();
    assert!(
        http.url
            .starts_with("https://chat.googleapis.com/v1/spaces/S/messages?")
    );
    assert!(
        http.url
            .contains("messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")
    );
    assert!(http.url.contains(&format!("requestId={request_id}")));

    let quiet = e.handle(
        &Request::post(command("/quiet", "").as_bytes()),
        Timestamp::from_secs(1_800_000_000),
        &KeySet::new(),
    );
    assert_eq!(quiet.response.json(), json!({}));
    let Deferred::CreateMessage { message, .. } = &quiet.deferred[0] else {
        panic!("a message to post");
    };
    assert_eq!(
        message
            .thread
            .as_ref()
            .and_then(|t| t.thread_key.as_deref()),
        Some("k"),
        "the message's own thread is kept"
    );
}
