"""Plain domain objects: incidents, the action plan, training, contacts, settings.

Frozen dataclasses with no Qt, SQL or reportlab; the storage layer maps them to tables and
the UI and reports receive them as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.plans import PlanState


class PeriodKind(StrEnum):
    """The follow-up occasions of the city's year (domain.md §5)."""

    T1 = "T1"  # tertialrapport 1: up to 30 April
    T2 = "T2"  # tertialrapport 2: up to 31 August
    VB = "VB"  # verksamhetsberättelse: the full year


_PERIOD_RE = re.compile(r"^\s*(T1|T2|VB)\s*[- ]?\s*(\d{4})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """A follow-up period such as ``VB 2021``."""

    year: int
    kind: PeriodKind

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text)
        if not match:
            raise InputRefused(
                N_("Unknown follow-up period {value!r}; write e.g. T1 2021, T2 2021 or VB 2021."),
                value=text[:40],
            )
        return cls(year=int(match.group(2)), kind=PeriodKind(match.group(1).upper()))

    def __str__(self) -> str:
        return f"{self.kind.value} {self.year}"


@dataclass(frozen=True)
class Incident:
    """One anonymised incident (blankett för oidentifierad information, domain.md §2).

    Codes are validated against the taxonomies in ``resources/taxonomies`` by
    ``vbedesk.incidents``; ``id`` is ``None`` until the vault has stored it.
    """

    received_on: date
    incident_types: frozenset[str]
    environment: str
    occurred_on: date | None = None
    occurred_time: time | None = None
    occurred_until: date | None = None
    area: str | None = None
    place_type: str | None = None
    reporting_unit: str | None = None
    reporter_role: str | None = None
    organisation: str | None = None
    concerns_individual: bool = False
    age_band: str | None = None
    description: str = ""
    actions_taken: frozenset[str] = frozenset()
    consent: str | None = None
    feedback_on: date | None = None
    status: str = "NY"
    retain_until: date | None = None
    is_demo: bool = False
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class IncidentListRow(tuple[int, str, str | None, str, str, str]):
    """What a list of incidents shows per row, converted when a field is read.

    Holds the six values as stored: ``(id, received_on as ISO text, area, environment,
    status, incident type codes joined by ";")``, in the order a page's query returns
    them, so a page of rows is made without a Python call per row; the date and the
    sorted codes are made when read (a table reads the rows it paints, not the page).
    Immutable and compared by value, like the named tuple it replaces.
    """

    __slots__ = ()
    _fields = ("id", "received_on", "area", "environment", "incident_types", "status")

    @property
    def id(self) -> int:
        return self[0]

    @property
    def received_on(self) -> date:
        return date.fromisoformat(self[1])

    @property
    def area(self) -> str | None:
        return self[2]

    @property
    def environment(self) -> str:
        return self[3]

    @property
    def status(self) -> str:
        return self[4]

    @property
    def incident_types(self) -> tuple[str, ...]:
        return tuple(sorted(self[5].split(";"))) if self[5] else ()

    def __repr__(self) -> str:
        return (
            f"IncidentListRow(id={self.id}, received_on={self[1]}, area={self.area!r}, "
            f"environment={self.environment!r}, incident_types={self.incident_types!r}, "
            f"status={self.status!r})"
        )


@dataclass(frozen=True)
class IncidentFilter:
    """What the incident list shows; every part optional. Sorting and paging in SQL."""

    year: int | None = None
    area: str | None = None
    environment: str | None = None
    incident_type: str | None = None
    status: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class ActionPlan:
    """A year's plan: an utkast until decided, then beslutad with date and diarienummer."""

    year: int
    title: str
    district: str
    id: int | None = None
    state: PlanState = PlanState.DRAFT
    decided_on: date | None = None
    diarienummer: str = ""


@dataclass(frozen=True)
class PlanSection:
    """One of the plan's activity sections (förebyggande, förhindrande, …)."""

    plan_id: int
    position: int
    code: str
    title: str
    id: int | None = None


@dataclass(frozen=True)
class Activity:
    """An activity row as in the plan: Aktivitet / Ansvarig / Tidplan / Uppföljning."""

    section_id: int
    position: int
    text: str
    responsible: str
    timeline: str = ""
    followup: str = ""
    id: int | None = None
    #: The day the activity was retired ("utgår"); it keeps its follow-ups and history.
    retired_on: date | None = None


@dataclass(frozen=True)
class FollowUp:
    """A dated status and comment for one activity in one period."""

    activity_id: int
    period: Period
    status: str
    comment: str
    noted_on: date
    id: int | None = None


@dataclass(frozen=True)
class Course:
    code: str
    name: str
    provider: str = ""
    url: str = ""
    id: int | None = None
    #: From this day the course takes no new counts; its counts stay in the history.
    retired_on: date | None = None


@dataclass(frozen=True)
class Unit:
    """A unit of the administration whose staff are trained; ``valid_to`` is the day it
    was retired (from then on it takes no new counts; its counts stay in the history)."""

    code: str
    name: str
    id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class TrainingCount:
    """How many of a unit's relevant staff had completed a course on a date (history kept)."""

    unit_code: str
    course_code: str
    relevant_staff: int
    completed: int
    as_of: date
    id: int | None = None

    @property
    def share_completed(self) -> float | None:
        return None if self.relevant_staff == 0 else self.completed / self.relevant_staff


@dataclass(frozen=True)
class Contact:
    """A number the routine shows; ``verified_on`` is ``None`` while not verified."""

    code: str
    name: str
    phone: str = ""
    hours: str = ""
    note: str = ""
    verified_on: date | None = None
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class LegalReference:
    code: str
    title: str
    citation: str
    note: str = ""
    verified: bool = False
    id: int | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One row of the append-only, hash-chained audit log. ``detail`` holds no user text."""

    id: int
    at: datetime
    action: str
    entity: str
    entity_id: str
    detail: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VaultSummary:
    """What ``info`` and the overview show about a vault."""

    vault_id: str
    path: str
    schema_version: str
    created_at: datetime
    generation: int
    counts: dict[str, int] = field(default_factory=dict)
    incidents_by_year: dict[int, int] = field(default_factory=dict)
    sqlcipher_version: str = ""
