"""The Sync view and the conflict dialog, offscreen, on a workspace connected to the real Tryton server as
rep.wang: a real `ask` conflict (the rep and the back office both changed an opportunity's stage and amount),
resolved in the dialog; a failed queued change retried; sync events shown as progress and offline text."""

from __future__ import annotations

import asyncio
import os
import shutil
from decimal import Decimal
from pathlib import Path

import keyring
import pytest

from desktop.secrets import KeyStore
from desktop.services import sync as sync_service
from desktop.services.sync import SchedulerEvent
from desktop.workspace import Workspace
from sync.engine import Progress, SyncReport
from tests.conftest import SESSION_KEYRING
from ui import ops
from ui.conflict_dialog import ConflictDialog
from ui.sync_view import SyncView

REP = "rep.wang"


@pytest.fixture(scope="module")
def conflicted_path(fresh_tryton, tmp_path_factory: pytest.TempPathFactory):
    """A workspace synced as rep.wang whose opportunity has open `ask` conflicts on stage and amount, plus a
    `local_wins` one already resolved by the rule (built once; each test works on a copy)."""
    keyring.set_keyring(SESSION_KEYRING)
    fresh_tryton.restore()
    path = tmp_path_factory.mktemp("syncview") / "rep"
    os.environ["REPDESK_PASSWORD"] = fresh_tryton.users[REP]
    try:
        ws = Workspace.create(path, KeyStore(config_dir=path.parent / "keys"), kind="central")
        settings = sync_service.CentralSettings("tryton", fresh_tryton.url, fresh_tryton.database, REP)
        sync_service.connect(ws, settings, fresh_tryton.users[REP])
        assert not asyncio.run(sync_service.run_sync(ws)).errors
        conn = ws.store.conn
        opp_local, opp_remote, title, amount = conn.execute(
            "SELECT id, remote_id, title, amount_cents FROM opportunities WHERE deleted = 0 AND stage = 'proposal' "
            "LIMIT 1").fetchone()
        sync_service.edit(ws, "opportunity", opp_local, {"stage": "negotiation", "probability": "70",
                                                          "amount_cents": str(amount + 100_000)})
        fresh_tryton.rpc("mgr.chen")("model.sale.opportunity.write", [[opp_remote], {
            "repdesk_stage": "lost", "probability": 5, "amount": Decimal(amount + 30_000) / 100}])
        report = asyncio.run(sync_service.run_sync(ws))
        assert report.conflicts >= 3
        ws.close()
    finally:
        del os.environ["REPDESK_PASSWORD"]
    return path, {"id": opp_local, "title": title, "amount": amount}


@pytest.fixture
def ws(conflicted_path, tmp_path: Path):
    keyring.set_keyring(SESSION_KEYRING)
    src, _ = conflicted_path
    shutil.copytree(src, tmp_path / "rep")
    workspace = Workspace.open(tmp_path / "rep", KeyStore(config_dir=src.parent / "keys"))
    yield workspace
    ops.shutdown()
    workspace.close()


def make_view(qtbot, ws: Workspace) -> SyncView:
    view = SyncView(ws)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    qtbot.waitUntil(lambda: bool(view.status), timeout=10_000)
    return view


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() if table.item(row, c) else "" for c in range(table.columnCount())]


def pending(ws: Workspace) -> int:
    return sync_service.status(ws)["outbox_pending"]


