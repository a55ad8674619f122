"""The small dialogs of the plan editor: a new plan, an activity, the decision (GUI thread).

Each dialog only collects its fields: its save button emits ``submitted`` and the dialog
stays open until ``PlanPage`` has stored what it holds (then it calls ``accept``), so a
refusal is shown in the dialog with the input kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.model import Activity
from vbedesk.plans import ActivityDraft
from vbedesk.ui.widgets.fields import date_edit, error_label, pydate, qdate, show_error
from vbedesk.ui.widgets.guarded_text import GuardedTextField
from vbedesk.ui.widgets.layouts import chain_tabs


def _buttons(save_text: str, save_name: str) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    save = QPushButton(save_text)
    save.setAccessibleName(save_name)
    save.setDefault(True)
    cancel = QPushButton(_("&Cancel"))
    cancel.setAccessibleName(_("Cancel"))
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(save)
    row.addWidget(cancel)
    return save, cancel, row


def _labelled(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label


class PlanDialog(QDialog):
    """A window-modal dialog with a refusal label and Save/Cancel under its form."""

    #: Save was pressed: the page stores the fields (and accepts the dialog when it could).
    submitted = Signal()

    def __init__(self, title: str, save_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = error_label(_("Why it was not saved"))
        self.save_button, self.cancel_button, buttons = _buttons(save_text, title)
        self.save_button.clicked.connect(self.submitted.emit)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def show_error(self, text: str) -> None:
        show_error(self.error, text)


class NewPlanDialog(PlanDialog):
    """The year of the new plan and what it starts from (empty, or a copy of a year)."""

    def __init__(self, year: int, sources: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__(_("New action plan"), _("Create the &plan"), parent)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1900, 2999)
        self.year_spin.setValue(year)
        self.year_spin.setAccessibleName(_("Year of the new plan"))
        self.start_combo = QComboBox()
        self.start_combo.setAccessibleName(_("The new plan starts from"))
        self.start_combo.addItem(_("Empty, with the four standard sections"), None)
        for source in sources:
            self.start_combo.addItem(_("A copy of the {year} plan").format(year=source), source)
        self.form.addRow(_labelled(_("&Year:"), self.year_spin), self.year_spin)
        self.form.addRow(_labelled(_("&Start from:"), self.start_combo), self.start_combo)
        chain_tabs([self.year_spin, self.start_combo, self.save_button, self.cancel_button])

    def year(self) -> int:
        return self.year_spin.value()

    def copy_from(self) -> int | None:
        data = self.start_combo.currentData()
        return None if data is None else int(data)


class ActivityDialog(PlanDialog):
    """The four fields of an activity, each checked by the identifier guard as it is typed."""

    def __init__(
        self, section: str, activity: Activity | None, parent: QWidget | None = None
    ) -> None:
        title = _("New activity") if activity is None else _("Edit activity")
        super().__init__(title, _("&Save the activity"), parent)
        self.section_label = QLabel(_("Section: {title}").format(title=section))
        self.section_label.setWordWrap(True)
        self.form.addRow(self.section_label)
        self.text = self._field(_("&Activity:"), _("Activity"), 4)
        self.responsible = self._field(_("&Responsible unit manager:"), _("Responsible"), 2)
        self.timeline = self._field(_("&Timeline:"), _("Timeline"), 2)
        self.followup = self._field(_("F&ollow-up:"), _("Follow-up occasions"), 2)
        if activity is not None:
            self.text.set_text(activity.text)
            self.responsible.set_text(activity.responsible)
            self.timeline.set_text(activity.timeline)
            self.followup.set_text(activity.followup)
        chain_tabs(
            [
                self.text.edit,
                self.responsible.edit,
                self.timeline.edit,
                self.followup.edit,
                self.save_button,
                self.cancel_button,
            ]
        )
        self.resize(560, self.sizeHint().height())

    def _field(self, caption: str, name: str, lines: int) -> GuardedTextField:
        """A guarded field ``lines`` lines high (it grows with the font, not the dialog)."""
        field = GuardedTextField(name)
        height = field.edit.fontMetrics().lineSpacing() * lines + 14
        field.edit.setFixedHeight(height)
        self.form.addRow(_labelled(caption, field), field)
        return field

    def fields(self) -> tuple[GuardedTextField, ...]:
        return (self.text, self.responsible, self.timeline, self.followup)

    def draft(self) -> ActivityDraft:
        return ActivityDraft(
            text=self.text.text(),
            responsible=self.responsible.text(),
            timeline=self.timeline.text(),
            followup=self.followup.text(),
        )

    def rescan(self) -> None:
        """Mark the findings in every field now (after a refusal by the guard)."""
        for field in self.fields():
            field.edit.rescan()


class DecideDialog(PlanDialog):
    """The board's decision: its date and the diarienummer."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        title = _("Decide the {year} plan").format(year=year)
        super().__init__(title, _("&Save the decision"), parent)
        self.date_edit = date_edit(_("Date of the decision"))
        self.date_edit.setDate(qdate(date.today()))
        self.dnr_edit = QLineEdit()
        self.dnr_edit.setAccessibleName(_("Diarienummer"))
        self.dnr_edit.setPlaceholderText(_("e.g. HVN 2026/12"))
        self.form.addRow(_labelled(_("Decided &on:"), self.date_edit), self.date_edit)
        self.form.addRow(_labelled(_("&Diarienummer:"), self.dnr_edit), self.dnr_edit)
        chain_tabs([self.date_edit, self.dnr_edit, self.save_button, self.cancel_button])

    def decided_on(self) -> date:
        return pydate(self.date_edit.date())

    def dnr(self) -> str:
        return self.dnr_edit.text()
