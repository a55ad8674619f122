"""Locking with a job on the worker thread, and pages that follow committed changes.

The lock returns at once whatever runs in the background (the job is told to stop, its
statement interrupted, and the vault closes when its connection is back); a change
committed anywhere refreshes the visible page and the status bar without polling.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.conftest import UiVault
from vbedesk.errors import Cancelled, VaultLocked
from vbedesk.model import Incident
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui import tasks
from vbedesk.ui.app import AppController
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.pages.incidents import IncidentsPage

BACKUP_PASS = "a long backup sentence for the safe"
WAIT_S = 20  # a bound for the job's own wait only


@pytest.fixture
def controller(
    qtbot: QtBot, ui_vault: UiVault, memory_store: KeyringStore, qsettings: QSettings
) -> Iterator[AppController]:
    made = AppController(ui_vault.folder, store=memory_store, qsettings=qsettings, kdf=fast_kdf())
    yield made
    made.shutdown()
    QCoreApplication.sendPostedEvents(None, 0)


def _unlock(qtbot: QtBot, controller: AppController) -> MainWindow:
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase_edit.setText(PASSPHRASE)
    with qtbot.waitSignal(controller.window_shown, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    return window


def _incident(text: str) -> Incident:
    return Incident(
        received_on=date(2021, 3, 2),
        incident_types=frozenset({"KLISTERMARKEN"}),
        environment="HOGER",
        description=text,
    )


def test_lock_returns_while_a_job_holds_the_vault_and_the_vault_closes_after(
    qtbot: QtBot, controller: AppController
) -> None:
    window = _unlock(qtbot, controller)
    service = window.service
    inside, release = threading.Event(), threading.Event()

    def job() -> int:
        with service.snapshot():  # a report's read, holding its connection
            inside.set()
            release.wait(WAIT_S)
            return service.incidents.count()

    tasks.run_task(job, parent=window)
    assert inside.wait(WAIT_S)
    controller.lock()
    # The lock did not wait for the job: it is still blocked, the window is gone.
    assert not release.is_set()
    assert controller.window is None and isinstance(controller.dialog, UnlockDialog)
    assert not service.is_open
    release.set()
    qtbot.waitUntil(lambda: service.vault.engine is None, timeout=10_000)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    # The vault is closed and its OS lock released: it unlocks again in this process.
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase_edit.setText(PASSPHRASE)
    with qtbot.waitSignal(controller.window_shown, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert controller.window is not None


def test_lock_during_a_backup_leaves_no_partial_file(
    qtbot: QtBot, controller: AppController, tmp_path: Path
) -> None:
    window = _unlock(qtbot, controller)
    service = window.service
    for n in range(50):
        service.incidents.add(_incident(f"Händelse {n}."))
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    ended: list[str] = []  # what the job itself saw
    delivered: list[object] = []
    token = tasks.CancelToken()

    def job() -> None:
        try:
            service.backups.create(out_dir / "b.vbdk", BACKUP_PASS, cancel=token)
        except (Cancelled, VaultLocked) as exc:
            ended.append(type(exc).__name__)
            raise
        ended.append("written")

    tasks.run_task(job, delivered.append, delivered.append, None, token=token)
    controller.lock()
    assert isinstance(controller.dialog, UnlockDialog)
    qtbot.waitUntil(lambda: service.vault.engine is None, timeout=30_000)
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=30_000)
    # Stopped (before it started, or in its export), or finished before the stop came.
    assert ended in ([], ["Cancelled"], ["VaultLocked"], ["written"])
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == (["b.vbdk"] if ended == ["written"] else [])  # no temporary file left
    assert delivered == []  # the outcome of a job cancelled by the lock is dropped


def test_a_commit_elsewhere_refreshes_the_visible_page_and_the_status_bar(
    qtbot: QtBot, controller: AppController, tmp_path: Path
) -> None:
    window = _unlock(qtbot, controller)
    page = window.show_page("incidents")
    assert isinstance(page, IncidentsPage)
    assert page.model.total() == 0
    service: VaultService = window.service
    # Saved on the worker thread, as an import does: the page hears of it.
    tasks.run_task(lambda: service.incidents.add(_incident("Från en annan väg.")), parent=window)
    qtbot.waitUntil(lambda: page.model.total() == 1, timeout=10_000)
    assert window.backup_status.text() == "Latest backup: never"
    service.backups.create(tmp_path / "b.vbdk", BACKUP_PASS)
    qtbot.waitUntil(
        lambda: window.backup_status.text().startswith("Latest backup: today"), timeout=10_000
    )
