//! Apps of async Rust handlers, on the core's routing (see [`App`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::FutureExt as _;
use futures_util::{Stream, StreamExt as _};
use gchat::Timestamp;
use gchat::app::{
    Accepted, AppError, Context, Deferred, Engine, Outcome, Reply, Route, Routes, WorkIds,
};
use gchat::event::Event;
use gchat::message::model::Message;
use gchat::outbound::{OutboxId, client_message_id_for};

use crate::courier::Courier;
use crate::http::Tracker;
use crate::store::StoreError;

/// What a handler returns, boxed.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Reply, AppError>> + Send>>;

/// A mounted handler.
type Handler = Arc<dyn Fn(Event, Ctx) -> HandlerFuture + Send + Sync>;

/// An app of async Rust handlers, on the core's routing.
///
/// An [`App`] mounts handlers with the same `on_*` names as the core's
/// [`Router`](gchat::app::Router); a handler is an `async fn(Event, Ctx)
/// -> Result<Reply, AppError>` run on tokio, so it can await a database or
/// an HTTP API. The server accepts the request (token, event, repeat
/// deliveries), awaits the handler within the app's budget, then renders
/// the reply with the core's legality checks, lint and add-on wrapping.
///
/// ```no_run
/// use gchat::app::{AppError, Reply};
/// use gchat_server::{App, Ctx};
/// use gchat::event::Event;
///
/// async fn weather(event: Event, ctx: Ctx) -> Result<Reply, AppError> {
///     let city = event.argument_text().unwrap_or_default().trim().to_owned();
///     // ... await an HTTP API here ...
///     ctx.post(gchat::message::model::Message::text(format!("Asked about {city}")))
///         .await
///         .map_err(|e| AppError::Handler(e.to_string()))?;
///     Ok(Reply::text(format!("Sunny in {city}")))
/// }
///
/// let app = App::new().on_command("/weather", weather);
/// ```
///
/// Unrouted events get no reply (`{}`), unless [`on_fallback`](Self::on_fallback)
/// catches them.
#[derive(Clone)]
pub struct App {
    routes: Routes<Handler>,
    error_text: Option<String>,
    budget: Duration,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("routes", &self.routes.routes().collect::<Vec<_>>())
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

/// Methods mounting a handler at a fixed route.
macro_rules! on_route {
    ($($(#[$m:meta])* $name:ident => $route:expr,)*) => {
        $(
            $(#[$m])*
            #[must_use]
            pub fn $name<F, Fut>(self, handler: F) -> Self
            where
                F: Fn(Event, Ctx) -> Fut + Send + Sync + 'static,
                Fut: Future<Output = Result<Reply, AppError>> + Send + 'static,
            {
                self.on($route, handler)
            }
        )*
    };
}

/// Methods mounting a handler at an action's function.
macro_rules! on_function {
    ($($(#[$m:meta])* $name:ident => $kind:expr,)*) => {
        $(
            $(#[$m])*
            #[must_use]
            pub fn $name<F, Fut>(self, function: impl Into<String>, handler: F) -> Self
            where
                F: Fn(Event, Ctx) -> Fut + Send + Sync + 'static,
                Fut: Future<Output = Result<Reply, AppError>> + Send + 'static,
            {
                self.on(Route::Action($kind, function.into()), handler)
            }
        )*
    };
}

impl App {
    /// How long a handler may take by default: 25 s, under the 30 s after
    /// which Chat gives up on a synchronous reply.
    pub const DEFAULT_BUDGET: Duration = Duration::from_secs(25);

    /// An app with no handlers.
    pub fn new() -> Self {
        Self {
            routes: Routes::new(),
            error_text: None,
            budget: Self::DEFAULT_BUDGET,
        }
    }

    /// A synchronous app (a config-file app, the default app, a core
    /// [`Router`](gchat::app::Router)) answering every event.
    pub fn from_sync(app: impl gchat::app::App + 'static) -> Self {
        let app = Arc::new(app);
        Self::new().on_fallback(move |event, ctx| {
            let app = Arc::clone(&app);
            // Templates and all: CPU work, off the async threads.
            let handled = tokio::task::spawn_blocking(move || app.handle(&event, &ctx.context()));
            async move {
                handled
                    .await
                    .unwrap_or_else(|e| Err(AppError::Handler(format!("the app failed: {e}"))))
            }
        })
    }

    /// What the user sees when a handler fails or overruns its budget (see
    /// [`Engine::with_error_text`]).
    #[must_use]
    pub fn error_text(mut self, text: impl Into<String>) -> Self {
        self.error_text = Some(text.into());
        self
    }

    /// How long a handler may take before the event is answered with the
    /// error text (and `handler_timeout` logged); default
    /// [`DEFAULT_BUDGET`](Self::DEFAULT_BUDGET).
    #[must_use]
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The budget.
    pub fn handler_budget(&self) -> Duration {
        self.budget
    }

    /// The error text, if set.
    pub fn error_text_value(&self) -> Option<&str> {
        self.error_text.as_deref()
    }

    /// Mounts `handler` at `route`.
    #[must_use]
    pub fn on<F, Fut>(mut self, route: Route, handler: F) -> Self
    where
        F: Fn(Event, Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Reply, AppError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |event, ctx| Box::pin(handler(event, ctx)));
        self.routes.insert(route, handler);
        self
    }

    gchat::fixed_routes!(on_route);

    gchat::function_routes!(on_function);

    /// A slash or quick command, by name (`/help`) or id (`"3"`).
    #[must_use]
    pub fn on_command<F, Fut>(self, name_or_id: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Event, Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Reply, AppError>> + Send + 'static,
    {
        self.on(Route::Command(name_or_id.into()), handler)
    }

    /// Answers an accepted event: the routed handler awaited within the
    /// budget (a panic counts as a failure), then the core's `respond`.
    pub(crate) async fn answer(&self, engine: &Engine, accepted: Accepted, work: Work) -> Outcome {
        let Some(handler) = self.routes.route(&accepted.event) else {
            return engine.respond(accepted, Ok(Reply::none()));
        };
        let ctx = Ctx::new(&accepted, work, self.error_text.clone());
        let running =
            std::panic::AssertUnwindSafe(handler(accepted.event.clone(), ctx)).catch_unwind();
        let result = match tokio::time::timeout(self.budget, running).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(AppError::Handler("the handler panicked".into())),
            Err(_) => Err(AppError::TimedOut {
                budget: self.budget,
            }),
        };
        engine.respond(accepted, result)
    }
}

/// Where a handler's work outside its reply goes.
#[derive(Clone)]
pub(crate) struct Work {
    pub courier: Arc<Courier>,
    pub tasks: Tracker,
}

/// What a handler gets besides its event: the time, and posts and edits
/// through the outbox (durable, within the per-space quota, each with a
/// `requestId` derived from the event, so a redelivery posts nothing new).
#[derive(Clone)]
pub struct Ctx {
    inner: Arc<Inner>,
}

struct Inner {
    now: Timestamp,
    space: Option<String>,
    thread: Option<String>,
    ids: WorkIds,
    step: AtomicUsize,
    work: Work,
    /// The app's error text, for a progressive reply whose stream fails.
    error_text: Option<String>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("now", &self.inner.now)
            .field("space", &self.inner.space)
            .finish_non_exhaustive()
    }
}

/// A message queued by [`Ctx::post`] or [`Ctx::update`]: stored, and
/// delivered by the courier in its space's order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Queued {
    /// Its id in the outbox.
    pub id: OutboxId,
    /// Its idempotency key.
    pub request_id: String,
}

/// Options of [`Ctx::progress`].
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Progress {
    /// Posted at once (default `…`).
    pub placeholder: Option<String>,
    /// Appended when the stream fails (default: the app's error text, else
    /// "Something went wrong.").
    pub error_text: Option<String>,
}

impl Ctx {
    fn new(accepted: &Accepted, work: Work, error_text: Option<String>) -> Self {
        let event = &accepted.event;
        Self {
            inner: Arc::new(Inner {
                now: accepted.now,
                space: event.space().and_then(|s| s.name.clone()),
                thread: event.thread().and_then(|t| t.name.clone()),
                ids: accepted.work_ids(),
                step: AtomicUsize::new(0),
                work,
                error_text,
            }),
        }
    }

    /// The host's time at acceptance.
    pub fn now(&self) -> Timestamp {
        self.inner.now
    }

    /// The core's context (for synchronous handlers).
    pub fn context(&self) -> Context {
        Context::new(self.inner.now)
    }

    /// Runs `work` in the background; shutdown waits for it.
    pub fn defer(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.inner.work.tasks.spawn(work);
    }

    /// Posts `message` in the event's space, in its thread unless the
    /// message names one. Returns once it is stored.
    ///
    /// # Errors
    /// [`StoreError::Enqueue`] when the event has no space or the message
    /// is one Chat would refuse, or the outbox is full; or the store failed.
    pub async fn post(&self, message: Message) -> Result<Queued, StoreError> {
        // Without a space (none in the event), the request is refused as
        // Chat would: `bad_space`.
        let space = self.inner.space.clone().unwrap_or_default();
        let message = match (&message.thread, &self.inner.thread) {
            (None, Some(thread)) => message.in_thread(thread.clone()),
            _ => message,
        };
        self.post_as(self.next_id(), &space, message, None).await
    }

    /// Posts `message` in `space` (`spaces/…`), as it is.
    ///
    /// # Errors
    /// As [`post`](Self::post).
    pub async fn post_in(&self, space: &str, message: Message) -> Result<Queued, StoreError> {
        self.post_as(self.next_id(), space, message, None).await
    }

    /// Posts with this request id (and a client-assigned message id).
    async fn post_as(
        &self,
        request_id: String,
        space: &str,
        message: Message,
        message_id: Option<String>,
    ) -> Result<Queued, StoreError> {
        let mut work = Deferred::create_message(space, message).with_request_id(&request_id);
        if let (Some(id), Deferred::CreateMessage { message_id, .. }) = (message_id, &mut work) {
            *message_id = Some(id);
        }
        self.queue(work, request_id).await
    }

    /// Edits message `name` (`spaces/…/messages/…`) to `message` (the
    /// fields it sets are the update mask).
    ///
    /// # Errors
    /// As [`post`](Self::post).
    pub async fn update(&self, name: &str, message: Message) -> Result<Queued, StoreError> {
        let request_id = self.next_id();
        let work = Deferred::update_message(name, message).with_request_id(&request_id);
        self.queue(work, request_id).await
    }

    /// Answers progressively, as the TypeScript API's `ctx.progress`: posts
    /// a placeholder now, then edits it as `stream` yields text (appended),
    /// at most one edit per second, the full text last. Returns the reply
    /// to return from the handler ([`Reply::none`]).
    pub fn progress<S, E>(&self, stream: S, options: Progress) -> Reply
    where
        S: Stream<Item = Result<String, E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let Some(space) = self.inner.space.clone() else {
            return Reply::none();
        };
        // The placeholder's step is taken now, so that its ids do not
        // depend on when the task below runs.
        let request_id = self.next_id();
        let message_id = client_message_id_for(&request_id);
        let name = format!("{space}/messages/{message_id}");
        let ctx = self.clone();
        let placeholder = options.placeholder.unwrap_or_else(|| "…".into());
        let error_text = options
            .error_text
            .or_else(|| self.inner.error_text.clone())
            .unwrap_or_else(|| "Something went wrong.".into());
        self.defer(async move {
            let first = Message::text(placeholder);
            let first = match &ctx.inner.thread {
                Some(thread) => first.in_thread(thread.clone()),
                None => first,
            };
            if let Err(e) = ctx
                .post_as(request_id, &space, first, Some(message_id))
                .await
            {
                tracing::error!(error = %e, "progress: the placeholder was not queued");
                return;
            }
            let mut text = String::new();
            let mut sent = String::new();
            let mut last = tokio::time::Instant::now();
            let mut stream = std::pin::pin!(stream);
            loop {
                let next =
                    tokio::time::timeout_at(last + Duration::from_secs(1), stream.next()).await;
                match next {
                    Ok(Some(Ok(chunk))) => text.push_str(&chunk),
                    Ok(Some(Err(e))) => {
                        tracing::warn!(error = %e, "progress: the stream failed");
                        if !text.is_empty() {
                            text.push('\n');
                        }
                        text.push_str(&error_text);
                        break;
                    }
                    Ok(None) => break,
                    Err(_) => {}
                }
                // One edit a second at most, carrying the text as it is then.
                if text != sent && last.elapsed() >= Duration::from_secs(1) {
                    ctx.edit(&name, &text).await;
                    sent.clone_from(&text);
                    last = tokio::time::Instant::now();
                }
            }
            if text != sent {
                tokio::time::sleep_until(last + Duration::from_secs(1)).await;
                ctx.edit(&name, &text).await;
            }
        });
        Reply::none()
    }

    /// One progress edit (creating the message if its post is not in yet).
    async fn edit(&self, name: &str, text: &str) {
        let request_id = self.next_id();
        let mut work =
            Deferred::update_message(name, Message::text(text)).with_request_id(&request_id);
        if let Deferred::UpdateMessage { allow_missing, .. } = &mut work {
            *allow_missing = true;
        }
        if let Err(e) = self.queue(work, request_id).await {
            tracing::error!(error = %e, "progress: an edit was not queued");
        }
    }

    fn next_id(&self) -> String {
        self.inner
            .ids
            .id(self.inner.step.fetch_add(1, Ordering::AcqRel))
    }

    async fn queue(&self, work: Deferred, request_id: String) -> Result<Queued, StoreError> {
        let request = work
            .into_request()
            .map_err(|e| StoreError::Enqueue(e.into()))?;
        let ids = self.inner.work.courier.enqueue(vec![request]).await?;
        let id = ids.first().copied().unwrap_or(OutboxId(0));
        Ok(Queued { id, request_id })
    }
}
