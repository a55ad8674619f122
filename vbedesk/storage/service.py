"""The service layer: the one gateway the UI and the CLI use to read and change a vault.

Each public method is one unit of work (``with session.begin()``) and returns plain
domain objects; no SQLAlchemy object or session leaves this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, bindparam, cast, delete, func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from vbedesk import guard
from vbedesk.demo import DemoPlan
from vbedesk.disclosure import Disclosure
from vbedesk.errors import DamagedData, InputRefused
from vbedesk.formimport import (
    MAX_FORM_BYTES,
    FormImportResult,
    FormReading,
    Imported,
    NeedsReview,
    Ready,
    Rejected,
    Skipped,
    content_hash,
    incident_from_reading,
)
from vbedesk.i18n import N_, _
from vbedesk.incidents import (
    FIELDS,
    default_retain_until,
    incident_to_dict,
    incidents_to_csv,
    validate_incident,
)
from vbedesk.model import (
    ActionPlan,
    Activity,
    AuditEntry,
    Contact,
    Course,
    FollowUp,
    Incident,
    IncidentFilter,
    IncidentListRow,
    LegalReference,
    Period,
    PeriodKind,
    PlanSection,
    TrainingCount,
    Unit,
    VaultSummary,
)
from vbedesk.routine import (
    CaseLog,
    RecordedAnswer,
    RoutineContext,
    RoutineDefinition,
    RoutineVersion,
    parse_definition,
    shipped_content,
)
from vbedesk.settings import SPECS, Settings, validate_setting
from vbedesk.statistics import DIMENSIONS, NOT_STATED, Situation
from vbedesk.storage import audit, backup, schema
from vbedesk.storage.engine import check_sqlcipher, damage_as_error, integrity_problems
from vbedesk.storage.files import write_new_file
from vbedesk.storage.tables import (
    ActivityRow,
    CaseLogRow,
    ContactRow,
    CourseRow,
    DisclosureRow,
    DraftRow,
    FollowUpRow,
    ImportedFileRow,
    IncidentActionRow,
    IncidentRow,
    IncidentTypeRow,
    LegalReferenceRow,
    Meta,
    PlanRow,
    RoutineDefinitionRow,
    SectionRow,
    SettingRow,
    TrainingCountRow,
    UnitRow,
)
from vbedesk.storage.vault import DB_NAME, RollbackSuspected, Vault, now_utc
from vbedesk.taxonomy import Taxonomies, load_taxonomies

SORT_COLUMNS = {
    "received_on": IncidentRow.received_on,
    "occurred_on": IncidentRow.occurred_on,
    "area": IncidentRow.area,
    "environment": IncidentRow.environment,
    "status": IncidentRow.status,
    "id": IncidentRow.id,
}
PAGE_SIZE = 200
MAX_PAGE = 5000
#: Compiles the hot read statements once (the engine's dialect: SQLite, qmark parameters).
_SQLITE = sqlite.dialect(paramstyle="qmark")


class IdentifiersFound(InputRefused):
    """Blocking identifier findings that the user has not accepted."""

    message = N_(
        "The text looks like it contains personal identifiers ({kinds}); remove them, or "
        "accept the findings explicitly."
    )

    def __init__(self, findings: Sequence[guard.Finding], record: int | None = None) -> None:
        self.findings = list(findings)
        self.record = record
        # Labels in the language of the moment: the message is shown right away.
        kinds = ", ".join(sorted({_(guard.kind_label(f.kind)) for f in findings if f.blocking}))
        super().__init__(kinds=kinds)


class NotFound(InputRefused):
    message = N_("No incident with id {id}.")


class ActivityNotFound(NotFound):
    message = N_("No activity with id {id}.")


@dataclass(frozen=True)
class SaveResult:
    """A stored incident and the guard's findings (warnings, or accepted blocking ones)."""

    incident: Incident
    findings: tuple[tuple[str, guard.Finding], ...] = ()


@dataclass(frozen=True)
class Draft:
    kind: str
    ref: str
    payload: dict[str, Any]
    saved_at: datetime


@dataclass(frozen=True)
class BackupStatus:
    """The last backup written, and an automatic backup skipped after it (``None``: none)."""

    last: datetime | None
    skipped: datetime | None = None


@dataclass(frozen=True)
class RetentionRow:
    """An incident past its retention date, as the gallring list shows it (no free text)."""

    id: int
    received_on: date
    retain_until: date
    area: str | None
    environment: str
    incident_types: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class CheckReport:
    integrity: tuple[str, ...]
    audit_rows: int
    audit_first_broken: int | None
    schema_version: str
    #: The database was found older than the last session (a restored or synced old copy).
    rollback: RollbackSuspected | None = None

    @property
    def ok(self) -> bool:
        return not self.integrity and self.audit_first_broken is None and self.rollback is None

    @property
    def only_older_copy(self) -> bool:
        """Sound, but an older copy than the last session (accept it or find the newer)."""
        return self.rollback is not None and not self.integrity and self.audit_first_broken is None


def check_lines(report: CheckReport) -> list[str]:
    """What a check found, one translated line a part (the command line and the window)."""
    lines: list[str] = []
    if not report.integrity:
        lines.append(_("Integrity checks: ok"))
    else:
        lines.append(_("Integrity checks: {n} problems").format(n=len(report.integrity)))
        lines += ["  " + problem for problem in report.integrity[:20]]
    if report.audit_first_broken is None:
        lines.append(_("Audit log: {n} rows, chain intact").format(n=report.audit_rows))
    else:
        lines.append(
            _("Audit log: chain broken at row {row}").format(row=report.audit_first_broken)
        )
    if report.rollback is not None:
        lines.append(
            _(
                "Generation: the database is older than the last session ({found} < {expected}),"
                " found {when}: an old copy has been put back."
            ).format(
                found=report.rollback.found,
                expected=report.rollback.expected,
                when=report.rollback.detected_at,
            )
        )
    else:
        lines.append(_("Generation: not older than the last session"))
    return lines


def _retention_due(today: date) -> ColumnElement[bool]:
    """The incidents whose retention date lies before ``today`` (a WHERE clause)."""
    return IncidentRow.retain_until.is_not(None) & (IncidentRow.retain_until < today)


def _fts_query(text_query: str) -> str:
    """Each word quoted (FTS5 syntax cannot be injected); words are ANDed, last one a prefix."""
    words = [w for w in re.findall(r"\w+", text_query) if w]
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


_FILTER_CLAUSES: dict[str, Any] = {
    "year": lambda: IncidentRow.received_year == bindparam("year"),
    "area": lambda: IncidentRow.area == bindparam("area"),
    "environment": lambda: IncidentRow.environment == bindparam("environment"),
    "status": lambda: IncidentRow.status == bindparam("status"),
    "incident_type": lambda: IncidentRow.id.in_(
        select(IncidentTypeRow.incident_id).where(
            IncidentTypeRow.code == bindparam("incident_type")
        )
    ),
    "q": lambda: IncidentRow.id.in_(
        select(text("rowid")).select_from(text("incident_fts")).where(text("incident_fts MATCH :q"))
    ),
}


