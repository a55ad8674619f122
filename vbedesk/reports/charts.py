"""Bar and line charts drawn once with reportlab.graphics, for the PDF and (as SVG) the screen."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from vbedesk.reports.pdf import CONTENT_WIDTH, FONT, FONT_BOLD, register_fonts

PALETTE = (
    colors.HexColor("#8fa9c4"),
    colors.HexColor("#1f4e79"),
    colors.HexColor("#c0504d"),
    colors.HexColor("#9bbb59"),
    colors.HexColor("#8064a2"),
)
Series = tuple[str, Sequence[float | None]]
LABEL_WIDTH = 190


def fit(text: str, width: float, font: str, size: float) -> str:
    """``text`` shortened with an ellipsis to at most ``width`` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _nice_max(values: Sequence[float | None]) -> float:
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 8:
            return (int(top / step) + 1) * step
    return top * 1.1


def _step(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 8:
            return step
    return top / 5


def _title(drawing: Drawing, title: str, width: float, height: float) -> None:
    drawing.add(String(0, height - 12, title, fontName=FONT_BOLD, fontSize=9.5))


def _legend(drawing: Drawing, series: Sequence[Series], x: float, y: float) -> None:
    if len(series) < 2:
        return
    legend = Legend()
    legend.x, legend.y = x - 75 * len(series), y
    legend.fontName = FONT
    legend.fontSize = 8
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.strokeColor = None
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.deltax = 70
    legend.colorNamePairs = [
        (PALETTE[n % len(PALETTE)], name) for n, (name, _values) in enumerate(series)
    ]
    drawing.add(legend)


def _clean(values: Sequence[float | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: float = CONTENT_WIDTH,
    horizontal: bool = True,
    value_format: str = "%d",
    value_max: float | None = None,
) -> Drawing:
    """Grouped bars, one group per category; ``None`` values (hidden counts) are not drawn.

    Horizontal bars suit long category labels (areas, units); vertical bars short ones.
    """
    register_fonts()
    values = [v for _name, vs in series for v in vs]
    top = value_max if value_max is not None else _nice_max(values)
    if horizontal:
        row_height = 7 + 6 * len(series)
        plot_height = max(60, row_height * len(categories))
        height = plot_height + 50
        drawing = Drawing(width, height)
        chart: HorizontalBarChart | VerticalBarChart = HorizontalBarChart()
        chart.x, chart.y = LABEL_WIDTH, 22
        chart.width, chart.height = width - LABEL_WIDTH - 15, plot_height
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        chart.categoryAxis.reverseDirection = 1
    else:
        height = 200
        drawing = Drawing(width, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 35, 40
        chart.width, chart.height = width - 50, height - 80
        chart.categoryAxis.labels.boxAnchor = "n"
        chart.categoryAxis.labels.angle = 0
    chart.data = [_clean(vs) for _name, vs in series]
    names = list(categories)
    if horizontal:
        names = [fit(name, LABEL_WIDTH - 8, FONT, 7.5) for name in names]
    chart.categoryAxis.categoryNames = names
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.valueAxis.labelTextFormat = value_format
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.barSpacing = 1
    chart.groupSpacing = 4
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    for n in range(len(series)):
        chart.bars[n].fillColor = PALETTE[n % len(PALETTE)]
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    _title(drawing, title, width, height)
    _legend(drawing, series, width, height - 2)
    return drawing


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: float = CONTENT_WIDTH,
    height: float = 190,
) -> Drawing:
    """One line per series over the categories (months); ``None`` leaves a gap."""
    register_fonts()
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 35, 30
    chart.width, chart.height = width - 50, height - 70
    chart.data = [_clean(vs) for _name, vs in series]
    chart.categoryAxis.categoryNames = list(categories)
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "n"
    top = _nice_max([v for _name, vs in series for v in vs])
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = _step(top)
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.joinedLines = 1
    for n in range(len(series)):
        chart.lines[n].strokeColor = PALETTE[n % len(PALETTE)]
        chart.lines[n].strokeWidth = 1.6
    drawing.add(chart)
    _title(drawing, title, width, height)
    _legend(drawing, series, width, height - 2)
    return drawing


_CLIP_ELEMENT = re.compile(rb"<clipPath\b.*?</clipPath>\s*", re.DOTALL)
_CLIP_ATTRIBUTE = re.compile(rb'\s+clip-path="[^"]*"|clip-path:\s*url\([^)]*\);?\s*')


def to_svg(drawing: Drawing) -> bytes:
    """The drawing as SVG bytes without ``<clipPath>`` (QtSvg ignores clipping)."""
    from reportlab.graphics import renderSVG

    svg = renderSVG.drawToString(drawing)
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    return _CLIP_ATTRIBUTE.sub(b"", _CLIP_ELEMENT.sub(b"", data))
