"""The outbox: local writes waiting for the centre, inserted in the same transaction as the write."""

from __future__ import annotations

import json

import apsw


def enqueue(
    conn: apsw.Connection,
    *,
    client_id: str,
    entity: str,
    local_id: int,
    op: str,
    payload: dict,
    now: str,
    base: dict | None = None,
) -> int:
    conn.execute(
        "INSERT INTO outbox(client_id, entity, local_id, op, payload_json, base_json, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (client_id, entity, local_id, op, json.dumps(payload, ensure_ascii=False), json.dumps(base or {}), now),
    )
    return conn.last_insert_rowid()


def pending_count(conn: apsw.Connection) -> int:
    return conn.execute("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sent')").fetchall()[0][0]
