"""The concern/incident routine as a stepper during a phone call (GUI thread).

A thin view over ``vbedesk.routine.RoutineSession``: the engine decides the next step,
this window only renders the current one (large text, the step's contacts with their
numbers and its legal references beside it) and passes the answer on. Answers by mouse
or number keys; Enter continues; Alt+Left goes back. Every answer, every pause in the
notes and every close (a lock too) keeps the call as an encrypted draft, offered as
"Resume the call" on the Routine page, on Översikt and by Ctrl+R. At the end a summary;
the case log is stored together with a new anonymised incident that the incident form,
pre-filled from the answers, completes; the form's unsaved input is kept in the call's
draft too, so a lock while it is open loses nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import InputRefused
from vbedesk.i18n import _, language
from vbedesk.model import Contact, LegalReference
from vbedesk.routine import (
    CaseLog,
    RoutineDefinition,
    RoutineSession,
    Step,
    StepKind,
)
from vbedesk.storage.service import Draft, IdentifiersFound, VaultService
from vbedesk.ui.dialogs.case_log_view import (
    CallTable,
    call_rows,
    clock_text,
    local,
    outcome_texts,
)
from vbedesk.ui.messages import (
    ask_save_anyway,
    delete_when_finished,
    error_text,
    secondary_colour,
    show_error,
    warning_colour,
)
from vbedesk.ui.widgets.guarded_text import GuardedTextField

DRAFT_KIND = "call"
DRAFT_REF = "current"
#: The key in the call's draft for the unsaved input of its incident form.
FORM_KEY = "incident_form"
#: Milliseconds after the last keystroke in the notes before the draft is written.
NOTES_DRAFT_DELAY_MS = 1500
MAX_NUMBER_KEYS = 9
BACK_KEY = "Alt+Left"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def call_draft(service: VaultService) -> Draft | None:
    """The half-done call kept as a draft, if there is one."""
    drafts = service.drafts.all(DRAFT_KIND)
    return drafts[-1] if drafts else None


def draft_summary(draft: Draft) -> str:
    """ "Started 2026-11-28 09:12, at step N4" for the offers to resume."""
    payload = draft.payload
    started = payload.get("started_at")
    try:
        when = local(datetime.fromisoformat(str(started))).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        when = "?"
    step = str(payload.get("current_step") or "?")[:20]
    return _("A call started {when} was not finished (at step {step}).").format(
        when=when, step=step
    )


def _big(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    widget.setFont(font)


def _contact_html(contact: Contact | None, code: str) -> str:
    if contact is None:
        return f"<p><b>{html.escape(code)}</b><br>{html.escape(_('not in the contacts'))}</p>"
    phone = contact.phone.strip()
    number = (
        f"<span style='font-size:x-large'>{html.escape(phone)}</span>"
        if phone
        else "<i style='color:{}'>{}</i>".format(
            warning_colour(), html.escape(_("number missing – add it under Contacts"))
        )
    )
    parts = [f"<b>{html.escape(contact.name)}</b>", number]
    if contact.hours:
        parts.append(html.escape(contact.hours))
    if contact.verified_on is None:
        parts.append(f"<i>{html.escape(_('not verified'))}</i>")
    return "<p>" + "<br>".join(parts) + "</p>"


def _reference_html(ref: LegalReference | None, code: str) -> str:
    if ref is None:
        return f"<p>{html.escape(code)}</p>"
    parts = [f"<b>{html.escape(ref.citation)}</b>", html.escape(ref.title)]
    if not ref.verified:
        parts.append(f"<i>{html.escape(_('not verified'))}</i>")
    return "<p>" + "<br>".join(parts) + "</p>"


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
        self.clock = clock
        self.incident_form: QDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.step_notes: dict[str, str] = {}
        #: The unsaved input of the call's incident form (kept in the call's draft).
        self.form_values: dict[str, Any] | None = None
        self._rendering = False
        self.saved_log: CaseLog | None = None
        if draft is not None:
            definition = service.routines.definition(
                str(draft.get("routine_id", ""))[:64], str(draft.get("routine_version", ""))[:40]
            )
            self.session = RoutineSession.from_dict(draft, definition)
            raw_notes = draft.get("step_notes")
            if isinstance(raw_notes, dict):
                self.step_notes = {str(k): str(v) for k, v in raw_notes.items()}
            raw_form = draft.get(FORM_KEY)
            if isinstance(raw_form, dict) and self.session.finished:
                self.form_values = dict(raw_form)
        else:
            definition = service.routines.active()
            self.session = RoutineSession.start(definition, clock())
        self.definition: RoutineDefinition = definition
        self.contacts = {c.code: c for c in service.contacts.all()}
        self.references = {r.code: r for r in service.legal.all()}
        lang = language()

        self.setWindowTitle(_("Call – {title}").format(title=definition.title.get(lang)))
        self.setAccessibleName(_("Call according to the routine"))
        self.setModal(False)

        # -- header: routine, provenance, timer --------------------------------------------
        self.title_label = QLabel(definition.title.get(lang))
        self.title_label.setWordWrap(True)
        _big(self.title_label, 1.15, bold=True)
        self.provenance_label = QLabel(
            _("Version {version}. Source: {provenance}").format(
                version=definition.version, provenance=definition.provenance
            )
        )
        self.provenance_label.setWordWrap(True)
        self.provenance_label.setStyleSheet(f"font-style: italic; color: {secondary_colour()};")
        self.provenance_label.setAccessibleName(_("Where the routine comes from"))
        self.timer_label = QLabel()
        self.timer_label.setAccessibleName(_("Call time"))
        _big(self.timer_label, 1.3, bold=True)
        self.position_label = QLabel()
        self.position_label.setAccessibleName(_("Step"))
        header_right = QVBoxLayout()
        header_right.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignRight)
        header_right.addWidget(self.position_label, 0, Qt.AlignmentFlag.AlignRight)
        header_left = QVBoxLayout()
        header_left.addWidget(self.title_label)
        header_left.addWidget(self.provenance_label)
        header = QHBoxLayout()
        header.addLayout(header_left, 1)
        header.addLayout(header_right)

        # -- the step ----------------------------------------------------------------------
        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        self.step_label.setTextFormat(Qt.TextFormat.PlainText)
        self.step_label.setAccessibleName(_("What to do now"))
        self.step_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _big(self.step_label, 1.7, bold=True)
        self.help_label = QLabel()
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.TextFormat.PlainText)
        self.help_label.setAccessibleName(_("Help"))
        _big(self.help_label, 1.15)
        self.answers_box = QVBoxLayout()
        self.answers_box.setSpacing(8)
        self.answer_buttons: list[QAbstractButton] = []
        self.keys_label = QLabel()
        self.keys_label.setWordWrap(True)
        self.keys_label.setStyleSheet(f"color: {secondary_colour()};")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(_("Message"))
        self.message.setStyleSheet(f"color: {warning_colour()}; font-weight: bold;")
        self.message.setVisible(False)

        self.notes = GuardedTextField(
            _("Notes on this step"), _("No names, identity numbers, addresses or school/class.")
        )
        self.notes.edit.setMaximumHeight(110)
        notes_label = QLabel(_("&Notes on this step:"))
        notes_label.setBuddy(self.notes.edit)
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_DRAFT_DELAY_MS)
        self._notes_timer.timeout.connect(self.save_draft_now)
        self.notes.edit.textChanged.connect(self._notes_changed)

        main = QVBoxLayout()
        main.addWidget(self.step_label)
        main.addWidget(self.help_label)
        main.addSpacing(8)
        main.addLayout(self.answers_box)
        main.addWidget(self.keys_label)
        main.addWidget(self.message)
        main.addStretch(1)
        main.addWidget(notes_label)
        main.addWidget(self.notes)

        # -- beside it: contacts and references --------------------------------------------
        self.contacts_box = QGroupBox(_("Contacts"))
        self.contacts_label = QLabel()
        self.contacts_label.setWordWrap(True)
        self.contacts_label.setTextFormat(Qt.TextFormat.RichText)
        self.contacts_label.setAccessibleName(_("Contacts of this step"))
        self.contacts_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        _big(self.contacts_label, 1.15)
        QVBoxLayout(self.contacts_box).addWidget(self.contacts_label)
        self.references_box = QGroupBox(_("Legal references"))
        self.references_label = QLabel()
        self.references_label.setWordWrap(True)
        self.references_label.setTextFormat(Qt.TextFormat.RichText)
        self.references_label.setAccessibleName(_("Legal references of this step"))
        QVBoxLayout(self.references_box).addWidget(self.references_label)
        side = QVBoxLayout()
        side.addWidget(self.contacts_box)
        side.addWidget(self.references_box)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMinimumWidth(320)
        side_widget.setMaximumWidth(420)

        step_view = QWidget()
        step_layout = QHBoxLayout(step_view)
        step_layout.setContentsMargins(0, 0, 0, 0)
        step_layout.addLayout(main, 1)
        step_layout.addSpacing(12)
        step_layout.addWidget(side_widget)

        # -- the summary -------------------------------------------------------------------
        self.end_label = QLabel()
        self.end_label.setWordWrap(True)
        self.end_label.setTextFormat(Qt.TextFormat.PlainText)
        self.end_label.setAccessibleName(_("End of the routine"))
        _big(self.end_label, 1.3, bold=True)
        self.outcomes_label = QLabel()
        self.outcomes_label.setWordWrap(True)
        self.outcomes_label.setAccessibleName(_("Outcomes"))
        _big(self.outcomes_label, 1.15)
        self.summary_table = CallTable(_("Steps of the call"))
        self.summary_message = QLabel()
        self.summary_message.setWordWrap(True)
        self.summary_message.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_message.setAccessibleName(_("Message"))
        self.summary_message.setStyleSheet(f"color: {warning_colour()}; font-weight: bold;")
        self.summary_message.setVisible(False)
        summary_view = QWidget()
        summary = QVBoxLayout(summary_view)
        summary.setContentsMargins(0, 0, 0, 0)
        summary_heading = QLabel(_("Summary of the call"))
        _big(summary_heading, 1.3, bold=True)
        summary.addWidget(summary_heading)
        summary.addWidget(self.end_label)
        summary.addWidget(self.outcomes_label)
        summary.addWidget(self.summary_table, 1)
        summary.addWidget(self.summary_message)

        self.views = QStackedWidget()
        self.views.addWidget(step_view)
        self.views.addWidget(summary_view)
        self.step_view = step_view
        self.summary_view = summary_view

        # -- buttons -----------------------------------------------------------------------
        self.back_button = QPushButton(_("&Back"))
        self.back_button.setAccessibleName(_("Back"))
        self.back_button.setToolTip(_("Back one step (Alt+Left); notes are kept."))
        self.back_button.clicked.connect(self.go_back)
        # A shortcut, not keyPressEvent: a focused button would take the arrow key itself.
        self.back_action = QAction(_("Back"), self)
        self.back_action.setShortcut(QKeySequence(BACK_KEY))
        self.back_action.triggered.connect(self.go_back)
        self.addAction(self.back_action)
        self.continue_button = QPushButton(_("&Continue"))
        self.continue_button.setAccessibleName(_("Continue"))
        self.continue_button.setToolTip(_("Continue (Enter)"))
        self.continue_button.clicked.connect(self.go_on)
        _big(self.continue_button, 1.2, bold=True)
        self.save_button = QPushButton(_("&Save and complete the incident…"))
        self.save_button.setAccessibleName(_("Save and complete the incident"))
        self.save_button.setToolTip(
            _(
                "Opens the incident form, pre-filled from the answers; saving it stores the "
                "case log too."
            )
        )
        self.save_button.clicked.connect(self.complete_incident)
        self.save_log_button = QPushButton(_("Save the case log &only"))
        self.save_log_button.setAccessibleName(_("Save the case log only"))
        self.save_log_button.clicked.connect(lambda: self.save_case_log_only())
        self.save_anyway_button = QPushButton(_("Save anyway"))
        self.save_anyway_button.setAccessibleName(_("Save anyway"))
        self.save_anyway_button.setVisible(False)
        self.save_anyway_button.clicked.connect(self.ask_save_anyway)
        self.close_button = QPushButton(_("Close (the call is kept)"))
        self.close_button.setAccessibleName(_("Close, the call is kept as a draft"))
        self.close_button.clicked.connect(self.reject)
        for button in (
            self.back_button,
            self.continue_button,
            self.save_button,
            self.save_log_button,
            self.save_anyway_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_anyway_button)
        buttons.addWidget(self.save_log_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.continue_button)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.views, 1)
        layout.addLayout(buttons)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.update_timer)
        self._tick.start()
        self.resize(1180, 780)
        self.show_current()

    # -- state ---------------------------------------------------------------------------
    @property
    def current(self) -> Step:
        return self.session.current

    def payload(self) -> dict[str, Any]:
        """The draft: the engine's snapshot, the notes per step, where the call stands."""
        self._store_notes()
        data = self.session.to_dict()
        data["step_notes"] = {k: v for k, v in self.step_notes.items() if v.strip()}
        data["current_step"] = self.session.current.id
        if self.form_values is not None:
            data[FORM_KEY] = self.form_values
        return data

    def save_draft_now(self) -> None:
        """Keep the call as an encrypted draft (after every answer, and on close or lock)."""
        self._notes_timer.stop()
        if self.saved_log is not None or not self.service.is_open:
            return
        try:
            self.service.drafts.save(DRAFT_KIND, DRAFT_REF, self.payload())
        except InputRefused as exc:
            self.show_message(error_text(exc))

    def _store_notes(self) -> None:
        if self._rendering or self.session.finished:
            return
        self.step_notes[self.session.current.id] = self.notes.text()

    def _notes_changed(self) -> None:
        if not self._rendering:
            self._notes_timer.start()

    def combined_notes(self) -> str:
        """The notes of the steps, in the order of the call (off-path notes after)."""
        order = [a.step for a in self.session.recorded]
        keyed = sorted(
            ((k, v.strip()) for k, v in self.step_notes.items() if v.strip()),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
        )
        lines = []
        for step_id, text in keyed:
            if step_id in order:
                lines.append(f"{step_id}: {text}")
            else:
                lines.append(
                    _("{step} (not on the final path): {text}").format(step=step_id, text=text)
                )
        return "\n".join(lines)

    # -- rendering -----------------------------------------------------------------------
    def update_timer(self) -> None:
        started = self.session.started_at
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        seconds = (self.clock() - started).total_seconds()
        self.timer_label.setText(_("Call time {time}").format(time=clock_text(seconds)))

    def show_current(self) -> None:
        """Show the engine's current step (or the summary at the end)."""
        self._rendering = True
        try:
            self.update_timer()
            self.show_message("")
            self.back_button.setEnabled(self.session.can_go_back)
            if self.session.finished:
                self._render_summary()
            else:
                self._render_step()
        finally:
            self._rendering = False

    def _clear_answers(self) -> None:
        for button in self.answer_buttons:
            self.answers_box.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.answer_buttons = []

    def _render_step(self) -> None:
        lang = language()
        step = self.session.current
        self.views.setCurrentWidget(self.step_view)
        done = len(self.session.recorded)
        self.position_label.setText(_("Step {step} · {n} answered").format(step=step.id, n=done))
        self.step_label.setText(step.text.get(lang))
        self.help_label.setText(step.help.get(lang))
        self.help_label.setVisible(bool(step.help.get(lang)))
        self._clear_answers()
        if step.kind == StepKind.QUESTION:
            for n, answer in enumerate(step.answers, start=1):
                button = QPushButton(
                    f"{n}   {answer.text.get(lang)}"
                    if n <= MAX_NUMBER_KEYS
                    else answer.text.get(lang)
                )
                button.setAccessibleName(answer.text.get(lang))
                button.setAccessibleDescription(_("Key {n}").format(n=n))
                button.setAutoDefault(False)
                button.setMinimumHeight(46)
                button.setStyleSheet("text-align: left; padding-left: 14px;")
                _big(button, 1.35)
                button.clicked.connect(lambda _c=False, a=answer.id: self.choose(a))
                self.answers_box.addWidget(button)
                button.show()  # now, not at the next layout pass: it takes the focus
                self.answer_buttons.append(button)
            self.keys_label.setText(_("Answer with the number keys or the mouse."))
        elif step.kind == StepKind.MULTI:
            for n, answer in enumerate(step.answers, start=1):
                box = QCheckBox(f"{n}   {answer.text.get(lang)}")
                box.setAccessibleName(answer.text.get(lang))
                box.setAccessibleDescription(_("Key {n} ticks or unticks").format(n=n))
                box.setProperty("answer_id", answer.id)
                box.setProperty("exclusive", answer.exclusive)
                _big(box, 1.35)
                box.toggled.connect(lambda on, b=box: self._multi_toggled(b, on))
                self.answers_box.addWidget(box)
                box.show()
                self.answer_buttons.append(box)
            self.keys_label.setText(
                _("Tick all that apply (number keys tick and untick), then Continue (Enter).")
            )
        else:
            self.keys_label.setText(_("When it is done: Continue (Enter)."))
        is_question = step.kind == StepKind.QUESTION
        self.continue_button.setVisible(not is_question)
        for button in (self.save_button, self.save_log_button, self.save_anyway_button):
            button.setVisible(False)
        self.notes.set_text(self.step_notes.get(step.id, ""))
        self._render_side(step)
        first = self.answer_buttons[0] if self.answer_buttons else self.continue_button
        first.setFocus()

    def _render_side(self, step: Step) -> None:
        contacts = "".join(_contact_html(self.contacts.get(c), c) for c in step.contacts)
        self.contacts_label.setText(contacts)
        self.contacts_box.setVisible(bool(step.contacts))
        self.contacts_label.setAccessibleDescription(self.contact_text())
        refs = "".join(_reference_html(self.references.get(r), r) for r in step.references)
        self.references_label.setText(refs)
        self.references_box.setVisible(bool(step.references))

    def contact_text(self) -> str:
        """The current step's contacts as plain text (name and number, one a line)."""
        lines = []
        for code in self.session.current.contacts:
            contact = self.contacts.get(code)
            if contact is None:
                lines.append(code)
            else:
                lines.append(f"{contact.name}: {contact.phone.strip() or '–'}")
        return "\n".join(lines)

    def _render_summary(self) -> None:
        lang = language()
        self.views.setCurrentWidget(self.summary_view)
        self._clear_answers()
        self.position_label.setText(_("Summary"))
        self.end_label.setText(self.session.current.text.get(lang))
        outcomes = outcome_texts(self.definition, self.session.outcomes)
        self.outcomes_label.setText(_("Outcomes: {list}").format(list=", ".join(outcomes) or "–"))
        self.summary_table.set_rows(
            call_rows(
                self.definition, self.session.recorded, self.session.started_at, self.step_notes
            )
        )
        self.continue_button.setVisible(False)
        self.save_button.setVisible(True)
        self.save_log_button.setVisible(True)
        self.save_anyway_button.setVisible(False)
        self.summary_message.setVisible(False)
        self.save_button.setFocus()

    def show_message(self, text: str) -> None:
        target = self.summary_message if self.session.finished else self.message
        target.setText(text)
        target.setVisible(bool(text))
        target.setAccessibleDescription(text)

    # -- moving --------------------------------------------------------------------------
    def _multi_toggled(self, box: QCheckBox, on: bool) -> None:
        if not on or self._rendering:
            return
        exclusive = bool(box.property("exclusive"))
        for other in self.answer_buttons:
            if other is box or not isinstance(other, QCheckBox):
                continue
            if exclusive or bool(other.property("exclusive")):
                other.setChecked(False)

    def checked_answers(self) -> list[str]:
        return [
            str(b.property("answer_id"))
            for b in self.answer_buttons
            if isinstance(b, QCheckBox) and b.isChecked()
        ]

    def choose(self, choice: str | list[str] | None) -> bool:
        """Answer the current step and show the next; refusals are shown, nothing moves."""
        self._store_notes()
        try:
            self.session.answer(choice, self.clock())
        except InputRefused as exc:
            self.show_message(error_text(exc))
            return False
        self.show_current()
        self.save_draft_now()
        return True

    def go_on(self) -> bool:
        """Continue: an action or information step is done; a multi-choice is answered."""
        step = self.session.current
        if step.kind == StepKind.MULTI:
            chosen = self.checked_answers()
            if not chosen:
                self.show_message(_("Tick at least one answer."))
                return False
            return self.choose(chosen)
        if step.kind in (StepKind.ACTION, StepKind.INFORMATION):
            return self.choose(None)
        return False

    def go_back(self) -> bool:
        """Back one step; the notes of every step are kept."""
        if not self.session.can_go_back:
            return False
        self._store_notes()
        self.session.back()
        self.show_current()
        self.save_draft_now()
        return True

    def press_number(self, n: int) -> bool:
        """The number key ``n`` (1-based): answer a question, tick a multi-choice answer."""
        if not 1 <= n <= len(self.answer_buttons) or self.session.finished:
            return False
        button = self.answer_buttons[n - 1]
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
                elif not self.session.finished:
                    self.go_on()
                return
        super().keyPressEvent(event)

    # -- saving --------------------------------------------------------------------------
    def case_log(self) -> CaseLog:
        """The finished call as a case log (ended now), with the notes of its steps."""
        self.session.notes = self.combined_notes()
        return self.session.case_log(self.clock())

    def prefill(self) -> dict[str, Any]:
        """Incident form values from the answers (JSON-ready, as the form loads them)."""
        fields = self.session.prefill_incident()
        values: dict[str, Any] = {
            "received_on": date.today().isoformat(),
            "concerns_individual": bool(fields.get("concerns_individual")),
            "actions_taken": sorted(self.session.actions),
        }
        for key in ("age_band", "consent"):
            if key in fields:
                values[key] = fields[key]
        return values

    def complete_incident(self) -> QDialog | None:
        """Open the incident form pre-filled; saving it stores the incident and the case log."""
        from vbedesk.ui.dialogs.incident_form import IncidentFormDialog

        if self.incident_form is not None and self.incident_form.isVisible():
            self.incident_form.raise_()
            return self.incident_form
        try:
            log = self.case_log()
        except InputRefused as exc:
            self.show_message(error_text(exc))
            return None
        values = self.form_values if self.form_values is not None else self.prefill()
        form = IncidentFormDialog(self.service, None, self, draft=values, case_log=log)
        delete_when_finished(form)
        form.case_log_saved.connect(self._stored)
        form.draft_kept.connect(self._form_kept)
        form.draft_dropped.connect(self._form_dropped)
        self.incident_form = form
        form.open()
        return form

    def _form_kept(self, values: dict[str, Any]) -> None:
        """The form's unsaved input (a pause, a close or a lock) goes into the call's draft."""
        self.form_values = dict(values)
        self.save_draft_now()

    def _form_dropped(self) -> None:
        self.form_values = None
        self.save_draft_now()

    def save_case_log_only(self, *, accept_findings: bool = False) -> bool:
        """Store the case log without an incident (e.g. a call that only gave advice)."""
        try:
            stored = self.service.case_logs.save(self.case_log(), accept_findings=accept_findings)
        except IdentifiersFound as exc:
            self.show_message(error_text(exc))
            self.save_anyway_button.setVisible(True)
            return False
        except InputRefused as exc:
            self.show_message(error_text(exc))
            return False
        self._stored(stored)
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

    def _stored(self, log: CaseLog) -> None:
        self.saved_log = log
        self._tick.stop()
        self.service.drafts.discard(DRAFT_KIND, DRAFT_REF)
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
