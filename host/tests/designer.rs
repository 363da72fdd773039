//! `gchat serve` serves the card designer's static build at `/designer/`.

mod common;

use common::{Served, temp_dir};

#[test]
fn the_designer_is_served_beside_the_app() {
    let dir_guard = temp_dir("designer");
    let dir = dir_guard.path();
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>designer</title>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/app.js"), "export {};").unwrap();
    let dir_text = dir.to_str().unwrap();
    let served = Served::start_env(
        &["--insecure-skip-verification"],
        &[("GCHAT_DESIGNER_DIR", dir_text)],
    );
    let redirect = served.get("/designer");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/designer/"));
    let index = served.get("/designer/");
    assert_eq!(index.status, 200);
    assert!(
        index
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(String::from_utf8_lossy(&index.body).contains("<title>designer</title>"));
    let script = served.get("/designer/assets/app.js");
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(served.get("/designer/missing.js").status, 404);
    // The app still answers everywhere else.
    assert_eq!(served.post(&[], b"{}").status, 400);
    assert_eq!(served.get("/healthz").status, 200);
}

#[test]
fn without_a_build_the_designer_says_how_to_make_one() {
    let dir_guard = temp_dir("designer-unbuilt");
    let dir = dir_guard.path();
    let served = Served::start_env(
        &["--insecure-skip-verification"],
        &[("GCHAT_DESIGNER_DIR", dir.to_str().unwrap())],
    );
    let reply = served.get("/designer/");
    assert_eq!(reply.status, 404);
    assert!(String::from_utf8_lossy(&reply.body).contains("make www"));
}
