"""The Handlingsplan editor's use cases in ``PlanPresenter``, over a real empty vault, no widget."""

from __future__ import annotations

from datetime import date

import pytest

from vbedesk.guard import IdentifiersFound
from vbedesk.model import Period
from vbedesk.plans import ActivityDraft, PlanState
from vbedesk.storage.service import VaultService
from vbedesk.ui.models.plan_models import PlanLine
from vbedesk.ui.pages.plan_presenter import NoActivity, NoPlan, PlanPresenter

T1_2026 = Period.parse("T1 2026")


def _lines(presenter: PlanPresenter) -> tuple[PlanLine, ...]:
    presenter.reload(None, date(2026, 3, 1))
    return presenter.lines(presenter.plan_at(presenter.index_of_year(2026) or 0), T1_2026)


def _texts(lines: tuple[PlanLine, ...]) -> list[str]:
    return [line.activity.text if line.activity else f"# {line.section.title}" for line in lines]


def test_a_new_plan_is_empty_with_the_standard_sections_or_a_copy(service: VaultService) -> None:
    presenter = PlanPresenter(service)
    presenter.reload(None, date(2026, 1, 5))
    assert presenter.new_plan_year(date(2026, 1, 5)) == 2026  # no plan yet: this year
    assert presenter.copy_sources() == []
    plan = presenter.create_plan(2026)
    assert plan.state == PlanState.DRAFT
    assert presenter.state_text(plan) == "Draft (utkast), not decided yet."
    lines = _lines(presenter)
    assert [line.section.title for line in lines if line.is_section][:2] == [
        "Förebyggande aktiviteter",
        "Förhindrande aktiviteter",
    ]
    assert len(lines) == 4 and all(line.is_section for line in lines)
    presenter.save_activity(lines[0], ActivityDraft("Samverkan med skolor"), edit=False)
    presenter.reload(None, date(2026, 1, 5))
    assert presenter.new_plan_year(date(2026, 1, 5)) == 2027
    assert presenter.copy_sources() == [2026]
    copy = presenter.create_plan(2027, copy_from=2026)
    assert copy.year == 2027
    first = service.plans.sections(copy.id or 0)[0]
    assert [a.text for a in service.plans.activities(first.id or 0)] == ["Samverkan med skolor"]


def test_activities_are_added_edited_moved_and_retired(service: VaultService) -> None:
    presenter = PlanPresenter(service)
    presenter.create_plan(2026)
    section = _lines(presenter)[0]
    for text in ("Första", "Andra", "Tredje"):
        presenter.save_activity(section, ActivityDraft(text, "Enhetschef fritid"), edit=False)
    lines = _lines(presenter)
    assert _texts(lines)[:4] == ["# Förebyggande aktiviteter", "Första", "Andra", "Tredje"]
    first, third = lines[1].activity, lines[3].activity
    assert not presenter.can_move(lines, first, -1) and presenter.can_move(lines, first, 1)
    assert presenter.can_move(lines, third, -1) and not presenter.can_move(lines, third, 1)
    assert not presenter.can_move(lines, None, 1)

    presenter.move_activity(third, -1)
    assert _texts(_lines(presenter))[1:4] == ["Första", "Tredje", "Andra"]
    edited = presenter.save_activity(
        lines[1], ActivityDraft("Första", "Enhetschef fritid", "hösten 2026", "T1, VB"), edit=True
    )
    assert (edited.timeline, edited.followup) == ("hösten 2026", "T1, VB")
    retired = presenter.retire_activity(edited, date(2026, 5, 2))
    assert retired.retired_on == date(2026, 5, 2)
    assert _lines(presenter)[1].activity == retired  # kept in the plan, marked

    with pytest.raises(NoActivity):
        presenter.move_activity(None, 1)
    with pytest.raises(NoActivity):
        presenter.save_activity(lines[0], ActivityDraft("x"), edit=True)  # a section line


def test_an_identifier_in_an_activity_is_refused_and_the_plan_left_unchanged(
    service: VaultService,
) -> None:
    presenter = PlanPresenter(service)
    presenter.create_plan(2026)
    lines = _lines(presenter)
    presenter.save_activity(lines[0], ActivityDraft("Samverkan", "Enhetschef"), edit=False)
    before = _lines(presenter)
    audit_before = len(service.audit_entries(1000))
    with pytest.raises(IdentifiersFound):
        presenter.save_activity(
            before[0], ActivityDraft("Ring 19121212-1212 om skolan"), edit=False
        )
    with pytest.raises(IdentifiersFound):
        presenter.save_activity(
            before[1], ActivityDraft("Samverkan", "Enhetschef 070-123 45 67"), edit=True
        )
    assert _lines(presenter) == before
    assert len(service.audit_entries(1000)) == audit_before
    # Accepted explicitly ("Save anyway"), it is stored.
    presenter.save_activity(
        before[0], ActivityDraft("Ring 19121212-1212 om skolan"), edit=False, accept_findings=True
    )
    assert len(_lines(presenter)) == len(before) + 1


def test_the_plan_is_decided_with_date_and_diarienummer(service: VaultService) -> None:
    presenter = PlanPresenter(service)
    with pytest.raises(NoPlan):
        presenter.decide(None, date(2026, 2, 12), "HVN 2026/12")
    plan = presenter.create_plan(2026)
    assert not presenter.is_decided(plan)
    decided = presenter.decide(plan, date(2026, 2, 12), "HVN 2026/12")
    assert presenter.is_decided(decided)
    assert presenter.state_text(decided) == "Decided 2026-02-12, HVN 2026/12"
    assert service.plans.of_year(2026).diarienummer == "HVN 2026/12"
