//! A Chat app answering a MESSAGE event with a card (js/tests/support.mjs's
//! `weatherCard`), natively, against its peers, in one run:
//!
//! - parse plus respond: gchat's `Engine::handle` with verification off
//!   (a `Router` whose message handler builds the card with gchat's
//!   builders) against plain `serde` derive structs (read the two fields
//!   needed, build the same card, `serde_json::to_vec`);
//! - the whole request: `Engine::handle` verifying an RS256 token (2048-bit
//!   key, warm `KeySet`) against a node app on `node:crypto`
//!   (benches/node-crypto-app.mjs, spawned with the same token, keys and
//!   body; skipped with a reason when node is missing);
//! - where gchat's time goes: `Engine::accept` (and `event::parse` in it),
//!   the handler, `Engine::respond` (and in it the message to a `Value`, the
//!   linter, the `Value` to bytes) and `Verifier::verify`, on their own.
//!
//! All sides' replies are checked equal (as JSON) once, outside timing. After
//! criterion's own output it prints a summary: medians, the two ratios
//! against their targets (≤ 2× and ≤ 1×) and the sizes of the main model
//! types. Prints figures, asserts nothing about them. Native only: on wasm32
//! this is an empty program.

// criterion's generated code and the peer structs are undocumented.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A bench is a host, not the core: it reads its arguments and criterion's
// result files, spawns node and stamps the run with the clock.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

#[cfg(not(target_family = "wasm"))]
fn main() {
    native::main();
}

#[cfg(target_family = "wasm")]
fn main() {}

#[cfg(not(target_family = "wasm"))]
mod native {
    use std::hint::black_box;
    use std::io::Write as _;
    use std::path::PathBuf;
    use std::process::{Command, Stdio};
    use std::time::SystemTime;

    use criterion::{BatchSize, Criterion};
    use gchat::Timestamp;
    use gchat::app::{App as _, Engine, Reply, Request, Router};
    use gchat::auth::{Expectation, KeySet, Verifier};
    use gchat::message::lint::{Surface, lint};
    use gchat::message::model::{
        Action, Button, Card, CardHeader, DecoratedText, Message, Section, Widget,
    };
    use gchat::testing::{TestKey, claims_for};
    use serde::{Deserialize, Serialize};
    use serde_json::Value;

    const EVENT: &[u8] = include_bytes!("../tests/fixtures/events/classic-message.json");
    const URL: &str = "https://chat.example.com/events";
    const GROUP: &str = "handle";

    /// The weather card, as a Rust user writes it with gchat's builders.
    fn weather_card(city: &str) -> Card {
        Card::new()
            .header(CardHeader::new(format!("Weather in {city}")).subtitle("Now"))
            .section(Section::new().widgets([
                Widget::decorated(DecoratedText::new("21 °C").top_label("Temperature")),
                Widget::decorated(DecoratedText::new("Sunny").top_label("Conditions")),
                Widget::buttons([Button::new(
                    "Refresh",
                    Action::new("refresh").param("city", city),
                )]),
            ]))
    }

    /// The app: every message answered with the card, in its thread (the
    /// engine puts a reply in the event's thread).
    fn app() -> Router {
        Router::new().on_message(|event, _| {
            let city = event.argument_text().unwrap_or_default();
            Ok(Reply::message(
                Message::new().card("card", weather_card(&city)),
            ))
        })
    }

    // The peer: plain serde derive structs, reading only what the app needs.

    #[derive(Deserialize)]
    struct ChatEvent {
        message: ChatMessage,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ChatMessage {
        #[serde(default)]
        argument_text: String,
        thread: ThreadName,
    }

