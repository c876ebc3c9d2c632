"""The Sync view: which central system, online or not, the last sync; progress while one runs; the changes
still queued (failed ones can be retried, none is ever dropped); the conflicts waiting for the rep."""

from __future__ import annotations

import datetime as _dt
import html
import threading
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services import outbox_admin
from desktop.services import sync as sync_service
from desktop.services.sync import SchedulerEvent
from desktop.workspace import Workspace

from . import ops
from .conflict_dialog import (
    ConflictDialog,
    entity_label,
    field_label,
    format_value,
    resolution_label,
    rule_label,
)

_TERMINAL = ("finished", "offline", "refused", "busy", "failed")


def _local_time(stamp: str | None) -> str:
    """An ISO UTC stamp from the store as local time (YYYY-MM-DD HH:MM)."""
    if not stamp:
        return ""
    try:
        t = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if t.tzinfo is not None:
        t = t.astimezone()
    return t.strftime("%Y-%m-%d %H:%M")


class _Reader:
    """The view's reader connection, opened on the `read` worker on first use; closed with the view."""

    def __init__(self, ws: Workspace, conn: Any = None) -> None:
        self.ws = ws
        self.conn = conn
        self.owned = conn is None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self.conn is None:
                self.conn = self.ws.store.reader()
            return self.conn

    def close(self, *_args: object) -> None:
        with self._lock:
            if self.owned and self.conn is not None:
                self.conn.close()
                self.conn = None


