"""The incident table model over real vaults, without any view (a QApplication only).

The model reads on the interactive reads' thread: each test waits for what it asked for
(``settle``) before it looks at the rows.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.demo import synthetic_incidents
from vbedesk.i18n import set_language
from vbedesk.model import IncidentFilter
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui import tasks
from vbedesk.ui.models.incident_table import ID_ROLE, IncidentTableModel

M = IncidentTableModel
DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    vault = Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    yield VaultService(vault)
    if vault.is_open:
        vault.close()


@pytest.fixture
def thousand(service: VaultService) -> VaultService:
    """An empty vault filled with 1,000 synthetic incidents through the service."""
    service.incidents.import_many(synthetic_incidents(1000, seed=7), source="test")
    return service


def settle(qtbot: QtBot, model: IncidentTableModel) -> IncidentTableModel:
    """Until the reads asked for have arrived."""
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=20_000)
    return model


def loaded(qtbot: QtBot, service: VaultService) -> IncidentTableModel:
    """A model over ``service`` with its count and first page arrived."""
    return settle(qtbot, M(service))


def fetch(qtbot: QtBot, model: IncidentTableModel) -> None:
    """The next page, as a view asks for it when scrolled to the end, arrived."""
    model.fetchMore(QModelIndex())
    settle(qtbot, model)


def fetch_all(qtbot: QtBot, model: IncidentTableModel) -> None:
    settle(qtbot, model)
    while model.canFetchMore(QModelIndex()):
        fetch(qtbot, model)


def cell(model: IncidentTableModel, row: int, column: int, role: int = DISPLAY) -> Any:
    return model.data(model.index(row, column), role)


def test_rows_are_fetched_in_pages_of_200(qtbot: QtBot, thousand: VaultService) -> None:
    model = M(thousand)
    assert model.is_loading()
    assert model.rowCount() == 0 and model.total() == 0  # nothing shown before it arrives
    settle(qtbot, model)
    assert model.total() == 1000
    assert model.canFetchMore(QModelIndex())
    sizes = [model.rowCount()]  # the first page comes with the count
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        model.fetchMore(QModelIndex())  # asked again before it arrived: one page, not two
        settle(qtbot, model)
        sizes.append(model.rowCount())
    assert sizes == [200, 400, 600, 800, 1000]
    assert not model.canFetchMore(QModelIndex())
    ids = [model.incident_at(r).id for r in range(1000)]  # type: ignore[union-attr]
    assert len(set(ids)) == 1000
    # Newest first by default, ties by id descending.
    dates = [model.incident_at(r).received_on for r in range(1000)]  # type: ignore[union-attr]
    assert dates == sorted(dates, reverse=True)


def test_each_column_shows_labels_in_the_current_language(qtbot: QtBot, demo: VaultService) -> None:
    model = loaded(qtbot, demo)
    model.fetchMore(QModelIndex())  # nothing more to fetch
    assert not model.is_loading()
    assert model.rowCount() == 80
    assert model.columnCount() == 6
    incident = model.incident_at(0)
    assert incident is not None and incident.id is not None
    tax = demo.taxonomies
    assert cell(model, 0, M.COL_ID) == str(incident.id)
    assert cell(model, 0, M.COL_RECEIVED) == incident.received_on.isoformat()
    expected_area = tax.areas.label(incident.area, "en") if incident.area else "–"
    assert cell(model, 0, M.COL_AREA) == expected_area
    assert cell(model, 0, M.COL_ENVIRONMENT) == tax.environments.label(incident.environment, "en")
    types = cell(model, 0, M.COL_TYPES)
    for code in incident.incident_types:
        assert tax.incident_types.label(code, "en") in types
    assert cell(model, 0, M.COL_STATUS) == tax.incident_statuses.label(incident.status, "en")
    assert cell(model, 0, M.COL_STATUS, ID_ROLE) == incident.id
    assert cell(model, 0, M.COL_STATUS, Qt.ItemDataRole.AccessibleTextRole) == cell(
        model, 0, M.COL_STATUS
    )
    assert cell(model, 0, M.COL_ID, Qt.ItemDataRole.TextAlignmentRole) is not None
    assert cell(model, 0, M.COL_AREA, Qt.ItemDataRole.DecorationRole) is None
    assert cell(model, 80, M.COL_ID) is None  # beyond the fetched rows

    set_language("sv")
    status_sv = tax.incident_statuses.label(incident.status, "sv")
    assert cell(model, 0, M.COL_STATUS) == status_sv
    assert cell(model, 0, M.COL_ENVIRONMENT) == tax.environments.label(incident.environment, "sv")


def test_header_data(qtbot: QtBot, demo: VaultService) -> None:
    model = M(demo)
    horizontal = Qt.Orientation.Horizontal
    headers = [model.headerData(c, horizontal, DISPLAY) for c in range(model.columnCount())]
    assert headers == ["No.", "Received", "Area", "Environment", "Types", "Status"]
    assert model.headerData(0, Qt.Orientation.Vertical, DISPLAY) is None
    assert model.headerData(6, horizontal, DISPLAY) is None
    assert model.headerData(0, horizontal, Qt.ItemDataRole.DecorationRole) is None


def test_sorting_by_date_both_ways_queries_again(qtbot: QtBot, thousand: VaultService) -> None:
    model = loaded(qtbot, thousand)
    newest = model.incident_at(0)
    assert newest is not None

    model.sort(M.COL_RECEIVED, Qt.SortOrder.AscendingOrder)
    assert model.incident_at(0) == newest  # the old rows, until the new ones arrive
    with qtbot.waitSignal(model.modelReset):
        pass
    assert model.rowCount() == M.PAGE_SIZE  # a reset: the first page is read again
    oldest = model.incident_at(0)
    assert oldest is not None
    all_dates = [i.received_on for i in thousand.incidents.iter_all()]
    assert oldest.received_on == min(all_dates)
    assert newest.received_on == max(all_dates)
    assert model.sort_state() == (M.COL_RECEIVED, Qt.SortOrder.AscendingOrder)

    model.sort(M.COL_RECEIVED, Qt.SortOrder.DescendingOrder)
    settle(qtbot, model)
    assert model.incident_at(0) == newest


def test_sorting_by_id_status_and_ignoring_types(qtbot: QtBot, thousand: VaultService) -> None:
    model = M(thousand)
    model.sort(M.COL_ID, Qt.SortOrder.AscendingOrder)
    fetch_all(qtbot, model)
    ids = [model.incident_at(r).id for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert ids == sorted(ids)

    model.sort(M.COL_STATUS, Qt.SortOrder.DescendingOrder)
    fetch_all(qtbot, model)
    statuses = [model.incident_at(r).status for r in range(1000)]  # type: ignore[union-attr]
    assert statuses == sorted(statuses, reverse=True)

    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(M.COL_TYPES, Qt.SortOrder.AscendingOrder)
        assert not model.is_loading()
    assert model.sort_state() == (M.COL_STATUS, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 1000  # nothing re-read


def test_set_filter_by_year_area_and_text(qtbot: QtBot, thousand: VaultService) -> None:
    every = list(thousand.incidents.iter_all())
    model = loaded(qtbot, thousand)

    with qtbot.waitSignal(model.total_changed) as signal:
        model.set_filter(IncidentFilter(year=2021))
    expected = sum(1 for i in every if i.received_on.year == 2021)
    assert 0 < expected < 1000
    assert signal.args == [expected]
    fetch_all(qtbot, model)
    assert model.rowCount() == expected
    assert {model.incident_at(r).received_on.year for r in range(expected)} == {2021}  # type: ignore[union-attr]

    area = Counter(i.area for i in every if i.area).most_common(1)[0][0]
    model.set_filter(IncidentFilter(year=2021, area=area))
    fetch_all(qtbot, model)
    assert model.rowCount() == sum(
        1 for i in every if i.received_on.year == 2021 and i.area == area
    )
    assert all(model.incident_at(r).area == area for r in range(model.rowCount()))  # type: ignore[union-attr]

    # Free text through FTS: a word from one description, found by its prefix.
    word = "ovanligtordxyz"
    target = every[123]
    assert target.id is not None
    thousand.incidents.update(
        type(target)(**{**target.__dict__, "description": f"Text med {word} här."})
    )
    model.set_filter(IncidentFilter(text=word[:9]))
    fetch_all(qtbot, model)
    assert model.total() == 1
    assert model.incident_at(0).id == target.id  # type: ignore[union-attr]
    assert model.row_of(target.id) == 0

    model.set_filter(IncidentFilter())
    assert settle(qtbot, model).total() == 1000


# -- 100,000 rows ---------------------------------------------------------------------------

BIG = 100_000
START = date(2015, 1, 1)
DAYS = 3650
MARKER = "raritetsord"


def fill_big_vault(service: VaultService) -> None:
    """100,000 incidents in one transaction of raw SQL; the FTS table follows by trigger."""
    areas = service.taxonomies.areas.codes()
    environments = service.taxonomies.environments.codes()
    types = service.taxonomies.incident_types.codes()

    def case(codes: tuple[str, ...], expr: str) -> str:
        whens = " ".join(f"WHEN {n} THEN '{code}'" for n, code in enumerate(codes))
        return f"CASE ({expr}) % {len(codes)} {whens} END"

    day = f"date('{START.isoformat()}', '+' || (i % {DAYS}) || ' days')"
    with service.vault.raw_connection() as raw:
        conn: Any = raw
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO incident (received_on, received_year, area, environment, description,"
            " status, concerns_individual, is_demo, created_at, updated_at) "
            f"SELECT {day}, CAST(strftime('%Y', {day}) AS INTEGER), {case(areas, 'i')},"
            f" {case(environments, 'i / 7')},"
            f" CASE WHEN i % 1000 = 0 THEN 'Klotter med {MARKER} på vägg.'"
            "  ELSE 'Klistermärken vid en hållplats.' END,"
            " 'NY', 0, 0, '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000' FROM n",
            (BIG,),
        )
        conn.execute(
            f"INSERT INTO incident_type (incident_id, code) SELECT id, {case(types, 'id')} "
            "FROM incident"
        )
        conn.execute("COMMIT")


def big_expected_year_counts() -> Counter[int]:
    return Counter((START + timedelta(days=i % DAYS)).year for i in range(1, BIG + 1))


def test_a_hundred_thousand_rows_are_never_loaded_at_once(
    qtbot: QtBot, service: VaultService
) -> None:
    fill_big_vault(service)
    model = loaded(qtbot, service)
    assert model.total() == BIG
    assert model.rowCount() == 200  # the first page only
    assert model.canFetchMore(QModelIndex())
    last_day = START + timedelta(days=DAYS - 1)
    assert cell(model, 0, M.COL_RECEIVED) == last_day.isoformat()
    assert cell(model, 0, M.COL_TYPES)  # the type rows were joined

    model.set_filter(IncidentFilter(year=2019))
    assert settle(qtbot, model).total() == big_expected_year_counts()[2019]
    assert model.rowCount() == 200
    assert all(cell(model, r, M.COL_RECEIVED).startswith("2019-") for r in range(200))

    model.set_filter(IncidentFilter(text=MARKER))
    assert settle(qtbot, model).total() == BIG // 1000
    fetch_all(qtbot, model)
    assert model.rowCount() == BIG // 1000

    area = service.taxonomies.areas.codes()[0]
    model.set_filter(IncidentFilter(area=area, year=2019))
    expected = sum(
        1
        for i in range(1, BIG + 1)
        if i % len(service.taxonomies.areas.codes()) == 0
        and (START + timedelta(days=i % DAYS)).year == 2019
    )
    assert settle(qtbot, model).total() == expected


def test_the_list_holds_no_free_text(qtbot: QtBot, demo: VaultService) -> None:
    """The table keeps the six columns only: descriptions stay in the vault until a form opens."""
    model = loaded(qtbot, demo)
    row = model.incident_at(0)
    assert row is not None
    assert row._fields == ("id", "received_on", "area", "environment", "incident_types", "status")
    whole = demo.incidents.get(row.id)
    assert (row.received_on, row.area, row.environment, row.status) == (
        whole.received_on,
        whole.area,
        whole.environment,
        whole.status,
    )
    assert row.incident_types == tuple(sorted(whole.incident_types))


# -- reads off the GUI thread ------------------------------------------------------------------


def test_a_result_that_arrives_after_a_newer_filter_is_dropped(
    qtbot: QtBot, thousand: VaultService
) -> None:
    model = loaded(qtbot, thousand)
    years = Counter(i.received_on.year for i in thousand.incidents.iter_all()).most_common(2)
    (year, expected), (older_year, _n) = years
    older, newer = IncidentFilter(year=older_year), IncidentFilter(year=year)
    assert 0 < thousand.incidents.count(older) <= expected
    totals: list[int] = []
    model.total_changed.connect(totals.append)
    model.set_filter(older)
    model.set_filter(newer)  # before the older one's outcome could arrive
    settle(qtbot, model)
    assert tasks.wait_for_tasks()
    qtbot.waitUntil(lambda: not tasks.busy())  # both outcomes are delivered
    assert totals == [expected]  # the older one's was dropped, not shown first
    assert model.filter() == newer and model.total() == expected
    assert model.rowCount() == min(M.PAGE_SIZE, expected)
    shown = {model.incident_at(r).received_on.year for r in range(model.rowCount())}  # type: ignore[union-attr]
    assert shown == {year}


def test_a_page_arriving_after_a_new_filter_is_not_appended(
    qtbot: QtBot, thousand: VaultService
) -> None:
    model = loaded(qtbot, thousand)
    model.fetchMore(QModelIndex())  # rows of every year, on their way
    model.set_filter(IncidentFilter(year=2021))
    settle(qtbot, model)
    qtbot.waitUntil(lambda: not tasks.busy())
    assert model.rowCount() == min(M.PAGE_SIZE, model.total())
    assert {model.incident_at(r).received_on.year for r in range(model.rowCount())} == {2021}  # type: ignore[union-attr]


def test_a_lock_while_a_read_runs_waits_for_nothing_and_drops_its_outcome(
    qtbot: QtBot, thousand: VaultService
) -> None:
    """What a lock does (``tasks.cancel_all``, then the vault closes) while a read on the
    reads' thread holds a snapshot and the next page waits behind it."""
    model = loaded(qtbot, thousand)
    shown = model.rowCount()
    holding, release = threading.Event(), threading.Event()
    outcomes: list[object] = []

    def long_read() -> int:
        with thousand.snapshot():
            count = thousand.incidents.count()
            holding.set()
            release.wait(30)
        return count

    tasks.run_read(long_read, outcomes.append, outcomes.append, model)
    model.fetchMore(QModelIndex())  # queued behind it
    assert holding.wait(30)
    try:
        assert tasks.cancel_all()
        thousand.close()  # returns at once, the snapshot's connection still out
        assert not thousand.is_open
        assert thousand.vault.engine is not None  # closes when that connection is back
    finally:
        release.set()
    qtbot.waitUntil(lambda: thousand.vault.engine is None, timeout=20_000)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=20_000)
    assert outcomes == []  # dropped, not delivered
    assert model.rowCount() == shown  # the page never arrived
    assert not model.canFetchMore(QModelIndex())


