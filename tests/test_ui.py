"""The first window, offscreen, on a real encrypted demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.services.accounts import AccountService
from desktop.workspace import Workspace
from ui import ops
from ui.controller import AppController
from ui.main_window import MainWindow
from ui.models import AccountsTableModel


@pytest.fixture
def window(qtbot, demo_ws: Workspace):
    reader = demo_ws.store.reader()
    win = MainWindow(demo_ws, AccountService(demo_ws.store, reader))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.filter_applied_count >= 1, timeout=10_000)
    yield win
    ops.shutdown()
    reader.close()


def test_lists_every_account_lazily(window: MainWindow, demo_ws: Workspace) -> None:
    total = demo_ws.store.conn.execute("SELECT count(*) FROM accounts WHERE deleted = 0").fetchone()[0]
    assert window.model.rowCount() == total >= 300
    # only the pages the view painted were read, not the whole table
    assert 1 <= window.model.pages_fetched <= 2
    assert "account" in window.count_label.text()
    window.table.scrollToBottom()
    QApplication.processEvents()
    last = window.model.index(total - 1, 0)
    assert window.model.data(last)  # reachable at once; one more page fetched
    assert window.model.pages_fetched <= 4


def test_search_box_filters_by_chinese_substring(qtbot, window: MainWindow, demo_ws: Workspace) -> None:
    acc_id, name = demo_ws.store.conn.execute(
        "SELECT id, name_zh FROM accounts WHERE length(name_zh) >= 8 ORDER BY id DESC LIMIT 1").fetchone()
    before = window.filter_applied_count
    window.search_box.setText(name[2:6])  # QTest.keyClicks only types ASCII
    qtbot.waitUntil(lambda: window.filter_applied_count > before and window.model.row_of(acc_id) >= 0, timeout=5000)
    assert window.model.rowCount() < 300
    rows = [window.model.data(window.model.index(r, 0)) for r in range(window.model.rowCount())]
    assert all(name[2:6] in r or r for r in rows)
    # the detail panel shows the first match
    qtbot.waitUntil(lambda: bool(window.detail.toPlainText()), timeout=5000)


def test_no_match_shows_empty_list(qtbot, window: MainWindow) -> None:
    before = window.filter_applied_count
    window.search_box.setText("没有这个客户zzzz")
    qtbot.waitUntil(lambda: window.filter_applied_count > before, timeout=5000)
    assert window.model.rowCount() == 0
    assert window.detail.toPlainText() == ""


def test_ctrl_f_focuses_search(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search_box.hasFocus, timeout=2000)


def test_selecting_a_row_shows_account_360(qtbot, window: MainWindow, demo_ws: Workspace) -> None:
    window.table.selectRow(5)
    acc_id = window.model.account_id(5)
    name = demo_ws.store.conn.execute("SELECT name_zh FROM accounts WHERE id = ?", (acc_id,)).fetchone()[0]
    qtbot.waitUntil(lambda: name in window.detail.toPlainText(), timeout=2000)
    text = window.detail.toPlainText()
    assert "Contacts" in text and "Recent orders" in text


def test_offline_note_through_op_updates_the_panel(qtbot, tmp_path: Path, keys) -> None:
    ws = Workspace.create(tmp_path / "ws", keys)
    now = "2026-12-04T00:00:00Z"
    ws.store.conn.execute("INSERT INTO accounts(id, code, name_zh, created_at, updated_at) "
                          "VALUES (1, 'C1', '合肥庐阳区社区卫生服务中心', ?, ?)", (now, now))
    reader = ws.store.reader()
    win = MainWindow(ws, AccountService(ws.store, reader))
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.filter_applied_count >= 1 and bool(win.detail.toPlainText()), timeout=5000)
    received = []
    ops.signals().changes_applied.connect(received.append)
    writer = AccountService(ws.store)
    with qtbot.waitSignal(ops.signals().changes_applied, timeout=5000):
        ops.op(win, lambda: writer.add_activity(1, "电话确认下周三拜访")).run()
    assert received[-1].activities and received[-1].outbox
    qtbot.waitUntil(lambda: "电话确认下周三拜访" in win.detail.toPlainText(), timeout=2000)
    assert "not yet synced" in win.detail.toPlainText()
    ops.shutdown()
    reader.close()
    ws.close()


def test_op_failure_goes_to_the_error_reporter(qtbot) -> None:
    errors = []
    ops.signals().error_reported.connect(errors.append)

    def boom() -> None:
        from desktop.errors import NotFound
        raise NotFound("no account with id 42")

    with qtbot.waitSignal(ops.signals().error_reported, timeout=5000):
        ops.op(None, boom).run()
    assert errors == ["no account with id 42"]
    ops.shutdown()


def test_model_pages_are_bounded(demo_ws: Workspace) -> None:
    reader = demo_ws.store.reader()
    model = AccountsTableModel(AccountService(demo_ws.store, reader))
    model.PAGE, model.MAX_PAGES = 10, 3
    model.set_ids(AccountService(demo_ws.store, reader).ids())
    for row in range(0, model.rowCount(), 10):
        assert model.data(model.index(row, 2))
    assert len(model._pages) <= 3
    reader.close()


def test_first_start_creates_the_demo_workspace_and_opens_the_window(qtbot, tmp_path: Path, keys) -> None:
    controller = AppController(tmp_path / "fresh", keys)
    controller.start()
    qtbot.waitUntil(lambda: controller.window is not None, timeout=60_000)
    win = controller.window
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.model.rowCount() >= 300, timeout=10_000)
    assert Workspace.exists(tmp_path / "fresh")
    assert "Demo" in win.windowTitle()
    controller.shutdown()


def test_eml_files_given_on_the_command_line_are_imported(qtbot, tmp_path: Path, demo_workspace_path: Path,
                                                         keys) -> None:
    """`repdesk mail.eml` (the desktop's "Open with RepDesk" for message/rfc822) imports the mail into the Inbox."""
    import email.utils
    import shutil

    from tests.test_inbox import _eml
    from ui.app import _gui_args

    shutil.copytree(demo_workspace_path, tmp_path / "ws")
    mail = _eml(tmp_path / "order.eml", "buyer@example.com", "Stock?", "Do you have 40 units in stock?",
                "<cli-open@x>", date=email.utils.format_datetime(email.utils.localtime()))
    workspace, files = _gui_args(["--workspace", str(tmp_path / "ws"), str(mail), "--ignored", "notes.txt"])
    assert workspace == tmp_path / "ws" and files == [mail]
    controller = AppController(workspace, keys, open_files=files)
    controller.start()
    qtbot.waitUntil(lambda: controller.window is not None, timeout=60_000)
    qtbot.addWidget(controller.window)
    conn = controller.workspace.store.conn

    def imported() -> int:
        return conn.execute("SELECT count(*) FROM inbound_messages WHERE source_ref = '<cli-open@x>'").fetchone()[0]

    qtbot.waitUntil(lambda: imported() == 1, timeout=20_000)
    controller.shutdown()


def test_unreadable_workspace_is_reported_not_crashed(qtbot, tmp_path: Path, keys, monkeypatch) -> None:
    ws = Workspace.create(tmp_path / "ws", keys)
    ws.close()
    (tmp_path / "ws" / "repdesk.db").write_bytes(b"junk" * 5000)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    controller = AppController(tmp_path / "ws", keys)
    controller.start()
    assert controller.exit_code == 1
    assert shown and "cannot read the database" in shown[0]


def test_key_file_fallback_is_announced_once(qtbot, tmp_path: Path, monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    from desktop.secrets import KeyStore

    keyring.set_keyring(fail.Keyring())
    Workspace.create(tmp_path / "ws", KeyStore()).close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "show", lambda self: shown.append(self.text()))
    for _ in range(2):
        controller = AppController(tmp_path / "ws", KeyStore())
        controller.start()
        qtbot.addWidget(controller.window)
        controller.shutdown()
    assert len(shown) == 1
    assert "no usable system keyring" in shown[0] and ".key" in shown[0]


def test_sync_status_in_the_status_bar(qtbot, window: MainWindow) -> None:
    from desktop.services.sync import SchedulerEvent
    from sync.engine import EntityReport, Progress, SyncReport

    assert "not connected" in window.sync_label.text() and not window.sync_now.isEnabled()
    window.on_sync_event(SchedulerEvent("started"))
    assert window.sync_label.text() == "Syncing…" and window.sync_now.isEnabled()
    window.on_sync_event(SchedulerEvent("progress", progress=Progress("pull:account", 500, 1320)))
    assert "pull:account 500/1320" in window.sync_label.text()
    report = SyncReport(entities={"account": EntityReport(pulled=3, conflicts=1), "activity": EntityReport(pushed=2)})
    window.on_sync_event(SchedulerEvent("finished", report=report))
    text = window.sync_label.text()
    assert "3 in, 2 out" in text and "1 conflicts" in text
    window.on_sync_event(SchedulerEvent("offline", message="http://x cannot be reached"))
    assert window.sync_label.text().startswith("Offline") and "cannot be reached" in window.sync_label.toolTip()
    assert window.sync_now.shortcut().toString() == "F5"


def test_views_switch_with_ctrl_digits_and_state_is_restored(qtbot, window: MainWindow, demo_ws) -> None:
    from PySide6.QtWidgets import QLabel

    window.add_view("inbox", QLabel("inbox"), "Inbox", 0)
    window.add_view("sync", QLabel("sync"), "Sync")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget().text() == "sync"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget() is window.accounts_page
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget().text() == "inbox"
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    window.resize(1000, 640)
    window.close()                                        # saves geometry and the current view
    reader = demo_ws.store.reader()
    again = MainWindow(demo_ws, AccountService(demo_ws.store, reader))
    qtbot.addWidget(again)
    again.add_view("inbox", QLabel("inbox"), "Inbox", 0)
    again.add_view("sync", QLabel("sync"), "Sync")
    again.restore_state()
    assert again.views.currentWidget().text() == "sync" and again.size().height() == 640
    qtbot.waitUntil(lambda: again.filter_applied_count >= 1, timeout=10_000)   # its reads are done
    reader.close()


def test_offline_note_and_opportunity_edit_are_saved_and_marked(qtbot, window: MainWindow, demo_ws) -> None:
    from ui.edit_dialogs import NoteDialog, OpportunityDialog

    acc_id = demo_ws.store.conn.execute(
        "SELECT account_id FROM opportunities WHERE deleted = 0 AND stage = 'proposal' LIMIT 1").fetchone()[0]
    note = NoteDialog(demo_ws, acc_id, window)
    qtbot.addWidget(note)
    note.save()                                           # empty: refused, dialog stays with the error shown
    qtbot.waitUntil(lambda: not note.error.isHidden(), timeout=10_000)
    note.body.setPlainText("客户要求下周三送样品到药剂科")
    note.save()
    qtbot.waitUntil(lambda: note.result() == note.DialogCode.Accepted, timeout=10_000)
    opp = OpportunityDialog(demo_ws, acc_id, window)
    qtbot.addWidget(opp)
    assert opp.has_opportunities()
    opp.stage.setCurrentIndex(opp.stage.findData("negotiation"))
    opp.probability.setValue(65)
    opp.save()
    qtbot.waitUntil(lambda: opp.result() == opp.DialogCode.Accepted, timeout=10_000)
    outbox = demo_ws.store.conn.execute("SELECT entity, op FROM outbox ORDER BY id").fetchall()
    assert ("activity", "create") in outbox and ("opportunity", "write") in outbox
    html = window.render_360(window.service.account_360(acc_id))
    assert html.count("not yet synced") >= 2 and "客户要求下周三送样品" in html
    assert "chart://orders" in html and "Stock of what they buy" in html


def test_offline_contact_edit_is_saved_and_marked(qtbot, window: MainWindow, demo_ws) -> None:
    from ui.edit_dialogs import ContactDialog

    acc_id, contact_id = demo_ws.store.conn.execute(
        "SELECT account_id, id FROM contacts WHERE deleted = 0 ORDER BY id LIMIT 1").fetchone()
    dialog = ContactDialog(demo_ws, acc_id, window)
    qtbot.addWidget(dialog)
    assert dialog.has_contacts() and dialog.which.currentData() == contact_id
    dialog.edits["wechat"].setText("wx_new_handle")
    dialog.consents["sms"].setCurrentIndex(dialog.consents["sms"].findData(0))
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    wechat, sms, dirty = demo_ws.store.conn.execute(
        "SELECT wechat, consent_sms, dirty FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    assert (wechat, sms, dirty) == ("wx_new_handle", 0, 1)
    payload = demo_ws.store.conn.execute(
        "SELECT payload_json FROM outbox WHERE entity = 'contact' AND local_id = ?", (contact_id,)).fetchone()[0]
    assert "wx_new_handle" in payload
    assert "not yet synced" in window.render_360(window.service.account_360(acc_id))


def test_owner_filter(qtbot, window: MainWindow, demo_ws) -> None:
    owners = [window.owner_box.itemData(i) for i in range(1, window.owner_box.count())]
    assert owners == sorted({r[0] for r in demo_ws.store.conn.execute("SELECT owner FROM accounts")})
    expected = demo_ws.store.conn.execute("SELECT count(*) FROM accounts WHERE owner = ?", (owners[0],)).fetchone()[0]
    before = window.filter_applied_count
    window.owner_box.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.filter_applied_count > before, timeout=10_000)
    assert window.model.rowCount() == expected


def test_stored_utc_times_are_shown_in_local_time(monkeypatch) -> None:
    import time

    from ui.main_window import _local_time

    monkeypatch.setenv("TZ", "CST-8")           # POSIX form: UTC+8 without needing tzdata
    time.tzset()
    try:
        assert _local_time("2026-12-04T01:30:00Z") == "2026-12-04 09:30"
        assert _local_time("2026-12-03T20:00:00Z")[:10] == "2026-12-04"       # the day changes too
        assert _local_time("not a time") == "not a time" and _local_time("") == ""
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
