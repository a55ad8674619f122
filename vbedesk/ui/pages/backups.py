"""The backups page: make, verify and restore backups; the automatic backup on close (GUI thread).

Every backup goes through ``service.backups.create`` (the command line's path too):
written, reopened and verified, then audited and entered in the disclosure register;
verifying and restoring a file go through ``storage/services/backups.py``
(``verify_file``, ``restore_file``), as ``vbedesk backup verify/restore`` do. The work
runs on the worker thread. Old automatic backups are never deleted silently: the page
says how many lie beyond the generations to keep and deletes them only when asked.

The page binds the widgets (``backups_view.BackupsView``, ``self.view``) to the state and
rules (``backups_presenter.BackupsPresenter``, ``self.presenter``): it opens the dialogs,
runs the jobs and passes their outcomes on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout, QWidget

from vbedesk.errors import VbedeskError
from vbedesk.i18n import _
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import CheckReport, VaultService
from vbedesk.storage.services.backups import BackupFile, BackupManifest
from vbedesk.ui.dialogs.backup_dialogs import AskPassphraseDialog, NewBackupDialog, RestoreDialog
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.page import Page
from vbedesk.ui.pages.backups_presenter import BackupsPresenter
from vbedesk.ui.pages.backups_view import BackupListModel, BackupsView
from vbedesk.ui.tasks import CancelToken, run_task


class BackupsPage(Page):
    """Säkerhetskopior: make, check and restore backups; the automatic backup on close."""

    page_id = "backups"
    #: The main window passes its keyring store (for the remembered backup passphrase).
    wants_store = True

    #: A backup was written (the status bar hears of it as a BACKUPS change event).
    backup_written = Signal()
    #: The coordinator chose to work in a restored vault now: its folder.
    open_vault_requested = Signal(object)
    #: A verification or restore ended: its translated message.
    message_shown = Signal(str)

    def __init__(
        self,
        service: VaultService,
        parent: QWidget | None = None,
        *,
        store: KeyringStore | None = None,
        kdf: KdfParams | None = None,
    ) -> None:
        super().__init__(service, parent)
        self.store = store if store is not None else KeyringStore()
        #: The key derivation of restored vaults' key files (``None``: calibrated).
        self.kdf = kdf
        self.presenter = BackupsPresenter(service, self.store)
        self.view = BackupsView()
        self.dialog: QWidget | None = None
        self.last_message = ""
        view = self.view
        view.choose_folder_button.clicked.connect(self.choose_folder)
        view.create_button.clicked.connect(self.create_backup)
        view.table.doubleClicked.connect(lambda _index: self.verify_selected())
        view.verify_button.clicked.connect(self.verify_selected)
        view.restore_button.clicked.connect(self.restore_selected)
        view.other_button.clicked.connect(self.choose_file)
        view.prune_button.clicked.connect(self.prune)
        view.check_button.clicked.connect(self.check_vault)
        view.auto_check.toggled.connect(self._auto_toggled)
        view.forget_button.clicked.connect(self.forget_passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        self.refresh()

    def title(self) -> str:
        return _("Backups")

    # -- showing -------------------------------------------------------------------------
    def folder(self) -> Path:
        return self.presenter.folder()

    def refresh(self) -> None:
        self.view.show_screen(self.presenter.screen())
        self._update_auto_label()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.view.show_buttons(self.presenter.buttons(self.selected() is not None))

    def _update_auto_label(self) -> None:
        self.view.show_auto(self.presenter.auto_text())

    def _set_busy(self, busy: bool) -> None:
        self.presenter.busy = busy
        self._update_buttons()

    def selected(self) -> BackupFile | None:
        return self.view.selected()

    def select_file(self, path: Path) -> bool:
        return self.view.select_file(path)

    def _show_result(self, text: str, *, error: bool = False) -> None:
        self.last_message = text
        self.view.show_result(text, error=error)
        self.message_shown.emit(text)

    def _failed(self, exc: BaseException) -> None:
        """A job ended in an error: the page is free again, and says why."""
        self._set_busy(False)
        self._show_result(error_text(exc), error=True)

    # -- folder --------------------------------------------------------------------------
    def choose_folder(self) -> None:
        dialog = QFileDialog(self, _("Backup folder"), str(self.folder()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        delete_when_finished(dialog)
        dialog.fileSelected.connect(self.set_folder)
        self.dialog = dialog
        dialog.open()

    def set_folder(self, path: str) -> None:
        """Keep ``path`` as the backup folder (a setting of the vault)."""
        try:
            self.presenter.set_folder(path)
        except VbedeskError as exc:
            self._show_result(error_text(exc), error=True)
            return
        self.refresh()

    # -- creating ------------------------------------------------------------------------
    def create_backup(self) -> NewBackupDialog | None:
        """Ask the backup passphrase twice, then write and verify on the worker thread."""
        if self.presenter.busy:
            return None
        dialog = NewBackupDialog(
            self,
            can_remember=self.store.is_available(),
            remember_reason=self.store.describe(_),
            destination=self.folder(),
        )
        delete_when_finished(dialog)
        dialog.chosen.connect(self._write_backup)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write_backup(self, passphrase: str, remember: bool) -> None:
        try:
            out = self.presenter.new_backup_path()
        except VbedeskError as exc:
            self._show_result(error_text(exc), error=True)
            return
        service = self.service
        self._set_busy(True)
        token = CancelToken()  # Avbryt stops it before its next step
        run_task(
            lambda: service.backups.create(out, passphrase, cancel=token),
            lambda manifest: self._written(out, manifest, passphrase if remember else ""),
            self._failed,
            self,
            progress_text=_("Writing and verifying the backup…"),
            token=token,
        )

    def _written(self, out: Path, manifest: BackupManifest, remember: str = "") -> None:
        self.presenter.busy = False
        self.refresh()
        self.select_file(out)
        text = self.presenter.written_text(out, manifest)
        if remember:
            # Kept only once the backup was made with it, and only in a secure keyring.
            try:
                self.presenter.remember_passphrase(remember)
            except VbedeskError as exc:
                text += "\n" + error_text(exc)
            self._update_auto_label()
        self._show_result(text)
        self.backup_written.emit()

    # -- verifying -----------------------------------------------------------------------
    def choose_file(self) -> None:
        """Pick a backup file elsewhere; it is added to the list's choice for this visit."""
        dialog = QFileDialog(self, _("Choose a backup"), str(self.folder()))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([_("VBE Desk backups (*.vbdk)"), _("All files (*)")])
        delete_when_finished(dialog)
        dialog.fileSelected.connect(lambda path: self.add_file(Path(path)))
        self.dialog = dialog
        dialog.open()

    def add_file(self, path: Path) -> bool:
        """Show a file from elsewhere in the list (for this visit) and choose it."""
        try:
            self.presenter.add_file(path)
        except VbedeskError as exc:
            self._show_result(error_text(exc), error=True)
            return False
        self.refresh()
        self.select_file(path)
        self._update_buttons()
        return True

    def verify_selected(self) -> AskPassphraseDialog | None:
        chosen = self.selected()
        return None if chosen is None else self.verify_file(chosen.path)

    def verify_file(self, path: Path) -> AskPassphraseDialog | None:
        """Ask the file's passphrase, then check it completely (nothing is written)."""
        if self.presenter.busy:
            return None
        dialog = AskPassphraseDialog(
            self,
            title=_("Verify a backup"),
            text=_("Backup: {name}").format(name=path.name),
            ok_text=_("&Verify"),
        )
        delete_when_finished(dialog)
        dialog.entered.connect(lambda passphrase: self._verify(path, passphrase))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _verify(self, path: Path, passphrase: str) -> None:
        verify = self.presenter.verify
        self._set_busy(True)
        run_task(
            lambda: verify(path, passphrase),
            lambda manifest: self._verified(path, manifest),
            self._failed,
            self,
            progress_text=_("Checking the backup…"),
        )

    def _verified(self, path: Path, manifest: BackupManifest) -> None:
        self._set_busy(False)
        self._show_result(self.presenter.verified_text(path, manifest))

    # -- checking the vault ----------------------------------------------------------------
    def check_vault(self) -> None:
        """Both integrity checks, the audit chain and the generation, on the worker thread."""
        if self.presenter.busy:
            return
        self._set_busy(True)
        self.view.show_check(_("Checking the vault…"))
        run_task(
            self.service.check,
            self._vault_checked,
            self._vault_check_failed,
            self,
            progress_text=_("Checking the vault…"),
        )

    def _vault_checked(self, report: CheckReport) -> None:
        self._set_busy(False)
        result = self.presenter.check_result(report, datetime.now(UTC))
        self.view.show_check(result.text, result.problems)
        self.message_shown.emit(self.view.check_label.text())

    def _vault_check_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.view.show_check(_("The check could not be completed."), error_text(exc))

    # -- restoring -----------------------------------------------------------------------
    def restore_selected(self) -> RestoreDialog | None:
        chosen = self.selected()
        return None if chosen is None else self.restore_file(chosen.path)

    def restore_file(self, path: Path) -> RestoreDialog:
        """The restore dialog for ``path``, into a new folder beside the vault's."""
        dialog = RestoreDialog(
            path, self.presenter.restore_target(), self, kdf=self.kdf, service=self.service
        )
        delete_when_finished(dialog)
        dialog.restored.connect(self._restored)
        dialog.open_requested.connect(self.open_vault_requested)
        self.dialog = dialog
        dialog.open()
        dialog.view.backup_passphrase.setFocus()
        return dialog

    def _restored(self, target: Path) -> None:
        self._show_result(self.presenter.restored_text(target))

    # -- the automatic backup ------------------------------------------------------------
    def _auto_toggled(self, checked: bool) -> None:
        try:
            self.presenter.set_auto_backup(checked)
        except VbedeskError as exc:
            self._show_result(error_text(exc), error=True)
        self._update_auto_label()

    def forget_passphrase(self) -> None:
        self.presenter.forget_passphrase()
        self._update_auto_label()

    def prune(self) -> QMessageBox | None:
        """Offer to delete the automatic backups beyond the generations to keep."""
        question = self.presenter.prune_question()
        if question is None:
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Delete older backups"))
        box.setText(question.text)
        box.setInformativeText(question.names)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName(box.windowTitle())
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(result: int) -> None:
            # Deleted here, not by WA_DeleteOnClose: PySide6 crashes when a box deletes
            # itself on close while its owner goes away in the same event loop turn.
            box.deleteLater()
            if result == QMessageBox.StandardButton.Yes:
                self._prune_answered(question.paths)

        box.finished.connect(answered)
        self.dialog = box
        box.open()
        return box

    def _prune_answered(self, paths: list[Path]) -> None:
        text = self.presenter.delete(paths)
        self.refresh()
        self._show_result(text)


__all__ = ["BackupListModel", "BackupsPage"]
