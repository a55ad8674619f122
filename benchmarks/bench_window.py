#!/usr/bin/env python3
"""The window's speed: start to unlock dialog, unlock to the Händelser table, filters, RSS.

    python3 run.py bench window                     # 100,000 incidents, 5 repetitions
    python3 run.py bench window --incidents 5000    # a quicker look

Builds a vault with the real calibrated Argon2id parameters (``calibrate()``, as the
first-run dialog does) and fills it through the service layer, then measures in fresh,
headless (``QT_QPA_PLATFORM=offscreen``) child processes, as a user's start would run:

* **start → unlock dialog**: from just before the process is spawned to the first paint
  of the unlock dialog, through the real ``vbedesk gui`` entry point; the baseline is a
  bare PySide6 process painting an empty dialog with a line edit.
* **unlock → Händelser table**: from pressing "Lås upp" (Argon2id on the worker thread
  included) to the main window shown and then the incident table painted with its first
  rows; the baseline is raw ``sqlcipher3`` doing the same key derivation, open, key,
  count and first page of 200.
* **filter**: a free-text search and a year / year + area filter, from applying the filter
  to the table painted again (the 300 ms typing pause before a search is left out); the
  baseline is the same count and first page on raw ``sqlcipher3``.
* **RSS**: the window process's resident memory after all of that (``/proc`` where there
  is one) and its peak (``getrusage``).

Prints a Markdown table: the program's median, the baseline's median and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEARCH_TEXT = "hakkors tunnelbana"
FILTER_YEAR = 2020
MARKER = "bench-window.json"


# -- shared by the child processes ------------------------------------------------------
def _emit(payload: dict[str, Any]) -> None:
    print("BENCH " + json.dumps(payload), flush=True)


def _rss_mib() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MiB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if sys.platform == "darwin":
        peak /= 1024  # bytes there
    current = peak
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    # The kernel updates the peak lazily, and the current figure is read after it: the
    # current one can be a little ahead, and a peak is never below it.
    return current, max(peak, current)


def child_bare() -> int:
    """The baseline start: PySide6 alone painting a dialog with one line edit."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout

    app = QApplication([sys.argv[0]])
    dialog = QDialog()
    QVBoxLayout(dialog).addWidget(QLineEdit())

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if obj is dialog and event.type() == QEvent.Type.Paint:
                _emit({"shown": time.time()})
                QTimer.singleShot(0, app.quit)
            return False

    watch = Watch()
    dialog.installEventFilter(watch)
    dialog.show()
    return app.exec()


