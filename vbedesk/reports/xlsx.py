"""The lägesbild's tables as a spreadsheet (openpyxl), small cells suppressed as in the PDF."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from vbedesk import __version__
from vbedesk.i18n import _
from vbedesk.reports.lagesbild import DIMENSION_HEADERS, TITLES, dimension_tables
from vbedesk.statistics import Situation
from vbedesk.taxonomy import Taxonomies

SHEET_NAMES = {
    "environment": "environment",
    "incident_type": "incident_type",
    "area": "area",
    "reporting_unit": "reporting_unit",
    "month": "month",
}


def _value(label: str) -> int | str:
    """Shown counts as numbers, hidden ones as their mark (``<3``, ``×``)."""
    return int(label) if label.isdigit() else label


def build_statistics_workbook(
    situation: Situation,
    taxonomies: Taxonomies,
    *,
    threshold: int,
    district: str,
    created: date,
) -> bytes:
    """One sheet per dimension plus an "info" sheet; workbook properties name no person."""
    year, prev = situation.year, situation.year - 1
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "info"
    bold = Font(bold=True)
    info.append([_("Situation report (lägesbild)")])
    info["A1"].font = Font(bold=True, size=13)
    info.append([_("District"), district])
    info.append([_("Year"), year])
    info.append([_("Compared with"), prev])
    info.append([_("Created"), created.isoformat()])
    info.append([_("Small-cell threshold"), threshold])
    info.append(
        [
            _(
                "Counts from 1 to {below} are shown as “<{threshold}”; cells marked “×” are "
                "hidden as well, so that hidden counts cannot be worked out from the totals."
            ).format(below=threshold - 1, threshold=threshold)
        ]
    )
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 24
    for dim in dimension_tables(situation, taxonomies, threshold):
        ws = wb.create_sheet(SHEET_NAMES[dim.dimension])
        ws.append([_(TITLES[dim.dimension])])
        ws["A1"].font = bold
        ws.append(["code", _(DIMENSION_HEADERS[dim.dimension]), prev, year])
        for cell in ws[2]:
            cell.font = bold
        t = dim.table
        for i, (code, label) in enumerate(zip(dim.codes, dim.labels, strict=True)):
            ws.append([code, label, _value(t.cell_label(i, 0)), _value(t.cell_label(i, 1))])
        if dim.dimension != "incident_type":
            ws.append(
                [
                    "",
                    _("Total"),
                    _value(t.column_total_label(0)),
                    _value(t.column_total_label(1)),
                ]
            )
            for cell in ws[ws.max_row]:
                cell.font = bold
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 36
        for row in ws.iter_rows(min_row=3, min_col=3, max_col=4):
            for cell in row:
                cell.alignment = Alignment(horizontal="right")
    wb.properties.creator = f"VBE Desk {__version__}"
    wb.properties.lastModifiedBy = f"VBE Desk {__version__}"
    wb.properties.title = _("Situation report (lägesbild)") + f" {year}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
