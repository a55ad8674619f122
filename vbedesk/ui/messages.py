"""The one helper for message boxes and error texts (GUI thread).

Boxes are opened with ``open()`` (window-modal, never a nested event loop), so that a
lock can close them; callers that need the answer connect to ``finished``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from vbedesk.errors import VbedeskError
from vbedesk.i18n import _


def warning_colour() -> str:
    """The red for refusals and warnings: dark on a light palette, light on a dark one, so
    that it reads on both (the application's palette follows the system's)."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return "#ff8a80" if window.lightness() < 128 else "#a4000f"


def secondary_colour() -> str:
    """The colour of secondary text (hints, provenance, key help): the palette's
    placeholder text, so it stays readable on a dark palette as on a light one."""
    c = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    return f"rgba({c.red()}, {c.green()}, {c.blue()}, {c.alpha()})"


log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """The translated message of an expected error; a neutral text for anything else.

    An unexpected exception's text may quote data, so only its class name is shown.
    """
    if isinstance(exc, VbedeskError):
        message = _(exc.message)
        return message.format(**exc.params) if exc.params else message
    return _("Unexpected error ({kind}).").format(kind=type(exc).__name__)


def show_message(
    parent: QWidget | None,
    text: str,
    *,
    title: str | None = None,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    informative: str = "",
) -> QMessageBox:
    """Open a message box (without blocking) and return it; it deletes itself when closed."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title or _("VBE Desk"))
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAccessibleName(box.windowTitle())
    box.setAccessibleDescription(text)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    delete_when_finished(box)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def delete_when_finished(dialog: QDialog) -> None:
    """Delete ``dialog`` (later, from the event loop) once it has finished.

    Used instead of ``WA_DeleteOnClose``: with PySide6 a dialog that deletes itself on close
    while its owner goes away in the same turn of the event loop can crash the process.
    """
    dialog.finished.connect(dialog.deleteLater)


def ask_save_anyway(
    parent: QWidget, text: str, answered: Callable[[bool], None], *, no_text: str = ""
) -> QMessageBox:
    """The one "Save anyway?" question for a text the identifier guard flagged.

    Window-modal and opened without blocking (a lock can close it); ``answered`` gets
    True for "Save anyway". No is the default button.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Save anyway?"))
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Save anyway"))
    if no_text:
        box.button(QMessageBox.StandardButton.No).setText(no_text)
    box.setAccessibleName(box.windowTitle())
    box.setAccessibleDescription(text)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    delete_when_finished(box)
    box.finished.connect(lambda result: answered(result == QMessageBox.StandardButton.Yes.value))
    box.open()
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """The error dialog for a failure nobody handled more specifically."""
    if not isinstance(exc, VbedeskError):
        log.error("unexpected error (%s)", type(exc).__name__)
    return show_message(parent, error_text(exc), title=_("Error"), icon=QMessageBox.Icon.Warning)
