//! `Message` as it arrives in events, with its thread, annotations and attachments.

use serde::Serialize;
use serde_json::Value;

use crate::wire::{Extra, Int32, Int64, deserialize_struct, lenient_bool, open_enum};

use super::{Space, User};

/// A message as Chat sends it to an app.
///
/// Cards are kept as JSON here; `gchat::message` models what an app sends.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[cfg_attr(feature = "ts", tsify(rename = "EventMessage"))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Message {
    /// Resource name, `spaces/{space}/messages/{message}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Who sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<User>,
    /// When it was created (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// When it was last edited (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<String>,
    /// When it was deleted (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_time: Option<String>,
    /// Plain text, with Chat markup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Text with markup made explicit (`<users/…>` mentions, `<url|text>` links).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted_text: Option<String>,
    /// Deprecated cards v1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cards: Option<Vec<Value>>,
    /// Cards v2 (`[{cardId, card}]`).
    #[serde(rename = "cardsV2", skip_serializing_if = "Option::is_none")]
    pub cards_v2: Option<Vec<Value>>,
    /// Mentions, slash commands, rich links and custom emoji in the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<Annotation>>,
    /// The thread the message belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
    /// The space the message was posted in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<Box<Space>>,
    /// Plain-text description of the cards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_text: Option<String>,
    /// Text with the app's @mention (or the slash command) removed; often starts with a space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument_text: Option<String>,
    /// The slash command this message invokes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slash_command: Option<SlashCommand>,
    /// Attachments (the wire name is singular).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Vec<Attachment>>,
    /// The URL that matched one of the app's link-preview patterns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_url: Option<MatchedUrl>,
    /// Whether the message is a reply in a thread.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub thread_reply: Option<bool>,
    /// Whether the message was posted without notifying.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub silent: Option<bool>,
    /// Custom message id (`client-…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_assigned_message_id: Option<String>,
    /// The only user who can see this message, for private messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_message_viewer: Option<User>,
    /// Widgets at the bottom of the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessory_widgets: Option<Vec<Value>>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Message {
    lenient: [thread_reply, silent],
    fields: [name, sender, create_time, last_update_time, delete_time, text, formatted_text, cards, cards_v2 as "cardsV2", annotations, thread, space, fallback_text, argument_text, slash_command, attachment, matched_url, client_assigned_message_id, private_message_viewer, accessory_widgets],
});

impl Message {
    /// Whether a person (not an app) sent this message.
    pub fn is_from_human(&self) -> bool {
        matches!(
            self.sender.as_ref().and_then(|s| s.user_type.as_ref()),
            Some(super::UserType::Human)
        )
    }
}

/// A thread of messages.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Thread {
    /// Resource name, `spaces/{space}/threads/{thread}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// App-defined key (at most 4000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_key: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Thread {
    fields: [name, thread_key],
});

// Read through serde (an event type), inside the message model.
impl crate::wire::FromJson for Thread {}

/// A span of the message text with a meaning: a mention, a command, a rich link.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Annotation {
    /// What kind of annotation.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub annotation_type: Option<AnnotationType>,
    /// Start of the span in `text` (0-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_index: Option<Int32>,
    /// Length of the span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<Int32>,
    /// For `USER_MENTION`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_mention: Option<UserMention>,
    /// For `SLASH_COMMAND`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slash_command: Option<SlashCommandMetadata>,
    /// For `RICH_LINK`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rich_link_metadata: Option<RichLinkMetadata>,
    /// For `CUSTOM_EMOJI`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_emoji_metadata: Option<Value>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Annotation {
    fields: [annotation_type as "type", start_index, length, user_mention, slash_command, rich_link_metadata, custom_emoji_metadata],
});

open_enum! {
    /// `Annotation.type`.
    pub enum AnnotationType {
        /// Unspecified.
        Unspecified = "ANNOTATION_TYPE_UNSPECIFIED",
        /// A user is @mentioned.
        UserMention = "USER_MENTION",
        /// A slash command is invoked.
        SlashCommand = "SLASH_COMMAND",
        /// A rich link (Drive, Chat space, Meet, Calendar, Gmail).
        RichLink = "RICH_LINK",
        /// A custom emoji.
        CustomEmoji = "CUSTOM_EMOJI",
    }
}

/// `Annotation.userMention`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserMention {
    /// Who was mentioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// `ADD` or `MENTION`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub mention_type: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(UserMention {
    fields: [user, mention_type as "type"],
});

/// `Annotation.slashCommand`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SlashCommandMetadata {
    /// The app whose command was invoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot: Option<User>,
    /// `ADD` or `INVOKE`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub command_type: Option<String>,
    /// The command's name, with its slash (`/help`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_name: Option<String>,
    /// The command's id, as configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_id: Option<Int64>,
    /// Whether the command opens a dialog.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub triggers_dialog: Option<bool>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(SlashCommandMetadata {
    lenient: [triggers_dialog],
    fields: [bot, command_type as "type", command_name, command_id],
});

/// `Annotation.richLinkMetadata`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RichLinkMetadata {
    /// The link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `DRIVE_FILE`, `CHAT_SPACE`, `GMAIL_MESSAGE`, `MEET_SPACE`, `CALENDAR_EVENT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rich_link_type: Option<String>,
    /// Fields gchat does not model (`driveLinkData`, `chatSpaceLinkData`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(RichLinkMetadata {
    fields: [uri, rich_link_type],
});

/// `Message.slashCommand`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SlashCommand {
    /// The command's id, as configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_id: Option<Int64>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(SlashCommand {
    fields: [command_id],
});

/// A file attached to a message.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Attachment {
    /// Resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Original file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_name: Option<String>,
    /// MIME type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Reference to uploaded data, for the media API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_data_ref: Option<Value>,
    /// Reference to a Drive file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drive_data_ref: Option<Value>,
    /// Thumbnail URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_uri: Option<String>,
    /// Download URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_uri: Option<String>,
    /// `DRIVE_FILE` or `UPLOADED_CONTENT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Attachment {
    fields: [
        name,
        content_name,
        content_type,
        attachment_data_ref,
        drive_data_ref,
        thumbnail_uri,
        download_uri,
        source
    ],
});

/// `Message.matchedUrl`: the link that triggered a link preview.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MatchedUrl {
    /// The URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(MatchedUrl { fields: [url] });
