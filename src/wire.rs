//! Wire-format primitives shared by every model: lenient numbers, open enums,
//! and the map that keeps unknown fields; and the one way models cross JSON
//! text ([`from_text`], [`to_text`]).
//!
//! Google's JSON is proto3 JSON, written by several encoders: int64 values come
//! as strings or numbers, integers sometimes as floats (`1.0`, `-2.88E7`), and
//! enums grow new values. These types accept all of that and remember the form
//! they were given in, so a parsed payload serializes back to equal JSON.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Reads a model from JSON text, through [`serde_json::Value`].
///
/// Every model type is deserialized from `Value` and serialized to `Value`
/// only: serde compiles a model's code once per input and output type, and
/// the message and event models are most of the wasm module. (Events are
/// the exception: parsed from bytes directly, once, in `event::parse`.)
#[cfg(feature = "config")]
pub(crate) fn from_text<T: de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::from_str(text)?)
}

/// Writes a model as JSON text, through [`serde_json::Value`] (see [`from_text`]).
pub(crate) fn to_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// The object in `value`, for a model type's conversion (see
/// `message::model`), or an error naming the type.
pub(crate) fn object(value: serde_json::Value, what: &str) -> Result<Extra, String> {
    match value {
        serde_json::Value::Object(object) => Ok(object),
        other => Err(format!(
            "invalid type: {}, expected struct {what}",
            describe(&other)
        )),
    }
}

/// Field `name`'s `value` as `T`: `None` for `null`; an error naming the
/// field when it does not fit.
pub(crate) fn field<T: FromJson>(
    value: serde_json::Value,
    name: &str,
) -> Result<Option<T>, String> {
    match value {
        serde_json::Value::Null => Ok(None),
        value => T::from_json(value)
            .map(Some)
            .map_err(|e| format!("{name}: {e}")),
    }
}

/// A model field's type, read from a JSON value it owns. Model types (and
/// vectors and boxes of them) take their fields out of the value without
/// copying it again; other types go through their serde `Deserialize`
/// (the default). Through serde, a model type nested `n` deep would
/// rebuild its whole subtree `n` times.
pub(crate) trait FromJson: Sized + de::DeserializeOwned {
    /// Reads `value` as `Self`.
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }
}

impl FromJson for String {}
impl FromJson for bool {}
impl FromJson for Float {}
impl FromJson for Int32 {}
impl FromJson for Int64 {}

impl FromJson for serde_json::Value {
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        Ok(value)
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        T::from_json(value).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        match value {
            serde_json::Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::from_json(item).map_err(|e| format!("[{i}]: {e}")))
                .collect(),
            other => Err(format!(
                "invalid type: {}, expected a sequence",
                describe(&other)
            )),
        }
    }
}

/// What a JSON value is, in an error message (`the number 7`, `an array`).
pub(crate) fn describe(value: &serde_json::Value) -> String {
    use serde_json::Value as V;
    match value {
        V::Null => "null".into(),
        V::Bool(b) => format!("the boolean {b}"),
        V::Number(n) => format!("the number {n}"),
        V::String(s) => format!("`{s}`"),
        V::Array(_) => "an array".into(),
        V::Object(_) => "an object".into(),
    }
}

// invariant: `camel_len` and `camel` run at compile time only (in
// `wire_name!`'s constants), where an index out of bounds is a build error,
// never a panic at run time; `camel` checks `n < N` besides.
/// The length of `snake` in camelCase (without its underscores and any
/// `r#`), for model field names at compile time.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn camel_len(snake: &str) -> usize {
    let bytes = snake.as_bytes();
    let mut i = raw_prefix(bytes);
    let mut n = 0;
    while i < bytes.len() {
        if bytes[i] != b'_' {
            n += 1;
        }
        i += 1;
    }
    n
}

