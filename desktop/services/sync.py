"""Sync with the central system, wired for a workspace: settings, password, one run at a time, the record of the
last run, offline edits of rep-editable fields, and the conflicts the rep decides.

`run_sync` is a coroutine: the CLI drives it with `asyncio.run`, the app on its qasync loop; the store calls go to
the `run_local` the caller gives (the app's `db` executor) or run inline.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import fcntl
import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import apsw

from sync import contract as contract_mod
from sync.contract import Contract, ContractError
from sync.engine import Progress, SyncEngine, SyncReport, new_trace_id
from sync.errors import AuthFailed, Offline, RemoteError, SyncError

from ..changes import Changes
from ..errors import (
    CentralRefused,
    CentralUnavailable,
    InvalidInput,
    NotConnected,
    NotFound,
    RepDeskError,
    SyncBusy,
)
from ..secrets import PasswordStore
from ..settings import check_central_allowed, load_settings
from ..store import now_iso, outbox
from ..store.syncstate import StoreSide
from ..workspace import Workspace

log = logging.getLogger(__name__)

LAST_SYNC_KEY = "sync.last"
FULL_CHECK_KEY = "sync.full_check_at"
FULL_CHECK_EVERY = _dt.timedelta(hours=6)


def _full_check_due(ws: Workspace) -> bool:
    """Compare id lists both ways (not just counts) on the first sync and every few hours."""
    row = ws.store.conn.execute("SELECT value FROM meta WHERE key = ?", (FULL_CHECK_KEY,)).fetchone()
    if row is None:
        return True
    try:
        last = _dt.datetime.fromisoformat(row[0].replace("Z", "+00:00"))
    except ValueError:
        return True
    return _dt.datetime.now(_dt.UTC) - last > FULL_CHECK_EVERY


@dataclass(frozen=True)
class CentralSettings:
    kind: str
    url: str
    database: str
    login: str

    @classmethod
    def of(cls, ws: Workspace) -> CentralSettings:
        raw = ws.info.settings.get("central")
        if not raw:
            raise NotConnected(f"the workspace at {ws.folder} is not connected to a central system; "
                               "use `repdesk connect tryton --url URL --database DB --user USER`")
        return cls(raw["kind"], raw["url"], raw["database"], raw["login"])


def load_contract() -> Contract:
    try:
        return contract_mod.load()
    except ContractError as exc:
        raise RepDeskError(f"the sync data contract is invalid: {exc}") from None


def _connector(settings: CentralSettings, password: Callable[[], str], **kwargs: Any):
    from sync.jsonrpc import TrytonConnector

    if settings.kind != "tryton":
        raise RepDeskError(f"unknown central system kind {settings.kind!r}")
    return TrytonConnector(settings.url, settings.database, settings.login, password, **kwargs)


async def check_login(settings: CentralSettings, password: str, **kwargs: Any) -> dict:
    """Log in once (for `connect`): the server's version and who we are, or a clear error."""
    try:
        async with _connector(settings, lambda: password, **kwargs) as c:
            version = await c.version()
            await c.login()
            info = {"version": version, "user_id": c.user_id, "employee": (c.context or {}).get("employee")}
            await c.logout()
            return info
    except AuthFailed:
        raise CentralRefused(f"{settings.url}: wrong user name or password for {settings.login!r}") from None
    except Offline as exc:
        raise CentralUnavailable(f"{settings.url} cannot be reached ({exc})") from None
    except RemoteError as exc:
        raise CentralRefused(f"{settings.url} refused: {exc}") from None
    except SyncError as exc:     # e.g. an unknown database (the server answers 404)
        raise CentralRefused(f"{settings.url}: {exc}") from None


def connect(ws: Workspace, settings: CentralSettings, password: str, passwords: PasswordStore | None = None,
            **kwargs: Any) -> tuple[dict, bool]:
    """Check the credentials, then remember the settings (workspace manifest) and the password (keyring only).
    Returns the server info and whether the password was stored."""
    if ws.info.kind == "demo":
        raise InvalidInput(f"the workspace at {ws.folder} is a demo; connect a new one with --workspace PATH")
    current = ws.info.settings.get("central")
    if current and (current["url"], current["database"], current["login"]) != (
            settings.url, settings.database, settings.login):
        raise InvalidInput(f"the workspace at {ws.folder} is already connected to {current['url']} as "
                           f"{current['login']}; use another workspace for another system or user")
    check_central_allowed(settings.url, settings.database, settings.login)   # IT's policy may pin the system
    info = asyncio.run(check_login(settings, password, **kwargs))
    ws.info.kind = "central"
    ws.info.settings["central"] = asdict(settings)
    ws.save_info()
    stored = (passwords or PasswordStore()).set(ws.info.id, settings.login, password)
    return info, stored


