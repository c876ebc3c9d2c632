"""The account aggregate: accounts, their contacts, orders, opportunities, activities and the search index.

All SQL for these tables lives here. Functions take an apsw connection: the caller picks the thread (writes on
the `db` executor, reads on any reader connection).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import apsw

from ..domain import (
    Account,
    Account360,
    AccountRow,
    Activity,
    Contact,
    Opportunity,
    OrderSummary,
    Promotion,
    SearchHit,
)

_ACCOUNT_COLS = (
    "id, code, name_zh, name_en, credit_code, region, city, industry, tier, owner, phone, email, address, "
    "next_follow_up, remote_id, dirty"
)
_ROW_COLS = "id, code, name_zh, name_en, region, city, industry, tier, owner, phone, next_follow_up, dirty"
_PHONEISH = re.compile(r"^[+\d][\d\s\-()]*$")


@dataclass(frozen=True)
class AccountFilter:
    text: str = ""
    region: str = ""
    tier: str = ""
    owner: str = ""
    overdue_on: str = ""      # ISO date: only accounts whose follow-up is before it


def _account(row: Sequence) -> Account:
    return Account(*row[:15], dirty=bool(row[15]))


def get(conn: apsw.Connection, account_id: int) -> Account | None:
    rows = conn.execute(f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE id = ? AND deleted = 0", (account_id,)).fetchall()
    return _account(rows[0]) if rows else None


def by_code(conn: apsw.Connection, code: str) -> Account | None:
    rows = conn.execute(
        f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE code = ? COLLATE NOCASE AND deleted = 0", (code,)
    ).fetchall()
    return _account(rows[0]) if rows else None


def count(conn: apsw.Connection) -> int:
    return conn.execute("SELECT count(*) FROM accounts WHERE deleted = 0").fetchall()[0][0]


def distinct_values(conn: apsw.Connection, column: str) -> list[str]:
    if column not in {"region", "tier", "owner", "industry"}:
        raise ValueError(column)
    sql = f"SELECT DISTINCT {column} FROM accounts WHERE deleted = 0 AND {column} != '' ORDER BY {column}"
    return [r[0] for r in conn.execute(sql)]


# -- search -------------------------------------------------------------------------------------------
def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _search_where(text: str, limit: int | None = None) -> tuple[str, list[object]]:
    """Build the WHERE clause over search_index for free text.

    Terms of 3+ characters use the trigram index (MATCH). Phone-like terms match the digits-only column too.
    Shorter terms (e.g. a two-character Chinese name) cannot use trigrams: they match names in `search_short`, where
    every character is a token, as a phrase.
    """
    match_parts: list[str] = []
    short_terms: list[str] = []
    # control characters (NUL included) mean nothing in a search and would end the FTS query string early
    text = "".join(ch if not unicodedata.category(ch).startswith("C") else " " for ch in text)
    for term in text.split():
        if _PHONEISH.match(term) and sum(ch.isdigit() for ch in term) >= 3:
            # digits anywhere in a phone, whatever the separators — or the literal text in any column
            # (credit codes and customer codes are digit runs too)
            digits = "".join(ch for ch in term if ch.isdigit())
            match_parts.append(f"(digits : {_fts_phrase(digits)} OR {_fts_phrase(term)})")
        elif len(term) >= 3:
            match_parts.append(_fts_phrase(term))
        elif any(ch.isalnum() for ch in term):
            # the unicode61 tokenizer ignores punctuation, so only letters/digits/ideographs can match
            short_terms.append("".join(ch for ch in term if ch.isalnum()))
    where: list[str] = []
    params: list[object] = []
    if match_parts:
        where.append("search_index MATCH ?")
        params.append(" AND ".join(match_parts))
    if short_terms:
        # one- and two-character terms: a phrase of single-character tokens in the names. Alone, the first
        # `limit` matches in rowid order are enough (a common character must not materialise every match).
        cap = f" ORDER BY rowid LIMIT {int(limit)}" if limit is not None and not match_parts else ""
        where.append(f"rowid IN (SELECT rowid FROM search_short WHERE search_short MATCH ?{cap})")
        params.append(" AND ".join(_fts_phrase(" ".join(term)) for term in short_terms))
    return " AND ".join(where) or "1", params


def search(conn: apsw.Connection, text: str, limit: int = 50) -> list[SearchHit]:
    """Substring search over account and contact names, phones, emails and codes (Chinese included)."""
    text = text.strip()
    if not text:
        return []
    where, params = _search_where(text, limit)
    sql = (
        "SELECT entity, entity_id, account_id, name, alt_name, code, phone, email FROM search_index "
        f"WHERE {where} ORDER BY rowid LIMIT ?"  # rowid order streams; bm25 ranking would score every match
    )
    return [SearchHit(*row) for row in conn.execute(sql, (*params, limit))]


# -- listing for the lazy table -------------------------------------------------------------------------
def ids(conn: apsw.Connection, flt: AccountFilter = AccountFilter(), limit: int | None = None) -> list[int]:
    """Ids of the matching accounts in display order (name). Cheap even at 100k rows: ints only."""
    where = ["a.deleted = 0"]
    params: list[object] = []
    if flt.text.strip():
        s_where, s_params = _search_where(flt.text.strip())
        where.append(f"a.id IN (SELECT account_id FROM search_index WHERE {s_where})")
        params.extend(s_params)
    for col in ("region", "tier", "owner"):
        value = getattr(flt, col)
        if value:
            where.append(f"a.{col} = ?")
            params.append(value)
    if flt.overdue_on:
        where.append("a.next_follow_up IS NOT NULL AND a.next_follow_up < ?")
        params.append(flt.overdue_on)
    sql = f"SELECT a.id FROM accounts a WHERE {' AND '.join(where)} ORDER BY a.name_zh, a.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in conn.execute(sql, params)]


def rows_by_ids(conn: apsw.Connection, account_ids: Iterable[int]) -> dict[int, AccountRow]:
    wanted = list(account_ids)
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    sql = f"SELECT {_ROW_COLS} FROM accounts WHERE id IN ({marks})"
    return {r[0]: AccountRow(*r[:11], dirty=bool(r[11])) for r in conn.execute(sql, wanted)}


# -- the 360 view -------------------------------------------------------------------------------------
def contacts_of(conn: apsw.Connection, account_id: int) -> list[Contact]:
    sql = (
        "SELECT id, account_id, name, name_latin, title, phone, email, wechat, language, "
        "consent_email, consent_phone, consent_sms, consent_wechat, dirty "
        "FROM contacts WHERE account_id = ? AND deleted = 0 ORDER BY id"
    )
    out = []
    for r in conn.execute(sql, (account_id,)):
        consent = {
            ch: (None if v is None else bool(v))
            for ch, v in zip(("email", "phone", "sms", "wechat"), r[9:13], strict=True)
        }
        out.append(Contact(*r[:9], consent=consent, dirty=bool(r[13])))
    return out


def open_opportunities(conn: apsw.Connection, account_id: int) -> list[Opportunity]:
    return [
        Opportunity(*r[:7], dirty=bool(r[7]))
        for r in conn.execute(
            "SELECT id, account_id, title, stage, amount_cents, probability, expected_close, dirty "
            "FROM opportunities WHERE account_id = ? AND deleted = 0 AND stage NOT IN ('won', 'lost') "
            "ORDER BY expected_close",
            (account_id,),
        )
    ]


def account_360(conn: apsw.Connection, account_id: int, today: _dt.date | None = None) -> Account360 | None:
    account = get(conn, account_id)
    if account is None:
        return None
    today = today or _dt.date.today()
    opps = open_opportunities(conn, account_id)
    orders = [
        OrderSummary(*r)
        for r in conn.execute(
            "SELECT o.id, o.number, o.order_date, o.state, o.total_cents, "
            "(SELECT count(*) FROM sales_order_lines l WHERE l.order_id = o.id) "
            "FROM sales_orders o WHERE o.account_id = ? AND o.deleted = 0 ORDER BY o.order_date DESC LIMIT 24",
            (account_id,),
        )
    ]
    year_ago = (today - _dt.timedelta(days=365)).isoformat()
    n, revenue, last = conn.execute(
        "SELECT count(*), coalesce(sum(CASE WHEN order_date >= ? AND state != 'cancelled' THEN total_cents END), 0), "
        "max(order_date) FROM sales_orders WHERE account_id = ? AND deleted = 0",
        (year_ago, account_id),
    ).fetchall()[0]
    acts = [
        Activity(*r[:6], dirty=bool(r[6]))
        for r in conn.execute(
            "SELECT id, account_id, kind, subject, body, occurred_at, dirty FROM activities "
            "WHERE account_id = ? AND deleted = 0 ORDER BY occurred_at DESC LIMIT 20",
            (account_id,),
        )
    ]
    promos = [
        Promotion(*r)
        for r in conn.execute(
            "SELECT id, competitor, region, category, title, discount_pct, starts_on, ends_on "
            "FROM competitor_promotions WHERE region = ? AND deleted = 0 AND ends_on >= ? ORDER BY starts_on DESC",
            (account.region, today.isoformat()),
        )
    ]
    first = (today.replace(day=1) - _dt.timedelta(days=335)).replace(day=1)
    by_month = dict(conn.execute(
        "SELECT substr(order_date, 1, 7), sum(total_cents) FROM sales_orders WHERE account_id = ? AND deleted = 0 "
        "AND state != 'cancelled' AND order_date >= ? GROUP BY 1", (account_id, first.isoformat())))
    months = []
    y, m = first.year, first.month
    for _ in range(12):
        key = f"{y:04d}-{m:02d}"
        months.append((key, int(by_month.get(key) or 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    stock = [(r[0], r[1], float(r[2] or 0), r[3] or "") for r in conn.execute(
        "SELECT p.name_zh, p.sku, (SELECT sum(quantity) FROM stock_levels s WHERE s.product_id = p.id), "
        "(SELECT max(as_of) FROM stock_levels s WHERE s.product_id = p.id) FROM products p WHERE p.id IN ("
        "SELECT l.product_id FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id "
        "WHERE o.account_id = ? AND o.deleted = 0 GROUP BY l.product_id ORDER BY sum(l.quantity) DESC LIMIT 6)",
        (account_id,))]
    messages = [(r[0], r[1], r[2], r[3] or "") for r in conn.execute(
        "SELECT m.id, m.received_at, substr(coalesce(nullif(m.subject, ''), m.body), 1, 80), "
        "(SELECT s.intent FROM suggestions s WHERE s.message_id = m.id ORDER BY s.id DESC LIMIT 1) "
        "FROM inbound_messages m WHERE m.account_id = ? ORDER BY m.received_at DESC LIMIT 5", (account_id,))]
    return Account360(account, contacts_of(conn, account_id), opps, orders, n, revenue, last, acts, promos,
                      months, stock, messages)


# -- writes -------------------------------------------------------------------------------------------
def insert_activity(
    conn: apsw.Connection,
    *,
    account_id: int,
    kind: str,
    subject: str,
    body: str,
    occurred_at: str,
    owner: str,
    client_id: str,
    now: str,
) -> int:
    conn.execute(
        "INSERT INTO activities(account_id, kind, subject, body, occurred_at, owner, client_id, dirty, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (account_id, kind, subject, body, occurred_at, owner, client_id, now, now),
    )
    return conn.last_insert_rowid()