/// `snake` in camelCase, as serde's `rename_all = "camelCase"` writes it
/// (`cards_v2` → `cardsV2`).
#[allow(clippy::indexing_slicing)]
pub(crate) const fn camel<const N: usize>(snake: &str) -> [u8; N] {
    let bytes = snake.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut n, mut upper) = (raw_prefix(bytes), 0, false);
    while i < bytes.len() && n < N {
        let b = bytes[i];
        if b == b'_' {
            upper = true;
        } else {
            out[n] = if upper { b.to_ascii_uppercase() } else { b };
            upper = false;
            n += 1;
        }
        i += 1;
    }
    out
}

/// 2 for a raw identifier (`r#type`), else 0.
#[allow(clippy::indexing_slicing)]
const fn raw_prefix(bytes: &[u8]) -> usize {
    if bytes.len() > 2 && bytes[0] == b'r' && bytes[1] == b'#' {
        2
    } else {
        0
    }
}

/// Fields gchat does not model, kept in arrival order and emitted again unchanged.
pub type Extra = serde_json::Map<String, serde_json::Value>;

// The wire primitives in TypeScript. `Extra` is typed as nothing, so that
// `tsc` flags a misspelt field of a message or card.
#[cfg(feature = "ts")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_APPEND_CONTENT: &'static str = r#"
/** An int64 field: proto3 JSON writes it as a decimal string; numbers are accepted. */
export type Int64 = string | number;
/** An int32 field (a number; decimal strings are accepted). */
export type Int32 = number | string;
/** A floating-point field. */
export type Float = number;
/** Fields gchat does not model (kept as sent; not typed). */
export type Extra = {};
/** Milliseconds since the Unix epoch. */
export type Timestamp = number;
/** Any JSON value. */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
"#;

/// An integer field that accepts every form encoders use for it.
///
/// Accepts a JSON integer, an integral float (`1.0`, `-2.88E7`) or a decimal
/// string (`"42"`), and serializes in the form it was read in. Values built in
/// code use the proto3 form: strings for int64, numbers for int32.
#[derive(Clone, Copy, Debug)]
pub struct Int<T> {
    value: T,
    form: Form,
}

/// An int64 field (`commandId`, `msSinceEpoch`, ...).
pub type Int64 = Int<i64>;
/// An int32 field (`startIndex`, `offset`, ...).
pub type Int32 = Int<i32>;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    Number,
    String,
    Float(f64),
}

/// The integer types [`Int`] carries.
pub trait IntValue: Copy + fmt::Display + TryFrom<i64> + Into<i64> + sealed::Sealed {
    /// Whether proto3 JSON writes this type as a string.
    const QUOTED: bool;
}
impl IntValue for i64 {
    const QUOTED: bool = true;
}
impl IntValue for i32 {
    const QUOTED: bool = false;
}
mod sealed {
    pub trait Sealed {}
    impl Sealed for i64 {}
    impl Sealed for i32 {}
}

impl<T: IntValue> Int<T> {
    /// A value in its proto3 JSON form.
    pub fn new(value: T) -> Self {
        let form = if T::QUOTED {
            Form::String
        } else {
            Form::Number
        };
        Self { value, form }
    }

    /// The value.
    pub fn get(self) -> T {
        self.value
    }
}

impl<T: IntValue> From<T> for Int<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: PartialEq> PartialEq for Int<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Int<T> {}

impl<T: IntValue> fmt::Display for Int<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: IntValue> Serialize for Int<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.form {
            Form::Number => s.serialize_i64(self.value.into()),
            Form::String => s.collect_str(&self.value),
            Form::Float(f) => s.serialize_f64(f),
        }
    }
}

impl<'de, T: IntValue> Deserialize<'de> for Int<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor(PhantomData))
    }
}

struct IntVisitor<T>(PhantomData<T>);

impl<T: IntValue> IntVisitor<T> {
    fn fit<E: de::Error>(v: i64, form: Form) -> Result<Int<T>, E> {
        T::try_from(v)
            .map(|value| Int { value, form })
            .map_err(|_| E::custom(format_args!("integer {v} is out of range")))
    }
}

