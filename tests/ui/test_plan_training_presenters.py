"""What the Handlingsplan and Utbildning pages decide, over real vaults and without a widget."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.errors import InputRefused
from vbedesk.model import ActionPlan, Period
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.pages.plan_presenter import NoActivity, NoStatus, PlanPresenter, plan_to_show
from vbedesk.ui.pages.training_presenter import NoUnitOrCourse, TrainingPresenter

VB_2021 = Period.parse("VB 2021")


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        yield VaultService(vault)


def _plans(*years: int) -> list[ActionPlan]:
    return [
        ActionPlan(year, f"Plan {year}", "Hässelby-Vällingby", id=n) for n, year in enumerate(years)
    ]


def test_the_plan_shown_first_is_the_newest_whose_year_has_begun() -> None:
    assert plan_to_show(_plans(2020, 2021, 2023), date(2022, 6, 1)) == 1
    assert plan_to_show(_plans(2020, 2021, 2022), date(2022, 1, 1)) == 2
    assert plan_to_show(_plans(2030, 2031), date(2022, 6, 1)) == 0  # none begun: the first
    assert plan_to_show([], date(2022, 6, 1)) == 0


def test_the_plans_are_reloaded_keeping_the_one_shown(demo: VaultService) -> None:
    plans = PlanPresenter(demo)
    assert plans.reload(None, date(2022, 3, 1)) == 0
    [plan] = plans.plans
    assert plan.year == 2021 and plans.plan_at(0) == plan and plans.plan_at(1) is None
    lines = plans.lines(plan, VB_2021)
    assert len(lines) == 4 + 16 and lines[0].is_section
    assert plans.lines(None, VB_2021) == ()

    copy = plans.copy_to_year(plan, plans.copy_target(plan))
    assert copy.year == 2022
    # The 2021 plan stays shown after the reload, although the 2022 one has begun too.
    assert plans.reload(plan, date(2022, 3, 1)) == 0
    assert plans.index_of_year(2022) == 1 and plans.index_of_year(2030) is None
    assert plans.reload(None, date(2022, 3, 1)) == 1
    gone = ActionPlan(2040, "Borta", "", id=999)
    assert plans.reload(gone, date(2022, 3, 1)) == 0
    with pytest.raises(InputRefused, match="already a plan for 2022"):
        plans.copy_to_year(plan, 2022)
    assert len(demo.plans.all()) == 2


def test_a_followup_needs_an_activity_and_a_status(demo: VaultService) -> None:
    plans = PlanPresenter(demo)
    plans.reload(None, date(2022, 3, 1))
    activity = plans.lines(plans.plan_at(0), VB_2021)[1].activity
    assert activity is not None and activity.id is not None
    when = date(2022, 2, 10)
    with pytest.raises(NoActivity):
        plans.add_followup(None, VB_2021, status="PAGAR", comment="", noted_on=when)
    with pytest.raises(NoStatus):
        plans.add_followup(activity, VB_2021, status="", comment="x", noted_on=when)
    with pytest.raises(InputRefused):
        plans.add_followup(activity, VB_2021, status="OKAND", comment="", noted_on=when)
    assert plans.followups(activity, VB_2021) == []

    stored = plans.add_followup(
        activity, VB_2021, status="GENOMFORD", comment="  Klart i alla skolor \n", noted_on=when
    )
    assert stored.id is not None and stored.activity_id == activity.id
    [again] = plans.followups(activity, VB_2021)
    assert (again.status, again.comment, again.noted_on) == (
        "GENOMFORD",
        "Klart i alla skolor",
        when,
    )
    assert plans.followups(activity, Period.parse("T1 2021")) == []
    assert plans.status_label("GENOMFORD") == "Done"
    assert "GENOMFORD" in plans.status_codes()


def test_training_counts_latest_in_unit_order_and_history_newest_first(
    service: VaultService,
) -> None:
    training = TrainingPresenter(service)
    training.reload()
    assert training.units and training.courses
    first, second = training.units[0], training.units[1]
    course = training.courses[0].code
    assert training.unit_names()[first.code] == first.name
    assert training.course_names()[course] == training.courses[0].name
    for unit, as_of, completed in (
        (second, date(2021, 4, 30), 3),
        (first, date(2021, 4, 30), 4),
        (first, date(2021, 8, 31), 9),
    ):
        training.add_count(unit.code, course, relevant=10, completed=completed, as_of=as_of)

    latest = training.latest(course)
    assert [(t.unit_code, t.completed) for t in latest] == [(first.code, 9), (second.code, 3)]
    assert training.latest("NO_SUCH_COURSE") == []
    assert [t.as_of for t in training.history(first.code, course)] == [
        date(2021, 8, 31),
        date(2021, 4, 30),
    ]
    assert training.history(first.code, None) == []


def test_a_training_count_is_refused_without_unit_course_or_sense(service: VaultService) -> None:
    training = TrainingPresenter(service)
    training.reload()
    unit, course = training.units[0].code, training.courses[0].code
    when = date(2021, 4, 30)
    with pytest.raises(NoUnitOrCourse):
        training.add_count(None, course, relevant=1, completed=1, as_of=when)
    with pytest.raises(NoUnitOrCourse):
        training.add_count(unit, "", relevant=1, completed=1, as_of=when)
    with pytest.raises(InputRefused, match="More staff completed"):
        training.add_count(unit, course, relevant=1, completed=2, as_of=when)
    assert service.training.counts() == []
