//! What a config app needs from its libraries, and nothing of gchat: read a
//! TOML file, render a JSON template against a JSON payload, read the result.

use wasm_bindgen::prelude::wasm_bindgen;

/// Renders `template` with `config` (TOML) and `payload` (JSON) in context.
#[wasm_bindgen]
pub fn render(config: &str, template: &str, payload: &str) -> Result<String, String> {
    let config: toml::Table = toml::from_str(config).map_err(|e| e.to_string())?;
    let payload: serde_json::Value = serde_json::from_str(payload).map_err(|e| e.to_string())?;
    let mut env = minijinja::Environment::new();
    env.add_template_owned("t", template.to_owned())
        .map_err(|e| e.to_string())?;
    let rendered = env
        .get_template("t")
        .and_then(|t| {
            t.render(minijinja::context! {
                config => minijinja::value::Serde(config),
                payload => minijinja::value::Serde(payload),
            })
        })
        .map_err(|e| e.to_string())?;
    let value: serde_json::Value = serde_json::from_str(&rendered).map_err(|e| e.to_string())?;
    Ok(value.to_string())
}
