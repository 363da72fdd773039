//! The message linter on a card with 100 widgets of mixed kinds, in a
//! message. Native only: on wasm32 this is an empty program.

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

    use criterion::{Criterion, criterion_group};
    use gchat::message::lint::{Surface, lint};
    use serde_json::{Value, json};

    /// One widget of the mix, by index.
    fn widget(i: usize) -> Value {
        match i % 10 {
            0 => json!({"textParagraph": {"text": format!("<b>Paragraph {i}</b> with some text")}}),
            1 => json!({"decoratedText": {
                "startIcon": {"knownIcon": "EMAIL"},
                "topLabel": "Email",
                "text": format!("user{i}@example.com"),
                "button": {"text": "Mail", "onClick": {"openLink": {"url": "https://example.com/mail"}}}
            }}),
            2 => json!({"buttonList": {"buttons": [
                {"text": "Approve", "onClick": {"action": {"function": "approve",
                    "parameters": [{"key": "id", "value": format!("{i}")}]}}},
                {"text": "Open", "onClick": {"openLink": {"url": "https://example.com/item"}}}
            ]}}),
            3 => {
                json!({"textInput": {"name": format!("input_{i}"), "label": "Comment", "type": "MULTIPLE_LINE"}})
            }
            4 => {
                json!({"selectionInput": {"name": format!("choice_{i}"), "label": "Size", "type": "DROPDOWN",
                "items": [
                    {"text": "S", "value": "s", "selected": true},
                    {"text": "M", "value": "m"},
                    {"text": "L", "value": "l"}
                ]}})
            }
            5 => {
                json!({"image": {"imageUrl": "https://example.com/image.png", "altText": "An image"}})
            }
            6 => json!({"divider": {}}),
            7 => json!({"columns": {"columnItems": [
                {"horizontalSizeStyle": "FILL_AVAILABLE_SPACE", "widgets": [{"textParagraph": {"text": "Left"}}]},
                {"horizontalSizeStyle": "FILL_MINIMUM_SPACE", "widgets": [{"image": {"imageUrl": "https://example.com/a.png"}}]}
            ]}}),
            8 => json!({"chipList": {"chips": [
                {"label": "Docs", "onClick": {"openLink": {"url": "https://example.com/docs"}}}
            ]}}),
            _ => {
                json!({"dateTimePicker": {"name": format!("when_{i}"), "label": "When", "type": "DATE_ONLY",
                "valueMsEpoch": "1672531200000"}})
            }
        }
    }

    /// A message with one card of 100 widgets over 5 sections.
    pub fn message() -> Value {
        let sections: Vec<Value> = (0..5)
            .map(|s| {
                let widgets: Vec<Value> = (0..20).map(|w| widget(s * 20 + w)).collect();
                json!({"header": format!("Section {s}"), "widgets": widgets})
            })
            .collect();
        json!({
            "text": "Here is the report",
            "cardsV2": [{"cardId": "report", "card": {
                "header": {"title": "Report", "imageUrl": "https://example.com/logo.png", "imageType": "CIRCLE"},
                "sections": sections
            }}]
        })
    }

    fn bench(c: &mut Criterion) {
        let message = message();
        assert!(lint(&message, Surface::Message).is_empty());
        c.bench_function("lint_100_widget_card", |b| {
            b.iter(|| lint(black_box(&message), Surface::Message));
        });
    }

    criterion_group!(benches, bench);
}
