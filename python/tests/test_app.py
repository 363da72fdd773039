"""The Python package: apps, tokens, lint, the outbox, keys, and what each refusal looks like."""

from __future__ import annotations

import json
import threading
import time

import pytest

import gchat
from gchat import App, Engine, GchatError, reply
from conftest import EXPECTATIONS, case, request


def weather_app(calls: list) -> App:
    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        calls.append(event["argumentText"])
        return reply.text(f"Sunny in {event['argumentText']}")

    @app.action("vote")
    def vote(event, ctx):
        return reply.update_message("Thanks for voting")

    return app


def test_a_signed_event_gets_the_apps_reply(keys) -> None:
    calls: list = []
    engine = Engine(app=weather_app(calls), expectations=EXPECTATIONS, keys=keys)
    method, headers, body, now = request("handler-text")
    status, response_headers, response_body = engine.handle(method, headers, body, now=now)
    assert status == 200
    assert ("content-type", "application/json; charset=utf-8") in response_headers
    assert json.loads(response_body)["text"] == "Sunny in Paris"
    assert calls == ["Paris"]


def test_a_forged_token_gets_401_and_the_handler_never_runs(keys) -> None:
    calls: list = []
    logged: list = []
    engine = Engine(app=weather_app(calls), expectations=EXPECTATIONS, keys=keys, log=logged.append)
    method, headers, body, now = request("forged-signature")
    handled = engine.handle(method, headers, body, now=now)
    assert handled.status == 401
    assert handled.json() == {"error": {"code": "unauthenticated"}}
    assert logged[0]["error"] == "bad_signature"
    assert calls == []
    # A token past its expiry, and none at all: 401 too, each with its code in the log.
    for name, code in [("expired-token", "expired"), ("no-authorization", "malformed")]:
        method, headers, body, now = request(name)
        assert engine.handle(method, headers, body, now=now).status == 401
        assert logged[-1]["error"] == code


def test_a_redelivery_runs_the_handler_once_and_gets_the_first_answer(keys) -> None:
    calls: list = []
    engine = Engine(app=weather_app(calls), expectations=EXPECTATIONS, keys=keys)
    method, headers, body, now = request("handler-text")
    first = engine.handle(method, headers, body, now=now)
    again = engine.handle(method, headers, body, now=now + 5_000)
    assert calls == ["Paris"]
    assert (again.status, again.body) == (first.status, first.body)
    assert again.log["duplicate"] is True
    assert again.dedup_key == first.dedup_key is not None


def test_a_failing_handler_is_logged_and_answered_with_the_error_text(keys) -> None:
    app = App(error_text="Try again later.")

    @app.command("/weather")
    def weather(event, ctx):
        raise RuntimeError("the weather service is down")

    logged: list = []
    engine = Engine(app=app, expectations=EXPECTATIONS, keys=keys, log=logged.append)
    method, headers, body, now = request("handler-text")
    handled = engine.handle(method, headers, body, now=now)
    assert handled.status == 200
    assert handled.json()["text"] == "Try again later."
    assert logged[0]["error"] == "handler_error"
    assert "the weather service is down" in logged[0]["detail"]


def test_a_reply_chat_would_refuse_is_logged_with_its_code_and_path(keys) -> None:
    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        return reply.card({"sections": [{"widgets": [{}]}]})

    logged: list = []
    engine = Engine(app=app, expectations=EXPECTATIONS, keys=keys, log=logged.append)
    method, headers, body, now = request("handler-text")
    assert engine.handle(method, headers, body, now=now).json()["text"] == gchat.DEFAULT_ERROR_TEXT
    assert logged[0]["error"] == "reply_fails_lint"
    assert logged[0]["path"] == "/cardsV2/0/card/sections/0/widgets/0"


def test_posts_from_a_handler_are_deferred_with_ids_a_redelivery_repeats(keys) -> None:
    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        ctx.post("Fetching the forecast…")
        ctx.post({"text": "Elsewhere"}, space="spaces/OTHER")
        return None

    method, headers, body, now = request("handler-text")
    first = Engine(app=app, expectations=EXPECTATIONS, keys=keys).handle(method, headers, body, now=now)
    other = Engine(app=app, expectations=EXPECTATIONS, keys=keys).handle(method, headers, body, now=now)
    assert [d["type"] for d in first.deferred] == ["createMessage", "createMessage"]
    assert first.deferred[0]["message"]["thread"] == {"name": "spaces/AAAAops/threads/T1"}
    assert "thread" not in first.deferred[1]["message"]
    assert [d["requestId"] for d in first.deferred] == [d["requestId"] for d in other.deferred]
    assert first.deferred[0]["requestId"] != first.deferred[1]["requestId"]
    # Each goes into an outbox as it is.
    outbox = gchat.Outbox(seed=7)
    for item in first.deferred:
        outbox.enqueue(item, now=now)
    assert len(outbox) == 2


