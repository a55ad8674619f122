"""The Routine page: start or resume a call, the case logs, the routine in use (GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _, language
from vbedesk.routine import CaseLog, RoutineDefinition
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.case_log_view import (
    CaseLogDialog,
    clock_text,
    local,
    open_case_log,
    outcome_texts,
)
from vbedesk.ui.dialogs.wizard import (
    DRAFT_KIND,
    DRAFT_REF,
    CallWizardDialog,
    call_draft,
    draft_summary,
    open_call,
    resume_call,
)
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.page import Page

CALL_SHORTCUT = "Ctrl+R"


class RoutinePage(Page):
    """Calls through the concern/incident routine and what they left: the case logs."""

    page_id = "routine"

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.discard_box: QMessageBox | None = None
        self.viewer: CaseLogDialog | None = None
        self._logs: list[CaseLog] = []
        heading = QLabel(_("Routine"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setWeight(QFont.Weight.Bold)
        heading.setFont(font)

        # -- calls ---------------------------------------------------------------------------
        calls = QGroupBox(_("Calls"))
        self.start_button = QPushButton(_("&New call ({key})").format(key=CALL_SHORTCUT))
        self.start_button.setAccessibleName(_("New call"))
        self.start_button.clicked.connect(self.start_call)
        self.resume_button = QPushButton(_("&Resume the call"))
        self.resume_button.setAccessibleName(_("Resume the call"))
        self.resume_button.clicked.connect(self.resume_call)
        self.discard_button = QPushButton(_("&Discard the unfinished call"))
        self.discard_button.setAccessibleName(_("Discard the unfinished call"))
        self.discard_button.clicked.connect(self.ask_discard)
        self.draft_label = QLabel()
        self.draft_label.setWordWrap(True)
        self.draft_label.setAccessibleName(_("Unfinished call"))
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.resume_button)
        row.addWidget(self.discard_button)
        row.addStretch(1)
        calls_layout = QVBoxLayout(calls)
        calls_layout.addLayout(row)
        calls_layout.addWidget(self.draft_label)

        # -- case logs -----------------------------------------------------------------------
        logs = QGroupBox(_("Case logs"))
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName(_("Search the case logs"))
        self.search_edit.setPlaceholderText(_("Search notes and outcome codes"))
        self.search_edit.setMaxLength(200)
        self.search_edit.textChanged.connect(self.load_logs)
        search_label = QLabel(_("&Search:"))
        search_label.setBuddy(self.search_edit)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName(_("Case logs"))
        self.table.setHorizontalHeaderLabels(
            [_("Started"), _("Duration"), _("Routine version"), _("Outcomes"), _("Incident")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.view_selected())
        self.view_button = QPushButton(_("&View case log"))
        self.view_button.setAccessibleName(_("View case log"))
        self.view_button.clicked.connect(self.view_selected)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Number of case logs"))
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.view_button)
        logs_layout = QVBoxLayout(logs)
        logs_layout.addLayout(search_row)
        logs_layout.addWidget(self.table, 1)
        logs_layout.addWidget(self.count_label)

        # -- the routine in use --------------------------------------------------------------
        routine = QGroupBox(_("The routine in use"))
        self.routine_label = QLabel()
        self.routine_label.setWordWrap(True)
        self.routine_label.setAccessibleName(_("The routine in use"))
        self.routine_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.provenance_label = QLabel()
        self.provenance_label.setWordWrap(True)
        self.provenance_label.setStyleSheet("font-style: italic;")
        self.provenance_label.setAccessibleName(_("Where the routine comes from"))
        self.versions_label = QLabel()
        self.versions_label.setWordWrap(True)
        self.versions_label.setAccessibleName(_("Versions kept in the vault"))
        revise = QLabel(_("A revised routine is loaded under Settings."))
        revise.setWordWrap(True)
        routine_layout = QVBoxLayout(routine)
        routine_layout.addWidget(self.routine_label)
        routine_layout.addWidget(self.provenance_label)
        routine_layout.addWidget(self.versions_label)
        routine_layout.addWidget(revise)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(calls)
        layout.addWidget(logs, 1)
        layout.addWidget(routine)
        self.refresh()

    def title(self) -> str:
        return _("Routine")

    def refresh(self) -> None:
        self.load_draft()
        self.load_logs()
        self.load_routine()

    def save_draft(self) -> None:
        """Before a lock: an open call window keeps its call (it also does so on close)."""
        for wizard in self.window().findChildren(CallWizardDialog):
            wizard.save_draft_now()

    # -- calls ---------------------------------------------------------------------------
    def load_draft(self) -> None:
        draft = call_draft(self.service)
        self.resume_button.setVisible(draft is not None)
        self.discard_button.setVisible(draft is not None)
        self.draft_label.setVisible(draft is not None)
        self.draft_label.setText(draft_summary(draft) if draft is not None else "")

    def start_call(self) -> object:
        result = open_call(self.service, self.window())
        if isinstance(result, CallWizardDialog):
            result.finished.connect(self._call_closed)
        return result

    def resume_call(self) -> CallWizardDialog | None:
        wizard = resume_call(self.service, self.window())
        if wizard is not None:
            wizard.finished.connect(self._call_closed)
        return wizard

    def _call_closed(self, _result: int) -> None:
        if self.isVisible() and self.service.is_open:
            self.refresh()

    def ask_discard(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Discard the unfinished call?"))
        box.setText(_("The answers and notes of the unfinished call are deleted."))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Discard"))
        box.button(QMessageBox.StandardButton.No).setText(_("Keep it"))
        box.setAccessibleName(box.windowTitle())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        delete_when_finished(box)
        box.finished.connect(self._discard_answered)
        self.discard_box = box
        box.open()
        return box

    def _discard_answered(self, result: int) -> None:
        self.discard_box = None
        if result == QMessageBox.StandardButton.Yes.value:
            self.service.drafts.discard(DRAFT_KIND, DRAFT_REF)
        self.load_draft()

    # -- case logs -----------------------------------------------------------------------
    def load_logs(self) -> None:
        self._logs = self.service.case_logs.search(self.search_edit.text())
        definitions: dict[tuple[str, str], RoutineDefinition | None] = {}
        self.table.setRowCount(len(self._logs))
        for n, log in enumerate(self._logs):
            key = (log.routine_id, log.routine_version)
            if key not in definitions:
                try:
                    definitions[key] = self.service.routines.definition(*key)
                except Exception:  # a version not kept: codes instead of labels
                    definitions[key] = None
            labels = outcome_texts(definitions[key], log.outcomes)
            values = (
                local(log.started_at).strftime("%Y-%m-%d %H:%M"),
                clock_text((log.ended_at - log.started_at).total_seconds()),
                log.routine_version,
                ", ".join(labels) or "–",
                str(log.incident_id) if log.incident_id else "–",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, log.id)
                self.table.setItem(n, column, item)
        self.table.resizeColumnsToContents()
        if self._logs:
            self.table.selectRow(0)
        self.view_button.setEnabled(bool(self._logs))
        self.count_label.setText(_("{n} case logs").format(n=len(self._logs)))

    def selected_log_id(self) -> int | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._logs):
            return None
        return self._logs[row].id

    def view_selected(self) -> CaseLogDialog | None:
        log_id = self.selected_log_id()
        if log_id is None:
            return None
        self.viewer = open_case_log(self.service, log_id, self)
        return self.viewer

    # -- the routine ---------------------------------------------------------------------
    def load_routine(self) -> None:
        try:
            definition = self.service.routines.active()
        except Exception as exc:  # the page must still open
            self.routine_label.setText(error_text(exc))
            return
        self.routine_label.setText(
            _("{title}\n{id}, version {version}").format(
                title=definition.title.get(language()),
                id=definition.id,
                version=definition.version,
            )
        )
        self.provenance_label.setText(
            _("Source: {provenance}").format(provenance=definition.provenance)
        )
        versions = self.service.routines.versions()
        self.versions_label.setText(
            _("Versions kept in the vault: {list}").format(
                list=", ".join(
                    f"{v.version} ({v.loaded_at.date().isoformat()})"
                    + (" – " + _("in use") if v.active else "")
                    for v in versions
                )
            )
        )
