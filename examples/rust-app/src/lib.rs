//! An example Chat app in async Rust, served by `gchat-server`:
//!
//! - `/weather CITY` awaits a weather API over HTTP and answers with a card
//!   whose button opens a feedback dialog;
//! - the dialog's submit posts a thank-you in the space through the outbox
//!   and closes the dialog;
//! - `/forecast CITY` answers progressively: a placeholder at once, then
//!   the three days' forecasts as the API gives them.
//!
//! `main.rs` serves it; `tests/app.rs` drives it with signed events against
//! stand-ins for the weather API and for Chat.

#![forbid(unsafe_code)]

use std::sync::Arc;
use std::time::Duration;

use gchat::app::{AppError, Reply};
use gchat::event::Event;
use gchat::message::model::{
    Action, Button, Card, CardHeader, Message, Section, TextInput, Widget,
};
use gchat_server::{App, Ctx, Progress};
use serde::Deserialize;

/// What the weather API answers (`GET /current?city=…`, `GET /forecast?city=…&day=N`).
#[derive(Debug, Deserialize)]
pub struct Report {
    /// The city, as the API spells it.
    pub city: String,
    /// In words.
    pub summary: String,
    /// In °C.
    pub celsius: f64,
}

/// A client of the weather API at `base`.
#[derive(Clone, Debug)]
pub struct WeatherApi {
    client: reqwest::Client,
    base: String,
}

impl WeatherApi {
    /// A client with a 5 s timeout per call (the handler's budget is 25 s).
    ///
    /// # Errors
    /// When the HTTP client cannot be made.
    pub fn new(base: impl Into<String>) -> Result<Self, reqwest::Error> {
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()?,
            base: base.into(),
        })
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Report, AppError> {
        let failed =
            |e: reqwest::Error| AppError::Handler(format!("weather API: {}", e.without_url()));
        self.client
            .get(format!("{}{path}", self.base))
            .query(query)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(failed)?
            .json()
            .await
            .map_err(failed)
    }

    /// The weather now.
    async fn current(&self, city: &str) -> Result<Report, AppError> {
        self.get("/current", &[("city", city)]).await
    }

    /// The forecast for `day` (1 = tomorrow).
    async fn forecast(&self, city: &str, day: u8) -> Result<Report, AppError> {
        self.get("/forecast", &[("city", city), ("day", &day.to_string())])
            .await
    }
}

/// The app, calling the weather API at `api`.
pub fn app(api: WeatherApi) -> App {
    let api = Arc::new(api);
    let for_weather = Arc::clone(&api);
    let for_forecast = Arc::clone(&api);
    App::new()
        .error_text("Sorry, the weather service is not answering. Try again in a moment.")
        .on_command("/weather", move |event, _ctx| {
            let api = Arc::clone(&for_weather);
            async move { weather(&api, &event).await }
        })
        .on_dialog_request("openFeedback", |_, _| async {
            Ok(Reply::open_dialog(feedback_dialog()))
        })
        .on_dialog_submit("submitFeedback", feedback)
        .on_command("/forecast", move |event, ctx| {
            let api = Arc::clone(&for_forecast);
            async move { Ok(forecast(api, &event, &ctx)) }
        })
        .on_message(|_, _| async { Ok(Reply::text("Try `/weather Paris` or `/forecast Paris`.")) })
}

/// The command's argument, or Paris.
fn city(event: &Event) -> String {
    let text = event.argument_text().unwrap_or_default();
    let city = text.trim();
    if city.is_empty() { "Paris" } else { city }.to_owned()
}

/// `/weather CITY`: the API's answer as a card, with a feedback button.
async fn weather(api: &WeatherApi, event: &Event) -> Result<Reply, AppError> {
    let report = api.current(&city(event)).await?;
    let card = Card::new()
        .header(CardHeader::new(format!("Weather in {}", report.city)))
        .section(Section::new().widgets([
            Widget::text(format!("{}, {:.0} °C", report.summary, report.celsius)),
            Widget::buttons([Button::new(
                "Send feedback",
                Action::new("openFeedback").open_dialog(),
            )]),
        ]));
    Ok(Reply::message(Message::new().card("weather", card)))
}

/// The feedback dialog.
fn feedback_dialog() -> Card {
    Card::new()
        .header(CardHeader::new("How was the forecast?"))
        .section(Section::new().widgets([
            Widget::text_input(TextInput::new("feedback", "Your feedback").multiline()),
            Widget::buttons([Button::new(
                "Send",
                Action::new("submitFeedback").require(["feedback"]),
            )]),
        ]))
}

/// The dialog's submit: a thank-you posted in the space (through the
/// outbox: durable, once per event), then the dialog closed.
async fn feedback(event: Event, ctx: Ctx) -> Result<Reply, AppError> {
    let Some(text) = event
        .form_string("feedback")
        .filter(|t| !t.trim().is_empty())
    else {
        return Ok(Reply::dialog_error("Write a few words first."));
    };
    let who = event
        .user()
        .and_then(|u| u.display_name.as_deref())
        .unwrap_or("Someone");
    ctx.post(Message::text(format!(
        "{who} says about the forecast: {text}"
    )))
    .await
    .map_err(|e| AppError::Handler(e.to_string()))?;
    Ok(Reply::close_dialog(Some("Thanks for the feedback!".into())))
}

/// `/forecast CITY`: a placeholder now, then each day as the API answers.
fn forecast(api: Arc<WeatherApi>, event: &Event, ctx: &Ctx) -> Reply {
    let city = city(event);
    let days = futures_util::stream::unfold(1u8, move |day| {
        let (api, city) = (Arc::clone(&api), city.clone());
        async move {
            if day > 3 {
                return None;
            }
            let line = api.forecast(&city, day).await.map(|r| {
                let sep = if day == 1 { "" } else { "\n" };
                format!("{sep}Day {day}: {}, {:.0} °C", r.summary, r.celsius)
            });
            Some((line, day + 1))
        }
    });
    let mut options = Progress::default();
    options.placeholder = Some("Asking the weather service…".into());
    ctx.progress(days, options)
}
