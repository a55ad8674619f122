"""Table models for the action plan and its follow-ups, over immutable rows (GUI thread)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from vbedesk.i18n import _, language
from vbedesk.model import Activity, FollowUp, Period, PlanSection
from vbedesk.storage.service import VaultService

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


class RowTableModel(QAbstractTableModel, Generic[R]):
    """A read-only table over a tuple of frozen rows; subclasses say what each cell shows."""

    def __init__(self, rows: Sequence[R] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[R, ...] = tuple(rows)

    # -- subclass API ---------------------------------------------------------------------
    def headers(self) -> Sequence[str]:
        raise NotImplementedError

    def cell(self, row: R, column: int, role: int) -> Any:
        raise NotImplementedError

    # -- rows -----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[R, ...]:
        return self._rows

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def text(self, row: int, column: int) -> str:
        """The displayed text of a cell (what a test or a screen reader sees)."""
        value = self.data(self.index(row, column), DISPLAY)
        return "" if value is None else str(value)

    # -- Qt -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


# -- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    """One line of the plan table: a section heading (``activity`` None) or an activity."""

    section: PlanSection
    activity: Activity | None = None
    status: str | None = None  # the latest status code in the selected period

    @property
    def is_section(self) -> bool:
        return self.activity is None


def latest_followup(followups: Sequence[FollowUp]) -> FollowUp | None:
    """The newest follow-up by date (then by when it was stored)."""
    return max(followups, key=lambda f: (f.noted_on, f.id or 0), default=None)


def load_plan_lines(service: VaultService, plan_id: int, period: Period) -> tuple[PlanLine, ...]:
    """Each section heading followed by its activities with their latest status in ``period``."""
    lines: list[PlanLine] = []
    for section in service.plans.sections(plan_id):
        lines.append(PlanLine(section))
        for activity in service.plans.activities(section.id or 0):
            latest = latest_followup(service.plans.followups(activity.id or 0, period))
            lines.append(PlanLine(section, activity, latest.status if latest else None))
    return tuple(lines)


class PlanTableModel(RowTableModel[PlanLine]):
    """The plan's columns Aktivitet / Ansvarig / Tidplan / Uppföljning plus the period's status.

    Section headings are rows of their own; the view spans them over every column.
    """

    COL_TEXT, COL_RESPONSIBLE, COL_TIMELINE, COL_FOLLOWUP, COL_STATUS = range(5)

    def __init__(
        self,
        rows: Sequence[PlanLine] = (),
        status_label: Callable[[str], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(rows, parent)
        self._status_label = status_label or (lambda code: code)

    @classmethod
    def for_service(cls, service: VaultService, parent: Any = None) -> PlanTableModel:
        statuses = service.taxonomies.activity_statuses
        return cls((), lambda code: statuses.label(code, language()), parent)

    def headers(self) -> Sequence[str]:
        return (_("Activity"), _("Responsible"), _("Timeline"), _("Follow-up"), _("Status"))

    def section_sizes(self) -> list[tuple[str, int]]:
        """Each section's title and how many activities it holds, in order."""
        sizes: list[tuple[str, int]] = []
        for line in self._rows:
            if line.is_section:
                sizes.append((line.section.title, 0))
            else:
                title, n = sizes[-1]
                sizes[-1] = (title, n + 1)
        return sizes

    def activity_row(self, activity_id: int) -> int:
        for number, line in enumerate(self._rows):
            if line.activity is not None and line.activity.id == activity_id:
                return number
        return -1

    def cell(self, row: PlanLine, column: int, role: int) -> Any:
        if row.activity is None:
            if role in (DISPLAY, TOOLTIP, Qt.ItemDataRole.AccessibleTextRole):
                return row.section.title if column == self.COL_TEXT else None
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        act = row.activity
        if role in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_TEXT:
                return act.text
            if column == self.COL_RESPONSIBLE:
                return act.responsible
            if column == self.COL_TIMELINE:
                return act.timeline
            if column == self.COL_FOLLOWUP:
                return act.followup
            if column == self.COL_STATUS:
                status = "" if row.status is None else self._status_label(row.status)
                if act.retired_on is None:
                    return status
                retired = _("Retired (utgår) {date}").format(date=act.retired_on.isoformat())
                return f"{status}\n{retired}" if status else retired
        if role == TOOLTIP and column == self.COL_STATUS and row.status is None:
            return _("No follow-up in this period yet.")
        return None


class FollowUpModel(RowTableModel[FollowUp]):
    """One activity's follow-ups in a period, newest first."""

    COL_DATE, COL_PERIOD, COL_STATUS, COL_COMMENT = range(4)

    def __init__(
        self,
        rows: Sequence[FollowUp] = (),
        status_label: Callable[[str], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(self._newest_first(rows), parent)
        self._status_label = status_label or (lambda code: code)

    @staticmethod
    def _newest_first(rows: Sequence[FollowUp]) -> tuple[FollowUp, ...]:
        return tuple(sorted(rows, key=lambda f: (f.noted_on, f.id or 0), reverse=True))

    def set_rows(self, rows: Sequence[FollowUp]) -> None:
        super().set_rows(self._newest_first(rows))

    def headers(self) -> Sequence[str]:
        return (_("Date"), _("Period"), _("Status"), _("Comment"))

    def cell(self, row: FollowUp, column: int, role: int) -> Any:
        if role not in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column == self.COL_DATE:
            return row.noted_on.isoformat()
        if column == self.COL_PERIOD:
            return str(row.period)
        if column == self.COL_STATUS:
            return self._status_label(row.status)
        if column == self.COL_COMMENT:
            return row.comment
        return None
