"""Builds local_models' `CustomerContext` for a message from the local store (the adapter DESIGN.md §1 asks for).

Runs on whichever thread owns ``conn`` (a reader connection is fine: it only reads).
"""

from __future__ import annotations

import datetime as _dt
import re
import statistics

import apsw

from local_models.actions import (
    CustomerContext,
    OpportunityFact,
    OrderFact,
    ProductFact,
    PromotionFact,
    StockFact,
    match_products,
)

_ORDER_RE = re.compile(r"SO\d{4}-\d{4,6}", re.IGNORECASE)
_SHORT_ORDER_RE = re.compile(r"#\s?(\d{3,6})\b")
_CJK = re.compile(r"[\u3400-\u9fff]")


def detect_language(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


def _iso(ts: _dt.datetime) -> str:
    return ts.astimezone(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def catalogue(conn: apsw.Connection) -> list[ProductFact]:
    """All active products with their stock per warehouse (ERP figures with their as-of times)."""
    stock: dict[int, list[StockFact]] = {}
    for pid, wh_zh, wh_en, qty, fq, as_of in conn.execute(
        "SELECT s.product_id, w.name_zh, w.name_en, s.quantity, s.forecast_quantity, s.as_of "
        "FROM stock_levels s JOIN warehouses w ON w.id = s.warehouse_id ORDER BY w.id"
    ):
        stock.setdefault(pid, []).append(StockFact(f"{wh_zh} {wh_en}".strip(), qty, fq, as_of))
    return [
        ProductFact(pid, sku, zh, en, cat, price, launched, tuple(stock.get(pid, ())))
        for pid, sku, zh, en, cat, price, launched in conn.execute(
            "SELECT id, sku, name_zh, name_en, category, list_price_cents, launched_on FROM products "
            "WHERE deleted = 0 AND active = 1 ORDER BY id"
        )
    ]


_ORDER_SQL = ("SELECT o.number, o.state, o.order_date, o.total_cents, "
              "trim(coalesce(w.name_zh, '') || ' ' || coalesce(w.name_en, '')), o.account_id "
              "FROM sales_orders o LEFT JOIN warehouses w ON w.id = o.warehouse_id "
              "WHERE o.deleted = 0 AND (?1 IS NULL OR o.account_id = ?1) AND ")


def mentioned_orders(conn: apsw.Connection, text: str, account_id: int | None) -> list[tuple[int, OrderFact]]:
    """(account id, order) for each order the message names: a full number (SO2026-004411) or a trailing
    "#4411"; within the account when one is known, else across the book (the newest match per short number)."""
    found: dict[str, tuple[int, OrderFact]] = {}
    for number in sorted({m.upper() for m in _ORDER_RE.findall(text)}):
        for r in conn.execute(_ORDER_SQL + "o.number = ?2", (account_id, number)):
            found.setdefault(r[0], (r[5], OrderFact(*r[:5])))
    for short in _SHORT_ORDER_RE.findall(text):
        for r in conn.execute(_ORDER_SQL + "o.number LIKE ?2 ORDER BY o.order_date DESC LIMIT 1",
                              (account_id, f"%-{int(short):06d}" if len(short) < 6 else f"%{short}")):
            found.setdefault(r[0], (r[5], OrderFact(*r[:5])))
    return list(found.values())


def build_context(conn: apsw.Connection, text: str, account_id: int | None, contact_id: int | None = None,
                  received_at: str | None = None, now: _dt.datetime | None = None,
                  products: list[ProductFact] | None = None) -> CustomerContext:
    now = now or _dt.datetime.now(_dt.UTC)
    language = detect_language(text)
    products = catalogue(conn) if products is None else products
    mentioned = tuple(match_products(text, products))
    hours_waiting = 0.0
    if received_at:
        try:
            received = _dt.datetime.fromisoformat(received_at.replace("Z", "+00:00"))
            if received.tzinfo is None:
                received = received.replace(tzinfo=_dt.UTC)      # stored times are UTC
            hours_waiting = max(0.0, (now - received).total_seconds() / 3600)
        except (ValueError, TypeError):
            pass
    data_as_of = conn.execute("SELECT max(as_of) FROM stock_levels").fetchone()[0] or ""
    named = mentioned_orders(conn, text, account_id)
    from_order = ""
    if account_id is None and len({acc for acc, _ in named}) == 1:
        account_id, first = named[0]     # "Where is my order #4411?" names its customer
        from_order = first.number
    row = None
    if account_id is not None:
        row = conn.execute("SELECT id, name_zh, region, tier, industry FROM accounts WHERE id = ? AND deleted = 0",
                           (account_id,)).fetchone()
    if row is None:
        return CustomerContext(None, "", language=language, products=mentioned, hours_waiting=hours_waiting,
                               data_as_of=data_as_of, now=_iso(now))
    acc_id, name, region, tier, industry = row
    dates = [_dt.date.fromisoformat(d) for (d,) in conn.execute(
        "SELECT order_date FROM sales_orders WHERE account_id = ? AND deleted = 0 AND state != 'cancelled' "
        "ORDER BY order_date", (acc_id,))]
    today = now.date()
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False) if (b - a).days > 0]
    year_ago = (today - _dt.timedelta(days=365)).isoformat()
    n12, avg = conn.execute(
        "SELECT count(*), avg(total_cents) FROM sales_orders WHERE account_id = ? AND deleted = 0 "
        "AND state != 'cancelled' AND order_date >= ?", (acc_id, year_ago)).fetchone()
    by_id = {p.product_id: p for p in products}
    usual = tuple(by_id[pid] for (pid,) in conn.execute(
        "SELECT l.product_id FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id "
        "WHERE o.account_id = ? AND o.deleted = 0 GROUP BY l.product_id ORDER BY sum(l.quantity) DESC LIMIT 5",
        (acc_id,)) if pid in by_id)
    opps = tuple(OpportunityFact(*r) for r in conn.execute(
        "SELECT id, title, stage, amount_cents, probability, expected_close FROM opportunities "
        "WHERE account_id = ? AND deleted = 0 AND stage NOT IN ('won', 'lost') ORDER BY expected_close",
        (acc_id,)))
    promos = tuple(PromotionFact(*r) for r in conn.execute(
        "SELECT id, competitor, title, category, discount_pct, ends_on FROM competitor_promotions "
        "WHERE region = ? AND deleted = 0 AND starts_on <= ? AND ends_on >= ? ORDER BY discount_pct DESC",
        (region, today.isoformat(), today.isoformat())))
    consent_row = None
    if contact_id is not None:
        consent_row = conn.execute("SELECT consent_email, consent_phone, consent_sms, consent_wechat FROM contacts "
                                   "WHERE id = ?", (contact_id,)).fetchone()
    if consent_row is None:
        consent_row = conn.execute("SELECT consent_email, consent_phone, consent_sms, consent_wechat FROM contacts "
                                   "WHERE account_id = ? AND deleted = 0 ORDER BY id LIMIT 1", (acc_id,)).fetchone()
    consent = {}
    if consent_row is not None:
        consent = {ch: (None if v is None else bool(v))
                   for ch, v in zip(("email", "phone", "sms", "wechat"), consent_row, strict=True)}
    orders = [o for acc, o in named if acc == acc_id]
    return CustomerContext(
        account_id=acc_id,
        account_name=name,
        region=region,
        tier=tier,
        industry=industry,
        language=language,
        products=mentioned,
        usual_products=usual,
        days_since_last_order=(today - dates[-1]).days if dates else None,
        cadence_days=float(statistics.median(gaps)) if gaps else None,
        avg_order_cents=int(avg) if avg else None,
        orders_12m=n12,
        open_opportunities=opps,
        promotions=promos,
        consent=consent,
        order_numbers=tuple(o.number for o in orders),
        orders=tuple(orders),
        account_from_order=from_order,
        hours_waiting=hours_waiting,
        data_as_of=data_as_of,
        now=_iso(now),
    )
