"""The PySide6 refcount bug behind `ui.qtcompat.qt_value`, measured, and our models proven safe from it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from desktop.services.accounts import AccountService
from ui.models import AccountsTableModel
from ui.qtcompat import qt_value

CALLS = 2000


class Bare(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 3

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


class Guarded(Bare):
    @qt_value
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def drift(model: QAbstractTableModel, index: QModelIndex | None = None) -> int:
    index = index or model.index(1, 1)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        index.data(Qt.ItemDataRole.ToolTipRole)          # through C++, as a view asks
    return sys.getrefcount(None) - before


def test_the_binding_bug_and_the_guard(qapp) -> None:
    if sys.version_info >= (3, 12):       # None is immortal there: nothing to lose
        return
    assert drift(Bare()) <= -CALLS + 10    # the bug: one reference lost per call
    assert drift(Guarded()) >= -5          # the guard keeps the count


def test_our_models_keep_nones_count(qapp, demo_ws) -> None:
    reader = demo_ws.store.reader()
    try:
        model = AccountsTableModel(AccountService(demo_ws.store, reader))
        model.set_ids([r[0] for r in reader.execute("SELECT id FROM accounts LIMIT 50")])
        assert drift(model, model.index(3, 2)) >= -5
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole)
        assert sys.getrefcount(None) - before >= -5
    finally:
        reader.close()
