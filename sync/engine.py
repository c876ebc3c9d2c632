"""The sync engine: push the outbox exactly once, then pull every entity incrementally, then stock, then detect
deletions — against any central system behind a connector with Tryton's API, into any local side that
implements `LocalSide` (the desktop's store adapter).

Exactly once: an outbox entry is marked *sent* in the local store before its request leaves; a create carries
the client-generated id, and whenever the answer may have been lost (an `Ambiguous` failure, or a *sent* entry
found after a crash) the id is looked up centrally before anything is sent again. The central model refuses a
second record with the same id, as a backstop. Writes are idempotent by comparison: the central record is read
first and only fields that still differ are written, with Tryton's `_timestamp` so a concurrent edit is caught.

Pull: keyset pagination on (last_modified_at, id) — every page is applied in one local transaction together with
the advanced cursor, so a crash loses nothing and a restart resumes where it stopped, and records sharing one
timestamp across pages are neither skipped nor repeated.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .contract import Contract, EntitySpec, FieldSpec, read_path, same, to_central, to_local
from .errors import Ambiguous, ConcurrencyError, RemoteError, SyncError, ValidationFailed

log = logging.getLogger(__name__)

ORDER = [["last_modified_at", "ASC"], ["id", "ASC"]]
MAX_MERGE_ROUNDS = 3


# -- what the engine exchanges with the local side ---------------------------------------------------------

@dataclass(frozen=True)
class PulledRow:
    remote_id: int
    values: dict[str, Any]              # local column -> local value; refs are *central* ids
    active: bool = True
    client_id: str | None = None


@dataclass(frozen=True)
class OutboxItem:
    id: int
    client_id: str
    entity: str
    local_id: int
    op: str                             # create / write
    payload: dict[str, Any]             # for writes: the fields the rep changed, local representation
    base: dict[str, Any]                # for writes: their values before the edit (three-way merge base)
    state: str                          # pending / sent (sent = may have reached the centre)
    attempts: int = 0


@dataclass(frozen=True)
class Conflict:
    entity: str
    local_id: int
    field: str
    base: Any
    local: Any
    central: Any
    rule: str
    resolved: bool                      # central_wins / local_wins are settled by the contract; ask waits


@dataclass
class EntityReport:
    pulled: int = 0
    tombstoned: int = 0
    pushed: int = 0
    conflicts: int = 0
    failed: int = 0


@dataclass
class SyncReport:
    trace_id: str = ""
    entities: dict[str, EntityReport] = field(default_factory=dict)
    stock_rows: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def of(self, entity: str) -> EntityReport:
        return self.entities.setdefault(entity, EntityReport())

    @property
    def pulled(self) -> int:
        return sum(e.pulled for e in self.entities.values())

    @property
    def pushed(self) -> int:
        return sum(e.pushed for e in self.entities.values())

    @property
    def conflicts(self) -> int:
        return sum(e.conflicts for e in self.entities.values())

    @property
    def failed(self) -> int:
        return sum(e.failed for e in self.entities.values())


@dataclass(frozen=True)
class Progress:
    phase: str                          # "push", "pull:<entity>", "stock", "deletions"
    done: int
    total: int | None


class LocalSide(Protocol):
    """What the engine needs from the local store. Each method is one local transaction."""

    def cursor(self, entity: str) -> tuple[str, int] | None: ...
    def apply_page(self, spec: EntitySpec, rows: list[PulledRow], cursor: tuple[str, int]) -> int: ...
    def remote_ids(self, spec: EntitySpec) -> set[int]: ...
    def tombstone(self, spec: EntitySpec, remote_ids: Iterable[int]) -> int: ...
    def warehouses(self) -> list[int]: ...
    def set_stock(self, rows: list[tuple[int, int, float, float]], as_of: str) -> int: ...
    def pending(self, limit: int, after_id: int = 0) -> list[OutboxItem]: ...
    def mark_sending(self, item_id: int) -> None: ...
    def mark_done(self, item: OutboxItem, remote_id: int | None) -> None: ...
    def mark_failed(self, item: OutboxItem, error: str) -> None: ...
    def remote_id(self, entity: str, local_id: int) -> int | None: ...
    def push_values(self, spec: EntitySpec, local_id: int) -> dict[str, Any]: ...
    def accept_central(self, spec: EntitySpec, local_id: int, values: dict[str, Any]) -> None: ...
    def record_conflicts(self, conflicts: list[Conflict]) -> None: ...


class Connector(Protocol):
    user_id: int | None
    context: dict
    trace_id: str

    async def search_read(self, model: str, domain: list, offset: int = 0, limit: int | None = None,
                          order: list | None = None, fields: list[str] | None = None,
                          context: dict | None = None) -> list[dict]: ...
    async def search(self, model: str, domain: list, offset: int = 0, limit: int | None = None,
                     order: list | None = None, context: dict | None = None) -> list[int]: ...
    async def search_count(self, model: str, domain: list, context: dict | None = None) -> int: ...
    async def read(self, model: str, ids: list[int], fields: list[str], context: dict | None = None) -> list[dict]: ...
    async def create(self, model: str, vlist: list[dict], context: dict | None = None) -> list[int]: ...
    async def write(self, model: str, *args: Any, context: dict | None = None) -> None: ...


def _run_direct(fn: Callable[..., Any], *args: Any) -> Awaitable[Any]:
    fut: asyncio.Future = asyncio.get_running_loop().create_future()
    try:
        fut.set_result(fn(*args))
    except BaseException as exc:  # noqa: BLE001 - re-raised by the await
        fut.set_exception(exc)
    return fut


def new_trace_id() -> str:
    return os.urandom(16).hex()


class SyncEngine:
    """One sync run at a time per workspace. ``run_local`` moves local-store calls to the store's thread (the
    desktop passes its `db` executor); by default they run inline."""

    def __init__(self, connector: Connector, contract: Contract, local: LocalSide, *, page_size: int = 500,
                 on_progress: Callable[[Progress], None] | None = None,
                 run_local: Callable[..., Awaitable[Any]] | None = None,
                 clock: Callable[[], _dt.datetime] | None = None) -> None:
        self.c = connector
        self.contract = contract
        self.local = local
        self.page_size = page_size
        self.on_progress = on_progress
        self._run_local = run_local or _run_direct
        self._clock = clock or (lambda: _dt.datetime.now(_dt.UTC))
        self.full_check = False          # compare id lists even when the counts agree (the caller decides when)

    async def _l(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await self._run_local(fn, *args)

    def _progress(self, phase: str, done: int, total: int | None) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(phase, done, total))

    def _domain(self, spec: EntitySpec) -> list:
        subs = {"$user_id": self.c.user_id, "$employee_id": (self.c.context or {}).get("employee")}

        def fill(node: Any) -> Any:
            if isinstance(node, list):
                return [fill(n) for n in node]
            if isinstance(node, str) and node in subs:
                if subs[node] is None:
                    raise SyncError(f"the central user has no {node[1:]} (needed by the contract for {spec.name})")
                return subs[node]
            return node

        return fill(spec.domain)

    # -- the run ------------------------------------------------------------------------------------------
    async def run(self, push: bool = True, pull: bool = True) -> SyncReport:
        report = SyncReport(trace_id=self.c.trace_id)
        t0 = time.perf_counter()
        if push:
            await self.push(report)
        if pull:
            for spec in self.contract.pull_order():
                await self.pull(spec, report)
            if self.contract.stock_model:
                await self.pull_stock(report)
            for spec in self.contract.pull_order():
                await self.detect_deletions(spec, report, full=self.full_check)
            if push:   # writes deferred until their record's create went through
                await self.push(report)
        report.seconds = time.perf_counter() - t0
        return report

    # -- pull ---------------------------------------------------------------------------------------------
    async def pull(self, spec: EntitySpec, report: SyncReport) -> int:
        base_domain = self._domain(spec)
        cursor = await self._l(self.local.cursor, spec.name)
        fields = spec.read_fields()
        context = {"active_test": False}
        total = None
        if cursor is None:
            total = await self.c.search_count(spec.model, base_domain, context=context)
        done = 0
        while True:
            domain = list(base_domain)
            if cursor is not None:
                stamp = _parse_stamp(cursor[0])
                domain.append(["OR", ["last_modified_at", ">", stamp],
                               [["last_modified_at", "=", stamp], ["id", ">", cursor[1]]]])
            records = await self.c.search_read(spec.model, domain, 0, self.page_size, ORDER, fields, context)
            if not records:
                break
            rows = [self._row(spec, r) for r in records]
            last = records[-1]
            cursor = (_format_stamp(last["last_modified_at"]), int(last["id"]))
            await self._l(self.local.apply_page, spec, rows, cursor)
            done += len(rows)
            self._progress(f"pull:{spec.name}", done, total)
            if len(records) < self.page_size:
                break
        report.of(spec.name).pulled += done
        return done

    def _row(self, spec: EntitySpec, record: dict) -> PulledRow:
        values = {}
        for name, f in spec.fields.items():
            value = read_path(record, f.central)
            if value is None and f.fallback:
                value = read_path(record, f.fallback)
            values[name] = to_local(f, value)
        active = record.get("active", True)
        client_id = record.get(spec.client_id) if spec.client_id else None
        return PulledRow(int(record["id"]), values, bool(active) if active is not None else True,
                         client_id or None)

    async def pull_stock(self, report: SyncReport) -> int:
        """Stock per warehouse: quantities in a location context (Tryton computes them; no cursor applies)."""
        rows: list[tuple[int, int, float, float]] = []
        warehouses = await self._l(self.local.warehouses)
        for i, wh in enumerate(warehouses, 1):
            records = await self.c.search_read(self.contract.stock_model, [], 0, None, [["id", "ASC"]],
                                               ["id", "quantity", "forecast_quantity"],
                                               {"locations": [wh], "with_childs": True})
            rows.extend((int(r["id"]), wh, float(r.get("quantity") or 0), float(r.get("forecast_quantity") or 0))
                        for r in records)
            self._progress("stock", i, len(warehouses))
        as_of = self._clock().astimezone(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        n = await self._l(self.local.set_stock, rows, as_of)
        report.stock_rows += n
        return n

    async def detect_deletions(self, spec: EntitySpec, report: SyncReport, full: bool = False) -> int:
        """Reconcile the id sets both ways. Records gone centrally (deleted, or moved out of the rep's book) become
        local tombstones; records the centre has but this laptop lacks (a row skipped because its parent was not
        here yet, children of a record newly assigned to the rep, a commit that landed behind the cursor) are
        fetched by id. Counts first: when they agree (and no full check is due) no id list is fetched."""
        context = {"active_test": False}
        domain = self._domain(spec)
        local_ids = await self._l(self.local.remote_ids, spec)
        central_count = await self.c.search_count(spec.model, domain, context=context)
        if central_count == len(local_ids) and not full:
            return 0
        central_ids = set(await self.c.search(spec.model, domain, 0, None, [["id", "ASC"]], context=context))
        gone = local_ids - central_ids
        n = await self._l(self.local.tombstone, spec, sorted(gone)) if gone else 0
        report.of(spec.name).tombstoned += n
        missing = sorted(central_ids - local_ids)
        fetched = 0
        fields = spec.read_fields()
        cursor = await self._l(self.local.cursor, spec.name)
        for i in range(0, len(missing), self.page_size):
            chunk = missing[i:i + self.page_size]
            records = await self.c.search_read(spec.model, [["id", "in", chunk]], 0, None, [["id", "ASC"]], fields,
                                               context)
            if records and cursor is not None:   # apply without moving the cursor
                fetched += await self._l(self.local.apply_page, spec, [self._row(spec, r) for r in records],
                                         cursor)
        report.of(spec.name).pulled += fetched
        self._progress("deletions", n, None)
        return n

    # -- push ---------------------------------------------------------------------------------------------
    async def push(self, report: SyncReport) -> int:
        done = 0
        skipped: set[int] = set()
        after = 0
        while True:
            items = await self._l(self.local.pending, 200, after)
            if not items:
                break
            after = items[-1].id          # deferred items do not block the ones behind them
            for item in items:
                try:
                    ok = await self._push_one(item, report)
                except (ValidationFailed, RemoteError) as exc:
                    if isinstance(exc, ConcurrencyError):
                        raise
                    await self._l(self.local.mark_failed, item, f"{exc}")
                    report.of(item.entity).failed += 1
                    report.errors.append(f"{item.entity} {item.local_id}: {exc}")
                    skipped.add(item.id)
                    continue
                if ok:
                    done += 1
                    report.of(item.entity).pushed += 1
                else:
                    skipped.add(item.id)
                self._progress("push", done, None)
        return done

    async def _push_one(self, item: OutboxItem, report: SyncReport) -> bool:
        spec = self.contract.entities.get(item.entity)
        if spec is None or item.op not in spec.push:
            await self._l(self.local.mark_failed, item, f"the data contract does not push {item.op} of {item.entity}")
            report.of(item.entity).failed += 1
            return False
        if item.op == "create":
            return await self._push_create(spec, item)
        return await self._push_write(spec, item, report)

    async def _find(self, spec: EntitySpec, client_id: str) -> int | None:
        ids = await self.c.search(spec.model, [[spec.client_id, "=", client_id]], 0, 1, None,
                                  context={"active_test": False})
        return int(ids[0]) if ids else None

    async def _push_create(self, spec: EntitySpec, item: OutboxItem) -> bool:
        assert spec.client_id
        if item.state == "sent" or item.attempts:
            found = await self._find(spec, item.client_id)      # the last attempt may have arrived
            if found is not None:
                await self._l(self.local.mark_done, item, found)
                return True
        values = await self._central_values(spec, item.local_id)
        if values is None:
            return False        # a referenced record is not central yet: later
        values[spec.client_id] = item.client_id
        for _ in range(3):
            await self._l(self.local.mark_sending, item.id)
            try:
                (remote_id,) = await self.c.create(spec.model, [values])
            except Ambiguous:
                found = await self._find(spec, item.client_id)
                if found is not None:
                    await self._l(self.local.mark_done, item, found)
                    return True
                continue
            except ValidationFailed:
                found = await self._find(spec, item.client_id)  # the unique client id said "already there"
                if found is not None:
                    await self._l(self.local.mark_done, item, found)
                    return True
                raise
            await self._l(self.local.mark_done, item, int(remote_id))
            return True
        raise SyncError(f"{spec.name} {item.local_id}: the create could not be confirmed")

    async def _central_values(self, spec: EntitySpec, local_id: int) -> dict[str, Any] | None:
        local = await self._l(self.local.push_values, spec, local_id)
        out: dict[str, Any] = {}
        for name, f in spec.fields.items():
            if not f.push or "." in f.central or name not in local:
                continue
            value = local[name]
            if f.type == "ref":
                if value is None:
                    if not f.optional:
                        return None
                    continue
                remote = await self._l(self.local.remote_id, f.ref, int(value))
                if remote is None:
                    if f.optional:
                        continue
                    return None
                value = remote
            out[f.central] = to_central(f, value)
        return out

    async def _push_write(self, spec: EntitySpec, item: OutboxItem, report: SyncReport) -> bool:
        remote_id = await self._l(self.local.remote_id, spec.name, item.local_id)
        if remote_id is None:
            return False
        editable = spec.editable
        names = [n for n in item.payload if n in editable]
        if not names:
            await self._l(self.local.mark_done, item, remote_id)
            return True
        for _ in range(MAX_MERGE_ROUNDS):
            fields = sorted({editable[n].central for n in names} | {"_timestamp"})
            records = await self.c.read(spec.model, [remote_id], fields, context={"active_test": False})
            if not records:
                await self._l(self.local.mark_failed, item, "the record no longer exists centrally")
                report.of(spec.name).failed += 1
                return False
            central_rec = records[0]
            to_write: dict[str, Any] = {}
            take_central: dict[str, Any] = {}
            conflicts: list[Conflict] = []
            for n in names:
                f: FieldSpec = editable[n]
                local_v = item.payload[n]
                base_v = item.base.get(n)
                central_v = to_local(f, central_rec.get(f.central))
                if same(f, central_v, local_v):
                    continue                                    # already there (a replay, or both agree)
                if same(f, central_v, base_v):
                    to_write[f.central] = to_central(f, local_v)   # only we changed it
                    continue
                # both changed it: the contract decides
                if f.rule == "local_wins":
                    to_write[f.central] = to_central(f, local_v)
                elif f.rule == "central_wins":
                    take_central[n] = central_v
                conflicts.append(Conflict(spec.name, item.local_id, n, base_v, local_v, central_v, f.rule,
                                          f.rule != "ask"))
            if to_write:
                stamp = central_rec.get("_timestamp")
                ctx = {"_timestamp": {f"{spec.model},{remote_id}": stamp}} if stamp else {}
                await self._l(self.local.mark_sending, item.id)
                try:
                    await self.c.write(spec.model, [remote_id], to_write, context=ctx)
                except ConcurrencyError:
                    continue                                    # edited meanwhile: read and merge again
                except Ambiguous:
                    continue                                    # the next round compares again
            if take_central:
                await self._l(self.local.accept_central, spec, item.local_id, take_central)
            if conflicts:
                await self._l(self.local.record_conflicts, conflicts)
                report.of(spec.name).conflicts += len(conflicts)
            await self._l(self.local.mark_done, item, remote_id)
            return True
        raise SyncError(f"{spec.name} {item.local_id}: kept changing centrally; try again")


def _parse_stamp(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text)


def _format_stamp(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    return str(value)
