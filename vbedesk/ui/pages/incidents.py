"""Händelser: the incident table with its filter bar, and the incident form (GUI thread).

The widgets are ``IncidentsView`` (``incidents_view``); this page does what they ask. The
table is an ``IncidentTableModel`` (filtered, sorted and paged in SQL on the interactive
reads' thread, its rows shown when they arrive); the page only turns the filter bar into
an ``IncidentFilter``, and selects a saved incident once its row has arrived. The page
opens one incident form at a time, imports filled-in PDF forms (chosen or dropped) on the
worker thread, and offers a form left unsaved once. Its own reads (the years, one form's
incident, the drafts) are single indexed rows read on the GUI thread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QVBoxLayout, QWidget

from vbedesk.errors import InputRefused
from vbedesk.i18n import _
from vbedesk.model import IncidentFilter
from vbedesk.storage.service import Draft, VaultService
from vbedesk.ui.dialogs.form_import import (
    MAX_FILES,
    FormImportDialog,
    ImportItem,
    check_files,
    local_paths,
)
from vbedesk.ui.dialogs.incident_form import DRAFT_KIND, NEW_REF, IncidentFormDialog
from vbedesk.ui.messages import delete_when_finished, show_error
from vbedesk.ui.models.incident_table import IncidentTableModel
from vbedesk.ui.page import Page
from vbedesk.ui.pages.incidents_view import IncidentsView
from vbedesk.ui.tasks import Task, run_task

#: Milliseconds of quiet typing before a search runs.
SEARCH_DELAY_MS = 300
#: How many pages beyond the first a saved incident is looked for (never the whole table).
SELECT_PAGES_AHEAD = 5


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
        self.import_dialog: FormImportDialog | None = None
        self.import_file_dialog: QFileDialog | None = None
        self.import_task: Task | None = None
        #: The incident to select when its row arrives, and how many more pages to read.
        self._wanted: tuple[int, int] | None = None
        self.model = IncidentTableModel(service, self)
        self.view = IncidentsView(self.model, service.taxonomies)
        QVBoxLayout(self).addWidget(self.view)
        self.setAcceptDrops(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._connect()
        self._fill_years()
        if self.model.is_loading():
            self.view.show_loading()
        else:
            self.view.show_count(self.model.total())

    def _connect(self) -> None:
        view = self.view
        self._search_timer.timeout.connect(self.apply_filter)
        view.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_indicator_changed)
        for combo in view.filter_combos():
            combo.currentIndexChanged.connect(self.apply_filter)
        view.search_edit.textChanged.connect(self._search_timer.start)
        view.search_edit.returnPressed.connect(self.apply_filter)
        self.model.total_changed.connect(view.show_count)
        self.model.loading_started.connect(view.show_loading)
        self.model.loading_finished.connect(self._look_for_wanted)
        self.model.failed.connect(self._read_failed)
        self.model.modelReset.connect(self._selection_changed)
        view.table.selectionModel().selectionChanged.connect(self._selection_changed)
        # Enter and double-click both "activate" a row (not on a single click).
        view.table.activated.connect(self._activated)
        view.new_button.clicked.connect(self.new_incident)
        view.edit_button.clicked.connect(self.edit_selected)
        view.import_button.clicked.connect(self.choose_forms)

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

    def is_busy(self) -> bool:
        """Whether rows are on their way, or a saved incident is still looked for."""
        return self.model.is_loading() or self._wanted is not None

    def _read_failed(self, exc: BaseException) -> None:
        self._wanted = None
        self.view.show_count(self.model.total())
        show_error(self, exc)

    # -- filtering -----------------------------------------------------------------------------
    def current_filter(self) -> IncidentFilter:
        return self.view.current_filter()

    def apply_filter(self, *_args: object) -> None:
        self._search_timer.stop()
        flt = self.current_filter()
        if flt != self.model.filter():
            self._wanted = None  # another list: the saved incident need not be in it
            self.model.set_filter(flt)

    def _fill_years(self) -> None:
        """This year back to the year of the oldest incident (an indexed read of one row)."""
        oldest = self.service.incidents.list_full(sort="received_on", descending=False, limit=1)
        this_year = date.today().year
        first = min(oldest[0].received_on.year, this_year) if oldest else this_year
        self.view.set_years(range(this_year, first - 1, -1))

    def _sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if column not in IncidentTableModel.SORT_KEYS:
            # Not sortable (the types): show the order the rows really have.
            self.view.show_sort_indicator(*self.model.sort_state())

    # -- selection and the form -------------------------------------------------------------
    def selected_id(self) -> int | None:
        row = self.view.selected_row()
        incident = self.model.incident_at(row) if row is not None else None
        return incident.id if incident is not None else None

    def select_incident(self, incident_id: int) -> None:
        """Select and show the row of ``incident_id`` once it has arrived.

        The rows on their way (a reset after a save) come first; then a few pages are read
        ahead, one at a time, never the whole table. Returns at once.
        """
        self._wanted = (incident_id, SELECT_PAGES_AHEAD)
        self._look_for_wanted()

    def _look_for_wanted(self) -> None:
        """After every read: select the wanted incident, or read the next page for it."""
        if self._wanted is None or self.model.is_loading():
            return
        incident_id, pages = self._wanted
        row = self.model.row_of(incident_id)
        if row is not None:
            self._wanted = None
            self.view.show_row(row)
        elif pages > 0 and self.model.canFetchMore(QModelIndex()):
            self._wanted = (incident_id, pages - 1)
            self.model.fetchMore(QModelIndex())
        else:
            self._wanted = None  # not among the first pages: left unselected

    def _selection_changed(self, *_args: object) -> None:
        self.view.edit_button.setEnabled(self.selected_id() is not None)

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
        self.view.table.setFocus()

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
