"""The window benchmark runs end to end on a tiny vault (the figures come from full runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_window_benchmark_prints_every_measurement(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_window.py"),
            "--incidents",
            "300",
            "--repeat",
            "1",
            "--fast-kdf",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
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
