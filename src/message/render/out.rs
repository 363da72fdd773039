//! The output buffer and the JSON Pointer of the node being rendered.

use serde_json::Value;

use super::escape::{escape, push_digits, push_int, push_token, push_url};
use super::json::Obj;

/// How deeply widgets may nest (columns in columns, carousels in columns...)
/// before the rest is shown as a placeholder.
const MAX_DEPTH: u32 = 8;

/// The HTML being written and where in the input it comes from.
pub(super) struct Out {
    /// The HTML.
    pub(super) h: String,
    /// The JSON Pointer of the current node, escaped for an attribute.
    path: String,
    /// Widget nesting depth.
    depth: u32,
    /// A counter for names that must be unique in the page (radio groups).
    seq: u32,
    /// Rendering a Cards v1 (`cards`) card.
    pub(super) legacy: bool,
}

impl Out {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            h: String::with_capacity(capacity),
            path: String::with_capacity(128),
            depth: 0,
            seq: 0,
            legacy: false,
        }
    }

    /// Appends markup the renderer wrote itself.
    #[inline]
    pub(super) fn s(&mut self, s: &str) {
        self.h.push_str(s);
    }

    /// Appends input text, escaped.
    #[inline]
    pub(super) fn t(&mut self, s: &str) {
        escape(&mut self.h, s);
    }

    /// Appends a checked URL for an `href` or `src` attribute.
    #[inline]
    pub(super) fn url(&mut self, url: &str) {
        push_url(&mut self.h, url);
    }

    /// Appends an integer.
    pub(super) fn int(&mut self, n: i64) {
        push_int(&mut self.h, n);
    }

    /// Runs `f` with `key` appended to the path.
    pub(super) fn key<R>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> R) -> R {
        let len = self.path.len();
        self.path.push('/');
        push_token(&mut self.path, key);
        let r = f(self);
        self.path.truncate(len);
        r
    }

    /// Runs `f` with index `i` appended to the path.
    /// Calls `f` on each object of `items`, with the path at its index;
    /// items that are not objects are skipped.
    pub(super) fn each_object(&mut self, items: &[Value], mut f: impl FnMut(&mut Self, &Obj)) {
        for (i, item) in items.iter().enumerate() {
            if let Some(it) = item.as_object() {
                self.idx(i, |out| f(out, it));
            }
        }
    }

    pub(super) fn idx<R>(&mut self, i: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        let len = self.path.len();
        push_digits(
            &mut self.path,
            Some(b'/'),
            u64::try_from(i).unwrap_or(u64::MAX),
        );
        let r = f(self);
        self.path.truncate(len);
        r
    }

    /// Writes `open`, the start of a tag up to its class: `<div class="gc-x`
    /// (the attribute left open for [`Out::add`]).
    #[inline]
    pub(super) fn begin(&mut self, open: &str) {
        self.h.push_str(open);
    }

    /// Adds to the class attribute opened by [`Out::begin`].
    #[inline]
    pub(super) fn add(&mut self, class: &str) {
        self.h.push_str(class);
    }

    /// Closes the class attribute and writes the data-path (the tag is left
    /// open for more attributes).
    pub(super) fn mid(&mut self) {
        self.h.push_str("\" data-path=\"");
        self.h.push_str(&self.path);
        self.h.push('"');
    }

    /// `open` (`<div class="gc-x`), then `" data-path="...">`.
    pub(super) fn open(&mut self, open: &str) {
        self.h.push_str(open);
        self.h.push_str("\" data-path=\"");
        self.h.push_str(&self.path);
        self.h.push_str("\">");
    }

    /// `open` (`<div class="gc-x`) with the data-path, escaped `text`, `</div>`.
    pub(super) fn div_text(&mut self, open: &str, text: &str) {
        self.open(open);
        self.t(text);
        self.h.push_str("</div>");
    }

    /// A fresh number for a name unique in the page.
    pub(super) fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Enters one more level of widget nesting, if allowed.
    pub(super) fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        true
    }

    /// Leaves a level entered with [`Out::enter`].
    pub(super) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}
