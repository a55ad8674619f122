"""The widgets and layout of the Utbildning page, without behaviour (GUI thread).

``TrainingView``: the latest counts of a course and the courses on the left, the form for
a count and the history of a unit and course on the right. ``TrainingPage`` drives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.model import Course, Unit
from vbedesk.ui.models.training_models import CourseModel, TrainingCountModel
from vbedesk.ui.page import heading_font
from vbedesk.ui.widgets.fields import date_edit, error_label, pydate
from vbedesk.ui.widgets.layouts import chain_tabs, form_group, side_by_side
from vbedesk.ui.widgets.tables import WrappingTableView


def _fill(combo: QComboBox, items: Sequence[tuple[str, str]]) -> None:
    """Replace the items (name, code) without a signal, keeping the chosen code if it stays."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for name, code in items:
        combo.addItem(name, code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class TrainingView(QWidget):
    """Utbildning's widgets."""

    #: Another course is chosen for the table of latest counts.
    latest_course_changed = Signal()
    #: Another unit or course is chosen in the form (its history is another one).
    pair_changed = Signal()
    #: A row of the latest counts is selected.
    latest_selected = Signal()
    #: The count's date changed (the units and courses that take it may be others).
    as_of_changed = Signal()

    def __init__(
        self,
        course_model: CourseModel,
        latest_model: TrainingCountModel,
        history_model: TrainingCountModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        heading = QLabel(_("Training: share of relevant staff who completed each course"))
        heading.setWordWrap(True)
        heading_font(heading, 1.3)

        self.course_table = WrappingTableView(course_model, _("Courses"))
        self.course_table.set_column_modes(
            stretch=(CourseModel.COL_NAME, CourseModel.COL_PROVIDER, CourseModel.COL_URL)
        )
        # One table per course: the course is chosen above it, so it is not a column.
        self.latest_course_combo = QComboBox()
        self.latest_course_combo.setAccessibleName(_("Course shown in the table"))
        self.latest_table = WrappingTableView(latest_model, _("Latest counts"))
        self.latest_table.set_column_modes(stretch=(TrainingCountModel.COL_UNIT,))
        self.latest_table.setColumnHidden(TrainingCountModel.COL_COURSE, True)
        form_box = self._build_form()
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_table = WrappingTableView(history_model, _("History"))
        # The unit and course are named above the table.
        self.history_table.set_column_modes(stretch=(TrainingCountModel.COL_AS_OF,))
        self.history_table.setColumnHidden(TrainingCountModel.COL_COURSE, True)
        self.history_table.setColumnHidden(TrainingCountModel.COL_UNIT, True)

        splitter = side_by_side(
            self._left(), self._right(form_box), stretch=(3, 2), sizes=(720, 480)
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the page's layout gives the margins
        layout.addWidget(heading)
        layout.addWidget(splitter, 1)
        self._chain_tabs()

        self.latest_course_combo.currentIndexChanged.connect(
            lambda *_args: self.latest_course_changed.emit()
        )
        self.unit_combo.currentIndexChanged.connect(lambda *_args: self.pair_changed.emit())
        self.course_combo.currentIndexChanged.connect(lambda *_args: self.pair_changed.emit())
        self.latest_table.selectionModel().selectionChanged.connect(
            lambda *_args: self.latest_selected.emit()
        )
        self.as_of_edit.dateChanged.connect(lambda *_args: self.as_of_changed.emit())

    # -- building ------------------------------------------------------------------------
    def _build_form(self) -> QGroupBox:
        self.unit_combo = QComboBox()
        self.unit_combo.setAccessibleName(_("Unit"))
        self.course_combo = QComboBox()
        self.course_combo.setAccessibleName(_("Course"))
        self.relevant_spin = QSpinBox()
        self.relevant_spin.setRange(0, 100_000)
        self.relevant_spin.setAccessibleName(_("Relevant staff"))
        self.completed_spin = QSpinBox()
        self.completed_spin.setRange(0, 100_000)
        self.completed_spin.setAccessibleName(_("Completed"))
        self.as_of_edit = date_edit(_("As of"))
        self.save_button = QPushButton(_("Save counts"))
        self.save_button.setAccessibleName(_("Save counts"))
        self.form_error = error_label(_("Training count error"))

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_("Unit:"), self.unit_combo)
        form.addRow(_("Course:"), self.course_combo)
        form.addRow(_("Relevant staff:"), self.relevant_spin)
        form.addRow(_("Completed:"), self.completed_spin)
        form.addRow(_("As of:"), self.as_of_edit)
        hint = QLabel(
            _("Counts for the same unit, course and date replace each other; others are kept.")
        )
        hint.setWordWrap(True)
        return form_group(_("Enter counts"), form, self.form_error, self.save_button, hint)

    def _left(self) -> QWidget:
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        latest_bar = QHBoxLayout()
        latest_label = QLabel(_("Latest counts per unit for the course:"))
        latest_label.setBuddy(self.latest_course_combo)
        latest_bar.addWidget(latest_label)
        latest_bar.addWidget(self.latest_course_combo, 1)
        layout.addLayout(latest_bar)
        layout.addWidget(self.latest_table, 3)
        layout.addWidget(QLabel(_("Courses:")))
        layout.addWidget(self.course_table, 1)
        return left

    def _right(self, form_box: QGroupBox) -> QWidget:
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form_box)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history_table, 1)
        return right

    def _chain_tabs(self) -> None:
        chain_tabs(
            [
                self.latest_course_combo,
                self.latest_table,
                self.course_table,
                self.unit_combo,
                self.course_combo,
                self.relevant_spin,
                self.completed_spin,
                self.as_of_edit,
                self.save_button,
                self.history_table,
            ]
        )

    # -- showing ---------------------------------------------------------------------------
    def set_courses(self, courses: Sequence[Course]) -> None:
        """Every course, for the table of latest counts (retired ones keep their counts)."""
        _fill(self.latest_course_combo, [(c.name, c.code) for c in courses])

    def set_choices(self, units: Sequence[Unit], courses: Sequence[Course]) -> None:
        """The units and courses a new count can name (the choices kept where they stay)."""
        _fill(self.unit_combo, [(u.name, u.code) for u in units])
        _fill(self.course_combo, [(c.name, c.code) for c in courses])

    def set_unit_and_course(self, unit_code: str, course_code: str) -> None:
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit_code))
        self.course_combo.setCurrentIndex(self.course_combo.findData(course_code))

    def show_latest_course(self, course_code: str) -> None:
        self.latest_course_combo.setCurrentIndex(self.latest_course_combo.findData(course_code))

    def show_history_heading(self) -> None:
        self.history_label.setText(
            _("History for {unit}, {course} (newest first):").format(
                unit=self.unit_combo.currentText(), course=self.course_combo.currentText()
            )
        )

    def selected_latest_row(self) -> int | None:
        rows = self.latest_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def as_of(self) -> date:
        return pydate(self.as_of_edit.date())
