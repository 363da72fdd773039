"""gchat in Python (the WebAssembly component on wasmtime) against the code Google's own
Python samples would have: google-auth's ``id_token.verify_token`` (certificates from a
caching HTTP client), ``json.loads``, and the same card built by hand. One run, side by
side: time per request, the component's size, and the cold start.

    make bench-python        (or: target/venv/bin/python benches/python-vs-google-auth.py COMPONENT)

Both sides verify the same RS256 token against the same key, given as Google gives it
(an x509 certificate map), and answer the same /weather command with the same card.
Every request is a distinct event, so gchat's dedup answers none from memory.
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from base64 import urlsafe_b64encode
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID
from google.auth.transport import Response as TransportResponse
from google.oauth2 import id_token

import gchat
from gchat import App, Engine, reply

ROOT = Path(__file__).resolve().parents[1]
URL = "https://chat.example.com/events"
# Google's ID-token keys as x509 certificates (google-auth's default); gchat fetches the same
# keys as JWKS from oauth2/v3/certs, and reads either format.
CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
N = int(os.environ.get("BENCH_REQUESTS", "2000"))

KEY = serialization.load_pem_private_key((ROOT / "src/testing/test-key.pem").read_bytes(), password=None)
KID = "gchat-test-key"


def b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def certificate_map() -> bytes:
    """The test key as Google publishes Chat's keys: ``{kid: PEM certificate}``."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "chat@system.gserviceaccount.com")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(KEY.public_key())
        .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30)).sign(KEY, hashes.SHA256())
    )
    return json.dumps({KID: cert.public_bytes(serialization.Encoding.PEM).decode()}).encode()


