"""The plan's follow-up for a period as a spreadsheet (openpyxl), formula-injection safe."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vbedesk import __version__
from vbedesk.i18n import N_, _, language
from vbedesk.reports.followup import FollowUpReportData
from vbedesk.taxonomy import Taxonomy

SHEET = "followup"
HEADERS: tuple[str, ...] = (
    N_("Section"),
    N_("Activity"),
    N_("Responsible"),
    N_("Timeline"),
    N_("Follow-up"),
    N_("Status"),
    N_("Comment"),
    N_("Noted on"),
)
WIDTHS = (26, 60, 30, 14, 14, 16, 60, 12)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text made inert for spreadsheets: a leading apostrophe before a formula start."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _put_text(ws: Worksheet, row: int, column: int, value: str) -> Cell:
    cell = ws.cell(row=row, column=column)
    cell.value = safe_text(value)
    cell.data_type = "s"  # never a formula, whatever openpyxl guesses
    return cell


def build_followup_workbook(
    data: FollowUpReportData, statuses: Taxonomy, *, district: str, created: date
) -> bytes:
    """One row per activity (section, plan columns, status and the period's newest comment)
    and an "info" sheet; workbook properties name no person."""
    lang = language()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DFE6EE")
    for col, header in enumerate(HEADERS, start=1):
        cell = _put_text(ws, 1, col, _(header))
        cell.font = bold
        cell.fill = header_fill
    row = 1
    for section in data.sections:
        for line in section.lines:
            row += 1
            act, followup = line.activity, line.followup
            texts = (
                section.section.title,
                act.text,
                act.responsible,
                act.timeline,
                act.followup,
                statuses.label(followup.status, lang) if followup else _("Not noted"),
                followup.comment if followup else "",
            )
            for col, value in enumerate(texts, start=1):
                _put_text(ws, row, col, value).alignment = Alignment(wrap_text=True, vertical="top")
            noted = ws.cell(row=row, column=len(texts) + 1)
            if followup is not None:
                noted.value = followup.noted_on
                noted.number_format = "yyyy-mm-dd"
            noted.alignment = Alignment(vertical="top")
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(row, 1)}"

    info = wb.create_sheet("info")
    title = _("Follow-up of the action plan")
    _put_text(info, 1, 1, title).font = Font(bold=True, size=13)
    pairs = (
        (_("Plan"), data.plan.title),
        (_("District"), district),
        (_("Period"), str(data.period)),
        (_("Created"), created.isoformat()),
    )
    for n, (key, value) in enumerate(pairs, start=2):
        _put_text(info, n, 1, key).font = bold
        _put_text(info, n, 2, value)
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 60

    wb.properties.creator = f"VBE Desk {__version__}"
    wb.properties.lastModifiedBy = f"VBE Desk {__version__}"
    wb.properties.title = f"{title} {data.period}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build_followup_csv(data: FollowUpReportData, statuses: Taxonomy) -> bytes:
    """The same rows as CSV (UTF-8 with BOM, so that Excel reads å ä ö), formula-safe."""
    lang = language()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_text(_(h)) for h in HEADERS])
    for section in data.sections:
        for line in section.lines:
            act, followup = line.activity, line.followup
            writer.writerow(
                [
                    safe_text(value)
                    for value in (
                        section.section.title,
                        act.text,
                        act.responsible,
                        act.timeline,
                        act.followup,
                        statuses.label(followup.status, lang) if followup else _("Not noted"),
                        followup.comment if followup else "",
                        followup.noted_on.isoformat() if followup else "",
                    )
                ]
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
