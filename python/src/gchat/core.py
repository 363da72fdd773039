"""The engine's pure calls: events, tokens, messages, key sets and the outbox.

Messages, events and log lines are plain dicts (JSON in the component);
times are milliseconds since the epoch, ``now`` defaulting to the clock.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field as dc_field
from typing import Any, Iterable, Mapping, Optional, Union

from wasmtime.component import Record, ResourceAny

from ._runtime import check, field, record, runtime
from .errors import GchatError, TokenError

Json = Any
Bytes = Union[bytes, bytearray, str]
Headers = Union[Mapping[str, str], Iterable[tuple[str, str]]]


def now_ms() -> int:
    """The clock, in milliseconds since the epoch: the one place the package reads it."""
    return int(time.time() * 1000)


def _utf8(value: Bytes, what: str) -> str:
    """A body as text. Chat's bodies are JSON (UTF-8): bytes that are not UTF-8
    are refused as ``invalid_json``, the engine's code for a body that is no JSON."""
    if isinstance(value, str):
        return value
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError as e:
        raise GchatError("invalid_json", f"the {what} is not valid JSON: it is not UTF-8 text ({e.reason} at byte {e.start})") from None


def _text(value: Json) -> str:
    """A dict (or JSON text) as JSON text."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _pairs(headers: Optional[Headers]) -> list[tuple[str, str]]:
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(name), str(value)) for name, value in items]


def _key_requests(values: list) -> list[dict]:
    return [{"url": field(r, "url"), "reason": field(r, "reason")} for r in values]


class _Resource:
    """A resource in the component, freed when the Python object goes."""

    _handle: Optional[ResourceAny] = None

    def __del__(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                runtime().drop(handle)
            except Exception:  # interpreter shutdown: the store goes anyway
                pass

    def _call(self, interface: str, method: str, *args: Any) -> Any:
        if self._handle is None:
            raise GchatError("closed", f"this {type(self).__name__} was used up or closed")
        return runtime().call(interface, f"[method]{method}", self._handle, *args)


def parse_event(body: Bytes) -> dict:
    """Parses a Chat event (classic, Workspace add-on, or Pub/Sub push) into its normalized view.

    Raises ``GchatError`` (``invalid_json``, ``not_an_event``, ``wrong_type``,
    ``too_large``, ...) with the path of the fault.
    """
    result = runtime().call("messages", "parse-event", _utf8(body, "body"))
    return json.loads(check(result, lambda r: isinstance(r, str)))


def lint_message(message: Json, surface: Optional[str] = None) -> list[dict]:
    """Lints a message, a ``cardsV2`` entry or a card for a surface (``message``,
    ``dialog``, ``home``, ``addon``): ``[{severity, code, path, message}]``, each
    ``path`` a JSON Pointer. Raises ``invalid_json`` or ``unknown_surface``."""
    result = runtime().call("messages", "lint-message", _text(message), surface)
    found = check(result, lambda r: isinstance(r, list))
    return [
        {name: field(d, name) for name in ("severity", "code", "path", "message")} for d in found
    ]


def render_html(message: Json, *, fragment: bool = False, theme: str = "light") -> str:
    """Renders a message, a ``cardsV2`` entry, a card or a widget as HTML (a page, or a fragment)."""
    if theme not in ("light", "dark"):
        raise GchatError("invalid_argument", f"unknown theme `{theme}`: use light or dark", "theme")
    result = runtime().call("messages", "render-html", _text(message), fragment, theme == "dark")
    return check(result, lambda r: isinstance(r, str))


class KeySet(_Resource):
    """Google's signing keys: key documents (JWKS or x509 maps), each parsed once,
    with how long it stays fresh (from the response's ``Cache-Control``)."""

    def __init__(self, _handle: Optional[ResourceAny] = None) -> None:
        self._handle = _handle or runtime().call("auth", "[constructor]key-set")

    @classmethod
    def parse(cls, document: Bytes) -> "KeySet":
        """A key set from one document that never goes stale (keys from a file)."""
        result = runtime().call("auth", "[static]key-set.parse", _utf8(document, "key document"))
        return cls(check(result, lambda r: isinstance(r, ResourceAny)))

    def insert_response(
        self, url: str, body: Bytes, headers: Optional[Headers] = None, now: Optional[int] = None
    ) -> list[GchatError]:
        """Adds the document fetched from ``url`` with its response headers; returns
        the entries skipped as unusable. Raises when no key is usable."""
        result = self._call(
            "auth", "key-set.insert-response", url, _utf8(body, "key document"), _pairs(headers),
            now_ms() if now is None else now,
        )
        skipped = check(result, lambda r: isinstance(r, list))
        return [GchatError(field(e, "code"), field(e, "message"), field(e, "path")) for e in skipped]

    def note_request(self, url: str, now: Optional[int] = None) -> None:
        """Records that a fetch of ``url`` started (a cool-down for unknown key ids)."""
        self._call("auth", "key-set.note-request", url, now_ms() if now is None else now)

    def documents(self) -> list[dict]:
        """``[{url, fetchedAt, freshUntil, kids}]``."""
        return json.loads(self._call("auth", "key-set.documents"))

    def is_empty(self) -> bool:
        """Whether the set has no key."""
        return self._call("auth", "key-set.is-empty")


def verify_token(
    token: str,
    keys: KeySet,
    expectations: list[dict],
    *,
    now: Optional[int] = None,
    leeway: Optional[int] = None,
) -> dict:
    """Verifies a Chat bearer token (or a whole ``Authorization`` value): returns its claims.

    Raises ``TokenError`` (``expired``, ``bad_signature``, ``unknown_kid``, ...)
    whose ``key_requests`` name key documents to fetch.
    """
    result = runtime().call(
        "auth", "verify-token", token, json.dumps(expectations), keys._handle,
        now_ms() if now is None else now, leeway,
    )
    if isinstance(result, str):
        return json.loads(result)
    err = field(result, "error")
    raise TokenError(
        field(err, "code"), field(err, "message"), field(err, "path"),
        _key_requests(field(result, "key-requests")),
    )


@dataclass
class HttpRequest:
    """A request for the host to send (the URL may hold a webhook's secret: never log it)."""

    method: str
    #: May hold a webhook's key: left out of ``repr`` (never log it).
    url: str = dc_field(repr=False)
    headers: list[tuple[str, str]] = dc_field(default_factory=list)
    #: JSON text.
    body: str = ""

    @classmethod
    def _of(cls, r: Record) -> "HttpRequest":
        return cls(field(r, "method"), field(r, "url"), list(field(r, "headers")), field(r, "body"))


def webhook_request(
    url: str,
    message: Json,
    *,
    thread_key: Optional[str] = None,
    reply_option: Optional[str] = None,
    idempotency_key: Optional[str] = None,
    client_message_id: Optional[str] = None,
) -> HttpRequest:
    """The request that posts ``message`` through an incoming webhook. Raises
    ``invalid_webhook_url``, ``empty_message``, ``lint``, ..."""
    options = record(
        thread_key=thread_key, reply_option=reply_option,
        idempotency_key=idempotency_key, client_message_id=client_message_id,
    )
    result = runtime().call("outbound", "webhook-request", url, _text(message), options)
    return HttpRequest._of(check(result, lambda r: hasattr(r, "method")))


@dataclass
class Transmit:
    """A request the outbox wants sent now; report its answer with ``handle_response``."""

    id: int
    attempt: int
    request: HttpRequest
    needs_app_auth: bool


class Outbox(_Resource):
    """Delivers messages once, in order per space, within Chat's quota, retrying what
    may be retried. It does no I/O: send each ``poll_transmit()``, report the answer
    with ``handle_response``, read ``poll_event()``, and poll again at ``poll_timeout()``.
    """

    def __init__(
        self,
        *,
        seed: Optional[int] = None,
        quota: Optional[tuple[int, int]] = None,
        _handle: Optional[ResourceAny] = None,
    ) -> None:
        if _handle is None:
            seed = secrets.randbits(64) if seed is None else seed
            wit_quota = None if quota is None else record(limit=quota[0], window_ms=quota[1])
            _handle = runtime().call("outbound", "[constructor]outbox", seed, wit_quota)
        self._handle = _handle

    @classmethod
    def restore(cls, state: str) -> "Outbox":
        """An outbox saved with ``save()`` (in another process, say). Call ``resume``."""
        result = runtime().call("outbound", "[static]outbox.restore", state)
        return cls(_handle=check(result, lambda r: isinstance(r, ResourceAny)))

    def enqueue(self, request: Json, now: Optional[int] = None) -> int:
        """Queues a webhook post (``{"type": "webhook", "url", "message", "options"?}``),
        an API call (``{"space", "message", "options"?}``) or a deferred item of
        ``Engine.handle``'s result. Returns its id; raises ``outbox_full`` or the
        request's error."""
        result = self._call("outbound", "outbox.enqueue", _text(request), now_ms() if now is None else now)
        return check(result, lambda r: isinstance(r, int))

    def poll_transmit(self, now: Optional[int] = None) -> Optional[Transmit]:
        """The next request to send now, or None."""
        t = self._call("outbound", "outbox.poll-transmit", now_ms() if now is None else now)
        if t is None:
            return None
        return Transmit(
            field(t, "id"), field(t, "attempt"), HttpRequest._of(field(t, "request")),
            field(t, "needs-app-auth"),
        )

    def handle_response(
        self,
        id: int,
        *,
        status: Optional[int] = None,
        body: str = "",
        headers: Optional[Headers] = None,
        timeout: bool = False,
        error: Optional[str] = None,
        now: Optional[int] = None,
    ) -> None:
        """Reports what became of transmit ``id``: an HTTP answer (``status``,
        ``body``, ``headers``), ``timeout=True``, or a network ``error``."""
        if status is not None:
            response: Any = record(status=status, headers=_pairs(headers), body=body)
        elif timeout:
            response = None
        else:
            response = error or "network error"
        self._call("outbound", "outbox.handle-response", id, response, now_ms() if now is None else now)

    def resume(self, now: Optional[int] = None) -> None:
        """Resumes a restored outbox: attempts in flight at the save are sent again after their backoff."""
        self._call("outbound", "outbox.resume", now_ms() if now is None else now)

    def poll_timeout(self) -> Optional[int]:
        """When to poll again (milliseconds), or None when nothing waits."""
        return self._call("outbound", "outbox.poll-timeout")

    def poll_event(self) -> Optional[dict]:
        """The next event (``delivered``, ``gave_up``, ``retrying``), or None."""
        event = self._call("outbound", "outbox.poll-event")
        return None if event is None else json.loads(event)

    def __len__(self) -> int:
        return self._call("outbound", "outbox.len")

    def save(self) -> str:
        """The outbox as JSON text, for ``Outbox.restore``. It holds the webhook URLs
        with their keys: store it as a secret, never log it."""
        return self._call("outbound", "outbox.save")