    #[derive(Deserialize, Serialize)]
    struct ThreadName {
        name: String,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ReplyBody {
        cards_v2: Vec<CardWithId>,
        thread: ThreadName,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct CardWithId {
        card_id: &'static str,
        card: PeerCard,
    }

    #[derive(Serialize)]
    struct PeerCard {
        header: Header,
        sections: Vec<PeerSection>,
    }

    #[derive(Serialize)]
    struct Header {
        title: String,
        subtitle: &'static str,
    }

    #[derive(Serialize)]
    struct PeerSection {
        widgets: Vec<PeerWidget>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum PeerWidget {
        DecoratedText(PeerDecoratedText),
        ButtonList(PeerButtonList),
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct PeerDecoratedText {
        top_label: &'static str,
        text: &'static str,
    }

    #[derive(Serialize)]
    struct PeerButtonList {
        buttons: Vec<PeerButton>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct PeerButton {
        text: &'static str,
        on_click: PeerOnClick,
    }

    #[derive(Serialize)]
    struct PeerOnClick {
        action: PeerAction,
    }

    #[derive(Serialize)]
    struct PeerAction {
        function: &'static str,
        parameters: Vec<PeerParameter>,
    }

    #[derive(Serialize)]
    struct PeerParameter {
        key: &'static str,
        value: String,
    }

    fn peer_card(city: &str) -> PeerCard {
        PeerCard {
            header: Header {
                title: format!("Weather in {city}"),
                subtitle: "Now",
            },
            sections: vec![PeerSection {
                widgets: vec![
                    PeerWidget::DecoratedText(PeerDecoratedText {
                        top_label: "Temperature",
                        text: "21 °C",
                    }),
                    PeerWidget::DecoratedText(PeerDecoratedText {
                        top_label: "Conditions",
                        text: "Sunny",
                    }),
                    PeerWidget::ButtonList(PeerButtonList {
                        buttons: vec![PeerButton {
                            text: "Refresh",
                            on_click: PeerOnClick {
                                action: PeerAction {
                                    function: "refresh",
                                    parameters: vec![PeerParameter {
                                        key: "city",
                                        value: city.to_owned(),
                                    }],
                                },
                            },
                        }],
                    }),
                ],
            }],
        }
    }

    fn peer_parse(body: &[u8]) -> ChatEvent {
        serde_json::from_slice(body).unwrap()
    }

    fn peer_respond(event: ChatEvent) -> Vec<u8> {
        let ChatMessage {
            argument_text,
            thread,
        } = event.message;
        let reply = ReplyBody {
            cards_v2: vec![CardWithId {
                card_id: "card",
                card: peer_card(argument_text.trim()),
            }],
            thread,
        };
        serde_json::to_vec(&reply).unwrap()
    }

    /// The peer: the body's bytes to the reply's.
    fn peer(body: &[u8]) -> Vec<u8> {
        peer_respond(peer_parse(body))
    }

    /// What node:crypto-app.mjs reports.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct NodeReport {
        node: String,
        rounds: u32,
        calls: u32,
        us: f64,
        us_no_verify: f64,
        body: String,
    }

    /// Runs benches/node-crypto-app.mjs on the same token, keys and body:
    /// its report, or why there is none.
    fn run_node(authorization: &str, jwks: &str, now: Timestamp) -> Result<NodeReport, String> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/node-crypto-app.mjs");
        let mut child = Command::new("node")
            .args([script, "--stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run `node` ({e})"))?;
        let input = serde_json::json!({
            "authorization": authorization,
            "body": std::str::from_utf8(EVENT).unwrap(),
            "jwks": jwks,
            "audience": URL,
            "nowMs": now.as_secs() * 1000,
        });
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.to_string().as_bytes())
            .map_err(|e| format!("writing to node: {e}"))?;
        let output = child.wait_with_output().map_err(|e| format!("node: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "node failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        serde_json::from_slice(&output.stdout).map_err(|e| format!("unreadable node report ({e})"))
    }

    /// Where criterion keeps its results (its own rule).
    fn criterion_home() -> PathBuf {
        if let Some(home) = std::env::var_os("CRITERION_HOME") {
            return home.into();
        }
        if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
            return PathBuf::from(target).join("criterion");
        }
        let metadata = std::env::var_os("CARGO").and_then(|cargo| {
            Command::new(cargo)
                .args(["metadata", "--format-version", "1", "--no-deps"])
                .output()
                .ok()
        });
        metadata
            .and_then(|out| serde_json::from_slice::<Value>(&out.stdout).ok())
            .and_then(|m| m["target_directory"].as_str().map(PathBuf::from))
            .map_or_else(
                || PathBuf::from("target/criterion"),
                |t| t.join("criterion"),
            )
    }

    /// The median time (µs) criterion measured for `name` in this run, if it ran.
    fn median_us(home: &std::path::Path, name: &str, since: SystemTime) -> Option<f64> {
        let file = home.join(GROUP).join(name).join("new/estimates.json");
        let fresh = std::fs::metadata(&file).and_then(|m| m.modified()).ok()? >= since;
        let estimates: Value = serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()?;
        fresh
            .then(|| estimates["median"]["point_estimate"].as_f64())?
            .map(|ns| ns / 1e3)
    }

    fn show(us: Option<f64>) -> String {
        us.map_or_else(|| "(not run)".to_owned(), |us| format!("{us:8.2} µs"))
    }

    fn ratio(line: &str, a: Option<f64>, b: Option<f64>, target: f64) {
        if let (Some(a), Some(b)) = (a, b) {
            let r = a / b;
            let verdict = if r <= target { "within" } else { "OVER" };
            println!("  {line}: {r:.2}x  ({verdict} the target of <= {target}x)");
        }
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().collect();
        let has = |flag: &str| args.iter().any(|a| a == flag);
        // `cargo bench` passes --bench; without it criterion runs each bench once, as a test.
        let benching = has("--bench") && !has("--test") && !has("--list");
        let started = SystemTime::now();

        let now = Timestamp::from_secs(1_800_000_000);
        let key = TestKey::fixed();
        let expectation = Expectation::endpoint_url(URL);
        let authorization = format!("Bearer {}", key.mint(&claims_for(&expectation, now)));
        let jwks = key.jwks().to_string();
        let keys = KeySet::parse(jwks.as_bytes()).unwrap();
        let request = Request::post(EVENT).header("authorization", &authorization);

        let verifier = Verifier::new([expectation]);
        let verified = Engine::new(app(), verifier.clone());
        let insecure = Engine::new(app(), Verifier::insecure_skip_verification());

        // The same reply from every side, checked once.
        let whole = verified.handle(&request, now, &keys);
        assert_eq!(whole.response.status, 200, "{:?}", whole.log);
        assert!(whole.log.error.is_none(), "{:?}", whole.log);
        let expected: Value = serde_json::from_slice(&whole.response.body).unwrap();
        let unverified = insecure.handle(&request, now, &keys).response.body;
        assert_eq!(
            serde_json::from_slice::<Value>(&unverified).unwrap(),
            expected
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&peer(EVENT)).unwrap(),
            expected
        );

        let mut c = Criterion::default().configure_from_args();
        let mut group = c.benchmark_group(GROUP);
        group.bench_function("gchat_parse_respond", |b| {
            b.iter(|| {
                insecure
                    .handle(black_box(&request), now, &keys)
                    .response
                    .body
            });
        });
        group.bench_function("serde_structs_parse_respond", |b| {
            b.iter(|| peer(black_box(EVENT)));
        });
        group.bench_function("gchat_whole_request", |b| {
            b.iter(|| {
                verified
                    .handle(black_box(&request), now, &keys)
                    .response
                    .body
            });
        });

        // Where gchat's time goes: accept (event parse and checks), the
        // handler, respond; and within respond, the reply's message to a
        // `Value`, the linter over it, and the `Value` to bytes.
        let accepted = insecure.accept(&request, now, &keys).unwrap();
        let router = app();
        let thread = accepted.event.thread().and_then(|t| t.name.clone());
        let city = accepted.event.argument_text().unwrap_or_default();
        let message = Message::new()
            .card("card", weather_card(&city))
            .in_thread(thread.unwrap());
        let value = serde_json::to_value(&message).unwrap();
        assert_eq!(value, expected);
        group.bench_function("gchat_accept_unverified", |b| {
            b.iter(|| insecure.accept(black_box(&request), now, &keys).unwrap());
        });
        group.bench_function("gchat_event_parse", |b| {
            b.iter(|| gchat::event::parse(black_box(EVENT)).unwrap());
        });
        group.bench_function("gchat_handler", |b| {
            b.iter(|| router.handle(black_box(&accepted.event), &accepted.context()));
        });
        group.bench_function("gchat_respond", |b| {
            b.iter_batched(
                || {
                    (
                        accepted.clone(),
                        router.handle(&accepted.event, &accepted.context()),
                    )
                },
                |(accepted, reply)| insecure.respond(accepted, reply).response.body,
                BatchSize::SmallInput,
            );
        });
        group.bench_function("gchat_message_to_value", |b| {
            b.iter(|| serde_json::to_value(black_box(&message)).unwrap());
        });
        group.bench_function("gchat_lint", |b| {
            b.iter(|| lint(black_box(&value), Surface::Message));
        });
        group.bench_function("gchat_value_to_vec", |b| {
            b.iter(|| serde_json::to_vec(black_box(&value)).unwrap());
        });
        group.bench_function("gchat_verify_token", |b| {
            b.iter(|| {
                verifier
                    .verify(black_box(&authorization), &keys, now)
                    .unwrap()
            });
        });
        group.bench_function("serde_structs_parse", |b| {
            b.iter(|| peer_parse(black_box(EVENT)));
        });
        group.finish();
        c.final_summary();

        if !benching {
            return;
        }
        let node = run_node(&authorization, &jwks, now);
        if let Ok(report) = &node {
            let body: Value = serde_json::from_str(&report.body).unwrap();
            assert_eq!(body, expected, "node's reply differs from gchat's");
        }
        summary(&node, whole.response.body.len(), started);
    }

    fn summary(node: &Result<NodeReport, String>, reply_len: usize, started: SystemTime) {
        let home = criterion_home();
        let get = |name| median_us(&home, name, started);
        let line = |label: &str, us: Option<f64>| println!("  {label:<50} {}", show(us));
        let (gchat, serde) = (
            get("gchat_parse_respond"),
            get("serde_structs_parse_respond"),
        );
        let (whole, node_us) = (get("gchat_whole_request"), node.as_ref().ok().map(|r| r.us));

        println!();
        println!("== handle: summary ==");
        println!(
            "medians per request; tests/fixtures/events/classic-message.json ({} bytes) in, a {reply_len}-byte weather card reply out",
            EVENT.len()
        );
        println!("parse plus respond (no token check):");
        line("gchat Engine::handle, verification off", gchat);
        line("serde derive structs + serde_json::to_vec", serde);
        ratio("ratio gchat/serde", gchat, serde, 2.0);
        println!("whole request (RS256, 2048-bit key, warm keys):");
        line("gchat Engine::handle, verifying", whole);
        match node {
            Ok(r) => {
                line("node:crypto app (benches/node-crypto-app.mjs)", Some(r.us));
                println!(
                    "    (node {}, median of {} rounds x {} calls; without the token check {:.2} µs)",
                    r.node, r.rounds, r.calls, r.us_no_verify
                );
            }
            Err(why) => println!("  node:crypto app: skipped: {why}"),
        }
        ratio("ratio gchat/node", whole, node_us, 1.0);
        println!("gchat's parts:");
        line(
            "Engine::accept, verification off",
            get("gchat_accept_unverified"),
        );
        line("  of which event::parse", get("gchat_event_parse"));
        line(
            "the handler (builds the card and Reply)",
            get("gchat_handler"),
        );
        line(
            "Engine::respond (check, render, lint, bytes)",
            get("gchat_respond"),
        );
        line(
            "  the message to a serde_json::Value",
            get("gchat_message_to_value"),
        );
        line("  message::lint::lint of that Value", get("gchat_lint"));
        line(
            "  serde_json::to_vec of that Value",
            get("gchat_value_to_vec"),
        );
        line(
            "Verifier::verify (RS256, warm keys)",
            get("gchat_verify_token"),
        );
        line(
            "(serde structs: the parse alone)",
            get("serde_structs_parse"),
        );
        println!("size_of (bytes):");
        println!("  message::model::Widget   {}", size_of::<Widget>());
        println!("  message::model::Message  {}", size_of::<Message>());
        println!("  message::model::Card     {}", size_of::<Card>());
        println!("  app::Reply               {}", size_of::<Reply>());
        println!(
            "  event::Event             {}",
            size_of::<gchat::event::Event>()
        );
        println!(
            "  app::Accepted            {}",
            size_of::<gchat::app::Accepted>()
        );
    }
}
