"""Paths the tests share: the repository and the files kept in ``tests/data``."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"

# Hässelby-Vällingby stadsdelsnämnds handlingsplan mot våldsbejakande extremism 2021
# (Stockholms stad, a public document); see tests/data/README.md.
PLAN_2021 = DATA / "hassle-vallingby-vbe-plan-2021.txt"
