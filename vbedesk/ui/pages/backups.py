"""The backups page: make, verify and restore backups; the automatic backup on close (GUI thread).

Every backup goes through ``VaultService.create_backup`` (the command line's path too):
written, reopened and verified, then audited and entered in the disclosure register. The
work runs on the worker thread. Old automatic backups are never deleted silently: the
page says how many lie beyond the generations to keep and deletes them only when asked.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import VbedeskError
from vbedesk.i18n import N_, _, ngettext
from vbedesk.storage.backup import (
    BackupFile,
    BackupManifest,
    backup_name,
    list_backups,
    surplus_generations,
    verify_backup,
)
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import CheckReport, VaultService, check_lines
from vbedesk.ui.dialogs.backup_dialogs import (
    AskPassphraseDialog,
    NewBackupDialog,
    RestoreDialog,
    local_time,
    manifest_summary,
)
from vbedesk.ui.dialogs.first_run import error_label, show_error
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.page import Page
from vbedesk.ui.status import backup_age_text
from vbedesk.ui.tasks import run_task

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex


def backup_folder(service: VaultService) -> Path:
    """The backup folder from the settings, or the default beside the vault."""
    return service.backups.folder()


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 100 * 1024 else f"{size / 1024:.0f} kB"


class BackupListModel(QAbstractTableModel):
    """The backups in the folder: name, written, size, kind. Immutable rows."""

    COL_NAME, COL_WRITTEN, COL_SIZE, COL_KIND = range(4)
    HEADERS = (N_("File"), N_("Written"), N_("Size"), N_("Kind"))

    def __init__(self, files: list[BackupFile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._files = list(files)

    def set_files(self, files: list[BackupFile]) -> None:
        self.beginResetModel()
        self._files = list(files)
        self.endResetModel()

    def files(self) -> list[BackupFile]:
        return list(self._files)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._files)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def text(self, row: int, column: int) -> str:
        f = self._files[row]
        if column == self.COL_NAME:
            return f.path.name
        if column == self.COL_WRITTEN:
            return local_time(f.modified)
        if column == self.COL_SIZE:
            return _size_text(f.size)
        return _("automatic") if f.automatic else _("by hand")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(self._files[index.row()].path)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section])
        return None


class BackupsPage(Page):
    """Säkerhetskopior: make, check and restore backups; the automatic backup on close."""

    page_id = "backups"
    #: The main window passes its keyring store (for the remembered backup passphrase).
    wants_store = True

    #: A backup was written (the status bar shows its time).
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
        allow_test_params: bool = False,
    ) -> None:
        super().__init__(service, parent)
        self.store = store if store is not None else KeyringStore()
        self.kdf = kdf
        self.allow_test_params = allow_test_params
        self.dialog: QWidget | None = None
        self._busy = False
        self.last_message = ""
        #: Files chosen from elsewhere during this visit ("Other file…").
        self._extra: list[BackupFile] = []

        heading = QLabel(_("Backups"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(
            _(
                "A backup is one encrypted file under its own passphrase. Keep backups on a "
                "drive apart from this computer; a restore always makes a new vault."
            )
        )
        intro.setWordWrap(True)

        # -- the folder and making a backup
        make = QGroupBox(_("Make a backup"))
        self.folder_edit = QLineEdit()
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setAccessibleName(_("Backup folder"))
        folder_caption = QLabel(_("Backup &folder:"))
        folder_caption.setBuddy(self.folder_edit)
        self.choose_folder_button = QPushButton(_("C&hoose folder…"))
        self.choose_folder_button.setAccessibleName(_("Choose the backup folder"))
        self.choose_folder_button.clicked.connect(self.choose_folder)
        self.create_button = QPushButton(_("&Make a backup now…"))
        self.create_button.setAccessibleName(_("Make a backup now"))
        self.create_button.clicked.connect(self.create_backup)
        self.last_label = QLabel()
        self.last_label.setAccessibleName(_("Latest backup"))
        frow = QHBoxLayout()
        frow.addWidget(folder_caption)
        frow.addWidget(self.folder_edit, 1)
        frow.addWidget(self.choose_folder_button)
        mrow = QHBoxLayout()
        mrow.addWidget(self.create_button)
        mrow.addWidget(self.last_label, 1)
        ml = QVBoxLayout(make)
        ml.addLayout(frow)
        ml.addLayout(mrow)

        # -- the backups in the folder
        listed = QGroupBox(_("Backups in the folder"))
        self.model = BackupListModel([], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Backups in the folder"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(BackupListModel.COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in (BackupListModel.COL_WRITTEN, BackupListModel.COL_SIZE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.verify_selected())
        self.verify_button = QPushButton(_("&Verify…"))
        self.verify_button.setAccessibleName(_("Verify the chosen backup"))
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button = QPushButton(_("&Restore into a new vault…"))
        self.restore_button.setAccessibleName(_("Restore the chosen backup into a new vault"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.other_button = QPushButton(_("&Other file…"))
        self.other_button.setAccessibleName(_("Verify or restore another file"))
        self.other_button.clicked.connect(self.choose_file)
        self.surplus_label = QLabel()
        self.surplus_label.setWordWrap(True)
        self.surplus_label.setAccessibleName(_("Older automatic backups"))
        self.prune_button = QPushButton(_("&Delete the older automatic backups…"))
        self.prune_button.setAccessibleName(_("Delete the older automatic backups"))
        self.prune_button.clicked.connect(self.prune)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName(_("Result"))
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.error_label = error_label(_("Error"))
        brow = QHBoxLayout()
        brow.addWidget(self.verify_button)
        brow.addWidget(self.restore_button)
        brow.addWidget(self.other_button)
        brow.addStretch(1)
        prow = QHBoxLayout()
        prow.addWidget(self.surplus_label, 1)
        prow.addWidget(self.prune_button)
        ll = QVBoxLayout(listed)
        ll.addWidget(self.table, 1)
        ll.addLayout(brow)
        ll.addLayout(prow)
        ll.addWidget(self.result_label)
        ll.addWidget(self.error_label)

        # -- checking the open vault itself (what `vbedesk check` does)
        checked = QGroupBox(_("Check this vault"))
        self.check_button = QPushButton(_("Chec&k the vault"))
        self.check_button.setAccessibleName(_("Check the vault"))
        self.check_button.setToolTip(
            _(
                "Reads every page of the vault and verifies the audit log's chain and the "
                "generation; nothing is changed."
            )
        )
        self.check_button.clicked.connect(self.check_vault)
        # Short lines, one a part of the check (as `vbedesk check` prints them).
        self.check_label = QLabel(_("Not checked during this session."))
        self.check_label.setAccessibleName(_("Result of the vault check"))
        self.check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.check_error = error_label(_("The vault check found problems"))
        crow = QHBoxLayout()
        crow.addWidget(self.check_button)
        crow.addStretch(1)
        cl = QVBoxLayout(checked)
        cl.addLayout(crow)
        cl.addWidget(self.check_label)
        cl.addWidget(self.check_error)

        # -- the automatic backup on close
        auto = QGroupBox(_("Automatic backup on close"))
        self.auto_check = QCheckBox(_("Make an &automatic backup when the program closes"))
        self.auto_check.setAccessibleName(_("Make an automatic backup when the program closes"))
        self.auto_check.toggled.connect(self._auto_toggled)
        self.auto_label = QLabel()
        self.auto_label.setWordWrap(True)
        self.auto_label.setAccessibleName(_("How the automatic backup gets its passphrase"))
        self.forget_button = QPushButton(_("Forge&t the remembered backup passphrase"))
        self.forget_button.setAccessibleName(_("Forget the remembered backup passphrase"))
        self.forget_button.clicked.connect(self.forget_passphrase)
        al = QVBoxLayout(auto)
        al.addWidget(self.auto_check)
        al.addWidget(self.auto_label)
        arow = QHBoxLayout()
        arow.addWidget(self.forget_button)
        arow.addStretch(1)
        al.addLayout(arow)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(make)
        layout.addWidget(listed, 1)
        layout.addWidget(checked)
        layout.addWidget(auto)
        self.refresh()

    def title(self) -> str:
        return _("Backups")

    # -- showing -------------------------------------------------------------------------
    def folder(self) -> Path:
        return backup_folder(self.service)

    def refresh(self) -> None:
        settings = self.service.settings()
        folder = self.folder()
        self.folder_edit.setText(str(folder))
        self.folder_edit.setToolTip(str(folder))
        files = list_backups(folder)
        files += [f for f in self._extra if f.path not in {g.path for g in files}]
        self.model.set_files(files)
        if files:
            self.table.selectRow(0)
        status = self.service.backups.status()
        text, _old = backup_age_text(status.last, datetime.now(UTC))
        self.last_label.setText(text)
        surplus = surplus_generations(list_backups(folder), settings.backup_generations)
        if surplus:
            self.surplus_label.setText(
                ngettext(
                    "{n} automatic backup is older than the {keep} to keep; it is deleted "
                    "only when you ask.",
                    "{n} automatic backups are older than the {keep} to keep; they are "
                    "deleted only when you ask.",
                    len(surplus),
                ).format(n=len(surplus), keep=settings.backup_generations)
            )
        else:
            self.surplus_label.setText(
                _("Automatic backups kept: up to {keep}.").format(keep=settings.backup_generations)
            )
        self.prune_button.setEnabled(bool(surplus))
        self.auto_check.blockSignals(True)
        self.auto_check.setChecked(settings.auto_backup)
        self.auto_check.blockSignals(False)
        self._update_auto_label()
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.create_button.setEnabled(not self._busy)
        self.verify_button.setEnabled(not self._busy and chosen)
        self.restore_button.setEnabled(not self._busy and chosen)
        self.other_button.setEnabled(not self._busy)
        self.check_button.setEnabled(not self._busy)

    def _update_auto_label(self) -> None:
        vault_id = self.service.vault_id
        remembered = self.store.get_backup_passphrase(vault_id) is not None
        if remembered:
            text = _(
                "The backup passphrase is remembered in the system keyring; the automatic "
                "backup needs no question."
            )
        elif self.store.is_available():
            text = _(
                "No backup passphrase is remembered: the program asks for it when it closes. "
                "Tick “remember” when you make a backup to stop the question."
            )
        else:
            text = _(
                "No secure keyring on this computer: the program asks for the backup "
                "passphrase when it closes (or skips the backup if you choose so)."
            )
        self.auto_label.setText(text)
        self.forget_button.setEnabled(remembered)

    def selected(self) -> BackupFile | None:
        rows = self.table.selectionModel().selectedRows()
        files = self.model.files()
        if not rows or not 0 <= rows[0].row() < len(files):
            return None
        return files[rows[0].row()]

    def select_file(self, path: Path) -> bool:
        for row, f in enumerate(self.model.files()):
            if f.path == path:
                self.table.selectRow(row)
                return True
        return False

    def _show_result(self, text: str, *, error: bool = False) -> None:
        self.last_message = text
        if error:
            self.result_label.clear()
            show_error(self.error_label, text)
        else:
            show_error(self.error_label, "")
            self.result_label.setText(text)
        self.message_shown.emit(text)

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
            self.service.set_setting("backup_folder", path)
        except VbedeskError as exc:
            self._show_result(error_text(exc), error=True)
            return
        self.refresh()

    # -- creating ------------------------------------------------------------------------
    def create_backup(self) -> NewBackupDialog | None:
        """Ask the backup passphrase twice, then write and verify on the worker thread."""
        if self._busy:
            return None
        reason = self.store.describe(_)
        dialog = NewBackupDialog(
            self,
            can_remember=self.store.is_available(),
            remember_reason=reason,
            destination=self.folder(),
        )
        delete_when_finished(dialog)
        dialog.chosen.connect(self._write_backup)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write_backup(self, passphrase: str, remember: bool) -> None:
        folder = self.folder()
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            self._show_result(
                _("The folder {path} cannot be used ({kind}).").format(
                    path=folder, kind=type(exc).__name__
                ),
                error=True,
            )
            return
        out = folder / backup_name(datetime.now(UTC))
        service = self.service
        self._busy = True
        self._update_buttons()
        run_task(
            lambda: service.backups.create(out, passphrase),
            lambda manifest: self._written(out, manifest, passphrase if remember else ""),
            self._write_failed,
            self,
            progress_text=_("Writing and verifying the backup…"),
        )

    def _written(self, out: Path, manifest: BackupManifest, remember: str = "") -> None:
        self._busy = False
        self.refresh()
        self.select_file(out)
        text = (
            _("Backup written and verified: {path}").format(path=out)
            + "\n"
            + manifest_summary(manifest)
        )
        if remember:
            # Kept only once the backup was made with it, and only in a secure keyring.
            try:
                self.store.set_backup_passphrase(self.service.vault_id, remember)
            except VbedeskError as exc:
                text += "\n" + error_text(exc)
            self._update_auto_label()
        self._show_result(text)
        self.backup_written.emit()

    def _write_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_buttons()
        self._show_result(error_text(exc), error=True)

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
            stat = path.stat()
        except OSError:
            self._show_result(
                _("The file {name} does not exist.").format(name=path.name), error=True
            )
            return False
        if path not in [f.path for f in self._extra]:
            self._extra.append(
                BackupFile(path, datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size)
            )
        self.refresh()
        self.select_file(path)
        self._update_buttons()
        return True

    def verify_selected(self) -> AskPassphraseDialog | None:
        chosen = self.selected()
        return None if chosen is None else self.verify_file(chosen.path)

    def verify_file(self, path: Path) -> AskPassphraseDialog | None:
        """Ask the file's passphrase, then check it completely (nothing is written)."""
        if self._busy:
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
        allow = self.allow_test_params
        self._busy = True
        self._update_buttons()
        run_task(
            lambda: verify_backup(path, passphrase, allow_test_params=allow),
            lambda manifest: self._verified(path, manifest),
            self._verify_failed,
            self,
            progress_text=_("Checking the backup…"),
        )

    def _verified(self, path: Path, manifest: BackupManifest) -> None:
        self._busy = False
        self._update_buttons()
        self._show_result(
            _("The backup is intact: {path}").format(path=path.name)
            + "\n"
            + manifest_summary(manifest)
        )

    def _verify_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_buttons()
        self._show_result(error_text(exc), error=True)

    # -- checking the vault ----------------------------------------------------------------
    def check_vault(self) -> None:
        """Both integrity checks, the audit chain and the generation, on the worker thread."""
        if self._busy:
            return
        self._busy = True
        self._update_buttons()
        show_error(self.check_error, "")
        self.check_label.setText(_("Checking the vault…"))
        run_task(
            self.service.check,
            self._vault_checked,
            self._vault_check_failed,
            self,
            progress_text=_("Checking the vault…"),
        )

    def _vault_checked(self, report: CheckReport) -> None:
        self._busy = False
        self._update_buttons()
        lines = check_lines(report)
        stamp = local_time(datetime.now(UTC))
        if report.ok:
            self.check_label.setText(
                _("The vault is sound (checked {when}).").format(when=stamp)
                + "\n"
                + "\n".join(lines)
            )
        else:
            self.check_label.setText(_("Checked {when}.").format(when=stamp))
            advice = (
                _(
                    "The vault is an older copy than the one last used. If that is intended, "
                    "keep working with it from the Overview page; otherwise find the newer copy."
                )
                if report.only_older_copy
                else _("The vault failed its checks; restore from a backup and keep this copy.")
            )
            show_error(self.check_error, "\n".join([*lines, advice]))
        self.message_shown.emit(self.check_label.text())

    def _vault_check_failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_buttons()
        self.check_label.setText(_("The check could not be completed."))
        show_error(self.check_error, error_text(exc))

    # -- restoring -----------------------------------------------------------------------
    def restore_selected(self) -> RestoreDialog | None:
        chosen = self.selected()
        return None if chosen is None else self.restore_file(chosen.path)

    def restore_file(self, path: Path) -> RestoreDialog:
        vault_folder = self.service.folder
        target = vault_folder.parent / f"{vault_folder.name}-restored-{date.today().isoformat()}"
        n = 2
        while target.exists():
            target = target.with_name(
                f"{vault_folder.name}-restored-{date.today().isoformat()}-{n}"
            )
            n += 1
        dialog = RestoreDialog(
            path, target, self, kdf=self.kdf, allow_test_params=self.allow_test_params
        )
        delete_when_finished(dialog)
        dialog.restored.connect(self._restored)
        dialog.open_requested.connect(self.open_vault_requested)
        self.dialog = dialog
        dialog.open()
        dialog.backup_passphrase.setFocus()
        return dialog

    def _restored(self, target: Path) -> None:
        self.service.record_event("backup.restore", "backup", target.name[:60])
        self._show_result(_("Restored into a new vault: {path}").format(path=target))

    # -- the automatic backup ------------------------------------------------------------
    def _auto_toggled(self, checked: bool) -> None:
        try:
            self.service.set_setting("auto_backup", checked)
        except VbedeskError as exc:
            self._show_result(error_text(exc), error=True)
        self._update_auto_label()

    def forget_passphrase(self) -> None:
        self.store.delete_backup_passphrase(self.service.vault_id)
        self._update_auto_label()

    def prune(self) -> QMessageBox | None:
        """Offer to delete the automatic backups beyond the generations to keep."""
        settings = self.service.settings()
        surplus = surplus_generations(list_backups(self.folder()), settings.backup_generations)
        if not surplus:
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Delete older backups"))
        box.setText(
            ngettext(
                "Delete {n} automatic backup older than the newest {keep}?",
                "Delete {n} automatic backups older than the newest {keep}?",
                len(surplus),
            ).format(n=len(surplus), keep=settings.backup_generations)
        )
        box.setInformativeText("\n".join(f.path.name for f in surplus[:20]))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName(box.windowTitle())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        paths = [f.path for f in surplus]

        def answered(result: int) -> None:
            # Deleted here, not by WA_DeleteOnClose: PySide6 crashes when a box deletes
            # itself on close while its owner goes away in the same event loop turn.
            box.deleteLater()
            if result == QMessageBox.StandardButton.Yes:
                self._prune_answered(paths)

        box.finished.connect(answered)
        self.dialog = box
        box.open()
        return box

    def _prune_answered(self, paths: list[Path]) -> None:
        deleted = 0
        for path in paths:
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("could not delete an old backup (%s)", type(exc).__name__)
                continue
            deleted += 1
        if deleted:
            self.service.backups.record_deleted(deleted)
        self.refresh()
        self._show_result(
            ngettext("{n} old backup deleted.", "{n} old backups deleted.", deleted).format(
                n=deleted
            )
        )


__all__ = ["BackupListModel", "BackupsPage", "backup_folder"]
