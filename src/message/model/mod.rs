//! The typed model of what an app sends: messages, Cards v2, dialogs and
//! action responses, as proto3 JSON (camelCase, unset fields omitted).
//!
//! Every struct keeps fields it does not know in `extra`, and every enum
//! keeps values it does not know in `Other`, so any payload Chat accepts
//! parses and serializes back unchanged. Cards v1 (`cards`) are kept as JSON
//! and reported as deprecated by the linter.

mod card;
mod message;
mod parts;
mod widget;

pub use card::*;
pub use message::*;
pub use parts::*;
pub use widget::*;

/// Declares a model struct: every field optional and omitted when unset,
/// camelCase on the wire (`name as "wire"` names it otherwise), unknown
/// fields kept in `extra`.
///
/// `Serialize` is derived. `Deserialize` is written here, not derived: it
/// reads a JSON value (one shared instantiation per input, whatever the
/// type) and converts it with `wire::FromJson`, which reads each key of the
/// object into its field ([`crate::wire::field`]) or into `extra`, so each
/// model type has one non-generic conversion. Serde's derive compiles a
/// field visitor, a map visitor and the `flatten` buffering of `extra`
/// into every model type once per input type, which made the message
/// model most of the wasm module.
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident $(as $wire:literal)? : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize)]
        #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                $(#[serde(rename = $wire)])?
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Fields gchat does not model, kept as sent.
            #[serde(flatten)]
            pub extra: $crate::Extra,
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                <Self as $crate::wire::FromJson>::from_json(value).map_err(::serde::de::Error::custom)
            }
        }

        impl $crate::wire::FromJson for $name {
            fn from_json(value: ::serde_json::Value) -> Result<Self, String> {
                let object = $crate::wire::object(value, stringify!($name))?;
                // One pass over the keys sent (most fields of a model type
                // are unset), each compared with the field names; filled in
                // place, so an error drops one value.
                let mut out = Self::default();
                for (key, value) in object {
                    $( if key == $crate::wire::wire_name!($field $(, $wire)?) {
                        out.$field = $crate::wire::field(value, &key)?;
                        continue;
                    } )*
                    out.extra.insert(key, value);
                }
                Ok(out)
            }
        }
    };
}
pub(crate) use model;
