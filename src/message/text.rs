//! Chat's text markup, produced safely.
//!
//! Message `text` uses Chat markup (`*bold*`, `_italic_`, `~strike~`,
//! `` `code` ``, code blocks, `<users/…>` mentions, `<url|label>` links).
//! Chat markup has no escape character, so [`escape`] neutralizes user text
//! by putting a zero-width space (U+200B) after each character that could
//! open or close markup: it renders invisibly and stops Chat from pairing
//! delimiters or reading `<…>` as a mention or link. Every helper here
//! escapes the text it is given.
//!
//! Card text (`textParagraph`, `decoratedText`, section headers) uses a small
//! HTML subset instead: see [`html`].
//!
//! ```
//! use gchat::message::text;
//!
//! let user_input = "*not bold* <users/all>";
//! let line = format!("{} said: {}", text::bold("Ada"), text::escape(user_input));
//! assert!(!line.contains("<users/all>"));
//! assert_eq!(text::link("https://example.com/a?b=1", "the docs"), "<https://example.com/a?b=1|the docs>");
//! ```

/// Zero-width space: invisible, and it splits markup delimiters.
const ZWSP: char = '\u{200B}';

/// Characters that can start or end Chat markup.
const MARKUP: &[char] = &['*', '_', '~', '`', '<', '>', '|'];

/// User text made inert: no markup, mention or link can form from it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        out.push(c);
        if MARKUP.contains(&c) {
            out.push(ZWSP);
        }
    }
    out
}

fn wrap(delimiter: &str, text: &str) -> String {
    let inner = escape(text.trim());
    if inner.is_empty() {
        return String::new();
    }
    format!("{delimiter}{inner}{delimiter}")
}

/// `*bold*`.
pub fn bold(text: &str) -> String {
    wrap("*", text)
}

/// `_italic_`.
pub fn italic(text: &str) -> String {
    wrap("_", text)
}

/// `~strikethrough~`.
pub fn strike(text: &str) -> String {
    wrap("~", text)
}

/// `` `monospace` ``.
pub fn code(text: &str) -> String {
    wrap("`", text)
}

/// A monospace block (```` ``` ````).
pub fn code_block(text: &str) -> String {
    // Only a run of three backticks could close the block early.
    let inner = text.replace("```", "`\u{200B}`\u{200B}`");
    format!("```\n{inner}\n```")
}

/// A mention of a user by id (`users/123`, `123`) or e-mail alias; `None`
/// when the id has characters a mention cannot contain.
pub fn mention(user: &str) -> Option<String> {
    let id = user.strip_prefix("users/").unwrap_or(user);
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '+'));
    ok.then(|| format!("<users/{id}>"))
}

/// A mention of everyone in the space.
pub fn mention_all() -> &'static str {
    "<users/all>"
}

/// A link `<url|label>`. Characters that would end the link early (`|`,
/// `>`, `<`, white space) are percent-encoded in the URL; the label is escaped.
pub fn link(url: &str, label: &str) -> String {
    let mut out = String::with_capacity(url.len() + label.len() + 3);
    out.push('<');
    for c in url.trim().chars() {
        match c {
            '|' => out.push_str("%7C"),
            '>' => out.push_str("%3E"),
            '<' => out.push_str("%3C"),
            ' ' => out.push_str("%20"),
            c if c.is_whitespace() || c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('|');
    out.push_str(&escape(label));
    out.push('>');
    out
}

/// A bulleted list, one escaped item a line.
pub fn bullets<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|i| format!("• {}", escape(i)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The HTML subset of card text (`<b>`, `<i>`, `<u>`, `<s>`, `<font color>`, `<a href>`, `<br>`).
pub mod html {
    /// Text with `&`, `<`, `>`, `"` and `'` escaped.
    pub fn escape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    }

    /// `<b>text</b>`.
    pub fn bold(text: &str) -> String {
        format!("<b>{}</b>", escape(text))
    }

    /// `<i>text</i>`.
    pub fn italic(text: &str) -> String {
        format!("<i>{}</i>", escape(text))
    }

    /// `<u>text</u>`.
    pub fn underline(text: &str) -> String {
        format!("<u>{}</u>", escape(text))
    }

    /// `<s>text</s>`.
    pub fn strike(text: &str) -> String {
        format!("<s>{}</s>", escape(text))
    }

    /// `<font color="#rrggbb">text</font>`; `None` unless the color is `#` and 3 or 6 hex digits.
    pub fn color(text: &str, color: &str) -> Option<String> {
        let hex = color.strip_prefix('#')?;
        let ok = matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit());
        ok.then(|| format!("<font color=\"#{hex}\">{}</font>", escape(text)))
    }

    /// `<a href="url">text</a>`; `None` unless the URL is http(s) or mailto.
    pub fn link(url: &str, text: &str) -> Option<String> {
        let lower = url.trim_start().to_ascii_lowercase();
        let ok = ["https://", "http://", "mailto:"]
            .iter()
            .any(|p| lower.starts_with(p));
        ok.then(|| format!("<a href=\"{}\">{}</a>", escape(url.trim()), escape(text)))
    }

    /// A line break.
    pub const BR: &str = "<br>";
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn escaping_breaks_every_delimiter() {
        let hostile = "*b* _i_ ~s~ `c` <users/all> <https://evil|x>";
        let out = escape(hostile);
        for pat in ["*b*", "_i_", "~s~", "`c`", "<users/all>", "<https", "|x>"] {
            assert!(!out.contains(pat), "{pat} in {out:?}");
        }
        assert_eq!(out.replace('\u{200B}', ""), hostile);
        assert_eq!(escape("plain text"), "plain text");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn helpers_wrap_and_escape() {
        assert_eq!(bold("hi"), "*hi*");
        assert_eq!(bold("a*b").replace('\u{200B}', "+"), "*a*+b*");
        assert_eq!(italic(" x "), "_x_");
        assert_eq!(bold("  "), "");
        assert_eq!(strike("x"), "~x~");
        assert_eq!(code("x"), "`x`");
        assert!(!code_block("a```b").contains("```b"));
        assert_eq!(mention("users/123").as_deref(), Some("<users/123>"));
        assert_eq!(
            mention("ada@example.com").as_deref(),
            Some("<users/ada@example.com>")
        );
        assert_eq!(mention("1>2"), None);
        assert_eq!(
            link("https://x.io/a b|c>", "l|>"),
            "<https://x.io/a%20b%7Cc%3E|l|\u{200B}>\u{200B}>"
        );
        assert_eq!(bullets(["a", "*b*"]).lines().count(), 2);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn html_helpers() {
        assert_eq!(html::bold("<x>"), "<b>&lt;x&gt;</b>");
        assert_eq!(
            html::color("t", "#80e27e").as_deref(),
            Some("<font color=\"#80e27e\">t</font>")
        );
        assert_eq!(html::color("t", "red\" onload=\"x"), None);
        assert_eq!(html::link("javascript:alert(1)", "x"), None);
        assert_eq!(
            html::link("https://a.b/?q=\"", "x").as_deref(),
            Some("<a href=\"https://a.b/?q=&quot;\">x</a>")
        );
    }
}
