//! Rendering a 100-widget card (every common widget kind) to a whole HTML
//! page, and to a bare fragment. Native only: on wasm32 this is an empty
//! program.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

#[cfg(not(target_family = "wasm"))]
criterion::criterion_main!(native::benches);

#[cfg(target_family = "wasm")]
fn main() {}

#[cfg(not(target_family = "wasm"))]
mod native {
    use std::hint::black_box;

    use criterion::{Criterion, criterion_group};
    use gchat::message::render::{RenderOptions, render_html};
    use serde_json::{Value, json};

    /// Widget `i` of the card: ten kinds in turn.
    fn widget(i: usize) -> Value {
        let link = json!({"openLink": {"url": format!("https://example.com/items/{i}")}});
        let action = json!({"action": {"function": "handle", "parameters": [{"key": "i", "value": i.to_string()}]}});
        match i % 10 {
            0 => json!({"textParagraph": {"text": format!(
                "Item <b>{i}</b> is <font color=\"#1e8e3e\">ready</font>; see <a href=\"https://example.com/{i}\">details</a> &amp; more.<br>Second line")}}),
            1 => json!({"decoratedText": {
                "startIcon": {"knownIcon": "EMAIL"}, "topLabel": "Email", "text": format!("user{i}@example.com"),
                "bottomLabel": "Work", "button": {"text": "Send", "onClick": link}}}),
            2 => json!({"buttonList": {"buttons": [
                {"text": "Open", "onClick": link},
                {"text": "Approve", "type": "FILLED", "onClick": action},
                {"icon": {"materialIcon": {"name": "delete"}}, "altText": "Delete", "onClick": action}]}}),
            3 => {
                json!({"textInput": {"name": format!("field{i}"), "label": "Your answer", "hintText": "Required", "value": "draft"}})
            }
            4 => {
                json!({"selectionInput": {"name": format!("pick{i}"), "label": "Pick some", "type": "CHECK_BOX", "items": [
                {"text": "Alpha", "value": "a", "selected": true}, {"text": "Beta", "value": "b"},
                {"text": "Gamma", "value": "c"}, {"text": "Delta", "value": "d"}]}})
            }
            5 => {
                json!({"image": {"imageUrl": format!("https://example.com/images/{i}.png"), "altText": "A picture"}})
            }
            6 => {
                json!({"decoratedText": {"text": format!("Switch {i}"), "switchControl": {"name": "s", "selected": true}}})
            }
            7 => json!({"chipList": {"chips": [
                {"label": "Docs", "icon": {"knownIcon": "DESCRIPTION"}, "onClick": link},
                {"label": "Sheets", "onClick": action}, {"label": "Slides", "disabled": true}]}}),
            8 => json!({"columns": {"columnItems": [
                {"widgets": [{"textParagraph": {"text": "Left <i>column</i>"}}]},
                {"widgets": [{"buttonList": {"buttons": [{"text": "Go", "onClick": action}]}}]}]}}),
            _ => {
                json!({"dateTimePicker": {"name": format!("when{i}"), "label": "When", "type": "DATE_AND_TIME", "valueMsEpoch": 1_700_000_000_000_i64}})
            }
        }
    }

    /// A message with one card of 100 widgets in 10 sections.
    fn message() -> Value {
        let sections: Vec<Value> = (0..10)
            .map(|s| json!({"header": format!("Section <b>{s}</b>"), "widgets": (0..10).map(|w| widget(s * 10 + w)).collect::<Vec<_>>()}))
            .collect();
        json!({"text": "Here is *your* report: <https://example.com|open it>", "cardsV2": [{"cardId": "report", "card": {
            "header": {"title": "Weekly report", "subtitle": "100 widgets", "imageUrl": "https://example.com/logo.png", "imageType": "CIRCLE"},
            "sections": sections
        }}]})
    }

    fn bench(c: &mut Criterion) {
        let input = message();
        let page = RenderOptions::default();
        let fragment = RenderOptions::default().full_page(false).stylesheet(false);
        let html = render_html(&input, &page);
        assert!(
            html.matches("data-path=\"/cardsV2/0/card/sections/")
                .count()
                >= 100
        );
        c.bench_function("render_100_widgets", |b| {
            b.iter(|| render_html(black_box(&input), &page));
        });
        c.bench_function("render_100_widgets_fragment", |b| {
            b.iter(|| render_html(black_box(&input), &fragment));
        });
    }

    criterion_group!(benches, bench);
}
