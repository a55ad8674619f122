"""Long jobs stop when asked: the progress dialog's Avbryt, and the form import between files."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.test_form import filled
from vbedesk.formimport import Imported, Ready
from vbedesk.reports.form import build_blank_form, read_filled_form
from vbedesk.storage.service import VaultService
from vbedesk.ui import tasks
from vbedesk.ui.dialogs.form_import import ImportItem, import_chosen

WAIT_S = 20  # a bound for the job's own wait only


def _items(service: VaultService, count: int) -> list[ImportItem]:
    blank = build_blank_form(service.taxonomies, "sv")
    items = []
    for day in range(1, count + 1):
        data = filled(blank, received_on=f"2024-05-{day:02d}")
        result = service.forms.import_form(
            data, f"f{day}.pdf", reader=read_filled_form, dry_run=True
        )
        assert isinstance(result, Ready), result
        items.append(ImportItem(f"f{day}.pdf", data, result, chosen=True))
    return items


def test_the_form_import_stops_between_files_when_cancelled(service: VaultService) -> None:
    items = _items(service, 3)
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 1  # the first file goes in, then the coordinator cancels

    done = import_chosen(service, items, cancel)
    assert isinstance(done[0].result, Imported) and not done[0].chosen
    assert [(d.result, d.chosen) for d in done[1:]] == [(i.result, True) for i in items[1:]]
    assert service.incidents.count() == 1  # the saved file stays saved, no other is


def test_the_progress_dialog_of_a_cancellable_job_has_avbryt(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    token = tasks.CancelToken()
    stopped = threading.Event()

    def job() -> str:
        for _step in range(WAIT_S * 20):
            if token():
                stopped.set()
                return "stopped"
            threading.Event().wait(0.05)
        return "ran out"

    outcome: list[object] = []
    tasks.run_task(job, outcome.append, outcome.append, parent, progress_text="…", token=token)

    def dialog() -> QProgressDialog | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        found += parent.findChildren(QProgressDialog)
        return next((d for d in found if d.isVisible()), None)

    qtbot.waitUntil(lambda: dialog() is not None, timeout=10_000)
    progress = dialog()
    assert progress is not None
    [avbryt] = [b for b in progress.findChildren(QPushButton) if b.isVisible()]
    assert avbryt.text() == "Cancel"  # "Avbryt" in Swedish
    avbryt.click()
    qtbot.waitUntil(lambda: outcome == ["stopped"], timeout=10_000)
    assert stopped.is_set()


def test_a_job_without_a_token_shows_no_avbryt(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    outcome: list[object] = []
    tasks.run_task(lambda: release.wait(WAIT_S), outcome.append, None, parent, progress_text="…")
    qtbot.waitUntil(lambda: bool(parent.findChildren(QProgressDialog)), timeout=10_000)
    [progress] = parent.findChildren(QProgressDialog)
    assert not [b for b in progress.findChildren(QPushButton) if b.isVisible()]
    release.set()
    qtbot.waitUntil(lambda: outcome == [True], timeout=10_000)
