"""Incidents: add, edit, import, the list pages, exports and deletion."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vbedesk import guard
from vbedesk.changes import Area
from vbedesk.disclosure import Disclosure
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.incidents import (
    EXPORT_FORMATS,
    FIELDS,
    default_retain_until,
    export_bytes,
    free_texts,
    validate_incident,
)
from vbedesk.model import (
    Incident,
    IncidentFilter,
    IncidentListRow,
)
from vbedesk.storage import audit
from vbedesk.storage.reads import (
    MAX_PAGE,
    PAGE_SIZE,
    bind,
    count_sql,
    fts_query,
    page_of,
    page_statement,
    rows_sql,
)
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.results import NotFound, SaveResult
from vbedesk.storage.services.rows import (
    codes_by_incident,
    fill_row,
    incident_from_row,
    row_to_incident,
)
from vbedesk.storage.tables import (
    DraftRow,
    IncidentActionRow,
    IncidentRow,
    IncidentTypeRow,
)
from vbedesk.storage.vault import now_utc


class IncidentService(AreaService):
    """Incidents: add, edit, import, the list pages, exports and deletion."""

    AREAS = (Area.INCIDENTS,)

    def prepare(self, incident: Incident, retention_years: int) -> Incident:
        """Validated, with its retention date (the default for ``retention_years``)."""
        return self.with_retention(validate_incident(incident, self.taxonomies), retention_years)

    @staticmethod
    def with_retention(incident: Incident, retention_years: int) -> Incident:
        if incident.retain_until is not None:
            return incident
        return replace(
            incident, retain_until=default_retain_until(incident.received_on, retention_years)
        )

    def _retention_years(self) -> int:
        """The retention setting, read in the unit of work that saves (``settings`` joins it)."""
        return self._svc.settings().retention_years

    @staticmethod
    def scan(incident: Incident) -> list[tuple[str, guard.Finding]]:
        """Guard findings per free-text field (``description``, ``organisation``)."""
        return guard.guarded(free_texts(incident), accept=True)

    @staticmethod
    def _guard(
        incident: Incident, accept_findings: bool, record: int | None = None
    ) -> list[tuple[str, guard.Finding]]:
        return guard.guarded(free_texts(incident), accept=accept_findings, record=record)

    def add(self, incident: Incident, *, accept_findings: bool = False) -> SaveResult:
        incident = validate_incident(incident, self.taxonomies)
        findings = self._guard(incident, accept_findings)
        with self._write() as s:
            incident = self.with_retention(incident, self._retention_years())
            row = IncidentRow(created_at=now_utc(), updated_at=now_utc())
            fill_row(row, incident)
            s.add(row)
            s.flush()
            detail = "accepted-findings" if any(f.blocking for _, f in findings) else ""
            audit.append(s, "incident.add", "incident", row.id, detail)
            stored = row_to_incident(row)
        return SaveResult(stored, tuple(findings))

    def update(self, incident: Incident, *, accept_findings: bool = False) -> SaveResult:
        if incident.id is None:
            raise ValueError("update needs an incident id")
        incident = validate_incident(incident, self.taxonomies)
        findings = self._guard(incident, accept_findings)
        with self._write() as s:
            incident = self.with_retention(incident, self._retention_years())
            row = s.get(IncidentRow, incident.id)
            if row is None:
                raise NotFound(id=incident.id)
            before = row_to_incident(row)
            fill_row(row, incident)
            row.updated_at = now_utc()
            s.flush()
            after = row_to_incident(row)
            changed = [k for k in FIELDS if getattr(before, k) != getattr(after, k)]
            audit.append(s, "incident.update", "incident", row.id, ",".join(changed))
        return SaveResult(after, tuple(findings))

    def delete(self, incident_id: int, reason: str = "gallring") -> None:
        with self._write() as s:
            row = s.get(IncidentRow, incident_id)
            if row is None:
                raise NotFound(id=incident_id)
            s.delete(row)
            audit.append(s, "incident.delete", "incident", incident_id, reason[:40])

    def import_many(
        self, incidents: Sequence[Incident], *, accept_findings: bool = False, source: str = ""
    ) -> list[int]:
        """All or nothing: every record validated and guarded first, then one transaction."""
        checked = [validate_incident(inc, self.taxonomies) for inc in incidents]
        for number, inc in enumerate(checked, start=1):
            self._guard(inc, accept_findings, record=number)
        stamp = now_utc()
        with self._write() as s:
            retention = self._retention_years()
            rows = []
            for inc in (self.with_retention(inc, retention) for inc in checked):
                row = IncidentRow(created_at=stamp, updated_at=stamp)
                fill_row(row, inc)
                rows.append(row)
            s.add_all(rows)
            s.flush()
            audit.append(s, "incident.import", "incident", len(rows), source[:40])
            return [r.id for r in rows]

    def get(self, incident_id: int) -> Incident:
        with self._read() as s:
            row = s.get(IncidentRow, incident_id)
            if row is None:
                raise NotFound(id=incident_id)
            return row_to_incident(row)

    @staticmethod
    def _filter_params(flt: IncidentFilter) -> dict[str, Any]:
        """The filter's values by bind name; an empty search counts as no search."""
        params: dict[str, Any] = {
            "year": flt.year,
            "area": flt.area or None,
            "environment": flt.environment or None,
            "status": flt.status or None,
            "incident_type": flt.incident_type or None,
            "q": fts_query(flt.text) if flt.text else None,
        }
        return {k: v for k, v in params.items() if v is not None}

    def count(self, flt: IncidentFilter | None = None) -> int:
        params = self._filter_params(flt or IncidentFilter())
        [(n,)] = self._fetch(*bind(count_sql(frozenset(params)), params))
        return int(n)

    def list_full(
        self,
        flt: IncidentFilter | None = None,
        *,
        sort: str = "received_on",
        descending: bool = True,
        offset: int = 0,
        limit: int = PAGE_SIZE,
    ) -> list[Incident]:
        """One page of incidents, filtered and sorted in SQL (stable by id)."""
        flt = flt or IncidentFilter()
        params = self._page_params(flt, offset, limit)
        stmt = page_statement(frozenset(params) - {"offset", "limit"}, sort, descending)
        with self._read() as s:
            # Core rows, not ORM objects: a page is read-only and this is the hot path.
            rows = s.connection().execute(stmt, params).all()
            ids = [r.id for r in rows]
            if not ids:
                return []
            types = codes_by_incident(s, IncidentTypeRow, ids)
            actions = codes_by_incident(s, IncidentActionRow, ids)
        empty: set[str] = set()
        return [
            incident_from_row(
                r, frozenset(types.get(r.id, empty)), frozenset(actions.get(r.id, empty))
            )
            for r in rows
        ]

    def list_rows(
        self,
        flt: IncidentFilter | None = None,
        *,
        sort: str = "received_on",
        descending: bool = True,
        offset: int = 0,
        limit: int = PAGE_SIZE,
    ) -> list[IncidentListRow]:
        """One page of list rows (what a table shows), filtered and sorted in SQL.

        One statement: the type codes come from a correlated ``group_concat``, and the
        rows are the driver's values in an ``IncidentListRow``, converted when read, so a
        page of 200 costs little more than the SQL itself (the table's page).
        """
        flt = flt or IncidentFilter()
        params = self._page_params(flt, offset, limit)
        shape = frozenset(params) - {"offset", "limit"}
        sql, args = bind(rows_sql(shape, sort, descending), params)
        result = self._fetch(page_of(sql, params["limit"], params["offset"]), args)
        # The rows as the query returns them: the date and the codes are converted when
        # read (see ``IncidentListRow``), so a page costs little more than its SQL.
        return list(map(IncidentListRow, result))

    def _page_params(self, flt: IncidentFilter, offset: int, limit: int) -> dict[str, Any]:
        params = self._filter_params(flt)
        params["offset"] = max(0, offset)
        params["limit"] = max(0, min(limit, MAX_PAGE))
        return params

    def iter_all(self, flt: IncidentFilter | None = None) -> Iterator[Incident]:
        offset = 0
        while True:
            page = self.list_full(flt, descending=False, offset=offset, limit=1000)
            yield from page
            if len(page) < 1000:
                return
            offset += len(page)

    def _by_id(self, ids: Sequence[int]) -> list[Incident]:
        unique = sorted(set(ids))
        with self._read() as s:
            rows = s.execute(select(IncidentRow).where(IncidentRow.id.in_(unique))).scalars()
            found = {r.id: row_to_incident(r) for r in rows}
        missing = [i for i in unique if i not in found]
        if missing:
            raise NotFound(id=missing[0])
        return [found[i] for i in unique]

    def export(
        self,
        ids: Sequence[int],
        path: Path,
        fmt: str,
        *,
        recipient: str = "",
        purpose: str = "",
    ) -> Disclosure:
        """The incidents ``ids`` as CSV or JSON (as ``incident list`` prints them) in a new
        file, entered in the disclosure register: the export before a gallring."""
        if fmt not in EXPORT_FORMATS:
            raise InputRefused(N_("Unknown export format {value!r}."), value=fmt[:10])
        if not ids:
            raise InputRefused(N_("No incidents are chosen."))
        data, count = export_bytes(self._by_id(ids), fmt)
        title = _("Incidents before gallring ({n})").format(n=count)
        return self._svc.disclosures.write(
            path, data, fmt, title, recipient=recipient, purpose=purpose
        )

    def delete_many(self, ids: Sequence[int], reason: str = "gallring") -> int:
        """Delete the incidents ``ids`` (and their drafts) in one unit of work.

        All or nothing: an unknown id refuses the whole deletion. The audit row names the
        count and the ids, never any text of the incidents.
        """
        unique = sorted(set(ids))
        if not unique:
            raise InputRefused(N_("No incidents are chosen."))
        with self._write() as s:
            rows = list(s.execute(select(IncidentRow).where(IncidentRow.id.in_(unique))).scalars())
            found = {r.id for r in rows}
            missing = [i for i in unique if i not in found]
            if missing:
                raise NotFound(id=missing[0])
            for row in rows:
                s.delete(row)
            refs = [str(i) for i in unique]
            for draft in s.execute(
                select(DraftRow).where(DraftRow.kind == "incident", DraftRow.ref.in_(refs))
            ).scalars():
                s.delete(draft)
            detail = f"{reason[:40]}; count={len(unique)}; ids={','.join(refs)}"
            audit.append(s, "incident.gallring", "incident", len(unique), detail)
        return len(unique)
