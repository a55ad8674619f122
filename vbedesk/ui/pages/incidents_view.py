"""Händelser's widgets and layout, without behaviour (GUI thread).

``IncidentsView`` holds the filter bar, the search field, the incident table over the
page's ``IncidentTableModel`` and the row of buttons, and reads the bar as an
``IncidentFilter``. It decides nothing: ``IncidentsPage`` connects the controls and does
what they ask.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _, language, ngettext
from vbedesk.model import IncidentFilter
from vbedesk.taxonomy import Taxonomies, Taxonomy
from vbedesk.ui.models.incident_table import IncidentTableModel
from vbedesk.ui.page import heading_font
from vbedesk.ui.widgets.layouts import chain_tabs
from vbedesk.ui.widgets.tables import fixed_rows, read_only_rows

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


class IncidentsView(QWidget):
    """The filter bar, the search, the table of incidents and the buttons under it."""

    def __init__(
        self, model: IncidentTableModel, taxonomies: Taxonomies, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        bar = self._build_filters(taxonomies)
        search_bar = self._build_search()
        self.table = self._build_table(model)
        self.new_button = QPushButton(_("New incident"))
        self.new_button.setAccessibleName(_("New incident"))
        self.edit_button = QPushButton(_("Edit"))
        self.edit_button.setAccessibleName(_("Edit the selected incident"))
        self.edit_button.setEnabled(False)
        self.import_button = QPushButton(_("Import forms…"))
        self.import_button.setAccessibleName(_("Import filled-in forms (PDF)"))
        self.import_button.setToolTip(_("Or drop PDF files of filled-in forms on this page."))
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)

        heading = QLabel(_("Incidents"))
        heading_font(heading, 1.3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addLayout(search_bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        chain: list[QWidget] = [
            *self.filter_combos(),
            self.search_edit,
            self.table,
            self.new_button,
            self.edit_button,
            self.import_button,
        ]
        chain_tabs(chain)

    def _build_filters(self, tax: Taxonomies) -> QHBoxLayout:
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName(_("Year"))
        self.year_combo.addItem(_("All years"), None)
        self.area_combo = filter_combo(tax.areas, _("Area"), _("All areas"))
        self.environment_combo = filter_combo(
            tax.environments, _("Environment"), _("All environments"), 20
        )
        self.type_combo = filter_combo(tax.incident_types, _("Type"), _("All types"))
        self.status_combo = filter_combo(tax.incident_statuses, _("Status"), _("All statuses"))
        bar = QHBoxLayout()
        for text, combo in zip(
            (_("Year:"), _("Area:"), _("Environment:"), _("Type:"), _("Status:")),
            self.filter_combos(),
            strict=True,
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            bar.addWidget(label)
            bar.addWidget(combo)
            bar.addSpacing(6)
        bar.addStretch(1)
        return bar

    def _build_search(self) -> QHBoxLayout:
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName(_("Search in descriptions"))
        self.search_edit.setPlaceholderText(_("Search in descriptions…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(180)
        search_bar = QHBoxLayout()
        search_label = QLabel(_("Search:"))
        search_label.setBuddy(self.search_edit)
        search_bar.addWidget(search_label)
        search_bar.addWidget(self.search_edit, 1)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Number of matching incidents"))
        search_bar.addSpacing(12)
        search_bar.addWidget(self.count_label)
        return search_bar

    def _build_table(self, model: IncidentTableModel) -> QTableView:
        table = QTableView()
        read_only_rows(table, model, _("Incidents"))
        table.setAlternatingRowColors(True)
        fixed_rows(table, IncidentTableModel.COL_TYPES, COLUMN_WIDTHS)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicator(IncidentTableModel.COL_RECEIVED, Qt.SortOrder.DescendingOrder)
        table.setSortingEnabled(True)
        return table

    # -- reading and showing -------------------------------------------------------------
    def filter_combos(self) -> list[QComboBox]:
        """Year, area, environment, type, status: the bar from left to right."""
        return [
            self.year_combo,
            self.area_combo,
            self.environment_combo,
            self.type_combo,
            self.status_combo,
        ]

    def current_filter(self) -> IncidentFilter:
        """The filter bar and the search field as a filter."""
        text = self.search_edit.text().strip()
        return IncidentFilter(
            year=self.year_combo.currentData(),
            area=self.area_combo.currentData(),
            environment=self.environment_combo.currentData(),
            incident_type=self.type_combo.currentData(),
            status=self.status_combo.currentData(),
            text=text or None,
        )

    def set_years(self, years: Sequence[int]) -> None:
        """Offer ``years`` after "All years", keeping the chosen one (no signal when so)."""
        combo = self.year_combo
        present = [combo.itemData(i) for i in range(1, combo.count())]
        if present == list(years):
            return
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for year in years:
                combo.addItem(str(year), year)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
        finally:
            combo.blockSignals(False)

    def show_count(self, total: int) -> None:
        self.count_label.setText(
            ngettext("{count} incident", "{count} incidents", total).format(count=total)
        )

    def show_loading(self) -> None:
        """While the rows are on their way: the count shown would be the old list's."""
        self.count_label.setText(_("Searching…"))

    def show_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        """Show the order the rows have, without asking the model to sort again."""
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)

    def selected_row(self) -> int | None:
        """The row of the selected incident, if one is selected."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return index.row()

    def show_row(self, row: int) -> None:
        self.table.selectRow(row)
        model = self.table.model()
        self.table.scrollTo(model.index(row, 0))
