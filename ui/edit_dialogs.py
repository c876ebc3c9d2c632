"""Offline edits from the account panel: a note/call/visit, and an opportunity's stage, amount and probability.
Both save locally at once (queued for the next sync) on the `db` worker; on an error the dialog stays open with
everything the rep typed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from desktop.errors import InvalidInput
from desktop.services import sync as sync_service
from desktop.services.accounts import NOTE_KINDS, AccountService
from desktop.workspace import Workspace

from . import ops

STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")


class _EditDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)

    def on_failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc))         # the dialog stays open; nothing typed is lost
        self.error.show()

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class NoteDialog(_EditDialog):
    def __init__(self, workspace: Workspace, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.account_id = account_id
        self.setWindowTitle(self.tr("Add a note"))
        self.kind = QComboBox(self)
        labels = {"call": self.tr("Call"), "visit": self.tr("Visit"), "email": self.tr("E-mail"),
                  "note": self.tr("Note"), "task": self.tr("Task")}
        for kind in NOTE_KINDS:
            self.kind.addItem(labels.get(kind, kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData("note")))
        self.subject = QLineEdit(self)
        self.body = QPlainTextEdit(self)
        self.body.setPlaceholderText(self.tr("What happened, what was agreed, next step…"))
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Subject"), self.subject)
        self.form.addRow(self.tr("Text"), self.body)
        self.form.addRow(QLabel(self.tr("Saved on this laptop at once; sent to the central system at the next "
                                        "sync."), self))
        self.finish_layout()
        self.resize(480, 320)

    def save(self) -> None:
        kind, subject, body = self.kind.currentData(), self.subject.text(), self.body.toPlainText()
        service = AccountService(self.workspace.store)
        ops.op(self, lambda: service.add_activity(self.account_id, body, kind=kind, subject=subject)).disabling(
            self.buttons).success(lambda _c: self.accept()).failure(self.on_failed).run()


class OpportunityDialog(_EditDialog):
    def __init__(self, workspace: Workspace, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(self.tr("Update an opportunity"))
        self.rows = [(o.id, o.title, o.stage, o.amount_cents, o.probability)
                     for o in AccountService(workspace.store).open_opportunities(account_id)]
        self.which = QComboBox(self)
        for row in self.rows:
            self.which.addItem(row[1], row[0])
        self.stage = QComboBox(self)
        names = {"lead": self.tr("Lead"), "qualified": self.tr("Qualified"), "proposal": self.tr("Proposal"),
                 "negotiation": self.tr("Negotiation"), "won": self.tr("Won"), "lost": self.tr("Lost")}
        for stage in STAGES:
            self.stage.addItem(names[stage], stage)
        self.amount = QDoubleSpinBox(self)
        self.amount.setRange(0, 1e9)
        self.amount.setDecimals(2)
        self.amount.setPrefix("¥ ")
        self.amount.setGroupSeparatorShown(True)
        self.probability = QSpinBox(self)
        self.probability.setRange(0, 100)
        self.probability.setSuffix(" %")
        self.which.currentIndexChanged.connect(self.on_opportunity_chosen)
        self.form.addRow(self.tr("Opportunity"), self.which)
        self.form.addRow(self.tr("Stage"), self.stage)
        self.form.addRow(self.tr("Amount"), self.amount)
        self.form.addRow(self.tr("Probability"), self.probability)
        self.finish_layout()
        self.on_opportunity_chosen(0)

    def has_opportunities(self) -> bool:
        if not self.rows:
            ops.report_error(self.parent(), InvalidInput(self.tr("This account has no open opportunities.")))
        return bool(self.rows)

    def on_opportunity_chosen(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            _id, _title, stage, amount, probability = self.rows[index]
            self.stage.setCurrentIndex(max(0, self.stage.findData(stage)))
            self.amount.setValue((amount or 0) / 100)
            self.probability.setValue(probability or 0)

    def save(self) -> None:
        opp_id = self.which.currentData()
        _id, _title, stage, amount, probability = self.rows[self.which.currentIndex()]
        new = {"stage": self.stage.currentData(), "amount_cents": int(round(self.amount.value() * 100)),
               "probability": self.probability.value()}
        old = {"stage": stage, "amount_cents": amount or 0, "probability": probability or 0}
        changes = {k: v for k, v in new.items() if v != old[k]}     # only what the rep changed is sent
        if not changes:
            self.accept()
            return
        ws = self.workspace
        ops.op(self, lambda: sync_service.edit(ws, "opportunity", opp_id, changes)).disabling(
            self.buttons).success(lambda _c: self.accept()).failure(self.on_failed).run()


class ContactDialog(_EditDialog):
    """Contact details and channel consent, edited offline (the data contract says which fields a rep owns)."""

    FIELDS = ("title", "phone", "email", "wechat")
    CHANNELS = ("email", "phone", "sms", "wechat")

    def __init__(self, workspace: Workspace, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(self.tr("Edit a contact"))
        flag = {True: 1, False: 0, None: None}
        self.rows = [(c.id, c.name, c.title, c.phone, c.email, c.wechat,
                      *(flag[c.consent.get(ch)] for ch in self.CHANNELS))
                     for c in AccountService(workspace.store).contacts(account_id)]
        self.which = QComboBox(self)
        for row in self.rows:
            self.which.addItem(row[1], row[0])
        self.form.addRow(self.tr("Contact"), self.which)
        labels = {"title": self.tr("Title"), "phone": self.tr("Phone"), "email": self.tr("E-mail"),
                  "wechat": self.tr("WeChat")}
        self.edits: dict[str, QLineEdit] = {}
        for name in self.FIELDS:
            self.edits[name] = QLineEdit(self)
            self.form.addRow(labels[name], self.edits[name])
        channel_labels = {"email": self.tr("Consent: e-mail"), "phone": self.tr("Consent: phone"),
                          "sms": self.tr("Consent: SMS"), "wechat": self.tr("Consent: WeChat")}
        self.consents: dict[str, QComboBox] = {}
        for channel in self.CHANNELS:
            box = QComboBox(self)
            box.addItem(self.tr("never asked"), None)
            box.addItem(self.tr("agreed"), 1)
            box.addItem(self.tr("declined"), 0)
            self.consents[channel] = box
            self.form.addRow(channel_labels[channel], box)
        self.which.currentIndexChanged.connect(self.on_contact_chosen)
        self.finish_layout()
        self.on_contact_chosen(0)

    def has_contacts(self) -> bool:
        if not self.rows:
            ops.report_error(self.parent(), InvalidInput(self.tr("This account has no contacts.")))
        return bool(self.rows)

    def on_contact_chosen(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        for i, name in enumerate(self.FIELDS):
            self.edits[name].setText(row[2 + i] or "")
        for i, channel in enumerate(self.CHANNELS):
            box = self.consents[channel]
            box.setCurrentIndex(max(0, box.findData(row[6 + i])))

    def save(self) -> None:
        contact_id = self.which.currentData()
        changes: dict[str, object] = {name: self.edits[name].text().strip() for name in self.FIELDS}
        for channel in self.CHANNELS:
            changes[f"consent_{channel}"] = self.consents[channel].currentData()
        ws = self.workspace
        ops.op(self, lambda: sync_service.edit(ws, "contact", contact_id, changes)).disabling(
            self.buttons).success(lambda _c: self.accept()).failure(self.on_failed).run()
