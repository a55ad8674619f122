"""Dialogs of the backups page: a new backup passphrase, a passphrase asked, a restore (GUI thread).

Key derivation, verification and the restore itself run on the worker thread
(``ui.tasks``). Every dialog is opened with ``open()`` and reports through signals, so a
lock can close it; a dialog that closes forgets the passphrases typed into it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import N_, _
from vbedesk.storage.backup import BackupManifest, restore_backup, verify_backup
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.vault import synced_folder_marker
from vbedesk.ui.dialogs.first_run import PassphraseFields, error_label, heading_label, show_error
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.tasks import run_task

#: Table names of the manifest's counts, in words (the rest are shown by their name).
COUNT_LABELS = {
    "incident": N_("Incidents"),
    "action_plan": N_("Action plans"),
    "activity": N_("Activities"),
    "followup": N_("Follow-ups"),
    "training_count": N_("Training counts"),
    "contact": N_("Contacts"),
    "case_log": N_("Case logs"),
    "audit_log": N_("Audit log rows"),
}


def local_time(value: datetime) -> str:
    """A stored UTC time as the coordinator reads it: local, ISO, to the minute."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def manifest_summary(manifest: BackupManifest) -> str:
    """The backup's own account of itself: created when, generation, row counts."""
    lines = [
        _("Created: {when}").format(when=local_time(manifest.created)),
        _("Generation: {n}").format(n=manifest.generation),
        _("Schema version: {v}").format(v=manifest.schema_version),
        _("Vault id: {id}").format(id=manifest.vault_id),
    ]
    for table, n in sorted(manifest.counts.items()):
        label = COUNT_LABELS.get(table)
        if label is not None:
            lines.append(f"{_(label)}: {n}")
    return "\n".join(lines)


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


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
        self.edit = _password_edit(_("Backup passphrase"))
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

    The open vault is never touched. The restored vault is closed again at the end; its
    new recovery key is shown once.
    """

    #: The restore finished: the new vault's folder.
    restored = Signal(object)
    #: The coordinator chose to work in the restored vault now: its folder.
    open_requested = Signal(object)

    PAGE_CHECK, PAGE_TARGET, PAGE_DONE = range(3)

    def __init__(
        self,
        backup: Path,
        default_target: Path,
        parent: QWidget | None = None,
        *,
        kdf: KdfParams | None = None,
        allow_test_params: bool = False,
    ) -> None:
        super().__init__(parent)
        self.backup = backup
        self._kdf = kdf
        self._allow_test = allow_test_params
        self._passphrase = ""
        self.manifest: BackupManifest | None = None
        self.target: Path | None = None
        self._busy = False
        self.setWindowTitle(_("Restore a backup"))
        self.setAccessibleName(_("Restore a backup"))
        self.setWindowModality(Qt.WindowModality.WindowModal)

        # Page 1: the backup's passphrase, checked, and what the backup holds.
        check = QWidget()
        file_label = QLabel(_("Backup: {name}").format(name=backup.name))
        file_label.setToolTip(str(backup))
        file_label.setWordWrap(True)
        self.backup_passphrase = _password_edit(_("Backup passphrase"))
        caption = QLabel(_("Backup &passphrase:"))
        caption.setBuddy(self.backup_passphrase)
        self.check_button = QPushButton(_("Chec&k the backup"))
        self.check_button.setAccessibleName(_("Check the backup"))
        self.check_button.clicked.connect(self.check)
        self.backup_passphrase.returnPressed.connect(self.check)
        self.check_error = error_label(_("Why the backup was not accepted"))
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.backup_passphrase, 1)
        row.addWidget(self.check_button)
        cl = QVBoxLayout(check)
        cl.addWidget(heading_label(_("Restore a backup")))
        cl.addWidget(
            _wrapped(
                _(
                    "A restore always makes a new vault; the open vault is not changed. "
                    "First the backup is checked completely."
                )
            )
        )
        cl.addWidget(file_label)
        cl.addLayout(row)
        cl.addWidget(self.check_error)
        cl.addStretch(1)

        # Page 2: the summary, the new folder and the new vault's passphrase.
        target = QWidget()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName(_("What the backup holds"))
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.summary_label.setStyleSheet(
            "QLabel { border: 1px solid palette(mid); padding: 8px; background: palette(base); }"
        )
        self.target_edit = QLineEdit(str(default_target))
        self.target_edit.setAccessibleName(_("Folder of the restored vault"))
        target_caption = QLabel(_("New &folder:"))
        target_caption.setBuddy(self.target_edit)
        self.browse_button = QPushButton(_("C&hoose…"))
        self.browse_button.setAccessibleName(_("Choose a folder"))
        self.browse_button.clicked.connect(self._browse)
        trow = QHBoxLayout()
        trow.addWidget(target_caption)
        trow.addWidget(self.target_edit, 1)
        trow.addWidget(self.browse_button)
        self.new_fields = PassphraseFields()
        self.restore_error = error_label(_("Why the backup was not restored"))
        tl = QVBoxLayout(target)
        tl.addWidget(heading_label(_("The backup is intact")))
        tl.addWidget(self.summary_label)
        tl.addLayout(trow)
        tl.addWidget(_wrapped(_("Passphrase of the restored vault:")))
        tl.addWidget(self.new_fields)
        tl.addWidget(self.restore_error)
        tl.addStretch(1)
        self.target_edit.textChanged.connect(self._update_buttons)
        self.new_fields.changed.connect(self._update_buttons)

        # Page 3: where it is, and the new recovery key (shown once).
        done = QWidget()
        self.done_label = _wrapped("")
        self.done_label.setAccessibleName(_("Restored"))
        self.key_label = QLabel()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.4)
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.key_label.setAccessibleName(_("Recovery key of the restored vault"))
        dl = QVBoxLayout(done)
        dl.addWidget(heading_label(_("Restored")))
        dl.addWidget(self.done_label)
        dl.addWidget(
            _wrapped(
                _(
                    "The restored vault has a new recovery key. Write it down now and keep "
                    "it in the safe; it is shown only this once."
                )
            )
        )
        dl.addWidget(self.key_label)
        dl.addStretch(1)

        self.pages = QStackedWidget()
        for page in (check, target, done):
            self.pages.addWidget(page)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setAccessibleName(_("Working"))
        self.busy_bar.hide()
        self.restore_button = QPushButton(_("Res&tore"))
        self.restore_button.setAccessibleName(_("Restore"))
        self.restore_button.clicked.connect(self.restore)
        self.open_button = QPushButton(_("&Open the restored vault"))
        self.open_button.setAccessibleName(_("Open the restored vault"))
        self.open_button.setToolTip(
            _("Locks this vault and asks for the passphrase of the restored one.")
        )
        self.open_button.clicked.connect(self._open_restored)
        self.close_button = QPushButton(_("&Cancel"))
        self.close_button.setAccessibleName(_("Cancel"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy_bar, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(640, 560)
        self._update_buttons()

    # -- state ---------------------------------------------------------------------------
    def current_page(self) -> int:
        return self.pages.currentIndex()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        self.pages.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.current_page()
        self.restore_button.setVisible(page == self.PAGE_TARGET)
        self.open_button.setVisible(page == self.PAGE_DONE and self.target is not None)
        self.restore_button.setEnabled(
            not self._busy
            and bool(self.target_edit.text().strip())
            and self.new_fields.is_acceptable()
        )
        self.check_button.setEnabled(not self._busy)
        self.close_button.setEnabled(not self._busy)
        text = _("&Close") if page == self.PAGE_DONE else _("&Cancel")
        self.close_button.setText(text)
        self.close_button.setAccessibleName(text.replace("&", ""))

    def _browse(self) -> None:
        dialog = QFileDialog(self, _("Folder of the restored vault"), str(self._target().parent))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        delete_when_finished(dialog)
        dialog.fileSelected.connect(lambda path: self.target_edit.setText(path))
        dialog.open()

    def _target(self) -> Path:
        return Path(self.target_edit.text().strip()).expanduser()

    # -- step 1: check -------------------------------------------------------------------
    def check(self) -> None:
        """Verify the backup with the typed passphrase (worker thread); then the summary."""
        passphrase = self.backup_passphrase.text()
        if self._busy or not passphrase:
            return
        show_error(self.check_error, "")
        self._set_busy(True)
        path, allow = self.backup, self._allow_test
        run_task(
            lambda: verify_backup(path, passphrase, allow_test_params=allow),
            lambda manifest: self._checked(manifest, passphrase),
            self._check_failed,
            self,
        )

    def _checked(self, manifest: BackupManifest, passphrase: str) -> None:
        self._set_busy(False)
        self.manifest = manifest
        self._passphrase = passphrase
        self.backup_passphrase.clear()
        self.summary_label.setText(manifest_summary(manifest))
        self.pages.setCurrentIndex(self.PAGE_TARGET)
        self.new_fields.first.setFocus()
        self._update_buttons()

    def _check_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.check_error, error_text(exc))
        self.backup_passphrase.selectAll()
        self.backup_passphrase.setFocus()

    # -- step 2: restore -----------------------------------------------------------------
    def target_problem(self) -> str | None:
        target = self._target()
        marker = synced_folder_marker(target)
        if marker:
            return _(
                "This folder seems to be synced by {marker}. The vault must live on the local "
                "disk only, never in a synced folder: choose another one."
            ).format(marker=marker)
        return None

    def restore(self) -> None:
        if self._busy or self.manifest is None or not self.new_fields.is_acceptable():
            return
        problem = self.target_problem()
        if problem:
            show_error(self.restore_error, problem)
            return
        show_error(self.restore_error, "")
        path, passphrase, target = self.backup, self._passphrase, self._target()
        new_passphrase = self.new_fields.passphrase()
        kdf, allow = self._kdf, self._allow_test

        def work() -> str:
            vault, recovery = restore_backup(
                path,
                passphrase,
                target,
                new_passphrase=new_passphrase,
                kdf=kdf,
                allow_test_params=allow,
            )
            vault.close()  # one vault open at a time: this one is opened later, by choice
            return recovery

        self._set_busy(True)
        run_task(work, lambda key: self._restored(target, key), self._restore_failed, self)

    def _restored(self, target: Path, recovery_key: str) -> None:
        self._set_busy(False)
        self._passphrase = ""
        self.new_fields.clear()
        self.target = target
        self.done_label.setText(
            _(
                "The backup was restored into a new vault in {path}. Open it with the "
                "button below, or later by starting VBE Desk with that folder (vbedesk gui "
                "--vault \u201c{path}\u201d)."
            ).format(path=target)
        )
        self.key_label.setText(recovery_key)
        self.pages.setCurrentIndex(self.PAGE_DONE)
        self._update_buttons()
        self.close_button.setFocus()
        self.restored.emit(target)

    def _open_restored(self) -> None:
        if self.target is None:
            return
        target = self.target
        self.accept()
        self.open_requested.emit(target)

    def _restore_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.restore_error, error_text(exc))

    # -- closing -------------------------------------------------------------------------
    def reject(self) -> None:
        if self._busy:
            return  # a restore is written to a staging folder; it cannot be left half done
        super().reject()

    def done(self, result: int) -> None:
        self._passphrase = ""
        self.backup_passphrase.clear()
        self.new_fields.clear()
        self.key_label.clear()
        super().done(result)


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


__all__ = [
    "AskPassphraseDialog",
    "NewBackupDialog",
    "RestoreDialog",
    "local_time",
    "manifest_summary",
]
