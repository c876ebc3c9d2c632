"""The local store: one encrypted SQLite file per workspace (apsw + SQLite3 Multiple Ciphers).

Threads: the write connection belongs to the ``db`` executor (see :mod:`desktop.tasks`); readers open their own
connection with :meth:`Store.reader` (WAL lets them run beside the writer).
"""

from __future__ import annotations

import datetime as _dt
import importlib.resources
import re
import shutil
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import apsw
import apsw.bestpractice

from ..errors import DatabaseUnreadable, DiskFull, MigrationFailed, SchemaTooNew, WorkspaceNotFound

T = TypeVar("T")
_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
SQLITE_HEADER = b"SQLite format 3\x00"

_bestpractice_applied = False


def _apply_bestpractice() -> None:
    """apsw's recommended hooks, once per process, minus `optimize` (which writes; we run it on close)."""
    global _bestpractice_applied
    if _bestpractice_applied:
        return
    bp = apsw.bestpractice
    apsw.bestpractice.apply(
        (
            bp.connection_busy_timeout,
            bp.connection_wal,
            bp.connection_enable_foreign_keys,
            bp.connection_dqs,
            bp.connection_recursive_triggers,
            bp.library_logging,
        )
    )
    _bestpractice_applied = True


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The numbered .sql files beside this module, in order; gaps are a packaging bug."""
    found = []
    for entry in importlib.resources.files(__package__).joinpath("migrations").iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise RuntimeError(f"migration numbering has a gap at {expected}")
    return found


SCHEMA_VERSION = len(migrations())


def digits_only(text: str | None) -> str:
    """Phone numbers reduced to digits for searching ("+86 138-1234" -> "861381234")."""
    return "".join(ch for ch in (text or "") if ch.isdigit())


def spaced_chars(text: str | None) -> str:
    """Every non-space character as its own token ("仁和 Renhe" -> "仁 和 R e n h e"), for short-term search."""
    return " ".join(ch for ch in (text or "") if not ch.isspace())


CACHE_KIB = 65_536  # every page read from an encrypted file is decrypted: a larger page cache saves that work


def _register_functions(conn: apsw.Connection) -> None:
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.create_scalar_function("repdesk_digits", digits_only, 1, deterministic=True)
    conn.create_scalar_function("repdesk_chars", spaced_chars, 1, deterministic=True)


def _apply_migration(conn: apsw.Connection, mig: Migration) -> None:
    for _row in conn.execute(mig.sql):  # drain: apsw runs multi-statement scripts as the cursor advances
        pass
    conn.execute(f"PRAGMA user_version = {mig.version:d}")


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_encrypted(path: Path) -> bool:
    """True when the file does not start with the plaintext SQLite header."""
    with open(path, "rb") as fh:
        return fh.read(16) != SQLITE_HEADER


def _uri(path: Path, key_hex: str) -> str:
    return "file:" + urllib.parse.quote(str(path)) + "?hexkey=" + key_hex


def translate_error(exc: BaseException, path: Path) -> Exception:
    """Map SQLite failures onto the errors a user can act on."""
    if isinstance(exc, apsw.FullError):
        return DiskFull(f"the disk holding {path} is full; free some space and try again")
    if isinstance(exc, (apsw.NotADBError, apsw.CorruptError)):
        return DatabaseUnreadable(
            f"cannot read the database {path}: it is damaged, not a RepDesk database, "
            "or encrypted with a different key"
        )
    if isinstance(exc, apsw.CantOpenError):
        return DatabaseUnreadable(f"cannot open the database {path}: check that the folder exists and is writable")
    return exc if isinstance(exc, Exception) else RuntimeError(str(exc))


class Store:
    """An open, migrated workspace database."""

    def __init__(self, path: Path, key_hex: str, conn: apsw.Connection, backup_dir: Path | None) -> None:
        self.path = path
        self._key_hex = key_hex
        self.conn = conn
        # one writer connection, several worker threads (db, llm, sync): a transaction is never interleaved
        self._write_lock = threading.RLock()
        self.backup_dir = backup_dir
        self.last_backup: Path | None = None

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path,
        key_hex: str,
        *,
        create: bool = False,
        backup_dir: Path | None = None,
        target_version: int | None = None,
    ) -> Store:
        """Open (or create) the database, refuse one newer than this code, and migrate it up.

        ``target_version`` exists for tests that build old-schema fixtures.
        """
        _apply_bestpractice()
        path = Path(path)
        if not create and not path.exists():
            raise WorkspaceNotFound(f"no database at {path}")
        flags = apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_READWRITE | (apsw.SQLITE_OPEN_CREATE if create else 0)
        try:
            conn = apsw.Connection(_uri(path, key_hex), flags=flags)
            version = conn.execute("PRAGMA user_version").fetchall()[0][0]
        except apsw.Error as exc:
            raise translate_error(exc, path) from None
        store = cls(path, key_hex, conn, backup_dir)
        target = SCHEMA_VERSION if target_version is None else target_version
        if version > SCHEMA_VERSION:
            conn.close()
            raise SchemaTooNew(
                f"the database {path} has schema version {version}, newer than this RepDesk understands "
                f"({SCHEMA_VERSION}); update RepDesk. The file was not changed."
            )
        _register_functions(conn)
        try:
            store._migrate(version, target)
        except BaseException:
            conn.close()
            raise
        return store

    def _migrate(self, current: int, target: int) -> None:
        pending = [m for m in migrations() if current < m.version <= target]
        if not pending:
            return
        if current > 0:
            self.last_backup = self.backup(reason=f"v{current}")
        for mig in pending:
            try:
                self._atomic(lambda conn, mig=mig: _apply_migration(conn, mig))
            except apsw.Error as exc:
                err = translate_error(exc, self.path)
                if err is exc:
                    raise MigrationFailed(
                        f"upgrading {self.path} to schema {mig.version} ({mig.name}) failed: {exc}; "
                        f"the database was left at schema {self.schema_version()}"
                    ) from None
                raise err from None

    def backup(self, reason: str = "manual") -> Path:
        """Copy the (still encrypted) file aside after a checkpoint, so it is complete on its own."""
        target_dir = self.backup_dir or self.path.parent / "backups"
        target_dir.mkdir(parents=True, exist_ok=True)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        target = target_dir / f"{self.path.stem}-{reason}-{stamp}.db"
        shutil.copy2(self.path, target)
        return target

    # -- connections -----------------------------------------------------------------------------
    def reader(self) -> apsw.Connection:
        """A second connection for reads off the writer's thread (WAL snapshot isolation)."""
        conn = apsw.Connection(_uri(self.path, self._key_hex), flags=apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_READWRITE)
        _register_functions(conn)
        conn.execute("PRAGMA query_only = 1")
        return conn

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchall()[0][0]

    def cipher(self) -> str:
        rows = self.conn.execute("PRAGMA cipher").fetchall()
        return rows[0][0] if rows else ""

    def run(self, fn: Callable[[apsw.Connection], T]) -> T:
        """Run ``fn(conn)`` in one transaction on the writer, mapping disk-full and similar failures to clear
        errors. Inside an enclosing transaction it simply joins it."""
        try:
            with self._write_lock:
                return self._atomic(fn)
        except apsw.Error as exc:
            raise translate_error(exc, self.path) from None

    def _atomic(self, fn: Callable[[apsw.Connection], T]) -> T:
        conn = self.conn
        if conn.in_transaction:
            return fn(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may already have rolled back by itself (SQLITE_FULL does): only roll back what is open.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA optimize")
        except apsw.Error:
            pass
        self.conn.close()
