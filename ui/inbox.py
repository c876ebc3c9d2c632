"""The Inbox (home view): messages newest first with their intent chip and urgency; for the selected message its
text, the recognised intent and why, the next-best actions as cards with evidence and Accept / Reject / Edit, and
a streamed reply draft. New messages come from a dialog, Ctrl+V on the list, or .eml files dropped on the view.

Threads: list and stored suggestions are read on the `read` executor, messages written on `db`, everything that
touches the encoder or the chat model (suggest, feedback that refits, drafts) runs on `llm`.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import Changes
from desktop.errors import InvalidInput
from desktop.services.accounts import AccountService
from desktop.services.assistant import ProposedAction, SuggestionSet
from desktop.services.inbox import InboxItem, InboxService
from desktop.workspace import Workspace
from local_models.runtime import Cancelled

from . import ops
from .qtcompat import qt_value

_Index = QModelIndex | QPersistentModelIndex

INTENT_COLOURS = {
    "product_inquiry": "#dbeafe", "quote_request": "#dcfce7", "sample_request": "#e0f2fe",
    "order_status": "#fef9c3", "delivery_problem": "#fed7aa", "order_change": "#fde68a",
    "refund_return": "#fecaca", "invoice_payment": "#e9d5ff", "complaint": "#fca5a5",
    "meeting_request": "#ccfbf1", "competitor_mention": "#fbcfe8", "renewal_contract": "#d9f99d",
    "other": "#e5e7eb",
}


def ui_language() -> str:
    return "zh" if QLocale().name().startswith("zh") else "en"


def _short_time(iso: str) -> str:
    try:
        t = _dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso
    today = _dt.datetime.now().astimezone().date()
    if t.date() == today:
        return t.strftime("%H:%M")
    return t.strftime("%m-%d %H:%M") if t.year == today.year else t.strftime("%Y-%m-%d %H:%M")


def _pct(p: float | None) -> str:
    return f"{round((p or 0) * 100)} %"


# -- the message list --------------------------------------------------------------------------------------------
class InboxModel(QAbstractTableModel):
    """The inbox rows (at most a few hundred: held in full)."""

    COLUMNS = ("urgency", "received", "sender", "subject", "intent")

    def __init__(self, intent_names: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.items: list[InboxItem] = []
        self.intent_names = dict(intent_names)
        self._headers = {"urgency": "", "received": self.tr("Received"), "sender": self.tr("From"),
                         "subject": self.tr("Message"), "intent": self.tr("Intent")}

    def set_items(self, items: list[InboxItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def set_intent_names(self, names: dict[str, str]) -> None:
        self.intent_names = dict(names)
        if self.items:
            col = self.COLUMNS.index("intent")
            self.dataChanged.emit(self.index(0, col), self.index(len(self.items) - 1, col))

    def item(self, row: int) -> InboxItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_of(self, message_id: int) -> int:
        return next((r for r, it in enumerate(self.items) if it.id == message_id), -1)

    def update_item(self, message_id: int, **fields) -> None:
        row = self.row_of(message_id)
        if row < 0:
            return
        self.items[row] = replace(self.items[row], **fields)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def intent_text(self, item: InboxItem) -> str:
        if not item.intent:
            return ""
        return f"{self.intent_names.get(item.intent, item.intent)} {_pct(item.confidence)}"

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    @qt_value
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[self.COLUMNS[section]]
        return None

    @qt_value
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        it = self.items[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "urgency":
                return "●" if it.urgent else ""
            if col == "received":
                return _short_time(it.received_at)
            if col == "sender":
                return it.account_name or it.sender or self.tr("(unknown sender)")
            if col == "subject":
                return it.preview
            return self.intent_text(it)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == "urgency" and it.urgent:
                return self.tr("Urgent: waiting %1 h").replace("%1", f"{it.hours_waiting:.0f}")
            if col == "sender":
                return "\n".join(x for x in (it.account_name, it.sender, it.channel) if x)
            if col == "subject":
                return it.body[:600]
        if role == Qt.ItemDataRole.BackgroundRole and col == "intent" and it.intent:
            return QColor(INTENT_COLOURS.get(it.intent, "#e5e7eb"))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "urgency":
                return QColor("#dc2626")
            if col == "intent" and it.intent:
                return QColor("#111827")
        if role == Qt.ItemDataRole.FontRole and it.status == "new" and col in ("sender", "subject"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return it.id
        return None


# -- one suggested action -------------------------------------------------------------------------------------
class ActionCardView(QFrame):
    """A card per proposed action: title, channel, score, evidence lines, Accept / Reject / Edit."""

    accept_clicked = Signal(int)
    reject_clicked = Signal(int)
    edit_clicked = Signal(int)

    def __init__(self, proposed: ProposedAction, lang: str, state: str = "", parent=None) -> None:
        super().__init__(parent)
        self.proposed = proposed
        self.suggestion_id = proposed.suggestion_id
        self.state = ""
        self.setObjectName("ActionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#ActionCard { border: 1px solid palette(mid); border-radius: 6px; }")
        action = proposed.action
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        head = QHBoxLayout()
        self.title_label = QLabel(f"<b>{proposed.rank}. {action.title(lang)}</b>", self)
        head.addWidget(self.title_label, 1)
        channels = {"email": self.tr("e-mail"), "wechat": self.tr("WeChat"), "phone": self.tr("phone"),
                    "sms": self.tr("SMS")}
        self.channel_label = QLabel(
            self.tr("via %1").replace("%1", channels.get(action.channel, action.channel))
            if action.channel else self.tr("reply on the customer's channel"), self)
        self.channel_label.setStyleSheet("color: gray")
        head.addWidget(self.channel_label)
        self.score_bar = QProgressBar(self)
        self.score_bar.setRange(0, 100)
        self.score_bar.setValue(round(action.score * 100))
        self.score_bar.setFormat("%p%")
        self.score_bar.setFixedWidth(90)
        self.score_bar.setToolTip(self.tr("Score of this action for this customer"))
        head.addWidget(self.score_bar)
        layout.addLayout(head)
        self.evidence_labels = []
        for ev in action.evidence:
            label = QLabel("• " + ev.render(lang), self)
            label.setWordWrap(True)
            label.setToolTip(f"{ev.source} · {ev.record}" + (f" · {ev.as_of}" if ev.as_of else ""))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
            self.evidence_labels.append(label)
        buttons = QHBoxLayout()
        self.state_label = QLabel("", self)
        buttons.addWidget(self.state_label, 1)
        self.accept_button = QPushButton(self.tr("Accept"), self)
        self.reject_button = QPushButton(self.tr("Reject…"), self)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        for b in (self.accept_button, self.reject_button, self.edit_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.accept_button.clicked.connect(lambda: self.accept_clicked.emit(self.suggestion_id))
        self.reject_button.clicked.connect(lambda: self.reject_clicked.emit(self.suggestion_id))
        self.edit_button.clicked.connect(lambda: self.edit_clicked.emit(self.suggestion_id))
        if state:
            self.set_state(state)

    def set_state(self, verdict: str) -> None:
        """Show the rep's verdict; an accepted or rejected card cannot be accepted or rejected again."""
        self.state = verdict
        text, colour = {"accept": (self.tr("✓ Accepted"), "#15803d"), "reject": (self.tr("✗ Rejected"), "#b91c1c"),
                        "edit": (self.tr("✎ Edited"), "#1d4ed8")}.get(verdict, ("", "gray"))
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {colour}; font-weight: bold")
        if verdict in ("accept", "reject"):
            self.accept_button.setEnabled(False)
            self.reject_button.setEnabled(False)

    def set_busy(self, busy: bool) -> None:
        """While the verdict is being stored: no second click."""
        final = self.state in ("accept", "reject")
        self.accept_button.setEnabled(not busy and not final)
        self.reject_button.setEnabled(not busy and not final)
        self.edit_button.setEnabled(not busy)


