//! `GET /designer/`: the card designer (`www/`'s static build) beside the app.
//!
//! The files come from `GCHAT_DESIGNER_DIR`, or else from `www/dist` of the
//! checkout the binary was built from (`make www` builds it; `make run`
//! does so first). Without a build, `/designer/` says how to make one.

use std::path::PathBuf;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use tower_http::services::ServeDir;

/// Where the designer's files are.
pub fn dir() -> PathBuf {
    std::env::var_os("GCHAT_DESIGNER_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/dist")),
        PathBuf::from,
    )
}

/// The routes: `/designer` redirects to `/designer/`, which serves the files.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let dir = dir();
    let routes = Router::new().route(
        "/designer",
        get(|| async { Redirect::permanent("/designer/") }),
    );
    if !dir.join("index.html").is_file() {
        let hint = format!(
            "the card designer is not built: run `make www` (looked in {})",
            dir.display()
        );
        let unbuilt = get(move || {
            let hint = hint.clone();
            async move { (StatusCode::NOT_FOUND, hint).into_response() }
        });
        return routes
            .route("/designer/", unbuilt.clone())
            .route("/designer/{*rest}", unbuilt);
    }
    routes.nest_service(
        "/designer/",
        ServeDir::new(dir).append_index_html_on_directories(true),
    )
}
