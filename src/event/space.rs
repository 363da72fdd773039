//! `Space`: where a conversation happens.

use serde::Serialize;

use crate::wire::{Extra, Int32, deserialize_struct, lenient_bool, open_enum};

/// A Chat space: a named space, a group chat or a direct message.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Space {
    /// Resource name, `spaces/{space}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Deprecated kind of space (`ROOM`, `DM`); prefer [`Space::space_type`].
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub legacy_type: Option<LegacySpaceType>,
    /// Kind of space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_type: Option<SpaceType>,
    /// Whether this is a direct message between one person and the app.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub single_user_bot_dm: Option<bool>,
    /// Deprecated: whether messages are threaded.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub threaded: Option<bool>,
    /// Display name (may be empty for direct messages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Whether users outside the organization may join.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_user_allowed: Option<bool>,
    /// How messages are threaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_threading_state: Option<SpaceThreadingState>,
    /// Description and guidelines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_details: Option<SpaceDetails>,
    /// Whether history is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_history_state: Option<HistoryState>,
    /// Whether the space is being imported.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub import_mode: Option<bool>,
    /// When the space was created (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// When the last message was posted (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_active_time: Option<String>,
    /// Whether an administrator installed the app here.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub admin_installed: Option<bool>,
    /// Member counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership_count: Option<MembershipCount>,
    /// Who may find and join the space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_settings: Option<AccessSettings>,
    /// Owning customer, `customers/{customer}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Link to the space in Chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_uri: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Space {
    lenient: [single_user_bot_dm, threaded, external_user_allowed, import_mode, admin_installed],
    fields: [name, legacy_type as "type", space_type, display_name, space_threading_state, space_details, space_history_state, create_time, last_active_time, membership_count, access_settings, customer, space_uri],
});

impl Space {
    /// Whether this space is a direct message, by either the current or the deprecated field.
    pub fn is_direct_message(&self) -> bool {
        matches!(self.space_type, Some(SpaceType::DirectMessage))
            || matches!(self.legacy_type, Some(LegacySpaceType::Dm))
            || self.single_user_bot_dm == Some(true)
    }
}

open_enum! {
    /// `Space.type` (deprecated).
    pub enum LegacySpaceType {
        /// Unspecified.
        Unspecified = "TYPE_UNSPECIFIED",
        /// A conversation between two or more people.
        Room = "ROOM",
        /// A direct message.
        Dm = "DM",
    }
}

open_enum! {
    /// `Space.spaceType`.
    pub enum SpaceType {
        /// Unspecified.
        Unspecified = "SPACE_TYPE_UNSPECIFIED",
        /// A named space.
        Space = "SPACE",
        /// A group conversation without a name.
        GroupChat = "GROUP_CHAT",
        /// A direct message.
        DirectMessage = "DIRECT_MESSAGE",
    }
}

open_enum! {
    /// `Space.spaceThreadingState`.
    pub enum SpaceThreadingState {
        /// Unspecified.
        Unspecified = "SPACE_THREADING_STATE_UNSPECIFIED",
        /// Replies in threads.
        ThreadedMessages = "THREADED_MESSAGES",
        /// Grouped conversations.
        GroupedMessages = "GROUPED_MESSAGES",
        /// No threads.
        UnthreadedMessages = "UNTHREADED_MESSAGES",
    }
}

open_enum! {
    /// History state of a space or message.
    pub enum HistoryState {
        /// Unspecified.
        Unspecified = "HISTORY_STATE_UNSPECIFIED",
        /// History off.
        Off = "HISTORY_OFF",
        /// History on.
        On = "HISTORY_ON",
    }
}

/// `Space.spaceDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpaceDetails {
    /// What the space is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Rules of the space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidelines: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(SpaceDetails {
    fields: [description, guidelines],
});

/// `Space.membershipCount`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MembershipCount {
    /// People who joined directly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined_direct_human_user_count: Option<Int32>,
    /// Groups that joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joined_group_count: Option<Int32>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(MembershipCount {
    fields: [joined_direct_human_user_count, joined_group_count],
});

/// `Space.accessSettings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccessSettings {
    /// `PRIVATE` or `DISCOVERABLE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_state: Option<String>,
    /// Target audience resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(AccessSettings {
    fields: [access_state, audience],
});
