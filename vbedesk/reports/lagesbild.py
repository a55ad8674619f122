"""Lägesbild: a year's incidents counted by dimension against the year before, suppressed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable, KeepTogether, Spacer

from vbedesk.i18n import N_, _, language
from vbedesk.reports.charts import bar_chart, line_chart
from vbedesk.reports.pdf import (
    CONTENT_WIDTH,
    ReportInfo,
    build_pdf,
    heading,
    para,
    styles,
    tables,
    title_block,
)
from vbedesk.statistics import (
    DIMENSIONS,
    NOT_STATED,
    Situation,
    SuppressedTable,
    month_codes,
    suppress_situation,
)
from vbedesk.taxonomy import Taxonomies

MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
TITLES = {
    "environment": N_("By environment"),
    "incident_type": N_("By incident type"),
    "area": N_("By area"),
    "reporting_unit": N_("By reporting unit"),
    "month": N_("By month received"),
}
DIMENSION_HEADERS = {
    "environment": N_("Environment"),
    "incident_type": N_("Incident type"),
    "area": N_("Area"),
    "reporting_unit": N_("Reporting unit"),
    "month": N_("Month"),
}


@dataclass(frozen=True)
class DimensionTable:
    """One dimension ready to show: row codes, labels and the suppressed counts."""

    dimension: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    table: SuppressedTable


def _taxonomy_for(taxonomies: Taxonomies, dimension: str):  # type: ignore[no-untyped-def]
    return {
        "environment": taxonomies.environments,
        "incident_type": taxonomies.incident_types,
        "area": taxonomies.areas,
        "reporting_unit": taxonomies.reporting_units,
    }.get(dimension)


def dimension_tables(
    situation: Situation, taxonomies: Taxonomies, threshold: int
) -> list[DimensionTable]:
    """Every dimension of the lägesbild, rows in taxonomy order, small cells suppressed."""
    lang = language()
    result = []
    for dimension in DIMENSIONS:
        present = situation.dimension(dimension)
        if dimension == "month":
            codes = list(month_codes())
            labels = [_(MONTHS[int(c) - 1]) for c in codes]
        else:
            tax = _taxonomy_for(taxonomies, dimension)
            codes = list(tax.codes())
            codes += sorted(c for c in present if c not in codes and c != NOT_STATED)
            if NOT_STATED in present:
                codes.append(NOT_STATED)
            labels = [_("Not stated") if c == NOT_STATED else tax.label(c, lang) for c in codes]
        table = suppress_situation(situation, dimension, codes, threshold)
        result.append(DimensionTable(dimension, tuple(codes), tuple(labels), table))
    return result


def _short_month(label: str) -> str:
    return label[:3]


def build_lagesbild_report(
    situation: Situation,
    analysis: str,
    taxonomies: Taxonomies,
    *,
    threshold: int,
    district: str,
    created: date,
) -> bytes:
    """The lägesbild as PDF bytes; every count of 1 to ``threshold - 1`` is hidden."""
    s = styles()
    year, prev = situation.year, situation.year - 1
    info = ReportInfo(
        title=_("Situation report (lägesbild)"),
        district=district,
        period=str(year),
        created=created,
        subject=_("Incidents {year} compared with {previous}").format(year=year, previous=prev),
    )
    dims = dimension_tables(situation, taxonomies, threshold)
    by_name = {d.dimension: d for d in dims}
    env = by_name["environment"].table
    story: list[Flowable] = list(title_block(info))
    story.append(
        para(
            _("Incidents received: {year}: {n}; {previous}: {m}.").format(
                year=year,
                n=env.column_total_label(1),
                previous=prev,
                m=env.column_total_label(0),
            ),
            s.body,
        )
    )
    story.append(
        para(
            _(
                "Counts from 1 to {below} are shown as “<{threshold}”; cells marked “×” are "
                "hidden as well, so that hidden counts cannot be worked out from the totals. "
                "An incident can have several incident types."
            ).format(below=threshold - 1, threshold=threshold),
            s.small,
        )
    )
    story += heading(_("Analysis"))
    story.append(para(analysis.strip() or _("No analysis written."), s.body))
    for dim in dims:
        story += _dimension_section(dim, year, prev)
    return build_pdf(story, info)


def _dimension_section(dim: DimensionTable, year: int, prev: int) -> list[Flowable]:
    s = styles()
    t = dim.table
    rows: list[list[object]] = [
        [para(label, s.cell), t.cell_label(i, 0), t.cell_label(i, 1)]
        for i, label in enumerate(dim.labels)
    ]
    additive = dim.dimension != "incident_type"
    if additive:
        rows.append(
            [para(_("Total"), s.cell_bold), t.column_total_label(0), t.column_total_label(1)]
        )
    header = [_(DIMENSION_HEADERS[dim.dimension]), str(prev), str(year)]
    flow: list[Flowable] = heading(_(TITLES[dim.dimension]))
    flow += tables(
        header,
        rows,
        [CONTENT_WIDTH - 140, 70, 70],
        extra_style=[("ALIGN", (1, 0), (-1, -1), "RIGHT")],
        total_row=additive,
    )
    flow.append(Spacer(1, 6))
    flow.append(KeepTogether([dimension_chart(dim, year, prev)]))
    return flow


def dimension_chart(
    dim: DimensionTable, year: int, prev: int, *, width: float = CONTENT_WIDTH
) -> Drawing:
    """The chart of one dimension (the PDF's and the screen's): hidden counts not drawn."""
    t = dim.table
    series = [
        (str(prev), [t.visible_value(i, 0) for i in range(len(dim.codes))]),
        (str(year), [t.visible_value(i, 1) for i in range(len(dim.codes))]),
    ]
    chart_title = _(TITLES[dim.dimension])
    if dim.dimension == "month":
        return line_chart(chart_title, [_short_month(x) for x in dim.labels], series, width=width)
    return bar_chart(chart_title, list(dim.labels), series, width=width)


def table_rows(dim: DimensionTable) -> Sequence[tuple[str, str, str]]:
    """Label and the two shown values per row (for exports)."""
    t = dim.table
    return [(label, t.cell_label(i, 0), t.cell_label(i, 1)) for i, label in enumerate(dim.labels)]
