"""The action plan: plans, sections, activities and their follow-ups.

Every text goes through the identifier guard before it is saved; every change is audited
by field names and ids (never the text). A change to a decided plan is also audited as
a revision (``plan.revise``), so the plan's history after the decision can be told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vbedesk import guard
from vbedesk.changes import Area
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
from vbedesk.plans import (
    ActivityDraft,
    PlanDraft,
    PlanState,
    SectionDraft,
    default_title,
    empty_plan,
    section_code,
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

_R = TypeVar("_R", SectionRow, ActivityRow)

#: The longest text each field takes (characters).
_LIMITS = {
    "title": 1_000,
    "text": 10_000,
    "responsible": 1_000,
    "timeline": 100,
    "followup": 100,
    "diarienummer": 100,
}


class PlanNotFound(InputRefused):
    message = N_("No action plan with id {id}.")


class NoPlanForYear(InputRefused):
    message = N_("There is no action plan for {year}.")


class PlanExists(InputRefused):
    message = N_("There is already a plan for {year}.")


class SectionNotFound(InputRefused):
    message = N_("No plan section with id {id}.")


class SectionNotEmpty(InputRefused):
    message = N_("The section still has activities; move or delete them first.")


class ActivityHasFollowUps(InputRefused):
    message = N_("The activity has follow-ups and cannot be deleted; retire it instead (utgår).")


class TextTooLong(InputRefused):
    message = N_("The field {field} is too long (at most {limit} characters).")


class EmptyText(InputRefused):
    message = N_("The field {field} must not be empty.")


class PlanAlreadyDecided(InputRefused):
    message = N_("The plan for {year} is already decided.")


def _checked(texts: dict[str, str], *, accept: bool, required: tuple[str, ...] = ()) -> None:
    """Lengths, required fields, and the identifier guard on every text (refusal: nothing saved)."""
    for name, value in texts.items():
        if len(value) > _LIMITS[name]:
            raise TextTooLong(field=name, limit=_LIMITS[name])
        if name in required and not value.strip():
            raise EmptyText(field=name)
    guard.guarded(dict(texts), accept=accept)


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2999:
        raise InputRefused(N_("Unknown year {value!r}."), value=str(year)[:40])


def _plan(row: PlanRow) -> ActionPlan:
    return ActionPlan(
        id=row.id,
        year=row.year,
        title=row.title,
        district=row.district,
        state=PlanState(row.state),
        decided_on=row.decided_on,
        diarienummer=row.diarienummer,
    )


def _section(r: SectionRow) -> PlanSection:
    return PlanSection(id=r.id, plan_id=r.plan_id, position=r.position, code=r.code, title=r.title)


def _activity(r: ActivityRow) -> Activity:
    return Activity(
        id=r.id,
        section_id=r.section_id,
        position=r.position,
        text=r.text,
        responsible=r.responsible,
        timeline=r.timeline,
        followup=r.followup,
        retired_on=r.retired_on,
    )


def _renumber(rows: Sequence[SectionRow | ActivityRow]) -> None:
    for pos, row in enumerate(rows, start=1):
        row.position = pos


def _moved(rows: Sequence[_R], row: _R, position: int) -> list[_R]:
    """``rows`` with ``row`` placed at 1-based ``position`` (clamped to the ends)."""
    others: list[_R] = [r for r in rows if r is not row]
    index = max(0, min(len(others), position - 1))
    others.insert(index, row)
    return others


def _changed(
    s: Session,
    plan: PlanRow | None,
    action: str,
    entity: str,
    entity_id: int,
    fields: str,
) -> None:
    """Audit one change; after the decision it is also a revision of the plan."""
    audit.append(s, action, entity, entity_id, fields)
    if plan is not None and plan.state == PlanState.DECIDED.value:
        audit.append(s, "plan.revise", "action_plan", plan.id, f"{action}:{entity_id}:{fields}")


def _plan_row(s: Session, plan_id: int) -> PlanRow:
    row = s.get(PlanRow, plan_id)
    if row is None:
        raise PlanNotFound(id=plan_id)
    return row


def _plan_row_of_year(s: Session, year: int) -> PlanRow:
    row = s.execute(select(PlanRow).where(PlanRow.year == year)).scalar_one_or_none()
    if row is None:
        raise NoPlanForYear(year=year)
    return row


def _section_row(s: Session, section_id: int) -> SectionRow:
    row = s.get(SectionRow, section_id)
    if row is None:
        raise SectionNotFound(id=section_id)
    return row


def _activity_row(s: Session, activity_id: int) -> ActivityRow:
    row = s.get(ActivityRow, activity_id)
    if row is None:
        raise ActivityNotFound(id=activity_id)
    return row


def _plan_of_activity(s: Session, row: ActivityRow) -> PlanRow | None:
    section = s.get(SectionRow, row.section_id)
    return None if section is None else s.get(PlanRow, section.plan_id)


def _section_rows(s: Session, plan_id: int) -> list[SectionRow]:
    stmt = select(SectionRow).where(SectionRow.plan_id == plan_id)
    return list(s.execute(stmt.order_by(SectionRow.position, SectionRow.id)).scalars())


def _activity_rows(s: Session, section_id: int) -> list[ActivityRow]:
    stmt = select(ActivityRow).where(ActivityRow.section_id == section_id)
    return list(s.execute(stmt.order_by(ActivityRow.position, ActivityRow.id)).scalars())


class PlanService(AreaService):
    """The action plan: plans, sections, activities and their follow-ups."""

    AREAS = (Area.PLAN,)

    # -- plans ---------------------------------------------------------------------------
    def create(
        self,
        year: int,
        *,
        copy_from: int | None = None,
        draft: PlanDraft | None = None,
        accept_findings: bool = False,
    ) -> ActionPlan:
        """A new plan for ``year``: empty with the four standard sections; or a copy of the
        plan of the year ``copy_from``; or ``draft`` as given (the demo, an import)."""
        _check_year(year)
        if copy_from is not None and draft is not None:
            raise InputRefused(N_("Copy a plan or give one, not both."))
        if copy_from is not None:
            with self._write() as s:
                source = _plan_row_of_year(s, copy_from)
                return self.copy_to_year(source.id, year)
        if draft is None:
            district = self._svc.settings().district
            draft = empty_plan(year, district, default_title(district, year))
        elif draft.year != year:
            raise InputRefused(N_("Unknown year {value!r}."), value=str(draft.year)[:40])
        texts = {"title": draft.title}
        for section in draft.sections:
            _checked({"title": section.title}, accept=accept_findings, required=("title",))
            for act in section.activities:
                _checked(_activity_texts(act), accept=accept_findings, required=("text",))
        _checked(texts, accept=accept_findings, required=("title",))
        with self._write() as s:
            row = self._insert(s, draft)
            audit.append(s, "plan.add", "action_plan", row.id, f"sections:{len(draft.sections)}")
            return _plan(row)

    def _insert(self, s: Session, draft: PlanDraft) -> PlanRow:
        """The rows of ``draft`` (refused when the year has a plan), in the caller's unit."""
        if s.scalar(select(PlanRow.id).where(PlanRow.year == draft.year)) is not None:
            raise PlanExists(year=draft.year)
        row = PlanRow(
            year=draft.year,
            title=draft.title,
            district=draft.district,
            state=PlanState.DRAFT.value,
            diarienummer="",
        )
        s.add(row)
        s.flush()
        for spos, section in enumerate(draft.sections, start=1):
            srow = SectionRow(plan_id=row.id, position=spos, code=section.code, title=section.title)
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
        s.flush()
        return row

    def copy_to_year(self, plan_id: int, year: int) -> ActionPlan:
        """The yearly revision: a new plan for ``year`` with the sections and activities
        of ``plan_id`` (follow-ups stay with the old plan's activities; retired activities
        are not copied). The copy is an utkast."""
        _check_year(year)
        with self._write() as s:
            source = s.get(PlanRow, plan_id)
            if source is None:
                raise PlanNotFound(id=plan_id)
            # A title naming the old year ("… extremism 2021") names the new one.
            title = re.sub(rf"\b{source.year}\b", str(year), source.title)
            sections = []
            for srow in _section_rows(s, plan_id):
                acts = tuple(
                    ActivityDraft(a.text, a.responsible, a.timeline, a.followup)
                    for a in _activity_rows(s, srow.id)
                    if a.retired_on is None
                )
                sections.append(SectionDraft(srow.code, srow.title, acts))
            draft = PlanDraft(year, title, source.district, tuple(sections))
            row = self._insert(s, draft)
            audit.append(s, "plan.copy", "action_plan", row.id, f"from:{plan_id}")
            return _plan(row)

    def get(self, plan_id: int) -> ActionPlan:
        with self._read() as s:
            row = s.get(PlanRow, plan_id)
            if row is None:
                raise PlanNotFound(id=plan_id)
            return _plan(row)

    def of_year(self, year: int) -> ActionPlan:
        """The plan of ``year`` (refused when there is none)."""
        with self._read() as s:
            return _plan(_plan_row_of_year(s, year))

    def decide(self, plan_id: int, on: date, dnr: str = "") -> ActionPlan:
        """The board's decision: UTKAST becomes BESLUTAD with its date and diarienummer."""
        _checked({"diarienummer": dnr}, accept=False)
        with self._write() as s:
            row = _plan_row(s, plan_id)
            if row.state == PlanState.DECIDED.value:
                raise PlanAlreadyDecided(year=row.year)
            row.state = PlanState.DECIDED.value
            row.decided_on = on
            row.diarienummer = dnr.strip()
            audit.append(s, "plan.decide", "action_plan", row.id, "state,decided_on,diarienummer")
            s.flush()
            return _plan(row)

    # -- sections ------------------------------------------------------------------------
    def add_section(
        self, plan_id: int, title: str, *, accept_findings: bool = False
    ) -> PlanSection:
        """A new section at the end of the plan."""
        _checked({"title": title}, accept=accept_findings, required=("title",))
        with self._write() as s:
            plan = _plan_row(s, plan_id)
            rows = _section_rows(s, plan_id)
            row = SectionRow(
                plan_id=plan_id,
                position=len(rows) + 1,
                code=section_code(title, [r.code for r in rows]),
                title=title.strip(),
            )
            s.add(row)
            s.flush()
            _changed(s, plan, "section.add", "plan_section", row.id, "title")
            return _section(row)

    def rename_section(
        self, section_id: int, title: str, *, accept_findings: bool = False
    ) -> PlanSection:
        _checked({"title": title}, accept=accept_findings, required=("title",))
        with self._write() as s:
            row = _section_row(s, section_id)
            row.title = title.strip()
            _changed(
                s, s.get(PlanRow, row.plan_id), "section.rename", "plan_section", row.id, "title"
            )
            return _section(row)

    def move_section(self, section_id: int, position: int) -> list[PlanSection]:
        """Put the section at 1-based ``position``; the plan's sections in their new order."""
        with self._write() as s:
            row = _section_row(s, section_id)
            rows = _moved(_section_rows(s, row.plan_id), row, position)
            _renumber(rows)
            _changed(
                s, s.get(PlanRow, row.plan_id), "section.move", "plan_section", row.id, "position"
            )
            s.flush()
            return [_section(r) for r in rows]

    def remove_section(self, section_id: int) -> None:
        """Remove an empty section (one with activities, even retired ones, is refused)."""
        with self._write() as s:
            row = _section_row(s, section_id)
            count = s.scalar(
                select(func.count())
                .select_from(ActivityRow)
                .where(ActivityRow.section_id == section_id)
            )
            if count:
                raise SectionNotEmpty()
            plan = s.get(PlanRow, row.plan_id)
            s.delete(row)
            s.flush()
            _renumber(_section_rows(s, row.plan_id))
            _changed(s, plan, "section.remove", "plan_section", section_id, "")

    def section(self, section_id: int) -> PlanSection:
        with self._read() as s:
            return _section(_section_row(s, section_id))

    # -- activities ----------------------------------------------------------------------
    def add_activity(
        self, section_id: int, activity: ActivityDraft, *, accept_findings: bool = False
    ) -> Activity:
        """A new activity at the end of the section."""
        _checked(_activity_texts(activity), accept=accept_findings, required=("text",))
        with self._write() as s:
            section = _section_row(s, section_id)
            row = ActivityRow(
                section_id=section_id,
                position=len(_activity_rows(s, section_id)) + 1,
                text=activity.text.strip(),
                responsible=activity.responsible.strip(),
                timeline=activity.timeline.strip(),
                followup=activity.followup.strip(),
            )
            s.add(row)
            s.flush()
            fields = ",".join(k for k, v in _activity_texts(activity).items() if v)
            _changed(s, s.get(PlanRow, section.plan_id), "activity.add", "activity", row.id, fields)
            return _activity(row)

    def edit_activity(
        self,
        activity_id: int,
        *,
        text: str | None = None,
        responsible: str | None = None,
        timeline: str | None = None,
        followup: str | None = None,
        accept_findings: bool = False,
    ) -> Activity:
        """Change the given fields (``None``: kept as it is)."""
        given = {
            k: v
            for k, v in (
                ("text", text),
                ("responsible", responsible),
                ("timeline", timeline),
                ("followup", followup),
            )
            if v is not None
        }
        _checked(given, accept=accept_findings, required=("text",))
        with self._write() as s:
            row = _activity_row(s, activity_id)
            changed = [k for k, v in given.items() if getattr(row, k) != v.strip()]
            for key in changed:
                setattr(row, key, given[key].strip())
            if changed:
                _changed(
                    s,
                    _plan_of_activity(s, row),
                    "activity.edit",
                    "activity",
                    row.id,
                    ",".join(changed),
                )
            s.flush()
            return _activity(row)

    def move_activity(
        self, activity_id: int, *, section_id: int | None = None, position: int | None = None
    ) -> Activity:
        """Reorder the activity in its section, or move it to another section of the same
        plan (at ``position``, or at the end)."""
        with self._write() as s:
            row = _activity_row(s, activity_id)
            old_section = _section_row(s, row.section_id)
            target = old_section if section_id is None else _section_row(s, section_id)
            if target.plan_id != old_section.plan_id:
                raise InputRefused(N_("An activity moves only within its own plan."))
            fields = ["position"]
            if target.id != old_section.id:
                fields.insert(0, "section")
                rows = _activity_rows(s, target.id)
                row.section_id = target.id
                s.flush()
                _renumber(_activity_rows(s, old_section.id))
                rows = _moved(rows, row, position or len(rows) + 1)
            else:
                rows = _moved(_activity_rows(s, target.id), row, position or row.position)
            _renumber(rows)
            _changed(
                s,
                s.get(PlanRow, target.plan_id),
                "activity.move",
                "activity",
                row.id,
                ",".join(fields),
            )
            s.flush()
            return _activity(row)

    def retire_activity(self, activity_id: int, on: date) -> Activity:
        """The activity utgår from ``on``: kept with its follow-ups and history."""
        with self._write() as s:
            row = _activity_row(s, activity_id)
            if row.retired_on is not None:
                raise InputRefused(N_("The activity is already retired."))
            row.retired_on = on
            _changed(
                s,
                _plan_of_activity(s, row),
                "activity.retire",
                "activity",
                row.id,
                "retired_on",
            )
            s.flush()
            return _activity(row)

    def delete_activity(self, activity_id: int) -> None:
        """Delete an activity that has no follow-ups (one with follow-ups is retired instead)."""
        with self._write() as s:
            row = _activity_row(s, activity_id)
            has = s.scalar(
                select(func.count())
                .select_from(FollowUpRow)
                .where(FollowUpRow.activity_id == activity_id)
            )
            if has:
                raise ActivityHasFollowUps()
            plan = _plan_of_activity(s, row)
            section_id = row.section_id
            s.delete(row)
            s.flush()
            _renumber(_activity_rows(s, section_id))
            _changed(s, plan, "activity.delete", "activity", activity_id, "")

    def activity(self, activity_id: int) -> Activity:
        with self._read() as s:
            return _activity(_activity_row(s, activity_id))

    def all(self) -> list[ActionPlan]:
        with self._read() as s:
            rows = s.execute(select(PlanRow).order_by(PlanRow.year)).scalars()
            return [_plan(r) for r in rows]

    def sections(self, plan_id: int) -> list[PlanSection]:
        with self._read() as s:
            return [_section(r) for r in _section_rows(s, plan_id)]

    def activities(self, section_id: int) -> list[Activity]:
        with self._read() as s:
            return [_activity(r) for r in _activity_rows(s, section_id)]

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


def _activity_texts(act: ActivityDraft) -> dict[str, str]:
    return {
        "text": act.text,
        "responsible": act.responsible,
        "timeline": act.timeline,
        "followup": act.followup,
    }
