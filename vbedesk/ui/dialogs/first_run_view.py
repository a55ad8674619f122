"""The first-run dialog's layout: three pages and the buttons, no behaviour (GUI thread).

``FirstRunDialog`` (first_run.py) connects these widgets to its flow; this module only
builds them, names them for assistive technology and shows a page with its focus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.passphrase import MIN_LENGTH
from vbedesk.ui.widgets.fields import error_label
from vbedesk.ui.widgets.labels import heading_label, recovery_key_label
from vbedesk.ui.widgets.layouts import busy_bar, busy_button_row, labelled_row
from vbedesk.ui.widgets.passphrase import PassphraseFields

#: The pages, in the order they are shown.
PAGE_FOLDER, PAGE_PASSPHRASE, PAGE_RECOVERY = range(3)


@dataclass(frozen=True)
class Buttons:
    """What the buttons under the pages show (the flow decides, the view shows)."""

    back_visible: bool
    back_enabled: bool
    cancel_visible: bool
    cancel_enabled: bool
    next_text: str
    next_enabled: bool


class FirstRunView(QDialog):
    """Where the vault lives, its passphrase, and the recovery key with its confirmation."""

    PAGE_FOLDER, PAGE_PASSPHRASE, PAGE_RECOVERY = PAGE_FOLDER, PAGE_PASSPHRASE, PAGE_RECOVERY

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("VBE Desk: a new vault"))
        self.setAccessibleName(_("Create a new vault"))
        self.setModal(True)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._folder_page(folder))
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._recovery_page())

        self.busy_bar = busy_bar(_("Creating the vault"), _("Creating the vault…"))

        self.back_button = QPushButton(_("< &Back"))
        self.back_button.setAccessibleName(_("Back"))
        self.next_button = QPushButton(_("&Next >"))
        self.next_button.setAccessibleName(_("Next"))
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton(_("&Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel"))
        buttons = busy_button_row(
            self.busy_bar, self.back_button, self.next_button, self.cancel_button
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(640, 460)

    # -- pages ---------------------------------------------------------------------------
    def _folder_page(self, folder: Path) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "VBE Desk keeps everything in one encrypted vault on this computer. "
                "Choose where it lives; the suggested folder is on the local disk and is "
                "not synced to a cloud service."
            )
        )
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(str(folder))
        self.folder_edit.setAccessibleName(_("Folder of the vault"))
        self.browse_button = QPushButton(_("&Choose…"))
        self.browse_button.setAccessibleName(_("Choose a folder"))
        self.folder_error = error_label(_("Problem with the folder"))
        row = labelled_row(_("&Folder:"), self.folder_edit, self.browse_button)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Where the vault lives")))
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.folder_error)
        layout.addStretch(1)
        return page

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Choose a passphrase: a short sentence of ordinary words that you can remember "
                "is strong and easy to type. At least {n} characters."
            ).format(n=MIN_LENGTH)
        )
        intro.setWordWrap(True)
        self.passphrase_fields = PassphraseFields()
        self.create_error = error_label(_("Why the vault was not created"))
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Passphrase")))
        layout.addWidget(intro)
        layout.addWidget(self.passphrase_fields)
        layout.addWidget(self.create_error)
        layout.addStretch(1)
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "This is the recovery key. It opens the vault if the passphrase is forgotten. "
                "Write it down on paper now and keep it in the safe: it is shown only this once "
                "and cannot be copied."
            )
        )
        intro.setWordWrap(True)
        self.key_label = self._key_label()
        self.group_prompt = QLabel()
        self.group_prompt.setWordWrap(True)
        self.group_edit = QLineEdit()
        self.group_edit.setMaxLength(12)
        self.group_edit.setAccessibleName(_("The requested group of the recovery key"))
        self.group_prompt.setBuddy(self.group_edit)
        self.group_error = error_label(_("The group does not match"))
        self.print_button = QPushButton(_("&Print recovery sheet…"))
        self.print_button.setAccessibleName(_("Print recovery sheet"))
        self.print_button.setToolTip(
            _("A one-page sheet with the key, the vault id and instructions, for the safe.")
        )
        self.save_pdf_button = QPushButton(_("Save as P&DF…"))
        self.save_pdf_button.setAccessibleName(_("Save the recovery sheet as PDF"))
        self.sheet_label = QLabel()
        self.sheet_label.setWordWrap(True)
        self.sheet_label.setAccessibleName(_("Recovery sheet"))
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.print_button)
        sheet_row.addWidget(self.save_pdf_button)
        sheet_row.addWidget(self.sheet_label, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Recovery key")))
        layout.addWidget(intro)
        layout.addWidget(self.key_label)
        layout.addLayout(sheet_row)
        layout.addWidget(self.group_prompt)
        layout.addWidget(self.group_edit)
        layout.addWidget(self.group_error)
        layout.addStretch(1)
        return page

    @staticmethod
    def _key_label() -> QLabel:
        """The recovery key, large and fixed-width; it cannot be selected or copied."""
        label = recovery_key_label(_("Recovery key"), 1.6)
        label.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        label.setStyleSheet(
            "QLabel { border: 1px solid palette(mid); padding: 12px; background: palette(base); }"
        )
        return label

    # -- showing -------------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        """Show page ``index`` with the focus in its first field."""
        self.pages.setCurrentIndex(index)
        if index == PAGE_FOLDER:
            self.folder_edit.setFocus()
        elif index == PAGE_PASSPHRASE:
            self.passphrase_fields.first.setFocus()
        else:
            self.group_edit.setFocus()

    def set_buttons(self, buttons: Buttons) -> None:
        self.back_button.setVisible(buttons.back_visible)
        self.back_button.setEnabled(buttons.back_enabled)
        self.cancel_button.setVisible(buttons.cancel_visible)
        self.cancel_button.setEnabled(buttons.cancel_enabled)
        self.next_button.setText(buttons.next_text)
        self.next_button.setEnabled(buttons.next_enabled)
        self.next_button.setAccessibleName(buttons.next_text.replace("&", ""))
