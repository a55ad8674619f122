"""The action plan as the coordinator writes it: drafts of plans, sections and activities.

A ``PlanDraft`` is a whole plan before it is saved: what the demo is built from, what a
copy of an earlier year starts as, and what the import of last year's Word, Excel or CSV
file produces for review. The four standard sections are those of the district's plans
(the 2021 plan: förebyggande, förhindrande, föreningsbidrag och lokaler, kompetenshöjande).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_


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


def default_title(district: str, year: int) -> str:
    """The title a new plan gets, as the district's plans are titled (the 2021 plan)."""
    return f"{district} stadsdelsnämnds handlingsplan mot våldsbejakande extremism {year}"


def normalised(text: str) -> str:
    """``text`` with its white space runs as single spaces and no space at either end."""
    return " ".join(text.split())


def section_code(title: str, taken: Sequence[str]) -> str:
    """A code for a new section from its title (``KOMPETENSHOJANDE``), unique among ``taken``."""
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Z0-9]+", "_", ascii_.upper()).strip("_")[:30] or "AVSNITT"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


class NoSuchSection(InputRefused):
    message = N_("No section of the plan is titled {title!r}.")


class AmbiguousSection(InputRefused):
    message = N_("More than one section of the plan begins with {title!r}; write more of it.")


def match_section(titles: Sequence[str], query: str) -> int:
    """The index of the title that ``query`` names: the same title, or its first words.

    Case and white space do not count ("förebyggande" names "Förebyggande aktiviteter").
    """
    words = normalised(query).casefold().split(" ")
    if words == [""]:
        raise NoSuchSection(title=query[:80])
    split = [normalised(t).casefold().split(" ") for t in titles]
    exact = [n for n, t in enumerate(split) if t == words]
    found = exact or [n for n, t in enumerate(split) if t[: len(words)] == words]
    if not found:
        raise NoSuchSection(title=query[:80])
    if len(found) > 1:
        raise AmbiguousSection(title=query[:80])
    return found[0]


def empty_plan(year: int, district: str, title: str) -> PlanDraft:
    """A new plan with the four standard sections and no activities."""
    return PlanDraft(
        year=year,
        title=title,
        district=district,
        sections=tuple(SectionDraft(code, name) for code, name in STANDARD_SECTIONS),
    )
