"""The stall benchmark runs end to end on a small vault and reports what it measured."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_stall_benchmark_reports_both_phases_and_ends_with_the_stall(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_stall.py"),
            *("--incidents", "600", "--folder", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    last = re.fullmatch(r"longest stall: (\d+\.\d) ms", lines[-1])
    assert last is not None, lines[-1]
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [c.strip() for c in line.strip("|").split("|")]
            for line in lines
            if line.startswith("| ")
        )
    }
    # The last line repeats the load phase's longest stall.
    assert rows["longest stall"][1] == f"{last.group(1)} ms"
    # Both phases did the coordinator's work: scrolled, filtered and typed.
    for key in ("scroll steps", "filter steps", "typed steps"):
        assert all(int(n) > 0 for n in rows[key]), (key, rows[key])
    # Both jobs ran to their end while the window worked.
    jobs = re.fullmatch(r"backup (\d+\.\d\d) s, lägesbild (\d+\.\d\d) s", rows["jobs"][1])
    assert jobs is not None and all(float(t) > 0 for t in jobs.groups()), rows["jobs"]
    assert (tmp_path / "backups" / "b.vbdk").stat().st_size > 0  # the backup was written
