"""The conformance suite (tests/fixtures/conformance; see tests/conformance.rs) against
the Python package: each case through the engine (``handle``, or ``accept`` → the
case's handler → ``respond``), with the outcome the native core recorded and the
npm package gives too."""

from __future__ import annotations

import json

import pytest

import gchat
from conftest import CASES

FILES = sorted(p for p in CASES.glob("*.json") if p.name != "keys.json")


def outcome(handled: gchat.Handled, route: object = ...) -> dict:
    body = handled.body.decode()
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = body
    out = {
        "status": handled.status,
        "headers": [list(h) for h in handled.headers],
        "body": parsed,
        "deferred": handled.deferred,
        "keyRequests": handled.key_requests,
        "dedupKey": handled.dedup_key,
        "log": handled.log,
    }
    if route is not ...:
        out["route"] = route
    return out


def engine_of(options: dict) -> gchat.Engine:
    app = None
    if options.get("routes"):
        app = gchat.App()
        for route in options["routes"]:
            app.on(route["on"], route.get("key"))(lambda event, ctx: None)
    return gchat.Engine(
        app=app,
        config=options.get("config"),
        config_file=options.get("file"),
        expectations=options.get("expectations"),
        insecure_skip_verification=options.get("insecureSkipVerification", False),
        error_text=options.get("errorText"),
        max_body=options.get("maxBody"),
    )


def test_the_suite_has_cases() -> None:
    assert len(FILES) >= 10, f"{len(FILES)} cases in {CASES}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_conformance(path, keys) -> None:
    c = json.loads(path.read_text())
    engine = engine_of(c["engine"])
    engine.keys = keys
    r = c["request"]
    accepted = engine.accept(r["method"], r["headers"], r["body"], now=c["now"])
    handler = c.get("handler")
    if isinstance(accepted, gchat.Handled):
        got = outcome(accepted)
    elif handler is None:
        got = outcome(engine.run_app(accepted))
    else:
        route = accepted.route
        if "throws" in handler:
            handled = engine.respond(accepted, error=handler["throws"])
        else:
            handled = engine.respond(accepted, handler["reply"])
        got = outcome(handled, route)
    assert got == c["expect"]
