"""Between table rows and domain objects: the incident's columns, codes and times."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vbedesk.model import (
    Incident,
)
from vbedesk.storage.tables import (
    IncidentActionRow,
    IncidentRow,
    IncidentTypeRow,
)


def time_str(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def incident_from_row(row: Any, types: frozenset[str], actions: frozenset[str]) -> Incident:
    """An ``Incident`` from an ORM row or a Core row (the same attribute names)."""
    return Incident(
        id=row.id,
        received_on=row.received_on,
        occurred_on=row.occurred_on,
        occurred_time=None if row.occurred_time is None else time.fromisoformat(row.occurred_time),
        occurred_until=row.occurred_until,
        area=row.area,
        place_type=row.place_type,
        reporting_unit=row.reporting_unit,
        reporter_role=row.reporter_role,
        incident_types=types,
        environment=row.environment,
        organisation=row.organisation,
        concerns_individual=row.concerns_individual,
        age_band=row.age_band,
        description=row.description,
        actions_taken=actions,
        consent=row.consent,
        feedback_on=row.feedback_on,
        status=row.status,
        retain_until=row.retain_until,
        is_demo=row.is_demo,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def row_to_incident(row: IncidentRow) -> Incident:
    return incident_from_row(
        row, frozenset(t.code for t in row.types), frozenset(a.code for a in row.actions)
    )


def codes_by_incident(session: Session, table: Any, ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    stmt = select(table.incident_id, table.code).where(table.incident_id.in_(ids))
    for incident_id, code in session.execute(stmt):
        found.setdefault(incident_id, set()).add(code)
    return found


def fill_row(row: IncidentRow, inc: Incident) -> None:
    row.received_on = inc.received_on
    row.received_year = inc.received_on.year
    row.occurred_on = inc.occurred_on
    row.occurred_time = time_str(inc.occurred_time)
    row.occurred_until = inc.occurred_until
    row.area = inc.area
    row.place_type = inc.place_type
    row.reporting_unit = inc.reporting_unit
    row.reporter_role = inc.reporter_role
    row.environment = inc.environment
    row.organisation = inc.organisation
    row.concerns_individual = inc.concerns_individual
    row.age_band = inc.age_band
    row.description = inc.description
    row.consent = inc.consent
    row.feedback_on = inc.feedback_on
    row.status = inc.status
    row.retain_until = inc.retain_until
    row.is_demo = inc.is_demo
    row.types = [IncidentTypeRow(code=c) for c in sorted(inc.incident_types)]
    row.actions = [IncidentActionRow(code=c) for c in sorted(inc.actions_taken)]
