"""Errors raised by the sync layer.

The engine decides what to do from the class alone: `Offline` → try again later, `AuthFailed` → ask the rep for
the password, `Ambiguous` → look the record up by its client id before retrying, `RemoteError` → the server
refused the request (nothing was applied: Tryton rolls the whole request back).
"""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """Base class of every error raised by `sync`."""


class Offline(SyncError):
    """The server could not be reached (or kept failing) after the whole retry budget."""

    def __init__(self, message: str, *, attempts: int = 0, last_outcome: str = "") -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_outcome = last_outcome


class AuthFailed(SyncError):
    """The login was refused (bad login or password). Retrying with the same password will not help."""


class ProtocolError(SyncError):
    """The server answered something that is not a JSON-RPC reply (after retries), or an HTTP status that says
    the request itself is wrong (404 unknown database, 405, ...)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Ambiguous(SyncError):
    """A non-idempotent call may have been applied by the server but its answer was lost.

    The caller must find out (e.g. search the record by its client-generated id) before sending it again.
    """

    def __init__(self, method: str, outcome: str) -> None:
        super().__init__(f"{method}: outcome unknown after {outcome}; check before retrying")
        self.method = method
        self.outcome = outcome


class RemoteError(SyncError):
    """Tryton answered with `error: [type, payload]` (HTTP 200); the request was rolled back."""

    def __init__(self, type: str, payload: Any = None) -> None:  # noqa: A002 - Tryton's own word
        self.type = type
        self.payload = payload
        super().__init__(f"{type}: {self.message}" if self.message else type)

    @property
    def message(self) -> str:
        """The human message (first element of a UserError payload, or the payload when it is a string)."""
        if isinstance(self.payload, str):
            return self.payload
        if isinstance(self.payload, list | tuple) and self.payload and isinstance(self.payload[0], str):
            return self.payload[0]
        return ""

    @property
    def description(self) -> str:
        if isinstance(self.payload, list | tuple) and len(self.payload) > 1 and isinstance(self.payload[1], str):
            return self.payload[1]
        return ""


class ConcurrencyError(RemoteError):
    """`ConcurrencyException`: a `_timestamp` sent in the context is stale (someone else wrote the record)."""


class AccessDenied(RemoteError):
    """The user may not do this (Tryton `AccessError`, sent on the wire as a `UserError`; or HTTP 403)."""


class ValidationFailed(RemoteError):
    """A `UserError` or `*ValidationError` (required field, domain, unique constraint ...).

    `type` keeps the raw Tryton type; note that Tryton 8.2 sends every `UserError` subclass (unique constraint
    violations included) with the type `"UserError"`.
    """
