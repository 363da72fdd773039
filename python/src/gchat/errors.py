"""Errors: every refusal has a stable `code`, and the JSON `path` where one applies."""

from __future__ import annotations

from typing import Optional


class GchatError(Exception):
    """An error from the engine.

    ``code`` is stable (``invalid_json``, ``expired``, ``invalid_webhook_url``,
    ``invalid_reply``, ...), the same as in the Rust core and the npm
    package; ``path`` is the JSON path of the fault where one applies.
    """

    def __init__(self, code: str, message: str, path: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.path = path
        self.message = message

    def __repr__(self) -> str:
        return f"GchatError(code={self.code!r}, path={self.path!r}, message={self.message!r})"


class TokenError(GchatError):
    """A refused bearer token; ``key_requests`` names key documents to fetch."""

    def __init__(self, code: str, message: str, path: Optional[str], key_requests: list) -> None:
        super().__init__(code, message, path)
        self.key_requests = key_requests
