//! Text markup, converted safely: the card HTML subset (`<b>`, `<i>`, `<u>`,
//! `<s>`, `<font color>`, `<a href>`, `<br>`), Chat message markup (`*bold*`,
//! `_italic_`, `~strike~`, `` `code` ``, code blocks, `<url|label>`,
//! `<users/…>`, bullets) and the Markdown Chat accepts. Tags are parsed here
//! and re-emitted from an allowlist with checked attributes; everything else
//! is escaped text. Every converter runs in time linear in its input.

use super::escape::{
    decode_entities, entity_len, escape, hex_color, push_url, safe_url, starts_with_ci,
};

/// How deeply card HTML tags may nest; deeper opening tags are dropped.
const MAX_TAGS: usize = 32;

/// The attributes written on every link.
const LINK_ATTRS: &str = "\" rel=\"noopener noreferrer\" target=\"_blank\">";

/// An open tag of the card HTML subset.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    B,
    I,
    U,
    S,
    /// `<font>`; whether a `<span style>` was written for it.
    Font(bool),
    /// `<a>`; whether an `<a href>` was written for it.
    A(bool),
    Br,
}

impl Tag {
    fn same_kind(self, other: Tag) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }

    fn close(self) -> &'static str {
        match self {
            Tag::B => "</b>",
            Tag::I => "</i>",
            Tag::U => "</u>",
            Tag::S => "</s>",
            Tag::Font(true) => "</span>",
            Tag::A(true) => "</a>",
            Tag::Font(false) | Tag::A(false) | Tag::Br => "",
        }
    }
}

/// A tag read from card HTML.
struct TagToken<'a> {
    tag: Tag,
    closing: bool,
    href: Option<&'a str>,
    color: Option<&'a str>,
}

/// Appends card text (the HTML subset) as safe HTML. Newlines become `<br>`.
pub(super) fn card_html(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut stack: Vec<Tag> = Vec::new();
    let mut i = 0;
    let mut text = 0;
    while let Some(&c) = b.get(i) {
        if !matches!(c, b'<' | b'&' | b'\n') {
            i += 1;
            continue;
        }
        escape(out, s.get(text..i).unwrap_or_default());
        let tail = b.get(i..).unwrap_or_default();
        match c {
            b'<' => match parse_tag(tail) {
                Some((token, len)) => {
                    apply(out, &mut stack, &token);
                    i += len;
                }
                None => {
                    out.push_str("&lt;");
                    i += 1;
                }
            },
            b'&' => match entity_len(tail) {
                0 => {
                    out.push_str("&amp;");
                    i += 1;
                }
                n => {
                    out.push_str(s.get(i..i + n).unwrap_or_default());
                    i += n;
                }
            },
            _ => {
                out.push_str("<br>");
                i += 1;
            }
        }
        text = i;
    }
    escape(out, s.get(text..).unwrap_or_default());
    while let Some(tag) = stack.pop() {
        out.push_str(tag.close());
    }
}

/// Writes what `token` stands for, keeping `stack` balanced.
fn apply(out: &mut String, stack: &mut Vec<Tag>, token: &TagToken<'_>) {
    if token.closing {
        if let Some(at) = stack.iter().rposition(|t| t.same_kind(token.tag)) {
            while stack.len() > at {
                if let Some(tag) = stack.pop() {
                    out.push_str(tag.close());
                }
            }
        }
        return;
    }
    if token.tag == Tag::Br {
        out.push_str("<br>");
        return;
    }
    if stack.len() >= MAX_TAGS {
        return;
    }
    let tag = match token.tag {
        Tag::B => {
            out.push_str("<b>");
            Tag::B
        }
        Tag::I => {
            out.push_str("<i>");
            Tag::I
        }
        Tag::U => {
            out.push_str("<u>");
            Tag::U
        }
        Tag::S => {
            out.push_str("<s>");
            Tag::S
        }
        Tag::Font(_) => match token.color.and_then(hex_color) {
            Some(color) => {
                out.push_str("<span style=\"color:");
                out.push_str(color);
                out.push_str("\">");
                Tag::Font(true)
            }
            None => Tag::Font(false),
        },
        Tag::A(_) => {
            // Links do not nest: close the open one first.
            if let Some(at) = stack.iter().rposition(|t| matches!(t, Tag::A(_))) {
                while stack.len() > at {
                    if let Some(tag) = stack.pop() {
                        out.push_str(tag.close());
                    }
                }
            }
            let href = token.href.map(decode_entities);
            match href.as_deref().and_then(|h| safe_url(h, true)) {
                Some(url) => {
                    link_open(out, url);
                    Tag::A(true)
                }
                None => Tag::A(false),
            }
        }
        Tag::Br => return,
    };
    stack.push(tag);
}

