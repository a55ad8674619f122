#!/usr/bin/env python3
"""Whether the window waits on the database: the event loop's longest stall under load.

    python3 run.py bench stall                      # 100,000 incidents
    .venv/bin/python benchmarks/bench_stall.py --incidents 5000

Opens the real main window headless (``QT_QPA_PLATFORM=offscreen``) on a vault of N
synthetic incidents and, in two phases, does what the coordinator does at the desk:
scrolls the Händelser table to its end (each step fetches the next page), filters it by
year and by a free-text search, and types into the incident form (whose draft is saved
as she types). In the **baseline** phase nothing else runs; in the **load** phase a
backup and a lägesbild are started on the worker thread first, and the same work goes on
until both have ended. A zero-interval timer measures the event loop: the longest gap
between two of its ticks is the longest time the window could not respond.

Prints a Markdown table (both phases: longest stall, 99th percentile, the jobs' own
times, the work done) and, as its last line, ``longest stall: X ms`` for the load phase.
The target is at most 50 ms at 100,000 incidents (docs/performance.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BACKUP_PASSPHRASE = "a long backup sentence for the benchmark safe"
SEARCH_TEXT = "hakkors"
TYPED = "Klistermarken vid busshallplatsen, anmalt av skolan. "  # QTest types ASCII only


class StallProbe:
    """A zero-interval timer: every gap between two ticks is time the loop was busy."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def longest(self) -> float:
        return max(self.gaps, default=0.0)

    def p99(self) -> float:
        if len(self.gaps) < 100:
            return self.longest()
        return statistics.quantiles(self.gaps, n=100)[98]


