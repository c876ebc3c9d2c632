"""The demo workspace: deterministic, believable, bilingual, covering every intent, with deliberate bad data."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import demo
from desktop.secrets import KeyStore
from desktop.store import digits_only
from desktop.workspace import Workspace


def _fresh(tmp_path: Path, name: str) -> Workspace:
    return Workspace.create(tmp_path / name, KeyStore(), kind="demo")


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    digests = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        ws = _fresh(tmp_path, name)
        demo.generate(ws.store.conn, accounts=120, seed=seed)
        digests.append(demo.content_digest(ws.store.conn))
        ws.close()
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


def test_default_demo_meets_the_brief(demo_ws: Workspace) -> None:
    conn = demo_ws.store.conn

    def n(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    assert n("SELECT count(*) FROM accounts") >= 300
    assert n("SELECT count(*) FROM products") >= 60
    assert n("SELECT count(*) FROM warehouses") == 3
    assert n("SELECT count(*) FROM stock_levels") == n("SELECT count(*) FROM products") * 3
    assert n("SELECT count(*) FROM contacts") >= 300
    assert n("SELECT count(*) FROM opportunities WHERE stage NOT IN ('won', 'lost')") >= 30
    assert n("SELECT count(*) FROM competitor_promotions") >= 20
    assert n("SELECT count(*) FROM inbound_messages") >= 60
    # bilingual names
    assert n("SELECT count(*) FROM accounts WHERE name_en != '' AND name_zh GLOB '*[一-龥]*'") >= 250
    # two years of orders, with every account's cadence producing several orders
    first, last = conn.execute("SELECT min(order_date), max(order_date) FROM sales_orders").fetchone()
    assert first[:4] <= "2025" and last[:4] == "2026"
    assert n("SELECT count(*) FROM sales_order_lines") > n("SELECT count(*) FROM sales_orders") >= 1000
    assert not conn.execute("PRAGMA foreign_key_check").fetchall()
    # both languages in the inbox
    langs = {r[0] for r in conn.execute("SELECT DISTINCT language FROM inbound_messages")}
    assert {"zh", "en"} <= langs


def test_messages_cover_every_intent_in_both_languages(tmp_path: Path) -> None:
    ws = _fresh(tmp_path, "m")
    summary = demo.generate(ws.store.conn)
    ws.close()
    assert set(summary.message_intents) == set(demo.INTENTS)
    assert all(count >= 1 for count in summary.message_intents.values())
    for intent in demo.INTENTS:
        templates = demo.MESSAGE_TEMPLATES[intent]
        assert len(templates["zh"]) >= 3 and len(templates["en"]) >= 2, intent


def test_valid_and_deliberately_invalid_contact_data(demo_ws: Workspace) -> None:
    rows = demo_ws.store.conn.execute("SELECT credit_code, phone, email FROM accounts").fetchall()
    credit_ok = [demo.valid_credit_code(r[0]) for r in rows]
    phone_ok = [demo.valid_cn_phone(r[1]) for r in rows]
    email_ok = [demo.valid_email(r[2]) for r in rows]
    for flags in (credit_ok, phone_ok, email_ok):
        assert 0.8 * len(rows) <= sum(flags) < len(rows)  # mostly valid, some deliberately not


@pytest.mark.parametrize(("code", "ok"), [
    ("91350100M000100Y43", True),       # the standard's worked example
    ("91350100M000100Y44", False),      # wrong check character
    ("91350100M000100Y4", False),       # too short
    ("91350100m000100y43", False),      # lowercase is not allowed
])
def test_credit_code_checksum(code: str, ok: bool) -> None:
    assert demo.valid_credit_code(code) is ok


@pytest.mark.parametrize(("phone", "ok"), [
    ("13812345678", True), ("+86 138-1234-5678", True), ("021-62345678", True), ("0512-6789 1234", True),
    ("1381234567", False), ("12812345678", False), ("abc", False), ("", False),
])
def test_phone_check(phone: str, ok: bool) -> None:
    assert demo.valid_cn_phone(phone) is ok
    assert digits_only(phone).isdigit() or not phone or not ok
