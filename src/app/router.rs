//! Routing: which handler answers an event. [`Routes`] holds handlers of
//! any type (Rust closures in [`Router`], a JS handler's index in the npm
//! package), so every host routes with this one implementation.

use std::collections::HashMap;
use std::sync::Arc;

use crate::event::{AnnotationType, Event, Kind, UserType};

use super::{App, AppError, Context, Reply};

/// Where a handler is mounted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// Every event of this kind not routed more precisely.
    Kind(Kind),
    /// Messages in spaces that @mention the app (direct messages go to
    /// `Kind(Message)`).
    Mention,
    /// A slash or quick command, by name (`/help`) or id (`"3"`).
    Command(String),
    /// A card action, dialog step, widget update or autocomplete query of
    /// this kind, by the action's function (`__action_method_name__` for
    /// add-ons converted from classic apps).
    Action(Kind, String),
    /// A command no `Command` route names.
    UnknownCommand,
    /// Every event nothing else routes.
    Fallback,
}

impl Route {
    /// The route named as the bindings name them (the npm package's `App`,
    /// the component's `route` record): `on` is a kind (`message`, `added`,
    /// `card_clicked`, …), `mention`, `command` (`key`: the name or id),
    /// `unknownCommand`, `fallback`, or an action route (`action`,
    /// `dialogRequest`, `dialogSubmit`, `dialogCancel`, `widgetUpdate`,
    /// `autocomplete`; `key`: the function). `None` for an unknown name, or
    /// a keyed route without its key.
    pub fn from_name(on: &str, key: Option<String>) -> Option<Route> {
        let action = |kind: Kind| key.clone().map(|k| Route::Action(kind, k));
        match on {
            "mention" => Some(Route::Mention),
            "command" => key.clone().map(Route::Command),
            "unknownCommand" => Some(Route::UnknownCommand),
            "fallback" => Some(Route::Fallback),
            "action" => action(Kind::CardClicked),
            "dialogRequest" => action(Kind::DialogRequest),
            "dialogSubmit" => action(Kind::DialogSubmit),
            "dialogCancel" => action(Kind::DialogCancel),
            "widgetUpdate" => action(Kind::WidgetUpdated),
            "autocomplete" => action(Kind::Autocomplete),
            kind => Kind::from_name(kind).map(Route::Kind),
        }
    }
}

/// Handlers by [`Route`], and the matching of events to them.
///
/// Commands match by name, then by id; actions by the kind and function; a
/// message that @mentions the app in a space goes to [`Route::Mention`] if
/// set, else to `Kind(Message)`; an unrouted command goes to
/// [`Route::UnknownCommand`]; then the event's kind; then
/// [`Route::Fallback`].
#[derive(Clone, Debug)]
pub struct Routes<H> {
    routes: HashMap<Route, H>,
}

impl<H> Default for Routes<H> {
    fn default() -> Self {
        Self {
            routes: HashMap::new(),
        }
    }
}

impl<H> Routes<H> {
    /// No routes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mounts `handler` at `route`, returning the one it replaces.
    pub fn insert(&mut self, route: Route, handler: H) -> Option<H> {
        self.routes.insert(route, handler)
    }

    /// The routes mounted.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.keys()
    }

    /// The command names routed (for generated help).
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.routes.keys().filter_map(|r| match r {
            Route::Command(name) if name.starts_with('/') => Some(name.as_str()),
            _ => None,
        })
    }

    /// The handler for `event`, or `None` when nothing routes it.
    pub fn route(&self, event: &Event) -> Option<&H> {
        let get = |route: Route| self.routes.get(&route);
        let kind = event.kind();
        if let Some(cmd) = event.command() {
            let by_name = cmd.name.and_then(|n| get(Route::Command(n.to_owned())));
            let by_id = || cmd.id.and_then(|id| get(Route::Command(id.to_string())));
            if let Some(h) = by_name.or_else(by_id) {
                return Some(h);
            }
        }
        if let Some(function) = event.action().and_then(|a| a.function) {
            if let Some(h) = get(Route::Action(kind, function.to_owned())) {
                return Some(h);
            }
        }
        if kind == Kind::Message && mentions_app(event) {
            if let Some(h) = get(Route::Mention) {
                return Some(h);
            }
        }
        let command = matches!(kind, Kind::SlashCommand | Kind::AppCommand);
        command
            .then(|| get(Route::UnknownCommand))
            .flatten()
            .or_else(|| get(Route::Kind(kind)))
            .or_else(|| get(Route::Fallback))
    }
}

/// A handler: a pure function from the event to a reply.
pub type Handler = Arc<dyn Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync>;

