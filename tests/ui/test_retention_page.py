"""The gallring page over real vaults: exactly the due incidents, export, delete, audit."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from vbedesk.errors import InputRefused
from vbedesk.model import Incident, IncidentFilter
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import NotFound, VaultService
from vbedesk.ui.pages.retention import RetentionModel, RetentionPage

TODAY = date(2026, 3, 1)


def _due_ids(service: VaultService, today: date) -> list[int]:
    return sorted(
        i.id
        for i in service.incidents.iter_all(IncidentFilter())
        if i.id is not None and i.retain_until is not None and i.retain_until < today
    )


def _page(qtbot: QtBot, service: VaultService, today: date = TODAY) -> RetentionPage:
    page = RetentionPage(service, today=lambda: today)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def _fetch_all(page: RetentionPage) -> None:
    while page.model.canFetchMore(QModelIndex()):
        page.model.fetchMore(QModelIndex())


def _listed(page: RetentionPage) -> list[int]:
    _fetch_all(page)
    return sorted(row.id for row in page.model.rows())


def _expand(runs: str) -> list[int]:
    """The ids of an audit detail's ``ids=4-9,12`` (runs of consecutive due ids)."""
    ids: list[int] = []
    for part in runs.split(","):
        first, _sep, last = part.partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


def _audited_ids(detail: str) -> list[int]:
    return _expand(detail.split("ids=", 1)[1])


def test_the_page_lists_exactly_the_incidents_past_their_retention_date(
    qtbot: QtBot, demo: VaultService
) -> None:
    due = _due_ids(demo, TODAY)
    assert 0 < len(due) < 80  # the demo spans dates on both sides of TODAY - 5 years
    page = _page(qtbot, demo)
    assert page.title() == "Gallring" and page.page_id == "retention"
    assert page.model.total() == len(due)
    assert _listed(page) == due
    assert page.all_chosen() and page.chosen_count() == len(due)  # all chosen at first
    assert page.export_button.isEnabled() and page.delete_button.isEnabled()
    assert f"{len(due)} incidents are past their retention date." == page.count_label.text()
    assert "5 years" in page.intro_label.text()
    # No free text in the list: the columns are codes' labels and dates.
    assert page.model.columnCount() == 7
    first = page.model.rows()[0]
    assert page.model.text(0, RetentionModel.COL_RETAIN) == first.retain_until.isoformat()
    assert first.retain_until < TODAY
    assert demo.retention.count_due(TODAY) == len(due)


