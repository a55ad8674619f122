"""The benchmark scripts run end to end on small vaults (the figures come from full runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_benchmark_prints_a_ratio_for_every_operation(tmp_path: Path) -> None:
    result = run_benchmark(
        "bench_vault.py",
        *("--incidents", "400", "--repeat", "3", "--quick-repeat", "3", "--dir", str(tmp_path)),
    )
    rows = [
        line for line in result.stdout.splitlines() if line.startswith("| ") and "ms" not in line
    ]
    names = [row.split("|")[1].strip() for row in rows]
    assert names == [
        "unlock",
        "save one incident",
        "list first page (200 by date)",
        "text search (first 200 hits)",
        "open one incident",
        "year by environment × type",
        "backup create + verify",
    ]
    for row in rows:
        ratio = float(row.split("|")[4])
        assert ratio > 0


@pytest.mark.slow
def test_report_benchmark_prints_every_case() -> None:
    result = run_benchmark(
        "bench_reports.py", *("--incidents", "400", "--pages", "3", "--repeat", "1")
    )
    rows = [line.split("|") for line in result.stdout.splitlines() if line.startswith("| ")]
    names = [row[1].strip() for row in rows[1:]]  # after the header row
    assert names[0] == "lägesbild: counts (SQL)"
    assert names[1].startswith("lägesbild: PDF (")
    assert names[2] == "lägesbild over 400 incidents"
    assert names[3].startswith("follow-up (")
    for row in rows[1:]:
        assert float(row[2].replace(",", "")) > 0  # the program's time
    for row in (rows[1], rows[2], rows[4]):
        assert float(row[4]) > 0  # a ratio against the baseline


@pytest.mark.slow
def test_window_benchmark_prints_every_measurement(tmp_path: Path) -> None:
    result = run_benchmark(
        "bench_window.py",
        *("--incidents", "300", "--repeat", "1", "--fast-kdf", "--dir", str(tmp_path)),
    )
    assert "300 incidents (300 in the table" in result.stdout
    rows = [
        line
        for line in result.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| measurement")
    ]
    names = [row.split("|")[1].strip() for row in rows]
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
        assert float(row.split("|")[2].replace(",", "")) > 0
    for row in rows[2:6]:  # these have a raw sqlcipher3 baseline and a ratio
        assert float(row.split("|")[4]) > 0
    assert float(rows[6].split("|")[2].split()[0]) > 0
    # The vault is kept for a rerun of the same size; the bytecode cache stays beside it.
    assert (tmp_path / "vault" / "vault.db").exists()
    assert (tmp_path / "pycache").is_dir()
