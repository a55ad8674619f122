"""The gallring page: incidents past their retention date, exported and deleted (GUI thread).

The list is counted in SQL and fetched lazily in pages from ``VaultService.retention_due``
(100,000 due incidents open as quickly as 80, like the Händelser table). What is chosen is
either *all* due incidents, exported with ``export_retention_due`` (streamed on a worker
thread) and deleted with ``delete_retention_due`` in SQL, or the rows selected in the
list, exported with ``export_incidents`` and deleted with ``delete_incidents``; no list of
every id is ever built on the GUI thread. Exports are entered in the disclosure register;
the audit row of a deletion names the count and the ids, never any text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _, language, ngettext
from vbedesk.storage.service import RetentionRow, VaultService
from vbedesk.taxonomy import Taxonomies
from vbedesk.ui.dialogs.first_run import error_label, show_error
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.page import Page, heading_font
from vbedesk.ui.tasks import run_task
from vbedesk.ui.widgets.tables import fixed_rows, read_only_rows

_Index = QModelIndex | QPersistentModelIndex
#: The incident id of a row, for any column.
ID_ROLE = Qt.ItemDataRole.UserRole

#: The scope choices: every due incident, or the selected rows.
SCOPE_ALL, SCOPE_SELECTED = "all", "selected"

CSV_FILTER = "CSV (*.csv)"
JSON_FILTER = "JSON (*.json)"


class RetentionModel(QAbstractTableModel):
    """The incidents due for gallring: id, dates, area, environment, types, status.

    Counted in SQL on every reload and fetched in pages of ``PAGE_SIZE`` on demand.
    """

    COL_ID, COL_RECEIVED, COL_RETAIN, COL_AREA, COL_ENVIRONMENT, COL_TYPES, COL_STATUS = range(7)
    HEADERS = ("Id", "Received", "Retain until", "Area", "Environment", "Incident types", "Status")
    PAGE_SIZE = 200

    def __init__(self, service: VaultService, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._tax: Taxonomies = service.taxonomies
        self._today = today
        self._rows: list[RetentionRow] = []
        self._total = 0

    def reload(self, today: date | None = None) -> None:
        """Forget the fetched rows and count again (``today`` may move on)."""
        self.beginResetModel()
        if today is not None:
            self._today = today
        self._rows = []
        self._total = self.service.retention.count_due(self._today)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self.endResetModel()

    def total(self) -> int:
        """How many incidents are due (fetched or not)."""
        return self._total

    def loaded(self) -> int:
        return len(self._rows)

    def rows(self) -> list[RetentionRow]:
        """The rows fetched so far."""
        return list(self._rows)

    def row_at(self, row: int) -> RetentionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        # A view may ask after a lock closed the vault, before it is destroyed: nothing then.
        return not parent.isValid() and len(self._rows) < self._total and self.service.is_open

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        page = self.service.retention.due(self._today, offset=len(self._rows), limit=self.PAGE_SIZE)
        if not page:  # deleted elsewhere meanwhile: stop asking
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def text(self, row: int, column: int) -> str:
        r = self._rows[row]
        lang = language()
        if column == self.COL_ID:
            return str(r.id)
        if column == self.COL_RECEIVED:
            return r.received_on.isoformat()
        if column == self.COL_RETAIN:
            return r.retain_until.isoformat()
        if column == self.COL_AREA:
            return self._tax.areas.label(r.area, lang) if r.area else "–"
        if column == self.COL_ENVIRONMENT:
            return self._tax.environments.label(r.environment, lang)
        if column == self.COL_TYPES:
            return ", ".join(self._tax.incident_types.label(c, lang) for c in r.incident_types)
        return self._tax.incident_statuses.label(r.status, lang)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(index.row(), index.column())
        if role == ID_ROLE:
            return self._rows[index.row()].id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.COL_ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section])
        return None


#: Column widths at the usual font; a larger font widens them alike (no ResizeToContents).
COLUMN_WIDTHS = {
    RetentionModel.COL_ID: 60,
    RetentionModel.COL_RECEIVED: 100,
    RetentionModel.COL_RETAIN: 100,
    RetentionModel.COL_AREA: 140,
    RetentionModel.COL_ENVIRONMENT: 220,
    RetentionModel.COL_STATUS: 100,
}


class RetentionPage(Page):
    """Gallring: what is past its retention date; export first, then delete, logged."""

    page_id = "retention"

    #: Incidents were deleted (their count).
    deleted = Signal(int)
    #: A file was exported (its path).
    exported = Signal(object)

    def __init__(
        self,
        service: VaultService,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(service, parent)
        self._today = today
        self._busy = False
        #: Ids exported row by row during this visit (the confirmation says whether all were).
        self.exported_ids: set[int] = set()
        #: Every due incident was exported during this visit.
        self.exported_all = False
        self.dialog: QWidget | None = None

        heading = heading_font(QLabel(_("Gallring")), 1.5)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Incidents due for gallring"))

        self.model = RetentionModel(service, today(), self)
        self.table = QTableView()
        read_only_rows(
            self.table,
            self.model,
            _("Incidents past their retention date"),
            QAbstractItemView.SelectionMode.ExtendedSelection,
        )
        fixed_rows(self.table, RetentionModel.COL_TYPES, COLUMN_WIDTHS)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        # What the buttons act on: every due incident (also those not fetched yet), or the
        # rows selected in the list. One combo box: Tab reaches it, unlike a radio group.
        self.scope_combo = QComboBox()
        self.scope_combo.addItem(_("All incidents past their retention date"), SCOPE_ALL)
        self.scope_combo.addItem(_("Only the selected rows"), SCOPE_SELECTED)
        self.scope_combo.setAccessibleName(_("Export and delete"))
        self.scope_combo.currentIndexChanged.connect(self._scope_changed)
        scope_label = QLabel(_("Export and delete:"))
        scope_label.setBuddy(self.scope_combo)
        scope = QHBoxLayout()
        scope.addWidget(scope_label)
        scope.addWidget(self.scope_combo)
        scope.addStretch(1)

        self.export_button = QPushButton(_("&Export…"))
        self.export_button.setAccessibleName(_("Export the chosen incidents before deletion"))
        self.export_button.clicked.connect(self.choose_export_file)
        self.delete_button = QPushButton(_("&Delete…"))
        self.delete_button.setAccessibleName(_("Delete the chosen incidents"))
        self.delete_button.clicked.connect(self.confirm_delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName(_("Result"))
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.error_label = error_label(_("Error"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(scope)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addWidget(self.error_label)
        self.refresh()

    def title(self) -> str:
        return _("Gallring")

    # -- the list ------------------------------------------------------------------------
    def refresh(self) -> None:
        today = self._today()
        years = self.service.settings().retention_years
        self.intro_label.setText(
            _(
                "Incidents are kept for {years} years (Settings) and then deleted. Those "
                "whose retention date lies before {today} are listed. Export them first if "
                "they must be kept elsewhere; a deletion cannot be undone and is recorded in "
                "the audit log."
            ).format(years=years, today=today.isoformat())
        )
        self.model.reload(today)
        total = self.model.total()
        self.count_label.setText(
            ngettext(
                "{n} incident is past its retention date.",
                "{n} incidents are past their retention date.",
                total,
            ).format(n=total)
        )
        self.choose_all()
        self._update_buttons()

    def all_chosen(self) -> bool:
        """All due incidents are chosen (not only the selected rows)."""
        return self.scope_combo.currentData() == SCOPE_ALL

    def choose_all(self) -> None:
        """Act on every due incident (the selection in the list is cleared)."""
        self.scope_combo.setCurrentIndex(self.scope_combo.findData(SCOPE_ALL))

    def choose_selected(self) -> None:
        """Act on the rows selected in the list only."""
        self.scope_combo.setCurrentIndex(self.scope_combo.findData(SCOPE_SELECTED))

    def chosen_ids(self) -> list[int]:
        """The ids of the selected rows (only meaningful when not ``all_chosen``)."""
        ids = {
            int(self.model.data(index, ID_ROLE))  # type: ignore[call-overload]
            for index in self.table.selectionModel().selectedRows()
        }
        return sorted(ids)

    def chosen_count(self) -> int:
        if self.all_chosen():
            return self.model.total()
        return len(self.table.selectionModel().selectedRows())

    def _selection_changed(self, *_args: object) -> None:
        # Selecting rows means "these rows"; the scope follows.
        if self.table.selectionModel().hasSelection():
            self.choose_selected()
        self._update_buttons()

    def _scope_changed(self, *_args: object) -> None:
        if self.all_chosen():
            self.table.clearSelection()
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        if self.all_chosen():
            chosen = self.model.total() > 0
        else:
            chosen = self.table.selectionModel().hasSelection()
        self.export_button.setEnabled(chosen and not self._busy)
        self.delete_button.setEnabled(chosen and not self._busy)
        self.scope_combo.setEnabled(not self._busy)

    def _show_result(self, text: str, *, error: bool = False) -> None:
        if error:
            show_error(self.error_label, text)
        else:
            show_error(self.error_label, "")
            self.result_label.setText(text)

    # -- export --------------------------------------------------------------------------
    def choose_export_file(self) -> QFileDialog | None:
        if self._busy or not self.chosen_count():
            return None
        ids = None if self.all_chosen() else self.chosen_ids()
        name = f"gallring-{self._today().isoformat()}.csv"
        dialog = QFileDialog(self, _("Export before deletion"), str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([CSV_FILTER, JSON_FILTER])
        delete_when_finished(dialog)

        def chosen(path: str) -> None:
            fmt = "json" if dialog.selectedNameFilter() == JSON_FILTER else "csv"
            target = Path(path)
            if target.suffix.lower() not in (".csv", ".json"):
                target = target.with_suffix("." + fmt)
            self.export_to(target, "json" if target.suffix.lower() == ".json" else "csv", ids)

        dialog.fileSelected.connect(chosen)
        self.dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, path: Path, fmt: str, ids: list[int] | None = None) -> None:
        """Write the chosen incidents to ``path`` (worker thread), registered as a disclosure.

        ``ids`` None: what is chosen now — every due incident (streamed from the service)
        or the selected rows.
        """
        if ids is None and not self.all_chosen():
            ids = self.chosen_ids()
        if self._busy or ids == [] or not self.model.total():
            return
        service = self.service
        purpose = _("Export before gallring")
        self._busy = True
        self._update_buttons()
        if ids is None:
            today = self._today()
            run_task(
                lambda: service.retention.export_due(today, path, fmt, purpose=purpose),
                lambda result: self._exported(path, None, result[1]),
                self._failed,
                self,
                progress_text=_("Exporting…"),
            )
            return
        chosen = list(ids)
        run_task(
            lambda: service.incidents.export(chosen, path, fmt, purpose=purpose),
            lambda _entry: self._exported(path, chosen, len(chosen)),
            self._failed,
            self,
            progress_text=_("Exporting…"),
        )

    def _exported(self, path: Path, ids: list[int] | None, count: int) -> None:
        self._busy = False
        if ids is None:
            self.exported_all = True
        else:
            self.exported_ids.update(ids)
        self._update_buttons()
        self._show_result(
            ngettext(
                "{n} incident exported to {path}; the file is in the disclosure register.",
                "{n} incidents exported to {path}; the file is in the disclosure register.",
                count,
            ).format(n=count, path=path)
        )
        self.exported.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._update_buttons()
        self._show_result(error_text(exc), error=True)

    # -- deletion ------------------------------------------------------------------------
    def confirm_delete(self) -> QMessageBox | None:
        """Ask before deleting; the answer "No" (the default) deletes nothing."""
        if self._busy or not self.chosen_count():
            return None
        ids = None if self.all_chosen() else self.chosen_ids()
        count = self.model.total() if ids is None else len(ids)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Delete incidents"))
        box.setText(
            ngettext(
                "Delete {n} incident permanently?",
                "Delete {n} incidents permanently?",
                count,
            ).format(n=count)
        )
        if self.exported_all:
            not_exported = 0
        elif ids is None:
            not_exported = count
        else:
            not_exported = sum(1 for i in ids if i not in self.exported_ids)
        if not_exported:
            informative = ngettext(
                "{n} of them was not exported during this visit. A deletion cannot be undone.",
                "{n} of them were not exported during this visit. A deletion cannot be undone.",
                not_exported,
            ).format(n=not_exported)
        else:
            informative = _("All of them were exported. A deletion cannot be undone.")
        box.setInformativeText(informative)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(_("&Delete"))
        yes.setAccessibleName(_("Delete"))
        box.setAccessibleName(box.windowTitle())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda result: self._answered(box, ids, result))
        self.dialog = box
        box.open()
        return box

    def _answered(self, box: QMessageBox, ids: list[int] | None, result: int) -> None:
        # Deleted here, not by WA_DeleteOnClose: PySide6 crashes when a box deletes itself
        # on close while its owner goes away in the same turn of the event loop.
        box.deleteLater()
        if result == QMessageBox.StandardButton.Yes:
            if ids is None:
                self.delete_all_due()
            else:
                self.delete(ids)

    def delete(self, ids: list[int]) -> None:
        """Delete ``ids`` (the selected rows, after the confirmation) on the worker thread."""
        if self._busy or not ids:
            return
        service = self.service
        chosen = list(ids)
        self._start_delete(lambda: service.incidents.delete_many(chosen, "gallring"))

    def delete_all_due(self) -> None:
        """Delete every due incident (after the confirmation) in SQL, on the worker thread."""
        if self._busy or not self.model.total():
            return
        service = self.service
        today = self._today()
        self._start_delete(lambda: service.retention.delete_due(today, "gallring"))

    def _start_delete(self, job: Callable[[], int]) -> None:
        self._busy = True
        self._update_buttons()
        run_task(job, self._deleted, self._failed, self, progress_text=_("Deleting…"))

    def _deleted(self, count: int) -> None:
        self._busy = False
        self.refresh()
        self._show_result(
            ngettext(
                "{n} incident deleted; the deletion is recorded in the audit log.",
                "{n} incidents deleted; the deletion is recorded in the audit log.",
                count,
            ).format(n=count)
        )
        self.deleted.emit(count)
