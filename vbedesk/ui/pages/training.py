"""The training page: latest counts per unit and course, entering counts, history (GUI thread).

The page is the controller between ``TrainingView`` (``training_view``: widgets and
layout) and ``TrainingPresenter`` (``training_presenter``: the counts, no widgets).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from vbedesk.errors import InputRefused
from vbedesk.i18n import _
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import error_text
from vbedesk.ui.models.training_models import CourseModel, TrainingCountModel
from vbedesk.ui.page import Page
from vbedesk.ui.pages.training_presenter import TrainingPresenter
from vbedesk.ui.pages.training_view import TrainingView
from vbedesk.ui.widgets.fields import show_error


class TrainingPage(Page):
    """Utbildning: share of relevant staff who completed each course, per unit."""

    page_id = "training"

    #: A count was stored (unit code, course code).
    count_saved = Signal(str, str)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.presenter = TrainingPresenter(service)
        self.course_model = CourseModel((), self)
        self.latest_model = TrainingCountModel((), parent=self)
        self.history_model = TrainingCountModel((), parent=self)
        self.view = TrainingView(self.course_model, self.latest_model, self.history_model)
        QVBoxLayout(self).addWidget(self.view)

        self.view.latest_course_changed.connect(self._show_latest)
        self.view.pair_changed.connect(self._show_history)
        self.view.latest_selected.connect(self._latest_selected)
        self.view.as_of_changed.connect(self._show_choices)
        self.view.save_button.clicked.connect(self.save_count)
        self.refresh()

    # -- Page ---------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Training")

    def refresh(self) -> None:
        presenter = self.presenter
        presenter.reload()
        for model in (self.latest_model, self.history_model):
            model.unit_names = presenter.unit_names()
            model.course_names = presenter.course_names()
        self.course_model.set_rows(presenter.courses)
        self.view.set_courses(presenter.courses)
        self._show_choices()
        self._show_latest()

    def _show_choices(self) -> None:
        """Offer the units and courses that take a count of the form's date."""
        self.view.set_choices(*self.presenter.choices(self.view.as_of()))
        self._show_history()

    def _show_latest(self) -> None:
        course = self.view.latest_course_combo.currentData()
        self.latest_model.set_rows(self.presenter.latest(course))

    # -- history -------------------------------------------------------------------------------
    def set_unit_and_course(self, unit_code: str, course_code: str) -> None:
        self.view.set_unit_and_course(unit_code, course_code)

    def _latest_selected(self) -> None:
        row = self.view.selected_latest_row()
        count = None if row is None else self.latest_model.row_at(row)
        if count is not None:
            self.set_unit_and_course(count.unit_code, count.course_code)

    def _show_history(self) -> None:
        view = self.view
        view.show_history_heading()
        history = self.presenter.history(
            view.unit_combo.currentData(), view.course_combo.currentData()
        )
        self.history_model.set_rows(history)

    # -- entering ------------------------------------------------------------------------------
    def save_count(self) -> bool:
        """Store the form's counts; a refusal (e.g. more completed than relevant) is shown."""
        view = self.view
        try:
            count = self.presenter.add_count(
                view.unit_combo.currentData(),
                view.course_combo.currentData(),
                relevant=view.relevant_spin.value(),
                completed=view.completed_spin.value(),
                as_of=view.as_of(),
            )
        except InputRefused as exc:
            show_error(view.form_error, error_text(exc))
            return False
        show_error(view.form_error, "")
        view.show_latest_course(count.course_code)
        self.refresh()
        self.count_saved.emit(count.unit_code, count.course_code)
        return True
