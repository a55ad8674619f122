"""Table models for training counts (latest per unit and course, and history) (GUI thread)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt

from vbedesk.i18n import _, language
from vbedesk.model import Course, TrainingCount
from vbedesk.ui.models.plan_models import DISPLAY, RowTableModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def format_share(count: TrainingCount) -> str:
    """The share completed in percent with one decimal ("60.0 %", "60,0 %" in Swedish)."""
    share = count.share_completed
    if share is None:
        return "–"
    text = f"{share * 100:.1f} %"
    return text.replace(".", ",") if language() == "sv" else text


class TrainingCountModel(RowTableModel[TrainingCount]):
    """Counts with the unit's and course's names; the order is the caller's."""

    COL_COURSE, COL_UNIT, COL_RELEVANT, COL_COMPLETED, COL_SHARE, COL_AS_OF = range(6)

    def __init__(
        self,
        rows: Sequence[TrainingCount] = (),
        unit_names: Mapping[str, str] | None = None,
        course_names: Mapping[str, str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(rows, parent)
        self.unit_names = dict(unit_names or {})
        self.course_names = dict(course_names or {})

    def headers(self) -> Sequence[str]:
        return (
            _("Course"),
            _("Unit"),
            _("Relevant staff"),
            _("Completed"),
            _("Share completed"),
            _("As of"),
        )

    def cell(self, row: TrainingCount, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.COL_RELEVANT,
            self.COL_COMPLETED,
            self.COL_SHARE,
        ):
            return int(RIGHT.value)
        if role not in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column == self.COL_COURSE:
            return self.course_names.get(row.course_code, row.course_code)
        if column == self.COL_UNIT:
            return self.unit_names.get(row.unit_code, row.unit_code)
        if column == self.COL_RELEVANT:
            return str(row.relevant_staff)
        if column == self.COL_COMPLETED:
            return str(row.completed)
        if column == self.COL_SHARE:
            return format_share(row)
        if column == self.COL_AS_OF:
            return row.as_of.isoformat()
        return None


class CourseModel(RowTableModel[Course]):
    """The courses with their provider and link (data, not translated)."""

    COL_NAME, COL_PROVIDER, COL_URL = range(3)

    def headers(self) -> Sequence[str]:
        return (_("Course"), _("Provider"), _("Link"))

    def cell(self, row: Course, column: int, role: int) -> Any:
        if role not in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            return None
        return (row.name, row.provider, row.url)[column] if 0 <= column < 3 else None
