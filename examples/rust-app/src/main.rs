//! Serves the example app: `WEATHER_API` (the API's base URL), `ENDPOINT_URL`
//! (the app's URL, as configured in Chat), `GCHAT_STATE` (default
//! `sqlite:rust-app.db`) and `LISTEN` (default `127.0.0.1:8080`).

use gchat::auth::Expectation;
use gchat_server::{Server, store};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let env =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let api = gchat_rust_app::WeatherApi::new(env("WEATHER_API", "http://127.0.0.1:9000"))?;
    let endpoint = std::env::var("ENDPOINT_URL")
        .map_err(|_| "set ENDPOINT_URL to the app's URL, as configured in Chat")?;
    Server::builder()
        .app(gchat_rust_app::app(api))
        .expectations([Expectation::endpoint_url(endpoint)])
        .state(store::open(&env("GCHAT_STATE", "sqlite:rust-app.db")).await?)
        .serve(env("LISTEN", "127.0.0.1:8080"))
        .await?;
    Ok(())
}
