//! Outbox throughput: messages scheduled per second — queued, transmitted
//! (the HTTP request built) and answered 200 — natively. Native only: on
//! wasm32 this is an empty program.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used)]

#[cfg(not(target_family = "wasm"))]
criterion::criterion_main!(native::benches);

#[cfg(target_family = "wasm")]
fn main() {}

#[cfg(not(target_family = "wasm"))]
mod native {
    use std::hint::black_box;
    use std::time::Duration;

    use criterion::{Criterion, Throughput, criterion_group};
    use gchat::Timestamp;
    use gchat::message::model::Message;
    use gchat::outbound::{Outbox, OutboxConfig, Quota, Response, WebhookRequest, WebhookUrl};

    const MESSAGES: u64 = 1000;
    const SPACES: u64 = 50;

    /// Queues `MESSAGES` alerts over `SPACES` spaces, then sends and answers
    /// every one; returns the deliveries seen.
    fn run(requests: &[WebhookRequest], ok: &Response) -> usize {
        let mut config = OutboxConfig::new(7);
        // The quota would make this a test of waiting: lift it.
        config.quota = Quota::new(u32::MAX, Duration::from_secs(60));
        let mut outbox = Outbox::new(config);
        let now = Timestamp::from_secs(1_800_000_000);
        for r in requests {
            outbox.enqueue(r.clone(), now).unwrap();
        }
        let mut delivered = 0;
        while let Some(t) = outbox.poll_transmit(now) {
            black_box(&t.request);
            outbox.handle_response(t.id, ok, now);
            while outbox.poll_event().is_some() {
                delivered += 1;
            }
        }
        delivered
    }

    fn throughput(c: &mut Criterion) {
        let requests: Vec<WebhookRequest> = (0..MESSAGES)
            .map(|i| {
                let url = WebhookUrl::parse(&format!(
                    "https://chat.googleapis.com/v1/spaces/S{}/messages?key=k&token=t",
                    i % SPACES
                ))
                .unwrap();
                WebhookRequest::new(url, Message::text(format!("alert {i}: db-{i} is down")))
                    .unwrap()
                    .thread_key(format!("alert-{}", i % 97))
                    .idempotency_key(&format!("alert/{i}/firing"))
            })
            .collect();
        let ok = Response::http(
            200,
            r#"{"name":"spaces/S/messages/m","thread":{"name":"spaces/S/threads/t"}}"#,
        );
        assert_eq!(run(&requests, &ok), MESSAGES as usize);
        let mut group = c.benchmark_group("outbox");
        group.throughput(Throughput::Elements(MESSAGES));
        group.bench_function(
            "1000 messages over 50 spaces: enqueue, transmit, 200",
            |b| b.iter(|| run(black_box(&requests), &ok)),
        );
        group.finish();
    }

    criterion_group!(benches, throughput);
}