def test_the_engine_refuses_bad_options_with_a_code() -> None:
    with pytest.raises(GchatError) as refused:
        Engine(insecure_skip_verification=True, expectations=[{"type": "endpointUrl", "url": "https://x"}])
    assert refused.value.code == "invalid_argument"
    with pytest.raises(GchatError) as refused:
        Engine(expectations=[{"type": "endpointUrl", "url": ""}])
    assert (refused.value.code, refused.value.path) == ("empty_expectation", "expectations[0].url")
    with pytest.raises(GchatError) as refused:
        Engine(config="[app]\nname = 1\n", config_file="bad.toml")
    assert refused.value.code == "invalid_config"
    assert "bad.toml" in str(refused.value)
    with pytest.raises(GchatError) as refused:
        App().command("")
    assert refused.value.code == "invalid_argument"


def test_a_local_try_needs_no_token() -> None:
    engine = Engine(insecure_skip_verification=True)
    method, _, body, now = request("insecure-local")
    handled = engine.handle(method, {"content-type": "application/json"}, body, now=now)
    assert handled.status == 200
    assert handled.log["insecure"] is True


def test_parse_event_errors_carry_code_and_path() -> None:
    view = gchat.parse_event(case("handler-text")["request"]["body"])
    assert (view["kind"], view["command"]["name"]) == ("slash_command", "/weather")
    with pytest.raises(GchatError) as refused:
        gchat.parse_event('{"type":"MESSAGE","message":{"text":7}}')
    assert (refused.value.code, refused.value.path) == ("wrong_type", "message.text")
    with pytest.raises(GchatError) as refused:
        gchat.parse_event(b"\xff")
    assert refused.value.code == "invalid_json"


def test_lint_diagnostics_come_with_paths() -> None:
    found = gchat.lint_message({"cardsV2": [{"cardId": "c", "card": {"sections": [{"widgets": [{"buttonlist": {}}]}]}}]})
    assert [(d["severity"], d["code"], d["path"]) for d in found] == [
        ("error", "empty_widget", "/cardsV2/0/card/sections/0/widgets/0"),
        ("warning", "unknown_field", "/cardsV2/0/card/sections/0/widgets/0/buttonlist"),
    ]
    assert "buttonList" in found[1]["message"]
    assert gchat.lint_message({"text": "fine"}) == []
    with pytest.raises(GchatError) as refused:
        gchat.lint_message("{not json")
    assert refused.value.code == "invalid_json"
    with pytest.raises(GchatError) as refused:
        gchat.lint_message({"text": "x"}, surface="fax")
    assert refused.value.code == "unknown_surface"


def test_render_html() -> None:
    html = gchat.render_html({"text": "Hello *world*"}, fragment=True)
    assert "Hello" in html and "<html" not in html.lower()
    with pytest.raises(GchatError) as refused:
        gchat.render_html({"text": "x"}, theme="sepia")
    assert refused.value.code == "invalid_argument"


def test_verify_token_gives_claims_or_a_token_error(keys) -> None:
    _, headers, _, now = request("handler-text")
    authorization = dict(headers)["authorization"]
    claims = gchat.verify_token(authorization, keys, EXPECTATIONS, now=now)
    assert claims["claims"]["aud"] == "https://chat.example.com/events"
    assert claims["kid"] == "gchat-test-key"
    with pytest.raises(gchat.TokenError) as refused:
        gchat.verify_token(authorization, keys, EXPECTATIONS, now=now + 3 * 3600 * 1000)
    assert refused.value.code == "expired"
    with pytest.raises(gchat.TokenError) as refused:
        gchat.verify_token(authorization, gchat.KeySet(), EXPECTATIONS, now=now)
    assert refused.value.key_requests and refused.value.key_requests[0]["url"].startswith("https://")


