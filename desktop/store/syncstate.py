"""The local side of sync (`sync.engine.LocalSide`) over the encrypted store: generic over the data contract's
tables, one transaction per call. Runs on the thread that owns the store's writer connection (the `db` executor
in the app, the main thread in the CLI).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import apsw

from sync.contract import Contract, EntitySpec
from sync.engine import Conflict, OutboxItem, PulledRow

from . import Store, now_iso

log = logging.getLogger(__name__)

GONE = 2        # deleted centrally or moved out of the rep's book (1 = archived centrally, 0 = live)


class StoreSide:
    def __init__(self, store: Store, contract: Contract) -> None:
        self.store = store
        self.contract = contract
        self._columns: dict[str, dict[str, tuple[bool, Any]]] = {}
        self.rejected: list[tuple[str, int, str]] = []      # (entity, remote id, why) rows not stored this run

    @property
    def conn(self) -> apsw.Connection:
        return self.store.conn

    def _cols(self, table: str) -> dict[str, tuple[bool, Any]]:
        """column -> (NOT NULL, has default) for a table."""
        if table not in self._columns:
            self._columns[table] = {r[1]: (bool(r[3]), r[4] is not None)
                                    for r in self.conn.execute(f"PRAGMA table_info({table})")}
        return self._columns[table]

    # -- cursors and pulled pages -----------------------------------------------------------------------
    def cursor(self, entity: str) -> tuple[str, int] | None:
        row = self.conn.execute("SELECT cursor, last_id FROM sync_cursors WHERE model = ?", (entity,)).fetchone()
        return (row[0], row[1]) if row else None

    def _pending_fields(self, conn: apsw.Connection, entity: str, local_id: int) -> set[str]:
        names: set[str] = set()
        for (payload,) in conn.execute("SELECT payload_json FROM outbox WHERE entity = ? AND local_id = ? AND op = "
                                       "'write' AND state IN ('pending', 'sent')", (entity, local_id)):
            names |= set(json.loads(payload))
        # fields with a conflict the rep has not decided keep the rep's value until then
        names |= {f for (f,) in conn.execute("SELECT field FROM sync_conflicts WHERE entity = ? AND local_id = ? AND "
                                             "state = 'open'", (entity, local_id))}
        return names

    def apply_page(self, spec: EntitySpec, rows: list[PulledRow], cursor: tuple[str, int]) -> int:
        cols = self._cols(spec.table)
        refs = {n: f for n, f in spec.fields.items() if f.type == "ref"}
        now = now_iso()

        def write(conn: apsw.Connection) -> int:
            cache: dict[tuple[str, int], int | None] = {}

            def local_of(entity: str, remote: int) -> int | None:
                key = (entity, remote)
                if key not in cache:
                    table = self.contract.entities[entity].table
                    r = conn.execute(f"SELECT id FROM {table} WHERE remote_id = ?", (remote,)).fetchone()
                    cache[key] = r[0] if r else None
                return cache[key]

            applied = 0
            for row in rows:
                values = dict(row.values)
                skip = False
                for name, f in refs.items():
                    if values.get(name) is None:
                        continue
                    local = local_of(f.ref, values[name])
                    if local is None and not f.optional:
                        skip = True          # its parent is not in this rep's book
                        break
                    values[name] = local
                if skip:
                    continue
                values = {k: v for k, v in values.items() if k in cols}
                existing = conn.execute(f"SELECT id FROM {spec.table} WHERE remote_id = ?",
                                        (row.remote_id,)).fetchone()
                if existing is None and spec.client_id and row.client_id and "client_id" in cols:
                    existing = conn.execute(f"SELECT id FROM {spec.table} WHERE client_id = ?",
                                            (row.client_id,)).fetchone()
                deleted = 0 if row.active else 1
                conn.execute("SAVEPOINT pulled_row")
                try:
                    self._upsert(conn, spec, cols, row, values, existing, deleted, cursor[0], now)
                except apsw.ConstraintError as exc:
                    # e.g. two central records with one customer code: keep the rest of the page, say which
                    conn.execute("ROLLBACK TO pulled_row")
                    log.warning("sync: %s %s not stored locally: %s", spec.name, row.remote_id, exc)
                    self.rejected.append((spec.name, row.remote_id, str(exc)))
                    continue
                finally:
                    conn.execute("RELEASE pulled_row")
                applied += 1
            conn.execute("INSERT INTO sync_cursors(model, cursor, last_id, updated_at) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT(model) DO UPDATE SET cursor = excluded.cursor, last_id = excluded.last_id, "
                         "updated_at = excluded.updated_at", (spec.name, cursor[0], cursor[1], now))
            return applied

        return self.store.run(write)

    def _upsert(self, conn: apsw.Connection, spec: EntitySpec, cols: dict, row: PulledRow, values: dict,
                existing: tuple | None, deleted: int, stamp: str, now: str) -> None:
        if existing is not None:
            local_id = existing[0]
            keep = self._pending_fields(conn, spec.name, local_id)   # the rep's unsent edits stay
            sets = {k: v for k, v in values.items() if k not in keep and not (v is None and cols[k][0])}
            sets.update({"remote_id": row.remote_id, "remote_write_date": stamp, "deleted": deleted})
            if "updated_at" in cols:
                sets["updated_at"] = now
            conn.execute(f"UPDATE {spec.table} SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                         (*sets.values(), local_id))
            return
        ins = {k: v for k, v in values.items() if not (v is None and cols[k][0])}
        missing = [c for c, (notnull, has_default) in cols.items()
                   if notnull and not has_default and c not in ins and c != "id"
                   and c not in ("created_at", "updated_at")]
        if missing:
            raise apsw.ConstraintError(f"NOT NULL constraint: no value for {', '.join(missing)}")
        ins.update({"remote_id": row.remote_id, "remote_write_date": stamp, "deleted": deleted})
        if spec.client_id and row.client_id and "client_id" in cols:
            ins["client_id"] = row.client_id
        for column in ("created_at", "updated_at"):
            if column in cols:
                ins[column] = now
        conn.execute(f"INSERT INTO {spec.table}({', '.join(ins)}) VALUES ({', '.join('?' * len(ins))})",
                     tuple(ins.values()))

    def remote_ids(self, spec: EntitySpec) -> set[int]:
        return {r for (r,) in self.conn.execute(
            f"SELECT remote_id FROM {spec.table} WHERE remote_id IS NOT NULL AND deleted != {GONE}")}

    def tombstone(self, spec: EntitySpec, remote_ids: Iterable[int]) -> int:
        ids = list(remote_ids)

        def write(conn: apsw.Connection) -> int:
            n = 0
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                conn.execute(f"UPDATE {spec.table} SET deleted = {GONE} WHERE remote_id IN "
                             f"({','.join('?' * len(chunk))})", chunk)
                n += conn.changes()
            return n

        return self.store.run(write)

    # -- stock ---------------------------------------------------------------------------------------------
    def warehouses(self) -> list[int]:
        return [r for (r,) in self.conn.execute(
            "SELECT remote_id FROM warehouses WHERE remote_id IS NOT NULL AND deleted = 0 ORDER BY remote_id")]

    def set_stock(self, rows: list[tuple[int, int, float, float]], as_of: str) -> int:
        def write(conn: apsw.Connection) -> int:
            products = dict(conn.execute("SELECT remote_id, id FROM products WHERE remote_id IS NOT NULL"))
            warehouses = dict(conn.execute("SELECT remote_id, id FROM warehouses WHERE remote_id IS NOT NULL"))
            n = 0
            for prod, wh, qty, forecast in rows:
                pid, wid = products.get(prod), warehouses.get(wh)
                if pid is None or wid is None:
                    continue
                conn.execute("INSERT INTO stock_levels(product_id, warehouse_id, quantity, forecast_quantity, as_of) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT(product_id, warehouse_id) DO UPDATE SET "
                             "quantity = excluded.quantity, forecast_quantity = excluded.forecast_quantity, "
                             "as_of = excluded.as_of", (pid, wid, qty, forecast, as_of))
                n += 1
            return n

        return self.store.run(write)

    # -- the outbox ------------------------------------------------------------------------------------------
    def pending(self, limit: int, after_id: int = 0) -> list[OutboxItem]:
        return [OutboxItem(i, c, e, lid, op, json.loads(p), json.loads(b or "{}"), st, att)
                for i, c, e, lid, op, p, b, st, att in self.conn.execute(
                    "SELECT id, client_id, entity, local_id, op, payload_json, base_json, state, attempts "
                    "FROM outbox WHERE state IN ('pending', 'sent') AND id > ? ORDER BY id LIMIT ?",
                    (after_id, limit))]

    def mark_sending(self, item_id: int) -> None:
        self.store.run(lambda conn: conn.execute(
            "UPDATE outbox SET state = 'sent', attempts = attempts + 1 WHERE id = ?", (item_id,)))

    def mark_done(self, item: OutboxItem, remote_id: int | None) -> None:
        spec = self.contract.entities.get(item.entity)

        def write(conn: apsw.Connection) -> None:
            conn.execute("UPDATE outbox SET state = 'done', last_error = '' WHERE id = ?", (item.id,))
            if spec is None:
                return
            cols = self._cols(spec.table)
            if item.op == "create" and remote_id is not None and "remote_id" in cols:
                conn.execute(f"UPDATE {spec.table} SET remote_id = ? WHERE id = ?", (remote_id, item.local_id))
            if "dirty" in cols:
                left = conn.execute("SELECT count(*) FROM outbox WHERE entity = ? AND local_id = ? AND state IN "
                                    "('pending', 'sent')", (item.entity, item.local_id)).fetchone()[0]
                if not left:
                    conn.execute(f"UPDATE {spec.table} SET dirty = 0 WHERE id = ?", (item.local_id,))

        self.store.run(write)

    def mark_failed(self, item: OutboxItem, error: str) -> None:
        self.store.run(lambda conn: conn.execute(
            "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", (error[:500], item.id)))

    def remote_id(self, entity: str, local_id: int) -> int | None:
        table = self.contract.entity(entity).table
        row = self.conn.execute(f"SELECT remote_id FROM {table} WHERE id = ?", (local_id,)).fetchone()
        return row[0] if row else None

    def push_values(self, spec: EntitySpec, local_id: int) -> dict[str, Any]:
        source = spec.view or spec.table
        cur = self.conn.execute(f"SELECT * FROM {source} WHERE id = ?", (local_id,))
        row = cur.fetchone()
        if row is None:
            return {}
        names = [d[0] for d in cur.getdescription()]
        return dict(zip(names, row, strict=True))

    def accept_central(self, spec: EntitySpec, local_id: int, values: dict[str, Any]) -> None:
        cols = self._cols(spec.table)
        sets = {k: v for k, v in values.items() if k in cols}
        if not sets:
            return
        self.store.run(lambda conn: conn.execute(
            f"UPDATE {spec.table} SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
            (*sets.values(), local_id)))

    def record_conflicts(self, conflicts: list[Conflict]) -> None:
        now = now_iso()

        def write(conn: apsw.Connection) -> None:
            for c in conflicts:
                conn.execute(
                    "INSERT INTO sync_conflicts(entity, local_id, field, base_value, local_value, central_value, rule, "
                    "state, resolution, created_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (c.entity, c.local_id, c.field, json.dumps(c.base, ensure_ascii=False),
                     json.dumps(c.local, ensure_ascii=False), json.dumps(c.central, ensure_ascii=False), c.rule,
                     "resolved" if c.resolved else "open", c.rule if c.resolved else None, now,
                     now if c.resolved else None))

        self.store.run(write)
