"""The action-plan page: the plan by year, follow-ups per period, the yearly copy (GUI thread).

The page is the controller between ``PlanView`` (``plan_view``: widgets and layout) and
``PlanPresenter`` (``plan_presenter``: the plans and what is done with them, no widgets).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from vbedesk.errors import InputRefused
from vbedesk.i18n import _
from vbedesk.model import ActionPlan, Activity, Period
from vbedesk.reports.catalog import Kind, Request
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.disclosure_notice import DisclosureNoticeDialog
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.models.plan_models import FollowUpModel, PlanTableModel
from vbedesk.ui.page import Page
from vbedesk.ui.pages.disclosed_save import DisclosedSave
from vbedesk.ui.pages.plan_editor import PlanEditor
from vbedesk.ui.pages.plan_presenter import NoStatus, PlanPresenter
from vbedesk.ui.pages.plan_view import PlanView
from vbedesk.ui.pages.reports_presenter import export_file
from vbedesk.ui.tasks import Task, run_task
from vbedesk.ui.widgets.fields import show_error


class PlanPage(Page):
    """Handlingsplan: sections and activities, follow-ups per period, copy to next year."""

    page_id = "plan"

    #: A follow-up was stored (its activity id), after the page has been refreshed.
    followup_saved = Signal(int)
    #: The plan was copied; the new plan's year.
    plan_copied = Signal(int)
    #: The period's follow-up was exported and registered (the register entry's id).
    period_exported = Signal(int)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.presenter = PlanPresenter(service)
        self.confirm_box: QMessageBox | None = None
        self.plan_model = PlanTableModel.for_service(service, self)
        self.history_model = FollowUpModel((), self.presenter.status_label, self)
        statuses = [
            (code, self.presenter.status_label(code)) for code in self.presenter.status_codes()
        ]
        self.view = PlanView(self.plan_model, self.history_model, statuses)
        QVBoxLayout(self).addWidget(self.view)

        self.view.plan_changed.connect(self._plan_changed)
        self.view.period_changed.connect(self._reload_plan)
        self.view.selection_changed.connect(self._show_activity)
        self.view.copy_button.clicked.connect(self.ask_copy_to_next_year)
        self.view.followup.save_button.clicked.connect(self.save_followup)
        self.view.followup.copy_ils_button.clicked.connect(self.copy_for_ils)
        self.view.followup.export_period_button.clicked.connect(self.export_period)
        #: The notice and the file dialog of the period's export (as on Rapporter).
        self.saving = DisclosedSave(self, self.view.followup.ils_status.setText)
        self.task: Task | None = None
        #: New plans, activities, the decision: its dialogs and what they store.
        self.editor = PlanEditor(self)
        self.refresh()

    # -- Page ---------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Action plan")

    def refresh(self) -> None:
        current = self.current_plan()
        index = self.presenter.reload(current, date.today())
        self.view.set_plans(self.presenter.plans, index)
        shown = self.presenter.plan_at(index)
        if current is None and shown is not None:
            self.view.set_period_year(shown.year)
        self._reload_plan()

    # -- state ---------------------------------------------------------------------------------
    def current_plan(self) -> ActionPlan | None:
        return self.presenter.plan_at(self.view.plan_combo.currentIndex())

    def period(self) -> Period:
        return self.view.period()

    def set_period(self, period: Period) -> None:
        self.view.set_period(period)
        self._reload_plan()

    def select_plan(self, year: int) -> None:
        index = self.presenter.index_of_year(year)
        if index is not None:
            self.view.plan_combo.setCurrentIndex(index)

    def selected_activity(self) -> Activity | None:
        line = self.view.selected_line()
        return None if line is None else line.activity

    def select_activity(self, activity_id: int) -> None:
        self.view.select_activity(activity_id)

    # -- loading -------------------------------------------------------------------------------
    def _plan_changed(self) -> None:
        plan = self.current_plan()
        if plan is not None:
            self.view.set_period_year(plan.year)
        show_error(self.view.copy_error, "")
        self._reload_plan()

    def _reload_plan(self) -> None:
        """The plan table and the follow-up panel again, the selected activity kept."""
        selected = self.selected_activity()
        plan = self.current_plan()
        self.view.show_plan(
            None if plan is None else plan.title,
            self.presenter.lines(plan, self.period()),
            self.presenter.state_text(plan),
        )
        self.view.followup.show_period(self.period())
        if selected is not None and selected.id is not None:
            self.select_activity(selected.id)
        self._show_activity()

    def _show_activity(self) -> None:
        activity = self.selected_activity()
        self.view.followup.show_activity(activity)
        followups = [] if activity is None else self.presenter.followups(activity, self.period())
        self.history_model.set_rows(followups)
        plan = self.current_plan()
        rows = self.plan_model.rows()
        self.view.enable_actions(
            plan=plan is not None,
            decided=self.presenter.is_decided(plan),
            up=self.presenter.can_move(rows, activity, -1),
            down=self.presenter.can_move(rows, activity, 1),
        )

    # -- follow-up -----------------------------------------------------------------------------
    def save_followup(self) -> bool:
        """Store the form as a follow-up of the selected activity; refusals are shown."""
        panel = self.view.followup
        try:
            stored = self.presenter.add_followup(
                self.selected_activity(),
                self.period(),
                status=panel.status(),
                comment=panel.comment(),
                noted_on=panel.noted_on(),
            )
        except InputRefused as exc:
            show_error(panel.form_error, error_text(exc))
            if isinstance(exc, NoStatus):
                panel.status_combo.setFocus()
            return False
        show_error(panel.form_error, "")
        panel.clear()
        self._reload_plan()
        self.followup_saved.emit(stored.activity_id)
        return True

    # -- ILS-webb ------------------------------------------------------------------------------
    def copy_for_ils(self) -> str | None:
        """The selected activity's follow-up of the period, as text on the clipboard.

        Copied from a widget of the window, so the lock clears it (``app._clipboard_changed``).
        """
        panel = self.view.followup
        try:
            text = self.presenter.ils_text(self.selected_activity(), self.period())
        except InputRefused as exc:
            panel.ils_status.setText(error_text(exc))
            return None
        QGuiApplication.clipboard().setText(text)
        panel.ils_status.setText(
            _("Copied for ILS-webb. The clipboard is cleared when the vault locks.")
        )
        return text

    def export_period(self) -> DisclosureNoticeDialog:
        """Every activity of the period as CSV or xlsx: notice → file name → written."""
        request = Request(Kind.FOLLOWUP_XLSX, period=self.period())
        return self.saving.ask_export(
            request,
            lambda path, recipient, purpose: self.export_period_to(
                path, request, recipient, purpose
            ),
        )

    def export_period_to(self, path: Path, request: Request, recipient: str, purpose: str) -> Task:
        """Build the spreadsheet (CSV for a ``.csv`` name) on the worker thread, write and
        register it, as the Rapporter page does."""
        service = self.service
        status = self.view.followup.ils_status
        text = _("Exporting…")
        status.setText(text)

        def written(entry_id: int) -> None:
            status.setText(
                _("Saved as {path}. It is recorded in the disclosure register.").format(path=path)
            )
            self.period_exported.emit(entry_id)

        self.task = run_task(
            lambda: export_file(service, path, request, recipient, purpose),
            written,
            lambda exc: status.setText(error_text(exc)),
            self,
            progress_text=text,
        )
        return self.task

    # -- copy to next year ---------------------------------------------------------------------
    def ask_copy_to_next_year(self) -> None:
        """Open a (window-modal) confirmation; the copy happens when it is accepted."""
        plan = self.current_plan()
        if plan is None:
            return
        target = self.presenter.copy_target(plan)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Copy to next year"))
        box.setText(_("Copy the {year} plan to {target}?").format(year=plan.year, target=target))
        box.setInformativeText(
            _(
                "The new plan gets the same sections and activities; the follow-ups stay "
                "with the {year} plan."
            ).format(year=plan.year)
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda _result: self._copy_answered(
                plan,
                target,
                box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes,
            )
        )
        delete_when_finished(box)
        self.confirm_box = box
        box.open()

    def _copy_answered(self, plan: ActionPlan, target: int, accepted: bool) -> None:
        self.confirm_box = None
        if accepted:
            self.copy_to_year(plan, target)

    def copy_to_year(self, plan: ActionPlan, year: int) -> bool:
        try:
            copy = self.presenter.copy_to_year(plan, year)
        except InputRefused as exc:
            show_error(self.view.copy_error, error_text(exc))
            return False
        show_error(self.view.copy_error, "")
        self.refresh()
        self.select_plan(copy.year)
        self.plan_copied.emit(copy.year)
        return True
