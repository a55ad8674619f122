"""The shared page template of every PDF report: fonts, header, footer, tables, metadata."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from vbedesk import __version__
from vbedesk.i18n import _
from vbedesk.paths import resource_path

FONT = "VBEDesk"
FONT_BOLD = "VBEDesk-Bold"
FONT_ITALIC = "VBEDesk-Italic"
FONT_BOLD_ITALIC = "VBEDesk-BoldItalic"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
TABLE_CHUNK = 500
"""Rows per reportlab ``Table``: one long table re-measures on every split (quadratic)."""

HEADER_BG = colors.HexColor("#dfe6ee")
GRID = colors.HexColor("#9aa5b1")


@cache
def register_fonts() -> str:
    """Register the shipped Bitstream Vera as one family (normal, bold, italic, both)."""
    from reportlab.lib.fonts import addMapping

    for name, file in (
        (FONT, "Vera.ttf"),
        (FONT_BOLD, "VeraBd.ttf"),
        (FONT_ITALIC, "VeraIt.ttf"),
        (FONT_BOLD_ITALIC, "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD_ITALIC)
    return FONT


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, spaceAfter=4)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=17, leading=21),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=5,
        ),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.grey),
        # embeddedHyphenation: a long word may break after its own hyphen ("Preventions-").
        cell=ParagraphStyle(
            "cell", parent=body, fontSize=8, leading=10, spaceAfter=0, embeddedHyphenation=1
        ),
        cell_bold=ParagraphStyle(
            "cell_bold", parent=body, fontName=FONT_BOLD, fontSize=7.5, leading=9.5, spaceAfter=0
        ),
    )


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept."""
    markup = escape(text).replace("\n", "<br/>")
    return Paragraph(markup, style or styles().body)


def heading(text: str) -> list[Flowable]:
    """A section heading that never stands alone at the foot of a page."""
    return [CondPageBreak(80), para(text, styles().heading)]


@dataclass(frozen=True)
class ReportInfo:
    """What every page says about its report; ``author`` names the office, never a person."""

    title: str
    district: str
    period: str = ""
    created: date | None = None
    classification: str = ""
    subject: str = ""


def default_classification() -> str:
    return _("Sensitive — contains no personal data. Handle as an internal document.")


def tables(
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    *,
    extra_style: Sequence[tuple[Any, ...]] = (),
    chunk: int = TABLE_CHUNK,
    total_row: bool = False,
) -> list[Flowable]:
    """A long table as chunks of at most ``chunk`` rows, each with the header repeated."""
    result: list[Flowable] = []
    body = list(rows) or [[""] * len(header)]
    for start in range(0, len(body), chunk):
        part = body[start : start + chunk]
        table = Table([list(header), *part], colWidths=list(col_widths), repeatRows=1)
        style: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if total_row and start + chunk >= len(body):
            style.append(("FONTNAME", (0, -1), (-1, -1), FONT_BOLD))
        style.extend(extra_style)
        table.setStyle(TableStyle(style))
        result.append(table)
    return result


def _page_furniture(canvas: Canvas, info: ReportInfo, page: int, pages: int) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.setFillColor(colors.HexColor("#44505c"))
    top = PAGE_HEIGHT - 11 * mm
    left = f"{info.district} · {info.title}"
    if info.period:
        left += f" · {info.period}"
    canvas.drawString(MARGIN, top, left)
    if info.created is not None:
        created = _("Created {date}").format(date=info.created.isoformat())
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top, created)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, top - 2.5 * mm, PAGE_WIDTH - MARGIN, top - 2.5 * mm)
    canvas.line(MARGIN, 14 * mm, PAGE_WIDTH - MARGIN, 14 * mm)
    canvas.setFont(FONT_ITALIC, 7.5)
    canvas.drawString(MARGIN, 10 * mm, info.classification or default_classification())
    canvas.setFont(FONT, 8)
    canvas.drawRightString(
        PAGE_WIDTH - MARGIN, 10 * mm, _("Page {page} of {pages}").format(page=page, pages=pages)
    )
    canvas.restoreState()


def _numbered_canvas(info: ReportInfo) -> type[Canvas]:
    """A canvas that draws header and footer once the number of pages is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _page_furniture(self, info, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(story: Sequence[Flowable], info: ReportInfo) -> bytes:
    """The report as PDF bytes: A4, the page template, metadata without personal names."""
    register_fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN + 2 * mm,
        title=info.title,
        author=info.district,
        subject=info.subject or info.title,
        creator=f"VBE Desk {__version__}",
        producer=f"VBE Desk {__version__} (reportlab)",
        keywords="",
        lang="sv",
        initialFontName=FONT,
    )
    doc.build(list(story), canvasmaker=_numbered_canvas(info))
    return buf.getvalue()


def title_block(info: ReportInfo) -> list[Flowable]:
    """The first lines of page 1: title, district, period and date."""
    s = styles()
    lines = [para(info.title, s.title), para(info.district, s.body)]
    meta = []
    if info.period:
        meta.append(_("Period: {period}").format(period=info.period))
    if info.created is not None:
        meta.append(_("Created {date}").format(date=info.created.isoformat()))
    if meta:
        lines.append(para(" · ".join(meta), s.body))
    return lines