def test_webhook_requests_and_their_refusals() -> None:
    url = "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t"
    request = gchat.webhook_request(url, {"text": "db-1 is down"}, thread_key="alert-db-1", idempotency_key="a/1")
    assert request.method == "POST"
    assert "requestId=gchat-" in request.url and "threadKey" in request.body
    with pytest.raises(GchatError) as refused:
        gchat.webhook_request("https://example.com/hook", {"text": "x"})
    assert refused.value.code == "webhook_wrong_host"
    with pytest.raises(GchatError) as refused:
        gchat.webhook_request(url, {"text": "x"}, reply_option="SOMETIMES")
    assert (refused.value.code, refused.value.path) == ("invalid_argument", "reply-option")


def deliver(outbox: gchat.Outbox, now: int, chat: dict) -> list[dict]:
    """Sends everything due, answering 200 (Chat counts each requestId once)."""
    events = []
    while (transmit := outbox.poll_transmit(now)) is not None:
        request_id = transmit.request.url.split("requestId=")[1]
        chat.setdefault(request_id, json.loads(transmit.request.body))
        outbox.handle_response(transmit.id, status=200, body=json.dumps({"name": "spaces/AAA/messages/1"}), now=now)
    while (event := outbox.poll_event()) is not None:
        events.append(event)
    return events


def test_the_outbox_survives_save_and_restore() -> None:
    url = "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t"
    outbox = gchat.Outbox(seed=1)
    now = 1_767_225_600_000
    for i in range(3):
        outbox.enqueue({"type": "webhook", "url": url, "message": {"text": f"alert {i}"},
                        "options": {"idempotencyKey": f"alert-{i}"}}, now=now)
    in_flight = outbox.poll_transmit(now)
    assert in_flight is not None and in_flight.attempt == 1
    state = outbox.save()
    del outbox  # the process dies with the first post in flight

    restored = gchat.Outbox.restore(state)
    assert len(restored) == 3
    restored.resume(now + 1000)
    chat: dict = {}
    events = []
    t = now + 1000
    while len(restored) and t < now + 600_000:
        events += deliver(restored, t, chat)
        t = max(t + 1000, restored.poll_timeout() or t)
    assert [e["event"] for e in events if e["event"] != "retrying"] == ["delivered"] * 3
    assert [m["text"] for m in chat.values()] == ["alert 0", "alert 1", "alert 2"]
    # The resent first post kept its requestId: Chat would answer it with the first message.
    assert in_flight.request.url.split("requestId=")[1] == list(chat)[0]
    with pytest.raises(GchatError) as refused:
        gchat.Outbox.restore("{}")
    assert (refused.value.code, refused.value.path) == ("invalid_argument", "state")


def test_google_keys_are_fetched_once_and_kept_while_fresh() -> None:
    from conftest import CASES

    body = (CASES / "keys.json").read_bytes()
    fetched: list = []

    def fetch(url):
        fetched.append(url)
        return 200, [("Cache-Control", "public, max-age=3600")], body

    keys = gchat.GoogleKeys(fetch=fetch)
    engine = Engine(app=weather_app([]), expectations=EXPECTATIONS, keys=keys)
    method, headers, body_text, now = request("handler-text")
    assert engine.handle(method, headers, body_text, now=now).status == 200
    # Another event within the hour: no fetch.
    method, headers, body_text, now = request("handler-card")
    assert engine.handle(method, headers, body_text, now=now + 60_000).status == 200
    assert len(fetched) == 1
    first = case("handler-text")["now"]
    assert keys.key_set().documents()[0]["freshUntil"] == first + 3600 * 1000
    # Stale an hour later: fetched again in the background (the stale keys verify
    # meanwhile; this request's token, valid for an hour and a minute, has expired).
    assert engine.handle(method, headers, body_text, now=first + 3660 * 1000 + 1).status == 401
    deadline = time.monotonic() + 10
    while len(fetched) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(fetched) == 2


