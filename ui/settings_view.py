"""Settings: the central system (sign-in, password in the keyring), sync interval, language and local models.

Every field applies on change (no OK button) through `desktop.settings`, on a worker thread; a refused value
leaves what the rep typed in place with a one-line message under the field. Values IT's managed policy sets are
read-only with IT's reason. The view does not retranslate or swap models itself: it emits `language_changed` and
`model_changed` and the window/controller act on them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as settings_mod
from desktop.errors import InvalidInput, RepDeskError
from desktop.services import sync as sync_service
from desktop.settings import EffectiveSettings
from desktop.workspace import Workspace

from . import ops

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"
NOTE_STYLE = ""          # notes use the normal text colour: readable in light and dark themes


def _message(widget: QWidget, exc: BaseException) -> str:
    if isinstance(exc, RepDeskError):
        return str(exc)
    log.error("unexpected error in settings", exc_info=(type(exc), exc, exc.__traceback__))
    return widget.tr("Something went wrong: %1").replace("%1", f"{type(exc).__name__}: {exc}")


def _label(text: str = "", style: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    return label


class SignInDialog(QDialog):
    """Asks for the central password; stays open (password kept) until the sign-in succeeds or is cancelled."""

    sign_in_requested = Signal(str)

    def __init__(self, url: str, database: str, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SignInDialog")
        self.setWindowTitle(self.tr("Sign in to the central system"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(_label(self.tr("Sign in to %1 (database %2) as %3.").replace("%1", url).replace(
            "%2", database).replace("%3", user), parent=self))
        form = QFormLayout()
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("PasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Password:"), self.password_edit)
        layout.addLayout(form)
        layout.addWidget(_label(self.tr("The password is kept in the system keyring only, never in RepDesk's "
                                        "files."), NOTE_STYLE, self))
        self.status_label = _label("", ERROR_STYLE, self)
        self.status_label.setObjectName("SignInStatus")
        self.status_label.hide()
        layout.addWidget(self.status_label)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        layout.addWidget(self.busy)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.sign_in_button = self.buttons.addButton(self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        self.buttons.accepted.connect(self.on_sign_in_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.password_edit.textChanged.connect(lambda t: self.sign_in_button.setEnabled(bool(t)))
        self.sign_in_button.setEnabled(False)

    def on_sign_in_clicked(self) -> None:
        if self.password_edit.text():
            self.status_label.hide()
            self.sign_in_requested.emit(self.password_edit.text())

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.password_edit.setEnabled(not busy)
        self.sign_in_button.setEnabled(not busy and bool(self.password_edit.text()))

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.status_label.setText(text)
        self.status_label.show()
        self.password_edit.setFocus()
        self.password_edit.selectAll()


class SettingsView(QWidget):
    """The Settings page. Build it with the open workspace; it reads and writes settings off the UI thread."""

    language_changed = Signal(str)        # "system" | "zh_CN" | "en", after it was saved
    model_changed = Signal(str)           # the entry id now active in the registry: hot-swap to it
    settings_changed = Signal(object)     # EffectiveSettings after any saved change (threads, context, …)
    central_connected = Signal()          # a sign-in succeeded: the workspace is (now) connected

    SPIN_DELAY_MS = 400

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsView")
        self.workspace = workspace
        self.current: EffectiveSettings = settings_mod.load_settings(workspace)
        self.models: settings_mod.ModelList | None = None
        self.models_loaded_count = 0
        self.saved_count = 0
        self.field_widgets: dict[str, QWidget] = {}
        self.field_errors: dict[str, QLabel] = {}
        self.lock_labels: dict[str, QLabel] = {}
        self._timers: dict[str, QTimer] = {}
        self._pending: dict[str, Any] = {}
        self.password_state = ""
        self._sign_in: SignInDialog | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        content = QWidget(scroll)
        scroll.setWidget(content)
        self.page = QVBoxLayout(content)
        self.page.setContentsMargins(16, 16, 16, 16)
        self.page.setSpacing(12)

        title = QLabel(self.tr("Settings"), content)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.page.addWidget(title)
        self.policy_banner = _label("", NOTE_STYLE, content)
        self.policy_banner.setObjectName("PolicyBanner")
        self.page.addWidget(self.policy_banner)
        self.warnings_label = _label("", ERROR_STYLE, content)
        self.warnings_label.setObjectName("SettingsWarnings")
        self.page.addWidget(self.warnings_label)

        self.central_box = self._build_central(content)
        self.sync_box = self._build_sync(content)
        self.language_box = self._build_language(content)
        self.models_box = self._build_models(content)
        for box in (self.central_box, self.sync_box, self.language_box, self.models_box):
            self.page.addWidget(box)
        self.page.addStretch(1)

        self._show_policy()
        self.refresh_password_state()
        self.reload_models()

    # -- building ---------------------------------------------------------------------------------------------
    def _field(self, key: str, widget: QWidget, parent: QWidget) -> QWidget:
        """The widget with, under it, its lock note (when IT's policy sets it) and its validation message."""
        holder = QWidget(parent)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        lock = _label("", NOTE_STYLE, holder)
        lock.setObjectName(f"lock_{key}")
        lock.hide()
        error = _label("", ERROR_STYLE, holder)
        error.setObjectName(f"error_{key}")
        error.hide()
        box.addWidget(lock)
        box.addWidget(error)
        self.field_widgets[key] = widget
        self.lock_labels[key] = lock
        self.field_errors[key] = error
        return holder

    def _spin(self, key: str, low: int, high: int, value: int, suffix: str, parent: QWidget) -> QSpinBox:
        spin = QSpinBox(parent)
        spin.setObjectName(f"{key}_box")
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        spin.setKeyboardTracking(False)
        spin.setMaximumWidth(180)
        spin.valueChanged.connect(lambda v: self._save_later(key, v))
        return spin

    def _build_central(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(self.tr("Central system"), parent)
        box.setObjectName("CentralSection")
        layout = QVBoxLayout(box)
        ws = self.workspace
        central = ws.info.settings.get("central") or {}
        values = self.current.values
        self.demo_note = _label(self.tr(
            "This is a demo workspace: it never connects to a central system. To work with your company's data, "
            "create a connected workspace with `repdesk connect tryton --url URL --database DB --user USER "
            "--workspace PATH`."), NOTE_STYLE, box)
        self.demo_note.setObjectName("DemoNote")
        self.demo_note.setVisible(ws.info.kind == "demo")
        layout.addWidget(self.demo_note)
        self.connected_note = _label("", NOTE_STYLE, box)
        self.connected_note.setObjectName("ConnectedNote")
        layout.addWidget(self.connected_note)

        form = QFormLayout()
        self.url_edit = QLineEdit(central.get("url") or values.central_url, box)
        self.url_edit.setObjectName("central_url_edit")
        self.url_edit.setPlaceholderText("https://erp.example.com")
        self.database_edit = QLineEdit(central.get("database") or values.central_database, box)
        self.database_edit.setObjectName("central_database_edit")
        self.user_edit = QLineEdit(central.get("login") or values.central_user, box)
        self.user_edit.setObjectName("central_user_edit")
        for key, edit, label in (("central_url", self.url_edit, self.tr("Server address:")),
                                 ("central_database", self.database_edit, self.tr("Database:")),
                                 ("central_user", self.user_edit, self.tr("User name:"))):
            form.addRow(label, self._field(key, edit, box))
            edit.editingFinished.connect(lambda k=key, e=edit: self._on_text_edited(k, e))
        layout.addLayout(form)

        row = QHBoxLayout()
        self.sign_in_button = QPushButton(self.tr("Sign in…"), box)
        self.sign_in_button.setObjectName("SignInButton")
        self.sign_in_button.clicked.connect(self.on_sign_in_clicked)
        self.sign_in_button.setEnabled(ws.info.kind != "demo")
        row.addWidget(self.sign_in_button)
        self.keyring_label = _label("", NOTE_STYLE, box)
        self.keyring_label.setObjectName("KeyringState")
        row.addWidget(self.keyring_label, 1)
        layout.addLayout(row)
        self.central_status = _label("", "", box)
        self.central_status.setObjectName("CentralStatus")
        self.central_status.hide()
        layout.addWidget(self.central_status)
        self._show_connection()
        return box

    def _build_sync(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(self.tr("Sync"), parent)
        box.setObjectName("SyncSection")
        layout = QVBoxLayout(box)
        form = QFormLayout()
        low, high = settings_mod.INTERVAL_RANGE
        self.interval_box = self._spin("sync_interval_minutes", low, high, self.current.values.sync_interval_minutes,
                                       self.tr(" min"), box)
        form.addRow(self.tr("Sync every:"), self._field("sync_interval_minutes", self.interval_box, box))
        layout.addLayout(form)
        layout.addWidget(_label(self.tr("A connected workspace also syncs when RepDesk starts, on F5, and as soon "
                                        "as the server answers again after an outage."), NOTE_STYLE, box))
        return box

    def _build_language(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(self.tr("Language"), parent)
        box.setObjectName("LanguageSection")
        form = QFormLayout(box)
        self.language_combo = QComboBox(box)
        self.language_combo.setObjectName("language_combo")
        self.language_combo.setMaximumWidth(260)
        # the language names are shown in their own language, as people look for them
        self.language_combo.addItem(self.tr("System language"), "system")
        self.language_combo.addItem("中文 (简体)", "zh_CN")
        self.language_combo.addItem("English", "en")
        index = self.language_combo.findData(self.current.values.language)
        self.language_combo.setCurrentIndex(max(0, index))
        self.language_combo.currentIndexChanged.connect(self.on_language_selected)
        form.addRow(self.tr("Language:"), self._field("language", self.language_combo, box))
        return box

    def _build_models(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(self.tr("Local models"), parent)
        box.setObjectName("ModelsSection")
        layout = QVBoxLayout(box)
        self.allowed_note = _label("", NOTE_STYLE, box)
        self.allowed_note.setObjectName("lock_allowed_model_sha256")
        self.allowed_note.hide()
        layout.addWidget(self.allowed_note)

        self.models_table = QTableWidget(0, 8, box)
        self.models_table.setObjectName("ModelsTable")
        self.models_table.setHorizontalHeaderLabels([
            self.tr("Active"), self.tr("Name"), self.tr("Architecture"), self.tr("Parameters"),
            self.tr("Quantisation"), self.tr("Size"), self.tr("Licence"), self.tr("Role")])
        self.models_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.models_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.models_table.verticalHeader().setVisible(False)
        self.models_table.setAlternatingRowColors(True)
        header = self.models_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.models_table.setMinimumHeight(140)
        self.models_table.itemSelectionChanged.connect(self._update_model_buttons)
        layout.addWidget(self.models_table)

        row = QHBoxLayout()
        self.add_model_button = QPushButton(self.tr("Add GGUF…"), box)
        self.add_model_button.setObjectName("AddModelButton")
        self.add_model_button.clicked.connect(self.on_add_model_clicked)
        self.verify_button = QPushButton(self.tr("Verify all"), box)
        self.verify_button.setObjectName("VerifyModelsButton")
        self.verify_button.clicked.connect(self.on_verify_clicked)
        self.use_button = QPushButton(self.tr("Use"), box)
        self.use_button.setObjectName("UseModelButton")
        self.use_button.clicked.connect(self.on_use_clicked)
        self.use_button.setEnabled(False)
        for b in (self.add_model_button, self.verify_button, self.use_button):
            row.addWidget(b)
        self.models_busy = QProgressBar(box)
        self.models_busy.setObjectName("ModelsBusy")
        self.models_busy.setRange(0, 0)
        self.models_busy.setTextVisible(False)
        self.models_busy.setMaximumWidth(160)
        self.models_busy.hide()
        row.addWidget(self.models_busy)
        row.addStretch(1)
        layout.addLayout(row)
        self.models_status = _label("", "", box)
        self.models_status.setObjectName("ModelsStatus")
        self.models_status.hide()
        layout.addWidget(self.models_status)

        form = QFormLayout()
        values = self.current.values
        self.threads_box = self._spin("llm_threads", *settings_mod.THREADS_RANGE, values.llm_threads, "", box)
        form.addRow(self.tr("CPU threads:"), self._field("llm_threads", self.threads_box, box))
        self.context_box = self._spin("llm_context", *settings_mod.CONTEXT_RANGE, values.llm_context,
                                      self.tr(" tokens"), box)
        self.context_box.setSingleStep(512)
        form.addRow(self.tr("Context size:"), self._field("llm_context", self.context_box, box))
        self.drafts_check = QCheckBox(self.tr("Write reply drafts with the local model"), box)
        self.drafts_check.setObjectName("drafts_enabled_check")
        self.drafts_check.setChecked(values.drafts_enabled)
        self.drafts_check.toggled.connect(lambda on: self.save("drafts_enabled", on))
        form.addRow("", self._field("drafts_enabled", self.drafts_check, box))
        layout.addLayout(form)
        return box

    # -- policy and state -------------------------------------------------------------------------------------
    def _show_policy(self) -> None:
        cur = self.current
        for key, widget in self.field_widgets.items():
            lock = self.lock_labels[key]
            if cur.is_locked(key):
                widget.setEnabled(False)
                text = self.tr("Locked by your IT department: %1").replace("%1", cur.reason(key))
                widget.setToolTip(text)
                lock.setText(text)
                lock.show()
            else:
                lock.hide()
        if cur.is_locked("allowed_model_sha256"):
            self.allowed_note.setText(self.tr(
                "Only models approved by your IT department can be added or used (%n approved): %1", "",
                len(cur.values.allowed_model_sha256)).replace("%1", cur.reason("allowed_model_sha256")))
            self.allowed_note.show()
        locked = [k for k in cur.locked if k not in settings_mod.POLICY_ONLY_KEYS]
        self.policy_banner.setVisible(bool(cur.locked))
        if cur.locked:
            self.policy_banner.setText(self.tr(
                "Some settings are managed by your IT department and cannot be changed here (%n locked).", "",
                len(locked)))
        self.warnings_label.setVisible(bool(cur.warnings))
        self.warnings_label.setText("\n".join(cur.warnings))

    def _show_connection(self) -> None:
        central = self.workspace.info.settings.get("central")
        connected = bool(central)
        for edit in (self.url_edit, self.database_edit, self.user_edit):
            edit.setReadOnly(connected)
        if connected:
            self.connected_note.setText(self.tr(
                "This workspace is connected to %1 as %2. Another system or user needs another workspace.").replace(
                "%1", central.get("url", "")).replace("%2", central.get("login", "")))
            self.sign_in_button.setText(self.tr("Sign in again…"))
        else:
            self.connected_note.setText("" if self.workspace.info.kind == "demo" else self.tr(
                "Not connected. Enter the server details and sign in to connect this workspace."))
        self.connected_note.setVisible(bool(self.connected_note.text()))

    def refresh_password_state(self) -> None:
        """Whether the central password is in the keyring (asked off the UI thread: a keyring may block)."""
        ws = self.workspace
        ops.op(self, lambda: settings_mod.password_state(ws), executor="sync").quiet().success(
            self._on_password_state).failure(lambda exc: self._on_password_state("unknown")).run()

    def _on_password_state(self, state: str) -> None:
        self.password_state = state
        texts = {
            "keyring": self.tr("Password saved in the system keyring."),
            "env": self.tr("Password taken from REPDESK_PASSWORD."),
            "none": self.tr("No password saved: sign in to save it in the keyring."),
            "no_keyring": self.tr("This computer has no keyring: the password is asked for each session."),
            "not_connected": self.tr("Not signed in."),
        }
        self.keyring_label.setText(texts.get(state, self.tr("The keyring cannot be read.")))

    # -- saving -----------------------------------------------------------------------------------------------
    def _save_later(self, key: str, value: Any) -> None:
        """Spin boxes save after a short pause, so stepping through values writes once."""
        self._pending[key] = value
        timer = self._timers.get(key)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(self.SPIN_DELAY_MS)
            timer.timeout.connect(lambda: self.save(key, self._pending.pop(key)))
            self._timers[key] = timer
        timer.start()

    def _on_text_edited(self, key: str, edit: QLineEdit) -> None:
        if edit.isReadOnly():
            return
        if edit.text().strip() != getattr(self.current.values, key):
            self.save(key, edit.text())

    def save(self, key: str, value: Any, then: Callable[[EffectiveSettings], None] | None = None) -> None:
        """Save one field on the `db` worker; the message under the field says if it was refused."""
        ws = self.workspace

        def done(eff: EffectiveSettings) -> None:
            self.current = eff
            self.saved_count += 1
            self._set_field_error(key, "")
            self.settings_changed.emit(eff)
            if then is not None:
                then(eff)

        ops.op(self, lambda: settings_mod.save_settings({key: value}, ws), executor="db").quiet().success(
            done).failure(lambda exc: self._set_field_error(key, self._field_message(key, exc))).run()

    def _field_message(self, key: str, exc: BaseException) -> str:
        """A refused value, said for the rep (the core's message names the setting's internal key)."""
        if isinstance(exc, InvalidInput) and exc.details.get("key") == key and "reason" not in exc.details:
            if key == "central_url":
                return self.tr("Enter an address starting with http:// or https://.")
            if key in ("central_database", "central_user"):
                return self.tr("Enter a single line of at most 120 characters.")
            if "low" in exc.details:
                return self.tr("Enter a whole number from %1 to %2.").replace(
                    "%1", str(exc.details["low"])).replace("%2", str(exc.details["high"]))
        if isinstance(exc, InvalidInput) and "reason" in exc.details:
            return self.tr("Locked by your IT department: %1").replace("%1", str(exc.details["reason"]))
        return _message(self, exc)

    def _set_field_error(self, key: str, text: str) -> None:
        label = self.field_errors.get(key)
        if label is not None:
            label.setText(text)
            label.setVisible(bool(text))

    def on_language_selected(self, index: int) -> None:
        code = self.language_combo.itemData(index)
        if code:
            self.save("language", code, lambda _eff: self.language_changed.emit(code))

    # -- central system ---------------------------------------------------------------------------------------
    def on_sign_in_clicked(self) -> None:
        url, database, user = (e.text().strip() for e in (self.url_edit, self.database_edit, self.user_edit))
        try:
            if not (url and database and user):
                raise RepDeskError(self.tr("Enter the server address, the database and your user name first."))
            settings_mod.validate("central_url", url)
        except RepDeskError as exc:
            self._central_result(str(exc), ok=False)
            return
        dialog = SignInDialog(url, database, user, self)
        dialog.sign_in_requested.connect(lambda pw: self._sign_in_with(dialog, url, database, user, pw))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self._sign_in = dialog
        dialog.open()

    def _sign_in_with(self, dialog: SignInDialog, url: str, database: str, user: str, password: str) -> None:
        ws = self.workspace
        settings = sync_service.CentralSettings("tryton", url, database, user)
        dialog.set_busy(True)
        self.central_status.hide()

        def ok(result: tuple[dict, bool]) -> None:
            info, stored = result
            version = str(info.get("version") or "")
            text = self.tr("Signed in to %1 (server %2).").replace("%1", url).replace("%2", version or "?")
            text += " " + (self.tr("The password is saved in the system keyring.") if stored else self.tr(
                "No keyring on this computer: the password is not saved and will be asked again."))
            dialog.accept()
            self._central_result(text, ok=True)
            self._show_connection()
            self.refresh_password_state()
            self.central_connected.emit()

        def failed(exc: BaseException) -> None:
            text = _message(self, exc)
            dialog.show_error(text)        # the password stays typed: correct it and sign in again
            self._central_result(text, ok=False)

        ops.op(self, lambda: sync_service.connect(ws, settings, password), executor="sync").success(ok).failure(
            failed).run()

    def _central_result(self, text: str, ok: bool) -> None:
        self.central_status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.central_status.setText(text)
        self.central_status.show()

    # -- models -----------------------------------------------------------------------------------------------
    def reload_models(self) -> None:
        cur = self.current
        ops.op(self, lambda: settings_mod.list_models(cur), executor="llm").quiet().success(
            self._show_models).failure(lambda exc: self._models_result(_message(self, exc), ok=False)).run()

    def _show_models(self, listing: settings_mod.ModelList) -> None:
        self.models = listing
        table = self.models_table
        selected = self.selected_model_ids()
        table.setRowCount(len(listing.entries))
        for row, e in enumerate(listing.entries):
            active = e.id == listing.active_id
            cells = (
                "●" if active else "",
                e.name,
                e.architecture,
                f"{e.parameters / 1e6:,.0f} M" if e.parameters else "?",
                e.quantisation,
                f"{e.size_bytes / 1e6:,.0f} MB",
                e.licence or self.tr("unknown"),
                self.tr("chat") if e.role == "chat" else self.tr("embedding"),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                item.setToolTip(f"{e.path}\nsha256 {e.sha256}")
                if active:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)
            if e.id in selected:
                table.selectRow(row)
        self.models_loaded_count += 1
        self._update_model_buttons()

    def selected_model_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.models_table.selectedIndexes()})
        return [self.models_table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def _update_model_buttons(self) -> None:
        ids = self.selected_model_ids()
        self.verify_button.setText(self.tr("Verify selected") if ids else self.tr("Verify all"))
        active = self.models.active_id if self.models else None
        self.use_button.setEnabled(len(ids) == 1 and ids[0] != active and not self.models_busy.isVisible())

    def _models_busy(self, busy: bool, text: str = "") -> None:
        self.models_busy.setVisible(busy)
        for b in (self.add_model_button, self.verify_button):
            b.setEnabled(not busy)
        if busy:
            self.use_button.setEnabled(False)
            self._models_result(text, ok=True)
        else:
            self._update_model_buttons()

    def _models_result(self, text: str, ok: bool) -> None:
        self.models_status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.models_status.setText(text)
        self.models_status.setVisible(bool(text))

    def on_add_model_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Add a local model"), "",
                                                    self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.add_model_file(path)

    def add_model_file(self, path: str) -> None:
        """Hash and register the file on the `llm` worker; a bad file is an inline message, nothing changes."""
        cur = self.current
        self._models_busy(True, self.tr("Checking %1…").replace("%1", path))

        def ok(entry) -> None:
            self._models_busy(False)
            self._models_result(self.tr("Added %1.").replace("%1", entry.describe()), ok=True)
            self.reload_models()

        def failed(exc: BaseException) -> None:
            self._models_busy(False)
            self._models_result(_message(self, exc), ok=False)

        ops.op(self, lambda: settings_mod.add_model(path, cur), executor="llm").quiet().success(ok).failure(
            failed).run()

    def on_verify_clicked(self) -> None:
        ids = self.selected_model_ids() or [e.id for e in (self.models.entries if self.models else ())]
        cur = self.current

        def work() -> list[str]:
            problems = []
            for model_id in ids:
                try:
                    settings_mod.verify_model(model_id, cur)
                except RepDeskError as exc:
                    problems.append(str(exc))
            return problems

        def done(problems: list[str]) -> None:
            self._models_busy(False)
            if problems:
                self._models_result("\n".join(problems), ok=False)
            else:
                self._models_result(self.tr("%n model(s) verified: the files are intact.", "", len(ids)), ok=True)

        def failed(exc: BaseException) -> None:
            self._models_busy(False)
            self._models_result(_message(self, exc), ok=False)

        self._models_busy(True, self.tr("Verifying %n model(s)…", "", len(ids)))
        ops.op(self, work, executor="llm").quiet().success(done).failure(failed).run()

    def on_use_clicked(self) -> None:
        ids = self.selected_model_ids()
        if len(ids) == 1:
            self.use_model(ids[0])

    def use_model(self, model_id: str) -> None:
        """Check the file and make it active; the window hot-swaps on `model_changed`. On error nothing changes."""
        cur = self.current

        def ok(entry) -> None:
            self._models_busy(False)
            self._models_result(self.tr("%1 is now the active model.").replace("%1", entry.name), ok=True)
            self.reload_models()
            self.model_changed.emit(entry.id)

        def failed(exc: BaseException) -> None:
            self._models_busy(False)
            self._models_result(_message(self, exc), ok=False)

        self._models_busy(True, self.tr("Checking the model…"))
        ops.op(self, lambda: settings_mod.use_model(model_id, cur), executor="llm").quiet().success(ok).failure(
            failed).run()
