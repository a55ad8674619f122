"""The concern/incident routine as a stepper during a phone call (GUI thread).

A thin window over ``vbedesk.routine.RoutineSession``: the engine decides the next step,
``CallPresenter`` (``wizard_presenter``) holds what the call does with it, and
``CallWizardView`` (``wizard_view``) renders the current step (large text, the step's
contacts with their numbers and its legal references beside it). This dialog connects
them, owns the timers and the keyboard. Answers by mouse or number keys; Enter
continues; Alt+Left goes back. Every answer, every pause in the notes and every close (a
lock too) keeps the call as an encrypted draft, offered as "Resume the call" on the
Routine page, on Översikt and by Ctrl+R. At the end a summary; the case log is stored
together with a new anonymised incident that the incident form, pre-filled from the
answers, completes; the form's unsaved input is kept in the call's draft too, so a lock
while it is open loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import InputRefused
from vbedesk.i18n import _, language
from vbedesk.routine import CaseLog, RoutineSession, Step
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.wizard_presenter import (
    DRAFT_KIND,
    DRAFT_REF,
    FORM_KEY,
    CallPresenter,
    Clock,
    Move,
    call_draft,
    draft_summary,
    utc_now,
)
from vbedesk.ui.dialogs.wizard_view import CallWizardView
from vbedesk.ui.messages import ask_save_anyway, delete_when_finished, error_text, show_error

if TYPE_CHECKING:
    from vbedesk.ui.dialogs.incident_form import IncidentFormDialog

__all__ = [
    "DRAFT_KIND",
    "DRAFT_REF",
    "FORM_KEY",
    "CallWizardDialog",
    "Clock",
    "call_draft",
    "draft_summary",
    "open_call",
    "open_wizard",
    "resume_call",
    "start_call",
    "utc_now",
]

#: Milliseconds after the last keystroke in the notes before the draft is written.
NOTES_DRAFT_DELAY_MS = 1500
BACK_KEY = "Alt+Left"


class CallWizardDialog(QDialog):
    """One call through the routine in use (or, resumed, the version the call followed)."""

    #: A finished call was stored: (case log id, incident id or 0).
    call_saved = Signal(int, int)

    def __init__(
        self,
        service: VaultService,
        parent: QWidget | None = None,
        *,
        draft: Mapping[str, Any] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.presenter = CallPresenter(service, draft=draft, clock=clock)
        self.incident_form: IncidentFormDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._rendering = False
        title = self.presenter.definition.title.get(language())
        self.setWindowTitle(_("Call – {title}").format(title=title))
        self.setAccessibleName(_("Call according to the routine"))
        self.setModal(False)
        self.view = CallWizardView(self.presenter.definition)
        QVBoxLayout(self).addWidget(self.view)
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_DRAFT_DELAY_MS)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._connect()
        self._tick.start()
        self.resize(1180, 780)
        self.show_current()

    def _connect(self) -> None:
        view = self.view
        self._notes_timer.timeout.connect(self.save_draft_now)
        self._tick.timeout.connect(self.update_timer)
        view.notes.edit.textChanged.connect(self._notes_changed)
        view.answered.connect(self.choose)
        view.ticked.connect(self._ticked)
        view.back_button.clicked.connect(self.go_back)
        # A shortcut, not keyPressEvent: a focused button would take the arrow key itself.
        self.back_action = QAction(_("Back"), self)
        self.back_action.setShortcut(QKeySequence(BACK_KEY))
        self.back_action.triggered.connect(self.go_back)
        self.addAction(self.back_action)
        view.continue_button.clicked.connect(self.go_on)
        view.save_button.clicked.connect(self.complete_incident)
        view.save_log_button.clicked.connect(lambda: self.save_case_log_only())
        view.save_anyway_button.clicked.connect(self.ask_save_anyway)
        view.close_button.clicked.connect(self.reject)

    # -- state ---------------------------------------------------------------------------
    @property
    def session(self) -> RoutineSession:
        return self.presenter.session

    @property
    def current(self) -> Step:
        return self.presenter.current

    @property
    def form_values(self) -> dict[str, Any] | None:
        return self.presenter.form_values

    def contact_text(self) -> str:
        return self.presenter.contact_text()

    def checked_answers(self) -> list[str]:
        return self.view.checked_answers()

    def prefill(self) -> dict[str, Any]:
        return self.presenter.prefill()

    def save_draft_now(self) -> None:
        """Keep the call as an encrypted draft (after every answer, and on close or lock)."""
        self._notes_timer.stop()
        self._show_refusal(self.presenter.save_draft())

    def _notes_changed(self) -> None:
        if not self._rendering:
            self.presenter.keep_notes(self.view.notes.text())
            self._notes_timer.start()

    # -- rendering -----------------------------------------------------------------------
    def update_timer(self) -> None:
        self.view.set_timer(self.presenter.timer_text())

    def show_current(self) -> None:
        """Show the engine's current step (or the summary at the end)."""
        presenter = self.presenter
        self._rendering = True
        try:
            self.update_timer()
            self.show_message("")
            self.view.back_button.setEnabled(presenter.can_go_back)
            if presenter.finished:
                self.view.show_summary(
                    presenter.end_text(), presenter.outcome_texts(), presenter.summary_rows()
                )
            else:
                self.view.show_step(
                    presenter.current,
                    answered=presenter.answered(),
                    notes=presenter.current_notes(),
                    contacts=presenter.step_contacts(),
                    contact_text=presenter.contact_text(),
                    references=presenter.step_references(),
                )
        finally:
            self._rendering = False

    def show_message(self, text: str) -> None:
        self.view.show_message(text, at_the_end=self.presenter.finished)

    def _show_refusal(self, text: str) -> None:
        if text:
            self.show_message(text)

    # -- moving --------------------------------------------------------------------------
    def _ticked(self, answer_id: str) -> None:
        self.view.untick(self.presenter.unticked_by(answer_id))

    def choose(self, choice: str | list[str] | None) -> bool:
        """Answer the current step and show the next; refusals are shown, nothing moves."""
        return self._moved(self.presenter.answer(choice))

    def go_on(self) -> bool:
        """Continue: an action or information step is done; a multi-choice is answered."""
        return self._moved(self.presenter.go_on(self.view.checked_answers()))

    def go_back(self) -> bool:
        """Back one step; the notes of every step are kept."""
        return self._moved(self.presenter.go_back())

    def _moved(self, move: Move) -> bool:
        if not move.moved:
            self._show_refusal(move.refusal)
            return False
        self.show_current()
        self.save_draft_now()
        return True

    # -- keyboard ------------------------------------------------------------------------
    def press_number(self, n: int) -> bool:
        """The number key ``n`` (1-based): answer a question, tick a multi-choice answer."""
        buttons = self.view.answer_buttons
        if not 1 <= n <= len(buttons) or self.presenter.finished:
            return False
        button = buttons[n - 1]
        if isinstance(button, QCheckBox):
            button.setChecked(not button.isChecked())
            button.setFocus()
            return True
        button.click()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.NoModifier:
            digit = Qt.Key.Key_1.value <= key <= Qt.Key.Key_9.value
            if digit and self.press_number(key - Qt.Key.Key_0.value):
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                focus = self.focusWidget()
                if isinstance(focus, QPushButton) and focus.isVisible() and focus.isEnabled():
                    focus.click()  # the focused answer or button
                elif not self.presenter.finished:
                    self.go_on()
                return
        super().keyPressEvent(event)

    # -- saving --------------------------------------------------------------------------
    def complete_incident(self) -> IncidentFormDialog | None:
        """Open the incident form pre-filled; saving it stores the incident and the case log."""
        from vbedesk.ui.dialogs.incident_form import IncidentFormDialog

        if self.incident_form is not None and self.incident_form.isVisible():
            self.incident_form.raise_()
            return self.incident_form
        try:
            log = self.presenter.case_log()
        except InputRefused as exc:
            self.show_message(error_text(exc))
            return None
        form = IncidentFormDialog(
            self.service, None, self, draft=self.presenter.form_input(), case_log=log
        )
        delete_when_finished(form)
        form.case_log_saved.connect(self._stored_with_incident)
        form.draft_kept.connect(self._keep_form)
        form.draft_dropped.connect(lambda: self._keep_form(None))
        self.incident_form = form
        form.open()
        return form

    def _keep_form(self, values: dict[str, Any] | None) -> None:
        """The form's unsaved input (a pause, a close or a lock; None: cancelled)."""
        self._notes_timer.stop()
        self._show_refusal(self.presenter.keep_form(values))

    def save_case_log_only(self, *, accept_findings: bool = False) -> bool:
        """Store the case log without an incident (e.g. a call that only gave advice)."""
        stored = self.presenter.save_case_log(accept_findings=accept_findings)
        if stored.log is None:
            self.show_message(stored.refusal)
            if stored.findings:
                self.view.save_anyway_button.setVisible(True)
            return False
        self._finish(stored.log)
        return True

    def ask_save_anyway(self) -> None:
        self.confirm_box = ask_save_anyway(
            self,
            _(
                "The notes look like they contain personal identifiers. Save only if you are "
                "sure that nobody can be identified."
            ),
            self._save_anyway_answered,
            no_text=_("Go back and edit"),
        )

    def _save_anyway_answered(self, yes: bool) -> None:
        self.confirm_box = None
        if yes:
            self.save_case_log_only(accept_findings=True)

    def _stored_with_incident(self, log: CaseLog) -> None:
        self.presenter.stored(log)
        self._finish(log)

    def _finish(self, log: CaseLog) -> None:
        self._tick.stop()
        assert log.id is not None
        self.call_saved.emit(log.id, log.incident_id or 0)
        self.accept()

    def reject(self) -> None:
        # The close button, Escape, the window's close box or a lock: the call is kept.
        self._tick.stop()
        self.save_draft_now()
        super().reject()


