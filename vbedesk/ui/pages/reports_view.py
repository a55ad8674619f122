"""The widgets and layout of the Rapporter page, without behaviour (GUI thread).

``ReportsView`` holds the choice of report, the analysis of the lägesbild, the actions,
the preview and the disclosure register; ``ReportsPage`` drives it. The view reads its
form as a ``Choice`` and says when it changes; it never reaches the vault.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.model import Period, PeriodKind
from vbedesk.reports.catalog import Kind
from vbedesk.ui.models.disclosure_table import DisclosureModel
from vbedesk.ui.page import heading_font
from vbedesk.ui.pages.reports_presenter import Choice, LoadedAnalysis
from vbedesk.ui.pdf_view import PdfPreview, RenderedPage
from vbedesk.ui.widgets.guarded_text import GuardedTextField
from vbedesk.ui.widgets.layouts import chain_tabs, side_by_side
from vbedesk.ui.widgets.tables import WrappingTableView

#: The reports offered, in this order: (kind, English label).
REPORTS: tuple[tuple[Kind, str], ...] = (
    (Kind.FOLLOWUP, "Follow-up of the action plan"),
    (Kind.LAGESBILD, "Situation report (lägesbild)"),
    (Kind.TRAINING, "Training status"),
    (Kind.INCIDENT, "One incident (anonymised)"),
    (Kind.BLANK_FORM, "Blank form for the units (fillable PDF)"),
)


def _label(msgid: str) -> str:
    return _(msgid)


def _year_spin(name: str, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1990, 2100)
    spin.setValue(value)
    spin.setAccessibleName(name)
    return spin


class ReportsView(QWidget):
    """Rapporter's widgets: the choice and the analysis on the left, the preview on the
    right, the disclosure register on a second tab."""

    #: The report chosen is another one.
    kind_changed = Signal()
    #: An option of the choice changed (not the kind, not the lägesbild's year).
    choice_changed = Signal()
    #: The year of the lägesbild changed (its analysis is another one).
    year_changed = Signal(int)

    def __init__(self, register_model: DisclosureModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(_("Reports"))
        heading_font(heading, 1.3)
        self._build_choice()
        self._build_analysis()
        self._build_actions()
        self.preview = PdfPreview()
        self.preview.set_placeholder(_("Choose a report and press “Show preview”."))
        self.register_table = WrappingTableView(register_model, _("Disclosure register"))

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Reports"))
        self.tabs.addTab(self._reports_tab(), _("Reports and exports"))
        self.tabs.addTab(self._register_tab(), _("Disclosure register"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the page's layout gives the margins
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        self._chain_tabs()

        self.kind_combo.currentIndexChanged.connect(lambda *_args: self.kind_changed.emit())
        for combo in (self.period_kind_combo, self.form_language_combo):
            combo.currentIndexChanged.connect(lambda *_args: self.choice_changed.emit())
        for spin in (self.period_year_spin, self.incident_spin):
            spin.valueChanged.connect(lambda *_args: self.choice_changed.emit())
        self.year_spin.valueChanged.connect(self.year_changed)

    # -- building ------------------------------------------------------------------------
    def _build_choice(self) -> None:
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
        self.period_year_spin = _year_spin(_("Year of the follow-up"), this_year)
        self.year_spin = _year_spin(_("Year of the situation report"), this_year)
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
        for text, widget in (
            (_("&Report:"), self.kind_combo),
            (_("&Occasion:"), self.period_kind_combo),
            (_("&Year:"), self.period_year_spin),
            (_("Y&ear:"), self.year_spin),
            (_("&Incident number:"), self.incident_spin),
            (_("&Language:"), self.form_language_combo),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            self.options.addRow(label, widget)

    def _build_analysis(self) -> None:
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

    def _build_actions(self) -> None:
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
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Status"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)

    def _reports_tab(self) -> QSplitter:
        actions = QHBoxLayout()
        actions.addWidget(self.generate_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_button)
        export_row.addStretch(1)
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

        return side_by_side(left, self.preview, stretch=(0, 1), sizes=(420, 700))

    def _register_tab(self) -> QWidget:
        self.register_table.set_column_modes(
            stretch=(DisclosureModel.COL_WHAT, DisclosureModel.COL_WHERE),
            widths={
                DisclosureModel.COL_WHEN: 130,
                DisclosureModel.COL_KIND: 80,
                DisclosureModel.COL_RECIPIENT: 160,
                DisclosureModel.COL_PURPOSE: 180,
            },
        )
        intro = QLabel(
            _(
                "Every file written out of the vault and every printout: what, when, where, "
                "to whom and why. The register itself stays in the vault."
            )
        )
        intro.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.register_table, 1)
        return page

    def _chain_tabs(self) -> None:
        chain_tabs(
            [
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
        )

    # -- the choice ----------------------------------------------------------------------
    def kind(self) -> Kind:
        return Kind(self.kind_combo.currentData())

    def set_kind(self, kind: Kind) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))

    def choice(self) -> Choice:
        """The form as it stands."""
        period = Period(
            self.period_year_spin.value(), PeriodKind(self.period_kind_combo.currentData())
        )
        return Choice(
            kind=self.kind(),
            period=period,
            year=self.year_spin.value(),
            incident_id=self.incident_spin.value(),
            form_language=str(self.form_language_combo.currentData()),
        )

    def show_kind(self, kind: Kind, *, exportable: bool) -> None:
        """Only the options of ``kind``; the analysis for the lägesbild alone."""
        shown = set(self._option_rows.get(kind, []))
        for widgets in self._option_rows.values():
            for widget in widgets:
                self.options.setRowVisible(widget, widget in shown)
        self.analysis_box.setVisible(kind is Kind.LAGESBILD)
        self.export_button.setEnabled(exportable)
        self.export_button.setToolTip(
            _("The figures of the situation report as a spreadsheet, small numbers hidden.")
            if kind is Kind.LAGESBILD
            else _("The follow-up of the period as a spreadsheet (or CSV).")
        )

    # -- the analysis ----------------------------------------------------------------------
    def show_analysis(self, year: int, loaded: LoadedAnalysis) -> None:
        """The analysis of ``year`` in the editor (without a "changed" signal), checked."""
        self.analysis.edit.blockSignals(True)
        self.analysis.set_text(loaded.text)
        self.analysis.edit.blockSignals(False)
        self.analysis.edit.rescan()
        self.analysis_status.setText(
            _("Unsaved text restored from a draft.") if loaded.from_draft else ""
        )
        self.analysis_box.setTitle(
            _("Your analysis in the situation report {year}").format(year=year)
        )

    # -- the output ------------------------------------------------------------------------
    def show_pages(self, pages: list[RenderedPage] | None) -> None:
        """The preview of a built report (``None``: no report, nothing to print or save)."""
        if pages is None:
            self.preview.clear()
        else:
            self.preview.set_pages(pages)
        self.print_button.setEnabled(pages is not None)
        self.save_button.setEnabled(pages is not None)

    def set_busy(self, busy: bool, *, has_output: bool, exportable: bool) -> None:
        self.generate_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy and exportable)
        self.print_button.setEnabled(has_output and not busy)
        self.save_button.setEnabled(has_output and not busy)
