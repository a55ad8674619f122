"""The one read path for lists and aggregates: statements built and compiled once per shape.

SQLAlchemy builds each statement and compiles it to SQLite's SQL the first time a filter shape
(which filters are set) and order is asked for; every later call binds values only and runs
the SQL on the unit of work's connection (``Work.rows``). Building a statement costs more in
Python than running it in SQLite, so the compiled forms are kept for the process's life: they
hold SQL text only, never a value."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.storage.tables import (
    IncidentRow,
    IncidentTypeRow,
)

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
SQLITE = sqlite.dialect(paramstyle="qmark")


def retention_due_clause(today: date) -> ColumnElement[bool]:
    """The incidents whose retention date lies before ``today`` (a WHERE clause)."""
    return IncidentRow.retain_until.is_not(None) & (IncidentRow.retain_until < today)


def fts_query(text_query: str) -> str:
    """Each word quoted (FTS5 syntax cannot be injected); words are ANDed, last one a prefix."""
    words = [w for w in re.findall(r"\w+", text_query) if w]
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


FILTER_CLAUSES: dict[str, Any] = {
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


def filtered(stmt: Select[Any], shape: frozenset[str]) -> Select[Any]:
    """``stmt`` restricted by the filters named in ``shape`` (values bound at execution)."""
    for name in sorted(shape):
        stmt = stmt.where(FILTER_CLAUSES[name]())
    return stmt


def sorted_by(stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise InputRefused(N_("Unknown sort column {value!r}."), value=sort[:40])
    order = (column.desc(), IncidentRow.id.desc()) if descending else (column, IncidentRow.id)
    return stmt.order_by(*order)


def ordered_page(stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
    return sorted_by(stmt, sort, descending).offset(bindparam("offset")).limit(bindparam("limit"))


# Statements are built once per filter shape and order: building one costs more in Python
# than running it in SQLite.
@cache
def count_sql(shape: frozenset[str]) -> Compiled:
    """How many incidents the filter of ``shape`` keeps."""
    return compiled(filtered(select(func.count()).select_from(IncidentRow), shape))


@cache
def page_statement(shape: frozenset[str], sort: str, descending: bool) -> Select[Any]:
    return ordered_page(filtered(select(IncidentRow.__table__), shape), sort, descending)


@cache
def rows_statement(shape: frozenset[str], sort: str, descending: bool) -> Select[Any]:
    base = select(
        IncidentRow.id,
        IncidentRow.received_on,
        IncidentRow.area,
        IncidentRow.environment,
        IncidentRow.status,
        _types_joined(),
    )
    return sorted_by(filtered(base, shape), sort, descending)


@cache
def rows_sql(shape: frozenset[str], sort: str, descending: bool) -> Compiled:
    """The list rows' statement without its page: see ``page_of``."""
    return compiled(rows_statement(shape, sort, descending))


def page_of(sql: str, limit: int, offset: int) -> str:
    """``sql`` limited to one page, the two numbers written into the statement.

    SQLite runs a constant LIMIT/OFFSET about a tenth faster than bound ones (measured
    on the 100,000-incident benchmark); both are ints, so nothing but digits is written.
    """
    return f"{sql}\nLIMIT {int(limit)} OFFSET {int(offset)}"


@cache
def year_counts_sql() -> Compiled:
    return compiled(
        select(IncidentRow.environment, IncidentTypeRow.code, func.count())
        .join(IncidentTypeRow, IncidentTypeRow.incident_id == IncidentRow.id)
        .where(IncidentRow.received_year == bindparam("year"))
        .group_by(IncidentRow.environment, IncidentTypeRow.code)
    )


#: The lägesbild's dimensions read from one column each, answered from a covering index
#: (received_year, column) without reading the table: much cheaper than one scan grouped
#: by every column at once, which sorts every row.
SITUATION_COLUMNS = {
    "environment": IncidentRow.environment,
    "area": IncidentRow.area,
    "reporting_unit": IncidentRow.reporting_unit,
}


def _in_two_years() -> ColumnElement[bool]:
    return IncidentRow.received_year.in_([bindparam("before"), bindparam("year")])


@cache
def situation_column_sql(dimension: str) -> Compiled:
    """(year, code, count) of ``dimension`` for the two years ``before`` and ``year``."""
    column = SITUATION_COLUMNS[dimension]
    return compiled(
        select(IncidentRow.received_year, column, func.count())
        .where(_in_two_years())
        .group_by(IncidentRow.received_year, column)
    )


@cache
def situation_days_sql() -> Compiled:
    """(year, day as ISO text, count): the months come from the days the index holds."""
    return compiled(
        select(IncidentRow.received_year, IncidentRow.received_on, func.count())
        .where(_in_two_years())
        .group_by(IncidentRow.received_year, IncidentRow.received_on)
    )


@cache
def situation_types_sql() -> Compiled:
    """(year, incident type code, count) for the two years."""
    return compiled(
        select(IncidentRow.received_year, IncidentTypeRow.code, func.count())
        .join(IncidentTypeRow, IncidentTypeRow.incident_id == IncidentRow.id)
        .where(_in_two_years())
        .group_by(IncidentRow.received_year, IncidentTypeRow.code)
    )


def _types_joined() -> Any:
    return (
        select(func.group_concat(IncidentTypeRow.code, ";"))
        .where(IncidentTypeRow.incident_id == IncidentRow.id)
        .scalar_subquery()
    )


@cache
def retention_rows_sql() -> Compiled:
    """The gallring list without its page (``page_of``): oldest retention date first."""
    return compiled(
        select(
            IncidentRow.id,
            IncidentRow.received_on,
            IncidentRow.retain_until,
            IncidentRow.area,
            IncidentRow.environment,
            IncidentRow.status,
            _types_joined(),
        )
        .where(retention_due_clause_bound())
        .order_by(IncidentRow.retain_until, IncidentRow.id)
    )


@cache
def retention_count_sql() -> Compiled:
    return compiled(
        select(func.count()).select_from(IncidentRow).where(retention_due_clause_bound())
    )


def retention_due_clause_bound() -> ColumnElement[bool]:
    """``retention_due_clause`` with the day bound at execution (``today``, ISO text)."""
    return IncidentRow.retain_until.is_not(None) & (
        IncidentRow.retain_until < bindparam("today", type_=IncidentRow.retain_until.type)
    )


#: SQL for SQLite and its parameters in order: (name, value bound in the statement itself).
Compiled = tuple[str, tuple[tuple[str, Any], ...]]


def compiled(stmt: ClauseElement) -> Compiled:
    """A read statement compiled to SQLite's SQL once, for ``Work.rows``.

    The statement's own constants (the separator of ``group_concat``) keep their values;
    the rest are filled by name at each call.
    """
    compiled = stmt.compile(dialect=SQLITE)
    assert isinstance(compiled, SQLCompiler)
    own = compiled.params
    return compiled.string, tuple((name, own.get(name)) for name in compiled.positiontup or ())


def bind(compiled: Compiled, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The SQL and its positional arguments for ``params`` given by name."""
    sql, order = compiled
    return sql, [params.get(name, own) for name, own in order]
