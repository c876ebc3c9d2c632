"""Sync benchmark against a real Tryton server on loopback: initial pull of a large book (≥ 10,000 parties,
≥ 20,000 sale lines) through our engine into the encrypted store, vs a bare `search_read` loop over the same data
with the same connector and page size in the same run; then an incremental sync with nothing changed.

    make bench-sync
    python bench/bench_sync.py --accounts 10000 --max-orders 9000

The manager's view is pulled (the contract's per-rep domains cleared), so the whole book counts. Prints figures
and ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

import keyring

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.secrets import KeyStore, MemoryKeyring  # noqa: E402
from desktop.services import sync as sync_service  # noqa: E402
from desktop.workspace import Workspace  # noqa: E402
from sync.contract import load  # noqa: E402
from sync.engine import ORDER  # noqa: E402
from sync.jsonrpc import TrytonConnector  # noqa: E402
from tests.tryton_server import launch  # noqa: E402

LOGIN = "mgr.chen"


async def bare_loop(url: str, db: str, password: str, contract, page: int) -> tuple[int, float]:
    """The same keyset-paged search_read calls, results thrown away: the floor for any client."""
    n = 0
    async with TrytonConnector(url, db, LOGIN, lambda: password) as c:
        await c.login()
        t0 = time.perf_counter()
        for spec in contract.pull_order():
            cursor = None
            while True:
                domain = list(spec.domain)
                if cursor is not None:
                    domain += [["OR", ["last_modified_at", ">", cursor[0]],
                               [["last_modified_at", "=", cursor[0]], ["id", ">", cursor[1]]]]]
                rows = await c.search_read(spec.model, domain, 0, page, ORDER, spec.read_fields(),
                                           {"active_test": False})
                if not rows:
                    break
                n += len(rows)
                cursor = (rows[-1]["last_modified_at"], rows[-1]["id"])
                if len(rows) < page:
                    break
        return n, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=10_000)
    ap.add_argument("--max-orders", type=int, default=9_000)
    ap.add_argument("--page", type=int, default=500)
    args = ap.parse_args(argv)
    keyring.set_keyring(MemoryKeyring())
    contract = load()
    def managers(domain: list) -> list:
        """Every rep's book: [field, "=", "$user_id"] becomes [field, "!=", None]."""
        return [[c[0], "!=", None] if isinstance(c, list) and len(c) == 3 and str(c[2]).startswith("$") else c
                for c in domain]

    contract = dataclasses.replace(contract, entities={
        k: dataclasses.replace(v, domain=managers(v.domain)) for k, v in contract.entities.items()})
    with tempfile.TemporaryDirectory(prefix="repdesk-bench-sync-") as tmp:
        t0 = time.perf_counter()
        server = launch(Path(tmp) / "server", accounts=args.accounts, max_orders=args.max_orders)
        print(f"Tryton {server.version()} on {server.url} ready in {time.perf_counter() - t0:.1f} s "
              f"(seeded {args.accounts} accounts, ≤ {args.max_orders} orders); load avg {os.getloadavg()[0]:.2f}")
        try:
            password = server.users[LOGIN]
            ws = Workspace.create(Path(tmp) / "ws", KeyStore(), kind="central")
            ws.info.settings["central"] = {"kind": "tryton", "url": server.url, "database": server.database,
                                           "login": LOGIN}
            ws.save_info()
            n_bare, bare_s = asyncio.run(bare_loop(server.url, server.database, password, contract, args.page))
            report = asyncio.run(sync_service.run_sync(ws, lambda: password, contract=contract,
                                                       page_size=args.page))
            pulled = report.pulled
            counts = {k: v.pulled for k, v in report.entities.items() if v.pulled}
            print(f"  initial pull (ours): {pulled:,} records in {report.seconds:.1f} s = "
                  f"{pulled / report.seconds:,.0f} records/s (+ {report.stock_rows} stock levels)")
            print(f"    {counts}")
            print(f"  bare search_read loop, same pages: {n_bare:,} records in {bare_s:.1f} s = "
                  f"{n_bare / bare_s:,.0f} records/s")
            print(f"  ratio ours / bare (records/s): {(pulled / report.seconds) / (n_bare / bare_s):.2f} "
                  f"(goal ≥ 0.8)")
            times = []
            for _ in range(3):
                again = asyncio.run(sync_service.run_sync(ws, lambda: password, contract=contract,
                                                          page_size=args.page))
                times.append(again.seconds)
                assert again.pulled == 0
            print(f"  incremental sync, nothing changed: {min(times):.2f} s best / {max(times):.2f} s worst of 3 "
                  f"(goal ≤ 1 s)")
            size = (Path(tmp) / "ws" / "repdesk.db").stat().st_size
            print(f"  local database: {size / 1e6:.1f} MB encrypted")
            ws.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