/// Writes `<a href="url" rel target>`; `url` must have passed [`safe_url`].
fn link_open(out: &mut String, url: &str) {
    out.push_str("<a href=\"");
    push_url(out, url);
    out.push_str(LINK_ATTRS);
}

fn is_space(c: u8) -> bool {
    c.is_ascii_whitespace()
}

/// Reads a tag of the allowlist at the start of `b` (which starts with `<`):
/// the token and its length, or `None` if it is not one (then `<` is text).
/// A tag never contains `<`, which keeps the whole scan linear.
fn parse_tag(b: &[u8]) -> Option<(TagToken<'_>, usize)> {
    let mut j = 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    let name_start = j;
    while b.get(j).is_some_and(u8::is_ascii_alphanumeric) {
        j += 1;
    }
    let name = b.get(name_start..j)?;
    let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
    let tag = if is("b") || is("strong") {
        Tag::B
    } else if is("i") || is("em") {
        Tag::I
    } else if is("u") {
        Tag::U
    } else if is("s") || is("strike") || is("del") {
        Tag::S
    } else if is("font") {
        Tag::Font(false)
    } else if is("a") {
        Tag::A(false)
    } else if is("br") {
        Tag::Br
    } else {
        return None;
    };
    let mut token = TagToken {
        tag,
        closing,
        href: None,
        color: None,
    };
    loop {
        while b.get(j).is_some_and(|c| is_space(*c)) {
            j += 1;
        }
        match b.get(j)? {
            b'>' => return Some((token, j + 1)),
            b'/' => {
                j += 1;
                continue;
            }
            b'<' => return None,
            _ => {}
        }
        let attr_start = j;
        while b
            .get(j)
            .is_some_and(|c| !is_space(*c) && !matches!(c, b'=' | b'>' | b'/' | b'<'))
        {
            j += 1;
        }
        if j == attr_start {
            return None;
        }
        let attr = b.get(attr_start..j)?;
        while b.get(j).is_some_and(|c| is_space(*c)) {
            j += 1;
        }
        let mut value = None;
        if b.get(j) == Some(&b'=') {
            j += 1;
            while b.get(j).is_some_and(|c| is_space(*c)) {
                j += 1;
            }
            let quote = *b.get(j)?;
            let (start, end) = if quote == b'"' || quote == b'\'' {
                let start = j + 1;
                j = start;
                loop {
                    let c = *b.get(j)?;
                    if c == quote {
                        break;
                    }
                    if c == b'<' {
                        return None;
                    }
                    j += 1;
                }
                j += 1;
                (start, j - 1)
            } else {
                let start = j;
                while b
                    .get(j)
                    .is_some_and(|c| !is_space(*c) && !matches!(c, b'>' | b'<'))
                {
                    j += 1;
                }
                (start, j)
            };
            value = b.get(start..end).and_then(|v| std::str::from_utf8(v).ok());
        }
        if attr.eq_ignore_ascii_case(b"href") {
            token.href = value;
        } else if attr.eq_ignore_ascii_case(b"color") {
            token.color = value;
        }
    }
}

/// Message text syntaxes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// Chat markup (`*bold*`, `_italic_`, `<url|label>`, ...).
    Chat,
    /// Markdown (`**bold**`, `*italic*`, `[label](url)`, ...).
    Markdown,
}

