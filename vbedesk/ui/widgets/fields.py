"""Small pieces of the form screens: a refusal label under a field, a date field, dates to
and from Qt (GUI thread)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QLabel

from vbedesk.ui.messages import warning_colour

#: How a date field shows a date (and how it is typed).
DATE_FORMAT = "yyyy-MM-dd"


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


def date_edit(name: str) -> QDateEdit:
    """A date field named ``name``, with a calendar, showing today."""
    edit = QDateEdit(qdate(date.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setAccessibleName(name)
    return edit


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
