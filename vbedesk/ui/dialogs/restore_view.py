"""The restore dialog's widgets and layout, and nothing else (GUI thread).

``RestoreView`` builds the three pages (check, target, done) and the button row; it
holds no state and connects no behaviour. ``backup_dialogs.RestoreDialog`` binds it to
``backup_flow.RestoreFlow``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.ui.dialogs.backup_flow import RestoreButtons
from vbedesk.ui.dialogs.first_run import PassphraseFields, error_label, heading_label
from vbedesk.ui.widgets.labels import recovery_key_label
from vbedesk.ui.widgets.layouts import busy_bar, busy_button_row, labelled_row


def password_edit(name: str) -> QLineEdit:
    """A line edit for a passphrase: echo off, its accessible name set."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


def wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class RestoreView(QWidget):
    """Page 1 (the backup's passphrase), page 2 (summary, folder, new passphrase), page 3
    (where it is, the new recovery key), and the buttons under them."""

    def __init__(self, backup: Path, default_target: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = QStackedWidget()
        for page in (
            self._check_page(backup),
            self._target_page(default_target),
            self._done_page(),
        ):
            self.pages.addWidget(page)
        self.busy_bar = busy_bar(_("Working"))
        self.restore_button = QPushButton(_("Res&tore"))
        self.restore_button.setAccessibleName(_("Restore"))
        self.open_button = QPushButton(_("&Open the restored vault"))
        self.open_button.setAccessibleName(_("Open the restored vault"))
        self.open_button.setToolTip(
            _("Locks this vault and asks for the passphrase of the restored one.")
        )
        self.close_button = QPushButton(_("&Cancel"))
        self.close_button.setAccessibleName(_("Cancel"))
        buttons = busy_button_row(
            self.busy_bar, self.restore_button, self.open_button, self.close_button
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)

    def _check_page(self, backup: Path) -> QWidget:
        page = QWidget()
        file_label = QLabel(_("Backup: {name}").format(name=backup.name))
        file_label.setToolTip(str(backup))
        file_label.setWordWrap(True)
        self.backup_passphrase = password_edit(_("Backup passphrase"))
        self.check_button = QPushButton(_("Chec&k the backup"))
        self.check_button.setAccessibleName(_("Check the backup"))
        self.check_error = error_label(_("Why the backup was not accepted"))
        row = labelled_row(_("Backup &passphrase:"), self.backup_passphrase, self.check_button)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Restore a backup")))
        layout.addWidget(
            wrapped(
                _(
                    "A restore always makes a new vault; the open vault is not changed. "
                    "First the backup is checked completely."
                )
            )
        )
        layout.addWidget(file_label)
        layout.addLayout(row)
        layout.addWidget(self.check_error)
        layout.addStretch(1)
        return page

    def _target_page(self, default_target: Path) -> QWidget:
        page = QWidget()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName(_("What the backup holds"))
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.summary_label.setStyleSheet(
            "QLabel { border: 1px solid palette(mid); padding: 8px; background: palette(base); }"
        )
        self.target_edit = QLineEdit(str(default_target))
        self.target_edit.setAccessibleName(_("Folder of the restored vault"))
        self.browse_button = QPushButton(_("C&hoose…"))
        self.browse_button.setAccessibleName(_("Choose a folder"))
        row = labelled_row(_("New &folder:"), self.target_edit, self.browse_button)
        self.new_fields = PassphraseFields()
        self.restore_error = error_label(_("Why the backup was not restored"))
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("The backup is intact")))
        layout.addWidget(self.summary_label)
        layout.addLayout(row)
        layout.addWidget(wrapped(_("Passphrase of the restored vault:")))
        layout.addWidget(self.new_fields)
        layout.addWidget(self.restore_error)
        layout.addStretch(1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = wrapped("")
        self.done_label.setAccessibleName(_("Restored"))
        self.key_label = recovery_key_label(_("Recovery key of the restored vault"), 1.4)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Restored")))
        layout.addWidget(self.done_label)
        layout.addWidget(
            wrapped(
                _(
                    "The restored vault has a new recovery key. Write it down now and keep "
                    "it in the safe; it is shown only this once."
                )
            )
        )
        layout.addWidget(self.key_label)
        layout.addStretch(1)
        return page

    # -- showing (no decisions: the flow makes them) -------------------------------------
    def show_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.pages.setEnabled(not busy)

    def show_buttons(self, state: RestoreButtons) -> None:
        self.restore_button.setVisible(state.restore_visible)
        self.restore_button.setEnabled(state.restore_enabled)
        self.open_button.setVisible(state.open_visible)
        self.check_button.setEnabled(state.check_enabled)
        self.close_button.setEnabled(state.close_enabled)
        self.close_button.setText(state.close_text)
        self.close_button.setAccessibleName(state.close_text.replace("&", ""))

    def clear_secrets(self) -> None:
        """Forget every passphrase and the recovery key shown."""
        self.backup_passphrase.clear()
        self.new_fields.clear()
        self.key_label.clear()


__all__ = ["RestoreView", "password_edit", "wrapped"]
