"""The one helper for message boxes and error texts (GUI thread).

Boxes are opened with ``open()`` (window-modal, never a nested event loop), so that a
lock can close them; callers that need the answer connect to ``finished``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from vbedesk.errors import VbedeskError
from vbedesk.i18n import _

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
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """The error dialog for a failure nobody handled more specifically."""
    if not isinstance(exc, VbedeskError):
        log.error("unexpected error (%s)", type(exc).__name__)
    return show_message(parent, error_text(exc), title=_("Error"), icon=QMessageBox.Icon.Warning)
