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


def test_the_installed_binding_keeps_nones_count(qapp) -> None:
    """PySide6 6.12.0 lost one reference per call returning None (app abort after ~50k calls on 3.11)."""
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        qapp.processEvents()                # a void method
    assert sys.getrefcount(None) - before >= -5
    assert drift(Bare()) >= -5              # a Python override returning None, called from C++
    assert drift(Guarded()) >= -5


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
