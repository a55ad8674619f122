"""The action-plan page: the plan by year, follow-ups per period, the yearly copy (GUI thread)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractItemModel, QDate, QItemSelection, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import InputRefused
from vbedesk.i18n import _, language
from vbedesk.model import ActionPlan, Activity, FollowUp, Period, PeriodKind
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import delete_when_finished, warning_colour
from vbedesk.ui.models.plan_models import FollowUpModel, PlanTableModel, load_plan_lines
from vbedesk.ui.page import Page, heading_font


def refused_text(exc: InputRefused) -> str:
    """The translated message of a refusal, with its parameters filled in."""
    return _(exc.message).format(**exc.params)


def error_label(name: str) -> QLabel:
    """A wrapping label for refusals, empty and hidden until there is something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {warning_colour()}; font-weight: bold;")
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class WrappingTableView(QTableView):
    """A read-only table whose long texts wrap; row heights follow the column widths."""

    def __init__(
        self, model: QAbstractItemModel, accessible_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName(accessible_name)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.setAlternatingRowColors(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionResized.connect(lambda *_: self.resizeRowsToContents())
        model.modelReset.connect(self.resizeRowsToContents)

    def set_column_modes(
        self, stretch: tuple[int, ...], widths: dict[int, int] | None = None
    ) -> None:
        """Stretch the given columns; give the others a width (or fit them to contents)."""
        header = self.horizontalHeader()
        for column in range(self.model().columnCount()):
            if column in stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            elif widths and column in widths:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, widths[column])
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resizeRowsToContents()


class PlanPage(Page):
    """Handlingsplan: sections and activities, follow-ups per period, copy to next year."""

    page_id = "plan"

    #: A follow-up was stored (its activity id), after the page has been refreshed.
    followup_saved = Signal(int)
    #: The plan was copied; the new plan's year.
    plan_copied = Signal(int)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self._plans: list[ActionPlan] = []
        self._statuses = service.taxonomies.activity_statuses
        self.confirm_box: QMessageBox | None = None

        # -- top bar: plan, period, copy --------------------------------------------------
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
        self.copy_button = QPushButton(_("Copy to next year…"))
        self.copy_button.setAccessibleName(_("Copy the plan to next year"))
        self.copy_button.setToolTip(
            _("The yearly revision: a new plan with the same sections and activities.")
        )
        top = QHBoxLayout()
        plan_label = QLabel(_("Plan:"))
        plan_label.setBuddy(self.plan_combo)
        period_label = QLabel(_("Period:"))
        period_label.setBuddy(self.period_kind)
        top.addWidget(plan_label)
        top.addWidget(self.plan_combo)
        top.addSpacing(16)
        top.addWidget(period_label)
        top.addWidget(self.period_kind)
        top.addWidget(self.period_year)
        top.addStretch(1)
        top.addWidget(self.copy_button)
        self.copy_error = error_label(_("Copy error"))

        # -- the plan table -----------------------------------------------------------------
        self.plan_model = PlanTableModel.for_service(service, self)
        self.plan_view = WrappingTableView(self.plan_model, _("Activities of the plan"))
        self.plan_view.set_column_modes(
            stretch=(PlanTableModel.COL_TEXT,),
            widths={
                PlanTableModel.COL_RESPONSIBLE: 170,
                PlanTableModel.COL_TIMELINE: 75,
                PlanTableModel.COL_FOLLOWUP: 105,
                PlanTableModel.COL_STATUS: 95,
            },
        )
        self.plan_model.modelReset.connect(self._span_sections)

        # -- the follow-up panel --------------------------------------------------------------
        self.activity_label = QLabel(_("Select an activity in the plan."))
        self.activity_label.setWordWrap(True)
        self.activity_label.setAccessibleName(_("Selected activity"))
        self.history_model = FollowUpModel((), self._status_label, self)
        self.history_view = WrappingTableView(self.history_model, _("Follow-up history"))
        self.history_view.set_column_modes(
            stretch=(FollowUpModel.COL_COMMENT,),
            widths={FollowUpModel.COL_DATE: 90, FollowUpModel.COL_PERIOD: 70},
        )
        self.history_view.setMinimumHeight(120)

        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("Status"))
        self.status_combo.addItem(_("— choose a status —"), "")
        for code in self._statuses.codes():
            self.status_combo.addItem(self._status_label(code), code)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setAccessibleName(_("Comment"))
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setPlaceholderText(_("What was done, what remains"))
        self.comment_edit.setMinimumHeight(70)
        self.comment_edit.setMaximumHeight(130)
        self.date_edit = QDateEdit(qdate(date.today()))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setAccessibleName(_("Date of the follow-up"))
        self.save_button = QPushButton(_("Save follow-up"))
        self.save_button.setAccessibleName(_("Save follow-up"))
        self.form_error = error_label(_("Follow-up error"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_("Status:"), self.status_combo)
        form.addRow(_("Comment:"), self.comment_edit)
        form.addRow(_("Date:"), self.date_edit)
        self.form_box = QGroupBox(_("New follow-up"))
        form_layout = QVBoxLayout(self.form_box)
        form_layout.addLayout(form)
        form_layout.addWidget(self.form_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form_layout.addLayout(buttons)

        self.period_heading = QLabel()
        self.period_heading.setWordWrap(True)
        panel = QWidget()
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_("Follow-up"))
        heading_font(heading, 1.2)
        panel_layout.addWidget(heading)
        panel_layout.addWidget(self.activity_label)
        panel_layout.addWidget(self.period_heading)
        panel_layout.addWidget(self.history_view, 1)
        panel_layout.addWidget(self.form_box)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.plan_view)
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 440])

        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        heading_font(self.heading, 1.3)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.copy_error)
        layout.addWidget(splitter, 1)

        self.setTabOrder(self.plan_combo, self.period_kind)
        self.setTabOrder(self.period_kind, self.period_year)
        self.setTabOrder(self.period_year, self.copy_button)
        self.setTabOrder(self.copy_button, self.plan_view)
        self.setTabOrder(self.plan_view, self.history_view)
        self.setTabOrder(self.history_view, self.status_combo)
        self.setTabOrder(self.status_combo, self.comment_edit)
        self.setTabOrder(self.comment_edit, self.date_edit)
        self.setTabOrder(self.date_edit, self.save_button)

        self.plan_combo.currentIndexChanged.connect(self._plan_changed)
        self.period_kind.currentIndexChanged.connect(self._period_changed)
        self.period_year.valueChanged.connect(self._period_changed)
        self.plan_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.save_button.clicked.connect(self.save_followup)
        self.copy_button.clicked.connect(self.ask_copy_to_next_year)
        self.refresh()

    # -- Page ---------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Action plan")

    def refresh(self) -> None:
        current = self.current_plan()
        self._plans = self.service.plans.all()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in self._plans:
            self.plan_combo.addItem(str(plan.year), plan.id)
        index = 0
        if current is not None:
            index = max(0, self.plan_combo.findData(current.id))
        elif self._plans:
            # The newest plan whose year has begun, else the first.
            this_year = date.today().year
            started = [i for i, p in enumerate(self._plans) if p.year <= this_year]
            index = started[-1] if started else 0
        self.plan_combo.setCurrentIndex(index)
        self.plan_combo.blockSignals(False)
        self.copy_button.setEnabled(bool(self._plans))
        if current is None and self._plans:
            self._set_period_year(self._plans[index].year)
        self._reload_plan()

    # -- state ---------------------------------------------------------------------------------
    def current_plan(self) -> ActionPlan | None:
        index = self.plan_combo.currentIndex()
        return self._plans[index] if 0 <= index < len(self._plans) else None

    def period(self) -> Period:
        kind = PeriodKind(self.period_kind.currentData())
        return Period(year=self.period_year.value(), kind=kind)

    def set_period(self, period: Period) -> None:
        self.period_kind.blockSignals(True)
        self.period_kind.setCurrentIndex(self.period_kind.findData(period.kind.value))
        self.period_kind.blockSignals(False)
        self._set_period_year(period.year)
        self._period_changed()

    def select_plan(self, year: int) -> None:
        for number, plan in enumerate(self._plans):
            if plan.year == year:
                self.plan_combo.setCurrentIndex(number)

    def selected_activity(self) -> Activity | None:
        rows = self.plan_view.selectionModel().selectedRows()
        if not rows:
            return None
        line = self.plan_model.row_at(rows[0].row())
        return None if line is None else line.activity

    def select_activity(self, activity_id: int) -> None:
        row = self.plan_model.activity_row(activity_id)
        if row >= 0:
            self.plan_view.selectRow(row)
            self.plan_view.scrollTo(self.plan_model.index(row, 0))

    def _status_label(self, code: str) -> str:
        return self._statuses.label(code, language())

    def _set_period_year(self, year: int) -> None:
        self.period_year.blockSignals(True)
        self.period_year.setValue(year)
        self.period_year.blockSignals(False)

    # -- loading -------------------------------------------------------------------------------
    def _plan_changed(self) -> None:
        plan = self.current_plan()
        if plan is not None:
            self._set_period_year(plan.year)
        show_error(self.copy_error, "")
        self._reload_plan()

    def _period_changed(self) -> None:
        self._reload_plan()

    def _reload_plan(self) -> None:
        selected = self.selected_activity()
        plan = self.current_plan()
        if plan is None:
            self.heading.setText(_("No action plan in the vault yet."))
            self.plan_model.set_rows(())
        else:
            self.heading.setText(plan.title)
            self.plan_model.set_rows(load_plan_lines(self.service, plan.id or 0, self.period()))
        self.period_heading.setText(
            _("Follow-ups for {period}, newest first:").format(period=self.period())
        )
        if selected is not None and selected.id is not None:
            self.select_activity(selected.id)
        self._show_activity()

    def _span_sections(self) -> None:
        self.plan_view.clearSpans()
        columns = self.plan_model.columnCount()
        for row, line in enumerate(self.plan_model.rows()):
            if line.is_section:
                self.plan_view.setSpan(row, 0, 1, columns)
        self.plan_view.resizeRowsToContents()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_activity()

    def _show_activity(self) -> None:
        activity = self.selected_activity()
        self.form_box.setEnabled(activity is not None)
        if activity is None:
            self.activity_label.setText(_("Select an activity in the plan."))
            self.history_model.set_rows(())
            return
        self.activity_label.setText(activity.text)
        self.history_model.set_rows(self.service.plans.followups(activity.id or 0, self.period()))

    # -- follow-up -----------------------------------------------------------------------------
    def save_followup(self) -> bool:
        """Store the form as a follow-up of the selected activity; refusals are shown."""
        activity = self.selected_activity()
        if activity is None or activity.id is None:
            show_error(self.form_error, _("Select an activity in the plan first."))
            return False
        status = str(self.status_combo.currentData() or "")
        if not status:
            show_error(self.form_error, _("Choose a status for the follow-up."))
            self.status_combo.setFocus()
            return False
        followup = FollowUp(
            activity_id=activity.id,
            period=self.period(),
            status=status,
            comment=self.comment_edit.toPlainText().strip(),
            noted_on=pydate(self.date_edit.date()),
        )
        try:
            self.service.plans.add_followup(followup)
        except InputRefused as exc:
            show_error(self.form_error, refused_text(exc))
            return False
        show_error(self.form_error, "")
        self.comment_edit.clear()
        self.status_combo.setCurrentIndex(0)
        self.date_edit.setDate(qdate(date.today()))
        self._reload_plan()
        self.followup_saved.emit(activity.id)
        return True

    # -- copy to next year ---------------------------------------------------------------------
    def ask_copy_to_next_year(self) -> None:
        """Open a (window-modal) confirmation; the copy happens when it is accepted."""
        plan = self.current_plan()
        if plan is None:
            return
        target = plan.year + 1
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
            copy = self.service.plans.copy_to_year(plan.id or 0, year)
        except InputRefused as exc:
            show_error(self.copy_error, refused_text(exc))
            return False
        show_error(self.copy_error, "")
        self.refresh()
        self.select_plan(copy.year)
        self.plan_copied.emit(copy.year)
        return True
