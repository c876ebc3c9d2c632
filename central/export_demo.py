"""Export the demo book of business to JSON for seeding the central Tryton server.

Runs with the *project* venv (it imports ``desktop``): builds a throw-away demo workspace with the
project's own deterministic generator, so that the server holds the same accounts, products, orders... as a
demo workspace made with the same seed, size and date. Usage (manage.py calls it):

    .venv/bin/python central/export_demo.py OUT.json --accounts 320 --seed 20261204 --today 2026-12-01
                                            [--max-orders N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# name in the JSON: (table, columns, order)
_TABLES = {
    "warehouses": ("warehouses", "id, code, name_zh, name_en, city", "id"),
    "products": (
        "products",
        "id, sku, name_zh, name_en, category, unit, list_price_cents, launched_on, active",
        "id",
    ),
    "stock_levels": (
        "stock_levels",
        "product_id, warehouse_id, quantity, forecast_quantity",
        "product_id, warehouse_id",
    ),
    "accounts": (
        "accounts",
        "id, code, name_zh, name_en, credit_code, region, city, industry, tier, owner, phone, "
        "email, address, next_follow_up",
        "id",
    ),
    "contacts": (
        "contacts",
        "id, account_id, name, name_latin, title, phone, email, wechat, language, "
        "consent_email, consent_phone, consent_sms, consent_wechat",
        "id",
    ),
    "opportunities": (
        "opportunities",
        "id, account_id, title, stage, amount_cents, probability, expected_close, "
        "product_id, owner, created_at",
        "id",
    ),
    "activities": ("activities", "id, account_id, contact_id, kind, subject, body, occurred_at, owner", "id"),
    "promotions": (
        "competitor_promotions",
        "id, competitor, region, category, title, discount_pct, starts_on, ends_on, details, source",
        "id",
    ),
}
TABLES = {
    name: f"SELECT {cols} FROM {table} ORDER BY {order}" for name, (table, cols, order) in _TABLES.items()
}


def _rows(conn, sql: str) -> dict:
    cursor = conn.execute(sql)
    columns = [d[0] for d in cursor.getdescription()]
    return {"columns": columns, "rows": [list(r) for r in cursor]}


def export(out: Path, accounts: int, seed: int, today: datetime.date, max_orders: int | None) -> dict:
    import keyring

    from desktop import demo
    from desktop.secrets import KeyStore, MemoryKeyring
    from desktop.workspace import Workspace

    keyring.set_keyring(MemoryKeyring())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="repdesk-central-demo-") as tmp:
        cfg = Path(tmp) / "config"
        cfg.mkdir()
        ws = Workspace.create(Path(tmp) / "ws", KeyStore(config_dir=cfg), kind="demo")
        try:
            summary = demo.generate(ws.store.conn, accounts=accounts, seed=seed, today=today)
            conn = ws.store.conn
            data = {name: _rows(conn, sql) for name, sql in TABLES.items()}
            order_filter = ""
            if max_orders is not None:
                # keep only the newest orders when capped (benchmark sizes)
                order_filter = (
                    f"WHERE o.id IN (SELECT id FROM sales_orders ORDER BY order_date DESC, id DESC "
                    f"LIMIT {int(max_orders)})"
                )
            data["orders"] = _rows(
                conn,
                "SELECT o.id, o.number, o.account_id, o.order_date, o.state, o.total_cents, "
                f"o.warehouse_id FROM sales_orders o {order_filter} ORDER BY o.id",
            )
            data["order_lines"] = _rows(
                conn,
                "SELECT l.id, l.order_id, l.product_id, l.quantity, l.unit_price_cents "
                f"FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id {order_filter} "
                "ORDER BY l.id",
            )
        finally:
            ws.close()
    data["meta"] = {
        "accounts": accounts,
        "seed": seed,
        "today": today.isoformat(),
        "max_orders": max_orders,
        "demo_summary": {k: v for k, v in summary.__dict__.items() if k != "message_intents"},
        "generate_seconds": round(time.perf_counter() - started, 2),
    }
    tmp_out = out.with_suffix(".tmp")
    tmp_out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp_out.replace(out)
    return data["meta"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--accounts", type=int, default=320)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    parser.add_argument("--max-orders", type=int, default=None)
    args = parser.parse_args(argv)
    meta = export(args.out, args.accounts, args.seed, args.today, args.max_orders)
    print(json.dumps(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