impl<T: IntValue> Visitor<'_> for IntVisitor<T> {
    type Value = Int<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer (as a number or a decimal string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::fit(v, Form::Number)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let v =
            i64::try_from(v).map_err(|_| E::custom(format_args!("integer {v} is out of range")))?;
        Self::fit(v, Form::Number)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        let n = float_to_int(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))?;
        Self::fit(n, Form::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let n = int_from_str(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))?;
        Self::fit(n, Form::String)
    }
}

/// An integer written as a string, in any form proto3 JSON parsers take:
/// `"42"`, and an integral float or exponent (`"4.0"`, `"-2.88e7"`),
/// surrounding spaces ignored. The model and the linter read strings alike.
pub(crate) fn int_from_str(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>()
        .ok()
        .or_else(|| s.parse::<f64>().ok().and_then(float_to_int))
}

/// An integral float as an integer (`3.0`, `-2.88e7`), if it is one that
/// fits.
pub(crate) fn float_to_int(f: f64) -> Option<i64> {
    /// 2^63: `i64::MAX as f64` rounds up to it, hence the half-open range.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    // Checked integral and in range.
    #[allow(clippy::cast_possible_truncation)]
    (f.fract() == 0.0 && (-TWO_63..TWO_63).contains(&f)).then_some(f as i64)
}

/// A floating-point field (`google.type.Color` components, aspect ratios)
/// that remembers whether it was written as an integer (`1` rather than
/// `1.0`), so parsed payloads serialize back unchanged.
#[derive(Clone, Copy, Debug, Default)]
pub struct Float {
    value: f64,
    integer: bool,
}

impl Float {
    /// A value (written with a fraction part).
    pub fn new(value: f64) -> Self {
        Self {
            value,
            integer: false,
        }
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.value
    }
}

impl From<f64> for Float {
    fn from(value: f64) -> Self {
        Self::new(value)
    }
}

impl PartialEq for Float {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Serialize for Float {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[allow(clippy::cast_possible_truncation)] // only integral values read as integers
        let as_int = self.value as i64;
        if self.integer {
            s.serialize_i64(as_int)
        } else {
            s.serialize_f64(self.value)
        }
    }
}

impl<'de> Deserialize<'de> for Float {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FloatVisitor)
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = Float;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Float, E> {
        #[allow(clippy::cast_precision_loss)] // JSON numbers in cards are small
        Ok(Float {
            value: v as f64,
            integer: true,
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Float, E> {
        i64::try_from(v)
            .map_err(|_| E::custom("number out of range"))
            .and_then(|v| self.visit_i64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Float, E> {
        Ok(Float::new(v))
    }
}

/// Declares an enum whose wire values are strings and which keeps values it
/// does not know (`Other`), so new platform values never break parsing.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "`")] $variant, )*
            /// A value this version of gchat does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // In TypeScript: the known values, and any other string.
        #[cfg(feature = "ts")]
        const _: () = {
            #[::wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const TS_APPEND_CONTENT: &'static str = concat!(
                "/** ", stringify!($name), ": a value Chat knows, or a newer one. */\n",
                "export type ", stringify!($name), " =", $( " \"", $wire, "\" |", )* " (string & {});"
            );
        };

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any($crate::wire::EnumVisitor {
                    name: stringify!($name),
                    to: ::std::marker::PhantomData,
                })
            }
        }

        impl $crate::wire::FromJson for $name {}
    };
}
pub(crate) use open_enum;

/// Reads an enum value: its name, or (for message enums) its proto
/// number, as the linter reads it.
#[doc(hidden)]
pub struct EnumVisitor<E> {
    /// The enum's Rust name (for its table of numbers).
    pub name: &'static str,
    /// The enum.
    pub to: PhantomData<E>,
}