def test_google_keys_unavailable_refuse_the_token_and_say_why() -> None:
    def fetch(url):
        raise OSError("network is unreachable")

    logged: list = []
    keys = gchat.GoogleKeys(fetch=fetch, log=logged.append)
    engine = Engine(app=weather_app([]), expectations=EXPECTATIONS, keys=keys, log=logged.append)
    method, headers, body, now = request("handler-text")
    handled = engine.handle(method, headers, body, now=now)
    assert handled.status == 401
    assert logged[0]["error"] == "key_fetch_failed"
    assert logged[0]["detail"] == "network is unreachable"
    assert logged[-1]["error"] == "no_keys"
    # Not again at the next request: a failed URL waits before it is tried again.
    engine.handle(method, headers, body, now=now + 1000)
    assert [line.get("error") for line in logged].count("key_fetch_failed") == 1
    engine.handle(method, headers, body, now=now + 11_000)
    assert [line.get("error") for line in logged].count("key_fetch_failed") == 2


def test_the_component_imports_nothing_and_exports_the_world() -> None:
    loaded = gchat._runtime.runtime()  # the packaged gchat.wasm, compiled
    assert loaded.component.type.imports(loaded.engine) == {}  # no WASI, no clock, no randomness
    exports = set(loaded.component.type.exports(loaded.engine))
    assert {f"gchat:engine/{i}@0.1.0" for i in ("types", "auth", "messages", "app", "outbound")} <= exports


def test_a_body_that_is_not_utf8_and_a_reply_that_is_not_json_are_refused_with_codes(keys) -> None:
    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        return {"type": "message", "message": {"text": object()}}

    logged: list = []
    engine = Engine(app=app, expectations=EXPECTATIONS, keys=keys, log=logged.append)
    method, headers, body, now = request("handler-text")
    refused = engine.handle(method, headers, b"\xff\xfe" + body.encode(), now=now)
    assert refused.status == 400
    assert refused.json()["error"]["code"] == "invalid_json"
    handled = engine.handle(method, headers, body, now=now)
    assert handled.json()["text"] == gchat.DEFAULT_ERROR_TEXT
    assert logged[-1]["error"] == "handler_error"
    assert "not JSON" in logged[-1]["detail"]


def test_refusals_come_in_the_engines_order_method_size_token_then_body(keys) -> None:
    engine = Engine(app=weather_app([]), expectations=EXPECTATIONS, keys=keys, max_body=1000)
    method, headers, body, now = request("handler-text")
    not_text = b"\xff" + body.encode()[:500]
    assert engine.handle("GET", headers, not_text, now=now).status == 405
    assert engine.handle(method, headers, b"x" * 1001, now=now).status == 413
    forged = dict(request("forged-signature")[1])
    assert engine.handle(method, forged, not_text, now=now).status == 401
    refused = engine.handle(method, headers, not_text, now=now)
    assert (refused.status, refused.json()["error"]["code"]) == (400, "invalid_json")


def test_a_repeat_waits_for_the_first_answer_but_not_forever(keys) -> None:
    started, release = threading.Event(), threading.Event()
    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        started.set()
        release.wait(10)
        return reply.text("late")

    dedup = gchat.MemoryDedup()
    dedup.WAIT_SECONDS = 0.2
    engine = Engine(app=app, expectations=EXPECTATIONS, keys=keys, dedup=dedup)
    method, headers, body, now = request("handler-text")
    first: list = []
    worker = threading.Thread(target=lambda: first.append(engine.handle(method, headers, body, now=now)))
    worker.start()
    assert started.wait(10)
    repeat = engine.handle(method, headers, body, now=now)
    assert (repeat.status, repeat.log["error"]) == (503, "dedup_unavailable")
    assert ("retry-after", "1") in repeat.headers
    release.set()
    worker.join(10)
    assert first[0].json()["text"] == "late"
    # Answered since: the next repeat gets that answer.
    again = engine.handle(method, headers, body, now=now)
    assert again.json()["text"] == "late" and again.log["duplicate"] is True


def test_posts_made_before_a_handler_fails_are_kept_in_order(keys) -> None:
    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        ctx.post("first")
        ctx.update("spaces/AAAAops/messages/client-1", "second")
        raise RuntimeError("then it failed")

    method, headers, body, now = request("handler-text")
    handled = Engine(app=app, expectations=EXPECTATIONS, keys=keys).handle(method, headers, body, now=now)
    assert handled.log["error"] == "handler_error"
    assert [(d["type"], d["message"]["text"]) for d in handled.deferred] == [
        ("createMessage", "first"), ("updateMessage", "second"),
    ]
    assert "url" not in repr(gchat.webhook_request(
        "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=secret", {"text": "x"}))
