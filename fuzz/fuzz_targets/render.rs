//! The HTML preview on any JSON: the output keeps its properties (only
//! allowlisted tags and attributes, no script, no event handlers, no
//! dangerous URL or style, balanced markup, nothing from the input
//! unescaped, `data-path`s that resolve), checked by the same checker as
//! tests/render.rs.
#![no_main]

#[path = "../../tests/common/html.rs"]
mod html;

use gchat::message::render::{RenderOptions, render_html};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let fragment = RenderOptions::default().full_page(false).stylesheet(false);
    let html = render_html(&input, &fragment);
    if let Err(e) = html::check(&input, &html) {
        panic!("{e}\ninput: {input}\noutput: {html}");
    }
    let page = render_html(&input, &RenderOptions::default());
    if let Err(e) = html::check(&input, &page) {
        panic!("page: {e}\ninput: {input}");
    }
});