@contextlib.contextmanager
def _sync_lock(ws: Workspace) -> Iterator[None]:
    path = ws.folder / "sync.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy("another sync of this workspace is running") from None
        yield
    finally:
        os.close(fd)


async def run_sync(ws: Workspace, password: Callable[[], str] | None = None, *,
                   on_progress: Callable[[Progress], None] | None = None,
                   run_local: Callable[..., Awaitable[Any]] | None = None,
                   page_size: int = 500, contract: Contract | None = None,
                   **connector_kwargs: Any) -> SyncReport:
    """Push the outbox, pull the rep's book, record the outcome. Raises CentralUnavailable / CentralRefused /
    SyncBusy with one-line messages; local changes stay queued whatever happens."""
    settings = CentralSettings.of(ws)
    try:
        check_central_allowed(settings.url, settings.database, settings.login)
    except InvalidInput as exc:
        raise CentralRefused(f"not synced: {exc}") from None
    contract = contract or load_contract()
    if password is None:
        stored = PasswordStore().get(ws.info.id, settings.login)
        if stored is None:
            raise CentralRefused(f"no password for {settings.login!r} on this machine: set REPDESK_PASSWORD or "
                                 "run `repdesk connect` again")
        password = lambda: stored  # noqa: E731
    side = StoreSide(ws.store, contract)
    started = now_iso()
    full_done = False
    report = SyncReport()
    error = ""
    try:
        with _sync_lock(ws):
            async with _connector(settings, password, **connector_kwargs) as c:
                c.trace_id = new_trace_id()
                report.trace_id = c.trace_id
                await c.login()
                engine = SyncEngine(c, contract, side, page_size=page_size, on_progress=on_progress,
                                    run_local=run_local)
                engine.full_check = _full_check_due(ws)
                report = await engine.run()
                if engine.full_check and not report.errors:
                    full_done = True
                report.errors.extend(f"{entity} {rid} from the centre not stored locally: {why}"
                                     for entity, rid, why in side.rejected)
                with contextlib.suppress(SyncError):
                    await c.logout()
    except AuthFailed:
        error = f"wrong password for {settings.login!r} at {settings.url}"
        raise CentralRefused(error) from None
    except Offline as exc:
        error = f"{settings.url} cannot be reached ({exc}); your changes stay queued"
        raise CentralUnavailable(error) from None
    except RemoteError as exc:
        error = f"{settings.url} refused: {exc}"
        raise CentralRefused(error) from None
    except SyncError as exc:
        error = str(exc)
        raise CentralUnavailable(error) from None
    finally:
        record = {"started_at": started, "finished_at": now_iso(), "ok": not error, "error": error,
                  "trace_id": report.trace_id, "seconds": round(report.seconds, 3), "pulled": report.pulled,
                  "pushed": report.pushed, "conflicts": report.conflicts, "failed": report.failed}
        def save() -> None:
            def write(conn: apsw.Connection) -> None:
                upsert = ("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                          "value = excluded.value")
                conn.execute(upsert, (LAST_SYNC_KEY, json.dumps(record)))
                if full_done:
                    conn.execute(upsert, (FULL_CHECK_KEY, record["finished_at"]))

            ws.store.run(write)

        with contextlib.suppress(apsw.Error, RepDeskError):
            if run_local is not None:
                await run_local(save)
            else:
                save()
    return report


def status(ws: Workspace) -> dict:
    conn = ws.store.conn
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (LAST_SYNC_KEY,)).fetchone()
    counts = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    central = ws.info.settings.get("central")
    return {
        "connected": bool(central),
        "central": central or {},
        "last_sync": json.loads(row[0]) if row else None,
        "outbox_pending": counts.get("pending", 0) + counts.get("sent", 0),
        "outbox_failed": counts.get("failed", 0),
        "outbox_done": counts.get("done", 0),
        "conflicts_open": conn.execute("SELECT count(*) FROM sync_conflicts WHERE state = 'open'").fetchone()[0],
        "cursors": {m: c for m, c in conn.execute("SELECT model, cursor FROM sync_cursors ORDER BY model")},
    }


# -- offline edits of rep-editable fields ----------------------------------------------------------------

