"""Item models over the store. Views get their model in the constructor (tests build them with real stores)."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop.domain import AccountRow
from desktop.services.accounts import AccountService

from .qtcompat import qt_value

_Index = QModelIndex | QPersistentModelIndex


class AccountsTableModel(QAbstractTableModel):
    """The account list. Lazy: it holds only the ordered ids of the matching accounts (ints, cheap at 100k) and
    fetches row data a page at a time when the view asks for it, keeping a bounded LRU of pages. The scroll bar
    is therefore true from the start and jumping to row 90,000 costs one page query."""

    PAGE = 200
    MAX_PAGES = 64
    COLUMNS = ("name", "name_en", "code", "city", "industry", "tier", "owner", "phone", "follow_up")

    def __init__(self, service: AccountService, parent=None) -> None:
        super().__init__(parent)
        self._service = service
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, AccountRow]] = OrderedDict()
        self.pages_fetched = 0
        self._industries = {
            "hospital": self.tr("Hospital"),
            "community_health": self.tr("Community health centre"),
            "pharmacy": self.tr("Pharmacy"),
            "clinic": self.tr("Clinic"),
            "dental": self.tr("Dental clinic"),
            "elderly_care": self.tr("Elderly care"),
            "distributor": self.tr("Distributor"),
        }
        self._headers = {
            "name": self.tr("Account"),
            "name_en": self.tr("English name"),
            "code": self.tr("Code"),
            "city": self.tr("City"),
            "industry": self.tr("Type"),
            "tier": self.tr("Tier"),
            "owner": self.tr("Owner"),
            "phone": self.tr("Phone"),
            "follow_up": self.tr("Follow-up"),
        }

    # -- data set ---------------------------------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        """Replace the row set (called on the UI thread with ids computed off it)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        """Drop cached pages (after a change) without changing the row set."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.COLUMNS) - 1))

    def account_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, account_id: int) -> int:
        try:
            return self._ids.index(account_id)
        except ValueError:
            return -1

    def _row(self, row: int) -> AccountRow | None:
        page_no = row // self.PAGE
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * self.PAGE
            page = self._service.rows(self._ids[start : start + self.PAGE])
            self.pages_fetched += 1
            self._pages[page_no] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    # -- Qt model API -----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    @qt_value
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[self.COLUMNS[section]]
        return None

    @qt_value
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._row(index.row())
        if row is None:
            return None
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "name": row.name_zh,
                "name_en": row.name_en,
                "code": row.code,
                "city": row.city,
                "industry": self._industries.get(row.industry, row.industry),
                "tier": row.tier,
                "owner": row.owner,
                "phone": row.phone,
                "follow_up": row.next_follow_up or "",
            }[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == "name":
            return f"{row.name_zh}\n{row.name_en}"
        if role == Qt.ItemDataRole.FontRole and col == "name" and row.dirty:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == "tier" and row.tier == "A":
            return QColor("#b8860b")
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