# -- dialogs --------------------------------------------------------------------------------------------------
class RejectDialog(QDialog):
    """Why a suggestion is wrong. Stays open until the feedback is stored (nothing typed is lost on errors)."""

    submitted = Signal()

    def __init__(self, intents: list[tuple[str, str]], current_intent: str | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reject suggestion"))
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for code, text in (("wrong_intent", self.tr("Wrong intent — the customer wants:")),
                           ("wrong_action", self.tr("Wrong action")), ("bad_timing", self.tr("Bad timing")),
                           ("other", self.tr("Other:"))):
            radio = QRadioButton(text, self)
            self.group.addButton(radio)
            self.radios[code] = radio
            layout.addWidget(radio)
            if code == "wrong_intent":
                self.intent_box = QComboBox(self)
                for label_id, name in intents:
                    if label_id != current_intent:
                        self.intent_box.addItem(name, label_id)
                layout.addWidget(self.intent_box)
        self.reason_text = QLineEdit(self)
        self.reason_text.setPlaceholderText(self.tr("What was wrong? (needed for Other)"))
        layout.addWidget(self.reason_text)
        self.radios["wrong_action"].setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.submitted.emit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.intent_box.currentIndexChanged.connect(lambda _i: self.radios["wrong_intent"].setChecked(True))
        self.reason_text.textEdited.connect(lambda _t: self.radios["other"].setChecked(True))

    def reason(self) -> str:
        return next(code for code, radio in self.radios.items() if radio.isChecked())

    def corrected_intent(self) -> str:
        return (self.intent_box.currentData() or "") if self.reason() == "wrong_intent" else ""

    def choose_intent(self, label_id: str) -> None:
        self.intent_box.setCurrentIndex(self.intent_box.findData(label_id))
        self.radios["wrong_intent"].setChecked(True)


class EditDraftDialog(QDialog):
    """The rep's version of the reply; saved with the feedback as edited text."""

    submitted = Signal()

    def __init__(self, text: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit the reply"))
        self.resize(520, 320)
        layout = QVBoxLayout(self)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlainText(text)
        self.editor.setPlaceholderText(self.tr("Write the reply you will send…"))
        layout.addWidget(self.editor)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.submitted.emit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.editor.toPlainText()


class NewMessageDialog(QDialog):
    """Paste or type a customer's message; optionally pick the account it came from."""

    submitted = Signal()
    SEARCH_DELAY_MS = 150

    def __init__(self, search: Callable[[str], list], parent=None) -> None:
        super().__init__(parent)
        self._search = search
        self._generation = 0
        self.account_id: int | None = None
        self.setWindowTitle(self.tr("New message"))
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The customer's message:"), self))
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText(self.tr("Paste the message here…"))
        layout.addWidget(self.text_edit, 2)
        layout.addWidget(QLabel(self.tr("Account (optional):"), self))
        self.search_box = QLineEdit(self)
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr("Search by name, phone, e-mail or code…"))
        layout.addWidget(self.search_box)
        self.results = QListWidget(self)
        layout.addWidget(self.results, 1)
        self.account_label = QLabel(self.tr("No account chosen"), self)
        layout.addWidget(self.account_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.submitted.emit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(lambda _t: self._timer.start())
        self.results.currentItemChanged.connect(self.on_result_chosen)
        self.searches_done = 0

    def run_search(self) -> None:
        text = self.search_box.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.results.clear()
            return
        ops.op(self, lambda: self._search(text), executor="read").quiet().success(
            lambda hits: self.on_hits_found(generation, hits)).run()

    def on_hits_found(self, generation: int, hits: list) -> None:
        if generation != self._generation:
            return
        self.results.clear()
        seen = set()
        for hit in hits:
            if hit.account_id in seen:
                continue
            seen.add(hit.account_id)
            extra = " · ".join(x for x in (hit.alt_name, hit.code, hit.phone) if x)
            item = QListWidgetItem(f"{hit.name}  ({extra})" if extra else hit.name)
            item.setData(Qt.ItemDataRole.UserRole, hit.account_id)
            self.results.addItem(item)
        self.searches_done += 1

    def on_result_chosen(self, current: QListWidgetItem | None, _previous=None) -> None:
        if current is None:
            return
        self.account_id = current.data(Qt.ItemDataRole.UserRole)
        self.account_label.setText(self.tr("Account: %1").replace("%1", current.text()))

    def text(self) -> str:
        return self.text_edit.toPlainText()


# -- the view -------------------------------------------------------------------------------------------------
class InboxView(QWidget):
    """The Inbox. ``assistant_provider()`` returns a Future resolving to a ready Assistant (built once on the
    `llm` executor by the main window); until then the list works and the panel says it is preparing."""

    messages_loaded = Signal()
    suggestions_shown = Signal(int)              # message id
    feedback_recorded = Signal(int, str)         # suggestion id, verdict
    message_added = Signal(int)                  # message id
    files_imported = Signal(list)                # message ids of the files imported from one drop
    draft_finished = Signal(str)                 # "done", "cancelled" or "failed"
    _assistant_resolved = Signal(object, object)  # assistant, exception (from a worker thread)
    _draft_piece_arrived = Signal(int, str)      # generation, piece (from the llm thread)

    LIMIT = 200

    def __init__(self, workspace: Workspace, inbox_service: InboxService,
                 assistant_provider: Callable[[], Future], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("InboxView")
        self.workspace = workspace
        self.service = inbox_service
        self.lang = ui_language()
        self.assistant = None
        self.assistant_error: BaseException | None = None
        self.current: InboxItem | None = None
        self.result: SuggestionSet | None = None
        self.cards: list[ActionCardView] = []
        self.new_message_dialog: NewMessageDialog | None = None
        self.reject_dialog: RejectDialog | None = None
        self.edit_dialog: EditDraftDialog | None = None
        self._computing: set[int] = set()
        self._select_after_load: int | None = None
        self._load_generation = 0
        self._draft_generation = 0
        self.drafting = False
        self._draft_cancelled = False
        self.loads_done = 0

        self._build()
        self._assistant_resolved.connect(self.on_assistant_resolved, Qt.ConnectionType.QueuedConnection)
        self._draft_piece_arrived.connect(self.on_draft_piece, Qt.ConnectionType.QueuedConnection)
        ops.signals().changes_applied.connect(self.on_changes_applied)
        self.setAcceptDrops(True)
        self.reload()
        future = assistant_provider()
        future.add_done_callback(self._assistant_done_on_worker)

    # -- layout ---------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model = InboxModel(self.service.intent_names(self.lang), self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New message"), left)
        bar.addWidget(self.new_button)
        bar.addStretch(1)
        self.status_box = QComboBox(left)
        for text, value in ((self.tr("All messages"), ""), (self.tr("New"), "new"), (self.tr("Read"), "read"),
                            (self.tr("Done"), "done")):
            self.status_box.addItem(text, value)
        bar.addWidget(self.status_box)
        left_layout.addLayout(bar)
        self.table = QTableView(left)
        self.table.setObjectName("InboxList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for col, width in enumerate((22, 90, 150, 280, 150)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        left_layout.addWidget(self.table)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        self.header_label = QLabel("", right)
        self.header_label.setWordWrap(True)
        rl.addWidget(self.header_label)
        self.message_text = QTextBrowser(right)
        self.message_text.setObjectName("MessageText")
        self.message_text.setPlaceholderText(self.tr("Select a message to see what the customer wants."))
        self.message_text.setMaximumHeight(150)
        rl.addWidget(self.message_text)
        self.status_label = QLabel("", right)
        self.status_label.setStyleSheet("color: gray")
        self.status_label.setWordWrap(True)
        rl.addWidget(self.status_label)
        self.intent_label = QLabel("", right)
        self.intent_label.setObjectName("IntentLabel")
        self.intent_label.setWordWrap(True)
        rl.addWidget(self.intent_label)
        self.alternatives_label = QLabel("", right)
        self.alternatives_label.setWordWrap(True)
        self.alternatives_label.setStyleSheet("color: gray")
        rl.addWidget(self.alternatives_label)
        self.because_label = QLabel("", right)
        self.because_label.setWordWrap(True)
        self.because_label.setStyleSheet("color: gray")
        rl.addWidget(self.because_label)

        self.cards_widget = QWidget(right)
        self.cards_layout = QVBoxLayout(self.cards_widget)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(right)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget(scroll)
        hl = QVBoxLayout(holder)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.cards_widget)
        hl.addStretch(1)
        scroll.setWidget(holder)
        rl.addWidget(scroll, 3)

        self.draft_box = QGroupBox(self.tr("Reply draft"), right)
        dl = QVBoxLayout(self.draft_box)
        buttons = QHBoxLayout()
        self.draft_button = QPushButton(self.tr("Draft reply"), self.draft_box)
        self.cancel_button = QPushButton(self.tr("Cancel (Esc)"), self.draft_box)
        self.copy_button = QPushButton(self.tr("Copy"), self.draft_box)
        self.regenerate_button = QPushButton(self.tr("Regenerate"), self.draft_box)
        for b in (self.draft_button, self.cancel_button, self.copy_button, self.regenerate_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        dl.addLayout(buttons)
        self.draft_edit = QPlainTextEdit(self.draft_box)
        self.draft_edit.setObjectName("DraftText")
        self.draft_edit.setPlaceholderText(self.tr("The reply drafted by the on-device model appears here; nothing is "
                                              "sent — copy or edit it."))
        dl.addWidget(self.draft_edit)
        self.draft_info = QLabel("", self.draft_box)
        self.draft_info.setWordWrap(True)
        dl.addWidget(self.draft_info)
        rl.addWidget(self.draft_box, 2)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

        self.new_message_action = QAction(self.tr("New message…"), self)
        self.new_message_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_message_action.triggered.connect(self.open_new_message)
        self.accept_top_action = QAction(self.tr("Accept top suggestion"), self)
        self.accept_top_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.accept_top_action.triggered.connect(self.accept_top)
        self.cancel_draft_action = QAction(self.tr("Cancel draft"), self)
        self.cancel_draft_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_draft_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel_draft_action.triggered.connect(self.cancel_draft)
        for action in (self.new_message_action, self.accept_top_action, self.cancel_draft_action):
            self.addAction(action)
        self.paste_shortcut = QShortcut(QKeySequence.StandardKey.Paste, self.table)
        self.paste_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.paste_shortcut.activated.connect(self.paste_message)

        self.new_button.clicked.connect(self.open_new_message)
        self.status_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.draft_button.clicked.connect(self.start_draft)
        self.regenerate_button.clicked.connect(self.start_draft)
        self.cancel_button.clicked.connect(self.cancel_draft)
        self.copy_button.clicked.connect(self.copy_draft)
        self._update_draft_buttons()

    # -- the assistant ----------------------------------------------------------------------------------
    def _assistant_done_on_worker(self, future: Future) -> None:
        try:
            self._assistant_resolved.emit(future.result(), None)
        except BaseException as exc:  # delivered to the UI thread
            self._assistant_resolved.emit(None, exc)

    def on_assistant_resolved(self, assistant, exc: BaseException | None) -> None:
        if exc is not None:
            self.assistant_error = exc
            self.status_label.setText(self.tr("The on-device assistant is not available: %1").replace("%1", str(exc)))
            return
        self.assistant = assistant
        pack = assistant.pack
        self.model.set_intent_names({lab.id: lab.name.get(self.lang) or lab.name.get("en") or lab.id
                                     for lab in pack.labels})
        self._update_draft_buttons()
        if self.current is not None and self.result is None:
            self.compute_suggestions(self.current)

    def intents(self) -> list[tuple[str, str]]:
        """(label id, display name) of the recogniser's labels."""
        names = self.model.intent_names
        ids = list(self.assistant.pack.label_ids) if self.assistant is not None else list(names)
        return [(i, names.get(i, i)) for i in ids]

    # -- the list ----------------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        """Re-read the list off the UI thread; keep (or move to) the selected message."""
        if select_id is not None:
            self._select_after_load = select_id
        self._load_generation += 1
        generation = self._load_generation
        status = self.status_box.currentData() or None
        ops.op(self, lambda: self.service.messages(self.LIMIT, status), executor="read").quiet().success(
            lambda items: self.on_messages_loaded(generation, items)).run()

    def on_messages_loaded(self, generation: int, items: list[InboxItem]) -> None:
        if generation != self._load_generation:
            return
        keep = self._select_after_load or (self.current.id if self.current else None)
        self._select_after_load = None
        self.model.set_items(items)
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and self.current is None and items:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.loads_done += 1
        self.messages_loaded.emit()

    def on_changes_applied(self, changes: Changes) -> None:
        if changes.messages:
            self.reload()

    def select_message(self, message_id: int) -> None:
        row = self.model.row_of(message_id)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.reload(select_id=message_id)

    def on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        item = self.model.item(indexes[0].row())
        if item is None or (self.current is not None and item.id == self.current.id):
            return
        self.show_message(item)

    # -- the selected message -------------------------------------------------------------------------------
    def show_message(self, item: InboxItem) -> None:
        if self.drafting:
            self.cancel_draft()
            self._draft_generation += 1           # late pieces and the result of that draft are dropped
            self.drafting = False
            self.draft_edit.setReadOnly(False)
        self.current = item
        self.result = None
        self._clear_suggestions()
        self.draft_edit.clear()
        self.draft_info.clear()
        who = " · ".join(x for x in (item.account_name, item.sender) if x) or self.tr("(unknown sender)")
        subject = f"<br><b>{_esc(item.subject)}</b>" if item.subject else ""
        self.header_label.setText(f"{_esc(who)} · {_esc(_short_time(item.received_at))}{subject}")
        self.message_text.setPlainText(item.body)
        self.status_label.setText(self.tr("Loading suggestions…"))
        message_id = item.id
        ops.op(self, lambda: self._stored(message_id), executor="read").quiet().success(
            lambda res: self.on_stored_loaded(message_id, *res)).run()
        if item.status == "new":
            ops.op(self, lambda: self.service.set_status(message_id, "read"), executor="db").quiet().success(
                lambda _c: self.model.update_item(message_id, status="read")).failure(lambda _e: None).run()
        self._update_draft_buttons()

    def _stored(self, message_id: int) -> tuple[SuggestionSet | None, dict[int, str]]:
        result = self.service.latest_request(message_id)
        states = self.service.feedback_states([p.suggestion_id for p in result.actions]) if result else {}
        return result, states

    def on_stored_loaded(self, message_id: int, result: SuggestionSet | None, states: dict[int, str]) -> None:
        if self.current is None or self.current.id != message_id:
            return
        if result is not None:
            self.show_suggestions(result, states)
        else:
            self.compute_suggestions(self.current)

    def compute_suggestions(self, item: InboxItem) -> None:
        """Recognise + rank + log, on the `llm` executor."""
        if self.assistant is None:
            self.status_label.setText(self.assistant_error and self.tr(
                "The on-device assistant is not available: %1").replace("%1", str(self.assistant_error))
                or self.tr("Preparing the on-device assistant…"))
            return
        if item.id in self._computing:
            return
        self._computing.add(item.id)
        self.status_label.setText(self.tr("Recognising the intent and ranking actions…"))
        assistant = self.assistant

        def work() -> SuggestionSet:
            return assistant.suggest(item.body, account_id=item.account_id, message_id=item.id,
                                     contact_id=item.contact_id, received_at=item.received_at)

        def done(result: SuggestionSet) -> None:
            self._computing.discard(item.id)
            top = result.actions[0].action.action if result.actions else None
            self.model.update_item(item.id, intent=result.intent, confidence=result.recognition.confidence,
                                   top_action=top)
            if self.current is not None and self.current.id == item.id:
                self.show_suggestions(result, {})

        def failed(exc: BaseException) -> None:
            self._computing.discard(item.id)
            if self.current is not None and self.current.id == item.id:
                self.status_label.setText(self.tr("No suggestions for this message."))
            ops.report_error(self, exc)

        ops.op(self, work, executor="llm").quiet().success(done).failure(failed).run()

    def _clear_suggestions(self) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        for label in (self.intent_label, self.alternatives_label, self.because_label):
            label.clear()

    def show_suggestions(self, result: SuggestionSet, states: dict[int, str]) -> None:
        self._clear_suggestions()
        self.result = result
        rec = result.recognition
        names = self.model.intent_names
        label = rec.label or ""
        colour = INTENT_COLOURS.get(label, "#e5e7eb")
        name = names.get(label, label) if label else self.tr("needs review")
        needs_review_t, intent_t = self.tr("needs review"), self.tr("Intent")
        review = f" <i>({needs_review_t})</i>" if rec.abstained else ""
        self.intent_label.setText(
            f"{intent_t}: <span style='background:{colour}; color:#111827; padding:2px 6px'>"
            f"&nbsp;{_esc(name)}&nbsp;</span> <b>{_pct(rec.confidence)}</b>{review}")
        alternatives = [f"{_esc(names.get(lab, lab))} {_pct(p)}" for lab, p in rec.alternatives[:3] if lab != label]
        self.alternatives_label.setText(self.tr("Alternatives: %1").replace("%1", ", ".join(alternatives))
                                        if alternatives else "")
        if rec.evidence:
            ev = rec.evidence[0]
            self.because_label.setText(self.tr("Because it resembles: “%1” (%2)").replace(
                "%1", _esc(ev.text[:160])).replace("%2", _esc(names.get(ev.label, ev.label))))
        for proposed in result.actions:
            card = ActionCardView(proposed, self.lang, states.get(proposed.suggestion_id, ""), self.cards_widget)
            card.accept_clicked.connect(self.on_accept_clicked)
            card.reject_clicked.connect(self.on_reject_clicked)
            card.edit_clicked.connect(self.on_edit_clicked)
            self.cards_layout.addWidget(card)
            self.cards.append(card)
        self.status_label.setText("" if result.actions else self.tr("No action to suggest."))
        self._update_draft_buttons()
        self.suggestions_shown.emit(result.message_id or 0)

    def card(self, suggestion_id: int) -> ActionCardView | None:
        return next((c for c in self.cards if c.suggestion_id == suggestion_id), None)

    # -- feedback -------------------------------------------------------------------------------------------
    def _feedback(self, suggestion_id: int, verdict: str, on_done: Callable[[], None] | None = None,
                  on_failed: Callable[[BaseException], None] | None = None, **kwargs) -> None:
        if self.assistant is None:
            ops.report_error(self, InvalidInput(self.tr(
                "The on-device assistant is still being prepared; try again in a moment.")))
            if on_failed is not None:
                on_failed(InvalidInput("assistant not ready"))
            return
        assistant = self.assistant
        card = self.card(suggestion_id)
        if card is not None:
            card.set_busy(True)

        def settle() -> ActionCardView | None:
            live = self.card(suggestion_id)       # the card may be gone (another message was selected)
            if live is not None:
                live.set_busy(False)
            return live

        def done(_changes: Changes) -> None:
            live = settle()
            if live is not None:
                live.set_state(verdict)
            if on_done is not None:
                on_done()
            self.feedback_recorded.emit(suggestion_id, verdict)

        def failed(exc: BaseException) -> None:
            settle()
            if on_failed is not None:
                on_failed(exc)
            ops.report_error(self, exc)

        ops.op(self, lambda: assistant.record_feedback(suggestion_id, verdict, **kwargs),
               executor="llm").success(done).failure(failed).run()

    def on_accept_clicked(self, suggestion_id: int) -> None:
        self._feedback(suggestion_id, "accept")

    def accept_top(self) -> None:
        """Ctrl+Enter: accept the best suggestion not yet accepted or rejected."""
        card = next((c for c in self.cards if c.state not in ("accept", "reject")), None)
        if card is not None:
            self.on_accept_clicked(card.suggestion_id)

    def on_reject_clicked(self, suggestion_id: int) -> None:
        current = self.result.intent if self.result else None
        if self.reject_dialog is not None:
            self.reject_dialog.deleteLater()
        dialog = RejectDialog(self.intents(), current, self)
        self.reject_dialog = dialog
        result = self.result

        def submit() -> None:
            reason = dialog.reason()
            corrected = dialog.corrected_intent()
            dialog.buttons.setEnabled(False)

            def done() -> None:
                dialog.accept()
                if corrected and self.current is not None and result is not None \
                        and self.current.id == result.message_id:
                    self.status_label.setText(self.tr("Intent corrected; the assistant has learnt it."))
                    self.compute_suggestions(self.current)

            self._feedback(suggestion_id, "reject", on_done=done,
                           on_failed=lambda _e: dialog.buttons.setEnabled(True), reason=reason,
                           reason_text=dialog.reason_text.text(), corrected_intent=corrected)

        dialog.submitted.connect(submit)
        dialog.open()

    def on_edit_clicked(self, suggestion_id: int) -> None:
        if self.edit_dialog is not None:
            self.edit_dialog.deleteLater()
        dialog = EditDraftDialog(self.draft_edit.toPlainText(), self)
        self.edit_dialog = dialog

        def submit() -> None:
            text = dialog.text()
            dialog.buttons.setEnabled(False)

            def done() -> None:
                self.draft_edit.setPlainText(text)
                dialog.accept()

            self._feedback(suggestion_id, "edit", on_done=done,
                           on_failed=lambda _e: dialog.buttons.setEnabled(True), edited_text=text)

        dialog.submitted.connect(submit)
        dialog.open()

    # -- new messages -----------------------------------------------------------------------------------------
    def open_new_message(self) -> None:
        if self.new_message_dialog is not None and self.new_message_dialog.isVisible():
            self.new_message_dialog.raise_()
            return
        if self.new_message_dialog is not None:
            self.new_message_dialog.deleteLater()
        store, service = self.workspace.store, self.service
        dialog = NewMessageDialog(lambda text: AccountService(store, service.conn()).search(text, limit=20), self)
        self.new_message_dialog = dialog

        def submit() -> None:
            text, account_id = dialog.text(), dialog.account_id
            dialog.buttons.setEnabled(False)

            def done(mid: int) -> None:
                dialog.accept()

            self.add_message(text, account_id, on_done=done,
                             on_failed=lambda _e: dialog.buttons.setEnabled(True))

        dialog.submitted.connect(submit)
        dialog.open()

    def add_message(self, text: str, account_id: int | None = None, channel: str = "paste",
                    on_done: Callable[[int], None] | None = None,
                    on_failed: Callable[[BaseException], None] | None = None) -> None:
        """Store the message (on `db`), then select it: its suggestions are computed as it is shown."""
        def done(res: tuple[int, Changes]) -> None:
            mid, changes = res
            if on_done is not None:
                on_done(mid)
            self._select_after_load = mid
            if self.status_box.currentData() not in ("", "new"):
                self.status_box.setCurrentIndex(0)
            ops.signals().changes_applied.emit(changes)
            self.message_added.emit(mid)

        def failed(exc: BaseException) -> None:
            if on_failed is not None:
                on_failed(exc)
            ops.report_error(self, exc)

        ops.op(self, lambda: self.service.add_message(text, account_id=account_id, channel=channel),
               executor="db").success(done).failure(failed).run()

    def paste_message(self) -> None:
        """Ctrl+V on the list: the clipboard's text becomes a new message."""
        text = QApplication.clipboard().text()
        if text.strip():
            self.add_message(text)

    # -- .eml drops --------------------------------------------------------------------------------------------
    @staticmethod
    def _eml_paths(mime) -> list[Path]:
        if not mime.hasUrls():
            return []
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        return [p for p in paths if p.suffix.lower() == ".eml"]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._eml_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        paths = self._eml_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_files(paths)

    def import_files(self, paths: list[Path]) -> None:
        """Import each file on `db`; a bad file is reported on its own and the others still come in."""
        pending = {"left": len(paths)}
        imported: list[int] = []
        changed = {"any": False}

        def finish_one() -> None:
            pending["left"] -= 1
            if pending["left"] == 0:
                if imported:
                    self._select_after_load = imported[-1]
                    if self.status_box.currentIndex() != 0:
                        self.status_box.setCurrentIndex(0)
                    if changed["any"]:
                        ops.signals().changes_applied.emit(Changes(messages=True))
                    else:
                        self.reload()
                self.files_imported.emit(list(imported))

        for path in paths:
            def done(res: tuple[int, Changes]) -> None:
                imported.append(res[0])
                changed["any"] = changed["any"] or res[1].any()
                finish_one()

            def failed(exc: BaseException) -> None:
                ops.report_error(self, exc)
                finish_one()

            ops.op(self, lambda p=path: self.service.import_eml(p), executor="db").success(done).failure(
                failed).run()

    # -- drafts --------------------------------------------------------------------------------------------------
    def _update_draft_buttons(self) -> None:
        has_model = self.assistant is not None and getattr(self.assistant, "model", None) is not None
        ready = has_model and self.result is not None
        self.draft_button.setEnabled(ready and not self.drafting)
        self.regenerate_button.setEnabled(ready and not self.drafting and bool(self.draft_edit.toPlainText()))
        self.cancel_button.setEnabled(self.drafting)
        self.cancel_draft_action.setEnabled(self.drafting)
        self.copy_button.setEnabled(bool(self.draft_edit.toPlainText()) and not self.drafting)
        if self.assistant is not None and not has_model and not self.drafting:
            self.draft_info.setText(self.tr("No on-device chat model is active, so replies cannot be drafted. "
                                            "Add or choose one under Settings → Models."))

    def start_draft(self) -> None:
        if self.drafting or self.result is None or self.assistant is None:
            return
        if self.assistant.model is None:
            self._update_draft_buttons()
            return
        assistant, result = self.assistant, self.result
        self._draft_generation += 1
        generation = self._draft_generation
        self._draft_cancelled = False
        self.drafting = True
        self.draft_edit.clear()
        self.draft_edit.setReadOnly(True)
        self.draft_info.setText(self.tr("Drafting… (Esc cancels)"))
        self._update_draft_buttons()

        def on_piece(piece: str) -> None:           # llm thread
            if self._draft_cancelled:
                assistant.model.cancel()            # also covers a cancel pressed before the stream began
            self._draft_piece_arrived.emit(generation, piece)

        def work():
            text = assistant.draft(result, on_piece=on_piece)
            return text, assistant.check_draft(result, text)

        ops.op(self, work, executor="llm").quiet().success(
            lambda res: self.on_draft_done(generation, *res)).failure(
            lambda exc: self.on_draft_failed(generation, exc)).run()

    def on_draft_piece(self, generation: int, piece: str) -> None:
        if generation != self._draft_generation or not self.drafting:
            return
        cursor = self.draft_edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(piece)

    def on_draft_done(self, generation: int, text: str, check) -> None:
        if generation != self._draft_generation:
            return
        self.drafting = False
        self.draft_edit.setReadOnly(False)
        self.draft_edit.setPlainText(text)
        warnings = []
        if check.unsupported:
            warnings.append(self.tr("⚠ Not backed by any fact — check before sending: %1").replace(
                "%1", ", ".join(check.unsupported)))
        if not check.language_ok:
            warnings.append(self.tr("⚠ The draft is not in the customer's language."))
        self.draft_info.setText("\n".join(warnings) or self.tr("Draft ready. Nothing is sent: copy or edit it."))
        self.draft_info.setStyleSheet("color: #b45309" if warnings else "")
        self._update_draft_buttons()
        self.draft_finished.emit("done")

    def on_draft_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._draft_generation:
            return
        self.drafting = False
        self.draft_edit.setReadOnly(False)
        if isinstance(exc, Cancelled):
            self.draft_info.setText(self.tr("Draft cancelled."))
            self.draft_info.setStyleSheet("")
            self._update_draft_buttons()
            self.draft_finished.emit("cancelled")
            return
        self.draft_info.setText(self.tr("The draft could not be written."))
        self._update_draft_buttons()
        ops.report_error(self, exc)
        self.draft_finished.emit("failed")

    def cancel_draft(self) -> None:
        if not self.drafting or self.assistant is None or self.assistant.model is None:
            return
        self._draft_cancelled = True
        self.assistant.model.cancel()
        self.draft_info.setText(self.tr("Cancelling…"))

    def copy_draft(self) -> None:
        QApplication.clipboard().setText(self.draft_edit.toPlainText())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape and self.drafting:
            self.cancel_draft()
            event.accept()
            return
        super().keyPressEvent(event)


def _esc(text: str) -> str:
    return html.escape(text or "", quote=False)
