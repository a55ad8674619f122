"""Rapporter: build a report, preview it, print it or save it; exports; the disclosure register.

GUI thread. Reports are built and rendered on the worker thread (``vbedesk.ui.tasks``)
by ``vbedesk.reports.catalog``, the same code the command line uses. Nothing is written
before the leave-the-encryption notice has been accepted, and everything written or
printed is entered in the disclosure register (``VaultService.write_disclosure`` /
``record_disclosure``). The built report lives only in this page's memory: a lock
destroys the page and it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import InputRefused
from vbedesk.i18n import _, ngettext
from vbedesk.model import Period, PeriodKind
from vbedesk.reports.catalog import Kind, Output, Request, build
from vbedesk.storage.service import IdentifiersFound, VaultService
from vbedesk.ui.dialogs.disclosure_notice import DisclosureNoticeDialog
from vbedesk.ui.messages import ask_save_anyway, delete_when_finished, error_text
from vbedesk.ui.models.disclosure_table import DisclosureModel
from vbedesk.ui.page import Page, heading_font
from vbedesk.ui.pages.plan import WrappingTableView
from vbedesk.ui.pdf_view import (
    MAX_PRINT_DPI,
    PdfPreview,
    RenderedPage,
    paint_pages,
    render_pages,
)
from vbedesk.ui.tasks import Task, run_task
from vbedesk.ui.widgets.guarded_text import GuardedTextField

#: The kind of draft kept for an unsaved analysis text (``ref`` is the year).
ANALYSIS_DRAFT = "lagesbild-analysis"

#: The reports offered, in this order: (kind, English label).
REPORTS: tuple[tuple[Kind, str], ...] = (
    (Kind.FOLLOWUP, "Follow-up of the action plan"),
    (Kind.LAGESBILD, "Situation report (lägesbild)"),
    (Kind.TRAINING, "Training status"),
    (Kind.INCIDENT, "One incident (anonymised)"),
    (Kind.BLANK_FORM, "Blank form for the units (fillable PDF)"),
)

FILTERS = {
    "pdf": "PDF (*.pdf)",
    "xlsx": "Excel (*.xlsx)",
    "csv": "CSV (*.csv)",
}


def _label(msgid: str) -> str:
    return _(msgid)


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
        self.notice: DisclosureNoticeDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.print_dialog: QPrintDialog | None = None
        self.printer: QPrinter | None = None
        self._analysis_year: int | None = None
        self._analysis_saved = ""
        self.save_anyway_box: QMessageBox | None = None

        heading = QLabel(_("Reports"))
        heading_font(heading, 1.3)

        # -- the choice ------------------------------------------------------------------
        this_year = date.today().year
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(_("Report"))
        for kind, msgid in REPORTS:
            self.kind_combo.addItem(_label(msgid), kind.value)
        self.period_kind_combo = QComboBox()
        self.period_kind_combo.setAccessibleName(_("Follow-up occasion"))
        for kind_value, text in (
            (PeriodKind.T1, _("T1 (tertial 1, to 30 April)")),
            (PeriodKind.T2, _("T2 (tertial 2, to 31 August)")),
            (PeriodKind.VB, _("VB (the full year)")),
        ):
            self.period_kind_combo.addItem(text, kind_value.value)
        self.period_kind_combo.setCurrentIndex(2)
        self.period_year_spin = self._year_spin(_("Year of the follow-up"), this_year)
        self.year_spin = self._year_spin(_("Year of the situation report"), this_year)
        self.incident_spin = QSpinBox()
        self.incident_spin.setRange(1, 2_000_000_000)
        self.incident_spin.setAccessibleName(_("Incident number"))
        self.form_language_combo = QComboBox()
        self.form_language_combo.setAccessibleName(_("Language of the form"))
        self.form_language_combo.addItem(_("Swedish"), "sv")
        self.form_language_combo.addItem(_("English"), "en")

        self.options = QFormLayout()
        self._option_rows: dict[Kind, list[QWidget]] = {
            Kind.FOLLOWUP: [self.period_kind_combo, self.period_year_spin],
            Kind.LAGESBILD: [self.year_spin],
            Kind.INCIDENT: [self.incident_spin],
            Kind.BLANK_FORM: [self.form_language_combo],
        }
        self._add_row(_("&Report:"), self.kind_combo)
        self._add_row(_("&Occasion:"), self.period_kind_combo)
        self._add_row(_("&Year:"), self.period_year_spin)
        self._add_row(_("Y&ear:"), self.year_spin)
        self._add_row(_("&Incident number:"), self.incident_spin)
        self._add_row(_("&Language:"), self.form_language_combo)

        # -- the analysis of the lägesbild ----------------------------------------------
        self.analysis_box = QGroupBox(_("Your analysis in the situation report"))
        self.analysis = GuardedTextField(
            _("Analysis"),
            _("Printed in the lägesbild. Do not write names, personnummer or addresses."),
        )
        self.analysis.edit.setMinimumHeight(110)
        self.analysis_box.setMaximumHeight(320)
        self.analysis_status = QLabel()
        self.analysis_status.setWordWrap(True)
        self.analysis_status.setAccessibleName(_("Analysis status"))
        self.save_analysis_button = QPushButton(_("Save &analysis"))
        self.save_analysis_button.setAccessibleName(_("Save the analysis"))
        analysis_layout = QVBoxLayout(self.analysis_box)
        analysis_layout.addWidget(self.analysis, 1)
        row = QHBoxLayout()
        row.addWidget(self.save_analysis_button)
        row.addWidget(self.analysis_status, 1)
        analysis_layout.addLayout(row)

        # -- actions ---------------------------------------------------------------------
        self.generate_button = QPushButton(_("&Show preview"))
        self.generate_button.setAccessibleName(_("Create the report and show a preview"))
        self.generate_button.setDefault(True)
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.setAccessibleName(_("Print the report"))
        self.save_button = QPushButton(_("Sa&ve as…"))
        self.save_button.setAccessibleName(_("Save the report as a file"))
        self.export_button = QPushButton(_("E&xport spreadsheet…"))
        self.export_button.setAccessibleName(_("Export the figures as a spreadsheet"))
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        actions = QHBoxLayout()
        actions.addWidget(self.generate_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_button)
        export_row.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Status"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addLayout(self.options)
        left_layout.addWidget(self.analysis_box, 1)
        left_layout.addLayout(actions)
        left_layout.addLayout(export_row)
        left_layout.addWidget(self.status)
        left_layout.addStretch(0)
        left.setMinimumWidth(360)

        self.preview = PdfPreview()
        self.preview.set_placeholder(_("Choose a report and press “Show preview”."))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 700])
        splitter.setChildrenCollapsible(False)

        # -- the register ----------------------------------------------------------------
        self.register_model = DisclosureModel((), self)
        self.register_view = WrappingTableView(self.register_model, _("Disclosure register"))
        self.register_view.set_column_modes(
            stretch=(DisclosureModel.COL_WHAT, DisclosureModel.COL_WHERE),
            widths={
                DisclosureModel.COL_WHEN: 130,
                DisclosureModel.COL_KIND: 80,
                DisclosureModel.COL_RECIPIENT: 160,
                DisclosureModel.COL_PURPOSE: 180,
            },
        )
        register_intro = QLabel(
            _(
                "Every file written out of the vault and every printout: what, when, where, "
                "to whom and why. The register itself stays in the vault."
            )
        )
        register_intro.setWordWrap(True)
        register_page = QWidget()
        register_layout = QVBoxLayout(register_page)
        register_layout.addWidget(register_intro)
        register_layout.addWidget(self.register_view, 1)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Reports"))
        self.tabs.addTab(splitter, _("Reports and exports"))
        self.tabs.addTab(register_page, _("Disclosure register"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)

        chain: list[QWidget] = [
            self.kind_combo,
            self.period_kind_combo,
            self.period_year_spin,
            self.year_spin,
            self.incident_spin,
            self.form_language_combo,
            self.analysis,
            self.save_analysis_button,
            self.generate_button,
            self.print_button,
            self.save_button,
            self.export_button,
            self.preview,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        for widget in (self.period_kind_combo, self.form_language_combo):
            widget.currentIndexChanged.connect(self._choice_changed)
        for spin in (self.period_year_spin, self.incident_spin):
            spin.valueChanged.connect(self._choice_changed)
        self.year_spin.valueChanged.connect(self._year_changed)
        self.analysis.edit.textChanged.connect(self._analysis_edited)
        self.save_analysis_button.clicked.connect(self.save_analysis)
        self.generate_button.clicked.connect(self.generate)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_as)
        self.export_button.clicked.connect(self.export)

        self._choose_default_years()
        self._kind_changed()

    def title(self) -> str:
        return _("Reports")

    # -- building the form ---------------------------------------------------------------
    @staticmethod
    def _year_spin(name: str, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1990, 2100)
        spin.setValue(value)
        spin.setAccessibleName(name)
        return spin

    def _add_row(self, text: str, widget: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(widget)
        self.options.addRow(label, widget)

    def _choose_default_years(self) -> None:
        """The newest plan's year for the follow-up; the newest year with incidents."""
        plans = self.service.plans.all()
        if plans:
            self.period_year_spin.setValue(max(p.year for p in plans))
        newest = self.service.incidents.list_full(sort="received_on", descending=True, limit=1)
        if newest:
            self.year_spin.setValue(newest[0].received_on.year)

    # -- the Page contract ---------------------------------------------------------------
    def refresh(self) -> None:
        self.register_model.set_rows(list(reversed(self.service.disclosures.all())))
        if self._analysis_year is None:
            self._load_analysis(self.year_spin.value())

    def save_draft(self) -> None:
        """An unsaved analysis becomes an encrypted draft, offered again for its year."""
        if self._analysis_year is not None and self.analysis_dirty():
            self.service.drafts.save(
                ANALYSIS_DRAFT, str(self._analysis_year), {"text": self.analysis.text()}
            )

    # -- choice --------------------------------------------------------------------------
    def current_kind(self) -> Kind:
        return Kind(self.kind_combo.currentData())

    def set_kind(self, kind: Kind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))

    def request(self) -> Request:
        """What the choice asks for, as the catalog takes it."""
        kind = self.current_kind()
        if kind is Kind.FOLLOWUP:
            period = Period(
                self.period_year_spin.value(), PeriodKind(self.period_kind_combo.currentData())
            )
            return Request(kind, period=period)
        if kind is Kind.LAGESBILD:
            return Request(kind, year=self.year_spin.value())
        if kind is Kind.INCIDENT:
            return Request(kind, item_id=self.incident_spin.value())
        if kind is Kind.BLANK_FORM:
            return Request(kind, form_language=self.form_language_combo.currentData())
        return Request(kind)

    def export_request(self) -> Request | None:
        """The spreadsheet that goes with the choice (follow-up or lägesbild), else None."""
        request = self.request()
        if request.kind is Kind.FOLLOWUP:
            return Request(Kind.FOLLOWUP_XLSX, period=request.period)
        if request.kind is Kind.LAGESBILD:
            return Request(Kind.STATISTICS_XLSX, year=request.year)
        return None

    def _kind_changed(self, *_args: object) -> None:
        kind = self.current_kind()
        shown = set(self._option_rows.get(kind, []))
        for widgets in self._option_rows.values():
            for widget in widgets:
                self.options.setRowVisible(widget, widget in shown)
        self.analysis_box.setVisible(kind is Kind.LAGESBILD)
        self.export_button.setEnabled(self.export_request() is not None)
        self.export_button.setToolTip(
            _("The figures of the situation report as a spreadsheet, small numbers hidden.")
            if kind is Kind.LAGESBILD
            else _("The follow-up of the period as a spreadsheet (or CSV).")
        )
        self._choice_changed()

    def _choice_changed(self, *_args: object) -> None:
        """A different choice: the preview shown no longer matches it."""
        if self.output is not None:
            self._set_output(None, [])
            self.preview.set_placeholder(_("The choice changed: press “Show preview” again."))

    def _year_changed(self, year: int) -> None:
        self._choice_changed()
        self._load_analysis(year)

    # -- the analysis ----------------------------------------------------------------------
    def _load_analysis(self, year: int) -> None:
        if self._analysis_year is not None and self.analysis_dirty():
            self.save_draft()  # keep what was typed for the other year
        self._analysis_year = year
        self._analysis_saved = self.service.situation.analysis(year)
        draft = next(
            (d for d in self.service.drafts.all(ANALYSIS_DRAFT) if d.ref == str(year)), None
        )
        text = self._analysis_saved
        if draft is not None and isinstance(draft.payload.get("text"), str):
            text = draft.payload["text"]
        self.analysis.edit.blockSignals(True)
        self.analysis.set_text(text)
        self.analysis.edit.blockSignals(False)
        self.analysis.edit.rescan()
        if draft is not None and text != self._analysis_saved:
            self.analysis_status.setText(_("Unsaved text restored from a draft."))
        else:
            self.analysis_status.setText("")
        self.analysis_box.setTitle(
            _("Your analysis in the situation report {year}").format(year=year)
        )

    def analysis_dirty(self) -> bool:
        return self.analysis.text() != self._analysis_saved

    def _analysis_edited(self) -> None:
        if self.analysis_dirty():
            self.analysis_status.setText(_("Not saved yet."))
        else:
            self.analysis_status.setText("")

    def save_analysis(self, *, accept_findings: bool = False) -> bool:
        """Keep the analysis of the chosen year; a blocking finding asks first."""
        year = self._analysis_year if self._analysis_year is not None else self.year_spin.value()
        text = self.analysis.text()
        try:
            self.service.situation.set_analysis(year, text, accept_findings=accept_findings)
        except IdentifiersFound:
            self.analysis.edit.rescan()
            self.analysis_status.setText(
                _("Looks like a personal identifier: see the marked text. Not saved.")
            )
            self._ask_save_analysis_anyway()
            return False
        except InputRefused as exc:
            self.analysis_status.setText(error_text(exc))
            return False
        self._analysis_saved = text
        self.service.drafts.discard(ANALYSIS_DRAFT, str(year))
        self.analysis_status.setText(_("Saved."))
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
        lagesbild = self.current_kind() is Kind.LAGESBILD
        if lagesbild and self.analysis_dirty() and not self.save_analysis():
            return None
        request = self.request()
        service = self.service

        def work() -> tuple[Output, list[RenderedPage]]:
            output = build(service, request, created=date.today())
            return output, render_pages(output.data)

        self._busy(True)
        self.status.setText(_("Creating the report…"))
        self.task = run_task(
            work,
            self._generated,
            self._failed,
            self,
            progress_text=_("Creating the report…"),
        )
        return self.task

    def _generated(self, result: tuple[Output, list[RenderedPage]]) -> None:
        output, pages = result
        self._busy(False)
        self._set_output(output, pages)
        self.status.setText(
            ngettext(
                "{title}: {pages} page. Nothing has left the vault yet.",
                "{title}: {pages} pages. Nothing has left the vault yet.",
                len(pages),
            ).format(title=output.title, pages=len(pages))
        )
        self.preview.setFocus()
        self.preview_ready.emit(len(pages))

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.status.setText(error_text(exc))

    def _busy(self, busy: bool) -> None:
        self.generate_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy and self.export_request() is not None)
        has_output = self.output is not None and not busy
        self.print_button.setEnabled(has_output)
        self.save_button.setEnabled(has_output)

    def _set_output(self, output: Output | None, pages: list[RenderedPage]) -> None:
        self.output = output
        if output is None:
            self.preview.clear()
        else:
            self.preview.set_pages(pages)
        self.print_button.setEnabled(output is not None)
        self.save_button.setEnabled(output is not None)

    # -- the notice, then the file or the printer --------------------------------------------
    def _ask_notice(
        self, what: str, then: Callable[[str, str], None], *, printing: bool = False
    ) -> DisclosureNoticeDialog:
        notice = DisclosureNoticeDialog(what, self, printing=printing)
        delete_when_finished(notice)

        def answered(result: int) -> None:
            self.notice = None
            if result == QDialog.DialogCode.Accepted:
                then(notice.recipient(), notice.purpose())
            else:
                self.status.setText(_("Cancelled: nothing was written."))

        notice.finished.connect(answered)
        self.notice = notice
        notice.open()
        return notice

    def _ask_path(
        self, suggested: str, kinds: tuple[str, ...], then: Callable[[Path], object]
    ) -> QFileDialog:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(self, _("Save as"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([FILTERS[k] for k in kinds])
        dialog.setDefaultSuffix(kinds[0])
        # Never over a file: the service refuses one that exists, with its own message.
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
        dialog.setDirectory(folder)
        dialog.selectFile(suggested)
        delete_when_finished(dialog)

        def chosen(path: str) -> None:
            self.file_dialog = None
            then(Path(path))

        dialog.fileSelected.connect(chosen)
        dialog.rejected.connect(lambda: self.status.setText(_("Cancelled: nothing was written.")))
        self.file_dialog = dialog
        dialog.open()
        return dialog

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
        self.status.setText(_("Saving…"))
        self.task = run_task(
            lambda: service.disclosures.write(
                path,
                output.data,
                output.file_kind,
                output.title,
                recipient=recipient,
                purpose=purpose,
            ),
            lambda entry: self._written(entry.id, path),
            self._failed,
            self,
            progress_text=_("Saving…"),
        )
        return self.task

    def _written(self, entry_id: int, path: Path) -> None:
        self.status.setText(
            _("Saved as {path}. It is recorded in the disclosure register.").format(path=path)
        )
        self.register_model.set_rows(list(reversed(self.service.disclosures.all())))
        self.disclosed.emit(entry_id)

    def export(self) -> DisclosureNoticeDialog | None:
        """The spreadsheet of the choice: notice → file name → built and written."""
        request = self.export_request()
        if request is None:
            return None
        if request.kind is Kind.FOLLOWUP_XLSX:
            assert request.period is not None
            what = _("Follow-up of the action plan") + f" {request.period} (xlsx)"
            suggested = f"uppfoljning-{request.period.kind.value}-{request.period.year}.xlsx"
            kinds: tuple[str, ...] = ("xlsx", "csv")
        else:
            what = _("Situation report (lägesbild)") + f" {request.year} (xlsx)"
            suggested = f"statistik-{request.year}.xlsx"
            kinds = ("xlsx",)

        def with_answers(recipient: str, purpose: str) -> None:
            self._ask_path(
                suggested, kinds, lambda path: self.export_to(path, request, recipient, purpose)
            )

        return self._ask_notice(what, with_answers)

    def export_to(self, path: Path, request: Request, recipient: str, purpose: str) -> Task:
        """Build the spreadsheet (CSV for a follow-up saved as ``.csv``) and write it."""
        if request.kind is Kind.FOLLOWUP_XLSX and path.suffix.lower() == ".csv":
            request = Request(Kind.FOLLOWUP_CSV, period=request.period)
        service = self.service

        def work() -> int:
            output = build(service, request, created=date.today())
            entry = service.disclosures.write(
                path,
                output.data,
                output.file_kind,
                output.title,
                recipient=recipient,
                purpose=purpose,
            )
            assert entry.id is not None
            return entry.id

        self.status.setText(_("Exporting…"))
        self.task = run_task(
            work,
            lambda entry_id: self._written(entry_id, path),
            self._failed,
            self,
            progress_text=_("Exporting…"),
        )
        return self.task

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
                    self.status.setText(_("Cancelled: nothing was printed."))

            dialog.finished.connect(answered)
            self.printer = printer
            self.print_dialog = dialog
            QDialog.open(dialog)  # QPrintDialog.open() of PySide6 wants a receiver

        return self._ask_notice(output.title, with_answers, printing=True)

    def print_to(self, printer: QPrinter, output: Output, recipient: str, purpose: str) -> Task:
        """Render the pages for ``printer`` (worker thread), then print and register them."""
        dpi = printer.resolution()
        self.status.setText(_("Printing…"))
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
            self.status.setText(
                _("Sent to {printer}. It is recorded in the disclosure register.").format(
                    printer=where
                )
            )
            self.register_model.set_rows(list(reversed(self.service.disclosures.all())))
            assert entry.id is not None
            self.disclosed.emit(entry.id)

        self.task = run_task(
            lambda: render_pages(output.data, scale=print_scale(dpi)),
            printed,
            self._failed,
            self,
            progress_text=_("Printing…"),
        )
        return self.task


def print_scale(dpi: int) -> float:
    """Pixels per PDF point for a printer of ``dpi`` (at most 300 dpi)."""
    return min(dpi, MAX_PRINT_DPI) / 72.0
