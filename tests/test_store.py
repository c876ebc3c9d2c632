"""The encrypted store: encryption at rest, keys, migrations (upgrade, refusal, atomicity), WAL, disk full."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import apsw
import pytest

from desktop import store as store_mod
from desktop.errors import DatabaseUnreadable, DiskFull, MigrationFailed, SchemaTooNew
from desktop.store import SCHEMA_VERSION, Migration, Store, is_encrypted
from desktop.store import accounts as accounts_repo

from .conftest import FIXTURES

KEY = "ab" * 32
NOW = "2026-12-04T00:00:00Z"


def _add_account(store: Store, code: str, name_zh: str, name_en: str = "", phone: str = "") -> int:
    store.conn.execute(
        "INSERT INTO accounts(code, name_zh, name_en, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (code, name_zh, name_en, phone, NOW, NOW),
    )
    return store.conn.last_insert_rowid()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_is_encrypted_and_holds_no_plaintext(tmp_path: Path) -> None:
    db = tmp_path / "repdesk.db"
    s = Store.open(db, KEY, create=True)
    _add_account(s, "C1", "杭州西湖国际诊所有限公司", "Hangzhou Westlake Clinic", "13812345678")
    assert s.cipher() == "chacha20"
    # Look at the WAL too while it holds the fresh pages, then after the checkpoint on close.
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    s.close()
    raw += db.read_bytes()
    assert is_encrypted(db)
    for needle in ("杭州西湖".encode(), b"Westlake", b"13812345678", b"CREATE TABLE"):
        assert needle not in raw
    # The standard library's (unencrypted) sqlite3 cannot read it.
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT * FROM accounts").fetchall()


def test_wal_and_foreign_keys_are_on(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "x.db", KEY, create=True)
    assert s.conn.execute("PRAGMA journal_mode").fetchall()[0][0] == "wal"
    assert s.conn.execute("PRAGMA foreign_keys").fetchall()[0][0] == 1
    with pytest.raises(apsw.ConstraintError):
        s.conn.execute("INSERT INTO contacts(account_id, name, created_at, updated_at) VALUES (999, 'x', ?, ?)",
                       (NOW, NOW))
    s.close()


def test_wrong_key_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    Store.open(db, KEY, create=True).close()
    before = _sha(db)
    with pytest.raises(DatabaseUnreadable, match="different key"):
        Store.open(db, "cd" * 32)
    assert _sha(db) == before


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b""])
def test_garbage_file_is_refused(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "x.db"
    db.write_bytes(content)
    if content:
        with pytest.raises(DatabaseUnreadable):
            Store.open(db, KEY)
    else:
        # An empty file is a valid empty database to SQLite: we initialise it rather than fail.
        Store.open(db, KEY).close()


def test_plaintext_sqlite_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseUnreadable):
        Store.open(db, KEY)


def test_fresh_store_runs_every_migration() -> None:
    names = [m.name for m in store_mod.migrations()]
    assert SCHEMA_VERSION == len(names) >= 2
    assert names[:2] == ["initial", "search"]


def test_newer_schema_is_refused_and_file_untouched(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    s = Store.open(db, KEY, create=True)
    s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    s.close()
    before = _sha(db)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(SchemaTooNew, match="newer than this RepDesk"):
        Store.open(db, KEY, backup_dir=tmp_path / "backups")
    assert _sha(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no backup, no leftovers


def test_upgrade_from_frozen_v1_fixture(tmp_path: Path) -> None:
    """Electrum-style: a real schema-1 file, frozen in the repo, upgrades and keeps its data."""
    src = FIXTURES / "v1"
    shutil.copy(src / "repdesk.db", tmp_path / "repdesk.db")
    key = (src / "key.hex").read_text().strip()
    s = Store.open(tmp_path / "repdesk.db", key, backup_dir=tmp_path / "backups")
    assert s.schema_version() == SCHEMA_VERSION
    # the backup was taken before upgrading, is still encrypted and still at schema 1
    assert s.last_backup is not None and s.last_backup.exists()
    assert is_encrypted(s.last_backup)
    old = Store.open(s.last_backup, key, target_version=1)
    assert old.schema_version() == 1
    old.conn.close()
    # data survived, and the new search index covers it (existing rows were indexed by the migration)
    assert accounts_repo.count(s.conn) == 3
    hits = accounts_repo.search(s.conn, "仁和大药房")
    assert [h.entity_id for h in hits if h.entity == "account"] == [2]
    assert {h.name for h in accounts_repo.search(s.conn, "Emily")} == {"Emily Carter"}
    s.close()


def test_failed_migration_rolls_back_to_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.db"
    Store.open(db, KEY, create=True).close()
    broken = Migration(SCHEMA_VERSION + 1, "broken", "CREATE TABLE half_done(x); INSERT INTO no_such_table VALUES (1);")
    real = store_mod.migrations()
    monkeypatch.setattr(store_mod, "migrations", lambda: [*real, broken])
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(MigrationFailed, match="left at schema"):
        Store.open(db, KEY, backup_dir=tmp_path / "b")
    monkeypatch.undo()
    s = Store.open(db, KEY)
    assert s.schema_version() == SCHEMA_VERSION
    tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert "half_done" not in tables  # the whole step rolled back
    s.close()


def test_disk_full_becomes_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "x.db", KEY, create=True)
    _add_account(s, "C1", "已保存的客户")
    pages = s.conn.execute("PRAGMA page_count").fetchall()[0][0]
    s.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "disk full" (SQLITE_FULL)

    def big_write(conn: apsw.Connection) -> None:
        for i in range(2000):
            conn.execute(
                "INSERT INTO accounts(code, name_zh, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (f"X{i}", f"客户{i}", "地址" * 200, NOW, NOW),
            )

    with pytest.raises(DiskFull, match="full"):
        s.run(big_write)
    # the failed transaction left nothing half-written; earlier data is intact
    assert [r[0] for r in s.conn.execute("SELECT code FROM accounts")] == ["C1"]
    s.close()


def test_reader_connection_sees_committed_data_and_cannot_write(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "x.db", KEY, create=True)
    reader = s.reader()
    _add_account(s, "C1", "南京鼓楼医院")
    assert reader.execute("SELECT name_zh FROM accounts").fetchall() == [("南京鼓楼医院",)]
    with pytest.raises(apsw.ReadOnlyError):
        reader.execute("DELETE FROM accounts")
    reader.close()
    s.close()