/// An [`App`] of Rust handlers, mounted with the `on_*` methods.
///
/// Routing is [`Routes`]'s. Unrouted events get no reply (`{}`), except
/// that [`on_fallback`](Self::on_fallback) catches them all.
#[derive(Clone, Default)]
pub struct Router {
    routes: Routes<Handler>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("routes", &self.routes.routes().collect::<Vec<_>>())
            .finish()
    }
}

/// Calls `$callback! { … }` with the fixed routes: each its mounting
/// method's name, its doc and its [`Route`]. One list for every router of
/// handlers: [`Router`] here, `gchat-server`'s async `App`.
#[doc(hidden)]
#[macro_export]
macro_rules! fixed_routes {
    ($callback:ident) => {
        $callback! {
            /// Direct messages and messages that mention the app.
            on_message => $crate::app::Route::Kind($crate::event::Kind::Message),
            /// The app was added to a space.
            on_added => $crate::app::Route::Kind($crate::event::Kind::Added),
            /// The app was removed (no reply is delivered; clean up only).
            on_removed => $crate::app::Route::Kind($crate::event::Kind::Removed),
            /// The app home tab was opened.
            on_app_home => $crate::app::Route::Kind($crate::event::Kind::AppHome),
            /// A form on the app home was submitted.
            on_submit_form => $crate::app::Route::Kind($crate::event::Kind::SubmitForm),
            /// A link matched the app's preview patterns.
            on_link_preview => $crate::app::Route::Kind($crate::event::Kind::LinkPreview),
            /// A dialog was cancelled (any function).
            on_dialog_cancel => $crate::app::Route::Kind($crate::event::Kind::DialogCancel),
            /// Any card click not routed by function.
            on_card_clicked => $crate::app::Route::Kind($crate::event::Kind::CardClicked),
            /// A Workspace Events space event (Pub/Sub).
            on_space_event => $crate::app::Route::Kind($crate::event::Kind::SpaceEvent),
            /// Messages in spaces that @mention the app.
            on_mention => $crate::app::Route::Mention,
            /// Commands no [`on_command`](Self::on_command) names.
            on_unknown_command => $crate::app::Route::UnknownCommand,
            /// Every event nothing else routes.
            on_fallback => $crate::app::Route::Fallback,
        }
    };
}

/// Calls `$callback! { … }` with the routes by action function: each its
/// mounting method's name, its doc and the event [`Kind`].
#[doc(hidden)]
#[macro_export]
macro_rules! function_routes {
    ($callback:ident) => {
        $callback! {
            /// A card click on an action with this function.
            on_action => $crate::event::Kind::CardClicked,
            /// A dialog request from a button with this function.
            on_dialog_request => $crate::event::Kind::DialogRequest,
            /// A dialog submit from a button with this function.
            on_dialog_submit => $crate::event::Kind::DialogSubmit,
            /// A widget update for this function.
            on_widget_update => $crate::event::Kind::WidgetUpdated,
            /// An autocomplete query for this function (`externalDataSource.function`).
            on_autocomplete => $crate::event::Kind::Autocomplete,
        }
    };
}

/// Methods mounting a handler at a fixed route.
macro_rules! on_route {
    ($($(#[$m:meta])* $name:ident => $route:expr,)*) => {
        $(
            $(#[$m])*
            #[must_use]
            pub fn $name(self, f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static) -> Self {
                self.on($route, f)
            }
        )*
    };
}

macro_rules! on_function {
    ($($(#[$m:meta])* $name:ident => $kind:expr,)*) => {
        $(
            $(#[$m])*
            #[must_use]
            pub fn $name(
                self,
                function: impl Into<String>,
                f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
            ) -> Self {
                self.on(Route::Action($kind, function.into()), f)
            }
        )*
    };
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mounts `f` at `route`.
    #[must_use]
    pub fn on(
        mut self,
        route: Route,
        f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
    ) -> Self {
        self.routes.insert(route, Arc::new(f));
        self
    }

    crate::fixed_routes!(on_route);

    crate::function_routes!(on_function);

    /// A slash or quick command, by name (`/help`) or id (`"3"`). A
    /// dialog-opening command is routed here too.
    #[must_use]
    pub fn on_command(
        self,
        name_or_id: impl Into<String>,
        f: impl Fn(&Event, &Context) -> Result<Reply, AppError> + Send + Sync + 'static,
    ) -> Self {
        self.on(Route::Command(name_or_id.into()), f)
    }

    /// The command names routed (for generated help).
    pub fn command_names(&self) -> impl Iterator<Item = &str> {
        self.routes.command_names()
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
        match self.routes.route(event) {
            Some(h) => h(event, cx),
            None => Ok(Reply::none()),
        }
    }
}
