"""The lägesbild page over the demo vault: the service's counts, suppressed, and SVG charts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.reports.lagesbild import dimension_tables
from vbedesk.statistics import month_codes
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.pages.situation import SituationPage, SituationTableModel

YEAR = 2021


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    vault = Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    yield VaultService(vault)
    if vault.is_open:
        vault.close()


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
    for chart in page.charts.values():
        assert chart.renderer().isValid()
        assert chart.isVisible() and chart.height() > 100
    # Hidden counts are not drawn: the labels of the chart do not quote them either.
    assert b"H\xc3\xa4sselby" in page.view.charts[2][0]  # area names, with å/ä/ö


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
    qtbot: QtBot, demo: VaultService, memory_store
) -> None:  # type: ignore[no-untyped-def]
    from vbedesk.ui.main_window import MainWindow

    window = MainWindow(demo, memory_store)
    qtbot.addWidget(window)
    ids = window.page_ids()
    assert ids.index("situation") == ids.index("training") + 1
    page = window.show_page("situation")
    assert isinstance(page, SituationPage)
    qtbot.waitUntil(lambda: len(page.tables) == 5, timeout=20_000)
    window.close()


def _horizontal():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal
