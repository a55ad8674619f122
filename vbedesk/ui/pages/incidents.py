"""Händelser: the incident table with its filter bar, and the incident form (GUI thread).

The table is an ``IncidentTableModel`` (filtered, sorted and paged in SQL); the page only
turns the filter bar into an ``IncidentFilter``. Reads are short indexed queries run on
the GUI thread.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
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

from vbedesk.errors import InputRefused
from vbedesk.i18n import _, language, ngettext
from vbedesk.model import IncidentFilter
from vbedesk.storage.service import Draft, VaultService
from vbedesk.taxonomy import Taxonomy
from vbedesk.ui.dialogs.form_import import (
    MAX_FILES,
    FormImportDialog,
    ImportItem,
    check_files,
    local_paths,
)
from vbedesk.ui.dialogs.incident_form import DRAFT_KIND, NEW_REF, IncidentFormDialog
from vbedesk.ui.messages import delete_when_finished
from vbedesk.ui.models.incident_table import IncidentTableModel
from vbedesk.ui.page import Page, heading_font
from vbedesk.ui.tasks import Task, run_task

#: Milliseconds of quiet typing before a search runs.
SEARCH_DELAY_MS = 300
COLUMN_WIDTHS = {
    IncidentTableModel.COL_ID: 70,
    IncidentTableModel.COL_RECEIVED: 105,
    IncidentTableModel.COL_AREA: 150,
    IncidentTableModel.COL_ENVIRONMENT: 320,
    IncidentTableModel.COL_STATUS: 120,
}


def filter_combo(taxonomy: Taxonomy, name: str, everything: str, min_chars: int = 12) -> QComboBox:
    """A filter choice: ``everything`` (no filter) and then the labels of the codes."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(everything, None)
    lang = language()
    for code in taxonomy.codes():
        combo.addItem(taxonomy.label(code, lang), code)
    # Long labels (the environments) would widen the bar; the open list shows them whole.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(min_chars)
    combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
    return combo


