"""A workspace: one folder holding a rep's encrypted database, its manifest and its backups.

    <workspace>/workspace.json   id, format, kind (demo / central), creation time — no secrets
    <workspace>/repdesk.db       the encrypted store (+ -wal / -shm while open)
    <workspace>/backups/         copies taken before schema upgrades

The database key is found through :class:`desktop.secrets.KeyStore` by the workspace id.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import DatabaseUnreadable, KeyMissing, WorkspaceExists, WorkspaceNotFound
from .secrets import KeyLocation, KeyStore
from .store import Store, now_iso

MANIFEST = "workspace.json"
DB_NAME = "repdesk.db"
FORMAT = 1


@dataclass
class WorkspaceInfo:
    id: str
    kind: str = "empty"               # "demo", "central" or "empty"
    created_at: str = field(default_factory=now_iso)
    format: int = FORMAT
    settings: dict = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> WorkspaceInfo:
        try:
            raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(
                id=str(raw["id"]),
                kind=str(raw.get("kind", "empty")),
                created_at=str(raw.get("created_at", "")),
                format=int(raw.get("format", FORMAT)),
                settings=dict(raw.get("settings", {})),
            )
        except FileNotFoundError:
            raise WorkspaceNotFound(
                f"no RepDesk workspace at {folder}; create one with `repdesk demo` (or `repdesk connect`)"
            ) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise DatabaseUnreadable(f"the workspace manifest {folder / MANIFEST} is damaged ({exc})") from None

    def save(self, folder: Path) -> None:
        tmp = folder / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, folder / MANIFEST)


class Workspace:
    """An open workspace. Close it (or use it as a context manager) to release the database."""

    def __init__(self, folder: Path, info: WorkspaceInfo, store: Store, key_location: KeyLocation) -> None:
        self.folder = folder
        self.info = info
        self.store = store
        self.key_location = key_location

    @staticmethod
    def exists(folder: Path) -> bool:
        return (Path(folder) / MANIFEST).exists()

    @classmethod
    def create(cls, folder: Path, keys: KeyStore | None = None, kind: str = "empty") -> Workspace:
        folder = Path(folder).expanduser()
        if cls.exists(folder):
            raise WorkspaceExists(f"a workspace already exists at {folder}")
        keys = keys or KeyStore()
        folder.mkdir(parents=True, exist_ok=True)
        info = WorkspaceInfo(id=uuid.uuid4().hex, kind=kind)
        key, location = keys.create(info.id)
        store = Store.open(folder / DB_NAME, key, create=True, backup_dir=folder / "backups")
        info.save(folder)
        return cls(folder, info, store, location)

    @classmethod
    def open(cls, folder: Path, keys: KeyStore | None = None) -> Workspace:
        folder = Path(folder).expanduser()
        info = WorkspaceInfo.load(folder)
        keys = keys or KeyStore()
        found = keys.find(info.id)
        if found is None:
            raise KeyMissing(
                f"the key for the workspace at {folder} is in neither the keyring nor the key file; "
                "the database cannot be decrypted without it"
            )
        key, location = found
        store = Store.open(folder / DB_NAME, key, backup_dir=folder / "backups")
        return cls(folder, info, store, location)

    def save_info(self) -> None:
        self.info.save(self.folder)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
