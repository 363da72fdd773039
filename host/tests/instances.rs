//! Three `gchat serve` instances on one PostgreSQL (a real server, started
//! by the test as a non-root user): every event handled once whichever
//! instance gets it, and the outbox shared (nothing lost or posted twice,
//! each space in order and within its quota) while one instance is killed
//! with `kill -9`.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::chat::{FakeChat, Step};
use common::postgres::Postgres;
use common::{Served, http, now};
use gchat::auth::Expectation;
use gchat::testing::{TestKey, claims_for};
use serde_json::Value;

const URL: &str = "https://bot.example.com/chat";

fn database(pg: &Postgres, name: &str) -> String {
    pg.psql("postgres", &format!("create database {name}"))
        .unwrap();
    pg.url(name)
}

#[test]
fn a_thousand_events_over_three_instances_are_each_handled_once() {
    let pg = Postgres::start().unwrap_or_else(|why| panic!("{why}"));
    let state = database(&pg, "dedup");
    let dir = common::temp_dir("instances-dedup");
    let keys = dir.path().join("keys.json");
    std::fs::write(&keys, TestKey::fixed().jwks().to_string()).unwrap();
    let args = [
        "--keys",
        keys.to_str().unwrap(),
        "--endpoint-url",
        URL,
        "--state",
        &state,
    ];
    let instances: Vec<Served> = (0..3).map(|_| Served::start(&args)).collect();
    let token = TestKey::fixed().mint(&claims_for(&Expectation::endpoint_url(URL), now()));
    let auth = format!("Bearer {token}");
    let template = String::from_utf8(common::fixture("classic-message.json")).unwrap();
    let body = |i: usize| template.replace("messages/M1.M1", &format!("messages/E{i}.E{i}"));

    // Each event to one instance; every fifth also to the next instance,
    // at the same moment (a redelivery racing the first delivery).
    let addrs: Vec<String> = instances.iter().map(|s| s.addr.clone()).collect();
    let answers: Vec<(usize, Vec<(u16, Value)>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let (addrs, auth, body) = (&addrs, &auth, &body);
                s.spawn(move || {
                    (w..1000)
                        .step_by(4)
                        .map(|i| {
                            let send = |n: usize| {
                                let reply = http(
                                    &addrs[n % 3],
                                    "POST",
                                    "/",
                                    &[("authorization", auth)],
                                    body(i).as_bytes(),
                                );
                                (reply.status, reply.json())
                            };
                            let replies = if i % 5 == 0 {
                                std::thread::scope(|s2| {
                                    let again = s2.spawn(|| send(i + 1));
                                    vec![send(i), again.join().unwrap()]
                                })
                            } else {
                                vec![send(i)]
                            };
                            (i, replies)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(answers.len(), 1000);
    for (i, replies) in &answers {
        for (status, json) in replies {
            assert_eq!(*status, 200, "event {i}: {json}");
        }
        assert!(
            replies.windows(2).all(|w| w[0].1 == w[1].1),
            "event {i}: a repeat got another answer: {replies:?}"
        );
    }
    // The request log lines: one handled (not duplicate) per event, in all.
    // A line is written just after its answer goes: wait (bounded) for all 1,200.
    let lines: Vec<Value> = common::wait_for(1200, || {
        instances
            .iter()
            .flat_map(|s| s.logs("request"))
            .filter(|l| l["status"] == 200)
            .collect()
    });
    let handled = lines.iter().filter(|l| l["duplicate"] != true).count();
    let repeats = lines.iter().filter(|l| l["duplicate"] == true).count();
    assert_eq!((handled, repeats), (1000, 200));
}

#[test]
fn five_hundred_messages_over_ten_spaces_survive_an_instance_killed_mid_way() {
    let pg = Postgres::start().unwrap_or_else(|why| panic!("{why}"));
    let state = database(&pg, "outbox");
    // Slow answers, so deliveries are under way when the instance dies.
    let chat = FakeChat::start(vec![Step::Slow(Duration::from_millis(20)); 2000]);
    let dir = common::temp_dir("instances-outbox");
    let (config, env) = common::spaces::ten_spaces(dir.path());
    let env: Vec<(&str, &str)> = env.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    // A quota of 10 per 2 s (Chat's 60 per 60 s, faster), shared by all three.
    let args = [
        "--dev",
        "--app",
        config.to_str().unwrap(),
        "--api-base",
        &chat.base,
        "--state",
        &state,
        "--quota",
        "10/2",
        "--attempt-timeout",
        "2",
    ];
    let mut instances: Vec<Served> = (0..3).map(|_| Served::start_env(&args, &env)).collect();

    // Each space gets its 50 items in order, posted round-robin to the
    // instances still alive; the first is killed after 150 posts.
    let mut alive = vec![0usize, 1, 2];
    for n in 0..50 {
        for k in 0..10 {
            let i = n * 10 + k;
            if i == 150 {
                let status = std::process::Command::new("kill")
                    .args(["-KILL", &instances[0].pid().to_string()])
                    .status()
                    .unwrap();
                assert!(status.success());
                instances[0].wait_exit();
                alive.retain(|a| *a != 0);
            }
            let to = &instances[alive[i % alive.len()]];
            let body = serde_json::json!({"items": [format!("s{k}-{n:02}")]}).to_string();
            let reply = http(
                &to.addr,
                "POST",
                &format!("/ingest/s{k}"),
                &[],
                body.as_bytes(),
            );
            assert_eq!(
                reply.status,
                202,
                "{}",
                String::from_utf8_lossy(&reply.body)
            );
        }
    }
    let posted = chat.wait_posted(500);
    assert_eq!(posted.len(), 500, "0 lost");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(chat.posted().len(), 500, "0 posted twice");

    let mut per_space: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for message in &posted {
        let text = message["text"].as_str().unwrap().to_owned();
        let space = text.split('-').next().unwrap().to_owned();
        per_space.entry(space).or_default().push(text);
    }
    for (space, texts) in &per_space {
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, &sorted, "{space} in order");
        assert_eq!(texts.len(), 50);
    }
    // Every write that reached the stand-in (resends included): never more
    // than 10 in any 2 s per space, across the instances (50 ms allowed for
    // the way from the instance's clock to the stand-in's).
    let mut arrivals: BTreeMap<String, Vec<std::time::Instant>> = BTreeMap::new();
    for r in chat.received() {
        let space = r.path.split('/').nth(3).unwrap_or_default().to_owned();
        arrivals.entry(space).or_default().push(r.at);
    }
    for (space, times) in &arrivals {
        for w in times.windows(11) {
            assert!(
                w[10] - w[0] >= Duration::from_millis(1950),
                "{space}: 11 writes within {:?}",
                w[10] - w[0]
            );
        }
    }
    let health = common::json(&instances[1].get("/healthz").body);
    assert_eq!(health["outbox"]["pending"], 0);
}
