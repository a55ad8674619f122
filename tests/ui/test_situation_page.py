"""The lägesbild page over the demo vault: the service's counts, suppressed, and SVG charts."""

from __future__ import annotations

import itertools
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import Qt
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot
from reportlab.lib.colors import Color

from vbedesk.reports.charts import PALETTE
from vbedesk.reports.lagesbild import dimension_tables
from vbedesk.statistics import month_codes
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui.pages.situation import SituationPage, SituationTableModel

YEAR = 2021


def _shown_page(qtbot: QtBot, service: VaultService) -> SituationPage:
    page = SituationPage(service)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.view is not None and len(page.tables) == 5, timeout=20_000)
    return page


def _model(page: SituationPage, dimension: str) -> SituationTableModel:
    model = page.tables[dimension].model()
    assert isinstance(model, SituationTableModel)
    return model


def test_the_page_shows_the_services_counts_with_small_cells_hidden(
    qtbot: QtBot, demo: VaultService
) -> None:
    page = _shown_page(qtbot, demo)
    assert page.title() == "Situation picture" and page.page_id == "situation"
    assert page.year() == YEAR  # the latest year with incidents
    situation = demo.situation.for_year(YEAR)
    assert situation.totals == (40, 40)
    threshold = demo.settings().small_cell_threshold
    assert threshold == 3
    assert "2021: 40" in page.summary_label.text() and "2020: 40" in page.summary_label.text()

    seen_hidden = 0
    for dim in dimension_tables(situation, demo.taxonomies, threshold):
        model = _model(page, dim.dimension)
        assert model.headerData(1, _horizontal()) == "2020"
        assert model.headerData(2, _horizontal()) == "2021"
        data = situation.dimension(dim.dimension)
        for row, code in enumerate(dim.codes):
            assert model.text(row, 0) == dim.labels[row]
            for column, count in ((1, data.get(code, (0, 0))[0]), (2, data.get(code, (0, 0))[1])):
                shown = model.text(row, column)
                if 0 < count < threshold:
                    # A small count is never shown, only "<3".
                    assert shown == "<3", (dim.dimension, code, shown)
                    seen_hidden += 1
                elif shown != "×":
                    assert shown == str(count), (dim.dimension, code, shown)
    assert seen_hidden > 10
    # Concrete cells of the demo year: environment HOGER 7 → 22, MISOGYN 1 → 1 hidden.
    env = _model(page, "environment")
    codes = next(
        d for d in dimension_tables(situation, demo.taxonomies, 3) if d.dimension == "environment"
    ).codes
    hoger = codes.index("HOGER")
    assert (env.text(hoger, 1), env.text(hoger, 2)) == ("7", "22")
    misogyn = codes.index("MISOGYN")
    assert (env.text(misogyn, 1), env.text(misogyn, 2)) == ("<3", "<3")
    # Months: twelve rows and a total; every demo month is 2 to 4.
    months = _model(page, "month")
    assert months.rowCount() == len(month_codes()) + 1
    assert months.text(12, 0) == "Total"


def test_the_charts_are_valid_svg_without_clip_paths(qtbot: QtBot, demo: VaultService) -> None:
    page = _shown_page(qtbot, demo)
    assert page.view is not None
    assert set(page.charts) == {"environment", "incident_type", "area", "reporting_unit", "month"}
    for svg, height in page.view.charts:
        assert b"clip" not in svg.lower()
        renderer = QSvgRenderer(svg)
        assert renderer.isValid() and height > 0
    # A widget added to a shown layout is shown on the next turn of the event loop.
    qtbot.waitUntil(lambda: all(c.isVisible() for c in page.charts.values()), timeout=10_000)
    for chart in page.charts.values():
        assert chart.renderer().isValid()
        assert chart.isVisible() and chart.height() > 100
    assert b"H\xc3\xa4sselby" in page.view.charts[2][0]  # area names, with å/ä/ö


SVG = "{http://www.w3.org/2000/svg}"


def _svg_colour(colour: Color) -> str:
    """A colour as reportlab's SVG writes it: ``rgb(56%,66%,76%)``."""
    return f"rgb({int(colour.red * 100)}%,{int(colour.green * 100)}%,{int(colour.blue * 100)}%)"


def _shown_counts(model: SituationTableModel, rows: int, column: int) -> list[int | None]:
    """The counts the table shows in ``column``; ``None`` where it shows "<3" or "×"."""
    texts = [model.text(row, column) for row in range(rows)]
    return [int(text) if text.isdigit() else None for text in texts]


def _bar_lengths(root: ElementTree.Element, series: int) -> list[float]:
    """The lengths of one series' bars, in category order (the legend's swatch left out)."""
    fill = f"fill: {_svg_colour(PALETTE[series])}"
    rects = [r for r in root.iter(f"{SVG}rect") if fill in r.get("style", "")]
    *bars, swatch = rects  # the legend comes after the chart
    assert (swatch.get("width"), swatch.get("height")) == ("7.0", "7")
    return [float(r.get("width", "0")) for r in bars]


