"""Apps in Python: ``App`` (handlers on gchat's routes), ``reply``, ``Engine``.

The engine routes, verifies, checks and renders inside the component; this
module only calls the handlers between ``accept`` and ``respond``, as the
npm package's ``App`` does, and answers repeat deliveries once.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable, Iterator, Optional, Union

from wasmtime.component import Record, ResourceAny, Variant

from ._runtime import check, field, record, runtime
from .core import Bytes, Headers, KeySet, _Resource, _key_requests, _pairs, _utf8, now_ms
from .errors import GchatError

#: What the user sees when a handler fails.
DEFAULT_ERROR_TEXT = "Sorry, something went wrong. Please try again."

Handler = Callable[[dict, "Context"], Any]


class reply:  # noqa: N801 - a namespace, named as in the npm package
    """Reply constructors: plain dicts the engine checks against the event."""

    @staticmethod
    def text(text: str) -> dict:
        """A text message (Chat markup)."""
        return {"type": "message", "message": {"text": text}}

    @staticmethod
    def card(card: dict, *, text: Optional[str] = None, card_id: str = "card") -> dict:
        """A message with one card."""
        message: dict = {} if text is None else {"text": text}
        message["cardsV2"] = [{"cardId": card_id, "card": card}]
        return {"type": "message", "message": message}

    @staticmethod
    def message(message: dict) -> dict:
        """Any message."""
        return {"type": "message", "message": message}

    @staticmethod
    def private(message: Union[str, dict], user: Optional[dict] = None) -> dict:
        """A message only ``user`` (default: the event's user) sees."""
        value = {"type": "private", "message": _message(message)}
        return value if user is None else {**value, "user": user}

    @staticmethod
    def update_message(message: Union[str, dict]) -> dict:
        """Replace the app's message that was clicked."""
        return {"type": "updateMessage", "message": _message(message)}

    @staticmethod
    def update_user_message_cards(cards_v2: list) -> dict:
        """Replace the cards of a person's message (link previews)."""
        return {"type": "updateUserMessageCards", "cardsV2": cards_v2}

    @staticmethod
    def open_dialog(card: dict) -> dict:
        """Open a dialog (or replace the open one)."""
        return {"type": "openDialog", "card": card}

    @staticmethod
    def close_dialog(notification: Optional[str] = None) -> dict:
        """Close the dialog, with an optional notice."""
        return {"type": "closeDialog", **({} if notification is None else {"notification": notification})}

    @staticmethod
    def dialog_error(message: str, status: Optional[str] = None) -> dict:
        """Keep the dialog open and say what to fix."""
        return {"type": "dialogError", "message": message, **({} if status is None else {"status": status})}

    @staticmethod
    def request_config(url: str) -> dict:
        """Ask the user to configure or sign in at ``url``."""
        return {"type": "requestConfig", "url": url}

    @staticmethod
    def suggestions(widget: str, items: list) -> dict:
        """Autocomplete suggestions for the selection input ``widget``."""
        return {"type": "suggestions", "widget": widget, "items": items}

    @staticmethod
    def app_home(card: dict) -> dict:
        """Show or update the app home card."""
        return {"type": "appHome", "card": card}

    @staticmethod
    def none() -> dict:
        """No answer."""
        return {"type": "none"}


def _message(message: Union[str, dict]) -> dict:
    return {"text": message} if isinstance(message, str) else message


#: Routes that need a key (a command's name, an action's function).
_KEYED = {"command", "action", "dialogRequest", "dialogSubmit", "dialogCancel", "widgetUpdate", "autocomplete"}


class App:
    """Handlers mounted on gchat's routes, as decorators::

        app = App()

        @app.command("/weather")
        def weather(event, ctx):
            return reply.text("Sunny")

    A handler takes the event (the normalized view, an ``Event`` dict; its
    ``raw`` is the event as Chat sent it) and a ``Context``, and returns a ``reply``,
    a message dict, a string, or None.
    """

    def __init__(self, *, error_text: Optional[str] = None) -> None:
        self.error_text = error_text
        self.routes: list[tuple[str, Optional[str]]] = []
        self.handlers: list[Handler] = []

    def on(self, on: str, key: Optional[str] = None) -> Callable[[Handler], Handler]:
        """Mounts a handler on a route by its name (see the WIT ``route`` record)."""
        if on in _KEYED and not key:
            what = "command" if on == "command" else "action's function"
            raise GchatError("invalid_argument", f"{on}: name the {what}")

        def mount(handler: Handler) -> Handler:
            if not callable(handler):
                raise GchatError("invalid_argument", f"{on}: the handler must be callable")
            self.routes.append((on, key))
            self.handlers.append(handler)
            return handler

        return mount

    def command(self, name_or_id: str) -> Callable[[Handler], Handler]:
        """A slash or quick command, by name (``/weather``) or id."""
        return self.on("command", str(name_or_id))

    def action(self, function: str) -> Callable[[Handler], Handler]:
        """A card click on an action with this function."""
        return self.on("action", function)

    def mention(self) -> Callable[[Handler], Handler]:
        """Messages in spaces that @mention the app."""
        return self.on("mention")

    def message(self) -> Callable[[Handler], Handler]:
        """Direct messages, and mentions when there is no ``mention``."""
        return self.on("message")

    def unknown_command(self) -> Callable[[Handler], Handler]:
        """Commands no ``command`` names."""
        return self.on("unknownCommand")

    def card_clicked(self) -> Callable[[Handler], Handler]:
        """Any card click no ``action`` routes."""
        return self.on("card_clicked")

    def dialog(self, function: str, step: str) -> Callable[[Handler], Handler]:
        """A dialog step by its function: ``open``, ``submit`` or ``cancel``."""
        names = {"open": "dialogRequest", "submit": "dialogSubmit", "cancel": "dialogCancel"}
        if step not in names:
            raise GchatError("invalid_argument", f"dialog: `{step}` is not a step: open, submit or cancel")
        return self.on(names[step], function)

    def added(self) -> Callable[[Handler], Handler]:
        """The app was added to a space."""
        return self.on("added")

    def removed(self) -> Callable[[Handler], Handler]:
        """The app was removed (clean up only: no reply is delivered)."""
        return self.on("removed")

    def app_home(self) -> Callable[[Handler], Handler]:
        """The app home tab was opened."""
        return self.on("app_home")

    def widget_update(self, function: str) -> Callable[[Handler], Handler]:
        """A widget update for this function."""
        return self.on("widgetUpdate", function)

    def autocomplete(self, function: str) -> Callable[[Handler], Handler]:
        """An autocomplete query for this function."""
        return self.on("autocomplete", function)

    def link_preview(self) -> Callable[[Handler], Handler]:
        """A link matched the app's preview patterns."""
        return self.on("link_preview")

    def fallback(self) -> Callable[[Handler], Handler]:
        """Every event nothing else routes."""
        return self.on("fallback")


class Event(dict):
    """An event's normalized view (``parse_event``'s), with ``raw``: the event as Chat sent it."""

    def __init__(self, view: dict, body: str) -> None:
        super().__init__(view)
        self._body = body
        self._raw: Any = None

    @property
    def raw(self) -> dict:
        """The event as Chat sent it (parsed on first use)."""
        if self._raw is None:
            self._raw = json.loads(self._body)
        return self._raw


class Context:
    """What a handler gets besides the event: the time, a log, and posts and
    edits, each with a request id derived from the event (a redelivery posts
    nothing new). Posts and edits are returned in ``Handled.deferred`` for the
    host's ``Outbox``."""

    def __init__(self, accepted: "Accepted", event: dict, now: int, log: Callable[[dict], None]) -> None:
        self._accepted = accepted
        self._step = 0
        self._ids: list[str] = []
        self.event = event
        self.now = now
        self.deferred: list[dict] = []
        self._log = log

    def log(self, record: dict) -> None:
        """Writes a line to the engine's log."""
        self._log(record)

    def _id(self) -> str:
        step, self._step = self._step, self._step + 1
        if step >= len(self._ids):  # more than the first few: asked of the engine
            self._ids.extend(self._accepted.work_id(i) for i in range(len(self._ids), step + 1))
        return self._ids[step]

    def post(self, message: Union[str, dict], *, space: Optional[str] = None,
             thread: Optional[str] = None, message_id: Optional[str] = None) -> str:
        """Posts ``message`` in ``space`` (the event's by default), in ``thread`` (the
        event's, in its space, by default). Returns its request id."""
        msg = _message(message)
        here = (self.event.get("space") or {}).get("name", "")
        space = space or here
        if thread is None and "thread" not in msg and space == here:
            thread = self.event.get("thread")
        if thread and "thread" not in msg:
            msg = {**msg, "thread": {"name": thread}}
        item = {"type": "createMessage", "space": space, "message": msg, "requestId": self._id()}
        if message_id:
            item["messageId"] = message_id
        self.deferred.append(item)
        return item["requestId"]

    def update(self, name: str, message: Union[str, dict], *, allow_missing: bool = False) -> str:
        """Edits message ``name`` (``spaces/…/messages/…``) to ``message``."""
        item = {"type": "updateMessage", "name": name, "message": _message(message),
                "allowMissing": allow_missing, "requestId": self._id()}
        self.deferred.append(item)
        return item["requestId"]


@dataclass
class Handled:
    """What ``Engine.handle`` returns: ``status, headers, body = engine.handle(...)``.

    ``deferred`` is work to carry out after responding (give each item to an
    ``Outbox``); ``key_requests``, key documents to fetch; ``log``, one
    structured log line.
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    deferred: list[dict] = dc_field(default_factory=list)
    key_requests: list[dict] = dc_field(default_factory=list)
    dedup_key: Optional[str] = None
    dedup_ttl: Optional[int] = None
    log: dict = dc_field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.status, self.headers, self.body))

    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body) if self.body else None

    @classmethod
    def _of(cls, outcome: Record) -> "Handled":
        return cls(
            status=field(outcome, "status"),
            headers=list(field(outcome, "headers")),
            body=field(outcome, "body").encode(),
            deferred=json.loads(field(outcome, "deferred")),
            key_requests=_key_requests(field(outcome, "key-requests")),
            dedup_key=field(outcome, "dedup-key"),
            dedup_ttl=field(outcome, "dedup-ttl-seconds"),
            log=json.loads(field(outcome, "log")),
        )


class Accepted(_Resource):
    """An event that passed every check (``Engine.accept``), for the host's handler;
    used up by ``Engine.respond``."""

    def __init__(self, verdict: Record, body: str) -> None:
        self._handle = field(verdict, "accepted")
        self._event = field(verdict, "event")
        self._body = body
        #: The index of the handler the app's routes pick (in ``App.handlers``), or None.
        self.route: Optional[int] = field(verdict, "route")
        #: The event's dedup key: a repeat delivery has the same.
        self.dedup_key: Optional[str] = field(verdict, "dedup-key")
        #: How long to remember ``dedup_key``, in seconds.
        self.dedup_ttl: Optional[int] = field(verdict, "dedup-ttl-seconds")

    @property
    def event(self) -> Event:
        """The event's normalized view, with ``raw``."""
        return Event(json.loads(self._event), self._body)

    @property
    def log(self) -> dict:
        """The log record so far."""
        return json.loads(self._call("app", "accepted.log"))

    @property
    def key_requests(self) -> list[dict]:
        """Key documents to fetch after answering."""
        return _key_requests(self._call("app", "accepted.key-requests"))

    def work_id(self, step: int) -> str:
        """The request id of the handler's ``step``th post or edit."""
        return self._call("app", "accepted.work-id", step)

    def close(self) -> None:
        """Frees the event in the engine without answering it."""
        handle, self._handle = self._handle, None
        if handle is not None:
            runtime().drop(handle)

    def _take(self) -> ResourceAny:
        handle, self._handle = self._handle, None
        if handle is None:
            raise GchatError("closed", "this event was answered already")
        return handle


class MemoryDedup:
    """Repeat deliveries answered from this process's memory: ``claim`` returns the
    first response (waiting while the first delivery is still being handled), or
    None for the caller to handle the event and ``complete`` (or ``release``) it."""

    #: How long a repeat waits for the first delivery's answer.
    WAIT_SECONDS = 25.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # key -> [until, response or None, done]; in the order claimed, so that
        # entries expire from the front.
        self._entries: dict[str, list] = {}

    def claim(self, key: str, ttl: int, now: int) -> Optional[tuple]:
        """The first response to this key, or None: the caller handles the event.
        Raises ``GchatError("dedup_unavailable")`` when the first delivery is still
        being handled after ``WAIT_SECONDS``: whether it will answer is not known."""
        ttl = max(ttl, 1)
        deadline = time.monotonic() + self.WAIT_SECONDS
        while True:
            with self._lock:
                hit = self._entries.get(key)
                if hit is None or hit[0] <= now:
                    self._entries.pop(key, None)
                    self._entries[key] = [now + ttl * 1000, None, threading.Event()]
                    # In the order claimed: expired entries are at the front.
                    for old in list(self._entries):
                        if self._entries[old][0] > now:
                            break
                        del self._entries[old]
                    return None
                if hit[1] is not None:
                    return hit[1]
                waiting = hit[2]
            # The first delivery is still being handled here: its answer is the answer.
            left = deadline - time.monotonic()
            if left <= 0 or not waiting.wait(left):
                raise GchatError("dedup_unavailable", "the first delivery of this event is still being handled")

    def complete(self, key: str, response: tuple) -> None:
        """Records the first response."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry[1] = response
        if entry is not None:
            entry[2].set()

    def release(self, key: str) -> None:
        """Forgets a claim whose event was not answered: a redelivery runs it again."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is not None:
            entry[2].set()


class Engine:
    """A Chat app behind a token verifier.

    ``app`` (an ``App``), or ``config`` (a config-file app's TOML or JSON text),
    or neither (gchat's default app). ``expectations`` are the tokens accepted
    (``[{"type": "endpointUrl", "url": ...}]`` or ``[{"type": "projectNumber",
    "number": ...}]``); ``insecure_skip_verification=True`` accepts every request
    unchecked, for local tries only. ``keys`` is the ``KeySet`` (or a
    ``GoogleKeys``) tokens are checked against. ``log`` takes one dict per
    request; ``dedup`` answers repeat deliveries (``MemoryDedup`` by default).
    """

    def __init__(
        self,
        *,
        app: Optional[App] = None,
        config: Optional[str] = None,
        config_file: Optional[str] = None,
        expectations: Optional[list[dict]] = None,
        insecure_skip_verification: bool = False,
        keys: Any = None,
        error_text: Optional[str] = None,
        leeway: Optional[int] = None,
        refetch_cooldown: Optional[int] = None,
        max_body: Optional[int] = None,
        log: Optional[Callable[[dict], None]] = None,
        dedup: Optional[MemoryDedup] = None,
    ) -> None:
        if app is not None and not isinstance(app, App):
            raise GchatError("invalid_argument", "app must be a gchat.App")
        self.app = app
        # Handlers' failures get a text; the engine's own apps keep their own answers.
        default = DEFAULT_ERROR_TEXT if app is not None else None
        self.error_text = error_text or (app.error_text if app else None) or default
        options = record(
            expectations=json.dumps(expectations or []),
            insecure_skip_verification=insecure_skip_verification,
            config=config,
            config_file=config_file,
            routes=[record(on=on, key=key) for on, key in (app.routes if app else [])],
            error_text=self.error_text,
            leeway_seconds=leeway,
            refetch_cooldown_seconds=refetch_cooldown,
            max_body=max_body,
        )
        result = runtime().call("app", "[static]engine.create", options)
        self._engine = _EngineHandle(check(result, lambda r: isinstance(r, ResourceAny)))
        self.keys = keys if keys is not None else KeySet()
        self.log = log or (lambda record: None)
        self.dedup = dedup if dedup is not None else MemoryDedup()
        #: The largest body accepted (the engine's default: 1 MiB).
        self.max_body = max_body if max_body is not None else 1 << 20
        self._insecure = bool(self._engine.call("insecure"))

    def _keys(self) -> KeySet:
        keys = self.keys
        return keys.key_set() if hasattr(keys, "key_set") else keys

    def key_urls(self) -> list[str]:
        """The URLs of the key documents the expectations need."""
        return self._engine.call("key-urls")

    def key_requests(self, keys: Optional[KeySet] = None, now: Optional[int] = None) -> list[dict]:
        """The key documents to fetch before handling (missing or stale)."""
        keys = keys or self._keys()
        return _key_requests(self._engine.call("key-requests", keys._handle, now_ms() if now is None else now))

    def accept(
        self,
        method: str,
        headers: Optional[Headers],
        body: Bytes,
        *,
        now: Optional[int] = None,
    ) -> Union[Accepted, Handled]:
        """Checks a request as ``handle`` does but runs no handler: the refusal to
        send (a ``Handled``: 405, 413, 401, 400), or the ``Accepted`` event for the
        host's handler, answered with ``respond``."""
        now = now_ms() if now is None else now
        # The engine reads only `authorization`: the other headers are not copied in.
        auth = [(n, v) for n, v in _pairs(headers) if n.lower() == "authorization"]
        if method.upper() != "POST":
            return Handled._of(self._accept((method, auth, "", now)).payload)
        size = _size(body, self.max_body)
        if size > self.max_body:
            # Refused before it is copied into the engine, as the engine refuses it.
            message = f"the body is {size} bytes, over the limit of {self.max_body} bytes"
            return self._refused(413, GchatError("too_large", message))
        if auth and hasattr(self.keys, "refresh"):
            self.keys.refresh(self, now)
        try:
            text = _utf8(body, "body")
        except GchatError as e:
            # Not text, so no event: but the token is checked first, as for any body.
            verdict = self._accept((method, auth, "", now))
            if verdict.tag == "accepted":  # (an empty body is no event: not reached)
                Accepted(verdict.payload, "").close()
            elif field(verdict.payload, "status") == 401:
                return Handled._of(verdict.payload)
            return self._refused(400, e)
        request = (method, auth, text, now)
        verdict = self._accept(request)
        if verdict.tag == "refused" and hasattr(self.keys, "fetch"):
            # A key the set lacks (rotated, or never fetched): fetch, and check once more.
            refused = Handled._of(verdict.payload)
            needed = [r for r in refused.key_requests if r["reason"] != "stale"]
            if refused.status == 401 and needed:
                self.keys.fetch(needed, now)
                verdict = self._accept(request)
        if verdict.tag == "refused":
            return Handled._of(verdict.payload)
        return Accepted(verdict.payload, text)

    def _refused(self, status: int, error: GchatError) -> Handled:
        """A refusal made here in the engine's form, for bodies that never reach it
        (too large to copy in, or not text)."""
        body = json.dumps({"error": {"code": error.code, "message": error.message}}, separators=(",", ":"))
        log: dict = {"status": status, "error": error.code, "detail": error.message}
        if self._insecure:
            log["insecure"] = True
        return Handled(status, list(_JSON), body.encode(), log=log)

    def _accept(self, request: tuple) -> Any:
        """The engine's verdict on a request (method, headers, body, now)."""
        return self._engine.call("accept", *request, self._keys()._handle)

    def respond(self, accepted: Accepted, reply: Any = None, *, error: Optional[str] = None) -> Handled:
        """The response to an accepted event: ``reply`` is what the handler returned
        (a ``reply`` dict, a message dict, a string, or None), or ``error`` the
        description of its failure. A failure, or a reply Chat would refuse, is
        logged with its code (``handler_error``, ``invalid_reply``,
        ``illegal_reply``, ``reply_fails_lint``) and answered with the error text."""
        if error is None:
            try:
                answer = Variant("ok", json.dumps(reply))
            except (TypeError, ValueError) as e:  # answered as a failure, with what is wrong
                answer = Variant("err", f"the handler's reply is not JSON: {e}")
        else:
            answer = Variant("err", error)
        return Handled._of(self._engine.call("respond", accepted._take(), answer))

    def run_app(self, accepted: Accepted) -> Handled:
        """The response of the engine's own app (a config-file app, or the default app)."""
        return Handled._of(self._engine.call("run-app", accepted._take()))

    def handle(
        self,
        method: str,
        headers: Optional[Headers],
        body: Bytes,
        *,
        now: Optional[int] = None,
    ) -> Handled:
        """Handles a request Chat sent: verifies its token, parses the event, runs the
        app's handler (a repeat delivery is answered with the first response, the
        handler not run again), checks and renders the reply. Returns ``Handled``,
        which unpacks as ``status, headers, body``."""
        now = now_ms() if now is None else now
        accepted = self.accept(method, headers, body, now=now)
        handled = accepted if isinstance(accepted, Handled) else self._run(accepted, now)
        self.log(handled.log)
        return handled

    def _run(self, accepted: Accepted, now: int) -> Handled:
        """Answers an accepted event once per dedup key."""
        key = accepted.dedup_key
        if key is None:
            return self._answer(accepted, now)
        ttl = accepted.dedup_ttl or 600
        try:
            first = self.dedup.claim(key, ttl, now)
        except Exception as e:  # whether it was handled is unknown: Chat delivers again
            accepted.close()
            return _retry_later(key, getattr(e, "code", "dedup_unavailable"), str(e))
        if first is not None:
            log = {**accepted.log, "status": first[0], "duplicate": True}
            repeat = Handled(first[0], list(first[1]), first[2], [], accepted.key_requests, key, ttl, log)
            accepted.close()
            return repeat
        try:
            handled = self._answer(accepted, now)
        except BaseException:
            self.dedup.release(key)
            raise
        if handled.status == 503:  # Chat delivers again: never the answer to remember
            self.dedup.release(key)
        else:
            self.dedup.complete(key, (handled.status, handled.headers, handled.body))
        return handled

    def _answer(self, accepted: Accepted, now: int) -> Handled:
        """Runs the handler the routes pick (or the engine's own app) and renders its answer."""
        if self.app is None:
            return self.run_app(accepted)
        event = accepted.event
        index = accepted.route
        if index is None:
            return self.respond(accepted, _unknown_command(event) if event.get("command") else None)
        ctx = Context(accepted, event, now, self.log)
        try:
            value = self.app.handlers[index](event, ctx)
        except Exception:  # logged, and answered with the error text
            handled = self.respond(accepted, error=traceback.format_exc(limit=5))
        else:
            handled = self.respond(accepted, value)
        # The handler's posts and edits first (as they were made), then the reply's.
        handled.deferred = ctx.deferred + handled.deferred
        return handled


class _EngineHandle(_Resource):
    def __init__(self, handle: ResourceAny) -> None:
        self._handle = handle

    def call(self, method: str, *args: Any) -> Any:
        return self._call("app", f"engine.{method}", *args)


def _size(body: Bytes, limit: int) -> int:
    """The body's size in bytes; a text body is encoded to count it only when its
    length alone cannot tell (UTF-8 takes 1 to 4 bytes a character)."""
    if not isinstance(body, str):
        return len(body)
    if len(body) > limit or 4 * len(body) <= limit:
        return len(body)
    return len(body.encode())


_JSON = [("content-type", "application/json; charset=utf-8")]


def _retry_later(dedup_key: str, code: str, detail: str) -> Handled:
    """A 503 (Chat delivers again), as the npm package's: whether the event was handled is not known."""
    body = json.dumps({"error": {"code": code}}, separators=(",", ":")).encode()
    log = {"status": 503, "error": code, "detail": detail}
    return Handled(503, [*_JSON, ("retry-after", "1")], body, dedup_key=dedup_key, log=log)


def _unknown_command(event: dict) -> dict:
    """The answer to a command no route takes: never silence."""
    name = (event.get("command") or {}).get("name")
    text = f"Unknown command{f' `{name}`' if name else ''}, try `/help`."
    if event.get("kind") == "dialog_request":
        return reply.open_dialog({"sections": [{"widgets": [{"textParagraph": {"text": text}}]}]})
    return reply.text(text)
