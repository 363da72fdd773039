//! Key documents: JWKS and x509 certificate maps with any bytes, and the
//! cache headers (`Cache-Control`, `Age`, `Date`) that set their freshness.
//! Input: `cache-control \0 age \0 date \0 body`.
#![no_main]

use gchat::Timestamp;
use gchat::auth::{GOOGLE_ID_TOKEN_KEYS_URL, KeySet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |b| *b == 0);
    let text = |p: Option<&[u8]>| String::from_utf8_lossy(p.unwrap_or_default()).into_owned();
    let (cache_control, age, date) = (text(parts.next()), text(parts.next()), text(parts.next()));
    let body = parts.next().unwrap_or(data);
    let headers = [
        ("cache-control", cache_control.as_str()),
        ("age", age.as_str()),
        ("date", date.as_str()),
    ];
    let now = Timestamp::from_secs(1_800_000_000);
    let mut keys = KeySet::new();
    if let Ok(skipped) = keys.insert_response(GOOGLE_ID_TOKEN_KEYS_URL, body, &headers, now) {
        let doc = keys.document(GOOGLE_ID_TOKEN_KEYS_URL).unwrap();
        assert!(
            doc.kids().count() > 0,
            "a document is kept only with a usable key"
        );
        assert_eq!(doc.skipped().len(), skipped.len());
        assert!(doc.fresh_until.unwrap() >= now);
        let _ = keys.version();
    }
    let _ = KeySet::parse(body);
});
