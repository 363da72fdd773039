"""Google's keys, fetched and kept as their ``Cache-Control`` says.

``GoogleKeys`` is the I/O beside the engine, as Google's samples fetch
certificates with a caching HTTP client: before a request is handled it
fetches the key documents the engine asks for (missing or stale ones), and
once more when a token names a key the set lacks (Google rotated its keys;
at most once per cool-down). ``fetch`` is urllib by default. One fetch at a
time; a failed fetch keeps the old keys, and a token no key verifies is
refused (401) as in the npm package.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from typing import Any, Callable, Optional

from .core import KeySet, now_ms

#: ``fetch(url) -> (status, headers, body)``.
Fetch = Callable[[str], "tuple[int, list[tuple[str, str]], bytes]"]


def urllib_fetch(url: str, timeout: float = 10.0) -> "tuple[int, list[tuple[str, str]], bytes]":
    """GETs ``url`` with urllib."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - Google's key URLs
        return response.status, list(response.headers.items()), response.read()


#: After a failed fetch, how long (ms) before that URL is fetched again.
RETRY_AFTER_MS = 10_000


class GoogleKeys:
    """A ``KeySet`` kept fresh from Google's key URLs; pass it as ``Engine(keys=...)``."""

    def __init__(self, fetch: Optional[Fetch] = None, log: Optional[Callable[[dict], None]] = None) -> None:
        self._keys = KeySet()
        self._fetch = fetch or urllib_fetch
        self._lock = threading.Lock()
        self._log = log or (lambda record: None)
        # Until when every document is fresh (nothing to ask before), and
        # when each URL that failed may be tried again.
        self._fresh_until = 0
        self._failed: dict[str, int] = {}
        # When each URL was last tried (monotonic), and the one background refresh.
        self._attempted: dict[str, float] = {}
        self._refreshing = threading.Lock()

    def key_set(self) -> KeySet:
        """The keys as they are now."""
        return self._keys

    def refresh(self, engine: Any, now: Optional[int] = None) -> None:
        """Fetches what ``engine`` asks for at ``now``: missing documents at once
        (requests wait for them), stale ones in a background thread (their keys
        still verify meanwhile)."""
        now = now_ms() if now is None else now
        if now < self._fresh_until:
            return
        wanted = engine.key_requests(self._keys, now)
        missing = [r for r in wanted if r["reason"] != "stale"]
        if missing:
            self.fetch(missing, now)
        elif wanted and self._refreshing.acquire(blocking=False):

            def in_background() -> None:
                try:
                    self.fetch(wanted, now)
                finally:
                    self._refreshing.release()

            threading.Thread(target=in_background, name="gchat-keys", daemon=True).start()
        if not engine.key_requests(self._keys, now):
            fresh = [d["freshUntil"] for d in self._keys.documents() if d["freshUntil"] is not None]
            self._fresh_until = min(fresh, default=0)

    def fetch(self, requests: list[dict], now: Optional[int] = None) -> None:
        """Fetches these key documents (``[{url, reason}]``), one fetch at a time;
        a URL fetched (or tried) by another request in the meantime is not fetched
        again. A failure is logged (``key_fetch_failed``), the old keys stay, and
        that URL is not tried again for ``RETRY_AFTER_MS``."""
        now = now_ms() if now is None else now
        started = time.monotonic()
        with self._lock:
            for url in dict.fromkeys(r["url"] for r in requests):
                if now < self._failed.get(url, 0) or self._attempted.get(url, -1.0) >= started:
                    continue
                # Counted whatever comes of it: the refetch cool-down runs from here.
                self._keys.note_request(url, now)
                self._attempted[url] = time.monotonic()
                try:
                    status, headers, body = self._fetch(url)
                    if status != 200:
                        raise OSError(f"HTTP {status}")
                    for skipped in self._keys.insert_response(url, body, headers, now):
                        self._log({"warning": "key_skipped", "url": url, "kid": skipped.path,
                                   "code": skipped.code, "message": skipped.message})
                    self._failed.pop(url, None)
                except Exception as e:
                    self._failed[url] = now + RETRY_AFTER_MS
                    self._log({"error": "key_fetch_failed", "url": url, "detail": str(e)})
