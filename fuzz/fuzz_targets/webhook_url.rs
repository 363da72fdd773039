//! Webhook URLs: any text gives a checked URL or a coded error; a checked
//! one builds a request to Chat's host that keeps its key and token.
#![no_main]

use gchat::message::model::Message;
use gchat::outbound::{WebhookRequest, WebhookUrl};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match WebhookUrl::parse(&text) {
        Ok(url) => {
            let space = url.space_name();
            assert!(space.starts_with("spaces/"), "{space}");
            let message: Message = serde_json::from_str(r#"{"text":"hi"}"#).unwrap();
            let request = WebhookRequest::new(url, message).unwrap();
            let http = request.to_http();
            assert!(
                http.url
                    .starts_with("https://chat.googleapis.com/v1/spaces/"),
                "{}",
                http.url
            );
        }
        Err(e) => assert!(!gchat::ErrorCode::code(&e).is_empty()),
    }
});
