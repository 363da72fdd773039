//! Apps in Rust: a router from event kinds, commands and action functions to
//! handlers.

use std::collections::HashMap;
use std::sync::Arc;

use crate::event::{AnnotationType, Event, Kind, UserType};

use super::{App, AppError, Context, Reply};

/// A handler: a pure function from the event to a reply.
pub type Handler = Arc<dyn Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync>;

/// Routes events to handlers.
///
/// Commands match by name (`/help`) or by id (`"7"`); card actions,
/// dialog steps and widget updates match by the action's function. A
/// message that @mentions the app in a space goes to `on_mention` if set,
/// else to `on_message`. Unrouted events get no reply (`{}`), except that
/// [`on_fallback`](Self::on_fallback) catches them all.
#[derive(Clone, Default)]
pub struct Router {
    kinds: HashMap<Kind, Handler>,
    mention: Option<Handler>,
    commands: HashMap<String, Handler>,
    actions: HashMap<(Kind, String), Handler>,
    fallback: Option<Handler>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("kinds", &self.kinds.keys().collect::<Vec<_>>())
            .field("commands", &self.commands.keys().collect::<Vec<_>>())
            .field("actions", &self.actions.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn handler(
    f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
) -> Handler {
    Arc::new(f)
}

macro_rules! on_kind {
    ($($(#[$m:meta])* $name:ident => $kind:ident,)*) => {
        $(
            $(#[$m])*
            #[must_use]
            pub fn $name(mut self, f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static) -> Self {
                self.kinds.insert(Kind::$kind, handler(f));
                self
            }
        )*
    };
}

macro_rules! on_function {
    ($($(#[$m:meta])* $name:ident => $kind:ident,)*) => {
        $(
            $(#[$m])*
            #[must_use]
            pub fn $name(
                mut self,
                function: impl Into<String>,
                f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
            ) -> Self {
                self.actions.insert((Kind::$kind, function.into()), handler(f));
                self
            }
        )*
    };
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    on_kind! {
        /// Direct messages and messages that mention the app.
        on_message => Message,
        /// The app was added to a space.
        on_added => Added,
        /// The app was removed (no reply is delivered; clean up only).
        on_removed => Removed,
        /// The app home tab was opened.
        on_app_home => AppHome,
        /// A form on the app home was submitted.
        on_submit_form => SubmitForm,
        /// A link matched the app's preview patterns.
        on_link_preview => LinkPreview,
        /// A dialog was cancelled (any function).
        on_dialog_cancel => DialogCancel,
        /// Any card click not routed by function.
        on_card_clicked => CardClicked,
    }

    on_function! {
        /// A card click on an action with this function.
        on_action => CardClicked,
        /// A dialog request from a button with this function.
        on_dialog_request => DialogRequest,
        /// A dialog submit from a button with this function.
        on_dialog_submit => DialogSubmit,
        /// A widget update for this function.
        on_widget_update => WidgetUpdated,
        /// An autocomplete query for this function (`externalDataSource.function`).
        on_autocomplete => Autocomplete,
    }

    /// Messages in spaces that @mention the app.
    #[must_use]
    pub fn on_mention(
        mut self,
        f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
    ) -> Self {
        self.mention = Some(handler(f));
        self
    }

    /// A slash or quick command, by name (`/help`) or id (`"3"`). A
    /// dialog-opening command is routed here too.
    #[must_use]
    pub fn on_command(
        mut self,
        name_or_id: impl Into<String>,
        f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
    ) -> Self {
        self.commands.insert(name_or_id.into(), handler(f));
        self
    }

    /// Every event nothing else routes.
    #[must_use]
    pub fn on_fallback(
        mut self,
        f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
    ) -> Self {
        self.fallback = Some(handler(f));
        self
    }

    /// The command names routed (for generated help).
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.commands
            .keys()
            .map(String::as_str)
            .filter(|k| k.starts_with('/'))
    }

    fn route(&self, event: &Event) -> Option<&Handler> {
        let kind = event.kind();
        if let Some(cmd) = event.command() {
            let by_name = cmd.name.and_then(|n| self.commands.get(n));
            let by_id = cmd.id.and_then(|id| self.commands.get(&id.to_string()));
            if let Some(h) = by_name.or(by_id) {
                return Some(h);
            }
        }
        if let Some(function) = event.action().and_then(|a| a.function) {
            if let Some(h) = self.actions.get(&(kind, function.to_owned())) {
                return Some(h);
            }
        }
        if kind == Kind::Message && mentions_app(event) {
            if let Some(h) = &self.mention {
                return Some(h);
            }
        }
        self.kinds.get(&kind).or(self.fallback.as_ref())
    }
}

/// Whether the message @mentions an app (in a space; direct messages need no mention).
fn mentions_app(event: &Event) -> bool {
    let in_dm = event
        .space()
        .is_some_and(crate::event::Space::is_direct_message);
    let annotations = event
        .message()
        .and_then(|m| m.annotations.as_deref())
        .unwrap_or_default();
    !in_dm
        && annotations.iter().any(|a| {
            a.annotation_type == Some(AnnotationType::UserMention)
                && a.user_mention
                    .as_ref()
                    .and_then(|m| m.user.as_ref())
                    .and_then(|u| u.user_type.as_ref())
                    == Some(&UserType::Bot)
        })
}

impl App for Router {
    fn handle(&self, event: &Event, cx: &Context) -> Result<Reply, AppError> {
        match self.route(event) {
            Some(h) => h(event, cx),
            None => Ok(Reply::none()),
        }
    }
}
