"""The action plan: plans, sections, activities and their follow-ups."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import select

from vbedesk import guard
from vbedesk.changes import Area
from vbedesk.demo import DemoPlan
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.model import (
    ActionPlan,
    Activity,
    FollowUp,
    Period,
    PeriodKind,
    PlanSection,
)
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.results import ActivityNotFound
from vbedesk.storage.tables import (
    ActivityRow,
    FollowUpRow,
    PlanRow,
    SectionRow,
)


class PlanService(AreaService):
    """The action plan: plans, sections, activities and their follow-ups."""

    AREAS = (Area.PLAN,)

    def add_from_demo(self, plan: DemoPlan) -> ActionPlan:
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

    def copy_to_year(self, plan_id: int, year: int) -> ActionPlan:
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

    def all(self) -> list[ActionPlan]:
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
        guard.guarded({"comment": followup.comment}, accept=accept_findings)
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

    def followup_rows(
        self, period: Period
    ) -> list[tuple[PlanSection, list[tuple[Activity, FollowUp | None]]]]:
        """The plan of ``period``'s year: per section its activities and the newest follow-up
        of the period (``None`` when none is noted); empty when there is no such plan.
        One snapshot: the calls below join it."""
        with self._store.read():
            plan = next((p for p in self.all() if p.year == period.year), None)
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
