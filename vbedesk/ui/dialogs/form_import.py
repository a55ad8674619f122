"""Importing filled-in forms: read and check them, show each for review, then save (GUI thread).

``check_files`` runs on the worker thread: it reads each file (size-capped), and asks the
service for a dry run (``import_form(..., dry_run=True)``), which saves nothing. The
dialog lists every file as ready / needs review / rejected (with the reason) / skipped
(already imported), shows the fields read from the selected one with the identifier
guard's findings, and only "Import" saves, again through ``import_form`` on the worker
thread, one transaction per file. A file can never be saved in part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vbedesk.formimport import (
    FormImportResult,
    Imported,
    NeedsReview,
    Ready,
    Rejected,
    Skipped,
    read_form_file,
)
from vbedesk.i18n import _, ngettext
from vbedesk.reports.form import read_filled_form
from vbedesk.reports.incident import FIELD_LABELS, incident_values
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import ask_save_anyway, warning_colour
from vbedesk.ui.models.plan_models import DISPLAY, RowTableModel
from vbedesk.ui.tasks import CancelToken, Task, run_task
from vbedesk.ui.widgets.guarded_text import GuardedTextEdit, explain
from vbedesk.ui.widgets.tables import WrappingTableView

#: More files than this in one go are refused before anything is read.
MAX_FILES = 200


@dataclass(frozen=True)
class ImportItem:
    """One file: its bytes (``None`` when unreadable), the latest result, the choice."""

    filename: str
    data: bytes | None
    result: FormImportResult
    chosen: bool = False
    """Import this file (ready files are chosen; a flagged one only after "save anyway")."""


def local_paths(urls: Sequence[QUrl]) -> list[Path]:
    """The local files among dropped ``urls`` (links to the web are ignored)."""
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]


def check_files(service: VaultService, paths: Sequence[Path]) -> list[ImportItem]:
    """Read and check ``paths`` without saving anything (worker thread)."""
    items = []
    for path in paths:
        data = read_form_file(path)
        result: FormImportResult
        if data is None:
            result = Rejected(path.name, "unreadable")
        else:
            result = service.forms.import_form(
                data, path.name, reader=read_filled_form, dry_run=True
            )
        items.append(ImportItem(path.name, data, result, chosen=isinstance(result, Ready)))
    return items


def import_chosen(
    service: VaultService,
    items: Sequence[ImportItem],
    cancel: Callable[[], bool] | None = None,
) -> list[ImportItem]:
    """Save the chosen files (worker thread); every other item comes back as it was.

    ``cancel`` is asked before each file: once it answers true, the files not yet saved
    come back still chosen (each saved file is its own transaction, and stays saved).
    """
    done = []
    for item in items:
        if item.chosen and item.data is not None and not (cancel is not None and cancel()):
            result = service.forms.import_form(
                item.data,
                item.filename,
                reader=read_filled_form,
                accept_findings=isinstance(item.result, NeedsReview),
            )
            item = replace(item, result=result, chosen=False)
        done.append(item)
    return done


def outcome_text(item: ImportItem) -> str:
    """The one-word outcome of a file."""
    result = item.result
    if isinstance(result, Imported):
        return _("Imported")
    if isinstance(result, Skipped):
        return _("Skipped")
    if isinstance(result, Rejected):
        return _("Rejected")
    if isinstance(result, NeedsReview):
        return _("Needs review; will be saved anyway") if item.chosen else _("Needs review")
    return _("Ready to import") if item.chosen else _("Left out")


def detail_text(item: ImportItem) -> str:
    """Why: the reason of a rejection, the incident of an import, the findings' places."""
    result = item.result
    if isinstance(result, Imported):
        return _("Incident {id}").format(id=result.incident.id)
    if isinstance(result, Skipped):
        when = result.imported_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return _("Already imported {when}").format(when=when)
    if isinstance(result, Rejected):
        return result.text()
    if isinstance(result, NeedsReview | Ready):
        blocking = [f for _field, f in result.findings if f.blocking]
        if blocking:
            return ngettext(
                "{n} possible personal identifier",
                "{n} possible personal identifiers",
                len(blocking),
            ).format(n=len(blocking))
    return ""


