"""gchat: Google Chat apps in Python, on gchat's engine (a WebAssembly component on wasmtime).

::

    from gchat import App, Engine, reply

    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        return reply.text(f"Sunny in {event['argumentText']}")

    engine = Engine(app=app, expectations=[{"type": "endpointUrl", "url": "https://example.com/chat"}],
                    keys=GoogleKeys())
    status, headers, body = engine.handle("POST", request_headers, request_body)

The engine verifies Chat's bearer token, parses the event, routes it, and
checks the handler's reply against the event and Chat's rules, as the Rust
core and the npm package do, with the same error codes.
"""

from .app import DEFAULT_ERROR_TEXT, Accepted, App, Context, Engine, Event, Handled, MemoryDedup, reply
from .core import (
    HttpRequest,
    KeySet,
    Outbox,
    Transmit,
    lint_message,
    parse_event,
    render_html,
    verify_token,
    webhook_request,
)
from .errors import GchatError, TokenError
from .keys import GoogleKeys

__all__ = [
    "DEFAULT_ERROR_TEXT",
    "Accepted",
    "App",
    "Context",
    "Engine",
    "Event",
    "GchatError",
    "GoogleKeys",
    "Handled",
    "HttpRequest",
    "KeySet",
    "MemoryDedup",
    "Outbox",
    "TokenError",
    "Transmit",
    "lint_message",
    "parse_event",
    "reply",
    "render_html",
    "verify_token",
    "webhook_request",
]