def child_start(folder: Path) -> int:
    """The program's start through ``vbedesk gui``, stopped at the unlock dialog's first paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from vbedesk import cli
    from vbedesk.ui.app import keep_none_alive
    from vbedesk.ui.dialogs.unlock import UnlockDialog

    keep_none_alive()
    app = QApplication([sys.argv[0]])  # run() takes the existing instance

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if isinstance(obj, UnlockDialog) and event.type() == QEvent.Type.Paint:
                _emit({"shown": time.time()})
                QTimer.singleShot(0, app.quit)
            return False

    watch = Watch()
    app.installEventFilter(watch)
    return cli.main(["--vault", str(folder), "--lang", "sv", "gui"])


class _Painted:
    """Whether a widget has painted since ``arm()`` (an event filter on it)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject

        outer = self

        class Filter(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    outer.seen = True
                return False

        self.seen = False
        self.filter = Filter()

    def watch(self, widget: Any) -> None:
        widget.installEventFilter(self.filter)

    def arm(self) -> None:
        self.seen = False


def _spin_until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def child_window(folder: Path, passphrase: str, repeat: int) -> int:
    """Unlock → Händelser painted (``repeat`` times, locking between), then the filters."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from vbedesk.i18n import set_language
    from vbedesk.model import IncidentFilter
    from vbedesk.storage.secrets import KeyringStore
    from vbedesk.ui.app import AppController, keep_none_alive, preload_window_modules
    from vbedesk.ui.dialogs.unlock import UnlockDialog
    from vbedesk.ui.main_window import MainWindow
    from vbedesk.ui.pages.incidents import IncidentsPage

    keep_none_alive()
    set_language("sv")
    app = QApplication([sys.argv[0]])
    settings = QSettings(str(folder.parent / "bench-window.ini"), QSettings.Format.IniFormat)
    from keyring.backends import fail

    controller = AppController(folder, KeyringStore(fail.Keyring()), qsettings=settings)
    shown: list[MainWindow] = []
    controller.window_shown.connect(shown.append)
    painted = _Painted()

    to_window: list[float] = []
    to_table: list[float] = []
    controller.start()
    # As ``vbedesk gui`` does: the rest of the program loads in the background while the
    # passphrase is typed (which takes longer); its time is reported on its own.
    first = controller.dialog
    assert first is not None
    _spin_until(first.isVisible)
    t0 = time.perf_counter()
    preload = preload_window_modules()
    _spin_until(lambda: not preload.is_alive())
    preload_ms = (time.perf_counter() - t0) * 1000
    for _round in range(repeat):
        dialog = controller.dialog
        assert isinstance(dialog, UnlockDialog)
        _spin_until(dialog.isVisible)
        shown.clear()
        dialog.passphrase_edit.setText(passphrase)
        t0 = time.perf_counter()
        dialog.submit()
        _spin_until(lambda: bool(shown))
        window = shown[0]
        painted.watch(window)
        painted.arm()
        _spin_until(lambda: painted.seen)  # the first page (Översikt) painted
        t_window = time.perf_counter()
        page = window.page("incidents")
        assert isinstance(page, IncidentsPage)
        model = page.model
        painted.watch(page.view.table.viewport())
        # The rows arrive from the reads' thread: a paint counts once they are in.
        model.modelReset.connect(painted.arm)
        painted.arm()
        window.show_page("incidents")
        _spin_until(lambda: painted.seen and model.rowCount() > 0 and not model.is_loading())  # noqa: B023
        t_table = time.perf_counter()
        to_window.append((t_window - t0) * 1000)
        to_table.append((t_table - t0) * 1000)
        if _round < repeat - 1:
            controller.lock()
            QApplication.processEvents()

    window = shown[0]
    page = window.page("incidents")
    assert isinstance(page, IncidentsPage)
    rows_shown = page.model.rowCount()
    total = page.model.total()

    def timed(apply: Callable[[], None], reset: Callable[[], None]) -> list[float]:
        samples = []
        for _ in range(repeat + 1):
            reset()
            _spin_until(
                lambda: (
                    not page.model.filter().text
                    and page.model.rowCount() > 0
                    and not page.is_busy()
                )
            )
            painted.arm()
            t0 = time.perf_counter()
            apply()
            # Until the new rows have arrived (a reset re-arms) and are painted.
            _spin_until(lambda: painted.seen and not page.is_busy())
            samples.append((time.perf_counter() - t0) * 1000)
        return samples[1:]  # the first is a warm-up

    def clear_all() -> None:
        for combo in (page.view.year_combo, page.view.area_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        page.view.search_edit.blockSignals(True)
        page.view.search_edit.clear()
        page.view.search_edit.blockSignals(False)
        page.apply_filter()
        QApplication.processEvents()

    def search() -> None:
        page.view.search_edit.setText(SEARCH_TEXT)
        page.apply_filter()  # what the typing pause (or Enter) triggers

    def year() -> None:
        page.view.year_combo.setCurrentIndex(page.view.year_combo.findData(FILTER_YEAR))

    area = page.view.area_combo.itemData(1)

    def year_reset() -> None:
        clear_all()
        year()
        QApplication.processEvents()

    def year_area() -> None:
        page.view.area_combo.setCurrentIndex(page.view.area_combo.findData(area))

    results = {
        "to_window": to_window,
        "to_table": to_table,
        "preload": preload_ms,
        "search": timed(search, clear_all),
        "year": timed(year, clear_all),
        "year_area": timed(year_area, year_reset),
        "rows_shown": rows_shown,
        "total": total,
        "search_hits": page.service.incidents.count(IncidentFilter(text=SEARCH_TEXT)),
        "area": area,
    }
    current, peak = _rss_mib()
    results["rss"] = current
    results["peak_rss"] = peak
    _emit(results)
    controller.shutdown()
    del app
    return 0


# -- the parent --------------------------------------------------------------------------
def _child_env(config: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(config)  # QSettings: never the user's own
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    # Bytecode cached as in an installed program (whose installer compiles it), kept out of
    # the checkout; the first start, which compiles, is a warm-up and not counted.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(config.parent / "pycache")
    return env


def _child(mode: str, env: dict[str, str], *extra: str) -> tuple[float, dict[str, Any]]:
    """Spawn this script in ``mode``; (time.time() just before spawning, its report)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *extra]
    started = time.time()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, check=False)
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"the {mode} child failed (exit {result.returncode})")
    return started, json.loads(lines[-1][len("BENCH ") :])