def test_view_lists_the_conflict_and_the_dialog_resolves_it(qtbot, ws: Workspace, conflicted_path,
                                                             fresh_tryton) -> None:
    _, opp = conflicted_path
    view = make_view(qtbot, ws)
    assert fresh_tryton.url in view.system_label.text() and REP in view.system_label.text()
    assert "succeeded" in view.last_label.text() and "Online" in view.state_label.text()
    assert view.sync_button.isEnabled()
    rows = [cells(view.conflict_table, r) for r in range(view.conflict_table.rowCount())]
    by_field = {r[2]: r for r in rows}
    assert set(by_field) == {"Stage", "Amount"}                       # only the open (`ask`) ones
    stage = by_field["Stage"]
    assert stage[:2] == ["Opportunity", opp["title"]]                  # the record's title, not its id
    assert stage[3:8] == ["Negotiation", "Lost", "Proposal", "You decide", "Open"]
    assert "2 conflict(s)" in view.conflict_summary.text()

    # double-click opens one dialog for the record with both fields
    with qtbot.waitSignal(view.conflict_dialog_opened, timeout=2000):
        view.conflict_table.cellDoubleClicked.emit(0, 0)
    dialog: ConflictDialog = view.dialog
    assert isinstance(dialog, ConflictDialog) and dialog.isVisible()
    assert opp["title"] in dialog.header.text()
    conflicts = {c["field"]: c for c in dialog.conflicts}
    assert set(conflicts) == {"stage", "amount_cents"}
    local, central, base = dialog.value_labels[conflicts["stage"]["id"]]
    assert "Negotiation" in local.text() and "Lost" in central.text() and "Proposal" in base.text()
    local, central, _ = dialog.value_labels[conflicts["amount_cents"]["id"]]
    assert f"¥{(opp['amount'] + 100_000) / 100:,.2f}" in local.text()
    assert f"¥{(opp['amount'] + 30_000) / 100:,.2f}" in central.text()
    # `ask`: no default, OK waits for every field
    assert not dialog.ok_button.isEnabled()
    dialog.mine_buttons[conflicts["stage"]["id"]].click()
    assert not dialog.ok_button.isEnabled()
    dialog.central_buttons[conflicts["amount_cents"]["id"]].click()
    assert dialog.ok_button.isEnabled()

    before = pending(ws)
    with qtbot.waitSignal(dialog.conflicts_resolved, timeout=10_000), qtbot.waitSignal(view.refreshed,
                                                                                       timeout=10_000):
        dialog.ok_button.click()
    assert pending(ws) == before + 1                                   # Keep mine queues one write
    assert sync_service.list_conflicts(ws) == []
    qtbot.waitUntil(lambda: view.conflict_table.rowCount() == 0, timeout=5000)
    assert "No conflicts" in view.conflict_summary.text()
    row = ws.store.conn.execute("SELECT stage, amount_cents FROM opportunities WHERE id = ?", (opp["id"],)).fetchone()
    assert row == ("negotiation", opp["amount"] + 30_000)
    outbox = [cells(view.outbox_table, r) for r in range(view.outbox_table.rowCount())]
    assert any(r[0] == "Waiting" and r[2] == opp["title"] and r[5] == "Stage" for r in outbox)

    # resolved ones stay visible on request
    with qtbot.waitSignal(view.refreshed, timeout=5000):
        view.show_resolved.setChecked(True)
    states = {cells(view.conflict_table, r)[2]: cells(view.conflict_table, r)[7]
              for r in range(view.conflict_table.rowCount())}
    assert states["Stage"] == "Kept yours" and states["Amount"] == "Took central"
    assert states["Probability"] == "Yours won (rule)"


def test_resolve_error_is_shown_inline_and_the_dialog_stays_open(qtbot, ws: Workspace) -> None:
    view = make_view(qtbot, ws)
    dialog = view.open_conflict(view.conflicts[0]["id"])
    assert dialog is not None
    first = dialog.conflicts[0]["id"]
    sync_service.resolve_conflict(ws, first, "central")            # e.g. resolved from the CLI meanwhile
    for c in dialog.conflicts:
        dialog.set_choice(c["id"], "local")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=5000)
    assert "already resolved" in dialog.error_label.text()
    assert dialog.isVisible() and view.dialog is dialog
    # the other field was resolved; only the failed one is left, its choice kept
    assert sync_service.list_conflicts(ws) == []
    assert set(dialog.choices()) == {first}


def test_a_failed_change_shows_retry_and_goes_back_to_the_queue(qtbot, ws: Workspace) -> None:
    contact = ws.store.conn.execute("SELECT id, name FROM contacts WHERE deleted = 0 LIMIT 1").fetchone()
    sync_service.edit(ws, "contact", contact[0], {"phone": "13812345678"})
    ws.store.run(lambda conn: conn.execute(
        "UPDATE outbox SET state = 'failed', attempts = 3, last_error = 'refused: phone invalid' "
        "WHERE id = (SELECT max(id) FROM outbox)"))
    (oid,) = ws.store.conn.execute("SELECT max(id) FROM outbox").fetchone()
    total = ws.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    view = make_view(qtbot, ws)
    rows = {view.outbox_table.item(r, 0).data(256): cells(view.outbox_table, r)
            for r in range(view.outbox_table.rowCount())}
    assert rows[oid][:9] == ["Failed", "Contact", contact[1], str(contact[0]), "Change", "Phone",
                             rows[oid][6], "3", "refused: phone invalid"]
    assert "1 failed" in view.outbox_summary.text() and view.retry_all_button.isEnabled()
    assert oid in view.retry_buttons
    with qtbot.waitSignal(view.refreshed, timeout=5000):
        view.retry_buttons[oid].click()
    assert ws.store.conn.execute("SELECT state, attempts FROM outbox WHERE id = ?", (oid,)).fetchone() == \
        ("pending", 3)
    assert ws.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == total   # nothing deleted
    row = next(cells(view.outbox_table, r) for r in range(view.outbox_table.rowCount())
               if view.outbox_table.item(r, 0).data(256) == oid)
    assert row[0] == "Waiting" and oid not in view.retry_buttons
    assert not view.retry_all_button.isEnabled()


