"""Rapporter: build a report, preview it, print it or save it; exports; the disclosure register.

GUI thread. Reports are built and rendered on the worker thread (``vbedesk.ui.tasks``)
by ``vbedesk.reports.catalog``, the same code the command line uses. Nothing is written
before the leave-the-encryption notice has been accepted, and everything written or
printed is entered in the disclosure register (``disclosures.write`` / ``record``). The
built report lives only in this page's memory: a lock destroys the page and it.

The page is the controller: the widgets are ``ReportsView`` (``reports_view``), the
decisions that need no widget are in ``reports_presenter``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QVBoxLayout, QWidget

from vbedesk.errors import InputRefused
from vbedesk.guard import IdentifiersFound
from vbedesk.i18n import _, ngettext
from vbedesk.reports.catalog import Kind, Output, Request
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.disclosure_notice import DisclosureNoticeDialog
from vbedesk.ui.messages import ask_save_anyway, delete_when_finished, error_text
from vbedesk.ui.models.disclosure_table import DisclosureModel
from vbedesk.ui.page import Page
from vbedesk.ui.pages.disclosed_save import DisclosedSave
from vbedesk.ui.pages.reports_presenter import (
    AnalysisText,
    build_output,
    default_years,
    export_file,
    register_rows,
    write_output,
)
from vbedesk.ui.pages.reports_view import ReportsView
from vbedesk.ui.pdf_view import MAX_PRINT_DPI, RenderedPage, paint_pages, render_pages
from vbedesk.ui.tasks import Task, run_task


class ReportsPage(Page):
    """Rapporter: choose, build, preview, print, save; exports and the disclosure register."""

    page_id = "reports"

    #: A file was written or a printout made and registered (the register's new entry id).
    disclosed = Signal(int)
    #: A preview is shown (its page count).
    preview_ready = Signal(int)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.output: Output | None = None
        self.task: Task | None = None
        self.print_dialog: QPrintDialog | None = None
        self.printer: QPrinter | None = None
        self.save_anyway_box: QMessageBox | None = None
        self.analysis_text = AnalysisText(service)
        self.register_model = DisclosureModel((), self)
        self.view = ReportsView(self.register_model)
        QVBoxLayout(self).addWidget(self.view)
        #: The notice and the file dialog of a save or an export.
        self.saving = DisclosedSave(self, self.view.status.setText)

        view = self.view
        view.kind_changed.connect(self._kind_changed)
        view.choice_changed.connect(self._choice_changed)
        view.year_changed.connect(self._year_changed)
        view.analysis.edit.textChanged.connect(self._analysis_edited)
        view.save_analysis_button.clicked.connect(self.save_analysis)
        view.generate_button.clicked.connect(self.generate)
        view.print_button.clicked.connect(self.print_report)
        view.save_button.clicked.connect(self.save_as)
        view.export_button.clicked.connect(self.export)

        plan_year, incident_year = default_years(service)
        if plan_year is not None:
            view.period_year_spin.setValue(plan_year)
        if incident_year is not None:
            view.year_spin.setValue(incident_year)
        self._kind_changed()

    def title(self) -> str:
        return _("Reports")

    @property
    def notice(self) -> DisclosureNoticeDialog | None:
        return self.saving.notice

    @property
    def file_dialog(self) -> QFileDialog | None:
        return self.saving.file_dialog

    # -- the Page contract ---------------------------------------------------------------
    def refresh(self) -> None:
        self.register_model.set_rows(register_rows(self.service))
        if self.analysis_text.year is None:
            self._load_analysis(self.view.year_spin.value())

    def save_draft(self) -> None:
        """An unsaved analysis becomes an encrypted draft, offered again for its year."""
        self.analysis_text.keep_draft(self.view.analysis.text())

    # -- choice --------------------------------------------------------------------------
    def set_kind(self, kind: Kind) -> None:
        self.view.set_kind(kind)

    def request(self) -> Request:
        """What the choice asks for, as the catalog takes it."""
        return self.view.choice().request()

    def export_request(self) -> Request | None:
        """The spreadsheet that goes with the choice (follow-up or lägesbild), else None."""
        return self.view.choice().export_request()

    def _kind_changed(self) -> None:
        self.view.show_kind(self.view.kind(), exportable=self.export_request() is not None)
        self._choice_changed()

    def _choice_changed(self) -> None:
        """A different choice: the preview shown no longer matches it."""
        if self.output is not None:
            self._set_output(None, None)
            self.view.preview.set_placeholder(_("The choice changed: press “Show preview” again."))

    def _year_changed(self, year: int) -> None:
        self._choice_changed()
        self._load_analysis(year)

    # -- the analysis ----------------------------------------------------------------------
    def _load_analysis(self, year: int) -> None:
        loaded = self.analysis_text.load(year, self.view.analysis.text())
        self.view.show_analysis(year, loaded)

    def analysis_dirty(self) -> bool:
        return self.analysis_text.is_dirty(self.view.analysis.text())

    def _analysis_edited(self) -> None:
        self.view.analysis_status.setText(_("Not saved yet.") if self.analysis_dirty() else "")

    def save_analysis(self, *, accept_findings: bool = False) -> bool:
        """Keep the analysis of the chosen year; a blocking finding asks first."""
        view = self.view
        try:
            self.analysis_text.save(
                view.analysis.text(), year=view.year_spin.value(), accept_findings=accept_findings
            )
        except IdentifiersFound:
            view.analysis.edit.rescan()
            view.analysis_status.setText(
                _("Looks like a personal identifier: see the marked text. Not saved.")
            )
            self._ask_save_analysis_anyway()
            return False
        except InputRefused as exc:
            view.analysis_status.setText(error_text(exc))
            return False
        view.analysis_status.setText(_("Saved."))
        self._choice_changed()
        return True

    def _ask_save_analysis_anyway(self) -> None:
        self.save_anyway_box = ask_save_anyway(
            self,
            _(
                "The analysis looks like it contains a personal identifier, and it is printed "
                "in the lägesbild that leaves the vault. Save it anyway?"
            ),
            self._save_anyway_answered,
        )

    def _save_anyway_answered(self, yes: bool) -> None:
        self.save_anyway_box = None
        if yes:
            self.save_analysis(accept_findings=True)

    # -- building and previewing -----------------------------------------------------------
    def generate(self) -> Task | None:
        """Build the chosen report and render its pages on the worker thread."""
        if self.task is not None and not self.task.is_finished:
            return None
        lagesbild = self.view.kind() is Kind.LAGESBILD
        if lagesbild and self.analysis_dirty() and not self.save_analysis():
            return None
        request = self.request()
        service = self.service

        def work() -> tuple[Output, list[RenderedPage]]:
            output = build_output(service, request)
            return output, render_pages(output.data)

        self._busy(True)
        return self._run(work, self._generated, _("Creating the report…"))

    def _generated(self, result: tuple[Output, list[RenderedPage]]) -> None:
        output, pages = result
        self._busy(False)
        self._set_output(output, pages)
        self.view.status.setText(
            ngettext(
                "{title}: {pages} page. Nothing has left the vault yet.",
                "{title}: {pages} pages. Nothing has left the vault yet.",
                len(pages),
            ).format(title=output.title, pages=len(pages))
        )
        self.view.preview.setFocus()
        self.preview_ready.emit(len(pages))

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.view.status.setText(error_text(exc))

    def _busy(self, busy: bool) -> None:
        self.view.set_busy(
            busy, has_output=self.output is not None, exportable=self.export_request() is not None
        )

    def _set_output(self, output: Output | None, pages: list[RenderedPage] | None) -> None:
        self.output = output
        self.view.show_pages(None if output is None else pages)

    def _run(self, work: Callable[[], object], then: Callable[[Any], None], text: str) -> Task:
        """``work`` on the worker thread with ``text`` as its status; ``then`` its result."""
        self.view.status.setText(text)
        self.task = run_task(work, then, self._failed, self, progress_text=text)
        return self.task

    # -- the notice, then the file or the printer --------------------------------------------
    def _ask_notice(
        self, what: str, then: Callable[[str, str], None], *, printing: bool = False
    ) -> DisclosureNoticeDialog:
        return self.saving.ask_notice(what, then, printing=printing)

    def _ask_path(
        self, suggested: str, kinds: tuple[str, ...], then: Callable[[Path], object]
    ) -> QFileDialog:
        return self.saving.ask_path(suggested, kinds, then)

    def save_as(self) -> DisclosureNoticeDialog | None:
        """Notice → file name → the file written and registered."""
        output = self.output
        if output is None:
            return None

        def with_answers(recipient: str, purpose: str) -> None:
            self._ask_path(
                output.filename,
                (output.file_kind,),
                lambda path: self.save_to(path, output, recipient, purpose),
            )

        return self._ask_notice(output.title, with_answers)

    def save_to(self, path: Path, output: Output, recipient: str, purpose: str) -> Task:
        """Write ``output`` to the new file ``path`` and register it (worker thread)."""
        service = self.service
        return self._run(
            lambda: write_output(service, path, output, recipient, purpose),
            lambda entry_id: self._written(entry_id, path),
            _("Saving…"),
        )

    def _written(self, entry_id: int, path: Path) -> None:
        self._registered(
            _("Saved as {path}. It is recorded in the disclosure register.").format(path=path),
            entry_id,
        )

    def _registered(self, text: str, entry_id: int | None) -> None:
        """A file or printout left the vault as entry ``entry_id``: say so, list it."""
        assert entry_id is not None
        self.view.status.setText(text)
        self.register_model.set_rows(register_rows(self.service))
        self.disclosed.emit(entry_id)

    def export(self) -> DisclosureNoticeDialog | None:
        """The spreadsheet of the choice: notice → file name → built and written."""
        request = self.export_request()
        if request is None:
            return None
        return self.saving.ask_export(
            request,
            lambda path, recipient, purpose: self.export_to(path, request, recipient, purpose),
        )

    def export_to(self, path: Path, request: Request, recipient: str, purpose: str) -> Task:
        """Build the spreadsheet (CSV for a follow-up saved as ``.csv``) and write it."""
        service = self.service
        return self._run(
            lambda: export_file(service, path, request, recipient, purpose),
            lambda entry_id: self._written(entry_id, path),
            _("Exporting…"),
        )

    # -- printing --------------------------------------------------------------------------
    def print_report(self) -> DisclosureNoticeDialog | None:
        """Notice → the system's print dialog → printed and registered."""
        output = self.output
        if output is None:
            return None

        def with_answers(recipient: str, purpose: str) -> None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(output.title)
            dialog = QPrintDialog(printer, self)
            dialog.setAccessibleName(_("Print"))
            delete_when_finished(dialog)

            def answered(result: int) -> None:
                self.print_dialog = None
                if result == QDialog.DialogCode.Accepted:
                    self.print_to(printer, output, recipient, purpose)
                else:
                    self.view.status.setText(_("Cancelled: nothing was printed."))

            dialog.finished.connect(answered)
            self.printer = printer
            self.print_dialog = dialog
            QDialog.open(dialog)  # QPrintDialog.open() of PySide6 wants a receiver

        return self._ask_notice(output.title, with_answers, printing=True)

    def print_to(self, printer: QPrinter, output: Output, recipient: str, purpose: str) -> Task:
        """Render the pages for ``printer`` (worker thread), then print and register them."""
        dpi = printer.resolution()
        self.printer = printer

        def printed(pages: list[RenderedPage]) -> None:
            try:
                paint_pages(pages, printer)
                where = printer.outputFileName() or printer.printerName() or _("printer")
                entry = self.service.disclosures.record(
                    "print", output.title, where, recipient=recipient, purpose=purpose
                )
            except Exception as exc:  # the printer refused: a message, never a traceback
                self._failed(exc)
                return
            text = _("Sent to {printer}. It is recorded in the disclosure register.")
            self._registered(text.format(printer=where), entry.id)

        return self._run(
            lambda: render_pages(output.data, scale=print_scale(dpi)), printed, _("Printing…")
        )


def print_scale(dpi: int) -> float:
    """Pixels per PDF point for a printer of ``dpi`` (at most 300 dpi)."""
    return min(dpi, MAX_PRINT_DPI) / 72.0
