"""Gallring: what is past its retention date, exported and deleted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import Text, cast, delete, func, select

from vbedesk.changes import Area
from vbedesk.disclosure import Disclosure
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.incidents import (
    export_bytes,
)
from vbedesk.model import (
    Incident,
)
from vbedesk.storage import audit
from vbedesk.storage.reads import (
    MAX_PAGE,
    PAGE_SIZE,
    bind,
    page_of,
    retention_count_sql,
    retention_due_clause,
    retention_rows_sql,
)
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.results import RetentionRow
from vbedesk.storage.services.rows import row_to_incident
from vbedesk.storage.tables import (
    DraftRow,
    IncidentRow,
)


class RetentionService(AreaService):
    """Gallring: what is past its retention date, exported and deleted."""

    AREAS = (Area.INCIDENTS,)

    def due(self, today: date, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[RetentionRow]:
        """One page of the incidents whose retention date lies before ``today``, oldest
        date first (stable by id); the gallring list fetches them page by page."""
        sql, args = bind(retention_rows_sql(), {"today": today.isoformat()})
        page = page_of(sql, max(0, min(limit, MAX_PAGE)), max(0, offset))
        return [
            RetentionRow(
                id=r[0],
                received_on=date.fromisoformat(r[1]),
                retain_until=date.fromisoformat(r[2]),
                area=r[3],
                environment=r[4],
                status=r[5],
                incident_types=tuple(sorted(r[6].split(";"))) if r[6] else (),
            )
            for r in self._fetch(page, args)
        ]

    def iter_due(self, today: date, *, batch: int = 1000) -> Iterator[Incident]:
        """Every incident due for gallring, by id, read ``batch`` at a time (for an export)."""
        last = 0
        while True:
            stmt = (
                select(IncidentRow)
                .where(retention_due_clause(today), IncidentRow.id > last)
                .order_by(IncidentRow.id)
                .limit(batch)
            )
            with self._read() as s:
                page = [row_to_incident(r) for r in s.execute(stmt).scalars()]
            yield from page
            if len(page) < batch:
                return
            last = page[-1].id or last

    def export_due(
        self, today: date, path: Path, fmt: str, *, recipient: str = "", purpose: str = ""
    ) -> tuple[Disclosure, int]:
        """Every incident due for gallring on ``today`` as CSV or JSON in a new file,
        entered in the disclosure register (as ``export_incidents``); also the count."""
        data, count = export_bytes(self.iter_due(today), fmt)
        if not count:
            raise InputRefused(N_("No incidents are chosen."))
        title = _("Incidents before gallring ({n})").format(n=count)
        entry = self._svc.disclosures.write(
            path, data, fmt, title, recipient=recipient, purpose=purpose
        )
        return entry, count

    def delete_due(self, today: date, reason: str = "gallring") -> int:
        """Delete every incident due for gallring on ``today`` (and their drafts) in SQL,
        in one unit of work; the ids never pass through Python as one long list.

        The audit row names the count and the ids as runs (``4-9,12``), never any text.
        """
        due = retention_due_clause(today)
        with self._write() as s:
            # Runs of consecutive due ids: within a run, id - row_number() is constant.
            numbered = (
                select(
                    IncidentRow.id.label("id"),
                    (IncidentRow.id - func.row_number().over(order_by=IncidentRow.id)).label("run"),
                )
                .where(due)
                .subquery()
            )
            runs = s.execute(
                select(func.min(numbered.c.id), func.max(numbered.c.id))
                .group_by(numbered.c.run)
                .order_by(func.min(numbered.c.id))
            ).all()
            if not runs:
                raise InputRefused(N_("No incidents are chosen."))
            due_refs = select(cast(IncidentRow.id, Text)).where(due)
            s.execute(
                delete(DraftRow).where(DraftRow.kind == "incident", DraftRow.ref.in_(due_refs))
            )
            s.execute(delete(IncidentRow).where(due))
            count = sum(b - a + 1 for a, b in runs)
            ids = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
            detail = f"{reason[:40]}; count={count}; ids={ids}"
            audit.append(s, "incident.gallring", "incident", count, detail)
        return count

    def count_due(self, today: date) -> int:
        [(n,)] = self._fetch(*bind(retention_count_sql(), {"today": today.isoformat()}))
        return int(n)