def test_export_then_delete_is_registered_and_audited(
    qtbot: QtBot, demo: VaultService, tmp_path: Path
) -> None:
    page = _page(qtbot, demo)
    due = _due_ids(demo, TODAY)
    assert page.all_chosen()
    secret_text = demo.incidents.get(due[0]).description
    out = tmp_path / "gallring.csv"
    with qtbot.waitSignal(page.exported, timeout=20_000):
        page.export_to(out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(due)
    assert rows[0]["received_on"] == demo.incidents.get(due[0]).received_on.isoformat()
    disclosure = demo.disclosures.all()[-1]
    assert disclosure.kind == "csv" and disclosure.path == str(out.resolve())
    assert str(len(due)) in disclosure.title
    assert "exported" in page.result_label.text()

    out_json = tmp_path / "gallring.json"
    with qtbot.waitSignal(page.exported, timeout=20_000):
        page.export_to(out_json, "json")
    assert [r["id"] for r in json.loads(out_json.read_text(encoding="utf-8"))] == due

    box = page.confirm_delete()
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() == box.button(QMessageBox.StandardButton.No)
    assert "All of them were exported" in box.informativeText()
    with qtbot.waitSignal(page.deleted, timeout=20_000) as blocker:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert blocker.args == [len(due)]

    assert page.model.rowCount() == 0 and page.model.total() == 0
    assert demo.incidents.count() == 80 - len(due)
    assert demo.retention.count_due(TODAY) == 0
    for incident_id in due[:5]:
        with pytest.raises(NotFound):
            demo.incidents.get(incident_id)
    entries = [e for e in demo.audit_entries(20) if e.action == "incident.gallring"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.entity_id == str(len(due))
    assert _audited_ids(entry.detail) == due
    assert f"count={len(due)}" in entry.detail
    assert secret_text[:20] not in entry.detail
    assert demo.check().ok
    assert "deleted" in page.result_label.text()


def test_cancel_deletes_nothing(qtbot: QtBot, demo: VaultService) -> None:
    page = _page(qtbot, demo)
    due = _due_ids(demo, TODAY)
    box = page.confirm_delete()
    assert isinstance(box, QMessageBox)
    assert f"Delete {len(due)} incidents permanently?" == box.text()
    assert f"{len(due)} of them were not exported" in box.informativeText()
    box.button(QMessageBox.StandardButton.No).click()
    assert demo.incidents.count() == 80
    assert page.model.total() == len(due) and _listed(page) == due
    assert not any(e.action == "incident.gallring" for e in demo.audit_entries(20))


def test_only_the_chosen_rows_are_deleted(qtbot: QtBot, demo: VaultService) -> None:
    page = _page(qtbot, demo)
    due = _due_ids(demo, TODAY)
    _fetch_all(page)
    page.table.selectRow(0)
    assert not page.all_chosen()  # selecting rows narrows the choice to them
    chosen = page.chosen_ids()
    assert len(chosen) == 1 and page.chosen_count() == 1
    box = page.confirm_delete()
    assert box is not None
    assert box.text() == "Delete 1 incident permanently?"
    with qtbot.waitSignal(page.deleted, timeout=20_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert demo.incidents.count() == 79
    assert _listed(page) == sorted(set(due) - set(chosen))
    entry = next(e for e in demo.audit_entries(10) if e.action == "incident.gallring")
    assert entry.detail == f"gallring; count=1; ids={chosen[0]}"


def test_choosing_all_again_clears_the_selection(
    qtbot: QtBot, demo: VaultService, tmp_path: Path
) -> None:
    page = _page(qtbot, demo)
    _fetch_all(page)
    page.table.selectRow(1)
    assert not page.all_chosen()
    assert page.scope_combo.currentText() == "Only the selected rows"
    page.table.clearSelection()
    assert not page.all_chosen()  # an empty selection keeps the choice
    assert not page.delete_button.isEnabled() and page.confirm_delete() is None
    page.export_to(tmp_path / "never.csv", "csv")
    assert not (tmp_path / "never.csv").exists() and demo.disclosures.all() == []
    page.scope_combo.setFocus()
    qtbot.keyClick(page.scope_combo, Qt.Key.Key_Up)  # by keyboard back to "all"
    assert page.all_chosen() and not page.table.selectionModel().hasSelection()
    assert page.delete_button.isEnabled()
    assert page.chosen_count() == demo.retention.count_due(TODAY)


def test_a_selected_export_writes_only_the_selected_rows(
    qtbot: QtBot, demo: VaultService, tmp_path: Path
) -> None:
    page = _page(qtbot, demo)
    _fetch_all(page)
    page.table.selectRow(0)
    page.table.selectionModel().select(
        page.model.index(2, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    chosen = page.chosen_ids()
    assert len(chosen) == 2
    out = tmp_path / "two.json"
    with qtbot.waitSignal(page.exported, timeout=20_000):
        page.export_to(out, "json")
    assert [r["id"] for r in json.loads(out.read_text(encoding="utf-8"))] == chosen
    assert page.exported_ids == set(chosen) and not page.exported_all
    box = page.confirm_delete()
    assert box is not None and "All of them were exported" in box.informativeText()
    box.button(QMessageBox.StandardButton.No).click()
    assert demo.incidents.count() == 80


def test_an_export_over_an_existing_file_is_refused_and_changes_nothing(
    qtbot: QtBot, demo: VaultService, tmp_path: Path
) -> None:
    page = _page(qtbot, demo)
    out = tmp_path / "taken.csv"
    out.write_text("keep me", encoding="utf-8")
    before = len(demo.disclosures.all())
    page.export_to(out, "csv")
    qtbot.waitUntil(lambda: page.error_label.isVisible(), timeout=20_000)
    assert "taken.csv" in page.error_label.text()
    assert out.read_text(encoding="utf-8") == "keep me"
    assert len(demo.disclosures.all()) == before
    assert page.exported_ids == set()


def test_nothing_due_means_nothing_to_do(qtbot: QtBot, service: VaultService) -> None:
    service.incidents.add(
        Incident(
            received_on=date(2026, 2, 1),
            environment="OKLAR",
            incident_types=frozenset({"KLOTTER"}),
            description="Klotter vid skolan.",
        )
    )
    page = _page(qtbot, service)
    assert page.model.rowCount() == 0 and page.model.total() == 0
    assert not page.delete_button.isEnabled() and not page.export_button.isEnabled()
    assert page.confirm_delete() is None
    assert page.choose_export_file() is None
    with pytest.raises(InputRefused):
        service.retention.delete_due(TODAY)
    assert service.incidents.count() == 1
    assert page.count_label.text() == "0 incidents are past their retention date."


def test_delete_incidents_refuses_unknown_ids_and_changes_nothing(demo: VaultService) -> None:
    with pytest.raises(NotFound):
        demo.incidents.delete_many([1, 999_999])
    assert demo.incidents.count() == 80


def test_the_page_follows_contacts_backups_in_the_window(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore
) -> None:
    from vbedesk.ui.main_window import MainWindow

    window = MainWindow(demo, memory_store)
    qtbot.addWidget(window)
    ids = window.page_ids()
    assert ids.index("retention") == ids.index("backups") + 1
    assert ids[-1] == "settings"
    window.close()


def test_the_overview_shows_what_is_due(qtbot: QtBot, demo: VaultService) -> None:
    from vbedesk.ui.pages.overview import OverviewPage

    page = OverviewPage(demo, today=lambda: TODAY)
    qtbot.addWidget(page)
    n = len(_due_ids(demo, TODAY))
    assert page.retention_label.text() == f"{n} incidents past their retention date"
    assert page.backup_label.text() == "never"


def test_many_due_incidents_are_fetched_in_pages_and_deleted_in_sql(
    qtbot: QtBot, service: VaultService
) -> None:
    """100,000 incidents, most of them due: the page reads one page, delete-all is SQL."""
    from tests.test_incident_table_model import BIG, fill_big_vault

    fill_big_vault(service)
    with service.vault.raw_connection() as raw:
        conn: Any = raw
        conn.execute("UPDATE incident SET retain_until = date(received_on, '+5 years')")
        rows = conn.execute(
            "SELECT id FROM incident WHERE retain_until < ? ORDER BY id", (TODAY.isoformat(),)
        ).fetchall()
        kept = conn.execute(
            "SELECT id FROM incident WHERE retain_until >= ? ORDER BY id LIMIT 3",
            (TODAY.isoformat(),),
        ).fetchall()
    due = [r[0] for r in rows]
    assert 20_000 < len(due) < BIG and kept
    service.drafts.save("incident", str(due[0]), {"description": "utkast"})
    service.drafts.save("incident", str(kept[0][0]), {"description": "utkast"})

    page = _page(qtbot, service)
    qtbot.waitUntil(lambda: page.model.loaded() > 0, timeout=20_000)
    assert page.model.total() == len(due)
    assert page.model.loaded() < page.model.total()  # one page, not everything
    assert page.model.loaded() <= 2 * RetentionModel.PAGE_SIZE
    assert page.count_label.text() == f"{len(due)} incidents are past their retention date."
    assert page.all_chosen() and page.chosen_count() == len(due)
    first = page.model.row_at(0)
    assert first is not None and first.retain_until < TODAY

    box = page.confirm_delete()
    assert box is not None and box.text() == f"Delete {len(due)} incidents permanently?"
    with qtbot.waitSignal(page.deleted, timeout=60_000) as blocker:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert blocker.args == [len(due)]
    assert service.incidents.count() == BIG - len(due)
    assert service.retention.count_due(TODAY) == 0
    assert page.model.total() == 0
    for (incident_id,) in kept:
        assert service.incidents.get(incident_id).id == incident_id
    with pytest.raises(NotFound):
        service.incidents.get(due[-1])
    assert [d.ref for d in service.drafts.all("incident")] == [str(kept[0][0])]
    entries = [e for e in service.audit_entries(20) if e.action == "incident.gallring"]
    assert len(entries) == 1
    assert entries[0].entity_id == str(len(due))
    assert _audited_ids(entries[0].detail) == due
    assert "Klistermärken" not in entries[0].detail and "utkast" not in entries[0].detail
    assert service.check().ok
