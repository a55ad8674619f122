"""The widgets and layout of the Handlingsplan page, without behaviour (GUI thread).

``PlanView`` is the bar (plan, period, the plan's actions), the plan table and the side
panel; ``FollowUpPanel`` is the side panel's follow-up of the selected activity.
``PlanPage`` drives both. A plan editor adds its buttons to ``PlanView.plan_actions``
and its panel beside ``followup`` without changing either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.model import ActionPlan, Activity, Period, PeriodKind
from vbedesk.ui.models.plan_models import FollowUpModel, PlanLine, PlanTableModel
from vbedesk.ui.page import heading_font
from vbedesk.ui.widgets.fields import date_edit, error_label, pydate, qdate
from vbedesk.ui.widgets.layouts import chain_tabs, form_group, side_by_side
from vbedesk.ui.widgets.tables import WrappingTableView


def _action_button(text: str, name: str, tip: str = "") -> QPushButton:
    """A button of the page's bars: named, with a mnemonic, pressed by Enter as by Space."""
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setAutoDefault(True)
    if tip:
        button.setToolTip(tip)
    return button


class FollowUpPanel(QWidget):
    """The selected activity, its follow-ups in the period, and the form for a new one."""

    def __init__(
        self,
        history_model: FollowUpModel,
        statuses: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.activity_label = QLabel(_("Select an activity in the plan."))
        self.activity_label.setWordWrap(True)
        self.activity_label.setAccessibleName(_("Selected activity"))
        self.history_table = WrappingTableView(history_model, _("Follow-up history"))
        self.history_table.set_column_modes(
            stretch=(FollowUpModel.COL_COMMENT,),
            widths={FollowUpModel.COL_DATE: 90, FollowUpModel.COL_PERIOD: 70},
        )
        self.history_table.setMinimumHeight(120)
        self.period_heading = QLabel()
        self.period_heading.setWordWrap(True)
        self.copy_ils_button = _action_button(
            _("Copy for &ILS-webb"),
            _("Copy the follow-up for ILS-webb"),
            _("The activity's status and comment for the period, as text to paste."),
        )
        self.export_period_button = _action_button(
            _("E&xport the period…"),
            _("Export the period's follow-up"),
            _("Every activity's status and comment for the period, as CSV or xlsx."),
        )
        #: What the copy or the export did.
        self.ils_status = QLabel()
        self.ils_status.setWordWrap(True)
        self.ils_status.setAccessibleName(_("Copy and export status"))
        self._build_form(statuses)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_("Follow-up"))
        heading_font(heading, 1.2)
        layout.addWidget(heading)
        layout.addWidget(self.activity_label)
        layout.addWidget(self.period_heading)
        layout.addWidget(self.history_table, 1)
        ils_bar = QHBoxLayout()
        ils_bar.addWidget(self.copy_ils_button)
        ils_bar.addWidget(self.export_period_button)
        ils_bar.addStretch(1)
        layout.addLayout(ils_bar)
        layout.addWidget(self.ils_status)
        layout.addWidget(self.form_box)

    def _build_form(self, statuses: Sequence[tuple[str, str]]) -> None:
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("Status"))
        self.status_combo.addItem(_("— choose a status —"), "")
        for code, label in statuses:
            self.status_combo.addItem(label, code)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setAccessibleName(_("Comment"))
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setPlaceholderText(_("What was done, what remains"))
        self.comment_edit.setMinimumHeight(70)
        self.comment_edit.setMaximumHeight(130)
        self.date_edit = date_edit(_("Date of the follow-up"))
        self.save_button = _action_button(_("&Save follow-up"), _("Save follow-up"))
        self.form_error = error_label(_("Follow-up error"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_("Status:"), self.status_combo)
        form.addRow(_("Comment:"), self.comment_edit)
        form.addRow(_("Date:"), self.date_edit)
        self.form_box = form_group(_("New follow-up"), form, self.form_error, self.save_button)

    def show_activity(self, activity: Activity | None) -> None:
        """``activity`` named above its history; without one the form cannot be used."""
        self.form_box.setEnabled(activity is not None)
        self.copy_ils_button.setEnabled(activity is not None)
        self.activity_label.setText(
            _("Select an activity in the plan.") if activity is None else activity.text
        )

    def show_period(self, period: Period) -> None:
        self.period_heading.setText(
            _("Follow-ups for {period}, newest first:").format(period=period)
        )

    def status(self) -> str:
        return str(self.status_combo.currentData() or "")

    def comment(self) -> str:
        return self.comment_edit.toPlainText()

    def noted_on(self) -> date:
        return pydate(self.date_edit.date())

    def clear(self) -> None:
        """An empty form for the next follow-up (dated today)."""
        self.comment_edit.clear()
        self.status_combo.setCurrentIndex(0)
        self.date_edit.setDate(qdate(date.today()))


class PlanView(QWidget):
    """Handlingsplan's widgets: the bar, the plan table, the follow-up panel beside it."""

    #: Another plan is chosen in the list.
    plan_changed = Signal()
    #: Another follow-up period (kind or year) is chosen.
    period_changed = Signal()
    #: Another line of the plan table is selected (or none).
    selection_changed = Signal()

    def __init__(
        self,
        plan_model: PlanTableModel,
        history_model: FollowUpModel,
        statuses: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan_model = plan_model
        bar = self._build_bar()
        self.copy_error = error_label(_("Copy error"))
        self.plan_table = WrappingTableView(plan_model, _("Activities of the plan"))
        self.plan_table.set_column_modes(
            stretch=(PlanTableModel.COL_TEXT,),
            widths={
                PlanTableModel.COL_RESPONSIBLE: 170,
                PlanTableModel.COL_TIMELINE: 75,
                PlanTableModel.COL_FOLLOWUP: 105,
                PlanTableModel.COL_STATUS: 95,
            },
        )
        plan_model.modelReset.connect(self._span_sections)
        self.followup = FollowUpPanel(history_model, statuses)

        splitter = side_by_side(self.plan_table, self.followup, stretch=(3, 2), sizes=(760, 440))
        self.splitter = splitter

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        heading_font(self.heading, 1.3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the page's layout gives the margins
        layout.addWidget(self.heading)
        layout.addLayout(bar)
        layout.addLayout(self._build_activity_bar())
        layout.addWidget(self.copy_error)
        layout.addWidget(splitter, 1)
        self._chain_tabs()

        self.plan_combo.currentIndexChanged.connect(lambda *_args: self.plan_changed.emit())
        self.period_kind.currentIndexChanged.connect(lambda *_args: self.period_changed.emit())
        self.period_year.valueChanged.connect(lambda *_args: self.period_changed.emit())
        self.plan_table.selectionModel().selectionChanged.connect(
            lambda *_args: self.selection_changed.emit()
        )

    def _build_bar(self) -> QHBoxLayout:
        self.plan_combo = QComboBox()
        self.plan_combo.setAccessibleName(_("Action plan year"))
        self.period_kind = QComboBox()
        self.period_kind.setAccessibleName(_("Follow-up period"))
        for kind, label in (
            (PeriodKind.T1, _("T1 (to 30 April)")),
            (PeriodKind.T2, _("T2 (to 31 August)")),
            (PeriodKind.VB, _("VB (full year)")),
        ):
            self.period_kind.addItem(label, kind.value)
        self.period_kind.setCurrentIndex(2)
        self.period_year = QSpinBox()
        self.period_year.setRange(2000, 2100)
        self.period_year.setValue(date.today().year)
        self.period_year.setAccessibleName(_("Follow-up year"))
        self.copy_button = _action_button(
            _("&Copy to next year…"),
            _("Copy the plan to next year"),
            _("The yearly revision: a new plan with the same sections and activities."),
        )
        self.new_plan_button = _action_button(
            _("&New plan…"), _("New action plan"), _("A plan for a year: empty or a copy.")
        )
        self.decide_button = _action_button(
            _("&Decide…"), _("Decide the plan"), _("The decision date and the diarienummer.")
        )
        bar = QHBoxLayout()
        plan_label = QLabel(_("Plan:"))
        plan_label.setBuddy(self.plan_combo)
        period_label = QLabel(_("Period:"))
        period_label.setBuddy(self.period_kind)
        bar.addWidget(plan_label)
        bar.addWidget(self.plan_combo)
        bar.addSpacing(16)
        bar.addWidget(period_label)
        bar.addWidget(self.period_kind)
        bar.addWidget(self.period_year)
        bar.addStretch(1)
        #: The buttons that act on the chosen plan, at the bar's end.
        self.plan_actions = QHBoxLayout()
        self.plan_actions.addWidget(self.new_plan_button)
        self.plan_actions.addWidget(self.copy_button)
        self.plan_actions.addWidget(self.decide_button)
        bar.addLayout(self.plan_actions)
        return bar

    def _build_activity_bar(self) -> QHBoxLayout:
        """The buttons that act on the selected line: add, edit, move, retire."""
        self.add_button = _action_button(
            _("&Add activity…"),
            _("Add an activity"),
            _("A new activity at the end of the selected section."),
        )
        self.edit_button = _action_button(
            _("&Edit activity…"), _("Edit the activity"), _("Or double-click the activity.")
        )
        self.up_button = _action_button(_("Move &up"), _("Move the activity up"))
        self.down_button = _action_button(_("Move do&wn"), _("Move the activity down"))
        self.retire_button = _action_button(
            _("&Retire…"),
            _("Retire the activity"),
            _("Utgår: the activity stays in the plan with its follow-ups."),
        )
        self.state_label = QLabel()
        self.state_label.setAccessibleName(_("State of the plan"))
        bar = QHBoxLayout()
        for button in self.activity_buttons():
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.state_label)
        return bar

    def activity_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.add_button,
            self.edit_button,
            self.up_button,
            self.down_button,
            self.retire_button,
        )

    def _chain_tabs(self) -> None:
        panel = self.followup
        chain_tabs(
            [
                self.plan_combo,
                self.period_kind,
                self.period_year,
                self.new_plan_button,
                self.copy_button,
                self.decide_button,
                *self.activity_buttons(),
                self.plan_table,
                panel.history_table,
                panel.copy_ils_button,
                panel.export_period_button,
                panel.status_combo,
                panel.comment_edit,
                panel.date_edit,
                panel.save_button,
            ]
        )

    def _span_sections(self) -> None:
        """Section headings span the whole row."""
        self.plan_table.clearSpans()
        columns = self.plan_model.columnCount()
        for row, line in enumerate(self.plan_model.rows()):
            if line.is_section:
                self.plan_table.setSpan(row, 0, 1, columns)
        self.plan_table.resizeRowsToContents()

    # -- the bar ---------------------------------------------------------------------------
    def set_plans(self, plans: Sequence[ActionPlan], index: int) -> None:
        """The plan list by year (without a ``plan_changed``), ``index`` chosen."""
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in plans:
            self.plan_combo.addItem(str(plan.year), plan.id)
        self.plan_combo.setCurrentIndex(index)
        self.plan_combo.blockSignals(False)
        self.copy_button.setEnabled(bool(plans))
        if not plans:
            self.new_plan_button.setFocus()

    def period(self) -> Period:
        return Period(
            year=self.period_year.value(), kind=PeriodKind(self.period_kind.currentData())
        )

    def set_period(self, period: Period) -> None:
        """Show ``period`` (without a ``period_changed``)."""
        self.period_kind.blockSignals(True)
        self.period_kind.setCurrentIndex(self.period_kind.findData(period.kind.value))
        self.period_kind.blockSignals(False)
        self.set_period_year(period.year)

    def set_period_year(self, year: int) -> None:
        self.period_year.blockSignals(True)
        self.period_year.setValue(year)
        self.period_year.blockSignals(False)

    # -- the table -------------------------------------------------------------------------
    def show_plan(self, title: str | None, lines: Sequence[PlanLine], state: str = "") -> None:
        self.heading.setText(
            _("No action plan in the vault yet: create one with “New plan…”.")
            if title is None
            else title
        )
        self.state_label.setText(state)
        self.plan_model.set_rows(lines)

    def enable_actions(self, *, plan: bool, decided: bool, up: bool, down: bool) -> None:
        """The editor's buttons for the plan shown and the selected line."""
        line = self.selected_line()
        activity = None if line is None else line.activity
        running = activity is not None and activity.retired_on is None
        self.decide_button.setEnabled(plan and not decided)
        self.followup.export_period_button.setEnabled(plan)
        self.add_button.setEnabled(plan)
        self.edit_button.setEnabled(activity is not None)
        self.up_button.setEnabled(up)
        self.down_button.setEnabled(down)
        self.retire_button.setEnabled(running)

    def selected_line(self) -> PlanLine | None:
        """The selected line of the plan table: an activity or a section heading."""
        rows = self.plan_table.selectionModel().selectedRows()
        return self.plan_model.row_at(rows[0].row()) if rows else None

    def select_activity(self, activity_id: int) -> None:
        row = self.plan_model.activity_row(activity_id)
        if row >= 0:
            self.plan_table.selectRow(row)
            self.plan_table.scrollTo(self.plan_model.index(row, 0))
