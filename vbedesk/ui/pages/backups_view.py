"""The backups page's widgets and layout, and nothing else (GUI thread).

``BackupsView`` builds the four groups of the Säkerhetskopior page (making a backup, the
backups in the folder, checking this vault, the automatic backup on close) and shows
what it is given; ``BackupListModel`` lists the files. The behaviour is in
``pages/backups.py`` (binding) and ``pages/backups_presenter.py`` (state and rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import N_, _
from vbedesk.storage.services.backups import BackupFile
from vbedesk.ui.dialogs.backup_flow import local_time
from vbedesk.ui.dialogs.first_run import error_label, show_error
from vbedesk.ui.models.plan_models import RowTableModel
from vbedesk.ui.page import heading_font
from vbedesk.ui.pages.backups_presenter import AutoBackupText, BackupButtons, BackupsScreen
from vbedesk.ui.widgets.layouts import labelled_row
from vbedesk.ui.widgets.tables import read_only_rows


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 100 * 1024 else f"{size / 1024:.0f} kB"


class BackupListModel(RowTableModel[BackupFile]):
    """The backups in the folder: name, written, size, kind. Immutable rows."""

    COL_NAME, COL_WRITTEN, COL_SIZE, COL_KIND = range(4)
    HEADERS = (N_("File"), N_("Written"), N_("Size"), N_("Kind"))

    def set_files(self, files: list[BackupFile]) -> None:
        self.set_rows(files)

    def files(self) -> list[BackupFile]:
        return list(self.rows())

    def headers(self) -> Sequence[str]:
        return [_(header) for header in self.HEADERS]

    def cell(self, row: BackupFile, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_NAME:
                return row.path.name
            if column == self.COL_WRITTEN:
                return local_time(row.modified)
            if column == self.COL_SIZE:
                return _size_text(row.size)
            return _("automatic") if row.automatic else _("by hand")
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(row.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BackupsView(QWidget):
    """The Säkerhetskopior page's widgets: four groups under a heading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = heading_font(QLabel(_("Backups")), 1.5)
        intro = QLabel(
            _(
                "A backup is one encrypted file under its own passphrase. Keep backups on a "
                "drive apart from this computer; a restore always makes a new vault."
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self._make_group())
        layout.addWidget(self._list_group(), 1)
        layout.addWidget(self._check_group())
        layout.addWidget(self._auto_group())

    def _make_group(self) -> QGroupBox:
        """The backup folder and making a backup."""
        group = QGroupBox(_("Make a backup"))
        self.folder_edit = QLineEdit()
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setAccessibleName(_("Backup folder"))
        self.choose_folder_button = QPushButton(_("C&hoose folder…"))
        self.choose_folder_button.setAccessibleName(_("Choose the backup folder"))
        self.create_button = QPushButton(_("&Make a backup now…"))
        self.create_button.setAccessibleName(_("Make a backup now"))
        self.last_label = QLabel()
        self.last_label.setAccessibleName(_("Latest backup"))
        frow = labelled_row(_("Backup &folder:"), self.folder_edit, self.choose_folder_button)
        mrow = QHBoxLayout()
        mrow.addWidget(self.create_button)
        mrow.addWidget(self.last_label, 1)
        layout = QVBoxLayout(group)
        layout.addLayout(frow)
        layout.addLayout(mrow)
        return group

    def _list_group(self) -> QGroupBox:
        """The backups in the folder, what can be done with one, the older generations."""
        group = QGroupBox(_("Backups in the folder"))
        self.model = BackupListModel([], self)
        self.table = QTableView()
        read_only_rows(self.table, self.model, _("Backups in the folder"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(BackupListModel.COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in (BackupListModel.COL_WRITTEN, BackupListModel.COL_SIZE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.verify_button = QPushButton(_("&Verify…"))
        self.verify_button.setAccessibleName(_("Verify the chosen backup"))
        self.restore_button = QPushButton(_("&Restore into a new vault…"))
        self.restore_button.setAccessibleName(_("Restore the chosen backup into a new vault"))
        self.other_button = QPushButton(_("&Other file…"))
        self.other_button.setAccessibleName(_("Verify or restore another file"))
        self.surplus_label = QLabel()
        self.surplus_label.setWordWrap(True)
        self.surplus_label.setAccessibleName(_("Older automatic backups"))
        self.prune_button = QPushButton(_("&Delete the older automatic backups…"))
        self.prune_button.setAccessibleName(_("Delete the older automatic backups"))
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
        layout = QVBoxLayout(group)
        layout.addWidget(self.table, 1)
        layout.addLayout(brow)
        layout.addLayout(prow)
        layout.addWidget(self.result_label)
        layout.addWidget(self.error_label)
        return group

    def _check_group(self) -> QGroupBox:
        """Checking the open vault itself (what ``vbedesk check`` does)."""
        group = QGroupBox(_("Check this vault"))
        self.check_button = QPushButton(_("Chec&k the vault"))
        self.check_button.setAccessibleName(_("Check the vault"))
        self.check_button.setToolTip(
            _(
                "Reads every page of the vault and verifies the audit log's chain and the "
                "generation; nothing is changed."
            )
        )
        # Short lines, one a part of the check (as `vbedesk check` prints them).
        self.check_label = QLabel(_("Not checked during this session."))
        self.check_label.setAccessibleName(_("Result of the vault check"))
        self.check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.check_error = error_label(_("The vault check found problems"))
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addStretch(1)
        layout = QVBoxLayout(group)
        layout.addLayout(row)
        layout.addWidget(self.check_label)
        layout.addWidget(self.check_error)
        return group

    def _auto_group(self) -> QGroupBox:
        """The automatic backup on close and its remembered passphrase."""
        group = QGroupBox(_("Automatic backup on close"))
        self.auto_check = QCheckBox(_("Make an &automatic backup when the program closes"))
        self.auto_check.setAccessibleName(_("Make an automatic backup when the program closes"))
        self.auto_label = QLabel()
        self.auto_label.setWordWrap(True)
        self.auto_label.setAccessibleName(_("How the automatic backup gets its passphrase"))
        self.forget_button = QPushButton(_("Forge&t the remembered backup passphrase"))
        self.forget_button.setAccessibleName(_("Forget the remembered backup passphrase"))
        row = QHBoxLayout()
        row.addWidget(self.forget_button)
        row.addStretch(1)
        layout = QVBoxLayout(group)
        layout.addWidget(self.auto_check)
        layout.addWidget(self.auto_label)
        layout.addLayout(row)
        return group

    # -- showing (what to show is decided by the presenter) ------------------------------
    def show_screen(self, screen: BackupsScreen) -> None:
        self.folder_edit.setText(str(screen.folder))
        self.folder_edit.setToolTip(str(screen.folder))
        self.model.set_files(screen.files)
        if screen.files:
            self.table.selectRow(0)
        self.last_label.setText(screen.last_text)
        self.surplus_label.setText(screen.surplus_text)
        self.prune_button.setEnabled(screen.can_prune)
        self.auto_check.blockSignals(True)
        self.auto_check.setChecked(screen.auto_backup)
        self.auto_check.blockSignals(False)

    def show_auto(self, auto: AutoBackupText) -> None:
        self.auto_label.setText(auto.text)
        self.forget_button.setEnabled(auto.remembered)

    def show_buttons(self, buttons: BackupButtons) -> None:
        self.create_button.setEnabled(buttons.create)
        self.verify_button.setEnabled(buttons.verify)
        self.restore_button.setEnabled(buttons.restore)
        self.other_button.setEnabled(buttons.other)
        self.check_button.setEnabled(buttons.check)

    def show_result(self, text: str, *, error: bool = False) -> None:
        """A result under the list: as an error (red, announced) or as plain text."""
        if error:
            self.result_label.clear()
            show_error(self.error_label, text)
        else:
            show_error(self.error_label, "")
            self.result_label.setText(text)

    def show_check(self, text: str, problems: str = "") -> None:
        self.check_label.setText(text)
        show_error(self.check_error, problems)

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


__all__ = ["BackupListModel", "BackupsView"]
