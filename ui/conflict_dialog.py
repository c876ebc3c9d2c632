"""The conflict dialog: one record changed here and on the central system since the last sync; per field the
rep's value, the central value and the value both started from, and the data contract's rule. The rep picks
Keep mine / Take central per field; `ask` fields have no default, so OK waits until every field is decided.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import Changes
from desktop.errors import RepDeskError
from desktop.services import sync as sync_service
from desktop.workspace import Workspace

from . import ops

_CTX = "SyncLabels"


def _t(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def entity_label(entity: str) -> str:
    names = {"opportunity": _t("Opportunity"), "contact": _t("Contact"), "account": _t("Account"),
             "activity": _t("Activity"), "feedback": _t("Feedback"), "order": _t("Order")}
    return names.get(entity, entity)


def field_label(field: str) -> str:
    names = {
        "stage": _t("Stage"), "amount_cents": _t("Amount"), "probability": _t("Probability"),
        "name": _t("Name"), "title": _t("Job title"), "phone": _t("Phone"), "email": _t("Email"),
        "wechat": _t("WeChat"), "consent_email": _t("Email consent"), "consent_phone": _t("Phone consent"),
        "consent_sms": _t("SMS consent"), "consent_wechat": _t("WeChat consent"),
        "next_follow_up": _t("Next follow-up"),
    }
    return names.get(field, field)


def rule_label(rule: str) -> str:
    names = {"ask": _t("You decide"), "central_wins": _t("Central wins"), "local_wins": _t("Yours wins")}
    return names.get(rule, rule)


def resolution_label(resolution: str | None) -> str:
    names = {"kept_local": _t("Kept yours"), "kept_central": _t("Took central"),
             "central_wins": _t("Central won (rule)"), "local_wins": _t("Yours won (rule)")}
    return names.get(resolution or "", resolution or "")


def format_value(field: str, value: Any) -> str:
    """A field value as the rep reads it (stage names, money, consent), not as stored."""
    if value is None or value == "":
        return "—"
    if field == "stage":
        stages = {"lead": _t("Lead"), "qualified": _t("Qualified"), "proposal": _t("Proposal"),
                  "negotiation": _t("Negotiation"), "won": _t("Won"), "lost": _t("Lost")}
        return stages.get(str(value), str(value))
    if field == "amount_cents":
        try:
            return f"¥{int(value) / 100:,.2f}"
        except (TypeError, ValueError):
            return str(value)
    if field == "probability":
        return f"{value}%"
    if field.startswith("consent_"):
        return {1: _t("Opted in"), 0: _t("Opted out"), "in": _t("Opted in"), "out": _t("Opted out")}.get(
            value, str(value))
    return str(value)


def default_keep(rule: str) -> str | None:
    """The choice pre-selected for a rule; `ask` has none: the rep must decide."""
    return {"local_wins": "local", "central_wins": "central"}.get(rule)


class ConflictDialog(QDialog):
    """All open conflicts of one record. `conflicts` are rows of `sync_service.list_conflicts` for the same
    (entity, local_id); resolved ones are ignored."""

    conflicts_resolved = Signal(object)      # Changes, after every field was resolved

    def __init__(self, workspace: Workspace, conflicts: list[dict], record_label: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConflictDialog")
        self.workspace = workspace
        self.conflicts = [c for c in conflicts if c.get("state", "open") == "open"]
        if not self.conflicts:
            raise ValueError("ConflictDialog needs at least one open conflict")
        if len({(c["entity"], c["local_id"]) for c in self.conflicts}) != 1:
            raise ValueError("ConflictDialog shows the conflicts of one record")
        first = self.conflicts[0]
        self.entity, self.local_id = first["entity"], first["local_id"]
        self.record_label = record_label or f"#{self.local_id}"
        self.resolved_ids: set[int] = set()
        self._busy = False
        self.setWindowTitle(self.tr("Resolve sync conflict — %1").replace("%1", self.record_label))
        self.setMinimumWidth(720)

        layout = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setObjectName("ConflictRecord")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setText(f"<h3 style='margin:0'>{html.escape(entity_label(self.entity))}: "
                            f"{html.escape(self.record_label)}</h3>")
        layout.addWidget(self.header)
        intro = QLabel(self.tr(
            "This record was changed here and on the central system since the last sync. For each field, keep "
            "your value (it is sent at the next sync) or take the central one."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        heads = (self.tr("Field"), self.tr("Yours (this computer)"), self.tr("Central"), self.tr("Before both"),
                 self.tr("Rule"), "", "")
        for col, text in enumerate(heads):
            head = QLabel(f"<b>{html.escape(text)}</b>", self)
            grid.addWidget(head, 0, col)
        self.groups: dict[int, QButtonGroup] = {}
        self.mine_buttons: dict[int, QRadioButton] = {}
        self.central_buttons: dict[int, QRadioButton] = {}
        self.value_labels: dict[int, tuple[QLabel, QLabel, QLabel]] = {}
        for row, c in enumerate(self.conflicts, start=1):
            field = c["field"]
            grid.addWidget(QLabel(field_label(field), self), row, 0)
            local = QLabel(f"<b>{html.escape(format_value(field, c['local']))}</b>", self)
            central = QLabel(f"<b>{html.escape(format_value(field, c['central']))}</b>", self)
            base = QLabel(f"<span style='color:gray'>{html.escape(format_value(field, c['base']))}</span>", self)
            for col, label in enumerate((local, central, base), start=1):
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(label, row, col)
            self.value_labels[c["id"]] = (local, central, base)
            grid.addWidget(QLabel(rule_label(c["rule"]), self), row, 4)
            mine = QRadioButton(self.tr("Keep mine"), self)
            theirs = QRadioButton(self.tr("Take central"), self)
            group = QButtonGroup(self)
            group.setExclusive(True)
            group.addButton(mine)
            group.addButton(theirs)
            keep = default_keep(c["rule"])
            if keep == "local":
                mine.setChecked(True)
            elif keep == "central":
                theirs.setChecked(True)
            group.buttonToggled.connect(lambda _b, _on: self._update_ok())
            grid.addWidget(mine, row, 5)
            grid.addWidget(theirs, row, 6)
            self.groups[c["id"]] = group
            self.mine_buttons[c["id"]] = mine
            self.central_buttons[c["id"]] = theirs
        layout.addLayout(grid)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("ConflictError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Resolve"))
        self.buttons.accepted.connect(self.on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_ok()

    # -- state -----------------------------------------------------------------------------------------
    def choices(self) -> dict[int, str | None]:
        """conflict id -> "local" / "central" / None (undecided), for the fields still open."""
        out: dict[int, str | None] = {}
        for cid in self.groups:
            if cid in self.resolved_ids:
                continue
            out[cid] = ("local" if self.mine_buttons[cid].isChecked()
                        else "central" if self.central_buttons[cid].isChecked() else None)
        return out

    def _update_ok(self) -> None:
        choices = self.choices()
        self.ok_button.setEnabled(not self._busy and bool(choices) and all(choices.values()))

    def set_choice(self, conflict_id: int, keep: str) -> None:
        (self.mine_buttons if keep == "local" else self.central_buttons)[conflict_id].setChecked(True)

    # -- resolving -------------------------------------------------------------------------------------
    def on_ok_clicked(self) -> None:
        choices = self.choices()
        if not choices or not all(choices.values()):
            return
        self._busy = True
        self._update_ok()
        self.error_label.hide()
        ws = self.workspace

        def work() -> tuple[Changes, list[int], list[tuple[int, str]]]:
            changes, done, errors = Changes(), [], []
            for cid, keep in choices.items():
                try:
                    changes = changes | sync_service.resolve_conflict(ws, cid, keep)
                    done.append(cid)
                except RepDeskError as exc:
                    errors.append((cid, str(exc)))
            return changes, done, errors

        ops.op(self, work, executor="db").success(self.on_resolve_finished).failure(self.on_resolve_failed).run()

    def on_resolve_finished(self, result: tuple[Changes, list[int], list[tuple[int, str]]]) -> None:
        changes, done, errors = result
        self._busy = False
        for cid in done:
            self.resolved_ids.add(cid)
            for button in (self.mine_buttons[cid], self.central_buttons[cid]):
                button.setEnabled(False)
        if changes.any():
            ops.signals().changes_applied.emit(changes)
        if errors:
            fields = {c["id"]: field_label(c["field"]) for c in self.conflicts}
            self.show_error("\n".join(f"{fields.get(cid, cid)}: {msg}" for cid, msg in errors))
            self._update_ok()
            return
        self.conflicts_resolved.emit(changes)
        self.accept()

    def on_resolve_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.show_error(str(exc) if isinstance(exc, RepDeskError) else f"{type(exc).__name__}: {exc}")
        self._update_ok()

    def show_error(self, text: str) -> None:
        self.error_label.setText(self.tr("Could not resolve: %1").replace("%1", text))
        self.error_label.show()