def _spin(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def _prepare(folder: Path, incidents: int) -> str:
    """A vault of ``incidents`` synthetic incidents (kept in ``folder`` for a rerun)."""
    import json
    import random

    from benchmarks.bench_vault import PASSPHRASE, synthetic
    from vbedesk.storage.bootstrap import create_vault
    from vbedesk.storage.keys import KdfParams

    marker = folder.parent / "bench-stall.json"
    if marker.exists() and json.loads(marker.read_text()) == {"incidents": incidents}:
        return PASSPHRASE
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    service, _recovery = create_vault(folder, PASSPHRASE, kdf=KdfParams.insecure_for_tests())
    batch = synthetic(incidents, random.Random(2021))
    for start in range(0, len(batch), 10_000):
        service.incidents.import_many(batch[start : start + 10_000], source="benchmark")
    service.close()
    marker.write_text(json.dumps({"incidents": incidents}))
    return PASSPHRASE


class Desk:
    """The coordinator's work at the window: scroll, filter, type (one small step a call)."""

    def __init__(self, window: Any) -> None:
        from PySide6.QtWidgets import QPlainTextEdit

        from vbedesk.ui.dialogs.incident_form import IncidentFormDialog
        from vbedesk.ui.pages.incidents import IncidentsPage

        page = window.show_page("incidents")
        assert isinstance(page, IncidentsPage)
        self.page = page
        self.form = IncidentFormDialog(window.service, parent=window)
        self.form.show()
        edits = self.form.findChildren(QPlainTextEdit)
        assert edits, "the incident form has no text field"
        self.edit = edits[0]
        self.steps = {"scroll": 0, "filter": 0, "typed": 0}
        self._turn = 0

    def step(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        page = self.page
        turn = self._turn % 12
        self._turn += 1
        if turn < 6:
            bar = page.view.table.verticalScrollBar()
            bar.setValue(bar.maximum())  # the next page is fetched (``fetchMore``)
            self.steps["scroll"] += 1
        elif turn in (6, 8):
            year = page.view.year_combo
            year.setCurrentIndex((year.currentIndex() + 1) % year.count())
            self.steps["filter"] += 1
        elif turn == 7:
            search = page.view.search_edit
            search.setText(SEARCH_TEXT if not search.text() else "")
            page.apply_filter()
            self.steps["filter"] += 1
        else:
            self.edit.setFocus()
            QTest.keyClicks(self.edit, TYPED[(turn * 7) % 40 : (turn * 7) % 40 + 6])
            if self.edit.document().characterCount() > 400:
                self.edit.selectAll()
                QTest.keyClick(self.edit, Qt.Key.Key_Delete)
            self.steps["typed"] += 1


def _work(desk: Desk, until: Callable[[], bool], minimum_s: float) -> float:
    t0 = time.perf_counter()
    while not until() or time.perf_counter() - t0 < minimum_s:
        desk.step()
        _spin(0.02)
        if time.perf_counter() - t0 > 900:
            raise TimeoutError("the background jobs did not end")
    return time.perf_counter() - t0


def run(incidents: int, folder: Path) -> dict[str, Any]:
    from keyring.backends import fail
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from vbedesk.i18n import set_language
    from vbedesk.reports.catalog import Kind, Request, build
    from vbedesk.storage.secrets import KeyringStore
    from vbedesk.ui import tasks
    from vbedesk.ui.app import AppController, keep_none_alive
    from vbedesk.ui.dialogs.unlock import UnlockDialog

    passphrase = _prepare(folder / "vault", incidents)
    keep_none_alive()
    set_language("sv")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    settings = QSettings(str(folder / "bench-stall.ini"), QSettings.Format.IniFormat)
    controller = AppController(folder / "vault", KeyringStore(fail.Keyring()), qsettings=settings)
    shown: list[Any] = []
    controller.window_shown.connect(shown.append)
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase_edit.setText(passphrase)
    dialog.submit()
    t0 = time.perf_counter()
    while not shown:
        _spin(0.05)
        if time.perf_counter() - t0 > 120:
            raise TimeoutError("the window did not open")
    window = shown[0]
    desk = Desk(window)
    _spin(0.5)
    probe = StallProbe()

    probe.start()
    baseline_s = _work(desk, lambda: True, 6.0)
    probe.stop()
    baseline = {"longest": probe.longest(), "p99": probe.p99(), "seconds": baseline_s}
    baseline_steps = dict(desk.steps)

    service = window.service
    backups = folder / "backups"
    backups.mkdir(exist_ok=True)
    for old in backups.iterdir():
        old.unlink()
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], object]) -> Callable[[], object]:
        def job() -> object:
            started = time.perf_counter()
            try:
                return fn()
            finally:
                timings[name] = time.perf_counter() - started

        return job

    year = date.today().year - 1
    tasks.run_task(
        timed("backup", lambda: service.backups.create(backups / "b.vbdk", BACKUP_PASSPHRASE)),
        parent=window,
    )
    tasks.run_task(
        timed(
            "lagesbild",
            lambda: build(service, Request(Kind.LAGESBILD, year=year), created=date.today()),
        ),
        parent=window,
    )
    desk.steps = {key: 0 for key in desk.steps}
    probe.start()
    load_s = _work(desk, lambda: "backup" in timings and "lagesbild" in timings, 2.0)
    probe.stop()
    load = {"longest": probe.longest(), "p99": probe.p99(), "seconds": load_s}
    result = {
        "incidents": incidents,
        "baseline": baseline,
        "baseline_steps": baseline_steps,
        "load": load,
        "load_steps": dict(desk.steps),
        "jobs": timings,
    }
    desk.form.reject()
    controller.shutdown()
    _spin(0.2)
    del app
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, help="keep the vault here for reruns")
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.gettempdir()) / f"vbedesk-bench-stall-{args.incidents}"
    folder.mkdir(parents=True, exist_ok=True)
    result = run(args.incidents, folder)
    base, load, jobs = result["baseline"], result["load"], result["jobs"]
    print(f"| {result['incidents']:,} incidents | baseline (no job) | backup + lägesbild running |")
    print("|---|---|---|")
    print(f"| longest stall | {base['longest']:.1f} ms | {load['longest']:.1f} ms |")
    print(f"| 99th percentile gap | {base['p99']:.1f} ms | {load['p99']:.1f} ms |")
    print(f"| seconds of work | {base['seconds']:.1f} | {load['seconds']:.1f} |")
    for key in ("scroll", "filter", "typed"):
        print(f"| {key} steps | {result['baseline_steps'][key]} | {result['load_steps'][key]} |")
    print(
        f"| jobs | – | backup {jobs.get('backup', 0):.2f} s, "
        f"lägesbild {jobs.get('lagesbild', 0):.2f} s |"
    )
    print(f"| ratio to baseline | 1.00 | {load['longest'] / max(base['longest'], 0.001):.2f} |")
    print(f"longest stall: {load['longest']:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
