"""Setting up the year's plan from an empty vault: create, copy, sections, activities,
the decision and the revisions after it, and the schema revision that holds them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from tests.conftest import PASSPHRASE, fast_kdf
from vbedesk.demo import plan_2021
from vbedesk.errors import InputRefused
from vbedesk.guard import IdentifiersFound
from vbedesk.model import FollowUp, Period
from vbedesk.plans import (
    STANDARD_SECTIONS,
    ActivityDraft,
    AmbiguousSection,
    NoSuchSection,
    PlanState,
    match_section,
)
from vbedesk.storage import schema
from vbedesk.storage.service import VaultService
from vbedesk.storage.services.plans import (
    ActivityHasFollowUps,
    NoPlanForYear,
    PlanExists,
    SectionNotEmpty,
)
from vbedesk.storage.vault import Vault

PERSONNUMMER = "Eleven med personnummer 811218-9876 deltog."


def _state(service: VaultService) -> tuple[object, ...]:
    """Everything a plan change could touch: plans, sections, activities, audit rows."""
    plans = service.plans.all()
    sections = [s for p in plans for s in service.plans.sections(p.id or 0)]
    activities = [a for s in sections for a in service.plans.activities(s.id or 0)]
    return (plans, sections, activities, len(service.audit_entries(limit=100_000)))


def _actions(service: VaultService) -> list[tuple[str, str, str]]:
    return [(e.action, e.entity_id, e.detail) for e in service.audit_entries(limit=100_000)]


def test_an_empty_vault_gets_a_plan_with_the_four_standard_sections(
    service: VaultService,
) -> None:
    assert service.plans.all() == []
    plan = service.plans.create(2026)
    assert plan.year == 2026 and plan.state is PlanState.DRAFT and plan.decided_on is None
    assert plan.district == service.settings().district and plan.title.endswith("2026")
    sections = service.plans.sections(plan.id or 0)
    assert [(s.code, s.title) for s in sections] == list(STANDARD_SECTIONS)
    assert all(service.plans.activities(s.id or 0) == [] for s in sections)
    assert ("plan.add", str(plan.id), "sections:4") in _actions(service)
    before = _state(service)
    with pytest.raises(PlanExists):
        service.plans.create(2026)
    assert _state(service) == before


def test_a_plan_is_copied_from_an_earlier_year_without_its_retired_activities(
    service: VaultService,
) -> None:
    source = service.plans.create(2021, draft=plan_2021())
    first_section = service.plans.sections(source.id or 0)[0]
    first, second, *_ = service.plans.activities(first_section.id or 0)
    service.plans.retire_activity(first.id or 0, date(2021, 10, 1))
    copy = service.plans.create(2022, copy_from=2021)
    assert copy.title.endswith("2022") and copy.state is PlanState.DRAFT
    copied = service.plans.sections(copy.id or 0)
    assert [s.title for s in copied] == [s.title for s in service.plans.sections(source.id or 0)]
    texts = [a.text for a in service.plans.activities(copied[0].id or 0)]
    assert first.text not in texts and texts[0] == second.text and len(texts) == 6
    assert ("plan.copy", str(copy.id), f"from:{source.id}") in _actions(service)
    before = _state(service)
    with pytest.raises(NoPlanForYear):
        service.plans.create(2023, copy_from=2019)
    assert _state(service) == before


def test_sections_are_added_renamed_reordered_and_removed_only_when_empty(
    service: VaultService,
) -> None:
    plan = service.plans.create(2026)
    extra = service.plans.add_section(plan.id or 0, "Öppna rum för unga")
    assert extra.position == 5 and extra.code == "OPPNA_RUM_FOR_UNGA"
    renamed = service.plans.rename_section(extra.id or 0, "Öppna rum och lokaler")
    assert renamed.title == "Öppna rum och lokaler"
    order = service.plans.move_section(extra.id or 0, 1)
    assert order[0].id == extra.id and [s.position for s in order] == [1, 2, 3, 4, 5]
    assert [s.id for s in service.plans.sections(plan.id or 0)] == [s.id for s in order]

    service.plans.add_activity(extra.id or 0, ActivityDraft("Lokalgenomgång"))
    before = _state(service)
    with pytest.raises(SectionNotEmpty):
        service.plans.remove_section(extra.id or 0)
    assert _state(service) == before
    with pytest.raises(IdentifiersFound):
        service.plans.rename_section(extra.id or 0, PERSONNUMMER)
    assert _state(service) == before

    empty = service.plans.sections(plan.id or 0)[-1]
    service.plans.remove_section(empty.id or 0)
    left = service.plans.sections(plan.id or 0)
    assert len(left) == 4 and [s.position for s in left] == [1, 2, 3, 4]
    assert ("section.remove", str(empty.id), "") in _actions(service)


def test_activities_are_added_edited_moved_retired_and_deleted_without_follow_ups(
    service: VaultService,
) -> None:
    plan = service.plans.create(2026)
    one, two, *_ = service.plans.sections(plan.id or 0)
    a = service.plans.add_activity(
        one.id or 0, ActivityDraft("Samverkan med skolor", "Enhetschef", "2026", "T1, T2, VB")
    )
    b = service.plans.add_activity(one.id or 0, ActivityDraft("Föräldramöten"))
    assert (a.position, b.position) == (1, 2)
    assert ("activity.add", str(a.id), "text,responsible,timeline,followup") in _actions(service)

    edited = service.plans.edit_activity(a.id or 0, timeline="våren 2026", responsible="Rektor")
    assert (edited.text, edited.responsible, edited.timeline) == (
        "Samverkan med skolor",
        "Rektor",
        "våren 2026",
    )
    assert ("activity.edit", str(a.id), "responsible,timeline") in _actions(service)

    moved = service.plans.move_activity(b.id or 0, position=1)
    assert moved.position == 1 and service.plans.activity(a.id or 0).position == 2
    elsewhere = service.plans.move_activity(b.id or 0, section_id=two.id)
    assert elsewhere.section_id == two.id and elsewhere.position == 1
    assert [x.position for x in service.plans.activities(one.id or 0)] == [1]

    # Identifiers are refused unless accepted, and a refusal saves nothing.
    before = _state(service)
    with pytest.raises(IdentifiersFound):
        service.plans.add_activity(one.id or 0, ActivityDraft(PERSONNUMMER))
    with pytest.raises(IdentifiersFound):
        service.plans.edit_activity(a.id or 0, text=PERSONNUMMER)
    with pytest.raises(InputRefused):
        service.plans.edit_activity(a.id or 0, text="   ")
    assert _state(service) == before
    accepted = service.plans.add_activity(
        one.id or 0, ActivityDraft(PERSONNUMMER), accept_findings=True
    )
    assert "811218" not in str(_actions(service))

    service.plans.add_followup(
        FollowUp(a.id or 0, Period.parse("T1 2026"), "PAGAR", "", date(2026, 4, 20))
    )
    before = _state(service)
    with pytest.raises(ActivityHasFollowUps):
        service.plans.delete_activity(a.id or 0)
    assert _state(service) == before
    retired = service.plans.retire_activity(a.id or 0, date(2026, 5, 1))
    assert retired.retired_on == date(2026, 5, 1)
    assert len(service.plans.followups(a.id or 0)) == 1  # the history stays
    service.plans.delete_activity(accepted.id or 0)
    assert [x.id for x in service.plans.activities(one.id or 0)] == [a.id]


def test_the_decision_and_the_revisions_after_it_are_audited(service: VaultService) -> None:
    plan = service.plans.create(2026)
    section = service.plans.sections(plan.id or 0)[0]
    act = service.plans.add_activity(section.id or 0, ActivityDraft("Samverkan med skolor"))
    assert not any(a == "plan.revise" for a, _id, _d in _actions(service))

    decided = service.plans.decide(plan.id or 0, date(2026, 2, 12), "HVN 2026/0012")
    assert decided.state is PlanState.DECIDED and decided.decided_on == date(2026, 2, 12)
    assert service.plans.of_year(2026).diarienummer == "HVN 2026/0012"
    assert ("plan.decide", str(plan.id), "state,decided_on,diarienummer") in _actions(service)
    before = _state(service)
    with pytest.raises(InputRefused):
        service.plans.decide(plan.id or 0, date(2026, 3, 1), "")
    assert _state(service) == before

    service.plans.edit_activity(act.id or 0, timeline="hösten 2026")
    service.plans.add_section(plan.id or 0, "Uppföljning med polisen")
    revisions = [(i, d) for a, i, d in _actions(service) if a == "plan.revise"]
    assert revisions[::-1] == [
        (str(plan.id), f"activity.edit:{act.id}:timeline"),
        (str(plan.id), f"section.add:{revisions[0][1].split(':')[1]}:title"),
    ]
    assert "hösten" not in str(_actions(service))


def test_section_titles_are_matched_on_their_first_words() -> None:
    titles = [title for _code, title in STANDARD_SECTIONS]
    assert match_section(titles, "förebyggande") == 0
    assert match_section(titles, "  FÖRHINDRANDE   aktiviteter ") == 1
    assert match_section(titles, "Aktiviteter föreningsbidrag") == 2
    with pytest.raises(NoSuchSection):
        match_section(titles, "Förebyggande arbete")
    with pytest.raises(NoSuchSection):
        match_section(titles, "")
    with pytest.raises(AmbiguousSection):
        match_section(["Skola och fritid", "Skola och socialtjänst"], "skola och")


def test_a_vault_at_revision_0005_opens_upgraded_with_its_plan(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    vault, _recovery = Vault.create(folder, PASSPHRASE, kdf=fast_kdf())
    service = VaultService(vault)
    service.plans.create(2021, draft=plan_2021())
    engine = vault.require_engine()
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(action_plan)"))}
        assert "state" not in columns
        conn.execute(text("PRAGMA user_version = 5"))
    vault.close()
    with Vault.open(folder, passphrase=PASSPHRASE) as upgraded:
        svc = VaultService(upgraded)
        assert svc.info().schema_version == "0006" == schema.head_revision()
        (plan,) = svc.plans.all()
        assert plan.state is PlanState.DRAFT and plan.diarienummer == ""
        sections = svc.plans.sections(plan.id or 0)
        acts = svc.plans.activities(sections[0].id or 0)
        assert len(acts) == 7 and all(a.retired_on is None for a in acts)
        svc.plans.decide(plan.id or 0, date(2021, 2, 18), "")
        assert svc.plans.of_year(2021).state is PlanState.DECIDED