def test_an_outcome_arriving_after_the_vault_closed_clears_the_rows(
    qtbot: QtBot, thousand: VaultService
) -> None:
    model = loaded(qtbot, thousand)
    model.fetchMore(QModelIndex())
    assert tasks.wait_for_tasks()  # the page is read; its outcome waits in the event queue
    thousand.close()
    with qtbot.waitSignal(model.loading_finished):
        pass
    assert model.rowCount() == 0 and model.total() == 0  # nothing of the vault stays
    assert not model.canFetchMore(QModelIndex())
    model.reload()  # asks nothing of the closed vault
    assert not model.is_loading() and model.rowCount() == 0


def test_a_backup_on_the_worker_thread_does_not_delay_the_first_page(
    qtbot: QtBot, thousand: VaultService
) -> None:
    model = loaded(qtbot, thousand)
    running, release = threading.Event(), threading.Event()

    def backup_stand_in() -> None:  # the worker thread, busy until released
        running.set()
        release.wait(30)

    job = tasks.run_task(backup_stand_in)
    try:
        assert running.wait(30)
        with qtbot.waitSignal(model.total_changed, timeout=20_000) as signal:
            model.set_filter(IncidentFilter(year=2021))
        assert signal.args == [thousand.incidents.count(IncidentFilter(year=2021))]
        assert model.rowCount() == M.PAGE_SIZE
        fetch(qtbot, model)  # the next page too
        assert model.rowCount() == 2 * M.PAGE_SIZE or model.rowCount() == model.total()
        assert not job.is_finished  # all of it while the worker thread was still busy
    finally:
        release.set()
    qtbot.waitUntil(lambda: job.is_finished, timeout=20_000)
