"""Async connector to Tryton's JSON-RPC API (the protocol Tryton's own client speaks).

One long-lived `httpx.AsyncClient` per connector. Every attempt carries a W3C `traceparent` header (one trace per
connector or sync run, a new span per attempt) and is reported to `on_request` and to the `sync.jsonrpc` logger
with the method name and its outcome only: never parameters, passwords, session keys or headers.

Retries use exponential backoff with full jitter and honour `Retry-After`. A call marked `idempotent=False`
(`create`) is never replayed once the request may have reached the server: it raises `Ambiguous` and the caller
looks the record up by its client id. Tryton rolls a request back on any exception (and answers HTTP 200 with an
`error`), so HTTP 500 counts as "not applied" and is retried.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email.utils
import json
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from sync.errors import (
    AccessDenied,
    Ambiguous,
    AuthFailed,
    ConcurrencyError,
    Offline,
    ProtocolError,
    RemoteError,
    ValidationFailed,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "RequestLog",
    "TrytonConnector",
    "backoff_delay",
    "decode",
    "encode",
    "new_span_id",
    "new_trace_id",
    "parse_retry_after",
    "remote_error",
]

logger = logging.getLogger("sync.jsonrpc")

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=30.0, pool=10.0)

# --------------------------------------------------------------------------------------------------------------
# Typed values (Tryton's JSONEncoder/JSONDecoder, trytond/protocols/jsonrpc.py)


def _encode_one(obj: Any) -> Any:
    if isinstance(obj, dt.datetime):
        if obj.tzinfo is not None:
            obj = obj.astimezone(dt.UTC).replace(tzinfo=None)
        return {"__class__": "datetime", "year": obj.year, "month": obj.month, "day": obj.day,
                "hour": obj.hour, "minute": obj.minute, "second": obj.second, "microsecond": obj.microsecond}
    if isinstance(obj, dt.date):
        return {"__class__": "date", "year": obj.year, "month": obj.month, "day": obj.day}
    if isinstance(obj, dt.time):
        return {"__class__": "time", "hour": obj.hour, "minute": obj.minute, "second": obj.second,
                "microsecond": obj.microsecond}
    if isinstance(obj, dt.timedelta):
        return {"__class__": "timedelta", "seconds": obj.total_seconds()}
    if isinstance(obj, Decimal):
        return {"__class__": "Decimal", "decimal": str(obj)}
    if isinstance(obj, bytes | bytearray | memoryview):
        return {"__class__": "bytes", "base64": base64.b64encode(bytes(obj)).decode("ascii")}
    if isinstance(obj, set | frozenset):
        return list(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    raise TypeError(f"cannot send {type(obj).__name__} to Tryton")


def encode(value: Any) -> Any:
    """Python value → JSON-ready tree with Tryton's `__class__` objects (aware datetimes are sent as naive UTC)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    out = _encode_one(value)
    return encode(out) if isinstance(out, list) else out


def _decode_object(dct: dict[str, Any]) -> Any:
    cls = dct.get("__class__")
    if cls is None:
        return dct
    try:
        if cls == "datetime":
            return dt.datetime(dct["year"], dct["month"], dct["day"], dct.get("hour", 0), dct.get("minute", 0),
                               dct.get("second", 0), dct.get("microsecond", 0))
        if cls == "date":
            return dt.date(dct["year"], dct["month"], dct["day"])
        if cls == "time":
            return dt.time(dct.get("hour", 0), dct.get("minute", 0), dct.get("second", 0),
                           dct.get("microsecond", 0))
        if cls == "timedelta":
            return dt.timedelta(seconds=dct["seconds"])
        if cls == "Decimal":
            return Decimal(dct["decimal"])
        if cls == "bytes":
            return base64.b64decode(dct["base64"])
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ValueError(f"malformed {cls} value") from exc
    return dct


def decode(value: Any) -> Any:
    """JSON tree (as parsed) → Python values: datetime (naive UTC), date, time, timedelta, Decimal, bytes."""
    if isinstance(value, dict):
        return _decode_object({k: decode(v) for k, v in value.items()})
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, default=_encode_one, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _loads(data: bytes) -> Any:
    return json.loads(data, object_hook=_decode_object)