def _prepare(folder: Path, incidents: int, fast_kdf: bool) -> tuple[float, str]:
    """A vault of ``incidents`` synthetic incidents (kept for a rerun with the same size)."""
    import random

    from benchmarks.bench_vault import PASSPHRASE, synthetic
    from vbedesk.storage.bootstrap import create_vault
    from vbedesk.storage.keys import KdfParams, calibrate

    marker = folder.parent / MARKER
    wanted = {"incidents": incidents, "fast_kdf": fast_kdf}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return 0.0, PASSPHRASE
    kdf = KdfParams.insecure_for_tests() if fast_kdf else calibrate()
    t0 = time.perf_counter()
    service, _recovery = create_vault(folder, PASSPHRASE, kdf=kdf)
    rng = random.Random(2021)
    batch = synthetic(incidents, rng)
    for start in range(0, len(batch), 10_000):
        service.incidents.import_many(batch[start : start + 10_000], source="benchmark")
    service.vault.close()
    marker.write_text(json.dumps(wanted))
    return time.perf_counter() - t0, PASSPHRASE


def _raw_baselines(folder: Path, passphrase: str, repeat: int, area: str) -> dict[str, float]:
    """The same work on raw sqlcipher3 (median ms): open to first page, and the filters.

    The connection gets the program's key and pragmas (cache size, WAL) as in
    bench_vault.py, so the ratio is the cost of the layers and the widgets."""
    from benchmarks.bench_vault import median_ms
    from vbedesk.storage.engine import connect
    from vbedesk.storage.keys import KeyFile, derive_key

    keyfile = KeyFile.load(folder / "vault.key")
    data_key = keyfile.unwrap(passphrase)
    db = folder / "vault.db"
    page_sql = (
        "SELECT incident.id, incident.received_on, incident.area, incident.environment, "
        "incident.status, (SELECT group_concat(incident_type.code, ';') FROM incident_type "
        "WHERE incident_type.incident_id = incident.id) FROM incident {where}"
        "ORDER BY incident.received_on DESC, incident.id DESC LIMIT 200 OFFSET 0"
    )
    count_sql = "SELECT count(*) FROM incident {where}"

    def query(conn: Any, where: str = "", params: tuple[Any, ...] = ()) -> None:
        conn.execute(count_sql.format(where=where), params).fetchone()
        conn.execute(page_sql.format(where=where), params).fetchall()

    def open_to_page() -> None:
        derive_key(passphrase, keyfile.kdf)
        conn = connect(db, data_key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        query(conn)
        conn.close()

    conn = connect(db, data_key)
    search_where = (
        "WHERE incident.id IN (SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?) "
    )
    fts = " ".join(f'"{w}"' for w in SEARCH_TEXT.split()) + "*"
    out = {
        "to_table": median_ms(open_to_page, repeat),
        "search": median_ms(lambda: query(conn, search_where, (fts,)), repeat),
        "year": median_ms(
            lambda: query(conn, "WHERE incident.received_year = ? ", (FILTER_YEAR,)), repeat
        ),
        "year_area": median_ms(
            lambda: query(
                conn,
                "WHERE incident.received_year = ? AND incident.area = ? ",
                (FILTER_YEAR, area),
            ),
            repeat,
        ),
    }
    conn.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", type=Path, help="where to build the vault (kept for reruns)")
    ap.add_argument(
        "--fast-kdf",
        action="store_true",
        help="tiny Argon2id parameters (only for the smoke test; figures need the real ones)",
    )
    ap.add_argument("--child", choices=("bare", "start", "window"), help=argparse.SUPPRESS)
    ap.add_argument("--vault", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child == "bare":
        return child_bare()
    if args.child == "start":
        return child_start(args.vault)
    if args.child == "window":
        from benchmarks.bench_vault import PASSPHRASE

        return child_window(args.vault, PASSPHRASE, args.repeat)

    work = Path(args.dir or tempfile.mkdtemp(prefix="vbedesk-bench-window-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "vault"
    fill_s, passphrase = _prepare(folder, args.incidents, args.fast_kdf)
    env = _child_env(work / "config")

    def start_ms(mode: str) -> float:
        samples = []
        for _ in range(args.repeat + 1):
            started, report = _child(mode, env, "--vault", str(folder))
            samples.append((report["shown"] - started) * 1000)
        return statistics.median(samples[1:])  # the first compiled the bytecode

    start_bare = start_ms("bare")
    start_program = start_ms("start")
    _started, win = _child("window", env, "--vault", str(folder), "--repeat", str(args.repeat))
    raw = _raw_baselines(folder, passphrase, args.repeat, win["area"])

    from vbedesk.storage.keys import KeyFile

    kdf = KeyFile.load(folder / "vault.key").kdf
    med = statistics.median
    rows: list[tuple[str, float, float | None, str]] = [
        ("start → unlock dialog painted", start_program, start_bare, "< 1,000 ms"),
        ("unlock → main window (Översikt) painted", med(win["to_window"]), None, "—"),
        ("unlock → Händelser table painted", med(win["to_table"]), raw["to_table"], "< 1,500 ms"),
        (f"filter: search “{SEARCH_TEXT}”", med(win["search"]), raw["search"], "< 100 ms"),
        (f"filter: year {FILTER_YEAR}", med(win["year"]), raw["year"], "< 100 ms"),
        (f"filter: year {FILTER_YEAR} + area", med(win["year_area"]), raw["year_area"], "< 100 ms"),
    ]
    fill = f"fill took {fill_s:.1f} s" if fill_s else "vault reused"
    print(
        f"VBE Desk window benchmark: {args.incidents:,} incidents ({win['total']:,} in the "
        f"table, {win['rows_shown']} rows fetched at first paint, {win['search_hits']:,} "
        f"search hits), median of {args.repeat} runs ({fill}; KDF Argon2id "
        f"time_cost={kdf.time_cost}, memory={kdf.memory_kib // 1024} MiB, "
        f"lanes={kdf.parallelism})"
    )
    print(
        f"Background imports while the passphrase is typed: {win['preload']:.0f} ms. "
        f"Unlock → table, every run (the first is the first in the process): "
        f"{', '.join(f'{v:.0f}' for v in win['to_table'])} ms"
    )
    print()
    print("| measurement | program (ms) | baseline (ms) | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for name, prog, base, target in rows:
        if base is None:
            print(f"| {name} | {prog:,.1f} | — | — | {target} |")
        else:
            print(f"| {name} | {prog:,.1f} | {base:,.1f} | {prog / base:.2f} | {target} |")
    print(
        f"| RSS after the filters (MiB) | {win['rss']:.0f} (peak {win['peak_rss']:.0f}) "
        "| — | — | < 250 MiB |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
