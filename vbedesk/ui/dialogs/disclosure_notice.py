"""The notice shown before a file or a printout leaves the encryption (GUI thread).

It says what is about to leave the vault and asks, optionally, for whom and why: both go
to the disclosure register with the file's path. Opened with ``open()``; the answer comes
through ``finished`` (``accepted``/``rejected``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _

MAX_RECIPIENT = 500
MAX_PURPOSE = 2000


class DisclosureNoticeDialog(QDialog):
    """ "This file leaves the encryption": what, an optional recipient and purpose."""

    def __init__(self, what: str, parent: QWidget | None = None, *, printing: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Leaves the encryption"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowModality(Qt.WindowModality.WindowModal)
        if printing:
            text = _(
                "The printout of “{what}” leaves the encryption of the vault. It is recorded "
                "in the disclosure register."
            )
        else:
            text = _(
                "The file “{what}” leaves the encryption: it is written unencrypted outside "
                "the vault, and anyone who can read the folder can read it. It is recorded in "
                "the disclosure register."
            )
        self.notice = QLabel(text.format(what=what))
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.notice.setAccessibleName(_("Notice"))
        self.setAccessibleDescription(self.notice.text())
        self.recipient_edit = QLineEdit()
        self.recipient_edit.setMaxLength(MAX_RECIPIENT)
        self.recipient_edit.setAccessibleName(_("Recipient (optional)"))
        self.recipient_edit.setPlaceholderText(_("e.g. the district board, the city's coordinator"))
        self.purpose_edit = QLineEdit()
        self.purpose_edit.setMaxLength(MAX_PURPOSE)
        self.purpose_edit.setAccessibleName(_("Purpose (optional)"))
        self.purpose_edit.setPlaceholderText(_("e.g. T1 follow-up for the board"))
        form = QFormLayout()
        recipient_label = QLabel(_("&Recipient:"))
        recipient_label.setBuddy(self.recipient_edit)
        purpose_label = QLabel(_("&Purpose:"))
        purpose_label.setBuddy(self.purpose_edit)
        form.addRow(recipient_label, self.recipient_edit)
        form.addRow(purpose_label, self.purpose_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.continue_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.continue_button.setText(_("Continue"))
        self.continue_button.setAccessibleName(_("Continue"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def recipient(self) -> str:
        return self.recipient_edit.text().strip()

    def purpose(self) -> str:
        return self.purpose_edit.text().strip()
