"""Shared by the tests: the conformance cases (tests/fixtures/conformance at the
repository's root: signed requests at a fixed time, with the test kit's key)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gchat

CASES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "conformance"


def case(name: str) -> dict:
    """A conformance case by name."""
    return json.loads((CASES / f"{name}.json").read_text())


@pytest.fixture(scope="session")
def keys() -> gchat.KeySet:
    """The test kit's fixed key, as a key set that never goes stale."""
    return gchat.KeySet.parse((CASES / "keys.json").read_bytes())


def request(name: str) -> tuple[str, list, str, int]:
    """A case's request: method, headers, body, and the time it was signed for."""
    c = case(name)
    r = c["request"]
    return r["method"], r["headers"], r["body"], c["now"]


ENDPOINT = "https://chat.example.com/events"
EXPECTATIONS = [{"type": "endpointUrl", "url": ENDPOINT}]
