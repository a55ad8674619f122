"""The action plan as the coordinator writes it: drafts of plans, sections and activities.

A ``PlanDraft`` is a whole plan before it is saved: what the demo is built from, what a
copy of an earlier year starts as, and what the import of last year's Word, Excel or CSV
file produces for review. The four standard sections are those of the district's plans
(the 2021 plan: förebyggande, förhindrande, föreningsbidrag och lokaler, kompetenshöjande).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class ActivityDraft:
    """One row of a section's table: Aktivitet / Ansvarig enhetschef / Tidplan / Uppföljning."""

    text: str
    responsible: str = ""
    timeline: str = ""
    followup: str = ""


@dataclass(frozen=True)
class SectionDraft:
    code: str
    title: str
    activities: tuple[ActivityDraft, ...] = ()


@dataclass(frozen=True)
class PlanDraft:
    year: int
    title: str
    district: str
    sections: tuple[SectionDraft, ...]


class PlanState(StrEnum):
    """A plan is a draft (utkast) until the board decides it (beslutad)."""

    DRAFT = "UTKAST"
    DECIDED = "BESLUTAD"


#: The sections every new plan starts with: (code, Swedish title as in the 2021 plan).
STANDARD_SECTIONS: tuple[tuple[str, str], ...] = (
    ("FOREBYGGANDE", "Förebyggande aktiviteter"),
    ("FORHINDRANDE", "Förhindrande aktiviteter"),
    (
        "FORENINGSBIDRAG_LOKALER",
        "Aktiviteter föreningsbidrag och upplåtande av lokaler eller öppna rum",
    ),
    ("KOMPETENSHOJANDE", "Kompetenshöjande aktiviteter"),
)

def empty_plan(year: int, district: str, title: str) -> PlanDraft:
    """A new plan with the four standard sections and no activities."""
    return PlanDraft(
        year=year,
        title=title,
        district=district,
        sections=tuple(SectionDraft(code, name) for code, name in STANDARD_SECTIONS),
    )
