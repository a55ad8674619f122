"""The incident list as a lazily fetched table model, filtered and sorted in SQL.

Rows are immutable ``IncidentListRow`` tuples (the six columns, no free text) fetched in
pages of 200 from ``service.incidents.list_rows``; the row count comes from
``service.incidents.count``. Nothing ever loads the whole table, so 100,000 incidents stay
as fluid as 80 (design.md, "Big tables in Qt"), and no description is held for the list:
the form reads the whole incident when it opens.

The model lives on the GUI thread; its reads run on the interactive reads' thread
(``tasks.run_read``), never on the GUI thread and never behind a backup on the worker
thread. A reset (``set_filter``, ``sort``, ``reload``) reads the count and the first page
in one snapshot and shows them together when they arrive; the old rows stay until then,
and a newer request supersedes an older one (its outcome is dropped by generation).
``fetchMore`` reads the next page the same way, one at a time. An outcome that arrives
after a lock is dropped, and the rows with it.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from vbedesk.errors import Cancelled, VaultLocked
from vbedesk.i18n import _, language
from vbedesk.model import IncidentFilter, IncidentListRow
from vbedesk.storage.service import VaultService
from vbedesk.ui.tasks import run_read

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
#: The incident id of a row (int), for any column.
ID_ROLE = Qt.ItemDataRole.UserRole


class IncidentTableModel(QAbstractTableModel):
    """Händelser: one row per incident matching the filter, newest first by default."""

    COL_ID, COL_RECEIVED, COL_AREA, COL_ENVIRONMENT, COL_TYPES, COL_STATUS = range(6)
    COLUMN_COUNT = 6
    PAGE_SIZE = 200
    #: The service's sort key per sortable column; other columns ignore a sort request.
    SORT_KEYS: ClassVar[dict[int, str]] = {
        COL_ID: "id",
        COL_RECEIVED: "received_on",
        COL_AREA: "area",
        COL_ENVIRONMENT: "environment",
        COL_STATUS: "status",
    }

    #: The number of incidents matching the filter, after every reset.
    total_changed = Signal(int)
    #: A reset's read started: the rows shown are the old ones until it ends.
    loading_started = Signal()
    #: A read ended (a reset's count and first page, or the next page), shown or not.
    loading_finished = Signal()
    #: A read failed for another reason than a lock (the error, for the page to show).
    failed = Signal(object)

    def __init__(self, service: VaultService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._filter = IncidentFilter()
        self._sort_column = self.COL_RECEIVED
        self._descending = True
        self._rows: list[IncidentListRow] = []
        self._total = 0
        #: Counts the resets asked for: an outcome of an older one is dropped.
        self._generation = 0
        self._loading = False  # a reset's read is on its way
        self._fetching = False  # a next page's read is on its way
        self.reload()

    # -- state -------------------------------------------------------------------------
    def filter(self) -> IncidentFilter:
        return self._filter

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order

    def total(self) -> int:
        """How many incidents match the filter (fetched or not)."""
        return self._total

    def loaded(self) -> int:
        return len(self._rows)

    def is_loading(self) -> bool:
        """Whether a read is on its way (a reset's, or the next page's)."""
        return self._loading or self._fetching

    def incident_at(self, row: int) -> IncidentListRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, incident_id: int) -> int | None:
        """The row of ``incident_id`` among the rows fetched so far."""
        for row, incident in enumerate(self._rows):
            if incident.id == incident_id:
                return row
        return None

    def set_filter(self, flt: IncidentFilter) -> None:
        """Show the incidents matching ``flt``: a reset, then pages fetched on demand."""
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        """Count again and read the first page (after a save, or when a page is shown).

        Returns at once: the reset comes when the read ends (``loading_finished``).
        """
        self._generation += 1
        generation = self._generation
        self._fetching = False  # a page on its way belongs to the older generation
        if not self.service.is_open:
            self._loading = False
            self.clear()
            return
        service, flt = self.service, self._filter
        sort, descending = self.SORT_KEYS[self._sort_column], self._descending

        def read() -> tuple[int, list[IncidentListRow]]:  # the reads' thread
            with service.snapshot():
                total = service.incidents.count(flt)
                page = service.incidents.list_rows(
                    flt, sort=sort, descending=descending, limit=self.PAGE_SIZE
                )
            return total, page

        self._loading = True
        run_read(
            read,
            lambda result: self._reset_arrived(generation, result),
            lambda exc: self._read_failed(generation, exc),
            self,
        )
        self.loading_started.emit()

    def clear(self) -> None:
        """Drop every row (before a lock: no vault data stays in memory)."""
        self._generation += 1  # and whatever read is still on its way
        self._loading = self._fetching = False
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self.endResetModel()

    def _reset_arrived(self, generation: int, result: tuple[int, list[IncidentListRow]]) -> None:
        if generation != self._generation:
            return  # a newer request was made meanwhile: its outcome will be shown
        if not self.service.is_open:  # a lock came first: nothing of it is shown
            self.clear()
            self.loading_finished.emit()
            return
        total, page = result
        self._loading = False
        self.beginResetModel()
        self._rows = page
        self._total = max(total, len(page))
        self.endResetModel()
        self.total_changed.emit(self._total)
        self.loading_finished.emit()

    def _read_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(exc, Cancelled | VaultLocked) or not self.service.is_open:
            self.clear()  # a lock: the rows go with the vault
        else:
            log.error("reading the incident list failed (%s)", type(exc).__name__)
            self._loading = self._fetching = False
            self.failed.emit(exc)
        self.loading_finished.emit()

    # -- lazy fetching -----------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        # A view may ask after a lock closed the vault, before it is destroyed: nothing then.
        return not parent.isValid() and len(self._rows) < self._total and self.service.is_open

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Ask for the next page; its rows are inserted when it arrives (one at a time)."""
        if self._loading or self._fetching or not self.canFetchMore(parent):
            return  # a reset on its way brings its own first page
        generation, offset = self._generation, len(self._rows)
        service, flt = self.service, self._filter
        sort, descending = self.SORT_KEYS[self._sort_column], self._descending

        def read() -> list[IncidentListRow]:  # the reads' thread
            return service.incidents.list_rows(
                flt, sort=sort, descending=descending, offset=offset, limit=self.PAGE_SIZE
            )

        self._fetching = True
        run_read(
            read,
            lambda page: self._page_arrived(generation, offset, page),
            lambda exc: self._read_failed(generation, exc),
            self,
        )

    def _page_arrived(self, generation: int, offset: int, page: list[IncidentListRow]) -> None:
        if generation != self._generation or offset != len(self._rows):
            return  # rows of an older filter or sort
        self._fetching = False
        if not self.service.is_open:
            self.clear()
        elif not page:
            # Fewer rows than counted (deleted meanwhile): stop asking.
            self._total = len(self._rows)
        else:
            self.beginInsertRows(QModelIndex(), offset, offset + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        self.loading_finished.emit()

    # -- the table ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headers(self) -> tuple[str, ...]:
        return (_("No."), _("Received"), _("Area"), _("Environment"), _("Types"), _("Status"))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.COLUMN_COUNT:
            return None
        if role in (DISPLAY, ACCESSIBLE, Qt.ItemDataRole.ToolTipRole):
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        incident = self._rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return incident.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_ID:
            return int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
        if role in (DISPLAY, ACCESSIBLE) or (
            # Labels may be cut in a narrow column: the tooltip shows them whole.
            role == Qt.ItemDataRole.ToolTipRole
            and column in (self.COL_AREA, self.COL_ENVIRONMENT, self.COL_TYPES)
        ):
            return self.text(incident, column)
        return None

    def text(self, incident: IncidentListRow, column: int) -> str | None:
        """What ``column`` shows for ``incident``: codes as labels in the current language."""
        tax = self.service.taxonomies
        lang = language()
        if column == self.COL_ID:
            return str(incident.id)
        if column == self.COL_RECEIVED:
            return incident.received_on.isoformat()
        if column == self.COL_AREA:
            return tax.areas.label(incident.area, lang) if incident.area else "–"
        if column == self.COL_ENVIRONMENT:
            return tax.environments.label(incident.environment, lang)
        if column == self.COL_TYPES:
            labels = sorted(tax.incident_types.label(c, lang) for c in incident.incident_types)
            return ", ".join(labels)
        if column == self.COL_STATUS:
            return tax.incident_statuses.label(incident.status, lang)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by a sortable column (the rows are fetched again from the top)."""
        if column not in self.SORT_KEYS:
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()
