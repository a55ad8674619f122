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
from vbedesk.i18n import N_, language
from vbedesk.model import ActionPlan, Activity, FollowUp, Period
from vbedesk.storage.service import VaultService
from vbedesk.ui.models.plan_models import PlanLine, load_plan_lines


class NoActivity(InputRefused):
    """A follow-up with no activity to belong to."""

    message = N_("Select an activity in the plan first.")


class NoStatus(InputRefused):
    """A follow-up without a status."""

    message = N_("Choose a status for the follow-up.")


def plan_to_show(plans: Sequence[ActionPlan], today: date) -> int:
    """The index of the plan to show first: the newest whose year has begun, else the first."""
    started = [i for i, p in enumerate(plans) if p.year <= today.year]
    return started[-1] if started else 0


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

    # -- the yearly copy -------------------------------------------------------------------
    @staticmethod
    def copy_target(plan: ActionPlan) -> int:
        """The year the yearly revision copies ``plan`` to."""
        return plan.year + 1

    def copy_to_year(self, plan: ActionPlan, year: int) -> ActionPlan:
        """A new plan for ``year`` with the same sections and activities (no follow-ups)."""
        return self.service.plans.copy_to_year(plan.id or 0, year)
