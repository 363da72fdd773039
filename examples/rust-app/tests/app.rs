//! The example app served by `gchat-server`, driven with signed events
//! against stand-ins for the weather API and for Chat (both on 127.0.0.1).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use gchat::Timestamp;
use gchat::auth::{Expectation, KeySet};
use gchat::event::sample::{SampleOptions, sample};
use gchat::event::{Format, Kind};
use gchat::outbound::{AppAuth, CHAT_BOT_SCOPE, OutboxConfig, ServiceAccountKey};
use gchat::testing::{TestKey, claims_for};
use gchat_server::courier::Settings;
use gchat_server::{Keys, Server};
use serde_json::{Value, json};

const URL: &str = "https://weather-bot.example.com/";

fn now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Timestamp::from_millis(i64::try_from(ms).unwrap())
}

/// Serves `router` on a free port; its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

/// The weather API's stand-in: `/current` and `/forecast` (each day a
/// quarter of a second late); `city=Atlantis` fails with 503.
async fn weather_api() -> String {
    async fn current(
        Query(q): Query<Vec<(String, String)>>,
    ) -> Result<Json<Value>, axum::http::StatusCode> {
        let city = q
            .iter()
            .find(|(k, _)| k == "city")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if city == "Atlantis" {
            return Err(axum::http::StatusCode::SERVICE_UNAVAILABLE);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(Json(
            json!({"city": city, "summary": "Sunny", "celsius": 21.4}),
        ))
    }
    async fn forecast(Query(q): Query<Vec<(String, String)>>) -> Json<Value> {
        let get = |name: &str| {
            q.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        tokio::time::sleep(Duration::from_millis(250)).await;
        let day: u8 = get("day").parse().unwrap_or(0);
        let summary = ["", "Rain", "Clouds", "Sun"][usize::from(day.min(3))];
        Json(json!({"city": get("city"), "summary": summary, "celsius": 10 + day}))
    }
    serve(
        axum::Router::new()
            .route("/current", get(current))
            .route("/forecast", get(forecast)),
    )
    .await
}

/// What the Chat stand-in received: (method, path, body).
type Writes = Arc<Mutex<Vec<(String, String, Value)>>>;

/// Chat's stand-in: an OAuth token endpoint, and messages created or
/// edited (answered as Chat does, with the message's name).
async fn chat() -> (String, Writes) {
    async fn write(
        State(writes): State<Writes>,
        method: axum::http::Method,
        uri: axum::http::Uri,
        Json(body): Json<Value>,
    ) -> Json<Value> {
        let path = uri.path().to_owned();
        writes
            .lock()
            .unwrap()
            .push((method.to_string(), path.clone(), body.clone()));
        let mut answer = body;
        answer["name"] = json!(path.trim_start_matches("/v1/").to_owned() + "/m1");
        Json(answer)
    }
    async fn token() -> Json<Value> {
        Json(json!({"access_token": "ya29.stand-in", "expires_in": 3599, "token_type": "Bearer"}))
    }
    let writes = Writes::default();
    let router = axum::Router::new()
        .route("/token", post(token))
        .fallback(write)
        .with_state(Arc::clone(&writes));
    (serve(router).await, writes)
}

/// The app served with the test key trusted, delivering to `chat`.
async fn app_server(weather: &str, chat: &str) -> String {
    let key = TestKey::fixed();
    let account = json!({
        "type": "service_account",
        "client_email": "weather-bot@p.iam.gserviceaccount.com",
        "private_key_id": key.kid(),
        "private_key": key.to_pem(),
        "token_uri": format!("{chat}/token"),
    });
    let keys = KeySet::parse(key.jwks().to_string().as_bytes()).unwrap();
    let api = gchat_rust_app::WeatherApi::new(weather).unwrap();
    let server = Server::builder()
        .app(gchat_rust_app::app(api))
        .expectations([Expectation::endpoint_url(URL)])
        .keys(Keys::Fixed(keys))
        .courier(Settings {
            api_base: chat.to_owned(),
            auth: Some(AppAuth::new(
                ServiceAccountKey::from_json(&account.to_string()).unwrap(),
                CHAT_BOT_SCOPE,
            )),
            config: OutboxConfig::new(1),
        })
        .build()
        .unwrap();
    serve(server.router()).await
}

/// Sends a signed sample event of `kind`; the status and JSON answer.
async fn send(app: &str, kind: Kind, options: SampleOptions) -> (u16, Value) {
    let event = sample(
        kind,
        Format::Classic,
        &SampleOptions {
            now: now(),
            ..options
        },
    )
    .unwrap();
    let token = TestKey::fixed().mint(&claims_for(&Expectation::endpoint_url(URL), now()));
    let reply = reqwest::Client::new()
        .post(app)
        .bearer_auth(token)
        .json(&event)
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.json().await.unwrap())
}

fn command(name: &str, text: &str) -> SampleOptions {
    SampleOptions {
        command: Some(name.into()),
        text: Some(text.into()),
        ..SampleOptions::default()
    }
}

/// Waits (up to 10 s) until `done` holds for the writes Chat received.
async fn wait_for(
    writes: &Writes,
    done: impl Fn(&[(String, String, Value)]) -> bool,
) -> Vec<(String, String, Value)> {
    for _ in 0..200 {
        let seen = writes.lock().unwrap().clone();
        if done(&seen) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    writes.lock().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn weather_awaits_the_api_and_answers_with_a_card() {
    let (chat, _) = chat().await;
    let app = app_server(&weather_api().await, &chat).await;
    let (status, reply) = send(&app, Kind::SlashCommand, command("/weather", "Lyon")).await;
    assert_eq!(status, 200, "{reply}");
    let card = &reply["cardsV2"][0]["card"];
    assert_eq!(card["header"]["title"], "Weather in Lyon");
    assert_eq!(
        card["sections"][0]["widgets"][0]["textParagraph"]["text"],
        "Sunny, 21 °C"
    );
    let button = &card["sections"][0]["widgets"][1]["buttonList"]["buttons"][0];
    assert_eq!(button["onClick"]["action"]["function"], "openFeedback");
    assert_eq!(button["onClick"]["action"]["interaction"], "OPEN_DIALOG");

    // The API down: the app's error text, not a hang or a 500.
    let (status, reply) = send(&app, Kind::SlashCommand, command("/weather", "Atlantis")).await;
    assert_eq!(status, 200);
    assert_eq!(
        reply["text"],
        "Sorry, the weather service is not answering. Try again in a moment."
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feedback_dialog_opens_then_its_submit_posts_a_thank_you_and_closes_it() {
    let (chat, writes) = chat().await;
    let app = app_server(&weather_api().await, &chat).await;
    let open = SampleOptions {
        function: Some("openFeedback".into()),
        ..SampleOptions::default()
    };
    let (status, reply) = send(&app, Kind::DialogRequest, open).await;
    assert_eq!(status, 200, "{reply}");
    let dialog = &reply["actionResponse"];
    assert_eq!(dialog["type"], "DIALOG");
    assert_eq!(
        dialog["dialogAction"]["dialog"]["body"]["sections"][0]["widgets"][0]["textInput"]["name"],
        "feedback"
    );

    let empty = SampleOptions {
        function: Some("submitFeedback".into()),
        form_inputs: vec![("feedback".into(), vec!["  ".into()])],
        ..SampleOptions::default()
    };
    let (_, reply) = send(&app, Kind::DialogSubmit, empty).await;
    assert_eq!(
        reply["actionResponse"]["dialogAction"]["actionStatus"]["userFacingMessage"],
        "Write a few words first."
    );

    let submit = SampleOptions {
        function: Some("submitFeedback".into()),
        form_inputs: vec![("feedback".into(), vec!["Spot on".into()])],
        ..SampleOptions::default()
    };
    let (_, reply) = send(&app, Kind::DialogSubmit, submit).await;
    let closed = &reply["actionResponse"]["dialogAction"]["actionStatus"];
    assert_eq!(closed["userFacingMessage"], "Thanks for the feedback!");
    let writes = wait_for(&writes, |w| !w.is_empty()).await;
    assert_eq!(writes.len(), 1);
    let (method, path, body) = &writes[0];
    assert_eq!(
        (method.as_str(), path.ends_with("/messages")),
        ("POST", true),
        "{path}"
    );
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .ends_with("says about the forecast: Spot on"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forecast_answers_at_once_then_edits_in_each_day() {
    let (chat, writes) = chat().await;
    let app = app_server(&weather_api().await, &chat).await;
    let (status, reply) = send(&app, Kind::SlashCommand, command("/forecast", "Oslo")).await;
    assert_eq!(status, 200);
    assert_eq!(
        reply,
        json!({}),
        "nothing in the response: the placeholder is posted"
    );
    let full = "Day 1: Rain, 11 °C\nDay 2: Clouds, 12 °C\nDay 3: Sun, 13 °C";
    let writes = wait_for(&writes, |w| {
        w.last().is_some_and(|(_, _, b)| b["text"] == full)
    })
    .await;
    let (method, _, placeholder) = &writes[0];
    assert_eq!(
        (method.as_str(), placeholder["text"].as_str()),
        ("POST", Some("Asking the weather service…"))
    );
    assert!(writes.len() >= 2, "{writes:?}");
    for (method, path, _) in &writes[1..] {
        assert_eq!(method, "PATCH");
        assert!(
            path.contains("/messages/client-"),
            "the placeholder is edited: {path}"
        );
    }
    assert_eq!(writes.last().unwrap().2["text"], full);
}
