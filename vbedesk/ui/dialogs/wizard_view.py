"""The call window's widgets and layout, without behaviour (GUI thread).

``CallWizardView`` shows what it is given: the routine's header, one step (large text,
help, the answers, the notes, the step's contacts with their numbers and its legal
references beside it) or the summary at the end, and the row of buttons. It decides
nothing: a clicked answer is reported by ``answered``, a ticked one by ``ticked``, and
``CallWizardDialog`` connects the buttons; what any of it does is ``CallPresenter``'s.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _, language
from vbedesk.model import Contact, LegalReference
from vbedesk.routine import RoutineDefinition, Step, StepKind
from vbedesk.ui.dialogs.case_log_view import CallRow, CallTable
from vbedesk.ui.messages import secondary_colour, warning_colour
from vbedesk.ui.widgets.guarded_text import GuardedTextField

#: Answers beyond the ninth have no number key.
MAX_NUMBER_KEYS = 9


def big(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    widget.setFont(font)


def contact_html(contact: Contact | None, code: str) -> str:
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


def reference_html(ref: LegalReference | None, code: str) -> str:
    if ref is None:
        return f"<p>{html.escape(code)}</p>"
    parts = [f"<b>{html.escape(ref.citation)}</b>", html.escape(ref.title)]
    if not ref.verified:
        parts.append(f"<i>{html.escape(_('not verified'))}</i>")
    return "<p>" + "<br>".join(parts) + "</p>"


def _message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(_("Message"))
    label.setStyleSheet(f"color: {warning_colour()}; font-weight: bold;")
    label.setVisible(False)
    return label


def _wrapping(name: str, factor: float, *, bold: bool = False, plain: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    if plain:
        label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(name)
    big(label, factor, bold=bold)
    return label


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    # Enter is the window's own key (see CallWizardDialog.keyPressEvent), never a default.
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


class CallWizardView(QWidget):
    """The call window's content: header, the step or the summary, the buttons."""

    #: A question's answer button was clicked (its answer id).
    answered = Signal(str)
    #: A multi-choice answer was ticked (its answer id).
    ticked = Signal(str)

    def __init__(self, definition: RoutineDefinition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer_buttons: list[QAbstractButton] = []
        self.views = QStackedWidget()
        self.step_view = self._build_step()
        self.summary_view = self._build_summary()
        self.views.addWidget(self.step_view)
        self.views.addWidget(self.summary_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_header(definition))
        layout.addWidget(self.views, 1)
        layout.addLayout(self._build_buttons())

    # -- building ----------------------------------------------------------------------
    def _build_header(self, definition: RoutineDefinition) -> QHBoxLayout:
        """The routine, where it comes from, the call time and the step."""
        self.title_label = QLabel(definition.title.get(language()))
        self.title_label.setWordWrap(True)
        big(self.title_label, 1.15, bold=True)
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
        big(self.timer_label, 1.3, bold=True)
        self.position_label = QLabel()
        self.position_label.setAccessibleName(_("Step"))
        right = QVBoxLayout()
        right.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.position_label, 0, Qt.AlignmentFlag.AlignRight)
        left = QVBoxLayout()
        left.addWidget(self.title_label)
        left.addWidget(self.provenance_label)
        header = QHBoxLayout()
        header.addLayout(left, 1)
        header.addLayout(right)
        return header

    def _build_step(self) -> QWidget:
        """The step (text, help, answers, notes) with its contacts and references beside."""
        self.step_label = _wrapping(_("What to do now"), 1.7, bold=True)
        self.step_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.help_label = _wrapping(_("Help"), 1.15)
        self.answers_box = QVBoxLayout()
        self.answers_box.setSpacing(8)
        self.keys_label = QLabel()
        self.keys_label.setWordWrap(True)
        self.keys_label.setStyleSheet(f"color: {secondary_colour()};")
        self.message = _message_label()
        self.notes = GuardedTextField(
            _("Notes on this step"), _("No names, identity numbers, addresses or school/class.")
        )
        self.notes.edit.setMaximumHeight(110)
        notes_label = QLabel(_("&Notes on this step:"))
        notes_label.setBuddy(self.notes.edit)
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

        self.contacts_box = QGroupBox(_("Contacts"))
        self.contacts_label = _wrapping(_("Contacts of this step"), 1.15, plain=False)
        self.contacts_label.setTextFormat(Qt.TextFormat.RichText)
        self.contacts_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        QVBoxLayout(self.contacts_box).addWidget(self.contacts_label)
        self.references_box = QGroupBox(_("Legal references"))
        self.references_label = QLabel()
        self.references_label.setWordWrap(True)
        self.references_label.setTextFormat(Qt.TextFormat.RichText)
        self.references_label.setAccessibleName(_("Legal references of this step"))
        QVBoxLayout(self.references_box).addWidget(self.references_label)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.contacts_box)
        side_layout.addWidget(self.references_box)
        side_layout.addStretch(1)
        side.setMinimumWidth(320)
        side.setMaximumWidth(420)

        step_view = QWidget()
        step_layout = QHBoxLayout(step_view)
        step_layout.setContentsMargins(0, 0, 0, 0)
        step_layout.addLayout(main, 1)
        step_layout.addSpacing(12)
        step_layout.addWidget(side)
        return step_view

    def _build_summary(self) -> QWidget:
        """The end of the call: the end step, the outcomes, every move."""
        self.end_label = _wrapping(_("End of the routine"), 1.3, bold=True)
        self.outcomes_label = _wrapping(_("Outcomes"), 1.15, plain=False)
        self.summary_table = CallTable(_("Steps of the call"))
        self.summary_message = _message_label()
        summary_view = QWidget()
        summary = QVBoxLayout(summary_view)
        summary.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_("Summary of the call"))
        big(heading, 1.3, bold=True)
        summary.addWidget(heading)
        summary.addWidget(self.end_label)
        summary.addWidget(self.outcomes_label)
        summary.addWidget(self.summary_table, 1)
        summary.addWidget(self.summary_message)
        return summary_view

    def _build_buttons(self) -> QHBoxLayout:
        self.back_button = _button(_("&Back"), _("Back"))
        self.back_button.setToolTip(_("Back one step (Alt+Left); notes are kept."))
        self.continue_button = _button(_("&Continue"), _("Continue"))
        self.continue_button.setToolTip(_("Continue (Enter)"))
        big(self.continue_button, 1.2, bold=True)
        self.save_button = _button(
            _("&Save and complete the incident…"), _("Save and complete the incident")
        )
        self.save_button.setToolTip(
            _(
                "Opens the incident form, pre-filled from the answers; saving it stores the "
                "case log too."
            )
        )
        self.save_log_button = _button(_("Save the case log &only"), _("Save the case log only"))
        self.save_anyway_button = _button(_("Save anyway"), _("Save anyway"))
        self.save_anyway_button.setVisible(False)
        self.close_button = _button(
            _("Close (the call is kept)"), _("Close, the call is kept as a draft")
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_anyway_button)
        buttons.addWidget(self.save_log_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.continue_button)
        return buttons

    # -- showing -----------------------------------------------------------------------
    def set_timer(self, text: str) -> None:
        self.timer_label.setText(text)

    def show_message(self, text: str, *, at_the_end: bool) -> None:
        """``text`` under the step, or under the summary ``at_the_end``; "" hides it."""
        target = self.summary_message if at_the_end else self.message
        target.setText(text)
        target.setVisible(bool(text))
        target.setAccessibleDescription(text)

    def show_step(
        self,
        step: Step,
        *,
        answered: int,
        notes: str,
        contacts: Sequence[tuple[str, Contact | None]],
        contact_text: str,
        references: Sequence[tuple[str, LegalReference | None]],
    ) -> None:
        """``step`` with its answers (number keys 1–9), its notes, contacts and references."""
        lang = language()
        self.views.setCurrentWidget(self.step_view)
        self.position_label.setText(
            _("Step {step} · {n} answered").format(step=step.id, n=answered)
        )
        self.step_label.setText(step.text.get(lang))
        self.help_label.setText(step.help.get(lang))
        self.help_label.setVisible(bool(step.help.get(lang)))
        self._clear_answers()
        if step.kind == StepKind.QUESTION:
            self._add_answer_buttons(step)
            self.keys_label.setText(_("Answer with the number keys or the mouse."))
        elif step.kind == StepKind.MULTI:
            self._add_answer_boxes(step)
            self.keys_label.setText(
                _("Tick all that apply (number keys tick and untick), then Continue (Enter).")
            )
        else:
            self.keys_label.setText(_("When it is done: Continue (Enter)."))
        self.continue_button.setVisible(step.kind != StepKind.QUESTION)
        for button in (self.save_button, self.save_log_button, self.save_anyway_button):
            button.setVisible(False)
        self.notes.set_text(notes)
        self.contacts_label.setText("".join(contact_html(c, code) for code, c in contacts))
        self.contacts_box.setVisible(bool(contacts))
        self.contacts_label.setAccessibleDescription(contact_text)
        self.references_label.setText("".join(reference_html(r, code) for code, r in references))
        self.references_box.setVisible(bool(references))
        first = self.answer_buttons[0] if self.answer_buttons else self.continue_button
        first.setFocus()

    def show_summary(self, end_text: str, outcomes: Sequence[str], rows: list[CallRow]) -> None:
        """The end of the call, with the buttons that store it."""
        self.views.setCurrentWidget(self.summary_view)
        self._clear_answers()
        self.position_label.setText(_("Summary"))
        self.end_label.setText(end_text)
        self.outcomes_label.setText(_("Outcomes: {list}").format(list=", ".join(outcomes) or "–"))
        self.summary_table.set_rows(rows)
        self.continue_button.setVisible(False)
        self.save_button.setVisible(True)
        self.save_log_button.setVisible(True)
        self.save_anyway_button.setVisible(False)
        self.summary_message.setVisible(False)
        self.save_button.setFocus()

    def _clear_answers(self) -> None:
        for button in self.answer_buttons:
            self.answers_box.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.answer_buttons = []

    def _add_answer_buttons(self, step: Step) -> None:
        lang = language()
        for n, answer in enumerate(step.answers, start=1):
            text = answer.text.get(lang)
            button = QPushButton(f"{n}   {text}" if n <= MAX_NUMBER_KEYS else text)
            button.setAccessibleName(text)
            button.setAccessibleDescription(_("Key {n}").format(n=n))
            button.setAutoDefault(False)
            button.setMinimumHeight(46)
            button.setStyleSheet("text-align: left; padding-left: 14px;")
            big(button, 1.35)
            button.clicked.connect(lambda _c=False, a=answer.id: self.answered.emit(a))
            self._add_answer(button)

    def _add_answer_boxes(self, step: Step) -> None:
        lang = language()
        for n, answer in enumerate(step.answers, start=1):
            box = QCheckBox(f"{n}   {answer.text.get(lang)}")
            box.setAccessibleName(answer.text.get(lang))
            box.setAccessibleDescription(_("Key {n} ticks or unticks").format(n=n))
            box.setProperty("answer_id", answer.id)
            big(box, 1.35)
            box.toggled.connect(lambda on, a=answer.id: self._box_toggled(a, on))
            self._add_answer(box)

    def _box_toggled(self, answer_id: str, on: bool) -> None:
        if on:
            self.ticked.emit(answer_id)

    def _add_answer(self, button: QAbstractButton) -> None:
        self.answers_box.addWidget(button)
        button.show()  # now, not at the next layout pass: it takes the focus
        self.answer_buttons.append(button)

    # -- reading -----------------------------------------------------------------------
    def checked_answers(self) -> list[str]:
        """The ticked answers of a multi-choice step, in the step's order."""
        return [
            str(b.property("answer_id"))
            for b in self.answer_buttons
            if isinstance(b, QCheckBox) and b.isChecked()
        ]

    def untick(self, answer_ids: Sequence[str]) -> None:
        for box in self.answer_buttons:
            if isinstance(box, QCheckBox) and box.property("answer_id") in answer_ids:
                box.setChecked(False)