impl<E: for<'a> From<&'a str>> Visitor<'_> for EnumVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum value name (a string)")
    }

    fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
        Ok(E::from(v))
    }

    fn visit_u64<Er: de::Error>(self, v: u64) -> Result<E, Er> {
        let values = crate::message::lint::schema::proto_values(self.name);
        usize::try_from(v)
            .ok()
            .and_then(|i| values.get(i))
            .filter(|name| !name.is_empty())
            .map(|name| E::from(name))
            .ok_or_else(|| Er::custom(format!("{v} is not a number of {}", self.name)))
    }

    fn visit_i64<Er: de::Error>(self, v: i64) -> Result<E, Er> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(Er::custom(format!("{v} is not a number of {}", self.name))),
        }
    }

    fn visit_f64<Er: de::Error>(self, v: f64) -> Result<E, Er> {
        // `2.0` is the number 2, as the linter reads it.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        // checked integral, in range
        if v.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&v) {
            return self.visit_u64(v as u64);
        }
        Err(Er::custom(format!("{v} is not a number of {}", self.name)))
    }
}

/// A field's name on the wire: the one given, or the field's in camelCase
/// (computed at compile time).
macro_rules! wire_name {
    ($field:ident, $wire:literal) => {
        $wire
    };
    ($field:ident) => {{
        const SNAKE: &str = stringify!($field);
        const LEN: usize = $crate::wire::camel_len(SNAKE);
        const BYTES: [u8; LEN] = $crate::wire::camel(SNAKE);
        // invariant: evaluated at compile time; a Rust identifier is ASCII.
        const NAME: &str = match ::core::str::from_utf8(&BYTES) {
            Ok(name) => name,
            Err(_) => panic!("a field name is ASCII"),
        };
        NAME
    }};
}
pub(crate) use wire_name;

/// Writes `Deserialize` for a struct whose unknown fields go into its
/// `extra` (the event model): one pass over the keys, each read into its
/// field or kept in `extra`, in arrival order.
///
/// Serde's derive reads such a struct (`#[serde(flatten)] extra`) by
/// buffering the whole object into its private `Content` tree and reading
/// each field back out of it: twice the work for every event, and the
/// largest part of the event model's code in the wasm module. The struct
/// keeps its derived `Serialize`; errors still come from serde_json, with
/// the line and column that [`crate::event`] turns into a path.
///
/// A field sent twice is refused (serde's `duplicate field`), as serde's
/// derive refuses it; `required` fields are refused when missing (`missing field`),
/// `lenient` ones are [`lenient_bool`]s, and the rest take their default.
/// Every field must be listed: the struct is destructured without `..`.
macro_rules! deserialize_struct {
    (
        $name:ident {
            $(required: [$( $req:ident $(as $req_wire:literal)? ),* $(,)?],)?
            $(lenient: [$( $len:ident $(as $len_wire:literal)? ),* $(,)?],)?
            fields: [$( $field:ident $(as $wire:literal)? ),* $(,)?] $(,)?
        }
    ) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        use $crate::wire::wire_name;
                        let mut out = $name::default();
                        // Whether each field was seen: a field sent twice is refused.
                        $($( let mut $req = false; )*)?
                        $($( let mut $len = false; )*)?
                        $( let mut $field = false; )*
                        while let Some($crate::wire::Key(key)) = map.next_key()? {
                            $($( if key == wire_name!($req $(, $req_wire)?) {
                                $crate::wire::first::<A::Error>(&mut $req, wire_name!($req $(, $req_wire)?))?;
                                out.$req = map.next_value()?;
                                continue;
                            } )*)?
                            $($( if key == wire_name!($len $(, $len_wire)?) {
                                $crate::wire::first::<A::Error>(&mut $len, wire_name!($len $(, $len_wire)?))?;
                                out.$len = map.next_value_seed($crate::wire::LenientBool)?;
                                continue;
                            } )*)?
                            $( if key == wire_name!($field $(, $wire)?) {
                                $crate::wire::first::<A::Error>(&mut $field, wire_name!($field $(, $wire)?))?;
                                out.$field = map.next_value()?;
                                continue;
                            } )*
                            out.extra.insert(key.into_owned(), map.next_value()?);
                        }
                        $($( if !$req {
                            return Err(::serde::de::Error::missing_field(
                                wire_name!($req $(, $req_wire)?),
                            ));
                        } )*)?
                        // Every field is listed above (a compile error otherwise).
                        let $name {
                            $($( $req: _, )*)?
                            $($( $len: _, )*)?
                            $( $field: _, )*
                            extra: _,
                        } = &out;
                        Ok(out)
                    }
                }
                d.deserialize_map(Fields)
            }
        }
    };
}
pub(crate) use deserialize_struct;

