"""The tables of the pages and dialogs: what every one of them is (read-only, whole rows,
left by Tab), the fixed rows of a long list, and a table whose long texts wrap (GUI
thread)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def read_only_rows(
    table: QTableView,
    model: QAbstractItemModel,
    accessible_name: str,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
) -> None:
    """``table`` shows ``model`` read-only and selects whole rows; Tab leaves it (arrows
    move inside it, so it is no keyboard trap)."""
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()


def fixed_rows(table: QTableView, stretch: int, widths: Mapping[int, int]) -> None:
    """Fixed row heights and column widths, so the view never measures rows it has not
    shown (design.md): ``stretch`` takes the room left, the others get ``widths``, which
    suit the usual font (a larger system font widens them alike)."""
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    scale = max(1.0, table.fontMetrics().horizontalAdvance("0000-00-00") / 75)
    for column, width in widths.items():
        header.resizeSection(column, round(width * scale))


class WrappingTableView(QTableView):
    """A read-only table whose long texts wrap; row heights follow the column widths."""

    def __init__(
        self, model: QAbstractItemModel, accessible_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        read_only_rows(self, model, accessible_name)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setAlternatingRowColors(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionResized.connect(lambda *_: self.resizeRowsToContents())
        model.modelReset.connect(self.resizeRowsToContents)

    def set_column_modes(
        self, stretch: tuple[int, ...], widths: dict[int, int] | None = None
    ) -> None:
        """Stretch the given columns; give the others a width (or fit them to contents)."""
        header = self.horizontalHeader()
        for column in range(self.model().columnCount()):
            if column in stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            elif widths and column in widths:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, widths[column])
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resizeRowsToContents()
