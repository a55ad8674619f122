"""The Handlingsplan page's editor: a new plan, activities added, edited, moved and retired,
the decision (GUI thread).

``PlanEditor`` is the controller between the page's buttons (``PlanView``), the dialogs
of ``vbedesk.ui.dialogs.plan_dialogs`` and ``PlanPresenter``. Every dialog is window-modal
and opened without blocking; it stays open with its input when the vault refuses it, and
a text the identifier guard holds back is marked in its field and may be saved after the
one "Save anyway?" question. After each change the page is refreshed (the main window
refreshes it again on the ``Area.PLAN`` change event).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from vbedesk.errors import InputRefused
from vbedesk.guard import IdentifiersFound
from vbedesk.i18n import _
from vbedesk.model import ActionPlan, Activity
from vbedesk.ui.dialogs.plan_dialogs import ActivityDialog, DecideDialog, NewPlanDialog
from vbedesk.ui.messages import ask_save_anyway, delete_when_finished, error_text
from vbedesk.ui.models.plan_models import PlanLine
from vbedesk.ui.widgets.fields import show_error

if TYPE_CHECKING:
    from vbedesk.ui.pages.plan import PlanPage


class PlanEditor(QObject):
    """What the editor's buttons on the Handlingsplan page do."""

    #: A plan was created, decided, or an activity changed (after the page's refresh).
    edited = Signal()

    def __init__(self, page: PlanPage) -> None:
        super().__init__(page)
        self.page = page
        self.presenter = page.presenter
        #: The open dialog (new plan, activity, decision), if any.
        self.dialog: NewPlanDialog | ActivityDialog | DecideDialog | None = None
        self.confirm_box: QMessageBox | None = None
        view = page.view
        view.new_plan_button.clicked.connect(self.ask_new_plan)
        view.decide_button.clicked.connect(self.ask_decide)
        view.add_button.clicked.connect(lambda: self.ask_activity(edit=False))
        view.edit_button.clicked.connect(lambda: self.ask_activity(edit=True))
        view.up_button.clicked.connect(lambda: self.move(-1))
        view.down_button.clicked.connect(lambda: self.move(1))
        view.retire_button.clicked.connect(self.ask_retire)
        view.plan_table.activated.connect(self._line_activated)

    def _open(self, dialog: NewPlanDialog | ActivityDialog | DecideDialog) -> None:
        delete_when_finished(dialog)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _closed(self, dialog: QObject) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _changed(self, activity: Activity | None = None) -> None:
        """Refresh the page, select ``activity`` again, close the dialog, tell the tests."""
        if self.dialog is not None:
            self.dialog.accept()
        self.page.refresh()
        if activity is not None and activity.id is not None:
            self.page.select_activity(activity.id)
        self.page.view.plan_table.setFocus()
        self.edited.emit()

    # -- a new plan ------------------------------------------------------------------------
    def ask_new_plan(self) -> None:
        presenter = self.presenter
        dialog = NewPlanDialog(
            presenter.new_plan_year(date.today()), presenter.copy_sources(), self.page
        )
        dialog.submitted.connect(lambda: self.create_plan(dialog))
        self._open(dialog)

    def create_plan(self, dialog: NewPlanDialog) -> bool:
        try:
            plan = self.presenter.create_plan(dialog.year(), dialog.copy_from())
        except InputRefused as exc:
            dialog.show_error(error_text(exc))
            return False
        self.page.refresh()
        self.page.select_plan(plan.year)
        self._changed()
        return True

    # -- an activity -----------------------------------------------------------------------
    def _line_activated(self) -> None:
        """Enter or a double click on a line: edit its activity (a section: add one)."""
        line = self.page.view.selected_line()
        if line is not None:
            self.ask_activity(edit=line.activity is not None)

    def _target_line(self) -> PlanLine | None:
        """The selected line, or the plan's first section when nothing is selected."""
        line = self.page.view.selected_line()
        rows = self.page.plan_model.rows()
        return line if line is not None else (rows[0] if rows else None)

    def ask_activity(self, *, edit: bool) -> None:
        line = self._target_line()
        if line is None or (edit and line.activity is None):
            return
        activity = line.activity if edit else None
        dialog = ActivityDialog(line.section.title, activity, self.page)
        dialog.submitted.connect(lambda: self.save_activity(dialog, line, edit=edit))
        self._open(dialog)

    def save_activity(
        self, dialog: ActivityDialog, line: PlanLine, *, edit: bool, accept_findings: bool = False
    ) -> bool:
        """Store the dialog's activity; a refusal is shown in the dialog, nothing stored."""
        try:
            activity = self.presenter.save_activity(
                line, dialog.draft(), edit=edit, accept_findings=accept_findings
            )
        except IdentifiersFound:
            dialog.rescan()
            dialog.show_error(
                _("Looks like a personal identifier: see the marked text. Not saved.")
            )
            self.confirm_box = ask_save_anyway(
                dialog,
                _(
                    "The activity looks like it contains a personal identifier, and the plan "
                    "is printed in the follow-up that leaves the vault. Save it anyway?"
                ),
                lambda yes: self._save_anyway_answered(dialog, line, yes, edit=edit),
            )
            return False
        except InputRefused as exc:
            dialog.show_error(error_text(exc))
            return False
        self._changed(activity)
        return True

    def _save_anyway_answered(
        self, dialog: ActivityDialog, line: PlanLine, yes: bool, *, edit: bool
    ) -> None:
        self.confirm_box = None
        if yes:
            self.save_activity(dialog, line, edit=edit, accept_findings=True)

    # -- order and retirement --------------------------------------------------------------
    def move(self, step: int) -> bool:
        """The selected activity one place up (-1) or down (+1) in its section."""
        try:
            activity = self.presenter.move_activity(self.page.selected_activity(), step)
        except InputRefused as exc:
            show_error(self.page.view.copy_error, error_text(exc))
            return False
        self._changed(activity)
        return True

    def ask_retire(self) -> None:
        activity = self.page.selected_activity()
        if activity is None:
            return
        box = QMessageBox(self.page)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Retire the activity"))
        box.setText(_("Retire “{text}” from today (utgår)?").format(text=activity.text[:120]))
        box.setInformativeText(
            _("It stays in the plan with its follow-ups and is not copied to next year.")
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(_("&Retire"))
        box.setAccessibleName(box.windowTitle())
        box.finished.connect(
            lambda _result: self._retire_answered(
                activity, box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes
            )
        )
        delete_when_finished(box)
        self.confirm_box = box
        box.open()

    def _retire_answered(self, activity: Activity, yes: bool) -> None:
        self.confirm_box = None
        if yes:
            self.retire(activity)

    def retire(self, activity: Activity) -> bool:
        try:
            retired = self.presenter.retire_activity(activity, date.today())
        except InputRefused as exc:
            show_error(self.page.view.copy_error, error_text(exc))
            return False
        self._changed(retired)
        return True

    # -- the decision ----------------------------------------------------------------------
    def ask_decide(self) -> None:
        plan = self.page.current_plan()
        if plan is None:
            return
        dialog = DecideDialog(plan.year, self.page)
        dialog.submitted.connect(lambda: self.decide(dialog, plan))
        self._open(dialog)

    def decide(self, dialog: DecideDialog, plan: ActionPlan) -> bool:
        try:
            self.presenter.decide(plan, dialog.decided_on(), dialog.dnr())
        except InputRefused as exc:
            dialog.show_error(error_text(exc))
            return False
        self._changed()
        return True