/// Marks a field seen; refuses it (`duplicate field`) when it was already.
pub(crate) fn first<E: de::Error>(seen: &mut bool, name: &'static str) -> Result<(), E> {
    if std::mem::replace(seen, true) {
        Err(E::duplicate_field(name))
    } else {
        Ok(())
    }
}

/// An object key, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Reads a [`lenient_bool`] field's value from a map.
pub(crate) struct LenientBool;

impl<'de> de::DeserializeSeed<'de> for LenientBool {
    type Value = Option<bool>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<bool>, D::Error> {
        lenient_bool::deserialize(d)
    }
}

/// A boolean that also accepts the strings `"true"` and `"false"` (seen in
/// Google's documentation tables). Always emitted as a JSON boolean.
pub(crate) mod lenient_bool {
    use super::*;

    #[allow(clippy::ref_option)] // the signature serde's `with` requires
    pub(crate) fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        d.deserialize_any(BoolVisitor).map(Some)
    }

    struct BoolVisitor;

    impl Visitor<'_> for BoolVisitor {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn round<T: Serialize + for<'de> Deserialize<'de>>(v: serde_json::Value) -> serde_json::Value {
        let t: T = serde_json::from_value(v).unwrap();
        serde_json::to_value(t).unwrap()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn ints_keep_their_form() {
        for v in [
            json!(42),
            json!("42"),
            json!(1.0),
            json!(-2.88e7),
            json!(-7),
        ] {
            assert_eq!(round::<Int64>(v.clone()), v);
            assert_eq!(round::<Int32>(v.clone()), v);
        }
        let a: Int64 = serde_json::from_value(json!("-28800000")).unwrap();
        let b: Int64 = serde_json::from_value(json!(-2.88e7)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.get(), -28_800_000);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn ints_reject_what_is_not_an_integer() {
        for v in [
            json!(1.5),
            json!("1.5"),
            json!("x"),
            json!(true),
            json!(1e30),
            json!(null),
        ] {
            assert!(serde_json::from_value::<Int64>(v.clone()).is_err(), "{v}");
        }
        assert!(serde_json::from_value::<Int32>(json!(4_294_967_296_i64)).is_err());
        assert!(serde_json::from_value::<Int32>(json!("4294967296")).is_err());
        // A string holding an integral float or an exponent is an integer, as
        // proto3 JSON parsers (and the linter) read it; written canonically.
        for (v, n) in [
            (json!("1.0"), 1),
            (json!("-2.88e7"), -28_800_000),
            (json!(" 7 "), 7),
        ] {
            let i: Int64 = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(
                (i.get(), serde_json::to_value(i).unwrap()),
                (n, json!(n.to_string())),
                "{v}"
            );
        }
        assert!(serde_json::from_value::<Int64>(json!(u64::MAX)).is_err());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn new_values_use_proto3_form() {
        assert_eq!(serde_json::to_value(Int64::new(5)).unwrap(), json!("5"));
        assert_eq!(serde_json::to_value(Int32::new(5)).unwrap(), json!(5));
    }
}
