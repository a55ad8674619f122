"""What the Handlingsplan page decides, without widgets: which plan is shown, the lines of
the plan table for a period, the follow-up of an activity, the yearly copy.

Tested over a real vault without a window. ``PlanPage`` (GUI thread) keeps one
``PlanPresenter`` and shows what it answers; a plan editor (new plans, sections and
activities, an import) adds its use cases here beside the follow-up ones and reloads the
page the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _, language
from vbedesk.model import ActionPlan, Activity, FollowUp, Period
from vbedesk.plans import ActivityDraft, PlanState
from vbedesk.reports.followup import followup_status
from vbedesk.storage.service import VaultService
from vbedesk.taxonomy import Taxonomy
from vbedesk.ui.models.plan_models import PlanLine, load_plan_lines


class NoActivity(InputRefused):
    """A follow-up with no activity to belong to."""

    message = N_("Select an activity in the plan first.")


class NoStatus(InputRefused):
    """A follow-up without a status."""

    message = N_("Choose a status for the follow-up.")


class NoPlan(InputRefused):
    """An edit of the plan with no plan shown."""

    message = N_("Create an action plan first.")


def plan_to_show(plans: Sequence[ActionPlan], today: date) -> int:
    """The index of the plan to show first: the newest whose year has begun, else the first."""
    started = [i for i, p in enumerate(plans) if p.year <= today.year]
    return started[-1] if started else 0


def ils_text(
    activity: Activity, period: Period, followup: FollowUp | None, statuses: Taxonomy
) -> str:
    """One activity's follow-up of ``period`` as plain text to paste into ILS-webb: the
    activity, the status as the follow-up report words it, the comment and its date."""
    status = followup_status(statuses, followup.status if followup else "")
    lines = [
        _("Activity: {text}").format(text=activity.text),
        _("Status ({period}): {status}").format(period=period, status=status),
    ]
    if followup is not None:
        lines.append(_("Comment: {comment}").format(comment=followup.comment))
        lines.append(_("Noted: {date}").format(date=followup.noted_on.isoformat()))
    return "\n".join(lines)


class PlanPresenter:
    """The vault's plans as the page lists them, and what the page does with them."""

    def __init__(self, service: VaultService) -> None:
        self.service = service
        self.statuses = service.taxonomies.activity_statuses
        #: The plans, as the plan list shows them (by year).
        self.plans: list[ActionPlan] = []

    # -- the plans -------------------------------------------------------------------------
    def reload(self, current: ActionPlan | None, today: date) -> int:
        """Read the plans again; the index to show (``current`` again, if it still exists)."""
        self.plans = self.service.plans.all()
        if current is not None:
            ids = [p.id for p in self.plans]
            return ids.index(current.id) if current.id in ids else 0
        return plan_to_show(self.plans, today)

    def plan_at(self, index: int) -> ActionPlan | None:
        return self.plans[index] if 0 <= index < len(self.plans) else None

    def index_of_year(self, year: int) -> int | None:
        return next((n for n, p in enumerate(self.plans) if p.year == year), None)

    def lines(self, plan: ActionPlan | None, period: Period) -> tuple[PlanLine, ...]:
        """The plan table: each section, then its activities with their status in ``period``."""
        if plan is None:
            return ()
        return load_plan_lines(self.service, plan.id or 0, period)

    # -- statuses --------------------------------------------------------------------------
    def status_codes(self) -> tuple[str, ...]:
        return self.statuses.codes()

    def status_label(self, code: str) -> str:
        return self.statuses.label(code, language())

    # -- follow-up -------------------------------------------------------------------------
    def followups(self, activity: Activity, period: Period) -> list[FollowUp]:
        return self.service.plans.followups(activity.id or 0, period)

    def add_followup(
        self,
        activity: Activity | None,
        period: Period,
        *,
        status: str,
        comment: str,
        noted_on: date,
    ) -> FollowUp:
        """Store a follow-up of ``activity``; ``NoActivity``, ``NoStatus`` or the service's
        refusal (``InputRefused``) when it cannot be, and then nothing is stored."""
        if activity is None or activity.id is None:
            raise NoActivity()
        if not status:
            raise NoStatus()
        followup = FollowUp(
            activity_id=activity.id,
            period=period,
            status=status,
            comment=comment.strip(),
            noted_on=noted_on,
        )
        return self.service.plans.add_followup(followup)

    def ils_text(self, activity: Activity | None, period: Period) -> str:
        """The text "Copy for ILS-webb" puts on the clipboard: the newest follow-up of
        ``activity`` in ``period`` (``NoActivity`` without an activity)."""
        if activity is None or activity.id is None:
            raise NoActivity()
        found = self.followups(activity, period)
        return ils_text(activity, period, found[-1] if found else None, self.statuses)

    # -- the yearly copy -------------------------------------------------------------------
    @staticmethod
    def copy_target(plan: ActionPlan) -> int:
        """The year the yearly revision copies ``plan`` to."""
        return plan.year + 1

    def copy_to_year(self, plan: ActionPlan, year: int) -> ActionPlan:
        """A new plan for ``year`` with the same sections and activities (no follow-ups)."""
        return self.service.plans.copy_to_year(plan.id or 0, year)

    # -- the plan editor -------------------------------------------------------------------
    def new_plan_year(self, today: date) -> int:
        """The year a new plan is suggested for: after the newest plan, else this year."""
        return max((p.year + 1 for p in self.plans), default=today.year)

    def copy_sources(self) -> list[int]:
        """The years of the plans a new plan can be copied from, newest first."""
        return sorted((p.year for p in self.plans), reverse=True)

    def create_plan(self, year: int, copy_from: int | None = None) -> ActionPlan:
        """A plan for ``year``: empty with the standard sections, or a copy of ``copy_from``."""
        return self.service.plans.create(year, copy_from=copy_from)

    @staticmethod
    def state_text(plan: ActionPlan | None) -> str:
        """The plan's state as the page shows it: draft, or decided with date and dnr."""
        if plan is None:
            return ""
        if plan.state != PlanState.DECIDED or plan.decided_on is None:
            return _("Draft (utkast), not decided yet.")
        text = _("Decided {date}").format(date=plan.decided_on.isoformat())
        return f"{text}, {plan.diarienummer}" if plan.diarienummer else text

    @staticmethod
    def is_decided(plan: ActionPlan | None) -> bool:
        return plan is not None and plan.state == PlanState.DECIDED

    def decide(self, plan: ActionPlan | None, on: date, dnr: str) -> ActionPlan:
        if plan is None or plan.id is None:
            raise NoPlan()
        return self.service.plans.decide(plan.id, on, dnr)

    def save_activity(
        self,
        line: PlanLine | None,
        draft: ActivityDraft,
        *,
        edit: bool,
        accept_findings: bool = False,
    ) -> Activity:
        """A new activity at the end of ``line``'s section, or (``edit``) ``line``'s activity
        changed; the service's refusal (``IdentifiersFound``, ``InputRefused``) saves nothing."""
        if line is None or line.section.id is None:
            raise NoActivity()
        if not edit:
            return self.service.plans.add_activity(
                line.section.id, draft, accept_findings=accept_findings
            )
        if line.activity is None or line.activity.id is None:
            raise NoActivity()
        return self.service.plans.edit_activity(
            line.activity.id,
            text=draft.text,
            responsible=draft.responsible,
            timeline=draft.timeline,
            followup=draft.followup,
            accept_findings=accept_findings,
        )

    def can_move(self, lines: Sequence[PlanLine], activity: Activity | None, step: int) -> bool:
        """Whether ``activity`` has a neighbour in its section in direction ``step`` (±1)."""
        if activity is None:
            return False
        positions = [
            line.activity.position
            for line in lines
            if line.activity is not None and line.activity.section_id == activity.section_id
        ]
        if step < 0:
            return bool(positions) and activity.position > min(positions)
        return bool(positions) and activity.position < max(positions)

    def move_activity(self, activity: Activity | None, step: int) -> Activity:
        """One place up (``step`` -1) or down (+1) in its section."""
        if activity is None or activity.id is None:
            raise NoActivity()
        return self.service.plans.move_activity(
            activity.id, position=max(1, activity.position + step)
        )

    def retire_activity(self, activity: Activity | None, on: date) -> Activity:
        """The activity utgår from ``on``; it stays in the plan with its follow-ups."""
        if activity is None or activity.id is None:
            raise NoActivity()
        return self.service.plans.retire_activity(activity.id, on)
