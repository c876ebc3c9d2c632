"""The main window: account list with instant search and filters, and the account panel."""

from __future__ import annotations

import datetime as _dt
import html

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolBar,
)

from desktop.changes import Changes
from desktop.domain import Account360
from desktop.services.accounts import AccountFilter, AccountService
from desktop.services.sync import SchedulerEvent
from desktop.workspace import Workspace

from . import ops
from .models import AccountsTableModel


def _money(cents: int) -> str:
    return f"¥{cents / 100:,.0f}"


class MainWindow(QMainWindow):
    SEARCH_DELAY_MS = 120

    def __init__(self, workspace: Workspace, reader_service: AccountService) -> None:
        super().__init__()
        self.workspace = workspace
        self.service = reader_service
        self.setObjectName("MainWindow")
        kind = {"demo": self.tr("Demo workspace"), "central": self.tr("Synced workspace")}.get(
            workspace.info.kind, self.tr("Workspace"))
        self.setWindowTitle(self.tr("RepDesk — %1").replace("%1", kind))
        self.resize(1280, 800)

        self.model = AccountsTableModel(reader_service, self)
        self.table = QTableView(self)
        self.table.setObjectName("AccountsView")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((240, 260, 80, 110, 110, 40, 80, 140, 90)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)

        self.detail = QTextBrowser(self)
        self.detail.setObjectName("Account360View")
        self.detail.setOpenExternalLinks(False)
        self.detail.setPlaceholderText(self.tr("Select an account to see its contacts, opportunities and orders."))

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.setCentralWidget(splitter)

        # search + filters
        bar = QToolBar(self.tr("Search"), self)
        bar.setObjectName("SearchBar")
        bar.setMovable(False)
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("SearchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(
            self.tr("Search accounts and contacts: name (中文/English), phone, email, code… (Ctrl+F)"))
        self.search_box.setMinimumWidth(420)
        bar.addWidget(self.search_box)
        self.region_box = QComboBox(self)
        self.region_box.addItem(self.tr("All regions"), "")
        for value in reader_service.filter_values("region"):
            self.region_box.addItem(value, value)
        self.tier_box = QComboBox(self)
        self.tier_box.addItem(self.tr("All tiers"), "")
        for value in reader_service.filter_values("tier"):
            self.tier_box.addItem(self.tr("Tier %1").replace("%1", value), value)
        self.overdue_box = QCheckBox(self.tr("Overdue follow-up"), self)
        for w in (self.region_box, self.tier_box, self.overdue_box):
            bar.addWidget(w)
        self.addToolBar(bar)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self.apply_filter)
        self.region_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.tier_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.overdue_box.toggled.connect(lambda _b: self.apply_filter())

        find = QAction(self.tr("Find"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.addAction(find)
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

        self.count_label = QLabel(self)
        self.store_label = QLabel(self)
        self.sync_label = QLabel(self)
        self.statusBar().addWidget(self.count_label, 1)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.store_label)
        cipher = workspace.store.cipher() or "?"
        self.store_label.setText(self.tr("Encrypted store (%1) · %2").replace("%1", cipher).replace(
            "%2", str(workspace.folder)))

        self.sync_now = QAction(self.tr("Sync now"), self)
        self.sync_now.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.sync_now.setEnabled(False)          # enabled when the workspace is connected (see on_sync_event)
        self.addAction(self.sync_now)
        if not workspace.info.settings.get("central"):
            self.sync_label.setText(self.tr("Offline workspace (not connected)"))

        self._generation = 0
        self.filter_applied_count = 0
        ops.signals().changes_applied.connect(self.on_changes_applied)
        self.apply_filter()

    # -- behaviour ------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def current_filter(self) -> AccountFilter:
        return AccountFilter(
            text=self.search_box.text(),
            region=self.region_box.currentData() or "",
            tier=self.tier_box.currentData() or "",
            overdue_on=_dt.date.today().isoformat() if self.overdue_box.isChecked() else "",
        )

    def apply_filter(self) -> None:
        """Compute the matching ids off the UI thread; apply only the newest answer."""
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        ops.op(self, lambda: self.service.ids(flt), executor="read").quiet().success(
            lambda ids: self._on_ids(generation, ids)).run()

    def _on_ids(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return  # a newer keystroke superseded this query
        self.model.set_ids(ids)
        self.filter_applied_count += 1
        self.count_label.setText(self.tr("%n account(s)", "", len(ids)))
        if ids:
            self.table.selectRow(0)
        else:
            self.detail.clear()

    def on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        self.show_account_row(indexes[0])

    def show_account_row(self, index: QModelIndex) -> None:
        account_id = self.model.account_id(index.row())
        if account_id is not None:
            self.detail.setHtml(self.render_360(self.service.account_360(account_id)))

    def on_sync_event(self, event: SchedulerEvent) -> None:
        """Sync status in the status bar: running (with progress), last result, offline, refused."""
        tr = self.tr
        self.sync_now.setEnabled(True)
        if event.kind == "started":
            self.sync_label.setText(tr("Syncing…"))
        elif event.kind == "progress" and event.progress is not None:
            p = event.progress
            total = f"/{p.total}" if p.total else ""
            self.sync_label.setText(tr("Syncing: %1 %2").replace("%1", p.phase).replace("%2", f"{p.done}{total}"))
        elif event.kind == "finished" and event.report is not None:
            r = event.report
            text = tr("Synced %1 · %2 in, %3 out").replace("%1", _dt.datetime.now().strftime("%H:%M")).replace(
                "%2", str(r.pulled)).replace("%3", str(r.pushed))
            if r.conflicts:
                text += tr(" · %1 conflicts").replace("%1", str(r.conflicts))
            if r.failed:
                text += tr(" · %1 not sent").replace("%1", str(r.failed))
            self.sync_label.setText(text)
            if r.pulled or r.pushed:
                ops.signals().changes_applied.emit(Changes.everything())
        elif event.kind == "offline":
            self.sync_label.setText(tr("Offline · changes are kept and sent when the server is back"))
        else:
            self.sync_label.setText(tr("Sync problem: %1").replace("%1", event.message))
        self.sync_label.setToolTip(event.message)

    def on_changes_applied(self, changes: Changes) -> None:
        if changes.accounts or changes.contacts:
            self.apply_filter()
        elif changes.activities or changes.opportunities:
            self.model.refresh()
            current = self.table.currentIndex()
            if current.isValid():
                self.show_account_row(current)

    def render_360(self, view: Account360) -> str:
        a = view.account
        e = html.escape
        tr = self.tr
        parts = [
            f"<h2 style='margin-bottom:0'>{e(a.name_zh)}</h2><div style='color:gray'>{e(a.name_en)}</div>",
            f"<p>{e(a.code)} · {e(a.city)} · {e(a.industry)} · {tr('Tier')} {e(a.tier)} · {e(a.owner)}<br>"
            f"☎ {e(a.phone or '-')} · ✉ {e(a.email or '-')}<br>{tr('Credit code')}: {e(a.credit_code or '-')}</p>",
            f"<p><b>{tr('Orders')}</b>: {view.order_count} · {tr('last')} {e(view.last_order_date or '-')} · "
            f"{tr('12-month revenue')} {_money(view.revenue_cents_12m)}</p>",
            f"<h3>{tr('Contacts')}</h3><ul>",
        ]
        for c in view.contacts:
            consent = ", ".join(k for k, v in c.consent.items() if v) or tr("no consent recorded")
            parts.append(f"<li>{e(c.name)} ({e(c.name_latin)}) — {e(c.title)}<br>"
                         f"<small>{e(c.phone)} · {e(c.email)} · {tr('consent')}: {e(consent)}</small></li>")
        parts.append(f"</ul><h3>{tr('Open opportunities')}</h3><ul>")
        for o in view.opportunities or []:
            parts.append(f"<li>{e(o.title)} — {e(o.stage)}, {_money(o.amount_cents)}, {o.probability}%</li>")
        if not view.opportunities:
            parts.append(f"<li style='color:gray'>{tr('none')}</li>")
        parts.append(f"</ul><h3>{tr('Recent orders')}</h3><table cellspacing=4>")
        for o in view.recent_orders[:8]:
            parts.append(f"<tr><td>{e(o.number)}</td><td>{e(o.order_date)}</td><td>{e(o.state)}</td>"
                         f"<td align=right>{_money(o.total_cents)}</td></tr>")
        parts.append("</table>")
        parts.append(f"<h3>{tr('Activities')}</h3><ul>")
        for act in view.activities[:8]:
            pending = f" <i style='color:#c60'>({tr('not yet synced')})</i>" if act.dirty else ""
            parts.append(f"<li>{e(act.occurred_at[:10])} · {e(act.kind)} · {e(act.subject)} {e(act.body[:140])}"
                         f"{pending}</li>")
        if not view.activities:
            parts.append(f"<li style='color:gray'>{tr('none')}</li>")
        parts.append("</ul>")
        if view.promotions:
            parts.append(f"<h3>{tr('Competitor promotions in the region')}</h3><ul>")
            for p in view.promotions:
                parts.append(f"<li>{e(p.competitor)}: {e(p.title)} (−{p.discount_pct:g}%, "
                             f"{tr('until')} {e(p.ends_on)})</li>")
            parts.append("</ul>")
        return "".join(parts)