def _where(stmt: Select[Any], shape: frozenset[str]) -> Select[Any]:
    """``stmt`` restricted by the filters named in ``shape`` (values bound at execution)."""
    for name in sorted(shape):
        stmt = stmt.where(_FILTER_CLAUSES[name]())
    return stmt


def _sorted(stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise InputRefused(N_("Unknown sort column {value!r}."), value=sort[:40])
    order = (column.desc(), IncidentRow.id.desc()) if descending else (column, IncidentRow.id)
    return stmt.order_by(*order)


def _ordered(stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
    return _sorted(stmt, sort, descending).offset(bindparam("offset")).limit(bindparam("limit"))


# Statements are built once per filter shape and order: building one costs more in Python
# than running it in SQLite.
@cache
def _count_statement(shape: frozenset[str]) -> Select[Any]:
    return _where(select(func.count()).select_from(IncidentRow), shape)


@cache
def _page_statement(shape: frozenset[str], sort: str, descending: bool) -> Select[Any]:
    return _ordered(_where(select(IncidentRow.__table__), shape), sort, descending)


@cache
def _rows_statement(shape: frozenset[str], sort: str, descending: bool) -> Select[Any]:
    types = (
        select(func.group_concat(IncidentTypeRow.code, ";"))
        .where(IncidentTypeRow.incident_id == IncidentRow.id)
        .scalar_subquery()
    )
    base = select(
        IncidentRow.id,
        IncidentRow.received_on,
        IncidentRow.area,
        IncidentRow.environment,
        IncidentRow.status,
        types,
    )
    return _sorted(_where(base, shape), sort, descending)


@cache
def _rows_sql(shape: frozenset[str], sort: str, descending: bool) -> _Compiled:
    """The list rows' statement without its page: see ``_page_of``."""
    return _compiled(_rows_statement(shape, sort, descending))


def _page_of(sql: str, limit: int, offset: int) -> str:
    """``sql`` limited to one page, the two numbers written into the statement.

    SQLite runs a constant LIMIT/OFFSET about a tenth faster than bound ones (measured
    on the 100,000-incident benchmark); both are ints, so nothing but digits is written.
    """
    return f"{sql}\nLIMIT {int(limit)} OFFSET {int(offset)}"


@cache
def _year_counts_sql() -> _Compiled:
    return _compiled(
        select(IncidentRow.environment, IncidentTypeRow.code, func.count())
        .join(IncidentTypeRow, IncidentTypeRow.incident_id == IncidentRow.id)
        .where(IncidentRow.received_year == bindparam("year"))
        .group_by(IncidentRow.environment, IncidentTypeRow.code)
    )


#: SQL for SQLite and its parameters in order: (name, value bound in the statement itself).
_Compiled = tuple[str, tuple[tuple[str, Any], ...]]


def _compiled(stmt: ClauseElement) -> _Compiled:
    """A read statement compiled to SQLite's SQL once, for ``VaultService._fetch``.

    The statement's own constants (the separator of ``group_concat``) keep their values;
    the rest are filled by name at each call.
    """
    compiled = stmt.compile(dialect=_SQLITE)
    assert isinstance(compiled, SQLCompiler)
    own = compiled.params
    return compiled.string, tuple((name, own.get(name)) for name in compiled.positiontup or ())


def _bind(compiled: _Compiled, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The SQL and its positional arguments for ``params`` given by name."""
    sql, order = compiled
    return sql, [params.get(name, own) for name, own in order]


def _time_str(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _incident(row: Any, types: frozenset[str], actions: frozenset[str]) -> Incident:
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


def _row_to_incident(row: IncidentRow) -> Incident:
    return _incident(
        row, frozenset(t.code for t in row.types), frozenset(a.code for a in row.actions)
    )


def _codes_by_incident(session: Session, table: Any, ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    stmt = select(table.incident_id, table.code).where(table.incident_id.in_(ids))
    for incident_id, code in session.execute(stmt):
        found.setdefault(incident_id, set()).add(code)
    return found


def _fill_row(row: IncidentRow, inc: Incident) -> None:
    row.received_on = inc.received_on
    row.received_year = inc.received_on.year
    row.occurred_on = inc.occurred_on
    row.occurred_time = _time_str(inc.occurred_time)
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


class VaultService:
    """Everything the coordinator can do with an open vault."""

    def __init__(self, vault: Vault, taxonomies: Taxonomies | None = None) -> None:
        self.vault = vault
        self.taxonomies = taxonomies if taxonomies is not None else load_taxonomies()

    # -- units of work -------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self.vault.db_lock:
            engine = self.vault.require_engine().execution_options(vbedesk_write=True)
            with (
                damage_as_error(self.vault.folder / DB_NAME),  # a full disk: DiskFull
                Session(engine, expire_on_commit=False) as session,
                session.begin(),
            ):
                yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with (
            self.vault.db_lock,
            damage_as_error(),
            Session(self.vault.require_engine()) as session,
        ):
            yield session

    def _fetch(self, sql: str, args: Sequence[Any]) -> list[Any]:
        """Rows of one compiled read statement, straight from the driver's cursor.

        For the hot list paths: the statement is built and compiled once by SQLAlchemy
        (see ``_compiled``), so what remains per call is the SQL itself. A single
        statement needs no explicit transaction; the connection runs in autocommit mode.
        """
        return self.vault.fetch(sql, args)

    # -- vault ---------------------------------------------------------------------------
    def info(self) -> VaultSummary:
        with self._read() as s:
            meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
            counts = {
                "incidents": s.scalar(select(func.count()).select_from(IncidentRow)) or 0,
                "action_plans": s.scalar(select(func.count()).select_from(PlanRow)) or 0,
                "activities": s.scalar(select(func.count()).select_from(ActivityRow)) or 0,
                "followups": s.scalar(select(func.count()).select_from(FollowUpRow)) or 0,
                "training_counts": s.scalar(select(func.count()).select_from(TrainingCountRow))
                or 0,
                "contacts": s.scalar(select(func.count()).select_from(ContactRow)) or 0,
                "audit_rows": s.scalar(select(func.count()).select_from(audit.AuditRow)) or 0,
            }
            by_year = {
                int(year): int(n)
                for year, n in s.execute(
                    select(IncidentRow.received_year, func.count())
                    .group_by(IncidentRow.received_year)
                    .order_by(IncidentRow.received_year)
                )
            }
            revision = schema.current_revision(s.connection()) or ""
        return VaultSummary(
            vault_id=meta.get("vault_id", ""),
            path=str(self.vault.folder),
            schema_version=revision,
            created_at=datetime.fromisoformat(meta.get("created_at", "1970-01-01T00:00:00")),
            generation=int(meta.get("generation", "0")),
            counts=counts,
            incidents_by_year=by_year,
            sqlcipher_version=check_sqlcipher(),
        )

    def check(self) -> CheckReport:
        """The audit chain and both integrity checks.

        The chain is walked first: after SQLCipher meets a page that fails its HMAC, the
        connection refuses further transactions, so a damaged file would otherwise hide
        the audit result.
        """
        problems: list[str] = []
        chain: audit.ChainReport | None = None
        revision = ""
        try:
            with self._read() as s:
                revision = schema.current_revision(s.connection()) or ""
                chain = audit.verify(s)
        except DamagedData:
            problems.append("audit: unreadable")
        with self.vault.raw_connection() as raw:
            problems += integrity_problems(raw)
        rollback = None
        with suppress(DamagedData):
            rollback = self.vault.rollback_suspected()
        return CheckReport(
            integrity=tuple(problems),
            audit_rows=chain.rows if chain else 0,
            audit_first_broken=chain.first_broken if chain else None,
            schema_version=revision,
            rollback=rollback,
        )

    # -- settings ------------------------------------------------------------------------
    def settings(self) -> Settings:
        with self._read() as s:
            stored = {r.key: json.loads(r.value) for r in s.execute(select(SettingRow)).scalars()}
        values = {spec.key: stored.get(spec.key, spec.default) for spec in SPECS}
        return Settings.from_mapping(values)

    def set_setting(self, key: str, value: object) -> Settings:
        converted = validate_setting(key, value)
        with self._write() as s:
            row = s.get(SettingRow, key)
            encoded = json.dumps(converted)
            if row is None:
                s.add(SettingRow(key=key, value=encoded))
            else:
                row.value = encoded
            audit.append(s, "setting.change", "setting", key)
        return self.settings()

    # -- incidents -----------------------------------------------------------------------
    def _prepare(self, incident: Incident, retention_years: int) -> Incident:
        incident = validate_incident(incident, self.taxonomies)
        if incident.retain_until is None:
            incident = replace(
                incident,
                retain_until=default_retain_until(incident.received_on, retention_years),
            )
        return incident

    @staticmethod
    def scan_incident(incident: Incident) -> list[tuple[str, guard.Finding]]:
        """Guard findings per free-text field (``description``, ``organisation``)."""
        found: list[tuple[str, guard.Finding]] = []
        for field_name in ("description", "organisation"):
            value = getattr(incident, field_name) or ""
            found += [(field_name, f) for f in guard.scan(value)]
        return found

    def _guard(
        self, incident: Incident, accept_findings: bool, record: int | None = None
    ) -> list[tuple[str, guard.Finding]]:
        findings = self.scan_incident(incident)
        blocking = [f for _, f in findings if f.blocking]
        if blocking and not accept_findings:
            raise IdentifiersFound(blocking, record=record)
        return findings

    def add_incident(self, incident: Incident, *, accept_findings: bool = False) -> SaveResult:
        retention = self.settings().retention_years
        incident = self._prepare(incident, retention)
        findings = self._guard(incident, accept_findings)
        with self._write() as s:
            row = IncidentRow(created_at=now_utc(), updated_at=now_utc())
            _fill_row(row, incident)
            s.add(row)
            s.flush()
            detail = "accepted-findings" if any(f.blocking for _, f in findings) else ""
            audit.append(s, "incident.add", "incident", row.id, detail)
            stored = _row_to_incident(row)
        return SaveResult(stored, tuple(findings))

    def update_incident(self, incident: Incident, *, accept_findings: bool = False) -> SaveResult:
        if incident.id is None:
            raise ValueError("update needs an incident id")
        retention = self.settings().retention_years
        incident = self._prepare(incident, retention)
        findings = self._guard(incident, accept_findings)
        with self._write() as s:
            row = s.get(IncidentRow, incident.id)
            if row is None:
                raise NotFound(id=incident.id)
            before = _row_to_incident(row)
            _fill_row(row, incident)
            row.updated_at = now_utc()
            s.flush()
            after = _row_to_incident(row)
            changed = [k for k in FIELDS if getattr(before, k) != getattr(after, k)]
            audit.append(s, "incident.update", "incident", row.id, ",".join(changed))
        return SaveResult(after, tuple(findings))

    def delete_incident(self, incident_id: int, reason: str = "gallring") -> None:
        with self._write() as s:
            row = s.get(IncidentRow, incident_id)
            if row is None:
                raise NotFound(id=incident_id)
            s.delete(row)
            audit.append(s, "incident.delete", "incident", incident_id, reason[:40])

    def import_incidents(
        self, incidents: Sequence[Incident], *, accept_findings: bool = False, source: str = ""
    ) -> list[int]:
        """All or nothing: every record validated and guarded first, then one transaction."""
        retention = self.settings().retention_years
        prepared = [self._prepare(inc, retention) for inc in incidents]
        for number, inc in enumerate(prepared, start=1):
            self._guard(inc, accept_findings, record=number)
        stamp = now_utc()
        with self._write() as s:
            rows = []
            for inc in prepared:
                row = IncidentRow(created_at=stamp, updated_at=stamp)
                _fill_row(row, inc)
                rows.append(row)
            s.add_all(rows)
            s.flush()
            audit.append(s, "incident.import", "incident", len(rows), source[:40])
            return [r.id for r in rows]

    def get_incident(self, incident_id: int) -> Incident:
        with self._read() as s:
            row = s.get(IncidentRow, incident_id)
            if row is None:
                raise NotFound(id=incident_id)
            return _row_to_incident(row)

    @staticmethod
    def _filter_params(flt: IncidentFilter) -> dict[str, Any]:
        """The filter's values by bind name; an empty search counts as no search."""
        params: dict[str, Any] = {
            "year": flt.year,
            "area": flt.area or None,
            "environment": flt.environment or None,
            "status": flt.status or None,
            "incident_type": flt.incident_type or None,
            "q": _fts_query(flt.text) if flt.text else None,
        }
        return {k: v for k, v in params.items() if v is not None}

    def count_incidents(self, flt: IncidentFilter | None = None) -> int:
        flt = flt or IncidentFilter()
        with self._read() as s:
            params = self._filter_params(flt)
            return int(s.scalar(_count_statement(frozenset(params)), params) or 0)

    def list_incidents(
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
        stmt = _page_statement(frozenset(params) - {"offset", "limit"}, sort, descending)
        with self._read() as s:
            # Core rows, not ORM objects: a page is read-only and this is the hot path.
            rows = s.connection().execute(stmt, params).all()
            ids = [r.id for r in rows]
            if not ids:
                return []
            types = _codes_by_incident(s, IncidentTypeRow, ids)
            actions = _codes_by_incident(s, IncidentActionRow, ids)
        empty: set[str] = set()
        return [
            _incident(r, frozenset(types.get(r.id, empty)), frozenset(actions.get(r.id, empty)))
            for r in rows
        ]

    def list_incident_rows(
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
        sql, args = _bind(_rows_sql(shape, sort, descending), params)
        result = self._fetch(_page_of(sql, params["limit"], params["offset"]), args)
        # The rows as the query returns them: the date and the codes are converted when
        # read (see ``IncidentListRow``), so a page costs little more than its SQL.
        return list(map(IncidentListRow, result))

    def _page_params(self, flt: IncidentFilter, offset: int, limit: int) -> dict[str, Any]:
        params = self._filter_params(flt)
        params["offset"] = max(0, offset)
        params["limit"] = max(0, min(limit, MAX_PAGE))
        return params

    def iter_incidents(self, flt: IncidentFilter | None = None) -> Iterator[Incident]:
        offset = 0
        while True:
            page = self.list_incidents(flt, descending=False, offset=offset, limit=1000)
            yield from page
            if len(page) < 1000:
                return
            offset += len(page)

    def year_counts(self, year: int) -> dict[tuple[str, str], int]:
        """Incidents of ``year`` counted by environment × incident type."""
        rows = self._fetch(*_bind(_year_counts_sql(), {"year": year}))
        return {(env, code): int(n) for env, code, n in rows}

    # -- lägesbild and disclosures -------------------------------------------------------
    def situation(self, year: int) -> Situation:
        """Counts for the lägesbild of ``year`` and ``year - 1``, aggregated in SQL."""
        years = (year - 1, year)
        counts: dict[str, dict[str, tuple[int, int]]] = {d: {} for d in DIMENSIONS}

        def put(dimension: str, code: str | None, row_year: int, n: int) -> None:
            key = code if code else NOT_STATED
            old, new = counts[dimension].get(key, (0, 0))
            counts[dimension][key] = (old + n, new) if row_year == year - 1 else (old, new + n)

        in_years = IncidentRow.received_year.in_(years)
        single = {
            "environment": IncidentRow.environment,
            "area": IncidentRow.area,
            "reporting_unit": IncidentRow.reporting_unit,
        }
        totals = dict.fromkeys(years, 0)
        with self._read() as s:
            # One grouped query per dimension, each answered from a covering index
            # (received_year, column) without reading the table: much cheaper than one
            # scan grouped by every column at once, which sorts every row.
            for dimension, column in single.items():
                stmt = (
                    select(IncidentRow.received_year, column, func.count())
                    .where(in_years)
                    .group_by(IncidentRow.received_year, column)
                )
                for row_year, code, n in s.execute(stmt):
                    put(dimension, code, row_year, n)
                    if dimension == "environment":
                        totals[row_year] += n
            # Months from the days, which the index holds in order (no sort).
            by_day = (
                select(IncidentRow.received_year, IncidentRow.received_on, func.count())
                .where(in_years)
                .group_by(IncidentRow.received_year, IncidentRow.received_on)
            )
            for row_year, day, n in s.execute(by_day):
                put("month", f"{day.month:02d}", row_year, n)
            stmt = (
                select(IncidentRow.received_year, IncidentTypeRow.code, func.count())
                .join(IncidentTypeRow, IncidentTypeRow.incident_id == IncidentRow.id)
                .where(in_years)
                .group_by(IncidentRow.received_year, IncidentTypeRow.code)
            )
            for row_year, code, n in s.execute(stmt):
                put("incident_type", code, row_year, int(n))
        return Situation(year=year, totals=(totals[year - 1], totals[year]), counts=counts)

    def analysis(self, year: int) -> str:
        """The coordinator's own analysis for the lägesbild of ``year`` ("" if none)."""
        with self._read() as s:
            row = s.get(Meta, f"analysis:{int(year)}")
            return "" if row is None else row.value

    def set_analysis(self, year: int, text_value: str, *, accept_findings: bool = False) -> None:
        """Keep the analysis text; it leaves the vault in the lägesbild, so it is guarded."""
        if len(text_value) > 50_000:
            raise InputRefused(N_("The analysis is too long (at most 50,000 characters)."))
        blocking = [f for f in guard.scan(text_value) if f.blocking]
        if blocking and not accept_findings:
            raise IdentifiersFound(blocking)
        key = f"analysis:{int(year)}"
        with self._write() as s:
            row = s.get(Meta, key)
            if row is None:
                s.add(Meta(key=key, value=text_value))
            else:
                row.value = text_value
            audit.append(s, "analysis.set", "analysis", int(year))

    def record_disclosure(
        self, kind: str, title: str, path: str, recipient: str = "", purpose: str = ""
    ) -> Disclosure:
        """Enter a file written out of the vault in the disclosure register (and the audit)."""
        entry = Disclosure(
            at=now_utc(),
            kind=kind[:20],
            title=title[:500],
            path=path[:4000],
            recipient=recipient[:500],
            purpose=purpose[:2000],
        )
        with self._write() as s:
            row = DisclosureRow(
                at=entry.at,
                kind=entry.kind,
                title=entry.title,
                path=entry.path,
                recipient=entry.recipient,
                purpose=entry.purpose,
            )
            s.add(row)
            s.flush()
            audit.append(s, "disclosure", "disclosure", row.id, entry.kind)
        return replace(entry, id=row.id)

    def write_disclosure(
        self,
        path: Path,
        data: bytes,
        kind: str,
        title: str,
        *,
        recipient: str = "",
        purpose: str = "",
    ) -> Disclosure:
        """Write ``data`` to the new file ``path`` and enter it in the disclosure register.

        The file is written atomically and never over another (``FileExists``); when the
        register cannot take the entry, the file is removed again: nothing leaves the vault
        unrecorded.
        """
        if not path.parent.is_dir():
            raise InputRefused(N_("The folder {path} does not exist."), path=str(path.parent))
        write_new_file(path, data)
        try:
            return self.record_disclosure(
                kind, title, str(path.resolve()), recipient=recipient, purpose=purpose
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    def disclosures(self) -> list[Disclosure]:
        """The disclosure register, oldest first."""
        with self._read() as s:
            return [
                Disclosure(
                    id=r.id,
                    at=r.at,
                    kind=r.kind,
                    title=r.title,
                    path=r.path,
                    recipient=r.recipient,
                    purpose=r.purpose,
                )
                for r in s.execute(select(DisclosureRow).order_by(DisclosureRow.id)).scalars()
            ]

    # -- action plans --------------------------------------------------------------------
    def add_plan(self, plan: DemoPlan) -> ActionPlan:
        """Store a plan with its sections and activities as given (e.g. the 2021 plan)."""
        with self._write() as s:
            if s.scalar(select(PlanRow.id).where(PlanRow.year == plan.year)) is not None:
                raise InputRefused(N_("There is already a plan for {year}."), year=plan.year)
            row = PlanRow(year=plan.year, title=plan.title, district=plan.district)
            s.add(row)
            s.flush()
            for spos, section in enumerate(plan.sections, start=1):
                srow = SectionRow(
                    plan_id=row.id, position=spos, code=section.code, title=section.title
                )
                s.add(srow)
                s.flush()
                for apos, act in enumerate(section.activities, start=1):
                    s.add(
                        ActivityRow(
                            section_id=srow.id,
                            position=apos,
                            text=act.text,
                            responsible=act.responsible,
                            timeline=act.timeline,
                            followup=act.followup,
                        )
                    )
            audit.append(s, "plan.add", "action_plan", row.id)
            return ActionPlan(id=row.id, year=row.year, title=row.title, district=row.district)

    def copy_plan_to_year(self, plan_id: int, year: int) -> ActionPlan:
        """The yearly revision: a new plan for ``year`` with the sections and activities
        of ``plan_id`` (follow-ups stay with the old plan's activities)."""
        if not 1900 <= year <= 2999:
            raise InputRefused(N_("Unknown year {value!r}."), value=str(year)[:40])
        with self._write() as s:
            source = s.get(PlanRow, plan_id)
            if source is None:
                raise InputRefused(N_("No action plan with id {id}."), id=plan_id)
            if s.scalar(select(PlanRow.id).where(PlanRow.year == year)) is not None:
                raise InputRefused(N_("There is already a plan for {year}."), year=year)
            # A title naming the old year ("… extremism 2021") names the new one.
            title = re.sub(rf"\b{source.year}\b", str(year), source.title)
            row = PlanRow(year=year, title=title, district=source.district)
            s.add(row)
            s.flush()
            sections = s.execute(
                select(SectionRow)
                .where(SectionRow.plan_id == plan_id)
                .order_by(SectionRow.position)
            ).scalars()
            for section in list(sections):
                srow = SectionRow(
                    plan_id=row.id,
                    position=section.position,
                    code=section.code,
                    title=section.title,
                )
                s.add(srow)
                s.flush()
                acts = s.execute(
                    select(ActivityRow)
                    .where(ActivityRow.section_id == section.id)
                    .order_by(ActivityRow.position)
                ).scalars()
                for act in list(acts):
                    s.add(
                        ActivityRow(
                            section_id=srow.id,
                            position=act.position,
                            text=act.text,
                            responsible=act.responsible,
                            timeline=act.timeline,
                            followup=act.followup,
                        )
                    )
            audit.append(s, "plan.copy", "action_plan", row.id, f"from:{plan_id}")
            return ActionPlan(id=row.id, year=row.year, title=row.title, district=row.district)

    def plans(self) -> list[ActionPlan]:
        with self._read() as s:
            rows = s.execute(select(PlanRow).order_by(PlanRow.year)).scalars()
            return [
                ActionPlan(id=r.id, year=r.year, title=r.title, district=r.district) for r in rows
            ]

    def sections(self, plan_id: int) -> list[PlanSection]:
        with self._read() as s:
            rows = s.execute(
                select(SectionRow)
                .where(SectionRow.plan_id == plan_id)
                .order_by(SectionRow.position)
            ).scalars()
            return [
                PlanSection(
                    id=r.id, plan_id=r.plan_id, position=r.position, code=r.code, title=r.title
                )
                for r in rows
            ]

    def activities(self, section_id: int) -> list[Activity]:
        with self._read() as s:
            rows = s.execute(
                select(ActivityRow)
                .where(ActivityRow.section_id == section_id)
                .order_by(ActivityRow.position)
            ).scalars()
            return [
                Activity(
                    id=r.id,
                    section_id=r.section_id,
                    position=r.position,
                    text=r.text,
                    responsible=r.responsible,
                    timeline=r.timeline,
                    followup=r.followup,
                )
                for r in rows
            ]

    def add_followup(self, followup: FollowUp, *, accept_findings: bool = False) -> FollowUp:
        """A dated status and comment; the comment goes through the identifier guard."""
        self.taxonomies.activity_statuses.check(followup.status, "status")
        if len(followup.comment) > 10_000:
            raise InputRefused(N_("The comment is too long (at most 10,000 characters)."))
        blocking = [f for f in guard.scan(followup.comment) if f.blocking]
        if blocking and not accept_findings:
            raise IdentifiersFound(blocking)
        with self._write() as s:
            if s.get(ActivityRow, followup.activity_id) is None:
                raise ActivityNotFound(id=followup.activity_id)
            row = FollowUpRow(
                activity_id=followup.activity_id,
                period_kind=followup.period.kind.value,
                period_year=followup.period.year,
                status=followup.status,
                comment=followup.comment,
                noted_on=followup.noted_on,
            )
            s.add(row)
            s.flush()
            audit.append(s, "followup.add", "activity", followup.activity_id, str(followup.period))
            return replace(followup, id=row.id)

    def followups(self, activity_id: int, period: Period | None = None) -> list[FollowUp]:
        with self._read() as s:
            stmt = select(FollowUpRow).where(FollowUpRow.activity_id == activity_id)
            if period is not None:
                stmt = stmt.where(
                    FollowUpRow.period_kind == period.kind.value,
                    FollowUpRow.period_year == period.year,
                )
            stmt = stmt.order_by(FollowUpRow.noted_on, FollowUpRow.id)
            return [
                FollowUp(
                    id=r.id,
                    activity_id=r.activity_id,
                    period=Period(year=r.period_year, kind=PeriodKind(r.period_kind)),
                    status=r.status,
                    comment=r.comment,
                    noted_on=r.noted_on,
                )
                for r in s.execute(stmt).scalars()
            ]

    # -- filled-in forms ----------------------------------------------------------------
    def _already_imported(self, sha: str, filename: str) -> Skipped | None:
        with self._read() as s:
            row = s.scalar(select(ImportedFileRow).where(ImportedFileRow.sha256 == sha))
            if row is None:
                return None
            return Skipped(filename, sha, row.incident_id, row.imported_at)

    def import_form(
        self,
        data: bytes,
        filename: str,
        *,
        reader: Callable[[bytes, Taxonomies, str], FormReading],
        accept_findings: bool = False,
        dry_run: bool = False,
    ) -> FormImportResult:
        """One filled-in PDF form: skipped, rejected, held for review, or saved.

        ``reader`` parses the PDF (``vbedesk.reports.form.read_filled_form``; storage does not
        import reports). Only an imported form changes the vault: the incident, the file's
        content hash and an audit row, in one transaction. Blocking identifier findings
        hold the form for review (nothing saved) unless ``accept_findings``. A ``dry_run``
        saves nothing and answers ``Ready`` where it would have imported (the program shows
        every file for review first).
        """
        name = filename[:255]
        if len(data) <= MAX_FORM_BYTES:
            skipped = self._already_imported(content_hash(data), name)
            if skipped is not None:
                return skipped
        reading = reader(data, self.taxonomies, name)
        checked = incident_from_reading(reading, self.taxonomies, name)
        if isinstance(checked, Rejected):
            return checked
        try:
            incident = self._prepare(checked, self.settings().retention_years)
        except InputRefused as exc:
            return Rejected(name, "invalid", dict(exc.params), exc.message, reading.sha256)
        findings = tuple(self.scan_incident(incident))
        blocking = any(finding.blocking for _field, finding in findings)
        if blocking and not accept_findings:
            return NeedsReview(name, reading.sha256, incident, findings)
        if dry_run:
            return Ready(name, reading.sha256, incident, findings)
        stamp = now_utc()
        with self._write() as s:
            done = s.scalar(select(ImportedFileRow).where(ImportedFileRow.sha256 == reading.sha256))
            if done is not None:  # imported meanwhile by another window of this process
                return Skipped(name, reading.sha256, done.incident_id, done.imported_at)
            row = IncidentRow(created_at=stamp, updated_at=stamp)
            _fill_row(row, incident)
            s.add(row)
            s.flush()
            s.add(
                ImportedFileRow(
                    sha256=reading.sha256, filename=name, imported_at=stamp, incident_id=row.id
                )
            )
            detail = "form,accepted-findings" if blocking else "form"
            audit.append(s, "incident.import", "incident", row.id, detail)
            stored = _row_to_incident(row)
        return Imported(name, reading.sha256, stored, findings)

    def followup_rows(
        self, period: Period
    ) -> list[tuple[PlanSection, list[tuple[Activity, FollowUp | None]]]]:
        """The plan of ``period``'s year: per section its activities and the newest follow-up
        of the period (``None`` when none is noted); empty when there is no such plan."""
        plan = next((p for p in self.plans() if p.year == period.year), None)
        if plan is None or plan.id is None:
            return []
        result: list[tuple[PlanSection, list[tuple[Activity, FollowUp | None]]]] = []
        for section in self.sections(plan.id):
            assert section.id is not None
            lines: list[tuple[Activity, FollowUp | None]] = []
            for act in self.activities(section.id):
                assert act.id is not None
                found = self.followups(act.id, period)
                lines.append((act, found[-1] if found else None))
            result.append((section, lines))
        return result

    # -- training ------------------------------------------------------------------------
    def add_course(self, course: Course) -> Course:
        with self._write() as s:
            row = CourseRow(
                code=course.code, name=course.name, provider=course.provider, url=course.url
            )
            s.add(row)
            s.flush()
            audit.append(s, "course.add", "course", course.code)
            return replace(course, id=row.id)

    def add_unit(self, unit: Unit) -> Unit:
        with self._write() as s:
            row = UnitRow(code=unit.code, name=unit.name)
            s.add(row)
            s.flush()
            audit.append(s, "unit.add", "unit", unit.code)
            return replace(unit, id=row.id)

    def courses(self) -> list[Course]:
        with self._read() as s:
            return [
                Course(id=r.id, code=r.code, name=r.name, provider=r.provider, url=r.url)
                for r in s.execute(select(CourseRow).order_by(CourseRow.id)).scalars()
            ]

    def units(self) -> list[Unit]:
        with self._read() as s:
            return [
                Unit(id=r.id, code=r.code, name=r.name)
                for r in s.execute(select(UnitRow).order_by(UnitRow.id)).scalars()
            ]

    def add_training_count(self, count: TrainingCount) -> TrainingCount:
        if count.relevant_staff < 0 or count.completed < 0:
            raise InputRefused(N_("Staff counts cannot be negative."))
        if count.completed > count.relevant_staff:
            raise InputRefused(N_("More staff completed than are relevant."))
        with self._write() as s:
            unit_id = s.scalar(select(UnitRow.id).where(UnitRow.code == count.unit_code))
            course_id = s.scalar(select(CourseRow.id).where(CourseRow.code == count.course_code))
            if unit_id is None:
                raise InputRefused(N_("Unknown unit {value!r}."), value=count.unit_code[:40])
            if course_id is None:
                raise InputRefused(N_("Unknown course {value!r}."), value=count.course_code[:40])
            existing = s.scalar(
                select(TrainingCountRow).where(
                    TrainingCountRow.unit_id == unit_id,
                    TrainingCountRow.course_id == course_id,
                    TrainingCountRow.as_of == count.as_of,
                )
            )
            if existing is not None:
                existing.relevant_staff = count.relevant_staff
                existing.completed = count.completed
                row = existing
            else:
                row = TrainingCountRow(
                    unit_id=unit_id,
                    course_id=course_id,
                    relevant_staff=count.relevant_staff,
                    completed=count.completed,
                    as_of=count.as_of,
                )
                s.add(row)
            s.flush()
            audit.append(s, "training.count", "training_count", row.id, count.as_of.isoformat())
            return replace(count, id=row.id)

    def training_counts(self, *, latest_only: bool = False) -> list[TrainingCount]:
        """All counts (history), or the newest per unit and course."""
        with self._read() as s:
            stmt = (
                select(TrainingCountRow, UnitRow.code, CourseRow.code)
                .join(UnitRow, UnitRow.id == TrainingCountRow.unit_id)
                .join(CourseRow, CourseRow.id == TrainingCountRow.course_id)
                .order_by(UnitRow.id, CourseRow.id, TrainingCountRow.as_of)
            )
            result = [
                TrainingCount(
                    id=r.id,
                    unit_code=u,
                    course_code=c,
                    relevant_staff=r.relevant_staff,
                    completed=r.completed,
                    as_of=r.as_of,
                )
                for r, u, c in s.execute(stmt)
            ]
        if latest_only:
            newest: dict[tuple[str, str], TrainingCount] = {}
            for tc in result:
                newest[(tc.unit_code, tc.course_code)] = tc
            result = list(newest.values())
        return result

    # -- contacts and references ---------------------------------------------------------
    def add_contacts(self, contacts: Iterable[Contact]) -> None:
        with self._write() as s:
            for c in contacts:
                s.add(
                    ContactRow(
                        code=c.code,
                        name=c.name,
                        phone=c.phone,
                        hours=c.hours,
                        note=c.note,
                        verified_on=c.verified_on,
                        active=c.active,
                    )
                )
            audit.append(s, "contact.load", "contact", "*")

    def contacts(self) -> list[Contact]:
        with self._read() as s:
            return [
                Contact(
                    id=r.id,
                    code=r.code,
                    name=r.name,
                    phone=r.phone,
                    hours=r.hours,
                    note=r.note,
                    verified_on=r.verified_on,
                    active=r.active,
                )
                for r in s.execute(select(ContactRow).order_by(ContactRow.id)).scalars()
            ]

    def verify_contact(self, code: str, phone: str, on: date) -> Contact:
        """Record that a contact's number was checked (and corrected) on a date."""
        with self._write() as s:
            row = s.scalar(select(ContactRow).where(ContactRow.code == code))
            if row is None:
                raise InputRefused(N_("Unknown contact {value!r}."), value=code[:40])
            row.phone = phone.strip()[:40]
            row.verified_on = on
            audit.append(s, "contact.verify", "contact", code, on.isoformat())
        return next(c for c in self.contacts() if c.code == code)

    def add_legal_references(self, refs: Iterable[LegalReference]) -> None:
        with self._write() as s:
            for r in refs:
                s.add(
                    LegalReferenceRow(
                        code=r.code,
                        title=r.title,
                        citation=r.citation,
                        note=r.note,
                        verified=r.verified,
                    )
                )
            audit.append(s, "legal_reference.load", "legal_reference", "*")

    def legal_references(self) -> list[LegalReference]:
        with self._read() as s:
            return [
                LegalReference(
                    id=r.id,
                    code=r.code,
                    title=r.title,
                    citation=r.citation,
                    note=r.note,
                    verified=r.verified,
                )
                for r in s.execute(
                    select(LegalReferenceRow).order_by(LegalReferenceRow.id)
                ).scalars()
            ]

    # -- routines and case logs ----------------------------------------------------------
    def routine_context(self) -> RoutineContext:
        """The codes a routine may name: this vault's contacts and references, the taxonomies."""
        return RoutineContext(
            contacts=frozenset(c.code for c in self.contacts()),
            references=frozenset(r.code for r in self.legal_references()),
            actions=frozenset(self.taxonomies.actions.codes()),
            age_bands=frozenset(self.taxonomies.age_bands.codes()),
            consent=frozenset(self.taxonomies.consent.codes()),
        )

    def load_routine(self, content: str) -> RoutineDefinition:
        """Validate a routine file, keep it with its version and make it the one in use.

        The same id and version again with the same content only makes it active; with
        other content it is refused, so a case log's version always names one text.
        """
        if len(content) > 1_000_000:
            raise InputRefused(N_("The routine file is too large."))
        definition = parse_definition(content, self.routine_context())
        with self._write() as s:
            row = s.scalar(
                select(RoutineDefinitionRow).where(
                    RoutineDefinitionRow.routine_id == definition.id,
                    RoutineDefinitionRow.version == definition.version,
                )
            )
            if row is not None and row.content != content:
                raise InputRefused(
                    N_(
                        "Routine {id} version {version} is already kept with other content; "
                        "give the revision a new version."
                    ),
                    id=definition.id,
                    version=definition.version,
                )
            for other in s.execute(
                select(RoutineDefinitionRow).where(RoutineDefinitionRow.active.is_(True))
            ).scalars():
                other.active = False
            if row is None:
                row = RoutineDefinitionRow(
                    routine_id=definition.id,
                    version=definition.version,
                    content=content,
                    loaded_at=now_utc(),
                    active=True,
                )
                s.add(row)
            else:
                row.active = True
            s.flush()
            audit.append(s, "routine.load", "routine", row.id)
        return definition

    def active_routine(self) -> RoutineDefinition:
        """The routine in use: the stored active one, else the shipped file (stored now)."""
        with self._read() as s:
            content = s.scalar(
                select(RoutineDefinitionRow.content)
                .where(RoutineDefinitionRow.active.is_(True))
                .order_by(RoutineDefinitionRow.loaded_at.desc())
                .limit(1)
            )
        if content is None:
            return self.load_routine(shipped_content())
        # Checked against the vault's codes when loaded; the graph is checked again here.
        return parse_definition(content)

    def routine_definition(self, routine_id: str, version: str) -> RoutineDefinition:
        """A kept version, e.g. the one an old case log followed."""
        with self._read() as s:
            content = s.scalar(
                select(RoutineDefinitionRow.content).where(
                    RoutineDefinitionRow.routine_id == routine_id,
                    RoutineDefinitionRow.version == version,
                )
            )
        if content is None:
            raise InputRefused(
                N_("Routine {id} version {version} is not kept in the vault."),
                id=routine_id[:64],
                version=version[:40],
            )
        return parse_definition(content)

    def routine_versions(self) -> list[RoutineVersion]:
        with self._read() as s:
            rows = s.execute(
                select(RoutineDefinitionRow).order_by(
                    RoutineDefinitionRow.loaded_at, RoutineDefinitionRow.id
                )
            ).scalars()
            return [RoutineVersion(r.routine_id, r.version, r.loaded_at, r.active) for r in rows]

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

    def save_case_log(
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
        findings = [("notes", f) for f in guard.scan(log.notes)]
        if incident is not None:
            prepared = self._prepare(incident, self.settings().retention_years)
            findings += self.scan_incident(prepared)
        blocking = [f for _, f in findings if f.blocking]
        if blocking and not accept_findings:
            raise IdentifiersFound(blocking)
        detail = "accepted-findings" if blocking else ""
        stamp = now_utc()
        with self._write() as s:
            kept = s.scalar(
                select(RoutineDefinitionRow.id).where(
                    RoutineDefinitionRow.routine_id == log.routine_id,
                    RoutineDefinitionRow.version == log.routine_version,
                )
            )
            if kept is None:
                raise InputRefused(
                    N_("Routine {id} version {version} is not kept in the vault."),
                    id=log.routine_id[:64],
                    version=log.routine_version[:40],
                )
            incident_id = log.incident_id
            if prepared is not None:
                inc_row = IncidentRow(created_at=stamp, updated_at=stamp)
                _fill_row(inc_row, prepared)
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

    def case_logs(self, text: str | None = None) -> list[CaseLog]:
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

    def case_log(self, case_log_id: int) -> CaseLog:
        with self._read() as s:
            row = s.get(CaseLogRow, case_log_id)
            if row is None:
                raise InputRefused(N_("No case log with id {id}."), id=case_log_id)
            return self._case_log(row)

    def case_logs_for_incident(self, incident_id: int) -> list[CaseLog]:
        with self._read() as s:
            rows = s.execute(
                select(CaseLogRow)
                .where(CaseLogRow.incident_id == incident_id)
                .order_by(CaseLogRow.started_at, CaseLogRow.id)
            ).scalars()
            return [self._case_log(r) for r in rows]

    # -- backups ------------------------------------------------------------------------
    def create_backup(
        self,
        out: Path,
        passphrase: str,
        *,
        automatic: bool = False,
        progress: Callable[[str], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        _test_kdf: bool = False,
    ) -> backup.BackupManifest:
        """Write a verified backup to the new file ``out``; audit it and register it.

        The window and the command line both come here. A backup that cannot be recorded
        is removed again, as every file that leaves the vault is registered.
        """
        manifest = backup.create_backup(
            self.vault, out, passphrase, progress=progress, cancel=cancel, _test_kdf=_test_kdf
        )
        try:
            self.record_event(
                "backup.create", "backup", out.name[:60], "automatic" if automatic else ""
            )
            self.record_disclosure("backup", _("Encrypted backup"), str(out.resolve()))
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        return manifest

    def backup_folder(self) -> Path:
        """The backup folder from the settings, or the default beside the vault folder."""
        chosen = self.settings().backup_folder
        return Path(chosen).expanduser() if chosen else backup.default_backup_dir(self.vault.folder)

    def create_automatic_backup(self, passphrase: str, *, _test_kdf: bool = False) -> Path:
        """The rotated backup on close: a new ``auto-…`` file in the backup folder.

        Old generations are not deleted here: the backups page offers that, when asked.
        """
        folder = self.backup_folder()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        out = folder / backup.backup_name(datetime.now(UTC), automatic=True)
        self.create_backup(out, passphrase, automatic=True, _test_kdf=_test_kdf)
        return out

    def backup_status(self) -> BackupStatus:
        """When the last backup was written, and whether an automatic one was skipped since."""
        with self._read() as s:
            rows = s.execute(
                select(
                    audit.AuditRow.action,
                    func.max(audit.AuditRow.id),
                    func.max(audit.AuditRow.at),
                )
                .where(audit.AuditRow.action.in_(("backup.create", "backup.skipped")))
                .group_by(audit.AuditRow.action)
            ).all()
        # Times are stored as naive UTC; the order comes from the row ids (same second).
        latest = {action: (row_id, at.replace(tzinfo=UTC)) for action, row_id, at in rows}
        created = latest.get("backup.create")
        skipped_row = latest.get("backup.skipped")
        last = created[1] if created else None
        skipped = None
        if skipped_row is not None and (created is None or skipped_row[0] > created[0]):
            skipped = skipped_row[1]
        return BackupStatus(last=last, skipped=skipped)

    def record_skipped_backup(self) -> None:
        """The automatic backup at close was skipped (no passphrase given)."""
        self.record_event("backup.skipped", "backup", "automatic")

    def record_deleted_backups(self, count: int) -> None:
        """Old automatic backups deleted at the coordinator's request (count only)."""
        self.record_event("backup.delete", "backup", count)

    # -- gallring (retention) -----------------------------------------------------------
    def retention_due(
        self, today: date, *, offset: int = 0, limit: int = PAGE_SIZE
    ) -> list[RetentionRow]:
        """One page of the incidents whose retention date lies before ``today``, oldest
        date first (stable by id); the gallring list fetches them page by page."""
        stmt = (
            select(
                IncidentRow.id,
                IncidentRow.received_on,
                IncidentRow.retain_until,
                IncidentRow.area,
                IncidentRow.environment,
                IncidentRow.status,
            )
            .where(_retention_due(today))
            .order_by(IncidentRow.retain_until, IncidentRow.id)
            .offset(max(0, offset))
            .limit(max(0, min(limit, MAX_PAGE)))
        )
        with self._read() as s:
            rows = s.execute(stmt).all()
            types = _codes_by_incident(s, IncidentTypeRow, [r.id for r in rows]) if rows else {}
        return [
            RetentionRow(
                id=r.id,
                received_on=r.received_on,
                retain_until=r.retain_until,
                area=r.area,
                environment=r.environment,
                incident_types=tuple(sorted(types.get(r.id, ()))),
                status=r.status,
            )
            for r in rows
        ]

    def iter_retention_due(self, today: date, *, batch: int = 1000) -> Iterator[Incident]:
        """Every incident due for gallring, by id, read ``batch`` at a time (for an export)."""
        last = 0
        while True:
            stmt = (
                select(IncidentRow)
                .where(_retention_due(today), IncidentRow.id > last)
                .order_by(IncidentRow.id)
                .limit(batch)
            )
            with self._read() as s:
                page = [_row_to_incident(r) for r in s.execute(stmt).scalars()]
            yield from page
            if len(page) < batch:
                return
            last = page[-1].id or last

    def export_retention_due(
        self, today: date, path: Path, fmt: str, *, recipient: str = "", purpose: str = ""
    ) -> tuple[Disclosure, int]:
        """Every incident due for gallring on ``today`` as CSV or JSON in a new file,
        entered in the disclosure register (as ``export_incidents``); also the count."""
        if fmt not in ("csv", "json"):
            raise InputRefused(N_("Unknown export format {value!r}."), value=fmt[:10])
        count = 0

        def counted() -> Iterator[Incident]:
            nonlocal count
            for incident in self.iter_retention_due(today):
                count += 1
                yield incident

        if fmt == "csv":
            data = incidents_to_csv(counted()).encode("utf-8-sig")
        else:
            text_value = json.dumps(
                [incident_to_dict(i) for i in counted()], ensure_ascii=False, indent=1
            )
            data = (text_value + "\n").encode("utf-8")
        if not count:
            raise InputRefused(N_("No incidents are chosen."))
        title = _("Incidents before gallring ({n})").format(n=count)
        entry = self.write_disclosure(path, data, fmt, title, recipient=recipient, purpose=purpose)
        return entry, count

    def delete_retention_due(self, today: date, reason: str = "gallring") -> int:
        """Delete every incident due for gallring on ``today`` (and their drafts) in SQL,
        in one unit of work; the ids never pass through Python as one long list.

        The audit row names the count and the ids as runs (``4-9,12``), never any text.
        """
        due = _retention_due(today)
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

    def count_retention_due(self, today: date) -> int:
        with self._read() as s:
            stmt = select(func.count()).select_from(IncidentRow).where(_retention_due(today))
            return int(s.scalar(stmt) or 0)

    def _incidents_by_id(self, ids: Sequence[int]) -> list[Incident]:
        unique = sorted(set(ids))
        with self._read() as s:
            rows = s.execute(select(IncidentRow).where(IncidentRow.id.in_(unique))).scalars()
            found = {r.id: _row_to_incident(r) for r in rows}
        missing = [i for i in unique if i not in found]
        if missing:
            raise NotFound(id=missing[0])
        return [found[i] for i in unique]

    def export_incidents(
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
        if fmt not in ("csv", "json"):
            raise InputRefused(N_("Unknown export format {value!r}."), value=fmt[:10])
        if not ids:
            raise InputRefused(N_("No incidents are chosen."))
        incidents = self._incidents_by_id(ids)
        if fmt == "csv":
            data = incidents_to_csv(incidents).encode("utf-8-sig")
        else:
            text_value = json.dumps(
                [incident_to_dict(i) for i in incidents], ensure_ascii=False, indent=1
            )
            data = (text_value + "\n").encode("utf-8")
        title = _("Incidents before gallring ({n})").format(n=len(incidents))
        return self.write_disclosure(path, data, fmt, title, recipient=recipient, purpose=purpose)

    def delete_incidents(self, ids: Sequence[int], reason: str = "gallring") -> int:
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

    # -- drafts --------------------------------------------------------------------------
    def save_draft(self, kind: str, ref: str, payload: dict[str, Any]) -> None:
        """Keep unfinished work (``kind`` e.g. "incident", ``ref`` its id or "new")."""
        encoded = json.dumps(payload, ensure_ascii=False, default=str)
        if len(encoded) > 1_000_000:
            raise InputRefused(N_("The draft is too large to keep."))
        with self._write() as s:
            row = s.scalar(select(DraftRow).where(DraftRow.kind == kind, DraftRow.ref == ref))
            if row is None:
                s.add(DraftRow(kind=kind, ref=ref, payload=encoded, updated_at=now_utc()))
            else:
                row.payload = encoded
                row.updated_at = now_utc()

    def drafts(self, kind: str | None = None) -> list[Draft]:
        with self._read() as s:
            stmt = select(DraftRow).order_by(DraftRow.updated_at)
            if kind is not None:
                stmt = stmt.where(DraftRow.kind == kind)
            return [
                Draft(kind=r.kind, ref=r.ref, payload=json.loads(r.payload), saved_at=r.updated_at)
                for r in s.execute(stmt).scalars()
            ]

    def discard_draft(self, kind: str, ref: str) -> None:
        with self._write() as s:
            row = s.scalar(select(DraftRow).where(DraftRow.kind == kind, DraftRow.ref == ref))
            if row is not None:
                s.delete(row)

    def accept_old_copy(self) -> bool:
        """Keep working with a database found older than the last session (logged).

        False when there was nothing to accept.
        """
        found = self.vault.rollback_suspected()
        if found is None:
            return False
        self.vault.accept_old_copy()
        detail = f"generation {found.found} < {found.expected}"
        self.record_event("accept_old_copy", "vault", self.vault.vault_id, detail)
        return True

    def record_event(self, action: str, entity: str, entity_id: object, detail: str = "") -> None:
        """An audit row for something done outside the tables (passphrase change, backup)."""
        with self._write() as s:
            audit.append(s, action, entity, entity_id, detail)

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest audit rows, newest first."""
        with self._read() as s:
            rows = s.execute(
                select(audit.AuditRow).order_by(audit.AuditRow.id.desc()).limit(limit)
            ).scalars()
            return [
                AuditEntry(
                    id=r.id,
                    at=r.at,
                    action=r.action,
                    entity=r.entity,
                    entity_id=r.entity_id,
                    detail=r.detail,
                    prev_hash=r.prev_hash,
                    hash=r.hash,
                )
                for r in rows
            ]
