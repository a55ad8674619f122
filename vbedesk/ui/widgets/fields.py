"""Small pieces of the form screens: a refusal label under a field, dates to and from Qt
(GUI thread)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel

from vbedesk.ui.messages import warning_colour


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
    """Show ``text`` in an ``error_label`` (an empty text hides it)."""
    label.setText(text)
    label.setVisible(bool(text))


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