class IncidentsPage(Page):
    """Händelser: every incident, filtered in SQL, with the form to register and edit."""

    page_id = "incidents"

    #: An incident was stored through the form (its id).
    incident_saved = Signal(int)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.form: IncidentFormDialog | None = None
        self.draft_box: QMessageBox | None = None
        self._draft_offered = False
        self._draft: Draft | None = None
        tax = service.taxonomies

        # -- filter bar ------------------------------------------------------------------------
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName(_("Year"))
        self.year_combo.addItem(_("All years"), None)
        self.area_combo = filter_combo(tax.areas, _("Area"), _("All areas"))
        self.environment_combo = filter_combo(
            tax.environments, _("Environment"), _("All environments"), 20
        )
        self.type_combo = filter_combo(tax.incident_types, _("Type"), _("All types"))
        self.status_combo = filter_combo(tax.incident_statuses, _("Status"), _("All statuses"))
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName(_("Search in descriptions"))
        self.search_edit.setPlaceholderText(_("Search in descriptions…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(180)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)

        bar = QHBoxLayout()
        for text, combo in (
            (_("Year:"), self.year_combo),
            (_("Area:"), self.area_combo),
            (_("Environment:"), self.environment_combo),
            (_("Type:"), self.type_combo),
            (_("Status:"), self.status_combo),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            bar.addWidget(label)
            bar.addWidget(combo)
            bar.addSpacing(6)
        bar.addStretch(1)

        search_bar = QHBoxLayout()
        search_label = QLabel(_("Search:"))
        search_label.setBuddy(self.search_edit)
        search_bar.addWidget(search_label)
        search_bar.addWidget(self.search_edit, 1)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Number of matching incidents"))
        search_bar.addSpacing(12)
        search_bar.addWidget(self.count_label)

        # -- table -------------------------------------------------------------------------------
        self.model = IncidentTableModel(service, self)
        self.table = QTableView()
        self.table.setAccessibleName(_("Incidents"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: no keyboard trap
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights: the view never measures rows it has not shown (design.md).
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(IncidentTableModel.COL_TYPES, QHeaderView.ResizeMode.Stretch)
        # The widths suit the usual font; a larger system font widens them alike.
        scale = max(1.0, self.table.fontMetrics().horizontalAdvance("0000-00-00") / 75)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, round(width * scale))
        header.setHighlightSections(False)
        header.setSortIndicator(IncidentTableModel.COL_RECEIVED, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)

        self.new_button = QPushButton(_("New incident"))
        self.new_button.setAccessibleName(_("New incident"))
        self.edit_button = QPushButton(_("Edit"))
        self.edit_button.setAccessibleName(_("Edit the selected incident"))
        self.edit_button.setEnabled(False)
        self.import_button = QPushButton(_("Import forms…"))
        self.import_button.setAccessibleName(_("Import filled-in forms (PDF)"))
        self.import_button.setToolTip(_("Or drop PDF files of filled-in forms on this page."))
        self.import_dialog: FormImportDialog | None = None
        self.import_file_dialog: QFileDialog | None = None
        self.import_task: Task | None = None
        self.setAcceptDrops(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)

        heading = QLabel(_("Incidents"))
        heading_font(heading, 1.3)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addLayout(search_bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        chain: list[QWidget] = [
            self.year_combo,
            self.area_combo,
            self.environment_combo,
            self.type_combo,
            self.status_combo,
            self.search_edit,
            self.table,
            self.new_button,
            self.edit_button,
            self.import_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        for combo in (
            self.year_combo,
            self.area_combo,
            self.environment_combo,
            self.type_combo,
            self.status_combo,
        ):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.model.total_changed.connect(self._show_count)
        self.model.modelReset.connect(self._selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        # Enter and double-click both "activate" a row (not on a single click).
        self.table.activated.connect(self._activated)
        self.new_button.clicked.connect(self.new_incident)
        self.edit_button.clicked.connect(self.edit_selected)
        self.import_button.clicked.connect(self.choose_forms)

        self._fill_years()
        self._show_count(self.model.total())

    def title(self) -> str:
        return _("Incidents")

    # -- Page contract -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Years and rows from the vault again; then offer a form left unsaved, once."""
        self._fill_years()
        self.model.reload()
        if not self._draft_offered and self.form is None:
            self._draft_offered = True
            self.offer_draft()

    def save_draft(self) -> None:
        if self.form is not None:
            self.form.save_draft_now()

    # -- filtering -----------------------------------------------------------------------------
    def current_filter(self) -> IncidentFilter:
        text = self.search_edit.text().strip()
        return IncidentFilter(
            year=self.year_combo.currentData(),
            area=self.area_combo.currentData(),
            environment=self.environment_combo.currentData(),
            incident_type=self.type_combo.currentData(),
            status=self.status_combo.currentData(),
            text=text or None,
        )

    def apply_filter(self, *_args: object) -> None:
        self._search_timer.stop()
        flt = self.current_filter()
        if flt != self.model.filter():
            self.model.set_filter(flt)

    def _fill_years(self) -> None:
        """This year back to the year of the oldest incident (an indexed read of one row)."""
        oldest = self.service.incidents.list_full(sort="received_on", descending=False, limit=1)
        this_year = date.today().year
        first = min(oldest[0].received_on.year, this_year) if oldest else this_year
        wanted = list(range(this_year, first - 1, -1))
        present = [self.year_combo.itemData(i) for i in range(1, self.year_combo.count())]
        if present == wanted:
            return
        chosen = self.year_combo.currentData()
        self.year_combo.blockSignals(True)
        try:
            while self.year_combo.count() > 1:
                self.year_combo.removeItem(1)
            for year in wanted:
                self.year_combo.addItem(str(year), year)
            self.year_combo.setCurrentIndex(max(self.year_combo.findData(chosen), 0))
        finally:
            self.year_combo.blockSignals(False)

    def _show_count(self, total: int) -> None:
        self.count_label.setText(
            ngettext("{count} incident", "{count} incidents", total).format(count=total)
        )

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if column in IncidentTableModel.SORT_KEYS:
            return
        # Not sortable (the types): show the order the rows really have.
        model_column, model_order = self.model.sort_state()
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(model_column, model_order)
        header.blockSignals(False)

    # -- selection and the form -------------------------------------------------------------
    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        incident = self.model.incident_at(index.row())
        return incident.id if incident is not None else None

    def select_incident(self, incident_id: int) -> bool:
        """Select and show the row of ``incident_id`` if it is among the fetched rows."""
        row = self.model.row_of(incident_id)
        # After a reset nothing is fetched yet: look a few pages ahead, never the whole table.
        for _page in range(5):
            if row is not None or not self.model.canFetchMore(QModelIndex()):
                break
            self.model.fetchMore(QModelIndex())
            row = self.model.row_of(incident_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self, *_args: object) -> None:
        self.edit_button.setEnabled(self.selected_id() is not None)

    def _activated(self, index: QModelIndex) -> None:
        incident = self.model.incident_at(index.row())
        if incident is not None and incident.id is not None:
            self.edit_incident(incident.id)

    def new_incident(self) -> IncidentFormDialog | None:
        return self._open_form(None)

    def edit_selected(self) -> IncidentFormDialog | None:
        incident_id = self.selected_id()
        return None if incident_id is None else self.edit_incident(incident_id)

    def edit_incident(self, incident_id: int) -> IncidentFormDialog | None:
        return self._open_form(incident_id)

    def _open_form(
        self, incident_id: int | None, draft: dict[str, Any] | None = None
    ) -> IncidentFormDialog | None:
        if self.form is not None:  # one form at a time: bring the open one forward
            self.form.raise_()
            self.form.activateWindow()
            return self.form
        incident = None
        if incident_id is not None:
            try:
                incident = self.service.incidents.get(incident_id)
            except InputRefused as exc:
                self._message(_(exc.message).format(**exc.params))
                return None
        form = IncidentFormDialog(self.service, incident, self, draft=draft)
        form.saved.connect(self._saved)
        form.finished.connect(self._form_closed)
        self.form = form
        form.open()
        return form

    def _form_closed(self, _result: int) -> None:
        form, self.form = self.form, None
        if form is not None:
            form.deleteLater()
        self.table.setFocus()

    def _saved(self, incident_id: int) -> None:
        self._fill_years()
        self.model.reload()
        self.select_incident(incident_id)
        self.incident_saved.emit(incident_id)

    # -- importing filled-in forms ----------------------------------------------------------
    def choose_forms(self) -> QFileDialog:
        """The file dialog for filled-in forms (several PDF files at once)."""
        dialog = QFileDialog(self, _("Import filled-in forms"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters([_("PDF forms (*.pdf)"), _("All files (*)")])
        delete_when_finished(dialog)
        dialog.filesSelected.connect(lambda files: self.import_files([Path(f) for f in files]))
        dialog.finished.connect(lambda _result: setattr(self, "import_file_dialog", None))
        self.import_file_dialog = dialog
        dialog.open()
        return dialog

    def import_files(self, paths: list[Path]) -> Task | None:
        """Read and check ``paths`` on the worker thread, then show them for review."""
        if not paths or (self.import_task is not None and not self.import_task.is_finished):
            return None
        if len(paths) > MAX_FILES:
            self._message(
                _("At most {n} files at a time; nothing was imported.").format(n=MAX_FILES)
            )
            return None
        service = self.service
        self.import_task = run_task(
            lambda: check_files(service, paths),
            self._show_import,
            None,
            self,
            progress_text=_("Reading forms…"),
        )
        return self.import_task

    def _show_import(self, items: list[ImportItem]) -> None:
        if self.import_dialog is not None:
            self.import_dialog.close()
        dialog = FormImportDialog(self.service, items, self)
        delete_when_finished(dialog)
        dialog.imported.connect(self._forms_imported)
        dialog.finished.connect(lambda _result: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()

    def _forms_imported(self, ids: list[int]) -> None:
        self._fill_years()
        self.model.reload()
        if ids:
            self.select_incident(ids[-1])
            self.incident_saved.emit(ids[-1])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData().urls())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_files(paths)

    # -- drafts --------------------------------------------------------------------------------
    def offer_draft(self) -> QMessageBox | None:
        """Ask whether to resume the newest incident form left unsaved (if any)."""
        drafts = self.service.drafts.all(DRAFT_KIND)
        if not drafts:
            return None
        self._draft = drafts[-1]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Unsaved incident"))
        box.setText(_("Resume unsaved incident?"))
        saved_at = self._draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
        box.setInformativeText(
            _("An incident form was left unsaved (kept as a draft at {when}).").format(
                when=saved_at
            )
        )
        self.resume_button = box.addButton(_("Resume"), QMessageBox.ButtonRole.AcceptRole)
        self.discard_button = box.addButton(
            _("Discard draft"), QMessageBox.ButtonRole.DestructiveRole
        )
        later = box.addButton(_("Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.resume_button)
        box.setEscapeButton(later)
        box.setAccessibleName(box.windowTitle())
        box.setAccessibleDescription(box.text())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        delete_when_finished(box)
        # A bound method, not a lambda holding the box: PySide6 crashed deleting that box.
        box.buttonClicked.connect(self._draft_answered)
        self.draft_box = box
        box.open()
        return box

    def _draft_answered(self, clicked: QAbstractButton) -> None:
        draft, self._draft = self._draft, None
        self.draft_box = None
        if draft is None:
            return
        if clicked is self.resume_button:
            self.resume_draft(draft)
        elif clicked is self.discard_button:
            self.service.drafts.discard(draft.kind, draft.ref)

    def resume_draft(self, draft: Draft) -> IncidentFormDialog | None:
        incident_id = None if draft.ref == NEW_REF else int(draft.ref)
        return self._open_form(incident_id, draft=draft.payload)

    def _message(self, text: str) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Incidents"))
        box.setText(text)
        box.setAccessibleName(box.windowTitle())
        delete_when_finished(box)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
