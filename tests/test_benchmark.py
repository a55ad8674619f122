"""The benchmark scripts run end to end on small vaults (the figures come from full runs).

No figure is held to a time: the tests check that every measurement was made and printed,
that each ratio is the program's time over the baseline's, and that both sides did the
same work.
"""

from __future__ import annotations

import math
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

REPO = Path(__file__).resolve().parents[1]


def run_benchmark(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``benchmarks/<script>`` with ``args`` in a child process; fails the test on an error."""
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def table(stdout: str, header: str) -> list[list[str]]:
    """The cells of the Markdown table under ``header`` (its separator line left out)."""
    lines = stdout.splitlines()
    assert header in lines, stdout
    start = lines.index(header)
    assert re.fullmatch(r"\|(-+:?\|)+", lines[start + 1]), lines[start + 1]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("| "):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    width = header.count("|") - 1
    assert all(len(row) == width for row in rows), rows
    return rows


def number(cell: str) -> float:
    """A printed figure (``1,234.5``): finite and not negative."""
    value = float(cell.replace(",", ""))
    assert math.isfinite(value) and value >= 0, cell
    return value


def assert_ratio_of(program: str, baseline: str, ratio: str, decimals: int = 1) -> None:
    """``ratio`` is ``program / baseline``, as far as the printed roundings tell."""
    p, b, r = number(program), number(baseline), number(ratio)
    half = 0.5 * 10**-decimals
    low = (p - half) / (b + half)
    high = (p + half) / (b - half) if b > half else math.inf
    assert r > 0 and low - 0.005 <= r <= high + 0.005, (program, baseline, ratio)


@pytest.mark.slow
def test_benchmark_prints_a_ratio_for_every_operation(tmp_path: Path) -> None:
    from benchmarks.bench_vault import PASSPHRASE
    from vbedesk.storage.service import VaultService
    from vbedesk.storage.vault import Vault

    incidents, quick_repeat = 400, 3
    result = run_benchmark(
        "bench_vault.py",
        *("--incidents", str(incidents), "--repeat", "3", "--quick-repeat", str(quick_repeat)),
        *("--dir", str(tmp_path)),
    )
    assert f"benchmark: {incidents} incidents; medians of {quick_repeat} runs" in result.stdout
    assert "(unlock: 3, backup: 3), program and raw in turns" in result.stdout
    rows = table(result.stdout, "| operation | program (ms) | raw sqlcipher3 (ms) | ratio |")
    names = [row[0] for row in rows]
    assert names == [
        "unlock",
        "save one incident",
        "list first page (200 by date)",
        "text search (first 200 hits)",
        "open one incident",
        "year by environment × type",
        "backup create + verify",
    ]
    for name, program, raw, ratio in rows:
        assert number(program) >= 0 and number(raw) >= 0, name
        assert number(ratio) > 0, name  # the median of the run-by-run ratios
    # Both sides saved one incident as often (a warm-up and the runs): the raw inserts carry
    # a fixed creation time, the program's the clock's. Both removed their backups again.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault"]
    with Vault.open(tmp_path / "vault", passphrase=PASSPHRASE) as vault:
        total = VaultService(vault).incidents.count()
        with vault.require_engine().connect() as conn:
            raw_saves = conn.execute(
                text("SELECT count(*) FROM incident WHERE created_at = '2026-01-01 00:00:00'")
            ).scalar_one()
    assert raw_saves == quick_repeat + 1
    assert total - incidents - raw_saves == raw_saves  # the program's saves


@pytest.mark.slow
def test_report_benchmark_prints_every_case() -> None:
    result = run_benchmark(
        "bench_reports.py", *("--incidents", "400", "--pages", "3", "--repeat", "1")
    )
    assert "report benchmark: 400 incidents (" in result.stdout
    assert "medians of 1 runs, program and baseline in turns" in result.stdout
    rows = table(result.stdout, "| case | program (ms) | baseline (ms) | ratio | target |")
    names = [row[0] for row in rows]
    assert len(rows) == 4
    assert names[0] == "lägesbild: counts (SQL)"
    assert names[1].startswith("lägesbild: PDF (")
    assert names[2] == "lägesbild over 400 incidents"
    assert names[3].startswith("follow-up (")
    lagesbild_pages = re.fullmatch(r"lägesbild: PDF \((\d+) pages\)", names[1])
    followup_pages = re.fullmatch(r"follow-up \((\d+) pages\)", names[3])
    assert lagesbild_pages is not None and int(lagesbild_pages.group(1)) >= 1
    assert followup_pages is not None and int(followup_pages.group(1)) >= 3  # --pages 3
    for row in rows:
        assert number(row[1]) > 0  # the program's time
    # One run each: the ratio is that run's program time over its baseline's.
    for row in (rows[0], rows[1], rows[3]):
        assert_ratio_of(row[1], row[2], row[3])
    assert rows[2][2:4] == ["—", "—"]  # a whole report has no baseline
    assert [row[4] for row in rows] == ["", "", "< 1,000 ms", "< 2,000 ms"]


@pytest.mark.slow
def test_window_benchmark_prints_every_measurement(tmp_path: Path) -> None:
    from vbedesk.ui.models.incident_table import IncidentTableModel

    result = run_benchmark(
        "bench_window.py",
        *("--incidents", "300", "--repeat", "1", "--fast-kdf", "--dir", str(tmp_path)),
    )
    assert "300 incidents (300 in the table" in result.stdout
    counts = re.search(
        r"\((\d+) in the table, (\d+) rows fetched at first paint, (\d+) search hits\), "
        r"median of 1 runs",
        result.stdout,
    )
    assert counts is not None, result.stdout
    in_table, fetched, hits = (int(n) for n in counts.groups())
    assert fetched == min(in_table, IncidentTableModel.PAGE_SIZE)  # one page at first paint
    assert 0 < hits < in_table  # the search found some incidents, not all
    rows = table(result.stdout, "| measurement | program (ms) | baseline (ms) | ratio | target |")
    names = [row[0] for row in rows]
    assert names == [
        "start → unlock dialog painted",
        "unlock → main window (Översikt) painted",
        "unlock → Händelser table painted",
        "filter: search “hakkors tunnelbana”",
        "filter: year 2020",
        "filter: year 2020 + area",
        "RSS after the filters (MiB)",
    ]
    for row in rows[:6]:
        assert number(row[1]) > 0
    for row in (rows[0], *rows[2:6]):  # these have a baseline, and the ratio is over it
        assert_ratio_of(row[1], row[2], row[3])
    assert rows[1][2:4] == ["—", "—"]
    # The table's figure for unlock → table is the median of the runs listed above it.
    every_run = re.search(r"Unlock → table, every run [^:]*: ([\d, ]+) ms", result.stdout)
    assert every_run is not None, result.stdout
    runs = [float(n) for n in every_run.group(1).split(", ")]
    assert len(runs) == 1  # --repeat 1
    assert abs(statistics.median(runs) - number(rows[2][1])) <= 0.55  # printed to 1 and 0.1
    rss = re.fullmatch(r"(\d+) \(peak (\d+)\)", rows[6][1])
    assert rss is not None, rows[6]
    assert 0 < int(rss.group(1)) <= int(rss.group(2))
    assert [row[4] for row in rows] == [
        "< 1,000 ms",
        "—",
        "< 1,500 ms",
        "< 100 ms",
        "< 100 ms",
        "< 100 ms",
        "< 250 MiB",
    ]
    # The vault is kept for a rerun of the same size; the bytecode cache stays beside it.
    assert (tmp_path / "vault" / "vault.db").exists()
    assert (tmp_path / "pycache").is_dir()
