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
/// camelCase on the wire, unknown fields kept in `extra`.
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(tsify::Tsify))]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Fields gchat does not model, kept as sent.
            #[serde(flatten)]
            pub extra: $crate::Extra,
        }
    };
}
pub(crate) use model;
