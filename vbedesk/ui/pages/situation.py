"""The lägesbild page: a year's incidents by dimension against the year before (GUI thread).

The counts come from ``VaultService.situation`` and are suppressed exactly as in the
lägesbild report (``reports.lagesbild.dimension_tables``): a hidden cell shows "<3" or
"×", never its value. The charts are the report's own ``reportlab.graphics`` drawings,
rendered to SVG on the worker thread and shown with QtSvg.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.reports.charts import to_svg
from vbedesk.reports.lagesbild import (
    DIMENSION_HEADERS,
    TITLES,
    DimensionTable,
    dimension_chart,
    dimension_tables,
)
from vbedesk.statistics import Situation
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import error_text
from vbedesk.ui.page import Page
from vbedesk.ui.tasks import run_task

_Index = QModelIndex | QPersistentModelIndex

#: Points to pixels: the charts are drawn in PDF points (1/72 inch), shown at 96 dpi.
POINT = 96 / 72
#: The chart width in points (narrower than the PDF's content width: a table sits beside it).
CHART_WIDTH = 440.0


@dataclass(frozen=True)
class SituationView:
    """What the page shows for one year: the suppressed tables and their charts as SVG."""

    situation: Situation
    threshold: int
    dimensions: tuple[DimensionTable, ...]
    #: Per dimension: the chart as SVG and its height in points.
    charts: tuple[tuple[bytes, float], ...]


def build_view(service: VaultService, year: int) -> SituationView:
    """Counts, suppression and charts for ``year`` (runs on the worker thread; no Qt)."""
    situation = service.situation.for_year(year)
    threshold = service.settings().small_cell_threshold
    dims = tuple(dimension_tables(situation, service.taxonomies, threshold))
    drawings = [dimension_chart(d, year, year - 1, width=CHART_WIDTH) for d in dims]
    charts = tuple((to_svg(drawing), float(drawing.height)) for drawing in drawings)
    return SituationView(situation, threshold, dims, charts)


class SituationTableModel(QAbstractTableModel):
    """One dimension: label, the year before, the year (and a total row when additive)."""

    COL_LABEL, COL_PREVIOUS, COL_YEAR = range(3)

    def __init__(self, dim: DimensionTable, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dim = dim
        self.year = year
        # Incident types are a set per incident: their rows do not add up to a total.
        self.has_total = dim.dimension != "incident_type"

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.dim.codes) + (1 if self.has_total else 0)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def is_total(self, row: int) -> bool:
        return self.has_total and row == len(self.dim.codes)

    def text(self, row: int, column: int) -> str:
        """What the cell shows: a count, or "<3"/"×" for a hidden one."""
        t = self.dim.table
        if self.is_total(row):
            if column == self.COL_LABEL:
                return _("Total")
            return t.column_total_label(column - 1)
        if column == self.COL_LABEL:
            return self.dim.labels[row]
        return t.cell_label(row, column - 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.COL_LABEL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_total(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_LABEL:
            return self.text(row, column)  # the full label where the cell elides it
        if role == Qt.ItemDataRole.ToolTipRole and column != self.COL_LABEL:
            shown = self.text(row, column)
            if shown.startswith("<") or shown == "×":
                return _("Hidden: a small count, or one that would reveal a small count.")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == self.COL_LABEL:
            return _(DIMENSION_HEADERS[self.dim.dimension])
        return str(self.year - 1 if section == self.COL_PREVIOUS else self.year)


class ChartWidget(QSvgWidget):
    """An SVG chart at its drawn size, its aspect ratio kept, on white as in the report.

    The drawing's texts are black: a dark palette must not become its background.
    """

    def __init__(self, svg: bytes, width_pt: float, height_pt: float, name: str) -> None:
        super().__init__()
        self.load(svg)
        self.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        # Text scales with the system font: a larger font draws the chart larger too.
        scale = POINT * max(1.0, self.font().pointSizeF() / 10.0)
        self._size = QSize(int(width_pt * scale), int(height_pt * scale))
        self.setFixedHeight(self._size.height())
        self.setMinimumWidth(self._size.width() // 2)
        self.setAccessibleName(name)
        self.setAccessibleDescription(_("Chart of the table beside it."))

    def sizeHint(self) -> QSize:
        return self._size

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.end()
        super().paintEvent(event)


class SituationPage(Page):
    """Lägesbild: counts by environment, incident type, area, unit and month, with charts."""

    page_id = "situation"

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.view: SituationView | None = None
        self.tables: dict[str, QTableView] = {}
        self.charts: dict[str, ChartWidget] = {}
        self._pending: int | None = None
        self._busy = False

        heading = QLabel(_("Situation picture (lägesbild)"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName(_("Year"))
        self.year_combo.setMinimumWidth(100)
        year_label = QLabel(_("&Year:"))
        year_label.setBuddy(self.year_combo)
        self.year_combo.currentIndexChanged.connect(self._year_chosen)
        self.status_label = QLabel()
        self.status_label.setAccessibleName(_("Status"))
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year_combo)
        top.addWidget(self.status_label, 1)

        self.summary_label = QLabel()
        self.summary_label.setAccessibleName(_("Incidents received"))
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setAccessibleName(_("About hidden counts"))

        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.content)
        self.scroll_area.setAccessibleName(_("Situation picture"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.scroll_area, 1)

    def title(self) -> str:
        return _("Situation picture")

    # -- years ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Offer the years with incidents (and this one); show the chosen year again."""
        years = set(self.service.info().incidents_by_year) | {date.today().year}
        current = self.year_combo.currentData()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in sorted(years, reverse=True):
            self.year_combo.addItem(str(year), year)
        if current is None:
            # The latest year with incidents, else this year.
            with_data = sorted(self.service.info().incidents_by_year, reverse=True)
            current = with_data[0] if with_data else date.today().year
        self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(current)))
        self.year_combo.blockSignals(False)
        self.show_year(int(self.year_combo.currentData()))

    def _year_chosen(self, _index: int) -> None:
        year = self.year_combo.currentData()
        if year is not None:
            self.show_year(int(year))

    def is_busy(self) -> bool:
        """True while a year is being counted and drawn on the worker thread."""
        return self._busy

    def year(self) -> int | None:
        data = self.year_combo.currentData()
        return None if data is None else int(data)

    def show_year(self, year: int) -> None:
        """Count and draw ``year`` on the worker thread; the latest request wins."""
        if self._busy:
            self._pending = year
            return
        self._busy = True
        self.status_label.setText(_("Counting…"))
        service = self.service
        run_task(
            lambda: build_view(service, year),
            self._shown,
            self._failed,
            self,
            progress_text=_("Counting the incidents…"),
        )

    def _finish(self) -> bool:
        """End the running job; True when a newer year waits (and was started)."""
        self._busy = False
        pending, self._pending = self._pending, None
        if pending is not None and (self.view is None or pending != self.view.situation.year):
            self.show_year(pending)
            return True
        return False

    def _failed(self, exc: BaseException) -> None:
        if self._finish():
            return
        self.status_label.setText(error_text(exc))

    def _shown(self, view: SituationView) -> None:
        self.view = view
        if self._finish():
            return
        self.status_label.clear()
        self._fill(view)

    # -- content -------------------------------------------------------------------------
    def _clear(self) -> None:
        self.tables.clear()
        self.charts.clear()
        while self.content_layout.count():
            item = self.content_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _fill(self, view: SituationView) -> None:
        self._clear()
        situation = view.situation
        year, prev = situation.year, situation.year - 1
        env = next(d for d in view.dimensions if d.dimension == "environment").table
        self.summary_label.setText(
            _("Incidents received: {year}: {n}; {previous}: {m}.").format(
                year=year, n=env.column_total_label(1), previous=prev, m=env.column_total_label(0)
            )
        )
        self.note_label.setText(
            _(
                "Counts from 1 to {below} are shown as “<{threshold}”; cells marked “×” are "
                "hidden as well, so that hidden counts cannot be worked out from the totals. "
                "An incident can have several incident types."
            ).format(below=view.threshold - 1, threshold=view.threshold)
        )
        for dim, (svg, drawing_height) in zip(view.dimensions, view.charts, strict=True):
            title = _(TITLES[dim.dimension])
            box = QGroupBox(title)
            row = QHBoxLayout(box)
            table = QTableView()
            table.setModel(SituationTableModel(dim, year, table))
            table.setAccessibleName(title)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setTabKeyNavigation(False)
            table.setWordWrap(False)  # one line per row: the fixed height below fits exactly
            table.setTextElideMode(Qt.TextElideMode.ElideRight)
            table.verticalHeader().hide()
            header = table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for column in (1, 2):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            rows = table.model().rowCount()
            table.setFixedHeight(
                header.sizeHint().height() + rows * table.verticalHeader().defaultSectionSize() + 4
            )
            table.setMinimumWidth(300)
            table.setMaximumWidth(420)
            chart = ChartWidget(
                svg, CHART_WIDTH, drawing_height, _("Chart: {title}").format(title=title)
            )
            row.addWidget(table, 2, Qt.AlignmentFlag.AlignTop)
            row.addWidget(chart, 3, Qt.AlignmentFlag.AlignTop)
            self.tables[dim.dimension] = table
            self.charts[dim.dimension] = chart
            self.content_layout.addWidget(box)
        self.content_layout.addStretch(1)
