"""The queued changes as the rep sees them: list the outbox with a readable label per record, and put failed
entries back in the queue. Nothing here deletes an entry: a change the centre refused stays visible until it is
retried and sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import apsw

from ..changes import Changes
from ..errors import InvalidInput, NotFound
from ..workspace import Workspace

VISIBLE_STATES = ("pending", "sent", "failed")

# how a record is named for the rep: table and the column (or expression) that reads best
_LABELS: dict[str, tuple[str, str]] = {
    "opportunity": ("opportunities", "title"),
    "contact": ("contacts", "name"),
    "account": ("accounts", "name_zh"),
    "activity": ("activities", "CASE WHEN subject != '' THEN subject ELSE substr(body, 1, 40) END"),
    "order": ("sales_orders", "number"),
    "product": ("products", "name_zh"),
    "warehouse": ("warehouses", "name_zh"),
}


def retry_failed(ws: Workspace, outbox_id: int | None = None) -> Changes:
    """Put one failed entry (or all of them) back to `pending`, so the next sync sends it again. The attempts
    count and the last error stay as a record of what happened."""

    def write(conn: apsw.Connection) -> int:
        if outbox_id is None:
            conn.execute("UPDATE outbox SET state = 'pending' WHERE state = 'failed'")
            return conn.changes()
        row = conn.execute("SELECT state FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        if row is None:
            raise NotFound(f"no queued change with id {outbox_id}")
        if row[0] != "failed":
            raise InvalidInput(f"queued change {outbox_id} is {row[0]}, not failed")
        conn.execute("UPDATE outbox SET state = 'pending' WHERE id = ?", (outbox_id,))
        return conn.changes()

    return Changes(outbox=True) if ws.store.run(write) else Changes()


def list_outbox(conn: apsw.Connection, states: Iterable[str] = VISIBLE_STATES, limit: int = 1000) -> list[dict]:
    """Entries not yet done, oldest first (push order). `conn` may be a reader connection."""
    wanted = tuple(states)
    if not wanted:
        return []
    rows = conn.execute(
        "SELECT id, client_id, entity, local_id, op, payload_json, created_at, attempts, last_error, state "
        f"FROM outbox WHERE state IN ({', '.join('?' * len(wanted))}) ORDER BY id LIMIT ?", (*wanted, limit))
    return [{"id": r[0], "client_id": r[1], "entity": r[2], "local_id": r[3], "op": r[4],
             "payload": json.loads(r[5] or "{}"), "created_at": r[6], "attempts": r[7], "last_error": r[8],
             "state": r[9]} for r in rows]


def record_labels(conn: apsw.Connection, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(entity, local id) -> a human label: an opportunity's title, a contact's name, an account's name.
    Unknown entities or missing records are left out (the caller shows the id)."""
    by_entity: dict[str, set[int]] = {}
    for entity, local_id in keys:
        if entity in _LABELS:
            by_entity.setdefault(entity, set()).add(int(local_id))
    out: dict[tuple[str, int], str] = {}
    for entity, ids in by_entity.items():
        table, expr = _LABELS[entity]
        chunk_ids = sorted(ids)
        for i in range(0, len(chunk_ids), 500):
            chunk = chunk_ids[i:i + 500]
            for local_id, label in conn.execute(
                    f"SELECT id, {expr} FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk):
                if label:
                    out[(entity, local_id)] = str(label)
    return out
