"""Store benchmarks: demo generation, database size, and FTS5 trigram search vs a LIKE scan on the same data.

    make bench              # 100,000 accounts
    python bench/bench_store.py --accounts 5000

Prints figures and ratios; asserts nothing about time (DEVELOPERS.md: speed lives in benchmarks).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import keyring
from keyring.backends import fail

from desktop import demo
from desktop.secrets import KeyStore, MemoryKeyring
from desktop.store import accounts as repo
from desktop.store import digits_only
from desktop.store.accounts import AccountFilter
from desktop.workspace import DB_NAME, Workspace

LIKE_SQL = (
    "SELECT 'account', id FROM accounts WHERE deleted = 0 AND (name_zh LIKE ?1 OR name_en LIKE ?1 OR code LIKE ?1 "
    "OR credit_code LIKE ?1 OR phone LIKE ?1 OR email LIKE ?1) "
    "UNION ALL SELECT 'contact', id FROM contacts WHERE deleted = 0 AND (name LIKE ?1 OR name_latin LIKE ?1 "
    "OR phone LIKE ?1 OR email LIKE ?1 OR wechat LIKE ?1) LIMIT ?2"
)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def queries(conn, rng: random.Random, per_class: int) -> dict[str, list[str]]:
    accounts = conn.execute("SELECT name_zh, name_en, phone, email, code FROM accounts").fetchall()
    contacts = conn.execute("SELECT name, phone FROM contacts").fetchall()
    out: dict[str, list[str]] = {k: [] for k in ("zh 3-4 chars", "zh 2 chars", "en word", "phone digits",
                                                  "email part", "code", "contact name")}
    while min(len(v) for v in out.values()) < per_class:
        zh, en, phone, email, code = rng.choice(accounts)
        if len(zh) >= 6:
            start = rng.randrange(0, len(zh) - 4)
            out["zh 3-4 chars"].append(zh[start:start + rng.choice((3, 4))])
            out["zh 2 chars"].append(zh[start:start + 2])
        words = [w for w in en.replace(",", " ").split() if len(w) >= 4]
        if words:
            out["en word"].append(rng.choice(words).lower())
        digits = digits_only(phone)
        if len(digits) >= 8:
            start = rng.randrange(0, len(digits) - 6)
            out["phone digits"].append(digits[start:start + 6])
        if "@" in email and "." in email.split("@")[1]:
            out["email part"].append(email.split("@")[1].split(".")[0][:8])
        out["code"].append(code)
        name, _ = rng.choice(contacts)
        if len(name) >= 3:
            out["contact name"].append(name)
    return {k: v[:per_class] for k, v in out.items()}


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--per-class", type=int, default=40, help="queries per query class")
    ap.add_argument("--limit", type=int, default=50, help="rows asked for, as the search box does")
    ap.add_argument("--workspace", type=Path,
                    help="build the workspace here and keep it (its key goes to a key file beside it); "
                         "if it already exists, reuse it and skip generation")
    args = ap.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="repdesk-bench-")
    if args.workspace:
        keyring.set_keyring(fail.Keyring())     # key file beside the kept workspace, so a later run can reuse it
        folder = args.workspace
        keys = KeyStore(config_dir=folder.parent / f"{folder.name}-keys")
    else:
        keyring.set_keyring(MemoryKeyring())
        folder = Path(tmp.name) / "ws"
        keys = KeyStore(config_dir=Path(tmp.name) / "keys")
    if Workspace.exists(folder):
        ws = Workspace.open(folder, keys)
        print(f"RepDesk store benchmark — reusing {folder}")
    else:
        ws = Workspace.create(folder, keys, kind="demo")
        t0 = time.perf_counter()
        summary = demo.generate(ws.store.conn, accounts=args.accounts)
        gen_s = time.perf_counter() - t0
        print(f"RepDesk store benchmark — {summary.accounts:,} accounts, {summary.contacts:,} contacts, "
              f"{summary.orders:,} orders / {summary.order_lines:,} lines, {summary.messages:,} messages")
        print(f"  demo generation: {gen_s:.1f} s ({summary.accounts / gen_s:,.0f} accounts/s)")
    ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = (folder / DB_NAME).stat().st_size
    n_accounts = repo.count(ws.store.conn)
    print(f"  database size:   {size / 1e6:.1f} MB encrypted ({size / n_accounts / 1024:.2f} KiB per account)")
    conn = ws.store.reader()

    qs = queries(conn, random.Random(7), args.per_class)
    all_fts: list[float] = []
    all_like: list[float] = []
    print(f"\n  search, {args.per_class} queries per class, top {args.limit} rows (ms):")
    print(f"  {'class':16} {'FTS p50':>8} {'FTS p95':>8} {'LIKE p50':>9} {'LIKE p95':>9} {'ratio p50':>10}")
    for cls, items in qs.items():
        for q in items[:3]:  # warm-up
            repo.search(conn, q, args.limit)
        fts = [timed(lambda q=q: repo.search(conn, q, args.limit)) for q in items]
        like = [timed(lambda q=q: conn.execute(LIKE_SQL, (f"%{q}%", args.limit)).fetchall()) for q in items]
        all_fts += fts
        all_like += like
        print(f"  {cls:16} {pct(fts, 50):8.2f} {pct(fts, 95):8.2f} {pct(like, 50):9.2f} {pct(like, 95):9.2f} "
              f"{pct(like, 50) / max(pct(fts, 50), 1e-6):9.0f}×")
    print(f"  {'all':16} {pct(all_fts, 50):8.2f} {pct(all_fts, 95):8.2f} {pct(all_like, 50):9.2f} "
          f"{pct(all_like, 95):9.2f} {pct(all_like, 50) / max(pct(all_fts, 50), 1e-6):9.0f}×")
    print(f"  mean FTS {statistics.mean(all_fts):.2f} ms vs LIKE {statistics.mean(all_like):.2f} ms "
          f"→ {statistics.mean(all_like) / statistics.mean(all_fts):.0f}× faster")

    # what the account list does on each keystroke: all matching ids, in display order
    listing = [timed(lambda: repo.ids(conn, AccountFilter())) for _ in range(5)]
    filtered = [timed(lambda q=q: repo.ids(conn, AccountFilter(text=q))) for q in qs["zh 3-4 chars"]]
    print(f"\n  account list ids, no filter: p50 {pct(listing, 50):.1f} ms; "
          f"with a Chinese search term: p50 {pct(filtered, 50):.1f} / p95 {pct(filtered, 95):.1f} ms")
    conn.close()
    ws.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
