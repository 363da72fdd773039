"""A Google Chat app in Flask on gchat: a slash command, a card with a button, a dialog.

    pip install flask gchat
    GCHAT_ENDPOINT_URL=https://chat.example.com/ flask --app app run

Google's keys are fetched when first needed and kept as long as Google's
``Cache-Control`` says (``gchat.GoogleKeys``), as Google's own samples keep
their certificates with a caching HTTP client; the token, the event and the
reply are all checked by gchat's engine.
"""

from __future__ import annotations

import json
import logging
import os

from flask import Flask, Response, request

import gchat
from gchat import App, Engine, reply

log = logging.getLogger("chat")

app = App()


@app.command("/weather")
def weather(event, ctx):
    """A card answering `/weather PLACE`, with a button to vote on it."""
    place = event["argumentText"] or "Zurich"
    return reply.card({
        "header": {"title": f"Weather in {place}"},
        "sections": [{"widgets": [
            {"decoratedText": {"topLabel": "Now", "text": "Sunny, 21 °C"}},
            {"buttonList": {"buttons": [{
                "text": "Accurate?",
                "onClick": {"action": {"function": "vote", "parameters": [{"key": "place", "value": place}]}},
            }]}},
        ]}],
    })


@app.action("vote")
def vote(event, ctx):
    """The button's click: the card is replaced by a thank-you."""
    return reply.update_message(f"Thanks for rating the weather in {event['action']['parameters']['place']}.")


@app.command("/feedback")
def feedback_open(event, ctx):
    """Opens a dialog asking for feedback."""
    return reply.open_dialog({"sections": [{"widgets": [
        {"textInput": {"name": "feedback", "label": "Your feedback"}},
        {"buttonList": {"buttons": [{"text": "Send", "onClick": {"action": {"function": "feedback"}}}]}},
    ]}]})


@app.dialog("feedback", "submit")
def feedback_submit(event, ctx):
    """The dialog's submit: refused when empty, else closed with a notice."""
    values = ((event.get("formInputs") or {}).get("feedback") or {}).get("values") or [""]
    text = values[0]
    if not text.strip():
        return reply.dialog_error("Please write something first.")
    ctx.post(f"New feedback: {text}")
    return reply.close_dialog("Thanks!")


@app.message()
def message(event, ctx):
    return reply.text(f"You said: {event['text']}. Try /weather.")


def make_engine(keys=None) -> Engine:
    """The engine for the endpoint URL in ``GCHAT_ENDPOINT_URL`` (Chat's "HTTP endpoint URL"
    authentication audience) with Google's keys, or ``GCHAT_INSECURE=1`` for local tries."""
    if os.environ.get("GCHAT_INSECURE") == "1":
        return Engine(app=app, insecure_skip_verification=True, log=lambda r: log.info(json.dumps(r)))
    url = os.environ.get("GCHAT_ENDPOINT_URL", "https://chat.example.com/")
    return Engine(
        app=app,
        expectations=[{"type": "endpointUrl", "url": url}],
        keys=keys or gchat.GoogleKeys(log=lambda r: log.warning(json.dumps(r))),
        log=lambda r: log.info(json.dumps(r)),
    )


def create_app(engine: Engine | None = None, outbox: gchat.Outbox | None = None) -> Flask:
    """The Flask app: Chat's events at ``/``. Posts from handlers go to ``outbox``
    (deliver it with your HTTP client and app credentials; see gchat.Outbox)."""
    engine = engine or make_engine()
    outbox = outbox or gchat.Outbox()
    web = Flask(__name__)

    @web.post("/")
    def events() -> Response:
        handled = engine.handle(request.method, request.headers.items(), request.get_data())
        for item in handled.deferred:
            outbox.enqueue(item)
        return Response(handled.body, status=handled.status, headers=handled.headers)

    web.config["GCHAT_OUTBOX"] = outbox
    return web


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    create_app().run(port=int(os.environ.get("PORT", "8080")))
