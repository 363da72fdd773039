//! A fast first pass that tells which event shape a body has, without
//! building anything: it skips every value it does not need.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ParseError;
use crate::wire::Key;

/// The shape of a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    Classic,
    Addon,
    Push,
}

/// Finds the shape of `body`, or says why it has none.
pub(super) fn shape(body: &[u8]) -> Result<Shape, ParseError> {
    let classic = std::cell::Cell::new(false);
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = de
        .deserialize_any(TopVisitor {
            classic: Some(&classic),
        })
        .and_then(|found| de.end().map(|()| found));
    // A top-level `type` decides at once (it takes precedence over every
    // other shape): the probe stops there, and the typed parse that follows
    // reads the rest, reporting any fault in it.
    if classic.get() {
        return Ok(Shape::Classic);
    }
    let found = result.map_err(|e| ParseError::from_json(".".into(), &e))?;
    match found {
        Found::Object { classic: true, .. } => Ok(Shape::Classic),
        Found::Object { addon: true, .. } => Ok(Shape::Addon),
        Found::Object { push: true, .. } => Ok(Shape::Push),
        Found::Object { keys, .. } if keys.is_empty() => Err(not_an_event("an empty object")),
        Found::Object { keys, .. } => Err(not_an_event(&format!(
            "an object with keys {}",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        Found::Other(what) => Err(not_an_event(what)),
    }
}

fn not_an_event(found: &str) -> ParseError {
    ParseError::NotAnEvent {
        found: found.to_owned(),
    }
}

enum Found {
    Object {
        classic: bool,
        addon: bool,
        push: bool,
        /// Has a `data` key (what a push's `message` has).
        data: bool,
        /// The first few keys, to say what the object was.
        keys: Vec<String>,
    },
    Other(&'static str),
}

/// Reads an object's keys. With `classic`, it stops at a top-level `type`,
/// setting the flag and returning an error that only means "stop".
struct TopVisitor<'c> {
    classic: Option<&'c std::cell::Cell<bool>>,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Found;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        const KEPT_KEYS: usize = 6;
        let (mut classic, mut addon, mut push, mut data) = (false, false, false, false);
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "type" => {
                    if let Some(flag) = self.classic {
                        flag.set(true);
                        return Err(de::Error::custom("stop: a classic event"));
                    }
                    classic = true;
                }
                "chat" => addon = true,
                "data" => data = true,
                "message" => {
                    push |= matches!(map.next_value::<Found>()?, Found::Object { data: true, .. });
                    keys.push(key.0.into_owned());
                    continue;
                }
                _ => {}
            }
            if keys.len() < KEPT_KEYS {
                keys.push(key.0.into_owned());
            }
            map.next_value::<IgnoredAny>()?;
        }
        keys.truncate(KEPT_KEYS);
        Ok(Found::Object {
            classic,
            addon,
            push,
            data,
            keys,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Found::Other("a JSON array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Found, E> {
        Ok(Found::Other("a JSON string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Found, E> {
        Ok(Found::Other("a JSON boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Found, E> {
        Ok(Found::Other("a JSON number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Found, E> {
        Ok(Found::Other("a JSON number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Found, E> {
        Ok(Found::Other("a JSON number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Found, E> {
        Ok(Found::Other("JSON null"))
    }
}

impl<'de> de::Deserialize<'de> for Found {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopVisitor { classic: None })
    }
}
