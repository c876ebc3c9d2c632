"""The Tryton JSON-RPC connector (sync/jsonrpc.py) against the real Tryton server, through a fault-injecting proxy.

Server tests use the session-scoped `tryton` fixture (tests/tryton_server.py): a server that cannot start fails
them, as it fails the sync tests.
Coroutines run with `asyncio.run` (no pytest-asyncio).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
import random
import re
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

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
from sync.jsonrpc import (
    RequestLog,
    TrytonConnector,
    backoff_delay,
    decode,
    encode,
    parse_retry_after,
    remote_error,
)
from tests.faultproxy import FaultProxy

REP = "rep.wang"
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-01$")
FAST = httpx.Timeout(connect=2.0, read=2.5, write=2.5, pool=2.0)


# ---------------------------------------------------------------------------------------------------------------
# helpers


class Sleeps:
    """An injected `sleep` that records the delays instead of sleeping (and may act on each one)."""

    def __init__(self, hook: Callable[[float], None] | None = None) -> None:
        self.delays: list[float] = []
        self.hook = hook

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.hook is not None:
            self.hook(delay)
        await asyncio.sleep(0)


def run(coro: Awaitable[Any], timeout: float = 60.0) -> Any:
    async def main() -> Any:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(main())


def make(url: str, server: Any, login: str = REP, **kw: Any) -> TrytonConnector:
    password = server.admin_password if login == "admin" else server.users[login]
    kw.setdefault("sleep", Sleeps())
    kw.setdefault("timeout", FAST)
    kw.setdefault("rng", random.Random(4))
    return TrytonConnector(url, server.database, login, lambda: password, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_name(tag: str) -> str:
    return f"jsonrpc-test {tag} {uuid.uuid4().hex[:12]}"


@pytest.fixture
def server(tryton: Any) -> Any:
    """The shared server (tests/tryton_server.py)."""
    return tryton


@pytest.fixture
def proxy(server: Any) -> Any:
    with FaultProxy(server.url) as p:
        yield p


# ---------------------------------------------------------------------------------------------------------------
# no server needed


def test_encode_decode_round_trip() -> None:
    value = {
        "when": dt.datetime(2026, 3, 4, 5, 6, 7, 890123),
        "day": dt.date(2026, 2, 28),
        "at": dt.time(13, 14, 15, 16),
        "price": Decimal("18.90"),
        "blob": b"\x00\xffbinary\n",
        "wait": dt.timedelta(days=1, seconds=3, microseconds=500000),
        "nested": [[{"q": Decimal("-0.001")}], ("t", 1, None, True, 1.5)],
    }
    wire = encode(value)
    assert wire["when"] == {"__class__": "datetime", "year": 2026, "month": 3, "day": 4, "hour": 5, "minute": 6,
                            "second": 7, "microsecond": 890123}
    assert wire["day"] == {"__class__": "date", "year": 2026, "month": 2, "day": 28}
    assert wire["price"] == {"__class__": "Decimal", "decimal": "18.90"}
    assert wire["wait"] == {"__class__": "timedelta", "seconds": 86403.5}
    assert base64.b64decode(wire["blob"]["base64"]) == b"\x00\xffbinary\n"
    back = decode(wire)
    assert back["nested"][1] == ["t", 1, None, True, 1.5]
    back["nested"][1] = tuple(back["nested"][1])
    assert back == value
    assert type(back["price"]) is Decimal and str(back["price"]) == "18.90"
    assert type(back["day"]) is dt.date


def test_encode_aware_datetime_as_naive_utc_and_rejects_unknown() -> None:
    aware = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert decode(encode(aware)) == dt.datetime(2026, 1, 1, 0, 0)
    assert decode({"__class__": "unknown", "x": 1}) == {"__class__": "unknown", "x": 1}
    assert decode({"__class__": "bytes", "base64": "YWJj\n"}) == b"abc"
    assert encode({1, 2}) in ([1, 2], [2, 1])
    with pytest.raises(TypeError):
        encode(object())
    with pytest.raises(ValueError):
        decode({"__class__": "Decimal"})


def test_backoff_is_exponential_capped_and_jittered() -> None:
    class Top(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    ceilings = [backoff_delay(i, 0.25, 30.0, Top()) for i in range(10)]
    assert ceilings == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert backoff_delay(10_000, 0.25, 30.0, Top()) == 30.0
    rng = random.Random(7)
    draws = [backoff_delay(i, 0.25, 30.0, rng) for i in range(200)]
    assert all(0.0 <= d <= min(30.0, 0.25 * 2**i) for i, d in enumerate(draws))
    assert len(set(draws)) == len(draws)  # jittered, not fixed
    late = draws[7:]
    assert min(late) < 10 and max(late) > 20  # full jitter: spread over [0, cap]


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = dt.datetime(2026, 5, 1, 12, 0, 0, tzinfo=dt.UTC).timestamp()
    assert parse_retry_after("Fri, 01 May 2026 12:00:42 GMT", now=now) == 42.0
    assert parse_retry_after("Fri, 01 May 2026 11:00:00 GMT", now=now) == 0.0


def test_remote_error_mapping() -> None:
    assert isinstance(remote_error(["ConcurrencyException", "Records were modified in the meanwhile"]),
                      ConcurrencyError)
    denied = remote_error(["UserError", ['You are not allowed to access "Group".', "Within groups: x", None]])
    assert isinstance(denied, AccessDenied) and denied.type == "UserError"
    dup = remote_error(["UserError", ["The code on party must be unique.", "", None]])
    assert isinstance(dup, ValidationFailed) and dup.type == "UserError" and "unique" in dup.message
    req = remote_error(["RequiredValidationError", ["A value is required", "", None]])
    assert isinstance(req, ValidationFailed) and req.type == "RequiredValidationError"
    assert isinstance(remote_error(["AccessError", ["no"]]), AccessDenied)
    other = remote_error(["'res.user'", "Traceback ..."])
    assert type(other) is RemoteError and other.payload == "Traceback ..."


def test_trace_id_setter_validates() -> None:
    c = TrytonConnector("http://127.0.0.1:9/", "db", "u", lambda: "p")
    try:
        assert re.fullmatch(r"[0-9a-f]{32}", c.trace_id)
        c.trace_id = "AB" * 16
        assert c.trace_id == "ab" * 16
        for bad in ("0" * 32, "xyz", "a" * 31):
            with pytest.raises(ValueError):
                c.trace_id = bad
        old = c.trace_id
        assert c.new_trace() != old
    finally:
        run(c.aclose())


def test_offline_without_server_grows_backoff_and_raises_offline() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    sleeps, logs = Sleeps(), []
    c = TrytonConnector(url, "db", "u", lambda: "p", retries=5, sleep=sleeps, rng=random.Random(1),
                        on_request=logs.append, timeout=FAST)

    async def go() -> None:
        async with c:
            await c.version()

    with pytest.raises(Offline) as info:
        run(go())
    assert info.value.attempts == 6 and info.value.last_outcome == "connect_error"
    assert len(sleeps.delays) == 5
    rng = random.Random(1)
    assert sleeps.delays == [rng.uniform(0, 0.25 * 2**i) for i in range(5)]
    assert [log.outcome for log in logs] == ["connect_error"] * 6
    assert [log.attempt for log in logs] == [1, 2, 3, 4, 5, 6]


def test_cancellation_during_backoff_propagates() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    logs: list[RequestLog] = []

    async def go() -> float:
        c = TrytonConnector(url, "db", "u", lambda: "p", backoff_base=50.0, backoff_max=50.0,
                            rng=random.Random(3), on_request=logs.append, timeout=FAST)
        async with c:
            task = asyncio.create_task(c.version())
            await asyncio.sleep(0.3)  # connect refused at once, then a long real backoff sleep
            start = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - start

    assert run(go()) < 1.0
    assert len(logs) == 1


# ---------------------------------------------------------------------------------------------------------------
# against the real server


def test_login_version_and_typed_values(server: Any) -> None:
    admin_logs: list[RequestLog] = []

    async def go() -> None:
        async with make(server.url, server) as c:
            assert str(await c.version()).startswith("8.")
            uid = await c.login()
            assert uid == c.user_id and isinstance(uid, int)
            assert c.context.get("language")
            parties = await c.search_read("party.party", [], limit=5, order=[["id", "ASC"]],
                                          fields=["name", "create_date", "_timestamp"])
            assert parties and all(isinstance(p["create_date"], dt.datetime) for p in parties)
            # datetime in a domain is encoded on the way out
            newest = max(p["create_date"] for p in parties)
            n = await c.search_count("party.party", [["create_date", "<=", newest + dt.timedelta(seconds=1)],
                                                     ["id", "in", [p["id"] for p in parties]]])
            assert n == len(parties)
            ids = await c.search("party.party", [["id", "in", [p["id"] for p in parties]]], order=[["id", "DESC"]])
            assert ids == sorted((p["id"] for p in parties), reverse=True)
            read = await c.read("party.party", ids[:1], ["name"])
            assert read[0]["id"] == ids[0]
            await c.logout()
            assert not c.logged_in

        # Decimal, date and bytes written and read back (admin: currency rates and attachments)
        async with make(server.url, server, login="admin", on_request=admin_logs.append) as c:
            currencies = await c.search_read("currency.currency", [], limit=1, fields=["code"])
            if currencies:
                currency = currencies[0]["id"]
            else:
                currency = (await c.create("currency.currency", [{"name": "Test", "code": "XTS", "symbol": "X"}]))[0]
            day = dt.date(1990, 1, 1) + dt.timedelta(days=random.randrange(3000))
            rate_id, = await c.create("currency.currency.rate", [{"currency": currency, "date": day,
                                                          "rate": Decimal("7.123456")}])
            rate, = await c.read("currency.currency.rate", [rate_id], ["date", "rate"])
            assert rate["date"] == day and type(rate["date"]) is dt.date
            assert rate["rate"] == Decimal("7.123456") and type(rate["rate"]) is Decimal
            assert await c.search_count("currency.currency.rate", [["rate", "=", Decimal("7.123456")], ["date", "=", day]]) == 1
            await c.delete("currency.currency.rate", [rate_id])

            party_id, = await c.create("party.party", [{"name": unique_name("typed")}])
            blob = bytes(range(256)) * 3
            att_id, = await c.create("ir.attachment", [{"name": "b.bin", "resource": f"party.party,{party_id}",
                                                         "data": blob}])
            att, = await c.read("ir.attachment", [att_id], ["data"])
            assert att["data"] == blob
            await c.delete("ir.attachment", [att_id])
            await c.delete("party.party", [party_id])

    run(go())
    assert all(log.outcome == "ok" for log in admin_logs)


def test_expired_session_relogin(server: Any, proxy: FaultProxy) -> None:
    logs: list[RequestLog] = []

    async def go() -> None:
        async with make(proxy.url, server, on_request=logs.append) as c:
            await c.login()
            first_uid = c.user_id
            proxy.schedule(["401"])
            assert await c.search_count("party.party", []) >= 0
            assert c.user_id == first_uid
            # really kill the session on the server (a logout with the same key), then go on
            async with httpx.AsyncClient() as raw:
                r = await raw.post(f"{server.url.rstrip('/')}/{server.database}/rpc/",
                                   headers={"Authorization": c._auth_header()},
                                   json={"id": 1, "method": "common.db.logout", "params": []})
                assert r.status_code == 200
            assert await c.search_count("party.party", []) >= 0

    run(go())
    methods = [(log.method, log.outcome) for log in logs]
    assert methods.count(("common.db.login", "ok")) == 3
    assert methods.count(("model.party.party.search_count", "http_401")) == 2
    assert methods.count(("model.party.party.search_count", "ok")) == 2


IDEMPOTENT_FAULTS = ["500", "502", "504", "429:0.5", "503:1", "503", "timeout:4", "timeout-after-forward:4",
                     "reset", "reset-after-forward", "truncate", "401"]


@pytest.mark.parametrize("fault", IDEMPOTENT_FAULTS)
def test_every_fault_heals_for_idempotent_calls(server: Any, proxy: FaultProxy, fault: str) -> None:
    logs: list[RequestLog] = []

    async def go() -> None:
        async with make(proxy.url, server, on_request=logs.append) as c:
            await c.login()
            expected = await c.search_read("party.party", [], order=[["id", "ASC"]], limit=20, fields=["name"])
            twice = fault != "401" and not fault.startswith("timeout")  # timeouts cost seconds: once is enough
            proxy.schedule([fault, fault] if twice else [fault])
            got = await c.search_read("party.party", [], order=[["id", "ASC"]], limit=20, fields=["name"])
            assert got == expected

    run(go())
    assert proxy.faults_injected == (2 if fault != "401" and not fault.startswith("timeout") else 1)
    assert logs[-1].outcome == "ok" and logs[-1].method == "model.party.party.search_read"


def test_mixed_fault_schedule_and_retry_after(server: Any, proxy: FaultProxy) -> None:
    sleeps = Sleeps()

    async def go() -> None:
        async with make(proxy.url, server, sleep=sleeps, backoff_max=10.0) as c:
            await c.login()
            proxy.schedule(["429:3", "503:2", "500", "truncate", "reset", "429:100", "pass"])
            assert await c.search_count("party.party", []) >= 0

    run(go())
    assert sleeps.delays[:2] == [3.0, 2.0]  # Retry-After honoured exactly
    assert sleeps.delays[5] == 10.0  # ... and capped by backoff_max
    assert all(0 <= d <= 0.25 * 2 ** i for i, d in enumerate(sleeps.delays[2:5], start=2))
    assert proxy.faults_injected == 6


def test_random_faults_idempotent_reads(server: Any, proxy: FaultProxy) -> None:
    async def go() -> None:
        async with make(proxy.url, server, retries=12) as c:
            await c.login()
            expected = await c.search_count("party.party", [])
            proxy.random_faults(0.4, ["500", "429:0", "503:0", "reset", "reset-after-forward", "truncate"], seed=11)
            for _ in range(15):
                assert await c.search_count("party.party", []) == expected

    run(go())
    assert proxy.faults_injected >= 3


@pytest.mark.parametrize("fault", ["timeout-after-forward:4", "reset-after-forward", "truncate"])
def test_create_is_ambiguous_when_the_answer_is_lost(server: Any, proxy: FaultProxy, fault: str) -> None:
    name = unique_name(fault)

    async def go() -> None:
        async with make(proxy.url, server, login="admin") as c:
            await c.login()
            proxy.schedule([fault])
            with pytest.raises(Ambiguous) as info:
                await c.create("party.party", [{"name": name}])
            assert info.value.method == "model.party.party.create"
            # the caller looks the record up by its client id (here the name) before retrying
            found = await c.search("party.party", [["name", "=", name]])
            assert len(found) == 1
            await c.delete("party.party", found)

    run(go())
    assert proxy.forwarded >= 3


@pytest.mark.parametrize("fault", ["reset", "502", "504", "503", "timeout:4"])
def test_create_is_ambiguous_even_if_nothing_arrived(server: Any, proxy: FaultProxy, fault: str) -> None:
    name = unique_name(fault)

    async def go() -> None:
        async with make(proxy.url, server, login="admin") as c:
            await c.login()
            proxy.schedule([fault])
            with pytest.raises(Ambiguous):
                await c.create("party.party", [{"name": name}])
            assert await c.search("party.party", [["name", "=", name]]) == []

    run(go())


@pytest.mark.parametrize("faults", [["500", "500"], ["429:0.5"], ["503:1"], ["401"], ["500", "429:0", "401"]])
def test_create_retries_when_certainly_not_applied(server: Any, proxy: FaultProxy, faults: list[str]) -> None:
    name = unique_name("retry")
    sleeps = Sleeps()

    async def go() -> None:
        async with make(proxy.url, server, login="admin", sleep=sleeps) as c:
            await c.login()
            proxy.schedule(faults)
            ids = await c.create("party.party", [{"name": name}])
            found = await c.search("party.party", [["name", "=", name]])
            assert found == ids and len(ids) == 1
            await c.delete("party.party", ids)

    run(go())
    assert proxy.faults_injected == len(faults)


def test_create_retries_connect_refused_until_the_proxy_is_back(server: Any, proxy: FaultProxy) -> None:
    name = unique_name("refused")
    sleeps = Sleeps(hook=lambda delay: proxy.start() if len(sleeps.delays) == 3 else None)
    logs: list[RequestLog] = []

    async def go() -> None:
        async with make(proxy.url, server, login="admin", sleep=sleeps, on_request=logs.append) as c:
            await c.login()
            proxy.stop()
            ids = await c.create("party.party", [{"name": name}])
            assert await c.search("party.party", [["name", "=", name]]) == ids
            await c.delete("party.party", ids)

    run(go())
    creates = [log.outcome for log in logs if log.method == "model.party.party.create"]
    assert creates == ["connect_error"] * 3 + ["ok"]


def test_offline_through_stopped_proxy(server: Any, proxy: FaultProxy) -> None:
    sleeps = Sleeps()

    async def go() -> None:
        async with make(proxy.url, server, sleep=sleeps, retries=4, rng=random.Random(9)) as c:
            await c.login()
            proxy.stop()
            with pytest.raises(Offline):
                await c.search_count("party.party", [])

    run(go())
    rng = random.Random(9)
    assert sleeps.delays == [rng.uniform(0, 0.25 * 2**i) for i in range(4)]


def test_concurrency_error_from_stale_timestamp(server: Any) -> None:
    async def go() -> None:
        async with make(server.url, server, login="admin") as c:
            pid, = await c.create("party.party", [{"name": unique_name("stale")}])
            try:
                rec, = await c.read("party.party", [pid], ["_timestamp", "name"])
                stale = {"_timestamp": {f"party.party,{pid}": rec["_timestamp"]}}
                await asyncio.sleep(0.01)
                await c.write("party.party", [pid], {"name": unique_name("first")}, context=stale)
                with pytest.raises(ConcurrencyError) as info:
                    await c.write("party.party", [pid], {"name": unique_name("second")}, context=stale)
                assert info.value.type == "ConcurrencyException"
                fresh, = await c.read("party.party", [pid], ["_timestamp"])
                await c.write("party.party", [pid], {"name": "ok"},
                              context={"_timestamp": {f"party.party,{pid}": fresh["_timestamp"]}})
            finally:
                await c.delete("party.party", [pid])

    run(go())


def test_remote_errors_are_not_retried(server: Any, proxy: FaultProxy) -> None:
    code = uuid.uuid4().hex[:10]

    async def go() -> None:
        async with make(proxy.url, server, login="admin") as admin:
            pid, = await admin.create("party.party", [{"name": unique_name("dup"), "code": code}])
            try:
                before = proxy.requests
                with pytest.raises(ValidationFailed) as info:
                    await admin.create("party.party", [{"name": "dup", "code": code}])
                assert info.value.type == "UserError" and proxy.requests == before + 1
            finally:
                await admin.delete("party.party", [pid])
        async with make(proxy.url, server) as rep:
            with pytest.raises(AccessDenied):
                await rep.call("model.res.group.create", [[{"name": unique_name("group")}]], idempotent=False)
            with pytest.raises(AccessDenied):
                await rep.call("model.party.party.no_such_method", [[]])

    run(go())


def test_traceparent_on_every_request(server: Any, proxy: FaultProxy) -> None:
    logs: list[RequestLog] = []

    async def go() -> str:
        async with make(proxy.url, server, on_request=logs.append) as c:
            await c.version()
            await c.login()
            proxy.schedule(["500", "reset", "401"])
            await c.search_count("party.party", [])
            run_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
            c.trace_id = run_trace
            await c.search_count("party.party", [])
            return run_trace

    run_trace = run(go())
    assert len(proxy.seen) == len(logs) >= 9
    spans = []
    for seen, log in zip(proxy.seen, logs, strict=True):
        m = TRACEPARENT.match(seen.headers.get("traceparent", ""))
        assert m, seen.headers
        assert (m.group(1), m.group(2)) == (log.trace_id, log.span_id)
        assert seen.rpc_method == log.method
        spans.append(m.group(2))
    assert len(set(spans)) == len(spans)  # a new span per attempt
    assert len({log.trace_id for log in logs[:-1]}) == 1 and logs[-1].trace_id == run_trace
    assert all(log.duration_ms >= 0 for log in logs)


def test_no_secrets_in_logs(server: Any, proxy: FaultProxy, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    password = server.users[REP]
    secrets_seen: list[str] = []

    async def go() -> None:
        async with make(proxy.url, server) as c:
            proxy.schedule(["500", "pass", "pass", "401", "truncate"])
            await c.search_count("party.party", [])
            secrets_seen.extend([c._session or "", c._auth_header()])
            await c.logout()

    run(go())
    text = caplog.text
    assert "common.db.login" in text and "model.party.party.search_count" in text
    assert password not in text
    for secret in secrets_seen:
        assert secret and secret not in text
        assert secret.removeprefix("Session ") not in text
    assert "Authorization" not in text and "authorization" not in text


def test_cancellation_mid_request(server: Any, proxy: FaultProxy) -> None:
    logs: list[RequestLog] = []

    async def go() -> float:
        async with make(proxy.url, server, on_request=logs.append,
                        timeout=httpx.Timeout(connect=2.0, read=30.0, write=2.0, pool=2.0)) as c:
            await c.login()
            proxy.schedule(["timeout:10"])
            task = asyncio.create_task(c.search_count("party.party", []))
            await asyncio.sleep(0.5)
            start = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            elapsed = time.monotonic() - start
            assert await c.search_count("party.party", []) >= 0  # the connector is still usable
            return elapsed

    assert run(go()) < 1.0
    outcomes = [log.outcome for log in logs if log.method == "model.party.party.search_count"]
    assert outcomes == ["cancelled", "ok"]


def test_bad_password_is_auth_failed_without_retry(server: Any, proxy: FaultProxy) -> None:
    sleeps = Sleeps()

    async def go() -> None:
        nobody = f"nobody.{uuid.uuid4().hex[:8]}"  # a fresh login: Tryton delays logins after failures
        c = TrytonConnector(proxy.url, server.database, nobody, lambda: "wrong-password",
                            sleep=sleeps, timeout=FAST)
        async with c:
            with pytest.raises(AuthFailed):
                await c.login()

    run(go())
    assert proxy.requests == 1 and sleeps.delays == []


def test_unknown_database_is_a_protocol_error(server: Any) -> None:
    async def go() -> None:
        c = TrytonConnector(server.url, "no_such_db_" + uuid.uuid4().hex[:6], "x", lambda: "y", timeout=FAST)
        async with c:
            with pytest.raises((ProtocolError, AuthFailed)):
                await c.login()

    run(go())
