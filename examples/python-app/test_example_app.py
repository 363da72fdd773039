"""The example app through Flask's test client, with signed requests from the
conformance suite (a fixed time, the test kit's key, served by a stand-in for
Google's key URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gchat
from app import create_app, make_engine

CASES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "conformance"
URL = "https://chat.example.com/events"


def case(name: str) -> dict:
    return json.loads((CASES / f"{name}.json").read_text())


@pytest.fixture()
def client(monkeypatch):
    monkeypatch.setenv("GCHAT_ENDPOINT_URL", URL)
    fetched: list = []

    def fetch(url):
        fetched.append(url)
        return 200, [("Cache-Control", "public, max-age=3600")], (CASES / "keys.json").read_bytes()

    engine = make_engine(keys=gchat.GoogleKeys(fetch=fetch))
    web = create_app(engine, gchat.Outbox(seed=1))
    web.fetched = fetched
    return web, engine


def post(web, engine, name: str, body: str | None = None):
    """Posts a case's request at the time it was signed for."""
    c = case(name)
    r = c["request"]
    handled = engine.handle(r["method"], r["headers"], body or r["body"], now=c["now"])
    return handled


def test_a_signed_command_gets_the_weather_card(client) -> None:
    web, engine = client
    handled = post(web, engine, "handler-text")
    assert handled.status == 200
    card = handled.json()["cardsV2"][0]["card"]
    assert card["header"]["title"] == "Weather in Paris"
    assert gchat.lint_message(handled.json()) == []
    assert web.fetched == ["https://www.googleapis.com/oauth2/v3/certs"]


def test_through_flask_a_signed_event_gets_200_and_a_forged_one_401(client, monkeypatch) -> None:
    web, _ = client
    # The requests were signed at the suite's fixed time: the engine's clock is set to it.
    monkeypatch.setattr(gchat.app, "now_ms", lambda: case("handler-text")["now"])
    for name, status in [("handler-text", 200), ("forged-signature", 401), ("no-authorization", 401)]:
        r = case(name)["request"]
        response = web.test_client().post("/", data=r["body"], headers=dict(r["headers"]))
        assert response.status_code == status, name
        if status == 401:
            assert response.get_json() == {"error": {"code": "unauthenticated"}}
        else:
            assert response.get_json()["cardsV2"][0]["card"]["header"]["title"] == "Weather in Paris"


def test_the_dialog_refuses_empty_feedback_and_posts_the_rest(client) -> None:
    web, engine = client
    event = json.loads(case("handler-text")["request"]["body"])
    event["message"] = {"name": event["message"]["name"], "text": "weather card"}
    event["type"] = "CARD_CLICKED"
    event["isDialogEvent"] = True
    event["dialogEventType"] = "SUBMIT_DIALOG"
    event["common"] = {"invokedFunction": "feedback", "formInputs": {"feedback": {"stringInputs": {"value": [""]}}}}
    handled = post(web, engine, "handler-text", json.dumps(event))
    assert handled.status == 200, handled.log
    status = handled.json()["actionResponse"]["dialogAction"]["actionStatus"]
    assert status["userFacingMessage"] == "Please write something first."

    event["common"]["formInputs"]["feedback"]["stringInputs"]["value"] = ["Great app"]
    event["eventTime"] = "2026-01-01T00:00:01Z"
    handled = post(web, engine, "handler-text", json.dumps(event))
    assert handled.json()["actionResponse"]["dialogAction"]["actionStatus"]["userFacingMessage"] == "Thanks!"
    assert [d["message"]["text"] for d in handled.deferred] == ["New feedback: Great app"]