def _line_points(root: ElementTree.Element, series: int) -> list[tuple[float, float]]:
    stroke = f"stroke: {_svg_colour(PALETTE[series])}"
    points = []
    for line in root.iter(f"{SVG}polyline"):
        if stroke in line.get("style", ""):
            for pair in line.get("points", "").split(","):
                x, y = pair.split()
                points.append((float(x), float(y)))
    return points


def test_the_charts_draw_the_shown_counts_and_not_the_hidden_ones(
    qtbot: QtBot, demo: VaultService
) -> None:
    """Each chart draws exactly the counts its table shows: a hidden count ("<3" or "×")
    gets no bar and no point, and no label of a chart quotes a count."""
    page = _shown_page(qtbot, demo)
    assert page.view is not None
    hidden_in_charts = 0
    for dim, (svg, _height) in zip(page.view.dimensions, page.view.charts, strict=True):
        model = _model(page, dim.dimension)
        real = page.view.situation.dimension(dim.dimension)
        root = ElementTree.fromstring(svg)  # noqa: S314 (the program's own drawing)
        for series, column in ((0, 1), (1, 2)):
            shown = _shown_counts(model, len(dim.codes), column)
            hidden = [code for code, n in zip(dim.codes, shown, strict=True) if n is None]
            hidden_in_charts += sum(1 for code in hidden if real.get(code, (0, 0))[series])
            if dim.dimension == "month":
                # One point per shown month, none for a hidden one, on one straight scale.
                points = _line_points(root, series)
                months = [(m, n) for m, n in enumerate(shown) if n is not None]
                assert len(points) == len(months), (dim.dimension, series)
                xs = [x for x, _y in points]
                step = min(b - a for a, b in itertools.pairwise(xs))
                assert [round((x - xs[0]) / step) for x in xs] == [
                    m - months[0][0] for m, _n in months
                ]
                ys = [y for _x, y in points]
                counts = [n for _m, n in months]
                low, high = counts.index(min(counts)), counts.index(max(counts))
                assert counts[high] > counts[low]
                per_count = (ys[high] - ys[low]) / (counts[high] - counts[low])
                expected = [ys[low] + (n - counts[low]) * per_count for n in counts]
                assert ys == pytest.approx(expected), (dim.dimension, series)
            else:
                # One bar per shown count above zero, as long as the count; none for a hidden one.
                bars = _bar_lengths(root, series)
                drawn = [n for n in shown if n]
                assert len(bars) == len(drawn), (dim.dimension, series, bars, shown)
                per_count = sum(bars) / sum(drawn)
                assert bars == pytest.approx([n * per_count for n in drawn]), dim.dimension
        # No label quotes a count: the numbers are the value axis (and the legend's years).
        numbers = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.isdigit()]
        ticks = [int(n) for n in numbers if n not in {str(YEAR - 1), str(YEAR)}]
        assert ticks == list(range(0, ticks[-1] + 1, ticks[1])), (dim.dimension, numbers)
    assert hidden_in_charts > 10  # the demo year has hidden counts in every chart


def test_choosing_another_year_recounts(qtbot: QtBot, demo: VaultService) -> None:
    page = _shown_page(qtbot, demo)
    index = page.year_combo.findData(2020)
    assert index >= 0
    page.year_combo.setCurrentIndex(index)
    qtbot.waitUntil(
        lambda: page.view is not None and page.view.situation.year == 2020 and not page._busy,
        timeout=20_000,
    )
    assert page.view is not None
    assert page.view.situation.totals == (0, 40)
    env = _model(page, "environment")
    assert env.headerData(2, _horizontal()) == "2020"
    assert env.text(env.rowCount() - 1, 1) == "0"
    assert env.text(env.rowCount() - 1, 2) == "40"


def test_a_year_without_incidents_shows_zeros(qtbot: QtBot, service: VaultService) -> None:
    page = _shown_page(qtbot, service)
    env = _model(page, "environment")
    assert all(env.text(r, 2) == "0" for r in range(env.rowCount()))
    assert "0" in page.summary_label.text()


def test_the_page_is_in_the_main_window_after_training(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore
) -> None:
    from vbedesk.ui.main_window import MainWindow

    window = MainWindow(demo, memory_store)
    qtbot.addWidget(window)
    ids = window.page_ids()
    assert ids.index("situation") == ids.index("training") + 1
    page = window.show_page("situation")
    assert isinstance(page, SituationPage)
    qtbot.waitUntil(lambda: len(page.tables) == 5, timeout=20_000)
    window.close()


def _horizontal() -> Qt.Orientation:
    return Qt.Orientation.Horizontal