def token(now: int) -> str:
    header = b64(json.dumps({"alg": "RS256", "kid": KID, "typ": "JWT"}).encode())
    claims = b64(json.dumps({
        "iss": "https://accounts.google.com", "aud": URL, "sub": "1", "azp": "1",
        "email": "chat@system.gserviceaccount.com", "email_verified": True,
        "iat": now - 10, "exp": now + 3600,
    }).encode())
    signature = KEY.sign(f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{claims}.{b64(signature)}"


def events(n: int) -> list[bytes]:
    """Distinct /weather commands (each its own message)."""
    out = []
    for i in range(n):
        out.append(json.dumps({
            "type": "MESSAGE", "eventTime": "2026-12-03T10:00:00Z",
            "space": {"name": "spaces/AAA", "type": "ROOM"},
            "user": {"name": "users/1", "displayName": "Grace", "type": "HUMAN"},
            "message": {
                "name": f"spaces/AAA/messages/m{i}", "text": "/weather Paris", "argumentText": " Paris",
                "thread": {"name": "spaces/AAA/threads/t"},
                "slashCommand": {"commandId": "1"},
                "annotations": [{"type": "SLASH_COMMAND", "startIndex": 0, "length": 8,
                                 "slashCommand": {"commandId": "1", "commandName": "/weather", "type": "INVOKE"}}],
            },
        }).encode())
    return out


def weather_card(place: str) -> dict:
    return {
        "header": {"title": f"Weather in {place}"},
        "sections": [{"widgets": [
            {"decoratedText": {"topLabel": "Now", "text": "Sunny, 21 °C"}},
            {"buttonList": {"buttons": [{"text": "Accurate?", "onClick": {"action": {
                "function": "vote", "parameters": [{"key": "place", "value": place}]}}}]}},
        ]}],
    }


class CachedCerts:
    """google-auth's transport, answered from a cache (as CacheControl would, while fresh)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        body = self.body

        class Answer(TransportResponse):
            status = 200
            headers = {"cache-control": "public, max-age=3600"}
            data = body

        return Answer()


def peer_app(certs: bytes):
    """What a Flask app after Google's samples does per request (the view function's body)."""
    transport = CachedCerts(certs)

    def handle(method: str, headers: dict, body: bytes):
        if method != "POST":
            return 405, {}, b""
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return 401, {}, b""
        try:
            claims = id_token.verify_token(auth[7:], transport, audience=URL, certs_url=CERTS_URL)
        except ValueError:
            return 401, {}, b""
        if claims.get("email") != "chat@system.gserviceaccount.com":
            return 401, {}, b""
        event = json.loads(body)
        if event.get("type") != "MESSAGE":
            return 200, {"content-type": "application/json"}, b"{}"
        place = event["message"].get("argumentText", "").strip()
        answer = {"cardsV2": [{"cardId": "card", "card": weather_card(place)}],
                  "thread": {"name": event["message"]["thread"]["name"]}}
        return 200, {"content-type": "application/json"}, json.dumps(answer).encode()

    return handle


def gchat_app(certs: bytes, now_ms: int) -> Engine:
    app = App()

    @app.command("/weather")
    def weather(event, ctx):
        return reply.card(weather_card(event["argumentText"]))

    engine = Engine(app=app, expectations=[{"type": "endpointUrl", "url": URL}])
    engine.keys.insert_response(engine.key_urls()[0], certs, [("cache-control", "public, max-age=3600")], now_ms)
    return engine


def timed(run, bodies: list[bytes]) -> list[float]:
    times = []
    for body in bodies:
        start = time.perf_counter()
        run(body)
        times.append((time.perf_counter() - start) * 1e6)
    return times


def summary(times: list[float]) -> str:
    times = sorted(times)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    return f"mean {statistics.fmean(times):7.1f} µs   p50 {p(0.5):7.1f} µs   p99 {p(0.99):7.1f} µs"


COLD = r"""
import json, sys, time
t0 = time.perf_counter()
import gchat
t1 = time.perf_counter()
gchat._runtime.runtime()
t2 = time.perf_counter()
engine = gchat.Engine(insecure_skip_verification=True)
handled = engine.handle("POST", {}, sys.argv[1])
t3 = time.perf_counter()
assert handled.status == 200, handled.log
print(json.dumps({"import": t1 - t0, "instantiate": t2 - t1, "first": t3 - t2}))
"""


def cold_start(cache: str) -> dict:
    body = events(1)[0].decode()
    env = {**os.environ, "GCHAT_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", COLD, body], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


PEER_COLD = r"""
import time
t0 = time.perf_counter()
import json
from google.oauth2 import id_token
import google.auth.crypt
t1 = time.perf_counter()
print(json.dumps({"import": t1 - t0}))
"""


def main() -> None:
    component = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target/wasm-component/gchat.wasm"
    now = int(time.time())
    certs = certificate_map()
    bearer = f"Bearer {token(now)}"
    headers = {"authorization": bearer, "content-type": "application/json"}
    bodies = events(N)

    engine = gchat_app(certs, now * 1000)
    peer = peer_app(certs)
    # Both answer the same: 200 and the same card.
    mine = engine.handle("POST", headers, bodies[0])
    theirs = peer("POST", headers, bodies[0])
    assert mine.status == theirs[0] == 200, (mine.log, theirs[0])
    assert mine.json()["cardsV2"] == json.loads(theirs[2])["cardsV2"]

    # Interleaved, request by request, so that the machine's noise falls on all alike.
    runs = {
        "gchat Engine.handle (verify, parse, route, the handler, check, render)": lambda b: engine.handle("POST", headers, b),
        "google-auth verify_token + json.loads + the card by hand": lambda b: peer("POST", headers, b),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for i, body in enumerate(bodies[1:]):
        for name, run in runs.items():
            start = time.perf_counter()
            run(body)
            if i >= 200:  # warmed up
                times[name].append((time.perf_counter() - start) * 1e6)
    print(f"Python {sys.version.split()[0]}, wasmtime {gchat._runtime.importlib.metadata.version('wasmtime')}, "
          f"{len(bodies) - 201} distinct signed /weather commands each, the same card (interleaved)")
    width = max(map(len, runs))
    for name, ts in times.items():
        print(f"  {name:<{width}}  {summary(ts)}")
    ours, theirs = (times[name] for name in runs)
    print(f"  ratio gchat / google-auth: mean {statistics.fmean(ours) / statistics.fmean(theirs):.2f}, "
          f"p50 {statistics.median(ours) / statistics.median(theirs):.2f}")
    # Where gchat's time goes: inside the component's calls (wasm, and wasmtime
    # lowering and lifting the values in its C API) and the rest (Python).
    import gchat._fast as fast

    in_calls = [0.0]
    enter = fast.enter_wasm

    def timed_enter(run):
        start = time.perf_counter()
        try:
            return enter(run)
        finally:
            in_calls[0] += time.perf_counter() - start

    fast.enter_wasm = timed_enter
    sample = events(1001)[1:]
    total = sum(timed(lambda b: engine.handle("POST", headers, b.replace(b"/m", b"/w")), sample))
    fast.enter_wasm = enter
    per = 1e6 / len(sample)
    print(f"  gchat Engine.handle, mean {total / len(sample):.0f} µs: {in_calls[0] * per:.0f} µs inside the "
          f"component's calls, {total / len(sample) - in_calls[0] * per:.0f} µs in Python and wasmtime-py's conversions")
    # The parts alone.
    sample = bodies[1:501]
    verify = timed(lambda b: gchat.verify_token(bearer, engine._keys(), engine_expectations, now=now * 1000), sample)
    peer_verify = timed(lambda b: id_token.verify_token(bearer[7:], CachedCerts(certs), audience=URL, certs_url=CERTS_URL), sample)
    parse = timed(lambda b: gchat.parse_event(b), sample)
    print(f"  gchat verify_token alone        {summary(verify)}")
    print(f"  google-auth verify_token alone  {summary(peer_verify)}")
    print(f"  gchat parse_event alone         {summary(parse)}")

    raw = component.read_bytes()
    print(f"component {component.name}: {len(raw) / 1024:.0f} KB raw, {len(gzip.compress(raw, 9)) / 1024:.0f} KB gzip")
    with tempfile.TemporaryDirectory() as cache:
        first = cold_start(cache)
        again = cold_start(cache)
    for label, t in [("no machine-code cache (compiles)", first), ("cached machine code", again)]:
        print(f"cold start, {label}: import {t['import'] * 1e3:.0f} ms, instantiate "
              f"{t['instantiate'] * 1e3:.0f} ms, first request {t['first'] * 1e3:.1f} ms")
    peer_cold = json.loads(subprocess.run([sys.executable, "-c", PEER_COLD], capture_output=True, text=True, check=True).stdout)
    print(f"cold start, google-auth peer: import {peer_cold['import'] * 1e3:.0f} ms")


engine_expectations = [{"type": "endpointUrl", "url": URL}]

if __name__ == "__main__":
    main()
