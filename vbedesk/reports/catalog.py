"""Every file that can leave the vault, built from the service layer's plain data.

One function per output, shared by the command line and the program: ``build`` takes
anything with the service's read methods (``Source``; reports never import storage) and a
``Request``, and returns the bytes with the title the disclosure register records and a
suggested file name. No Qt and no SQL here.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.model import (
    ActionPlan,
    Activity,
    Course,
    FollowUp,
    Incident,
    Period,
    PlanSection,
    TrainingCount,
    Unit,
)
from vbedesk.reports.followup import ActivityLine, FollowUpReportData, SectionLines
from vbedesk.routine import CaseLog, RoutineDefinition
from vbedesk.settings import Settings
from vbedesk.statistics import Situation
from vbedesk.taxonomy import Taxonomies


class PlanSource(Protocol):
    def all(self) -> list[ActionPlan]: ...
    def followup_rows(
        self, period: Period
    ) -> list[tuple[PlanSection, list[tuple[Activity, FollowUp | None]]]]: ...


class SituationSource(Protocol):
    def for_year(self, year: int) -> Situation: ...
    def analysis(self, year: int) -> str: ...


class TrainingSource(Protocol):
    def units(self) -> list[Unit]: ...
    def courses(self) -> list[Course]: ...
    def counts(self, *, latest_only: bool = False) -> list[TrainingCount]: ...


class IncidentSource(Protocol):
    def get(self, incident_id: int) -> Incident: ...


class CaseLogSource(Protocol):
    def get(self, case_log_id: int) -> CaseLog: ...


class RoutineSource(Protocol):
    def definition(self, routine_id: str, version: str) -> RoutineDefinition: ...


class Source(Protocol):
    """The read side of ``storage.service.VaultService`` that the outputs need."""

    taxonomies: Taxonomies

    def settings(self) -> Settings: ...
    def snapshot(self) -> AbstractContextManager[object]: ...
    @property
    def plans(self) -> PlanSource: ...
    @property
    def situation(self) -> SituationSource: ...
    @property
    def training(self) -> TrainingSource: ...
    @property
    def incidents(self) -> IncidentSource: ...
    @property
    def case_logs(self) -> CaseLogSource: ...
    @property
    def routines(self) -> RoutineSource: ...


class Kind(StrEnum):
    """What to build."""

    FOLLOWUP = "followup"  # PDF, needs ``period``
    LAGESBILD = "lagesbild"  # PDF, needs ``year``
    TRAINING = "training"  # PDF
    INCIDENT = "incident"  # PDF, needs ``item_id``
    CASELOG = "caselog"  # PDF, needs ``item_id``
    BLANK_FORM = "blank_form"  # fillable PDF, ``form_language``
    STATISTICS_XLSX = "statistics_xlsx"  # spreadsheet, needs ``year``
    FOLLOWUP_XLSX = "followup_xlsx"  # spreadsheet, needs ``period``
    FOLLOWUP_CSV = "followup_csv"  # CSV, needs ``period``


@dataclass(frozen=True)
class Request:
    kind: Kind
    period: Period | None = None
    year: int | None = None
    item_id: int | None = None
    form_language: str = "sv"


@dataclass(frozen=True)
class Output:
    """A built file: its bytes, its format (``pdf``/``xlsx``/``csv``), its register title."""

    data: bytes
    file_kind: str
    title: str
    filename: str


T = TypeVar("T")


def _need(value: T | None, what: str) -> T:
    if value is None:
        raise ValueError(f"this output needs {what}")
    return value


def followup_data(source: Source, period: Period) -> FollowUpReportData:
    """The follow-up of ``period`` as the report and the spreadsheet take it."""
    plan = next((p for p in source.plans.all() if p.year == period.year), None)
    if plan is None or plan.id is None:
        raise InputRefused(N_("There is no action plan for {year}."), year=period.year)
    sections = [
        SectionLines(section, [ActivityLine(act, fu) for act, fu in lines])
        for section, lines in source.plans.followup_rows(period)
    ]
    return FollowUpReportData(plan, period, sections)


def build(source: Source, request: Request, *, created: date) -> Output:
    """The bytes of ``request`` from ``source`` (``InputRefused`` when there is nothing).

    Everything the output shows is read in one snapshot of the vault, so a report built
    on the worker thread is consistent even while the window saves meanwhile.
    """
    with source.snapshot():
        return _build(source, request, created=created)


def _build(source: Source, request: Request, *, created: date) -> Output:
    settings = source.settings()
    district = settings.district
    kind = request.kind
    if kind in (Kind.FOLLOWUP, Kind.FOLLOWUP_XLSX, Kind.FOLLOWUP_CSV):
        period = _need(request.period, "a period")
        data = followup_data(source, period)
        statuses = source.taxonomies.activity_statuses
        title = _("Follow-up of the action plan") + f" {period}"
        stem = f"uppfoljning-{period.kind.value}-{period.year}"
        if kind is Kind.FOLLOWUP:
            from vbedesk.reports.followup import build_followup_report

            pdf = build_followup_report(data, statuses, district=district, created=created)
            return Output(pdf, "pdf", title, stem + ".pdf")
        from vbedesk.reports.followup_xlsx import build_followup_csv, build_followup_workbook

        if kind is Kind.FOLLOWUP_CSV:
            return Output(
                build_followup_csv(data, statuses), "csv", title + " (csv)", stem + ".csv"
            )
        book = build_followup_workbook(data, statuses, district=district, created=created)
        return Output(book, "xlsx", title + " (xlsx)", stem + ".xlsx")
    if kind in (Kind.LAGESBILD, Kind.STATISTICS_XLSX):
        year = _need(request.year, "a year")
        title = _("Situation report (lägesbild)") + f" {year}"
        if kind is Kind.LAGESBILD:
            from vbedesk.reports.lagesbild import build_lagesbild_report

            pdf = build_lagesbild_report(
                source.situation.for_year(year),
                source.situation.analysis(year),
                source.taxonomies,
                threshold=settings.small_cell_threshold,
                district=district,
                created=created,
            )
            return Output(pdf, "pdf", title, f"lagesbild-{year}.pdf")
        from vbedesk.reports.xlsx import build_statistics_workbook

        book = build_statistics_workbook(
            source.situation.for_year(year),
            source.taxonomies,
            threshold=settings.small_cell_threshold,
            district=district,
            created=created,
        )
        return Output(book, "xlsx", title + " (xlsx)", f"statistik-{year}.xlsx")
    if kind is Kind.TRAINING:
        from vbedesk.reports.training import build_training_report

        pdf = build_training_report(
            source.training.units(),
            source.training.courses(),
            source.training.counts(latest_only=True),
            district=district,
            created=created,
        )
        return Output(pdf, "pdf", _("Training status"), f"utbildningsstatus-{created}.pdf")
    if kind is Kind.INCIDENT:
        item = _need(request.item_id, "an incident id")
        from vbedesk.reports.incident import build_incident_report

        incident = source.incidents.get(item)
        pdf = build_incident_report(incident, source.taxonomies, district=district, created=created)
        return Output(pdf, "pdf", _("Incident {id}").format(id=item), f"handelse-{item}.pdf")
    if kind is Kind.CASELOG:
        item = _need(request.item_id, "a case log id")
        from vbedesk.reports.caselog import build_caselog_report

        log = source.case_logs.get(item)
        definition = source.routines.definition(log.routine_id, log.routine_version)
        pdf = build_caselog_report(log, definition, district=district, created=created)
        title = _("Case log {id}").format(id=item)
        return Output(pdf, "pdf", title, f"samtalslogg-{item}.pdf")
    if kind is Kind.BLANK_FORM:
        from vbedesk.reports.form import build_blank_form

        pdf = build_blank_form(source.taxonomies, request.form_language, district=district)
        title = _("Blank form for unidentified information")
        return Output(pdf, "pdf", title, "blankett-oidentifierad-information.pdf")
    raise ValueError(f"unknown output: {kind!r}")