# -- opening -----------------------------------------------------------------------------
def open_wizard(parent: QWidget | None) -> CallWizardDialog | None:
    """The call window already open under ``parent`` (its main window), if any."""
    if parent is None:
        return None
    for child in parent.findChildren(CallWizardDialog):
        if child.isVisible():
            return child
    return None


def _show(wizard: CallWizardDialog) -> CallWizardDialog:
    delete_when_finished(wizard)
    wizard.show()
    wizard.raise_()
    wizard.activateWindow()
    return wizard


def start_call(
    service: VaultService, parent: QWidget | None, *, clock: Clock = utc_now
) -> CallWizardDialog | None:
    """A new call (forgets a half-done one: callers ask first)."""
    service.drafts.discard(DRAFT_KIND, DRAFT_REF)
    try:
        wizard = CallWizardDialog(service, parent, clock=clock)
    except InputRefused as exc:
        show_error(parent, exc)
        return None
    wizard.save_draft_now()
    return _show(wizard)


def resume_call(
    service: VaultService, parent: QWidget | None, *, clock: Clock = utc_now
) -> CallWizardDialog | None:
    """The half-done call, at the same step with the same answers and notes."""
    existing = open_wizard(parent)
    if existing is not None:
        existing.raise_()
        existing.activateWindow()
        return existing
    draft = call_draft(service)
    if draft is None:
        return None
    try:
        wizard = CallWizardDialog(service, parent, draft=draft.payload, clock=clock)
    except InputRefused as exc:
        show_error(parent, exc)
        return None
    _show(wizard)
    if wizard.form_values is not None:  # the call ended in its form: open it again
        wizard.complete_incident()
    return wizard


def open_call(
    service: VaultService, parent: QWidget | None, *, clock: Clock = utc_now
) -> CallWizardDialog | QMessageBox | None:
    """Ctrl+R: the open call window; else offer a half-done call; else a new call."""
    existing = open_wizard(parent)
    if existing is not None:
        existing.raise_()
        existing.activateWindow()
        return existing
    draft = call_draft(service)
    if draft is None:
        return start_call(service, parent, clock=clock)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Call according to the routine"))
    box.setText(draft_summary(draft))
    resume = box.addButton(_("&Resume the call"), QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton(_("Start a &new call"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(resume)
    box.setInformativeText(_("A new call discards the unfinished one."))
    box.setAccessibleName(box.windowTitle())
    box.setAccessibleDescription(box.text())
    delete_when_finished(box)

    def answered(button: QAbstractButton) -> None:
        if button is resume:
            resume_call(service, parent, clock=clock)
        elif button is new:
            start_call(service, parent, clock=clock)

    box.buttonClicked.connect(answered)
    box.open()
    return box
