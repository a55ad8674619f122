"""A call as rows (step, time, answer, note) and the read-only case log view (GUI thread).

The same rows serve the wizard's summary at the end of a call and the view of a stored
case log, so both name steps and answers with the texts of the routine version followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _, language
from vbedesk.routine import CaseLog, RecordedAnswer, RoutineDefinition, StepKind
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import delete_when_finished, error_text

#: Columns of the table of a call.
COLUMNS = ("time", "elapsed", "step", "answer", "note")


def local(value: datetime) -> datetime:
    """A stored time (naive = UTC) in the computer's time zone."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone()


def clock_text(seconds: float) -> str:
    """``mm:ss`` (``h:mm:ss`` from an hour) of a call's duration."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class CallRow:
    """One move of a call as the coordinator reads it."""

    at: datetime
    elapsed: str
    step_id: str
    step_text: str
    answer: str
    note: str


def call_rows(
    definition: RoutineDefinition | None,
    answers: Iterable[RecordedAnswer],
    started_at: datetime,
    notes: Mapping[str, str] | None = None,
) -> list[CallRow]:
    """The moves of a call in order, with the routine's texts (codes if the text is gone)."""
    lang = language()
    rows: list[CallRow] = []
    for recorded in answers:
        step = (
            definition.step(recorded.step)
            if definition is not None and definition.has_step(recorded.step)
            else None
        )
        if step is None:
            text, chosen = recorded.step, ", ".join(recorded.choices)
        else:
            text = step.text.get(lang)
            labels = []
            for choice in recorded.choices:
                answer = step.answer(choice)
                labels.append(answer.text.get(lang) if answer is not None else choice)
            chosen = ", ".join(labels)
        if not recorded.choices:
            chosen = _("Done")
        if step is not None and step.kind == StepKind.END:
            chosen = ""
        elapsed = (_aware(recorded.at) - _aware(started_at)).total_seconds()
        rows.append(
            CallRow(
                at=recorded.at,
                elapsed="+" + clock_text(elapsed),
                step_id=recorded.step,
                step_text=text,
                answer=chosen,
                note=(notes or {}).get(recorded.step, ""),
            )
        )
    return rows


def outcome_texts(definition: RoutineDefinition | None, codes: Iterable[str]) -> list[str]:
    """The outcome labels of the routine (the code when the routine does not know it)."""
    lang = language()
    return [
        definition.outcome_label(code, lang) if definition is not None else code
        for code in sorted(codes)
    ]


class CallTable(QTableWidget):
    """The moves of a call: time, time since the start, step, answer, note (read-only)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setAccessibleName(name)
        self.setHorizontalHeaderLabels(
            [_("Time"), _("Since start"), _("Step"), _("Answer"), _("Note")]
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

    def set_rows(self, rows: list[CallRow]) -> None:
        self.setRowCount(len(rows))
        for n, row in enumerate(rows):
            values = (
                local(row.at).strftime("%H:%M:%S"),
                row.elapsed,
                f"{row.step_id}  {row.step_text}",
                row.answer,
                row.note,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.setItem(n, column, item)
        self.resizeRowsToContents()

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""


class CaseLogDialog(QDialog):
    """A stored case log, read-only, with the texts of the routine version it followed."""

    def __init__(
        self, service: VaultService, case_log_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.log: CaseLog = service.case_logs.get(case_log_id)
        self.setWindowTitle(_("Case log {id}").format(id=case_log_id))
        self.setAccessibleName(self.windowTitle())
        definition: RoutineDefinition | None
        self.routine_note = QLabel()
        self.routine_note.setWordWrap(True)
        try:
            definition = service.routines.definition(self.log.routine_id, self.log.routine_version)
        except Exception as exc:  # an old version that is not kept: show the codes
            definition = None
            self.routine_note.setText(error_text(exc))
        log = self.log
        form = QFormLayout()
        self.routine_label = QLabel(
            _("{id} version {version}").format(id=log.routine_id, version=log.routine_version)
        )
        duration = (log.ended_at - log.started_at).total_seconds()
        self.time_label = QLabel(
            _("{start} – {end} ({duration})").format(
                start=local(log.started_at).strftime("%Y-%m-%d %H:%M"),
                end=local(log.ended_at).strftime("%H:%M"),
                duration=clock_text(duration),
            )
        )
        self.outcomes_label = QLabel(", ".join(outcome_texts(definition, log.outcomes)) or "–")
        self.outcomes_label.setWordWrap(True)
        self.incident_label = QLabel(
            _("Incident {id}").format(id=log.incident_id) if log.incident_id else "–"
        )
        for caption, label, name in (
            (_("Routine:"), self.routine_label, _("Routine")),
            (_("Call:"), self.time_label, _("Call")),
            (_("Outcomes:"), self.outcomes_label, _("Outcomes")),
            (_("Incident:"), self.incident_label, _("Incident")),
        ):
            label.setAccessibleName(name)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
            label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            form.addRow(caption, label)
        self.table = CallTable(_("Steps of the call"))
        self.table.set_rows(call_rows(definition, log.answers, log.started_at))
        self.notes = QPlainTextEdit(log.notes)
        self.notes.setReadOnly(True)
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)
        notes_label = QLabel(_("Notes:"))
        notes_label.setBuddy(self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        close.setAccessibleName(_("Close"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.routine_note)
        self.routine_note.setVisible(bool(self.routine_note.text()))
        layout.addWidget(self.table, 3)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 1)
        layout.addWidget(buttons)
        self.resize(960, 640)
        self.table.setFocus()


def open_case_log(service: VaultService, case_log_id: int, parent: QWidget | None) -> CaseLogDialog:
    """Show a case log read-only (window-modal, never a nested event loop)."""
    dialog = CaseLogDialog(service, case_log_id, parent)
    delete_when_finished(dialog)
    dialog.open()
    return dialog
