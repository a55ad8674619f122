"""Dialogs of the backups page: a new backup passphrase, a passphrase asked, a restore (GUI thread).

Key derivation, verification and the restore itself run on the worker thread
(``ui.tasks``). Every dialog is opened with ``open()`` and reports through signals, so a
lock can close it; a dialog that closes forgets the passphrases typed into it. The
restore dialog is a thin binding of ``restore_view.RestoreView`` (its widgets) to
``backup_flow.RestoreFlow`` (its state and rules).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.ui.dialogs.backup_flow import (
    RestoreFlow,
    RestoreStep,
    local_time,
    manifest_summary,
    target_of,
)
from vbedesk.ui.dialogs.first_run import PassphraseFields, heading_label, show_error
from vbedesk.ui.dialogs.restore_view import RestoreView, password_edit
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.tasks import run_task

if TYPE_CHECKING:
    from vbedesk.storage.keys import KdfParams
    from vbedesk.storage.service import VaultService
    from vbedesk.storage.services.backups import BackupManifest, RestoredVault


class NewBackupDialog(QDialog):
    """The passphrase of a new backup, typed twice with the strength meter."""

    #: The passphrase, and whether to remember it for the automatic backup.
    chosen = Signal(str, bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        can_remember: bool,
        remember_reason: str,
        destination: Path,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New backup"))
        self.setAccessibleName(_("New backup"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        intro = QLabel(
            _(
                "The backup is encrypted with its own passphrase, not the vault's. Without "
                "it the backup cannot be restored: keep it apart from the backup drive."
            )
        )
        intro.setWordWrap(True)
        where = QLabel(_("It is written to: {path}").format(path=destination))
        where.setWordWrap(True)
        where.setAccessibleName(_("Destination"))
        self.fields = PassphraseFields()
        self.fields.first.setAccessibleName(_("Backup passphrase"))
        self.fields.second.setAccessibleName(_("Repeat the backup passphrase"))
        self.remember_check = QCheckBox(
            _("Remember it on this &computer for the automatic backup on close")
        )
        self.remember_check.setAccessibleName(
            _("Remember it on this computer for the automatic backup on close")
        )
        self.remember_check.setEnabled(can_remember)
        self.remember_check.setToolTip(remember_reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("&Make the backup"))
        self.ok_button.setAccessibleName(_("Make the backup"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.fields.changed.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label(_("Backup passphrase")))
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(self.fields)
        layout.addWidget(self.remember_check)
        layout.addWidget(self.buttons)
        self.resize(560, 380)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(self.fields.is_acceptable())

    def _accept(self) -> None:
        if not self.fields.is_acceptable():
            return
        passphrase = self.fields.passphrase()
        remember = self.remember_check.isChecked()
        self.fields.clear()
        self.accept()
        self.chosen.emit(passphrase, remember)

    def done(self, result: int) -> None:
        self.fields.clear()
        super().done(result)


class AskPassphraseDialog(QDialog):
    """One passphrase asked for (to verify a backup, or for the automatic backup)."""

    entered = Signal(str)

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        text: str,
        ok_text: str,
        cancel_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        label = QLabel(text)
        label.setWordWrap(True)
        self.edit = password_edit(_("Backup passphrase"))
        caption = QLabel(_("Backup &passphrase:"))
        caption.setBuddy(self.edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setAccessibleName(ok_text.replace("&", ""))
        if cancel_text:
            cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            cancel.setText(cancel_text)
            cancel.setAccessibleName(cancel_text.replace("&", ""))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text)))
        self.ok_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.edit, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.resize(480, 160)

    def _accept(self) -> None:
        passphrase = self.edit.text()
        if not passphrase:
            return
        self.edit.clear()
        self.accept()
        self.entered.emit(passphrase)

    def done(self, result: int) -> None:
        self.edit.clear()
        super().done(result)


class RestoreDialog(QDialog):
    """Restore a backup into a new vault: passphrase and summary first, then the target.

    The open vault is never touched (``service`` only records the restore in its audit
    log). The restored vault is closed again at the end; its new recovery key is shown
    once. The widgets are ``self.view``; the state and rules are ``self.flow``.
    """

    #: The restore finished: the new vault's folder.
    restored = Signal(object)
    #: The coordinator chose to work in the restored vault now: its folder.
    open_requested = Signal(object)

    PAGE_CHECK, PAGE_TARGET, PAGE_DONE = RestoreStep.CHECK, RestoreStep.TARGET, RestoreStep.DONE

    def __init__(
        self,
        backup: Path,
        default_target: Path,
        parent: QWidget | None = None,
        *,
        kdf: KdfParams | None = None,
        service: VaultService | None = None,
    ) -> None:
        super().__init__(parent)
        self.flow = RestoreFlow(backup, default_target, kdf=kdf, record_in=service)
        self.view = RestoreView(backup, default_target)
        self.setWindowTitle(_("Restore a backup"))
        self.setAccessibleName(_("Restore a backup"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        view = self.view
        view.check_button.clicked.connect(self.check)
        view.backup_passphrase.returnPressed.connect(self.check)
        view.browse_button.clicked.connect(self._browse)
        view.target_edit.textChanged.connect(self._update_buttons)
        view.new_fields.changed.connect(self._update_buttons)
        view.restore_button.clicked.connect(self.restore)
        view.open_button.clicked.connect(self._open_restored)
        view.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        self.resize(640, 560)
        self._update_buttons()

    # -- state ---------------------------------------------------------------------------
    @property
    def backup(self) -> Path:
        return self.flow.backup

    @property
    def manifest(self) -> BackupManifest | None:
        return self.flow.manifest

    @property
    def target(self) -> Path | None:
        """The restored vault's folder, once restored."""
        return self.flow.target

    def current_page(self) -> int:
        return self.view.pages.currentIndex()

    def _show_step(self) -> None:
        self.view.pages.setCurrentIndex(int(self.flow.step))
        self._update_buttons()

    def _show_busy(self) -> None:
        self.view.show_busy(self.flow.busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        view = self.view
        state = self.flow.buttons(view.target_edit.text(), view.new_fields.is_acceptable())
        view.show_buttons(state)

    def _browse(self) -> None:
        dialog = QFileDialog(self, _("Folder of the restored vault"), str(self._target().parent))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        delete_when_finished(dialog)
        dialog.fileSelected.connect(lambda path: self.view.target_edit.setText(path))
        dialog.open()

    def _target(self) -> Path:
        return target_of(self.view.target_edit.text())

    # -- step 1: check -------------------------------------------------------------------
    def check(self) -> None:
        """Verify the backup with the typed passphrase (worker thread); then the summary."""
        passphrase = self.view.backup_passphrase.text()
        if not self.flow.can_check(passphrase):
            return
        show_error(self.view.check_error, "")
        self.flow.start()
        self._show_busy()
        run_task(
            self.flow.verify_job(passphrase),
            lambda manifest: self._checked(manifest, passphrase),
            self._check_failed,
            self,
        )

    def _checked(self, manifest: BackupManifest, passphrase: str) -> None:
        self.flow.checked(manifest, passphrase)
        self._show_busy()
        self.view.backup_passphrase.clear()
        self.view.summary_label.setText(manifest_summary(manifest))
        self._show_step()
        self.view.new_fields.first.setFocus()

    def _check_failed(self, exc: BaseException) -> None:
        self.flow.failed()
        self._show_busy()
        show_error(self.view.check_error, error_text(exc))
        self.view.backup_passphrase.selectAll()
        self.view.backup_passphrase.setFocus()

    # -- step 2: restore -----------------------------------------------------------------
    def restore(self) -> None:
        """Restore into the chosen folder (worker thread); a synced folder is refused there."""
        view = self.view
        if not self.flow.can_restore(view.target_edit.text(), view.new_fields.is_acceptable()):
            return
        show_error(view.restore_error, "")
        job = self.flow.restore_job(self._target(), view.new_fields.passphrase())
        self.flow.start()
        self._show_busy()
        run_task(job, self._restored, self._restore_failed, self)

    def _restored(self, result: RestoredVault) -> None:
        self.flow.restored(result)
        self._show_busy()
        self.view.new_fields.clear()
        self.view.done_label.setText(self.flow.done_text())
        self.view.key_label.setText(result.recovery_key)
        self._show_step()
        self.view.close_button.setFocus()
        self.restored.emit(result.folder)

    def _open_restored(self) -> None:
        if self.target is None:
            return
        target = self.target
        self.accept()
        self.open_requested.emit(target)

    def _restore_failed(self, exc: BaseException) -> None:
        self.flow.failed()
        self._show_busy()
        show_error(self.view.restore_error, error_text(exc))

    # -- closing -------------------------------------------------------------------------
    def reject(self) -> None:
        if not self.flow.can_close():
            return  # a restore is written to a staging folder; it cannot be left half done
        super().reject()

    def done(self, result: int) -> None:
        self.flow.forget()
        self.view.clear_secrets()
        super().done(result)


__all__ = [
    "AskPassphraseDialog",
    "NewBackupDialog",
    "RestoreDialog",
    "local_time",
    "manifest_summary",
]
