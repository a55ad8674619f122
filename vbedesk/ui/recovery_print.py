"""Printing the recovery sheet (GUI thread).

The words come from ``reports.recovery_sheet.recovery_sheet``, the same as the PDF's; the
printed page is laid out with a ``QTextDocument`` and sent to a ``QPrinter``. (Printing
the reportlab PDF itself would need QtPdf, which is not in pyside6-essentials, or a
raster image of it, on which the key would no longer be text.)
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from vbedesk.reports.recovery_sheet import RecoverySheet, recovery_sheet


def sheet_html(sheet: RecoverySheet) -> str:
    """The sheet as simple HTML for ``QTextDocument`` (every value escaped)."""
    items = "".join(f"<li>{escape(line)}</li>" for line in sheet.instructions)
    return (
        "<html><body style='font-family: sans-serif; font-size: 11pt;'>"
        f"<p style='color: #a4000f; font-weight: bold;'>{escape(sheet.classification)}</p>"
        f"<h1>{escape(sheet.title)}</h1>"
        f"<p>{escape(sheet.subtitle)}</p>"
        "<table border='1' cellpadding='6' cellspacing='0'>"
        f"<tr><th align='left'>{escape(sheet.headers[0])}</th>"
        f"<th align='left'>{escape(sheet.headers[1])}</th></tr>"
        # Monospace: no ligature turns the "ff" of a hexadecimal id into one glyph.
        f"<tr><td style='font-family: monospace;'>{escape(sheet.vault_id)}</td>"
        f"<td>{escape(sheet.created.isoformat())}</td></tr>"
        "</table>"
        f"<h2>{escape(sheet.key_heading)}</h2>"
        # On one line (a key broken over lines is easy to mistype): 65 characters fit A4.
        "<p style='font-family: monospace; font-size: 11pt; font-weight: bold; "
        "white-space: pre;'>"
        f"{escape(sheet.recovery_key)}</p>"
        f"<h2>{escape(sheet.instructions_heading)}</h2>"
        f"<ul>{items}</ul>"
        "</body></html>"
    )


def print_recovery_sheet(
    printer: QPrinter, recovery_key: str, vault_id: str, *, created: date
) -> None:
    """Lay the sheet out on A4 and print it on ``printer`` (a real printer or a PDF file)."""
    sheet = recovery_sheet(recovery_key, vault_id, created=created)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setDocName(sheet.title)  # the print queue shows the title, never the key
    document = QTextDocument()
    document.setHtml(sheet_html(sheet))
    document.print_(printer)
    document.clear()
