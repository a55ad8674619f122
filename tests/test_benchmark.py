"""The benchmark script runs end to end on a small vault (the figures come from full runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_prints_a_ratio_for_every_operation(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_vault.py"),
            "--incidents",
            "400",
            "--repeat",
            "3",
            "--quick-repeat",
            "3",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
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
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_reports.py"),
            "--incidents",
            "400",
            "--pages",
            "3",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
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