# --------------------------------------------------------------------------------------------------------------
# Backoff, Retry-After, trace context


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2**attempt)]; attempt counts from 0."""
    ceiling = min(cap, base * (2 ** min(attempt, 62)))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds (delta-seconds or HTTP-date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def new_trace_id() -> str:
    """32 lowercase hex digits, never all zero (W3C trace context)."""
    while True:
        value = secrets.token_hex(16)
        if value.strip("0"):
            return value


def new_span_id() -> str:
    while True:
        value = secrets.token_hex(8)
        if value.strip("0"):
            return value


def _valid_hex(value: str, length: int) -> bool:
    return (len(value) == length and all(c in "0123456789abcdef" for c in value) and bool(value.strip("0")))


# --------------------------------------------------------------------------------------------------------------
# Errors from Tryton replies

_ACCESS_PREFIXES = ("You are not allowed to", "Within groups:")


def remote_error(error: Any) -> RemoteError:
    """Map Tryton's `error: [type, payload]` to our exception classes."""
    if isinstance(error, list | tuple) and error:
        type_, payload = str(error[0]), (error[1] if len(error) > 1 else None)
    else:
        type_, payload = str(error), None
    if type_ == "ConcurrencyException":
        return ConcurrencyError(type_, payload)
    if type_ == "AccessError":
        return AccessDenied(type_, payload)
    if type_ == "UserError":
        # Every UserError subclass (AccessError, *ValidationError, SQLConstraintError) travels as "UserError";
        # access errors are told apart by Tryton's own message texts (ir/message.xml).
        texts = payload[:2] if isinstance(payload, list | tuple) else []
        if any(isinstance(t, str) and t.startswith(_ACCESS_PREFIXES) for t in texts):
            return AccessDenied(type_, payload)
        return ValidationFailed(type_, payload)
    if type_.endswith(("ValidationError", "ConstraintError")) or type_ == "ForeignKeyError":
        return ValidationFailed(type_, payload)
    return RemoteError(type_, payload)


# --------------------------------------------------------------------------------------------------------------
# The connector


@dataclass(frozen=True, slots=True)
class RequestLog:
    """One HTTP attempt. `outcome`: "ok", "error:<TrytonType>", "http_<status>", "connect_error",
    "connect_timeout", "pool_timeout", "write_timeout", "read_timeout", "reset", "bad_json"."""

    method: str
    status: int | None
    attempt: int
    duration_ms: float
    trace_id: str
    span_id: str
    outcome: str