/// Appends message text (or Markdown card text) as safe HTML: code blocks,
/// bullet lists and lines, each line with inline formatting.
pub(super) fn rich_text(out: &mut String, s: &str, syntax: Syntax) {
    let mut rest = s;
    loop {
        let Some(open) = rest.find("```") else {
            lines(out, rest, syntax);
            return;
        };
        let after = rest.get(open + 3..).unwrap_or_default();
        let Some(close) = after.find("```") else {
            lines(out, rest, syntax);
            return;
        };
        let before = rest.get(..open).unwrap_or_default();
        lines(out, before.strip_suffix('\n').unwrap_or(before), syntax);
        let code = after.get(..close).unwrap_or_default();
        out.push_str("<pre class=\"gc-pre\"><code>");
        escape(out, code.strip_prefix('\n').unwrap_or(code));
        out.push_str("</code></pre>");
        rest = after.get(close + 3..).unwrap_or_default();
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
}

/// Lines: bullets (`* `, `- `, `• `) grouped into lists, others separated
/// by `<br>`.
fn lines(out: &mut String, s: &str, syntax: Syntax) {
    if s.is_empty() {
        return;
    }
    let mut in_list = false;
    let mut prev_plain = false;
    for line in s.split('\n') {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let item = ["* ", "- ", "• "]
            .iter()
            .find_map(|bullet| trimmed.strip_prefix(bullet));
        match item {
            Some(item) => {
                if !in_list {
                    out.push_str("<ul>");
                    in_list = true;
                }
                out.push_str("<li>");
                inline(out, item, syntax);
                out.push_str("</li>");
                prev_plain = false;
            }
            None => {
                if in_list {
                    out.push_str("</ul>");
                    in_list = false;
                } else if prev_plain {
                    out.push_str("<br>");
                }
                inline(out, line, syntax);
                prev_plain = true;
            }
        }
    }
    if in_list {
        out.push_str("</ul>");
    }
}

const BOLD: usize = 0;
const EM_STAR: usize = 1;
const EM_UNDERSCORE: usize = 2;
const STRIKE: usize = 3;
const CODE: usize = 4;

/// The next closing delimiter of one kind, found by a cursor that only moves
/// forward: delimiters are looked up at increasing positions, so each line is
/// scanned at most once per kind.
#[derive(Clone, Copy, Default)]
struct Cursor {
    found: Option<usize>,
    scanned: usize,
    exhausted: bool,
}

/// Inline formatting of one line.
struct Inline<'a> {
    s: &'a str,
    b: &'a [u8],
    md: bool,
    cursors: [Cursor; 5],
}

/// Appends one line with inline formatting.
fn inline(out: &mut String, line: &str, syntax: Syntax) {
    let mut state = Inline {
        s: line,
        b: line.as_bytes(),
        md: syntax == Syntax::Markdown,
        cursors: [Cursor::default(); 5],
    };
    state.run(out, 0, line.len(), 0);
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80
}

