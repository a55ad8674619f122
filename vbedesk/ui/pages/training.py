"""The training page: latest counts per unit and course, entering counts, history (GUI thread)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import InputRefused
from vbedesk.i18n import _
from vbedesk.model import TrainingCount
from vbedesk.storage.service import VaultService
from vbedesk.ui.models.training_models import CourseModel, TrainingCountModel
from vbedesk.ui.page import Page, heading_font
from vbedesk.ui.pages.plan import (
    WrappingTableView,
    error_label,
    pydate,
    qdate,
    refused_text,
    show_error,
)


class TrainingPage(Page):
    """Utbildning: share of relevant staff who completed each course, per unit."""

    page_id = "training"

    #: A count was stored (unit code, course code).
    count_saved = Signal(str, str)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self._unit_order: dict[str, int] = {}

        heading = QLabel(_("Training: share of relevant staff who completed each course"))
        heading.setWordWrap(True)
        heading_font(heading, 1.3)

        self.course_model = CourseModel((), self)
        self.course_view = WrappingTableView(self.course_model, _("Courses"))
        self.course_view.set_column_modes(
            stretch=(CourseModel.COL_NAME, CourseModel.COL_PROVIDER, CourseModel.COL_URL)
        )

        # One table per course: the course is chosen above it, so it is not a column.
        self.latest_course_combo = QComboBox()
        self.latest_course_combo.setAccessibleName(_("Course shown in the table"))
        self.latest_model = TrainingCountModel((), parent=self)
        self.latest_view = WrappingTableView(self.latest_model, _("Latest counts"))
        self.latest_view.set_column_modes(stretch=(TrainingCountModel.COL_UNIT,))
        self.latest_view.setColumnHidden(TrainingCountModel.COL_COURSE, True)

        # -- entering counts -------------------------------------------------------------------
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
        self.as_of_edit = QDateEdit(qdate(date.today()))
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setAccessibleName(_("As of"))
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
        form_box = QGroupBox(_("Enter counts"))
        form_layout = QVBoxLayout(form_box)
        hint = QLabel(
            _("Counts for the same unit, course and date replace each other; others are kept.")
        )
        hint.setWordWrap(True)
        form_layout.addWidget(hint)
        form_layout.addLayout(form)
        form_layout.addWidget(self.form_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form_layout.addLayout(buttons)

        # -- history --------------------------------------------------------------------------
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_model = TrainingCountModel((), parent=self)
        self.history_view = WrappingTableView(self.history_model, _("History"))
        # The unit and course are named above the table.
        self.history_view.set_column_modes(stretch=(TrainingCountModel.COL_AS_OF,))
        self.history_view.setColumnHidden(TrainingCountModel.COL_COURSE, True)
        self.history_view.setColumnHidden(TrainingCountModel.COL_UNIT, True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        latest_bar = QHBoxLayout()
        latest_label = QLabel(_("Latest counts per unit for the course:"))
        latest_label.setBuddy(self.latest_course_combo)
        latest_bar.addWidget(latest_label)
        latest_bar.addWidget(self.latest_course_combo, 1)
        left_layout.addLayout(latest_bar)
        left_layout.addWidget(self.latest_view, 3)
        left_layout.addWidget(QLabel(_("Courses:")))
        left_layout.addWidget(self.course_view, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(form_box)
        right_layout.addWidget(self.history_label)
        right_layout.addWidget(self.history_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 480])

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(splitter, 1)

        self.setTabOrder(self.latest_course_combo, self.latest_view)
        self.setTabOrder(self.latest_view, self.course_view)
        self.setTabOrder(self.course_view, self.unit_combo)
        self.setTabOrder(self.unit_combo, self.course_combo)
        self.setTabOrder(self.course_combo, self.relevant_spin)
        self.setTabOrder(self.relevant_spin, self.completed_spin)
        self.setTabOrder(self.completed_spin, self.as_of_edit)
        self.setTabOrder(self.as_of_edit, self.save_button)
        self.setTabOrder(self.save_button, self.history_view)

        self.latest_course_combo.currentIndexChanged.connect(self._show_latest)
        self.unit_combo.currentIndexChanged.connect(self._show_history)
        self.course_combo.currentIndexChanged.connect(self._show_history)
        self.latest_view.selectionModel().selectionChanged.connect(self._latest_selected)
        self.save_button.clicked.connect(self.save_count)
        self.refresh()

    # -- Page ---------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Training")

    def refresh(self) -> None:
        units = self.service.training.units()
        courses = self.service.training.courses()
        unit_names = {u.code: u.name for u in units}
        course_names = {c.code: c.name for c in courses}
        for model in (self.latest_model, self.history_model):
            model.unit_names = unit_names
            model.course_names = course_names
        self.course_model.set_rows(courses)
        for combo, items in (
            (self.unit_combo, [(u.name, u.code) for u in units]),
            (self.course_combo, [(c.name, c.code) for c in courses]),
            (self.latest_course_combo, [(c.name, c.code) for c in courses]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for name, code in items:
                combo.addItem(name, code)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self._unit_order = {u.code: n for n, u in enumerate(units)}
        self._show_latest()
        self._show_history()

    def _show_latest(self) -> None:
        course = self.latest_course_combo.currentData()
        latest = sorted(
            (t for t in self.service.training.counts(latest_only=True) if t.course_code == course),
            key=lambda t: self._unit_order.get(t.unit_code, 0),
        )
        self.latest_model.set_rows(latest)

    # -- history -------------------------------------------------------------------------------
    def set_unit_and_course(self, unit_code: str, course_code: str) -> None:
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit_code))
        self.course_combo.setCurrentIndex(self.course_combo.findData(course_code))

    def _latest_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.latest_view.selectionModel().selectedRows()
        count = self.latest_model.row_at(rows[0].row()) if rows else None
        if count is not None:
            self.set_unit_and_course(count.unit_code, count.course_code)

    def _show_history(self) -> None:
        unit = self.unit_combo.currentData()
        course = self.course_combo.currentData()
        self.history_label.setText(
            _("History for {unit}, {course} (newest first):").format(
                unit=self.unit_combo.currentText(), course=self.course_combo.currentText()
            )
        )
        history = [
            t
            for t in self.service.training.counts()
            if t.unit_code == unit and t.course_code == course
        ]
        self.history_model.set_rows(sorted(history, key=lambda t: t.as_of, reverse=True))

    # -- entering ------------------------------------------------------------------------------
    def save_count(self) -> bool:
        """Store the form's counts; a refusal (e.g. more completed than relevant) is shown."""
        unit = self.unit_combo.currentData()
        course = self.course_combo.currentData()
        if not unit or not course:
            show_error(self.form_error, _("Choose a unit and a course."))
            return False
        count = TrainingCount(
            unit_code=str(unit),
            course_code=str(course),
            relevant_staff=self.relevant_spin.value(),
            completed=self.completed_spin.value(),
            as_of=pydate(self.as_of_edit.date()),
        )
        try:
            self.service.training.add_count(count)
        except InputRefused as exc:
            show_error(self.form_error, refused_text(exc))
            return False
        show_error(self.form_error, "")
        self.latest_course_combo.setCurrentIndex(
            self.latest_course_combo.findData(count.course_code)
        )
        self.refresh()
        self.count_saved.emit(count.unit_code, count.course_code)
        return True
