"""Database keys: in the keyring when there is one; otherwise a visible, owner-only key file apart from the DB."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop.cli import doctor_report
from desktop.errors import KeyMissing
from desktop.secrets import SERVICE, KeyStore
from desktop.workspace import Workspace


def test_key_goes_to_the_keyring_when_usable(tmp_path: Path, keys: KeyStore) -> None:
    ws = Workspace.create(tmp_path / "ws", keys)
    assert ws.key_location.kind == "keyring"
    stored = keyring.get_password(SERVICE, f"db-key:{ws.info.id}")
    assert stored and len(stored) == 64
    assert not list((tmp_path / "ws").glob("*.key"))
    # nothing secret in the workspace folder
    for f in (tmp_path / "ws").iterdir():
        if f.is_file():
            assert stored.encode() not in f.read_bytes()
    ws.close()
    Workspace.open(tmp_path / "ws", KeyStore()).close()


def test_no_keyring_falls_back_to_owner_only_key_file(tmp_path: Path, isolated_home: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    keys = KeyStore()
    assert not keys.status.usable
    ws = Workspace.create(tmp_path / "ws", keys)
    loc = ws.key_location
    assert loc.kind == "file" and loc.path is not None
    assert "fallback" in loc.describe()
    # kept apart from the database: under the user's config folder, not the workspace
    assert (tmp_path / "ws") not in loc.path.parents
    assert isolated_home / "config" in loc.path.parents
    assert stat.S_IMODE(loc.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(loc.path.parent.stat().st_mode) == 0o700
    ws.close()
    reopened = Workspace.open(tmp_path / "ws", KeyStore())
    assert reopened.key_location.kind == "file"
    reopened.close()
    # doctor says so, visibly
    report = doctor_report(tmp_path / "ws", KeyStore())
    assert report["keyring"]["usable"] is False
    assert "key files" in report["keyring"]["note"]
    assert any("key file" in w for w in report["warnings"])
    assert report["database"]["key"].startswith("key file")


def test_missing_key_is_a_clear_error(tmp_path: Path, keys: KeyStore) -> None:
    ws = Workspace.create(tmp_path / "ws", keys)
    ws.close()
    keys.delete(ws.info.id)
    with pytest.raises(KeyMissing, match="neither the keyring nor the key file"):
        Workspace.open(tmp_path / "ws", keys)


def test_the_test_keyring_is_never_chosen_automatically(tmp_path) -> None:
    """Regression: keyring picks among every imported backend class; ours must not win on a keyring-less box
    (keys kept in memory would be lost at exit, and the database with them)."""
    import subprocess
    import sys

    code = ("import keyring, desktop.secrets as s; kr = keyring.get_keyring(); "
            "print(type(kr).__name__); assert not isinstance(kr, s.MemoryKeyring)")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() != "MemoryKeyring"