class _Failure(Exception):
    """Internal: one failed attempt, classified."""

    def __init__(self, outcome: str, *, delivered: bool, kind: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.delivered = delivered  # the server may have processed the request
        self.kind = kind  # "network" | "http" | "json"
        self.status = status
        self.retry_after = retry_after


_NOT_APPLIED_5XX = {500, 501, 505}  # Tryton answered (and rolled back) or refused before processing
_RETRY_AFTER_STATUSES = {429, 503}
_NO_CONTEXT_PREFIXES = ("common.", "system.")


class TrytonConnector:
    """Async JSON-RPC client for one Tryton database and user.

    Use as `async with TrytonConnector(...) as c:` (or call `aclose()`); `login()` is done lazily by the first
    call when not done explicitly. `password` is a callable so that the secret is fetched (e.g. from the keyring)
    only when a login needs it and is never kept.
    """

    def __init__(self, url: str, database: str, login: str, password: Callable[[], str], *,
                 timeout: httpx.Timeout | float = DEFAULT_TIMEOUT, retries: int = 6, backoff_base: float = 0.25,
                 backoff_max: float = 30.0, rng: random.Random | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 on_request: Callable[[RequestLog], None] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.url = url.rstrip("/") + "/"
        self.database = database
        self.username = login
        self._password = password
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._rng = rng if rng is not None else random.Random()
        self._sleep = sleep
        self.on_request = on_request
        self._db_path = f"{quote(database, safe='')}/rpc/"
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout)
        self._client = httpx.AsyncClient(base_url=self.url, timeout=timeout, transport=transport,
                                         headers={"Content-Type": "application/json",
                                                  "Accept": "application/json"},
                                         follow_redirects=False, trust_env=False)
        self._trace_id = new_trace_id()
        self._user_id: int | None = None
        self._session: str | None = None
        self._session_gen = 0
        self._context: dict[str, Any] = {}
        self._auth_lock = asyncio.Lock()
        self._next_id = 0

    # -- lifecycle --------------------------------------------------------------------------------------------
    async def __aenter__(self) -> TrytonConnector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client (does not log out: the session simply expires on the server)."""
        self._forget_session()
        await self._client.aclose()

    def __repr__(self) -> str:
        return f"TrytonConnector({self.url!r}, {self.database!r}, {self.username!r}, user_id={self._user_id})"

    # -- state ------------------------------------------------------------------------------------------------
    @property
    def user_id(self) -> int | None:
        return self._user_id

    @property
    def logged_in(self) -> bool:
        return self._session is not None

    @property
    def context(self) -> dict[str, Any]:
        """A copy of the user's context (from `res.user.get_preferences`), sent with every model call."""
        return dict(self._context)

    @property
    def trace_id(self) -> str:
        return self._trace_id

    @trace_id.setter
    def trace_id(self, value: str) -> None:
        value = value.lower()
        if not _valid_hex(value, 32):
            raise ValueError("trace_id must be 32 hex digits, not all zero")
        self._trace_id = value

    def new_trace(self) -> str:
        """Start a new trace (e.g. one per sync run) and return its id."""
        self._trace_id = new_trace_id()
        return self._trace_id

    # -- session ----------------------------------------------------------------------------------------------
    async def login(self) -> int:
        """`common.db.login`, then `res.user.get_preferences` → the context of every later call."""
        async with self._auth_lock:
            await self._login_locked()
        assert self._user_id is not None
        return self._user_id

    async def _login_locked(self) -> None:
        for _ in range(2):  # a session dropped between login and get_preferences gets one more login
            self._forget_session()
            password = self._password()
            try:
                result = await self._request(self._db_path, "common.db.login",
                                             [self.username, {"password": password}, "en"],
                                             idempotent=True, auth=False, login=True)
            finally:
                del password
            if not isinstance(result, list | tuple) or len(result) < 2 or not isinstance(result[0], int):
                raise AuthFailed("login refused")
            self._user_id, self._session = result[0], str(result[1])
            self._session_gen += 1
            try:
                prefs = await self._request(self._db_path, "model.res.user.get_preferences", [True, {}],
                                            idempotent=True, auth=True, relogin=False)
            except _Unauthorized:
                continue
            self._context = dict(prefs) if isinstance(prefs, dict) else {}
            return
        self._forget_session()
        raise AuthFailed("session rejected right after a fresh login")

    async def _ensure_login(self) -> None:
        async with self._auth_lock:
            if self._session is None:
                await self._login_locked()

    async def _relogin(self, failed_gen: int) -> None:
        async with self._auth_lock:
            if self._session is not None and self._session_gen != failed_gen:
                return  # another task already logged in again
            await self._login_locked()

    def _forget_session(self) -> None:
        self._session = None
        self._user_id = None
        self._context = {}

    async def logout(self) -> None:
        """`common.db.logout`; the local session is forgotten whatever the server says."""
        if self._session is None:
            return
        try:
            # best effort, no long backoff: an unclosed session simply expires on the server
            await self._request(self._db_path, "common.db.logout", [], idempotent=True, auth=True, relogin=False,
                                retries=1)
        except (_Unauthorized, AuthFailed, Offline, ProtocolError, RemoteError):
            pass
        finally:
            self._forget_session()

    async def version(self) -> str:
        """`common.server.version` on `/rpc/` (no database, no login)."""
        return await self._request("rpc/", "common.server.version", [], idempotent=True, auth=False)

    # -- calls ------------------------------------------------------------------------------------------------
    def _merged_context(self, context: Mapping[str, Any] | None) -> dict[str, Any]:
        merged = dict(self._context)
        if context:
            merged.update(context)
        return merged

    async def call(self, method: str, params: Sequence[Any], *, idempotent: bool = True,
                   context: Mapping[str, Any] | None = None) -> Any:
        """Call `method` with `params`; for model/wizard/report methods the user context (merged with `context`)
        is appended as the last parameter, the way Tryton's client does. Returns the decoded result."""
        if self._session is None:
            await self._ensure_login()
        if method.startswith(_NO_CONTEXT_PREFIXES):
            if context:
                raise ValueError(f"{method} takes no context")
            full = list(params)
        else:
            full = [*params, self._merged_context(context)]
        return await self._request(self._db_path, method, full, idempotent=idempotent, auth=True)

    async def search_read(self, model: str, domain: Sequence[Any], offset: int = 0, limit: int | None = None,
                          order: Sequence[Sequence[str]] | None = None, fields: Sequence[str] | None = None,
                          context: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return await self.call(f"model.{model}.search_read",
                               [list(domain), offset, limit, _order(order), _opt_list(fields)], context=context)

    async def search(self, model: str, domain: Sequence[Any], offset: int = 0, limit: int | None = None,
                     order: Sequence[Sequence[str]] | None = None,
                     context: Mapping[str, Any] | None = None) -> list[int]:
        return await self.call(f"model.{model}.search", [list(domain), offset, limit, _order(order)],
                               context=context)

    async def search_count(self, model: str, domain: Sequence[Any],
                           context: Mapping[str, Any] | None = None) -> int:
        return await self.call(f"model.{model}.search_count", [list(domain)], context=context)

    async def read(self, model: str, ids: Sequence[int], fields: Sequence[str] | None,
                   context: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return await self.call(f"model.{model}.read", [list(ids), _opt_list(fields)], context=context)

    async def create(self, model: str, vlist: Sequence[Mapping[str, Any]], context: Mapping[str, Any] | None = None,
                     *, idempotent: bool = False) -> list[int]:
        """Not idempotent: a lost answer raises `Ambiguous` (look the record up by its client id)."""
        return await self.call(f"model.{model}.create", [[dict(v) for v in vlist]], idempotent=idempotent,
                               context=context)

    async def write(self, model: str, *args: Any, context: Mapping[str, Any] | None = None,
                    idempotent: bool = True) -> None:
        """`write(model, ids, values, ids, values, ...)`. Replaying a plain write is harmless; a replay of a write
        that was applied but whose answer was lost may report a `ConcurrencyError` on its own `_timestamp`
        (the three-way merge sees central == local). Pass `idempotent=False` for writes that create children."""
        if not args or len(args) % 2:
            raise ValueError("write takes pairs of (ids, values)")
        params = [list(a) if i % 2 == 0 else dict(a) for i, a in enumerate(args)]
        await self.call(f"model.{model}.write", params, idempotent=idempotent, context=context)

    async def delete(self, model: str, ids: Sequence[int], context: Mapping[str, Any] | None = None,
                     *, idempotent: bool = True) -> None:
        await self.call(f"model.{model}.delete", [list(ids)], idempotent=idempotent, context=context)

    # -- transport --------------------------------------------------------------------------------------------
    def _auth_header(self) -> str:
        token = f"{self.username}:{self._user_id}:{self._session}".encode()
        return "Session " + base64.b64encode(token).decode("ascii")

    def _report(self, log: RequestLog) -> None:
        logger.info("%s attempt=%d status=%s outcome=%s %.1fms trace=%s span=%s", log.method, log.attempt,
                    log.status, log.outcome, log.duration_ms, log.trace_id, log.span_id)
        if self.on_request is not None:
            try:
                self.on_request(log)
            except Exception:  # a broken observer must not break the sync
                logger.warning("on_request callback failed", exc_info=True)

    async def _request(self, path: str, method: str, params: list[Any], *, idempotent: bool, auth: bool,
                       login: bool = False, relogin: bool = True, retries: int | None = None) -> Any:
        body = _dumps({"id": self._new_id(), "method": method, "params": params})
        relogged = False
        failures = 0
        attempt = 0
        while True:
            attempt += 1
            gen = self._session_gen
            try:
                return await self._attempt(path, method, body, attempt, auth=auth, login=login)
            except _Unauthorized:
                if not auth:
                    raise ProtocolError(f"{method}: HTTP 401 without a session", status=401) from None
                if not relogin:
                    raise
                if relogged:
                    raise AuthFailed(f"{method}: session rejected right after a fresh login") from None
                relogged = True
                await self._relogin(gen)
                continue
            except _Failure as failure:
                if failure.delivered and not idempotent:
                    raise Ambiguous(method, failure.outcome) from None
                if failures >= (self.retries if retries is None else retries):
                    if failure.kind == "json":
                        raise ProtocolError(f"{method}: invalid JSON-RPC reply after {attempt} attempts",
                                            status=failure.status) from None
                    raise Offline(f"{method}: {failure.outcome} after {attempt} attempts", attempts=attempt,
                                  last_outcome=failure.outcome) from None
                if failure.retry_after is not None:
                    delay = min(self.backoff_max, failure.retry_after)
                else:
                    delay = backoff_delay(failures, self.backoff_base, self.backoff_max, self._rng)
                failures += 1
                await self._sleep(delay)

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    async def _attempt(self, path: str, method: str, body: bytes, attempt: int, *, auth: bool,
                       login: bool) -> Any:
        span_id = new_span_id()
        headers = {"traceparent": f"00-{self._trace_id}-{span_id}-01"}
        if auth:
            if self._session is None:
                raise _Unauthorized()
            headers["Authorization"] = self._auth_header()
        status: int | None = None
        outcome = "ok"
        start = time.perf_counter()
        try:
            try:
                response = await self._client.post(path, content=body, headers=headers)
            except httpx.ConnectTimeout:
                raise _Failure("connect_timeout", delivered=False, kind="network") from None
            except httpx.PoolTimeout:
                raise _Failure("pool_timeout", delivered=False, kind="network") from None
            except httpx.WriteTimeout:
                # the body was not completely sent: the server cannot have parsed it
                raise _Failure("write_timeout", delivered=False, kind="network") from None
            except httpx.TimeoutException:
                raise _Failure("read_timeout", delivered=True, kind="network") from None
            except httpx.ConnectError:
                raise _Failure("connect_error", delivered=False, kind="network") from None
            except httpx.TransportError:
                # ReadError / RemoteProtocolError / WriteError: the connection broke after (part of) the request
                raise _Failure("reset", delivered=True, kind="network") from None
            status = response.status_code
            result = self._interpret(response, login=login)
            return result
        except _Failure as failure:
            outcome = failure.outcome
            raise
        except _Unauthorized:
            outcome = "http_401"
            raise
        except RemoteError as error:
            outcome = f"error:{error.type}"
            raise
        except (AuthFailed, ProtocolError):
            outcome = f"http_{status}" if status is not None else "protocol_error"
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except BaseException as exc:
            outcome = f"exception:{type(exc).__name__}"
            raise
        finally:
            duration_ms = (time.perf_counter() - start) * 1000.0
            self._report(RequestLog(method, status, attempt, round(duration_ms, 3), self._trace_id, span_id,
                                    outcome))

    def _interpret(self, response: httpx.Response, *, login: bool) -> Any:
        status = response.status_code
        if status == 401:
            if login:
                raise AuthFailed("login refused: bad login or password")
            raise _Unauthorized()
        if status in _RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            # 429 never reaches the application; a 503 that says when to come back was refused, not processed
            delivered = status == 503 and retry_after is None
            raise _Failure(f"http_{status}", delivered=delivered, kind="http", status=status,
                           retry_after=retry_after)
        if status >= 500:
            raise _Failure(f"http_{status}", delivered=status not in _NOT_APPLIED_5XX, kind="http", status=status)
        if status == 403:
            raise AccessDenied("Forbidden", "HTTP 403: unknown method or not allowed")
        if status != 200:
            raise ProtocolError(f"unexpected HTTP {status}", status=status)
        try:
            data = _loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise _Failure("bad_json", delivered=True, kind="json", status=status) from None
        if not isinstance(data, dict) or ("result" not in data and "error" not in data):
            raise _Failure("bad_json", delivered=True, kind="json", status=status)
        error = data.get("error")
        if error is not None:
            if login and isinstance(error, list | tuple) and error and error[0] == "LoginException":
                raise AuthFailed("login refused: the server asks for more than a password")
            raise remote_error(error)
        return data.get("result")


class _Unauthorized(Exception):
    """Internal: HTTP 401 on a session call."""


def _order(order: Sequence[Sequence[str]] | None) -> list[list[str]] | None:
    return None if order is None else [list(o) for o in order]


def _opt_list(values: Sequence[str] | None) -> list[str] | None:
    return None if values is None else list(values)