class SyncView(QWidget):
    """`SyncView(workspace)`; connect `sync_requested` to the scheduler and feed `on_sync_event` its events."""

    sync_requested = Signal()
    refreshed = Signal()                      # outbox, conflicts and status were (re)loaded
    conflict_dialog_opened = Signal(object)   # the ConflictDialog

    OUTBOX_COLUMNS = 10
    CONFLICT_COLUMNS = 9

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, reader: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncView")
        self.workspace = workspace
        self._reader = _Reader(workspace, reader)
        self.destroyed.connect(self._reader.close)
        self._generation = 0
        self._running = False
        self._online: bool | None = None
        self.status: dict = {}
        self.outbox: list[dict] = []
        self.conflicts: list[dict] = []
        self.labels: dict[tuple[str, int], str] = {}
        self.dialog: ConflictDialog | None = None
        self.retry_buttons: dict[int, QPushButton] = {}

        # header: system, state, last sync, Sync now
        self.system_label = QLabel(self)
        self.system_label.setObjectName("SyncSystem")
        self.system_label.setTextFormat(Qt.TextFormat.RichText)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("SyncState")
        self.last_label = QLabel(self)
        self.last_label.setObjectName("SyncLast")
        self.last_label.setWordWrap(True)
        self.sync_button = QPushButton(self.tr("Sync now"), self)
        self.sync_button.setObjectName("SyncNow")
        self.sync_button.setToolTip(self.tr("Send queued changes and fetch what changed centrally (F5)"))
        self.sync_button.clicked.connect(self.on_sync_now_clicked)
        head = QHBoxLayout()
        texts = QVBoxLayout()
        for w in (self.system_label, self.state_label, self.last_label):
            texts.addWidget(w)
        head.addLayout(texts, 1)
        head.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("SyncProgress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.event_label = QLabel(self)
        self.event_label.setObjectName("SyncEvent")
        self.event_label.setWordWrap(True)

        # queued changes
        outbox_box = QGroupBox(self.tr("Queued changes"), self)
        self.outbox_summary = QLabel(outbox_box)
        self.retry_all_button = QPushButton(self.tr("Retry all failed"), outbox_box)
        self.retry_all_button.clicked.connect(lambda: self.retry(None))
        self.outbox_table = QTableWidget(0, self.OUTBOX_COLUMNS, outbox_box)
        self.outbox_table.setObjectName("OutboxTable")
        self.outbox_table.setHorizontalHeaderLabels([
            self.tr("State"), self.tr("Type"), self.tr("Record"), self.tr("Local id"), self.tr("Operation"),
            self.tr("Fields"), self.tr("Queued at"), self.tr("Attempts"), self.tr("Last error"), ""])
        self._setup_table(self.outbox_table)
        self.outbox_table.horizontalHeader().setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        row = QHBoxLayout()
        row.addWidget(self.outbox_summary, 1)
        row.addWidget(self.retry_all_button)
        box_layout = QVBoxLayout(outbox_box)
        box_layout.addLayout(row)
        box_layout.addWidget(self.outbox_table)

        # conflicts
        conflict_box = QGroupBox(self.tr("Conflicts to review"), self)
        self.conflict_summary = QLabel(conflict_box)
        self.show_resolved = QCheckBox(self.tr("Show resolved"), conflict_box)
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        self.resolve_button = QPushButton(self.tr("Resolve…"), conflict_box)
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self.on_resolve_clicked)
        self.conflict_table = QTableWidget(0, self.CONFLICT_COLUMNS, conflict_box)
        self.conflict_table.setObjectName("ConflictTable")
        self.conflict_table.setHorizontalHeaderLabels([
            self.tr("Type"), self.tr("Record"), self.tr("Field"), self.tr("Yours"), self.tr("Central"),
            self.tr("Before both"), self.tr("Rule"), self.tr("State"), self.tr("Found at")])
        self._setup_table(self.conflict_table)
        self.conflict_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.conflict_table.cellDoubleClicked.connect(lambda r, _c: self.open_conflict_row(r))
        self.conflict_table.itemSelectionChanged.connect(self._update_resolve_button)
        row = QHBoxLayout()
        row.addWidget(self.conflict_summary, 1)
        row.addWidget(self.show_resolved)
        row.addWidget(self.resolve_button)
        box_layout = QVBoxLayout(conflict_box)
        box_layout.addLayout(row)
        box_layout.addWidget(self.conflict_table)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.progress)
        layout.addWidget(self.event_label)
        layout.addWidget(outbox_box, 1)
        layout.addWidget(conflict_box, 1)

        ops.signals().changes_applied.connect(self.on_changes_applied)
        self._show_header()
        self.refresh()

    @staticmethod
    def _setup_table(table: QTableWidget) -> None:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(False)

    @staticmethod
    def _fit_columns(table: QTableWidget) -> None:
        """Size columns to their contents, except the stretching one (resizeColumnsToContents would stop
        it stretching)."""
        header = table.horizontalHeader()
        for col in range(table.columnCount()):
            if header.sectionResizeMode(col) != QHeaderView.ResizeMode.Stretch:
                table.resizeColumnToContents(col)

    # -- loading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload status and conflicts (service calls, `db` worker), then the outbox and record labels
        (reader connection, `read` worker); only the newest answer is shown."""
        self._generation += 1
        generation = self._generation
        ws = self.workspace
        include_resolved = self.show_resolved.isChecked()

        def load_state() -> tuple[dict, list[dict]]:
            return sync_service.status(ws), sync_service.list_conflicts(ws, include_resolved)

        ops.op(self, load_state, executor="db").quiet().success(
            lambda r: self._load_outbox(generation, *r)).run()

    def _load_outbox(self, generation: int, status: dict, conflicts: list[dict]) -> None:
        if generation != self._generation:
            return
        reader = self._reader

        def load() -> tuple[list[dict], dict]:
            conn = reader.get()
            outbox = outbox_admin.list_outbox(conn)
            keys = {(c["entity"], c["local_id"]) for c in conflicts} | {(o["entity"], o["local_id"]) for o in outbox}
            return outbox, outbox_admin.record_labels(conn, keys)

        ops.op(self, load, executor="read").quiet().success(
            lambda r: self._apply(generation, status, conflicts, *r)).run()

    def _apply(self, generation: int, status: dict, conflicts: list[dict], outbox: list[dict],
               labels: dict) -> None:
        if generation != self._generation:
            return
        self.status, self.conflicts, self.outbox, self.labels = status, conflicts, outbox, labels
        self._show_header()
        self._fill_outbox()
        self._fill_conflicts()
        self.refreshed.emit()

    def label_of(self, entity: str, local_id: int) -> str:
        return self.labels.get((entity, local_id)) or f"#{local_id}"

    # -- header ----------------------------------------------------------------------------------------
    def _connected(self) -> bool:
        if self.status:
            return bool(self.status.get("connected"))
        return bool(self.workspace.info.settings.get("central"))

    def _show_header(self) -> None:
        central = self.status.get("central") or self.workspace.info.settings.get("central") or {}
        connected = self._connected()
        if connected:
            self.system_label.setText(self.tr("<b>Central system</b>: %1 · database <b>%2</b> · user <b>%3</b>").replace(
                "%1", html.escape(central.get("url", ""))).replace("%2", html.escape(central.get("database", "")))
                .replace("%3", html.escape(central.get("login", ""))))
        else:
            self.system_label.setText(self.tr("<b>Not connected</b> to a central system: this workspace works offline "
                                         "only. Connect it in Settings."))
        self.sync_button.setEnabled(connected and not self._running)

        last = self.status.get("last_sync")
        online = self._online
        if online is None and last:
            online = bool(last.get("ok"))
        if not connected:
            state, color = self.tr("Offline workspace"), "gray"
        elif self._running:
            state, color = self.tr("Syncing…"), "#1565c0"
        elif online is None:
            state, color = self.tr("Not synced yet"), "gray"
        elif online:
            state, color = self.tr("Online"), "#2e7d32"
        else:
            state, color = self.tr("Offline"), "#e65100"
        self.state_label.setText(f"<span style='color:{color}'>●</span> {html.escape(state)}")

        if not last:
            self.last_label.setText(self.tr("Last sync: never") if connected else "")
            return
        when = _local_time(last.get("finished_at") or last.get("started_at"))
        if last.get("ok"):
            outcome = self.tr("succeeded")
        else:
            outcome = self.tr("failed: %1").replace("%1", last.get("error") or "?")
        parts = [self.tr("%1 in").replace("%1", str(last.get("pulled", 0))),
                 self.tr("%1 out").replace("%1", str(last.get("pushed", 0))),
                 self.tr("%1 conflict(s)").replace("%1", str(last.get("conflicts", 0)))]
        if last.get("failed"):
            parts.append(self.tr("%1 not sent").replace("%1", str(last["failed"])))
        seconds = last.get("seconds")
        took = self.tr("%1 s").replace("%1", f"{seconds:.1f}") if isinstance(seconds, int | float) else ""
        self.last_label.setText(self.tr("Last sync: %1 · %2 · %3 · %4").replace("%1", when).replace("%2", outcome)
                                .replace("%3", ", ".join(parts)).replace("%4", took))

    # -- sync events -----------------------------------------------------------------------------------
    def on_sync_now_clicked(self) -> None:
        self.sync_requested.emit()

    def on_sync_event(self, event: SchedulerEvent) -> None:
        if event.kind == "started":
            self._running = True
            self.progress.setRange(0, 0)            # busy until the first progress report
            self.progress.setFormat(self.tr("Starting…"))
            self.progress.show()
            self.event_label.setText(self.tr("Syncing…"))
        elif event.kind == "progress" and event.progress is not None:
            self._running = True
            p = event.progress
            phase = self.phase_text(p.phase)
            self.progress.show()
            if p.total:
                self.progress.setRange(0, max(1, p.total))
                self.progress.setValue(min(p.done, p.total))
                text = self.tr("%1: %2 of %3").replace("%1", phase).replace("%2", str(p.done)).replace("%3", str(p.total))
            else:
                self.progress.setRange(0, 0)
                text = self.tr("%1: %2").replace("%1", phase).replace("%2", str(p.done))
            self.progress.setFormat(text)
            self.event_label.setText(self.tr("Syncing · %1").replace("%1", text))
        elif event.kind == "finished":
            self._running = False
            self._online = True
            self.progress.hide()
            r = event.report
            if r is not None:
                text = self.tr("Synced at %1 · %2 in, %3 out").replace("%1", _dt.datetime.now().strftime("%H:%M")) \
                    .replace("%2", str(r.pulled)).replace("%3", str(r.pushed))
                if r.conflicts:
                    text += self.tr(" · %1 conflict(s)").replace("%1", str(r.conflicts))
                if r.failed:
                    text += self.tr(" · %1 not sent").replace("%1", str(r.failed))
                text += self.tr(" · %1 s").replace("%1", f"{r.seconds:.1f}")
            else:
                text = self.tr("Synced")
            self.event_label.setText(text)
        elif event.kind == "offline":
            self._running = False
            self._online = False
            self.progress.hide()
            self.event_label.setText(self.tr("Offline · changes are kept and sent when the server is back"))
        elif event.kind in _TERMINAL:
            self._running = False
            self.progress.hide()
            self.event_label.setText(self.tr("Sync problem: %1").replace("%1", event.message))
        self.event_label.setToolTip(event.message)
        self._show_header()
        if event.kind in _TERMINAL:
            self.refresh()

    def phase_text(self, phase: str) -> str:
        if phase == "push":
            return self.tr("Sending changes")
        if phase.startswith("pull:"):
            return self.tr("Fetching %1").replace("%1", entity_label(phase.split(":", 1)[1]))
        if phase == "stock":
            return self.tr("Fetching stock")
        if phase == "deletions":
            return self.tr("Checking deletions")
        return phase

    def on_changes_applied(self, changes: Any) -> None:
        if getattr(changes, "outbox", False) or getattr(changes, "conflicts", False):
            self.refresh()

    # -- queued changes --------------------------------------------------------------------------------
    def _fill_outbox(self) -> None:
        states = {"pending": self.tr("Waiting"), "sent": self.tr("Sending"), "failed": self.tr("Failed")}
        ops_names = {"create": self.tr("New"), "write": self.tr("Change"), "delete": self.tr("Delete")}
        table = self.outbox_table
        table.setRowCount(0)
        self.retry_buttons = {}
        table.setRowCount(len(self.outbox))
        for row, o in enumerate(self.outbox):
            fields = ", ".join(field_label(f) for f in o["payload"]) if o["op"] == "write" else ""
            values = (states.get(o["state"], o["state"]), entity_label(o["entity"]),
                      self.label_of(o["entity"], o["local_id"]), str(o["local_id"]),
                      ops_names.get(o["op"], o["op"]), fields, _local_time(o["created_at"]), str(o["attempts"]),
                      o["last_error"])
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, o["id"])
                if col == 8 and text:
                    item.setToolTip(text)
                if o["state"] == "failed" and col == 0:
                    item.setForeground(Qt.GlobalColor.red)
                table.setItem(row, col, item)
            if o["state"] == "failed":
                button = QPushButton(self.tr("Retry"), table)
                button.setToolTip(self.tr("Send this change again at the next sync"))
                button.clicked.connect(lambda _c=False, oid=o["id"]: self.retry(oid))
                table.setCellWidget(row, 9, button)
                self.retry_buttons[o["id"]] = button
        self._fit_columns(table)
        pending = self.status.get("outbox_pending", sum(o["state"] != "failed" for o in self.outbox))
        failed = self.status.get("outbox_failed", sum(o["state"] == "failed" for o in self.outbox))
        if not pending and not failed:
            self.outbox_summary.setText(self.tr("Nothing waiting: every change was sent."))
        else:
            text = self.tr("%1 waiting to be sent").replace("%1", str(pending))
            if failed:
                text += self.tr(" · %1 failed (kept: retry or fix the record)").replace("%1", str(failed))
            self.outbox_summary.setText(text)
        self.retry_all_button.setEnabled(bool(failed))

    def retry(self, outbox_id: int | None) -> None:
        """Put a failed change (or all of them) back in the queue; the next sync sends it."""
        ws = self.workspace
        ops.op(self, lambda: outbox_admin.retry_failed(ws, outbox_id), executor="db").run()

    # -- conflicts -------------------------------------------------------------------------------------
    def _fill_conflicts(self) -> None:
        table = self.conflict_table
        selected = self.selected_conflict_id()
        table.setRowCount(0)
        table.setRowCount(len(self.conflicts))
        for row, c in enumerate(self.conflicts):
            open_ = c["state"] == "open"
            values = (entity_label(c["entity"]), self.label_of(c["entity"], c["local_id"]), field_label(c["field"]),
                      format_value(c["field"], c["local"]), format_value(c["field"], c["central"]),
                      format_value(c["field"], c["base"]), rule_label(c["rule"]),
                      self.tr("Open") if open_ else resolution_label(c["resolution"]), _local_time(c["created_at"]))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c["id"])
                if not open_:
                    item.setForeground(Qt.GlobalColor.gray)
                table.setItem(row, col, item)
            if c["id"] == selected:
                table.selectRow(row)
        self._fit_columns(table)
        n_open = sum(c["state"] == "open" for c in self.conflicts)
        n_open = self.status.get("conflicts_open", n_open)
        self.conflict_summary.setText(
            self.tr("%1 conflict(s) wait for your decision").replace("%1", str(n_open)) if n_open
            else self.tr("No conflicts to review."))
        self._update_resolve_button()

    def selected_conflict_id(self) -> int | None:
        rows = self.conflict_table.selectionModel().selectedRows() if self.conflict_table.selectionModel() else []
        if not rows:
            return None
        item = self.conflict_table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_resolve_button(self) -> None:
        cid = self.selected_conflict_id()
        self.resolve_button.setEnabled(any(c["id"] == cid and c["state"] == "open" for c in self.conflicts))

    def on_resolve_clicked(self) -> None:
        cid = self.selected_conflict_id()
        if cid is not None:
            self.open_conflict(cid)

    def open_conflict_row(self, row: int) -> ConflictDialog | None:
        item = self.conflict_table.item(row, 0)
        return self.open_conflict(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def open_conflict(self, conflict_id: int) -> ConflictDialog | None:
        """Open the dialog for this conflict's record, with all of that record's open conflicts."""
        target = next((c for c in self.conflicts if c["id"] == conflict_id), None)
        if target is None or target["state"] != "open":
            return None
        group = [c for c in self.conflicts if c["state"] == "open" and c["entity"] == target["entity"]
                 and c["local_id"] == target["local_id"]]
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = ConflictDialog(self.workspace, group, self.label_of(target["entity"], target["local_id"]),
                                     self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()
        self.conflict_dialog_opened.emit(self.dialog)
        return self.dialog

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None