def test_sync_events_show_progress_result_and_offline(qtbot, ws: Workspace) -> None:
    view = make_view(qtbot, ws)
    with qtbot.waitSignal(view.sync_requested, timeout=1000):
        view.sync_button.click()
    view.on_sync_event(SchedulerEvent("started"))
    assert view.progress.isVisible() and "Syncing" in view.state_label.text()
    assert not view.sync_button.isEnabled()
    view.on_sync_event(SchedulerEvent("progress", progress=Progress("pull:account", 500, 1200)))
    assert view.progress.maximum() == 1200 and view.progress.value() == 500
    assert view.progress.format() == "Fetching Account: 500 of 1200"
    view.on_sync_event(SchedulerEvent("progress", progress=Progress("push", 3, None)))
    assert view.progress.format() == "Sending changes: 3"
    report = SyncReport()
    report.of("account").pulled = 7
    report.of("opportunity").pushed = 2
    report.seconds = 1.25
    with qtbot.waitSignal(view.refreshed, timeout=5000):
        view.on_sync_event(SchedulerEvent("finished", report=report, next_in_s=900))
    assert not view.progress.isVisible() and view.sync_button.isEnabled()
    assert "7 in, 2 out" in view.event_label.text() and "Online" in view.state_label.text()
    with qtbot.waitSignal(view.refreshed, timeout=5000):
        view.on_sync_event(SchedulerEvent("offline", message="http://x cannot be reached", next_in_s=5))
    assert view.event_label.text() == "Offline · changes are kept and sent when the server is back"
    assert "Offline" in view.state_label.text() and not view.progress.isVisible()
    view.on_sync_event(SchedulerEvent("refused", message="wrong password for 'rep.wang'"))
    assert "wrong password" in view.event_label.text()


def test_not_connected_workspace(qtbot, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "plain", KeyStore())
    try:
        view = make_view(qtbot, ws)
        qtbot.waitUntil(lambda: "No conflicts" in view.conflict_summary.text(), timeout=5000)
        assert "Not connected" in view.system_label.text() and not view.sync_button.isEnabled()
        assert view.outbox_table.rowCount() == 0 and "Nothing waiting" in view.outbox_summary.text()
    finally:
        ops.shutdown()
        ws.close()


def test_screenshots(qtbot, ws: Workspace) -> None:
    """Writes /tmp/sync_view.png and /tmp/conflict_dialog.png (look at them)."""
    contact = ws.store.conn.execute("SELECT id FROM contacts WHERE deleted = 0 LIMIT 1").fetchone()[0]
    sync_service.edit(ws, "contact", contact, {"wechat": "wx_new_handle"})
    ws.store.run(lambda conn: conn.execute(
        "UPDATE outbox SET state = 'failed', attempts = 2, last_error = 'UserError: phone number is invalid' "
        "WHERE id = (SELECT max(id) FROM outbox)"))
    view = make_view(qtbot, ws)
    view.on_sync_event(SchedulerEvent("progress", progress=Progress("pull:opportunity", 120, 480)))
    qtbot.wait(100)                      # let the headers lay out
    assert view.grab().save("/tmp/sync_view.png")
    dialog = view.open_conflict(view.conflicts[0]["id"])
    assert dialog is not None
    dialog.set_choice(dialog.conflicts[0]["id"], "local")
    dialog.adjustSize()
    qtbot.wait(50)
    assert dialog.grab().save("/tmp/conflict_dialog.png")
    assert Path("/tmp/sync_view.png").stat().st_size > 10_000
