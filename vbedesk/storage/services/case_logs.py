"""Case logs: one call through the routine and its incident."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from vbedesk import guard
from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.incidents import free_texts, validate_incident
from vbedesk.model import (
    Incident,
)
from vbedesk.routine import (
    CaseLog,
    RecordedAnswer,
)
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.results import NotFound
from vbedesk.storage.services.rows import fill_row
from vbedesk.storage.tables import (
    CaseLogRow,
    IncidentRow,
    RoutineDefinitionRow,
)
from vbedesk.storage.vault import now_utc


class CaseLogService(AreaService):
    """Case logs: one call through the routine and its incident."""

    AREAS = (Area.CASE_LOGS,)

    @staticmethod
    def _utc(value: datetime) -> datetime:
        offset = value.utcoffset()
        return value if offset is None else (value - offset).replace(tzinfo=None)

    @staticmethod
    def _case_log(row: CaseLogRow) -> CaseLog:
        return CaseLog(
            id=row.id,
            routine_id=row.routine_id,
            routine_version=row.routine_version,
            started_at=row.started_at,
            ended_at=row.ended_at,
            answers=tuple(RecordedAnswer.from_dict(a) for a in json.loads(row.answers)),
            outcomes=frozenset(c for c in row.outcomes.split(";") if c),
            notes=row.notes,
            incident_id=row.incident_id,
        )

    def save(
        self, log: CaseLog, incident: Incident | None = None, *, accept_findings: bool = False
    ) -> CaseLog:
        """Keep a finished call and, in the same transaction, its new anonymised incident.

        The incident is validated and guarded as in ``add_incident``; the notes are guarded
        too. The routine version must be kept in the vault (``load_routine``).
        """
        if log.ended_at < log.started_at:
            raise InputRefused(N_("The call cannot end before it started."))
        if len(log.notes) > 20_000:
            raise InputRefused(N_("The notes are too long."))
        prepared = None
        texts: dict[str, str | None] = {"notes": log.notes}
        if incident is not None:
            prepared = validate_incident(incident, self.taxonomies)
            texts.update(free_texts(prepared))
        findings = guard.guarded(texts, accept=accept_findings)
        detail = "accepted-findings" if guard.has_blocking(f for _, f in findings) else ""
        stamp = now_utc()
        with self._write() as s:
            kept = s.scalar(
                select(RoutineDefinitionRow.id).where(
                    RoutineDefinitionRow.routine_id == log.routine_id,
                    RoutineDefinitionRow.version == log.routine_version,
                )
            )
            if kept is None and not self._svc.routines.keep_shipped(
                log.routine_id, log.routine_version
            ):
                raise InputRefused(
                    N_("Routine {id} version {version} is not kept in the vault."),
                    id=log.routine_id[:64],
                    version=log.routine_version[:40],
                )
            incident_id = log.incident_id
            if prepared is not None:
                retention = self._svc.settings().retention_years  # joins this unit
                prepared = self._svc.incidents.with_retention(prepared, retention)
                inc_row = IncidentRow(created_at=stamp, updated_at=stamp)
                fill_row(inc_row, prepared)
                s.add(inc_row)
                s.flush()
                audit.append(s, "incident.add", "incident", inc_row.id, detail)
                incident_id = inc_row.id
            elif incident_id is not None and s.get(IncidentRow, incident_id) is None:
                raise NotFound(id=incident_id)
            row = CaseLogRow(
                routine_id=log.routine_id,
                routine_version=log.routine_version,
                started_at=self._utc(log.started_at),
                ended_at=self._utc(log.ended_at),
                answers=json.dumps([a.to_dict() for a in log.answers]),
                outcomes=";".join(sorted(log.outcomes)),
                notes=log.notes,
                incident_id=incident_id,
            )
            s.add(row)
            s.flush()
            audit.append(s, "caselog.add", "case_log", row.id, detail)
            return self._case_log(row)

    def search(self, text: str | None = None) -> list[CaseLog]:
        """Case logs, newest first; ``text`` searches the notes and the outcome codes."""
        stmt = select(CaseLogRow).order_by(CaseLogRow.started_at.desc(), CaseLogRow.id.desc())
        if text and text.strip():
            escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            stmt = stmt.where(
                CaseLogRow.notes.like(pattern, escape="\\")
                | CaseLogRow.outcomes.like(pattern, escape="\\")
            )
        with self._read() as s:
            return [self._case_log(r) for r in s.execute(stmt).scalars()]

    def get(self, case_log_id: int) -> CaseLog:
        with self._read() as s:
            row = s.get(CaseLogRow, case_log_id)
            if row is None:
                raise InputRefused(N_("No case log with id {id}."), id=case_log_id)
            return self._case_log(row)

    def for_incident(self, incident_id: int) -> list[CaseLog]:
        with self._read() as s:
            rows = s.execute(
                select(CaseLogRow)
                .where(CaseLogRow.incident_id == incident_id)
                .order_by(CaseLogRow.started_at, CaseLogRow.id)
            ).scalars()
            return [self._case_log(r) for r in rows]
