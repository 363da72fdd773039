//! `User`: a person or an app in Chat.

use serde::Serialize;

use crate::wire::{Extra, deserialize_struct, lenient_bool, open_enum};

/// A Chat user: the human who triggered an event, a message sender, a mentioned user.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// Resource name, `users/{user}`; `users/app` stands for the calling app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Workspace domain of the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// Whether a person or an app.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserType>,
    /// Whether the user is anonymous (deleted or unknown).
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_anonymous: Option<bool>,
    /// E-mail address; sent in events though not documented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Avatar URL; sent in events though not documented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(User {
    lenient: [is_anonymous],
    fields: [name, display_name, domain_id, user_type as "type", email, avatar_url],
});

// Read through serde (an event type), inside the message model.
impl crate::wire::FromJson for User {}

open_enum! {
    /// `User.type`.
    pub enum UserType {
        /// Unspecified.
        Unspecified = "TYPE_UNSPECIFIED",
        /// A person.
        Human = "HUMAN",
        /// A Chat app.
        Bot = "BOT",
    }
}
