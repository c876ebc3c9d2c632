"""The CLI: happy paths on a demo workspace, and one clear line + non-zero exit for every bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from desktop.cli import main
from desktop.secrets import SERVICE
from desktop.store import SCHEMA_VERSION
from desktop.workspace import Workspace, WorkspaceInfo


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


@pytest.fixture
def ws_path(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    path = tmp_path / "ws"
    code, out, _ = run(capsys, "demo", "--path", str(path), "--accounts", "320")
    assert code == 0 and "Demo workspace created" in out
    return path


def test_demo_search_show_messages_doctor(ws_path: Path, capsys: pytest.CaptureFixture) -> None:
    ws = str(ws_path)
    code, out, _ = run(capsys, "messages", "list", "--workspace", ws, "--json", "--limit", "500")
    assert code == 0
    messages = json.loads(out)
    assert len(messages) >= 60
    assert {m["language"] for m in messages} >= {"zh", "en"}
    assert messages == sorted(messages, key=lambda m: m["received_at"], reverse=True)

    with Workspace.open(ws_path) as w:
        acc_id, code_, name_zh = w.store.conn.execute(
            "SELECT id, code, name_zh FROM accounts WHERE length(name_zh) >= 6 ORDER BY id LIMIT 1").fetchone()
    code, out, _ = run(capsys, "--workspace", ws, "search", name_zh[2:5])
    assert code == 0 and name_zh in out
    code, out, _ = run(capsys, "search", name_zh[2:5], "--workspace", ws, "--json")
    assert any(h["entity_id"] == acc_id and h["entity"] == "account" for h in json.loads(out))

    for ref in (str(acc_id), code_, code_.lower()):
        code, out, _ = run(capsys, "account", "show", ref, "--workspace", ws)
        assert code == 0 and name_zh in out and "Contacts" in out
    code, out, _ = run(capsys, "account", "show", str(acc_id), "--workspace", ws, "--json")
    assert json.loads(out)["account"]["id"] == acc_id

    code, out, _ = run(capsys, "doctor", "--workspace", ws)
    assert code == 0, out
    assert "encrypted_on_disk  True" in out and "chacha20" in out and f"schema             {SCHEMA_VERSION}" in out
    code, out, _ = run(capsys, "doctor", "--workspace", ws, "--json")
    report = json.loads(out)
    assert report["database"]["accounts"] >= 300 and report["database"]["integrity"] == "ok"


def test_default_workspace_comes_from_environment(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("REPDESK_WORKSPACE", str(tmp_path / "envws"))
    assert run(capsys, "demo", "--accounts", "20")[0] == 0
    code, out, _ = run(capsys, "messages", "list", "--limit", "3")
    assert code == 0 and len(out.strip().splitlines()) == 3


def test_unknown_account(ws_path: Path, capsys) -> None:
    code, _, err = run(capsys, "account", "show", "999999", "--workspace", str(ws_path))
    assert_one_line_error(code, err, "no account with id or code '999999'")
    code, _, err = run(capsys, "account", "show", "NOPE-1", "--workspace", str(ws_path))
    assert_one_line_error(code, err, "NOPE-1")


def test_missing_workspace(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "search", "abc", "--workspace", str(tmp_path / "nowhere"))
    assert_one_line_error(code, err, "no RepDesk workspace", "repdesk demo")


def test_unreadable_database(ws_path: Path, capsys) -> None:
    (ws_path / "repdesk.db").write_bytes(b"\x00garbage" * 4096)
    for name in ("repdesk.db-wal", "repdesk.db-shm"):
        (ws_path / name).unlink(missing_ok=True)
    code, _, err = run(capsys, "messages", "list", "--workspace", str(ws_path))
    assert_one_line_error(code, err, "cannot read the database")


def test_wrong_key(ws_path: Path, capsys) -> None:
    info = WorkspaceInfo.load(ws_path)
    keyring.set_password(SERVICE, f"db-key:{info.id}", "00" * 32)
    code, _, err = run(capsys, "search", "abc", "--workspace", str(ws_path))
    assert_one_line_error(code, err, "different key")


def test_damaged_manifest(ws_path: Path, capsys) -> None:
    (ws_path / "workspace.json").write_text("{not json")
    code, _, err = run(capsys, "search", "abc", "--workspace", str(ws_path))
    assert_one_line_error(code, err, "manifest", "damaged")


def test_newer_schema(ws_path: Path, capsys) -> None:
    with Workspace.open(ws_path) as w:
        w.store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    code, _, err = run(capsys, "account", "show", "1", "--workspace", str(ws_path))
    assert_one_line_error(code, err, "newer than this RepDesk", "not changed")


def test_demo_refuses_to_overwrite(ws_path: Path, capsys) -> None:
    code, _, err = run(capsys, "demo", "--path", str(ws_path))
    assert_one_line_error(code, err, "already exists", "--force")
    info = WorkspaceInfo.load(ws_path)
    info.kind = "central"
    info.save(ws_path)
    code, _, err = run(capsys, "demo", "--path", str(ws_path), "--force")
    assert_one_line_error(code, err, "refusing")


def test_demo_force_replaces_a_demo(ws_path: Path, capsys) -> None:
    old = WorkspaceInfo.load(ws_path).id
    code, _, _ = run(capsys, "demo", "--path", str(ws_path), "--force", "--accounts", "10")
    assert code == 0
    assert WorkspaceInfo.load(ws_path).id != old
    assert keyring.get_password(SERVICE, f"db-key:{old}") is None  # the old key went with its data


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["demo", "--accounts", "0"], "--accounts must be between"),
        (["demo", "--accounts", "many"], "invalid int value"),
        (["frobnicate"], "invalid choice"),
        (["account"], "required"),
        (["search"], "required"),
        (["messages", "list", "--status", "nope"], "invalid choice"),
        (["search", "x", "--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_bad_arguments(tmp_path: Path, capsys, argv: list[str], needle: str) -> None:
    code, _, err = run(capsys, *argv, "--workspace", str(tmp_path / "w"))
    assert_one_line_error(code, err, needle)


def test_installed_entry_point_without_keyring(tmp_path: Path, isolated_home: Path) -> None:
    """The real `repdesk` executable, as a rep's headless box would run it: no keyring → visible key file."""
    exe = Path(sys.executable).parent / "repdesk"
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "QT_QPA_PLATFORM": "offscreen"}
    ws = str(tmp_path / "ws")

    def call(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), *argv], env=env, capture_output=True, text=True, timeout=300)

    r = call("demo", "--accounts", "30", "--path", ws)
    assert r.returncode == 0, r.stderr
    assert "key file" in r.stdout
    r = call("doctor", "--workspace", ws)
    assert "WARNING: no usable OS keyring" in r.stdout
    assert "key file" in r.stdout
    r = call("account", "show", "424242", "--workspace", ws)
    assert r.returncode == 1
    assert r.stderr.strip() == "repdesk: error: no account with id or code '424242'"
