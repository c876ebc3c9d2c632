"""The inbound-message aggregate."""

from __future__ import annotations

import apsw

from ..domain import InboundMessage

_SQL = (
    "SELECT m.id, m.account_id, coalesce(a.name_zh, ''), m.contact_id, coalesce(c.name, ''), m.channel, m.sender, "
    "m.subject, m.body, m.language, m.received_at, m.status FROM inbound_messages m "
    "LEFT JOIN accounts a ON a.id = m.account_id LEFT JOIN contacts c ON c.id = m.contact_id"
)


def recent(conn: apsw.Connection, limit: int = 100, status: str | None = None) -> list[InboundMessage]:
    """Newest first."""
    where, params = ("WHERE m.status = ?", [status]) if status else ("", [])
    sql = f"{_SQL} {where} ORDER BY m.received_at DESC, m.id DESC LIMIT ?"
    return [InboundMessage(*r) for r in conn.execute(sql, (*params, limit))]


def get(conn: apsw.Connection, message_id: int) -> InboundMessage | None:
    rows = conn.execute(f"{_SQL} WHERE m.id = ?", (message_id,)).fetchall()
    return InboundMessage(*rows[0]) if rows else None


def count(conn: apsw.Connection) -> int:
    return conn.execute("SELECT count(*) FROM inbound_messages").fetchall()[0][0]
