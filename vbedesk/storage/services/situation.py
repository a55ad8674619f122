"""The lägesbild: a year's counts and the coordinator's analysis."""

from __future__ import annotations

from vbedesk import guard
from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.statistics import DIMENSIONS, NOT_STATED, Situation
from vbedesk.storage import audit
from vbedesk.storage.reads import (
    SITUATION_COLUMNS,
    bind,
    situation_column_sql,
    situation_days_sql,
    situation_types_sql,
    year_counts_sql,
)
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    Meta,
)


class SituationService(AreaService):
    """The lägesbild: a year's counts and the coordinator's analysis."""

    AREAS = (Area.SITUATION,)

    def year_counts(self, year: int) -> dict[tuple[str, str], int]:
        """Incidents of ``year`` counted by environment × incident type."""
        rows = self._fetch(*bind(year_counts_sql(), {"year": year}))
        return {(env, code): int(n) for env, code, n in rows}

    def for_year(self, year: int) -> Situation:
        """Counts for the lägesbild of ``year`` and ``year - 1``, aggregated in SQL."""
        years = (year - 1, year)
        counts: dict[str, dict[str, tuple[int, int]]] = {d: {} for d in DIMENSIONS}

        def put(dimension: str, code: str | None, row_year: int, n: int) -> None:
            key = code if code else NOT_STATED
            old, new = counts[dimension].get(key, (0, 0))
            counts[dimension][key] = (old + n, new) if row_year == year - 1 else (old, new + n)

        totals = dict.fromkeys(years, 0)
        params = {"before": year - 1, "year": year}
        with self._store.read() as work:  # one snapshot for every count
            for dimension in SITUATION_COLUMNS:
                for row_year, code, n in work.rows(*bind(situation_column_sql(dimension), params)):
                    put(dimension, code, row_year, n)
                    if dimension == "environment":
                        totals[row_year] += n
            for row_year, day, n in work.rows(*bind(situation_days_sql(), params)):
                put("month", day[5:7], row_year, n)  # ISO text: YYYY-MM-DD
            for row_year, code, n in work.rows(*bind(situation_types_sql(), params)):
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
        guard.guarded({"analysis": text_value}, accept=accept_findings)
        key = f"analysis:{int(year)}"
        with self._write() as s:
            row = s.get(Meta, key)
            if row is None:
                s.add(Meta(key=key, value=text_value))
            else:
                row.value = text_value
            audit.append(s, "analysis.set", "analysis", int(year))
