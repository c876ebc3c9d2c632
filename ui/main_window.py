"""The main window: four views (Inbox, Accounts, Sync, Settings; Ctrl+1..4) around the account list with instant
search and filters and the account 360 panel, with offline edits queued for sync."""

from __future__ import annotations

import datetime as _dt
import html

from PySide6.QtCore import QByteArray, QItemSelection, QModelIndex, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import Changes
from desktop.domain import Account360
from desktop.services.accounts import AccountFilter, AccountService
from desktop.services.sync import SchedulerEvent
from desktop.workspace import Workspace

from . import ops
from .edit_dialogs import ContactDialog, NoteDialog, OpportunityDialog
from .models import AccountsTableModel


def _money(cents: int) -> str:
    return f"¥{cents / 100:,.0f}"


def _local_time(iso: str) -> str:
    """A stored UTC time (…Z) as the laptop's local "YYYY-MM-DD HH:MM"; anything unparsable is shown as is."""
    try:
        moment = _dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return iso or ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def order_chart(months: list[tuple[str, int]], width: int = 360, height: int = 90) -> QImage:
    """A small bar chart of monthly order value (no QtCharts: a dozen bars do not need it)."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    if not months:
        return image
    top = max(c for _m, c in months) or 1
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    slot = width / len(months)
    for i, (month, cents) in enumerate(months):
        h = int((height - 16) * cents / top)
        painter.fillRect(int(i * slot + 3), height - 14 - h, int(slot - 6), h, QColor("#2f7ed8"))
        painter.setPen(QColor("#777"))
        painter.drawText(int(i * slot), height - 12, int(slot), 12, Qt.AlignmentFlag.AlignCenter, month[5:])
    painter.end()
    return image


class MainWindow(QMainWindow):
    SEARCH_DELAY_MS = 120
    files_dropped = Signal(list)          # paths of .eml files dropped anywhere on the window

    def __init__(self, workspace: Workspace, reader_service: AccountService) -> None:
        super().__init__()
        self.workspace = workspace
        self.service = reader_service
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
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

        self.note_button = QPushButton(self.tr("Add note…"), self)
        self.note_button.setToolTip(self.tr("Record a call, visit or note (saved at once, sent at the next sync)"))
        self.note_button.clicked.connect(self.add_note)
        self.opportunity_button = QPushButton(self.tr("Update opportunity…"), self)
        self.opportunity_button.clicked.connect(self.edit_opportunity)
        self.contact_button = QPushButton(self.tr("Edit contact…"), self)
        self.contact_button.clicked.connect(self.edit_contact)
        detail_page = QWidget(self)
        detail_layout = QVBoxLayout(detail_page)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note_button)
        buttons.addWidget(self.opportunity_button)
        buttons.addWidget(self.contact_button)
        buttons.addStretch(1)
        detail_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("AccountsSplitter")
        splitter.addWidget(self.table)
        splitter.addWidget(detail_page)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter

        # search + filters, above the list
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("SearchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(
            self.tr("Search accounts and contacts: name (中文/English), phone, email, code… (Ctrl+F)"))
        self.search_box.setMinimumWidth(420)
        self.region_box = QComboBox(self)
        self.region_box.addItem(self.tr("All regions"), "")
        for value in reader_service.filter_values("region"):
            self.region_box.addItem(value, value)
        self.tier_box = QComboBox(self)
        self.tier_box.addItem(self.tr("All tiers"), "")
        for value in reader_service.filter_values("tier"):
            self.tier_box.addItem(self.tr("Tier %1").replace("%1", value), value)
        self.owner_box = QComboBox(self)
        self.owner_box.addItem(self.tr("All owners"), "")
        for value in reader_service.filter_values("owner"):
            self.owner_box.addItem(value, value)
        self.overdue_box = QCheckBox(self.tr("Overdue follow-up"), self)
        filters = QHBoxLayout()
        filters.addWidget(self.search_box, 1)
        for w in (self.region_box, self.tier_box, self.owner_box, self.overdue_box):
            filters.addWidget(w)
        self.accounts_page = QWidget(self)
        self.accounts_page.setObjectName("AccountsPage")
        page_layout = QVBoxLayout(self.accounts_page)
        page_layout.setContentsMargins(4, 4, 4, 0)
        page_layout.addLayout(filters)
        page_layout.addWidget(splitter, 1)

        self.views = QTabWidget(self)
        self.views.setObjectName("Views")
        self.views.setDocumentMode(True)
        self._view_keys: list[str] = []
        self.add_view("accounts", self.accounts_page, self.tr("Accounts"))
        self.setCentralWidget(self.views)
        for i in range(4):
            switch = QAction(self)
            switch.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            switch.triggered.connect(lambda _c=False, i=i: self.show_view_index(i))
            self.addAction(switch)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self.apply_filter)
        self.region_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.tier_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.owner_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
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
    # -- views --------------------------------------------------------------------------------------------
    def view_title(self, key: str) -> str:
        return {"inbox": self.tr("Inbox"), "accounts": self.tr("Accounts"), "sync": self.tr("Sync"),
                "settings": self.tr("Settings")}.get(key, key)

    def add_view(self, key: str, widget: QWidget, title: str, index: int | None = None) -> None:
        """Views in tab order: Inbox, Accounts, Sync, Settings (the controller adds all but Accounts)."""
        index = len(self._view_keys) if index is None else index
        self.views.insertTab(index, widget, title)
        self._view_keys.insert(index, key)

    def view(self, key: str) -> QWidget | None:
        return self.views.widget(self._view_keys.index(key)) if key in self._view_keys else None

    def show_view(self, key: str) -> None:
        if key in self._view_keys:
            self.views.setCurrentIndex(self._view_keys.index(key))

    def show_view_index(self, index: int) -> None:
        if 0 <= index < self.views.count():
            self.views.setCurrentIndex(index)

    # -- window state -----------------------------------------------------------------------------------
    def restore_state(self) -> None:
        """Geometry, splitter and the current view as the rep left them (QSettings, per user)."""
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        splitter = settings.value("window/accounts_splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        key = settings.value("window/view")
        if isinstance(key, str):
            self.show_view(key)

    def save_state(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/accounts_splitter", self.splitter.saveState())
        index = self.views.currentIndex()
        if 0 <= index < len(self._view_keys):
            settings.setValue("window/view", self._view_keys[index])
        settings.sync()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.toLocalFile().lower().endswith(".eml")
                                              for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".eml")]
        if paths:
            self.show_view("inbox")
            self.files_dropped.emit(paths)
            event.acceptProposedAction()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.save_state()
        super().closeEvent(event)

    # -- offline edits ----------------------------------------------------------------------------------
    def current_account_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.account_id(index.row()) if index.isValid() else None

    def add_note(self) -> None:
        account_id = self.current_account_id()
        if account_id is None:
            return
        dialog = NoteDialog(self.workspace, account_id, self)
        dialog.open()

    def edit_opportunity(self) -> None:
        account_id = self.current_account_id()
        if account_id is None:
            return
        dialog = OpportunityDialog(self.workspace, account_id, self)
        if dialog.has_opportunities():
            dialog.open()

    def edit_contact(self) -> None:
        account_id = self.current_account_id()
        if account_id is None:
            return
        dialog = ContactDialog(self.workspace, account_id, self)
        if dialog.has_contacts():
            dialog.open()

    def focus_search(self) -> None:
        self.show_view("accounts")
        self.search_box.setFocus()
        self.search_box.selectAll()

    def current_filter(self) -> AccountFilter:
        return AccountFilter(
            text=self.search_box.text(),
            region=self.region_box.currentData() or "",
            tier=self.tier_box.currentData() or "",
            owner=self.owner_box.currentData() or "",
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
            view = self.service.account_360(account_id)
            self.detail.document().addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart://orders"),
                                               order_chart(view.monthly_cents))
            self.detail.setHtml(self.render_360(view))

    def on_sync_event(self, event: SchedulerEvent) -> None:
        """Sync status in the status bar: running (with progress), last result, offline, refused."""
        self.sync_now.setEnabled(True)
        if event.kind == "started":
            self.sync_label.setText(self.tr("Syncing…"))
        elif event.kind == "progress" and event.progress is not None:
            p = event.progress
            total = f"/{p.total}" if p.total else ""
            self.sync_label.setText(self.tr("Syncing: %1 %2").replace("%1", p.phase).replace("%2", f"{p.done}{total}"))
        elif event.kind == "finished" and event.report is not None:
            r = event.report
            text = self.tr("Synced %1 · %2 in, %3 out").replace("%1", _dt.datetime.now().strftime("%H:%M")).replace(
                "%2", str(r.pulled)).replace("%3", str(r.pushed))
            if r.conflicts:
                text += self.tr(" · %1 conflicts").replace("%1", str(r.conflicts))
            if r.failed:
                text += self.tr(" · %1 not sent").replace("%1", str(r.failed))
            self.sync_label.setText(text)
            if r.pulled or r.pushed:
                ops.signals().changes_applied.emit(Changes.everything())
        elif event.kind == "offline":
            self.sync_label.setText(self.tr("Offline · changes are kept and sent when the server is back"))
        else:
            self.sync_label.setText(self.tr("Sync problem: %1").replace("%1", event.message))
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
        L: dict[str, str] = {}      # literal self.tr calls, so lupdate finds them (it does not look into f-strings)
        L["Tier"] = self.tr("Tier")
        L["Credit code"] = self.tr("Credit code")
        L["Orders"] = self.tr("Orders")
        L["last"] = self.tr("last")
        L["12-month revenue"] = self.tr("12-month revenue")
        L["Contacts"] = self.tr("Contacts")
        L["consent"] = self.tr("consent")
        L["Open opportunities"] = self.tr("Open opportunities")
        L["not yet synced"] = self.tr("not yet synced")
        L["none"] = self.tr("none")
        L["Recent orders"] = self.tr("Recent orders")
        L["Order value per month, last 12 months"] = self.tr("Order value per month, last 12 months")
        L["Activities"] = self.tr("Activities")
        L["Stock of what they buy"] = self.tr("Stock of what they buy")
        L["Recent messages"] = self.tr("Recent messages")
        L["Competitor promotions in the region"] = self.tr("Competitor promotions in the region")
        L["until"] = self.tr("until")
        parts = [
            f"<h2 style='margin-bottom:0'>{e(a.name_zh)}</h2><div style='color:gray'>{e(a.name_en)}</div>",
            f"<p>{e(a.code)} · {e(a.city)} · {e(a.industry)} · {L['Tier']} {e(a.tier)} · {e(a.owner)}<br>"
            f"☎ {e(a.phone or '-')} · ✉ {e(a.email or '-')}<br>{L['Credit code']}: {e(a.credit_code or '-')}</p>",
            f"<p><b>{L['Orders']}</b>: {view.order_count} · {L['last']} {e(view.last_order_date or '-')} · "
            f"{L['12-month revenue']} {_money(view.revenue_cents_12m)}</p>",
            f"<h3>{L['Contacts']}</h3><ul>",
        ]
        for c in view.contacts:
            consent = ", ".join(k for k, v in c.consent.items() if v) or self.tr("no consent recorded")
            pending = f" <i style='color:#c60'>({L['not yet synced']})</i>" if c.dirty else ""
            parts.append(f"<li>{e(c.name)} ({e(c.name_latin)}) — {e(c.title)}{pending}<br>"
                         f"<small>{e(c.phone)} · {e(c.email)} · {L['consent']}: {e(consent)}</small></li>")
        parts.append(f"</ul><h3>{L['Open opportunities']}</h3><ul>")
        for o in view.opportunities or []:
            pending = f" <i style='color:#c60'>({L['not yet synced']})</i>" if o.dirty else ""
            parts.append(f"<li>{e(o.title)} — {e(o.stage)}, {_money(o.amount_cents)}, {o.probability}%"
                         f"{pending}</li>")
        if not view.opportunities:
            parts.append(f"<li style='color:gray'>{L['none']}</li>")
        parts.append(f"</ul><h3>{L['Recent orders']}</h3>")
        if any(c for _m, c in view.monthly_cents):
            parts.append(f"<p><img src='chart://orders'><br><small style='color:gray'>"
                         f"{L['Order value per month, last 12 months']}</small></p>")
        parts.append("<table cellspacing=4>")
        for o in view.recent_orders[:8]:
            parts.append(f"<tr><td>{e(o.number)}</td><td>{e(o.order_date)}</td><td>{e(o.state)}</td>"
                         f"<td align=right>{_money(o.total_cents)}</td></tr>")
        parts.append("</table>")
        parts.append(f"<h3>{L['Activities']}</h3><ul>")
        for act in view.activities[:8]:
            pending = f" <i style='color:#c60'>({L['not yet synced']})</i>" if act.dirty else ""
            parts.append(f"<li>{e(_local_time(act.occurred_at)[:10])} · {e(act.kind)} · {e(act.subject)} {e(act.body[:140])}"
                         f"{pending}</li>")
        if not view.activities:
            parts.append(f"<li style='color:gray'>{L['none']}</li>")
        parts.append("</ul>")
        if view.usual_stock:
            parts.append(f"<h3>{L['Stock of what they buy']}</h3><table cellspacing=4>")
            for name, sku, qty, as_of in view.usual_stock:
                colour = "#b00" if qty <= 0 else ("#c60" if qty < 20 else "inherit")
                parts.append(f"<tr><td>{e(name)}</td><td style='color:gray'>{e(sku)}</td>"
                             f"<td align=right style='color:{colour}'>{qty:,.0f}</td>"
                             f"<td style='color:gray'><small>{e(_local_time(as_of))}</small></td></tr>")
            parts.append("</table>")
        if view.messages:
            parts.append(f"<h3>{L['Recent messages']}</h3><ul>")
            for _mid, received, text, intent in view.messages:
                chip = f" <b>[{e(intent)}]</b>" if intent else ""
                parts.append(f"<li>{e(_local_time(received)[:10])}{chip} {e(text)}</li>")
            parts.append("</ul>")
        if view.promotions:
            parts.append(f"<h3>{L['Competitor promotions in the region']}</h3><ul>")
            for p in view.promotions:
                parts.append(f"<li>{e(p.competitor)}: {e(p.title)} (−{p.discount_pct:g}%, "
                             f"{L['until']} {e(p.ends_on)})</li>")
            parts.append("</ul>")
        return "".join(parts)