def _check_value(spec, value: Any) -> Any:
    t = spec.type
    if value is None or value == "":
        if t in ("int", "float", "money"):
            raise InvalidInput(f"{spec.name} needs a value")
        return None if t in ("date", "consent") else ""
    try:
        if t == "int":
            return int(value)
        if t == "float":
            return float(value)
        if t == "money":
            return int(value)
        if t == "date":
            return _dt.date.fromisoformat(str(value)).isoformat()
        if t == "consent":
            v = {"in": 1, "out": 0, "1": 1, "0": 0, 1: 1, 0: 0}[int(value) if isinstance(value, bool) else value]
            return v
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(f"{spec.name}: {value!r} is not a valid {t}") from None
    return str(value).strip()


def edit(ws: Workspace, entity: str, local_id: int, changes: dict[str, Any], contract: Contract | None = None
         ) -> Changes:
    """Save a rep's edit locally at once (marked dirty) and queue it, with the values before the edit as the
    three-way merge base. Only fields the data contract marks editable may change."""
    contract = contract or load_contract()
    try:
        spec = contract.entity(entity)
    except ContractError as exc:
        raise InvalidInput(str(exc)) from None
    editable = spec.editable
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise InvalidInput(f"{entity}: {', '.join(unknown)} cannot be edited offline (the data contract says who "
                           "owns it)")
    if not changes:
        raise InvalidInput("nothing to change")
    values = {k: _check_value(editable[k], v) for k, v in changes.items()}
    if entity == "opportunity":
        if "probability" in values and values["probability"] is not None and not 0 <= values["probability"] <= 100:
            raise InvalidInput("probability must be between 0 and 100")
        if "stage" in values and values["stage"] not in ("lead", "qualified", "proposal", "negotiation", "won",
                                                          "lost"):
            raise InvalidInput(f"unknown stage {values['stage']!r}")
        if "amount_cents" in values and (values["amount_cents"] or 0) < 0:
            raise InvalidInput("the amount cannot be negative")

    def write(conn: apsw.Connection) -> bool:
        cur = conn.execute(f"SELECT {', '.join(values)} FROM {spec.table} WHERE id = ? AND deleted = 0",
                           (local_id,))
        row = cur.fetchone()
        if row is None:
            raise NotFound(f"no {entity} with id {local_id}")
        base = dict(zip(values, row, strict=True))
        changed = {k: v for k, v in values.items() if v != base[k]}
        if not changed:
            return False
        now = now_iso()
        sets = {**changed, "dirty": 1}
        if "updated_at" in {r[1] for r in conn.execute(f"PRAGMA table_info({spec.table})")}:
            sets["updated_at"] = now
        conn.execute(f"UPDATE {spec.table} SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                     (*sets.values(), local_id))
        outbox.enqueue(conn, client_id=uuid.uuid4().hex, entity=entity, local_id=local_id, op="write",
                       payload=changed, base={k: base[k] for k in changed}, now=now)
        return True

    if not ws.store.run(write):
        return Changes()                   # the values were already these: nothing to queue
    return Changes(outbox=True, **{_CHANGES.get(entity, "accounts"): True})


_CHANGES = {"opportunity": "opportunities", "contact": "contacts", "account": "accounts"}


# -- conflicts ---------------------------------------------------------------------------------------------

def list_conflicts(ws: Workspace, include_resolved: bool = False) -> list[dict]:
    sql = ("SELECT id, entity, local_id, field, base_value, local_value, central_value, rule, state, resolution, "
           "created_at FROM sync_conflicts")
    if not include_resolved:
        sql += " WHERE state = 'open'"
    out = []
    for r in ws.store.conn.execute(sql + " ORDER BY id"):
        out.append({"id": r[0], "entity": r[1], "local_id": r[2], "field": r[3], "base": json.loads(r[4] or "null"),
                    "local": json.loads(r[5] or "null"), "central": json.loads(r[6] or "null"), "rule": r[7],
                    "state": r[8], "resolution": r[9], "created_at": r[10]})
    return out


def resolve_conflict(ws: Workspace, conflict_id: int, keep: str, contract: Contract | None = None) -> Changes:
    """The rep decides: keep the local value (queued as a write over the central one) or take the central one."""
    if keep not in ("local", "central"):
        raise InvalidInput("keep must be 'local' or 'central'")
    contract = contract or load_contract()

    def write(conn: apsw.Connection) -> None:
        row = conn.execute("SELECT entity, local_id, field, local_value, central_value, state FROM sync_conflicts "
                           "WHERE id = ?", (conflict_id,)).fetchone()
        if row is None:
            raise NotFound(f"no conflict with id {conflict_id}")
        entity, local_id, field, local_json, central_json, state = row
        if state != "open":
            raise InvalidInput(f"conflict {conflict_id} is already resolved")
        spec = contract.entity(entity)
        local_v, central_v = json.loads(local_json or "null"), json.loads(central_json or "null")
        now = now_iso()
        if keep == "central":
            conn.execute(f"UPDATE {spec.table} SET {field} = ? WHERE id = ?", (central_v, local_id))
        else:
            conn.execute(f"UPDATE {spec.table} SET {field} = ?, dirty = 1 WHERE id = ?", (local_v, local_id))
            outbox.enqueue(conn, client_id=uuid.uuid4().hex, entity=entity, local_id=local_id, op="write",
                           payload={field: local_v}, base={field: central_v}, now=now)
        conn.execute("UPDATE sync_conflicts SET state = 'resolved', resolution = ?, resolved_at = ? WHERE id = ?",
                     (f"kept_{keep}", now, conflict_id))

    ws.store.run(write)
    return Changes(conflicts=True, outbox=keep == "local", accounts=True, contacts=True, opportunities=True)


# -- scheduling ---------------------------------------------------------------------------------------------

DEFAULT_INTERVAL_MINUTES = 15


def interval_minutes(ws: Workspace) -> int:
    """The workspace's sync interval (workspace.json `settings.sync.interval_minutes`, validated, default 15),
    unless IT's managed policy sets it (desktop/settings.py)."""
    return load_settings(ws).values.sync_interval_minutes


@dataclass
class SchedulerEvent:
    kind: str                      # "started", "progress", "finished", "offline", "refused", "busy", "failed"
    report: SyncReport | None = None
    progress: Progress | None = None
    message: str = ""
    next_in_s: float | None = None


class SyncScheduler:
    """Sync on start, every N minutes, on demand (`request`), and — after an outage — as soon as the server
    answers again (probing with growing delays, 5 s → 5 min). One run at a time; events go to `on_event` on the
    event loop's thread. No Qt here: the app runs it on its qasync loop."""

    def __init__(self, ws: Workspace, on_event: Callable[[SchedulerEvent], None], *,
                 run_local: Callable[..., Awaitable[Any]] | None = None,
                 runner: Callable[..., Awaitable[SyncReport]] | None = None,
                 probe_delays: tuple[float, ...] = (5, 15, 30, 60, 120, 300), **runner_kwargs: Any) -> None:
        self.ws = ws
        self.runner_kwargs = runner_kwargs
        self.on_event = on_event
        self.run_local = run_local
        self.runner = runner or run_sync
        self.probe_delays = probe_delays
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopped = False
        self.running = False
        self.offline = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_event_loop().create_task(self._loop())

    def request(self) -> None:
        """Sync now (a request while one runs is merged into a run right after it)."""
        self._wake.set()

    async def stop(self) -> None:
        self._stopped = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        failures = 0
        while not self._stopped:
            self._wake.clear()
            self.running = True
            self.on_event(SchedulerEvent("started"))
            delay = interval_minutes(self.ws) * 60.0
            try:
                report = await self.runner(self.ws, on_progress=lambda p: self.on_event(
                    SchedulerEvent("progress", progress=p)), run_local=self.run_local, **self.runner_kwargs)
                failures = 0
                self.offline = False
                self.on_event(SchedulerEvent("finished", report=report, next_in_s=delay))
            except CentralUnavailable as exc:
                self.offline = True
                delay = self.probe_delays[min(failures, len(self.probe_delays) - 1)]
                failures += 1
                self.on_event(SchedulerEvent("offline", message=str(exc), next_in_s=delay))
            except CentralRefused as exc:
                self.on_event(SchedulerEvent("refused", message=str(exc), next_in_s=delay))
            except SyncBusy as exc:
                self.on_event(SchedulerEvent("busy", message=str(exc), next_in_s=delay))
            except RepDeskError as exc:
                self.on_event(SchedulerEvent("failed", message=str(exc), next_in_s=delay))
            except Exception as exc:  # noqa: BLE001 - a bug must not stop automatic sync for the session
                log.error("sync failed unexpectedly", exc_info=True)
                self.on_event(SchedulerEvent("failed", message=f"{type(exc).__name__}: {exc}", next_in_s=delay))
            finally:
                self.running = False
            if self._stopped:
                break
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