class ImportModel(RowTableModel[ImportItem]):
    COL_FILE, COL_OUTCOME, COL_DETAIL = range(3)

    def headers(self) -> Sequence[str]:
        return (_("File"), _("Result"), _("Details"))

    def cell(self, row: ImportItem, column: int, role: int) -> Any:
        if role not in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column == self.COL_FILE:
            return row.filename
        if column == self.COL_OUTCOME:
            return outcome_text(row)
        if column == self.COL_DETAIL:
            return detail_text(row)
        return None

    def replace_row(self, row: int, item: ImportItem) -> None:
        rows = list(self.rows())
        rows[row] = item
        self._rows = tuple(rows)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))


class FormImportDialog(QDialog):
    """The files, their outcome, the selected one's fields; "Import" saves the chosen."""

    #: Incidents were stored (their ids).
    imported = Signal(list)

    def __init__(
        self, service: VaultService, items: Sequence[ImportItem], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.task: Task | None = None
        self.confirm_box: QMessageBox | None = None
        self.setWindowTitle(_("Import filled-in forms"))
        self.setAccessibleName(self.windowTitle())
        self.setWindowModality(Qt.WindowModality.WindowModal)

        intro = QLabel(
            _(
                "Check what was read from each form before it is saved. Files with a possible "
                "personal identifier are left out unless you choose to save them anyway; you "
                "can correct the text in the incident afterwards."
            )
        )
        intro.setWordWrap(True)
        self.model = ImportModel(items, self)
        self.table = WrappingTableView(self.model, _("Files"))
        self.table.set_column_modes(
            stretch=(ImportModel.COL_DETAIL,),
            widths={ImportModel.COL_FILE: 180, ImportModel.COL_OUTCOME: 150},
        )

        # -- the selected file -------------------------------------------------------------
        self.file_label = QLabel()
        self.file_label.setStyleSheet("font-weight: bold;")
        self.file_label.setWordWrap(True)
        self.choose_box = QCheckBox(_("Import &this file"))
        self.choose_box.setAccessibleName(_("Import this file"))
        self.fields = QFormLayout()
        fields_widget = QWidget()
        fields_widget.setLayout(self.fields)
        fields_scroll = QScrollArea()
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setWidget(fields_widget)
        fields_scroll.setAccessibleName(_("Fields read from the form"))
        self.description = GuardedTextEdit()
        self.description.setReadOnly(True)
        self.description.setAccessibleName(_("Description read from the form"))
        self.description.setMinimumHeight(90)
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setStyleSheet(f"color: {warning_colour()};")
        self.findings_label.setAccessibleName(_("Identifier check"))
        self.findings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(6, 0, 0, 0)
        detail_layout.addWidget(self.file_label)
        detail_layout.addWidget(self.choose_box)
        detail_layout.addWidget(fields_scroll, 2)
        description_label = QLabel(_("Description:"))
        description_label.setBuddy(self.description)
        detail_layout.addWidget(description_label)
        detail_layout.addWidget(self.description, 1)
        detail_layout.addWidget(self.findings_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([520, 480])
        splitter.setChildrenCollapsible(False)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Summary"))
        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton(_("&Import"))
        self.import_button.setAccessibleName(_("Import the chosen files"))
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName(_("Close"))
        self.import_button.clicked.connect(self.import_now)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(1040, 640)

        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.choose_box.clicked.connect(self._choose_clicked)
        self._update()
        if self.model.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()

    # -- state ---------------------------------------------------------------------------
    def items(self) -> tuple[ImportItem, ...]:
        return self.model.rows()

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _update(self) -> None:
        items = self.items()
        chosen = sum(1 for i in items if i.chosen)
        self.import_button.setEnabled(chosen > 0 and self.task is None)
        self.import_button.setText(
            ngettext("&Import {n} file", "&Import {n} files", chosen).format(n=chosen)
        )
        counts = {
            _("imported"): sum(isinstance(i.result, Imported) for i in items),
            _("ready"): sum(isinstance(i.result, Ready) for i in items),
            _("need review"): sum(isinstance(i.result, NeedsReview) for i in items),
            _("rejected"): sum(isinstance(i.result, Rejected) for i in items),
            _("skipped (already imported)"): sum(isinstance(i.result, Skipped) for i in items),
        }
        self.summary.setText(
            ", ".join(f"{n} {label}" for label, n in counts.items() if n) or _("No files.")
        )

    def _selected(self, *_args: QItemSelection) -> None:
        self.show_item(self.current_row())

    def show_item(self, row: int) -> None:
        """Show the fields read from the file in ``row`` (and its findings)."""
        while self.fields.rowCount():
            self.fields.removeRow(0)
        item = self.model.row_at(row)
        self.description.setPlainText("")
        self.description.set_findings([])
        self.findings_label.setText("")
        self.choose_box.setVisible(False)
        if item is None:
            self.file_label.setText("")
            return
        result = item.result
        self.file_label.setText(f"{item.filename}: {outcome_text(item)}")
        if not isinstance(result, Ready | NeedsReview | Imported):
            reason = QLabel(detail_text(item))
            reason.setWordWrap(True)
            self.fields.addRow(reason)
            return
        if not isinstance(result, Imported):
            self.choose_box.setVisible(True)
            self.choose_box.setChecked(item.chosen)
        labels = dict(FIELD_LABELS)
        description_label = _(labels["description"])
        for label, value in incident_values(result.incident, self.service.taxonomies):
            if label == description_label:
                continue
            shown = QLabel(value or "–")
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
            shown.setAccessibleName(label)
            self.fields.addRow(QLabel(label + ":"), shown)
        self.description.setPlainText(result.incident.description or "")
        self.description.set_findings([f for name, f in result.findings if name == "description"])
        field_names = {"description": _("Description"), "organisation": _("Organisation")}
        self.findings_label.setText(
            "\n".join(f"{field_names.get(name, name)}: {explain(f)}" for name, f in result.findings)
        )

    def _choose_clicked(self, checked: bool) -> None:
        row = self.current_row()
        item = self.model.row_at(row)
        if item is None:
            return
        if checked and isinstance(item.result, NeedsReview):
            self.choose_box.setChecked(False)
            self.ask_save_anyway(row)
            return
        self.set_chosen(row, checked)

    def set_chosen(self, row: int, chosen: bool) -> None:
        item = self.model.row_at(row)
        if item is None or not isinstance(item.result, Ready | NeedsReview):
            return
        self.model.replace_row(row, replace(item, chosen=chosen))
        if row == self.current_row():
            self.choose_box.setChecked(chosen)
            self.file_label.setText(f"{item.filename}: {outcome_text(self.model.rows()[row])}")
        self._update()

    def ask_save_anyway(self, row: int) -> QMessageBox:
        """The incident form's question for blocking findings, before a flagged file is chosen."""

        def answered(yes: bool) -> None:
            self.confirm_box = None
            if yes:
                self.set_chosen(row, True)

        box = ask_save_anyway(
            self,
            _(
                "The form looks like it contains a personal identifier (see the marked text). "
                "Save it anyway? Correct the incident afterwards."
            ),
            answered,
        )
        self.confirm_box = box
        return box

    # -- saving --------------------------------------------------------------------------
    def import_now(self) -> Task | None:
        """Save the chosen files on the worker thread; the list then shows the outcome."""
        items = self.items()
        if self.task is not None or not any(i.chosen for i in items):
            return None
        service = self.service
        self.import_button.setEnabled(False)
        token = CancelToken()
        self.task = run_task(
            lambda: import_chosen(service, items, token),
            self._imported,
            self._failed,
            self,
            progress_text=_("Importing forms…"),
            token=token,
        )
        return self.task

    def _imported(self, items: list[ImportItem]) -> None:
        self.task = None
        row = self.current_row()
        self.model.set_rows(items)
        self._update()
        if 0 <= row < len(items):
            self.table.selectRow(row)
        ids = [
            i.result.incident.id
            for i in items
            if isinstance(i.result, Imported) and i.result.incident.id is not None
        ]
        if ids:
            self.imported.emit(ids)

    def _failed(self, exc: BaseException) -> None:
        from vbedesk.ui.messages import error_text

        self.task = None
        self._update()
        self.summary.setText(error_text(exc))