impl Inline<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn before(&self, i: usize) -> Option<u8> {
        i.checked_sub(1).and_then(|p| self.at(p))
    }

    /// The delimiter at `i`: its kind and length.
    fn delimiter(&self, i: usize) -> Option<(usize, usize)> {
        let c = self.at(i)?;
        let double = self.at(i + 1) == Some(c);
        Some(match (c, self.md) {
            (b'`', _) => (CODE, 1),
            (b'*', false) => (BOLD, 1),
            (b'_', _) => (EM_UNDERSCORE, 1),
            (b'~', false) => (STRIKE, 1),
            (b'*', true) if double => (BOLD, 2),
            (b'*', true) => (EM_STAR, 1),
            (b'~', true) if double => (STRIKE, 2),
            _ => return None,
        })
    }

    fn len_of(&self, kind: usize) -> usize {
        if self.md && (kind == BOLD || kind == STRIKE) {
            2
        } else {
            1
        }
    }

    fn char_of(kind: usize) -> u8 {
        match kind {
            BOLD | EM_STAR => b'*',
            EM_UNDERSCORE => b'_',
            STRIKE => b'~',
            _ => b'`',
        }
    }

    fn is_opener(&self, i: usize, len: usize) -> bool {
        self.at(i + len).is_some_and(|c| !c.is_ascii_whitespace())
            && self.before(i).is_none_or(|c| !is_word(c))
    }

    fn is_closer(&self, kind: usize, j: usize) -> bool {
        let c = Self::char_of(kind);
        let len = self.len_of(kind);
        if (0..len).any(|k| self.at(j + k) != Some(c)) {
            return false;
        }
        if kind == CODE {
            return true;
        }
        if self.md
            && kind == EM_STAR
            && (self.at(j + 1) == Some(b'*') || self.before(j) == Some(b'*'))
        {
            return false;
        }
        self.before(j).is_some_and(|p| !p.is_ascii_whitespace())
            && self.at(j + len).is_none_or(|n| !is_word(n))
    }

    /// The first closing delimiter of `kind` at or after `from`.
    fn closer(&mut self, kind: usize, from: usize) -> Option<usize> {
        let cursor = *self.cursors.get(kind)?;
        if let Some(found) = cursor.found.filter(|&f| f >= from) {
            return Some(found);
        }
        if cursor.exhausted {
            return None;
        }
        let mut j = from.max(cursor.scanned);
        let mut next = Cursor {
            found: None,
            scanned: self.b.len(),
            exhausted: true,
        };
        while j < self.b.len() {
            if self.is_closer(kind, j) {
                next = Cursor {
                    found: Some(j),
                    scanned: j + 1,
                    exhausted: false,
                };
                break;
            }
            j += 1;
        }
        if let Some(slot) = self.cursors.get_mut(kind) {
            *slot = next;
        }
        next.found
    }

    fn text(&self, out: &mut String, from: usize, to: usize) {
        escape(out, self.s.get(from..to).unwrap_or_default());
    }

    /// Formats `start..end`; `active` holds the kinds already open.
    fn run(&mut self, out: &mut String, start: usize, end: usize, active: u8) {
        let mut i = start;
        let mut text = start;
        while i < end {
            let Some(c) = self.at(i) else { break };
            let next = match c {
                b'*' | b'_' | b'~' | b'`' => self.span(out, i, end, active, text),
                b'<' if !self.md => self.angle(out, i, end, text),
                b'[' if self.md => self.md_link(out, i, end, text),
                b'h' | b'H' => self.autolink(out, i, end, text),
                _ => None,
            };
            match next {
                Some(n) => {
                    i = n;
                    text = n;
                }
                None => i += 1,
            }
        }
        self.text(out, text, end);
    }

    /// A formatted span opening at `i`; returns where to continue.
    fn span(
        &mut self,
        out: &mut String,
        i: usize,
        end: usize,
        active: u8,
        text: usize,
    ) -> Option<usize> {
        let (kind, len) = self.delimiter(i)?;
        if kind == CODE {
            let k = self.closer(CODE, i + 1)?;
            if k <= i + 1 || k >= end {
                return None;
            }
            self.text(out, text, i);
            out.push_str("<code>");
            self.text(out, i + 1, k);
            out.push_str("</code>");
            return Some(k + 1);
        }
        let bit = 1u8 << kind;
        if active & bit != 0 || !self.is_opener(i, len) {
            return None;
        }
        let k = self.closer(kind, i + len + 1)?;
        if k + len > end {
            return None;
        }
        let (open, close) = match kind {
            BOLD => ("<b>", "</b>"),
            STRIKE => ("<s>", "</s>"),
            _ => ("<i>", "</i>"),
        };
        self.text(out, text, i);
        out.push_str(open);
        self.run(out, i + len, k, active | bit);
        out.push_str(close);
        Some(k + len)
    }

    /// `<url|label>`, `<url>` or `<users/…>` at `i` (Chat markup).
    fn angle(&mut self, out: &mut String, i: usize, end: usize, text: usize) -> Option<usize> {
        let mut j = i + 1;
        let mut pipe = None;
        loop {
            if j >= end {
                return None;
            }
            match self.at(j)? {
                b'>' => break,
                b'<' => return None,
                b'|' if pipe.is_none() => pipe = Some(j),
                c if c.is_ascii_whitespace() && pipe.is_none() => return None,
                _ => {}
            }
            j += 1;
        }
        let target = self.s.get(i + 1..pipe.unwrap_or(j))?;
        let label = pipe.and_then(|p| self.s.get(p + 1..j));
        if let Some(user) = target.strip_prefix("users/") {
            if user.is_empty() {
                return None;
            }
            self.text(out, text, i);
            out.push_str("<span class=\"gc-men\">@");
            escape(out, user);
            out.push_str("</span>");
            return Some(j + 1);
        }
        let url = safe_url(target, true)?;
        self.text(out, text, i);
        link_open(out, url);
        escape(out, label.filter(|l| !l.is_empty()).unwrap_or(url));
        out.push_str("</a>");
        Some(j + 1)
    }

    /// `[label](url)` at `i` (Markdown).
    fn md_link(&mut self, out: &mut String, i: usize, end: usize, text: usize) -> Option<usize> {
        let mut j = i + 1;
        while j < end {
            match self.at(j)? {
                b']' => break,
                b'[' => return None,
                _ => j += 1,
            }
        }
        if j >= end || self.at(j + 1) != Some(b'(') {
            return None;
        }
        let url_start = j + 2;
        let mut k = url_start;
        while k < end {
            match self.at(k)? {
                b')' => break,
                b'(' | b'[' => return None,
                c if c.is_ascii_whitespace() => return None,
                _ => k += 1,
            }
        }
        if k >= end {
            return None;
        }
        let url = safe_url(self.s.get(url_start..k)?, true)?;
        let label = self.s.get(i + 1..j)?;
        self.text(out, text, i);
        link_open(out, url);
        escape(out, if label.is_empty() { url } else { label });
        out.push_str("</a>");
        Some(k + 1)
    }

    /// A bare `http(s)://` URL at `i`.
    fn autolink(&mut self, out: &mut String, i: usize, end: usize, text: usize) -> Option<usize> {
        if self.before(i).is_some_and(is_word) {
            return None;
        }
        let rest = self.s.get(i..end)?;
        if !starts_with_ci(rest, "http://") && !starts_with_ci(rest, "https://") {
            return None;
        }
        let mut j = i;
        while j < end
            && self.at(j).is_some_and(|c| {
                !c.is_ascii_whitespace() && !matches!(c, b'<' | b'>' | b'"' | b'\'' | b'`')
            })
        {
            j += 1;
        }
        while j > i && self.before(j).is_some_and(|c| b".,;:!?)]}*_~".contains(&c)) {
            j -= 1;
        }
        let candidate = self.s.get(i..j)?;
        self.text(out, text, i);
        // Consumed either way, so that the scan stays linear.
        match safe_url(candidate, false) {
            Some(url) => {
                link_open(out, url);
                escape(out, url);
                out.push_str("</a>");
            }
            None => escape(out, candidate),
        }
        Some(j.max(i + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> String {
        let mut out = String::new();
        card_html(&mut out, s);
        out
    }

    fn chat(s: &str) -> String {
        let mut out = String::new();
        rich_text(&mut out, s, Syntax::Chat);
        out
    }

    fn md(s: &str) -> String {
        let mut out = String::new();
        rich_text(&mut out, s, Syntax::Markdown);
        out
    }

    #[test]
    fn card_html_subset() {
        assert_eq!(html("  <b>bold text</b>"), "  <b>bold text</b>");
        assert_eq!(
            html("<font color=\"#80e27e\">Online</font>"),
            "<span style=\"color:#80e27e\">Online</span>"
        );
        assert_eq!(html("<font color=\"red;x\">a</font>"), "a");
        assert_eq!(
            html("<a href='https://x.y/?a=1&amp;b=2'>l</a>"),
            "<a href=\"https://x.y/?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=\"_blank\">l</a>"
        );
        assert_eq!(html("<a href=\"javascript:alert(1)\">x</a>"), "x");
        assert_eq!(html("<a href=\"javascript&colon;alert(1)\">x</a>"), "x");
        assert_eq!(html("a<br>b<BR/>c\nd"), "a<br>b<br>c<br>d");
        assert_eq!(html("<b><i>x</b>y</i>"), "<b><i>x</i></b>y");
        assert_eq!(html("<u>open"), "<u>open</u>");
        assert_eq!(html("</s>stray"), "stray");
        assert_eq!(
            html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            html("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(html("<b onclick=\"x\">y</b>"), "<b>y</b>");
        assert_eq!(
            html("<b title=\"<i>\">y</b>"),
            "&lt;b title=&quot;<i>&quot;&gt;y</i>"
        );
        assert_eq!(html("a &amp; b & c &#60;"), "a &amp; b &amp; c &#60;");
        assert_eq!(html("<b"), "&lt;b");
    }

    #[test]
    fn chat_markup() {
        assert_eq!(
            chat("*bold* _it_ ~s~ `c`"),
            "<b>bold</b> <i>it</i> <s>s</s> <code>c</code>"
        );
        assert_eq!(chat("*_both_*"), "<b><i>both</i></b>");
        assert_eq!(
            chat("snake_case_name and 2*3*4"),
            "snake_case_name and 2*3*4"
        );
        assert_eq!(chat("a * b * c"), "a * b * c");
        assert_eq!(
            chat("<https://x.y|Example site> <users/123> <users/all>"),
            "<a href=\"https://x.y\" rel=\"noopener noreferrer\" target=\"_blank\">Example site</a> \
             <span class=\"gc-men\">@123</span> <span class=\"gc-men\">@all</span>"
        );
        assert_eq!(
            chat("<javascript:alert(1)|x>"),
            "&lt;javascript&#58;alert(1)|x&gt;"
        );
        assert_eq!(
            chat("see https://x.y/a."),
            "see <a href=\"https://x.y/a\" rel=\"noopener noreferrer\" target=\"_blank\">https://x.y/a</a>."
        );
        assert_eq!(chat("a\nb"), "a<br>b");
        assert_eq!(
            chat("list:\n* one\n- two\nafter"),
            "list:<ul><li>one</li><li>two</li></ul>after"
        );
        assert_eq!(
            chat("code:\n```\nfn x() {}\n<b>\n```\nend"),
            "code:<pre class=\"gc-pre\"><code>fn x() {}\n&lt;b&gt;\n</code></pre>end"
        );
        assert_eq!(chat("`*not bold*`"), "<code>*not bold*</code>");
        assert_eq!(chat("<script>"), "&lt;script&gt;");
    }

    #[test]
    fn markdown() {
        assert_eq!(
            md("**b** *i* _i_ ~~s~~"),
            "<b>b</b> <i>i</i> <i>i</i> <s>s</s>"
        );
        assert_eq!(
            md("[site](https://x.y) [bad](javascript:x)"),
            "<a href=\"https://x.y\" rel=\"noopener noreferrer\" target=\"_blank\">site</a> [bad](javascript&#58;x)"
        );
    }

    #[test]
    fn linear_on_hostile_input() {
        for unit in [
            "*a ",
            "_a ",
            "<b ",
            "<a href=\"",
            "<",
            "[a](",
            "`",
            "&",
            "<users/",
            "https://",
        ] {
            let s = unit.repeat(50_000);
            let mut out = String::new();
            card_html(&mut out, &s);
            rich_text(&mut out, &s, Syntax::Chat);
            rich_text(&mut out, &s, Syntax::Markdown);
            assert!(!out.is_empty());
        }
    }
}
