"""The service layer over a real vault: incidents, search, plan follow-up, training, audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.errors import InputRefused
from vbedesk.guard import FindingKind
from vbedesk.incidents import FIELDS
from vbedesk.model import FollowUp, Incident, IncidentFilter, Period, TrainingCount
from vbedesk.storage.service import IdentifiersFound, VaultService
from vbedesk.storage.vault import Vault


def _incident(**changes: object) -> Incident:
    base: dict[str, object] = {
        "received_on": date(2021, 3, 2),
        "incident_types": frozenset({"KLISTERMARKEN"}),
        "environment": "HOGER",
    }
    base.update(changes)
    return Incident(**base)  # type: ignore[arg-type]


def test_add_and_read_back_every_field(service: VaultService) -> None:
    from datetime import time

    full = _incident(
        occurred_on=date(2021, 3, 1),
        occurred_time=time(22, 15),
        occurred_until=date(2021, 3, 2),
        area="VALLINGBY",
        place_type="PARK_LEKPLATS"
        if "PARK_LEKPLATS" in service.taxonomies.place_types.codes()
        else service.taxonomies.place_types.codes()[0],
        reporting_unit=service.taxonomies.reporting_units.codes()[0],
        reporter_role=service.taxonomies.reporter_roles.codes()[0],
        incident_types=frozenset({"KLISTERMARKEN", "AFFISCHER"}),
        organisation="Nordiska motståndsrörelsen",
        concerns_individual=True,
        age_band="UNDER_18",
        description="Klistermärken på lyktstolpar vid torget.",
        actions_taken=frozenset({"MATERIAL_AVLAGSNAT"}),
        consent="EJ_AKTUELLT",
        feedback_on=date(2021, 3, 10),
        status="PAGAR",
    )
    saved = service.incidents.add(full).incident
    assert saved.id is not None
    again = service.incidents.get(saved.id)
    for field in FIELDS:
        if field == "retain_until":
            continue
        assert getattr(again, field) == getattr(full, field), field
    # Retention comes from the settings (5 years by default).
    assert again.retain_until == date(2026, 3, 2)


def test_unknown_code_is_refused_naming_the_value_and_nothing_is_saved(
    service: VaultService,
) -> None:
    with pytest.raises(InputRefused) as info:
        service.incidents.add(_incident(environment="PURPLE"))
    assert "PURPLE" in str(info.value)
    assert service.incidents.count() == 0


def test_a_personnummer_blocks_the_save_until_accepted(service: VaultService) -> None:
    text_with_id = "Eleven med personnummer 811218-9876 uppgav hot."
    with pytest.raises(IdentifiersFound) as info:
        service.incidents.add(_incident(description=text_with_id))
    assert "811218" not in str(info.value)
    assert {f.kind for f in info.value.findings} == {FindingKind.PERSONNUMMER}
    assert service.incidents.count() == 0
    result = service.incidents.add(_incident(description=text_with_id), accept_findings=True)
    assert result.findings and result.findings[0][1].kind is FindingKind.PERSONNUMMER
    assert service.audit_entries(1)[0].detail == "accepted-findings"


def test_warnings_do_not_block(service: VaultService) -> None:
    result = service.incidents.add(_incident(description="Klotter på Vällingbyvägen 12."))
    assert [f.kind for _, f in result.findings] == [FindingKind.STREET_ADDRESS]
    assert service.incidents.count() == 1


def test_update_records_changed_field_names_only(service: VaultService) -> None:
    saved = service.incidents.add(_incident(description="första versionen")).incident
    from dataclasses import replace

    service.incidents.update(replace(saved, description="andra versionen", status="AVSLUTAD"))
    entry = service.audit_entries(1)[0]
    assert entry.action == "incident.update"
    assert entry.detail == "description,status"
    assert "versionen" not in entry.detail


def test_import_is_all_or_nothing(service: VaultService) -> None:
    good = [_incident(description=f"klotter {n}") for n in range(5)]
    bad = [*good, _incident(description="ring 070-123 45 67")]
    with pytest.raises(IdentifiersFound) as info:
        service.incidents.import_many(bad)
    assert info.value.record == 6
    assert service.incidents.count() == 0
    assert len(service.incidents.import_many(good)) == 5


def test_list_is_sorted_filtered_and_paged_in_sql(demo_vault: DemoVault) -> None:
    with Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault:
        svc = VaultService(vault)
        everything = svc.incidents.list_full(limit=1000)
        assert len(everything) == 80
        dates = [i.received_on for i in everything]
        assert dates == sorted(dates, reverse=True)
        page1 = svc.incidents.list_full(limit=10)
        page2 = svc.incidents.list_full(limit=10, offset=10)
        assert [i.id for i in page1 + page2] == [i.id for i in everything[:20]]
        y2021 = svc.incidents.list_full(IncidentFilter(year=2021), limit=1000)
        assert y2021 and all(i.received_on.year == 2021 for i in y2021)
        assert svc.incidents.count(IncidentFilter(year=2021)) == len(y2021)
        env = everything[0].environment
        assert all(
            i.environment == env for i in svc.incidents.list_full(IncidentFilter(environment=env))
        )
        kind = sorted(everything[0].incident_types)[0]
        typed = svc.incidents.list_full(IncidentFilter(incident_type=kind), limit=1000)
        assert typed and all(kind in i.incident_types for i in typed)
        with pytest.raises(InputRefused):
            svc.incidents.list_full(sort="description; DROP TABLE incident")


def test_text_search_keeps_swedish_letters_apart(service: VaultService) -> None:
    service.incidents.add(_incident(description="Ungdomar får flygblad"))
    service.incidents.add(_incident(description="En far ringde om klotter"))
    assert service.incidents.count(IncidentFilter(text="får")) == 1
    assert service.incidents.count(IncidentFilter(text="far")) == 1
    assert service.incidents.count(IncidentFilter(text="flyg")) == 1  # prefix
    # FTS syntax cannot be injected: quotes, operators and stars are plain text.
    assert service.incidents.count(IncidentFilter(text='" OR * NEAR(')) == 0


def test_year_counts_by_environment_and_type(service: VaultService) -> None:
    service.incidents.add(_incident(incident_types=frozenset({"KLOTTER", "HOT"})))
    service.incidents.add(_incident(incident_types=frozenset({"KLOTTER"})))
    service.incidents.add(_incident(received_on=date(2020, 1, 5)))
    counts = service.situation.year_counts(2021)
    assert counts == {("HOGER", "KLOTTER"): 2, ("HOGER", "HOT"): 1}


def test_the_demo_plan_and_follow_up_round_trip(demo_vault: DemoVault) -> None:
    with Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault:
        svc = VaultService(vault)
        (plan,) = svc.plans.all()
        assert plan.year == 2021
        sections = svc.plans.sections(plan.id or 0)
        assert [len(svc.plans.activities(s.id or 0)) for s in sections] == [7, 5, 2, 2]
        activity = svc.plans.activities(sections[0].id or 0)[0]
        period = Period.parse("VB 2021")
        fu = svc.plans.add_followup(
            FollowUp(
                activity_id=activity.id or 0,
                period=period,
                status="GENOMFORD",
                comment="Genomfört på tre skolor under hösten.",
                noted_on=date(2022, 1, 20),
            )
        )
        assert svc.plans.followups(activity.id or 0, period) == [fu]
        with pytest.raises(InputRefused):
            svc.plans.add_followup(
                FollowUp(
                    activity_id=activity.id or 0,
                    period=period,
                    status="KLAR",
                    comment="",
                    noted_on=date(2022, 1, 20),
                )
            )
        assert len(svc.plans.followups(activity.id or 0)) == 1


def test_training_counts_keep_history_and_refuse_nonsense(service: VaultService) -> None:
    unit = service.training.units()[0].code
    course = service.training.courses()[0].code
    service.training.add_count(TrainingCount(unit, course, 20, 5, date(2021, 4, 30)))
    service.training.add_count(TrainingCount(unit, course, 20, 12, date(2021, 8, 31)))
    assert [c.completed for c in service.training.counts()] == [5, 12]
    (latest,) = service.training.counts(latest_only=True)
    assert latest.completed == 12 and latest.share_completed == pytest.approx(0.6)
    with pytest.raises(InputRefused):
        service.training.add_count(TrainingCount(unit, course, 10, 11, date(2021, 12, 31)))
    with pytest.raises(InputRefused):
        service.training.add_count(TrainingCount("NOPE", course, 10, 1, date(2021, 12, 31)))
    assert len(service.training.counts()) == 2


def test_contacts_and_references_are_shipped_into_every_vault(service: VaultService) -> None:
    phones = {c.phone for c in service.contacts.all()}
    assert "112" in phones
    assert any(not c.verified_on for c in service.contacts.all())
    assert service.legal.all()


def test_settings_are_validated(service: VaultService) -> None:
    assert service.settings().small_cell_threshold == 3
    assert service.set_setting("autolock_minutes", "10").autolock_minutes == 10
    for key, value in (("autolock_minutes", 0), ("autolock_minutes", "ten"), ("nope", 1)):
        with pytest.raises(InputRefused):
            service.set_setting(key, value)
    assert service.settings().autolock_minutes == 10


def test_check_passes_then_finds_a_rewritten_audit_row(service: VaultService) -> None:
    service.incidents.add(_incident())
    service.incidents.add(_incident())
    report = service.check()
    assert report.ok and report.audit_rows >= 3
    # The audit log refuses edits through SQL...
    engine = service.vault.require_engine()
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = 'x' WHERE id = 2"))
    # ...and an attacker who drops the trigger is caught by the chain.
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET detail = 'forged' WHERE id = 2"))
    report = service.check()
    assert not report.ok and report.audit_first_broken == 2


def test_info_summarises(demo_vault: DemoVault) -> None:
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        info = VaultService(vault).info()
    assert info.counts["incidents"] == 80
    assert info.counts["activities"] == 16
    assert set(info.incidents_by_year) == {2020, 2021}
    assert info.generation >= 1
    assert info.sqlcipher_version.startswith("4.")


def test_drafts_are_kept_in_the_vault_and_survive_a_lock(service: VaultService) -> None:
    service.drafts.save("incident", "new", {"description": "halvfärdig text", "area": "VINSTA"})
    service.drafts.save("incident", "new", {"description": "ändrad text", "area": "VINSTA"})
    folder = service.vault.folder
    service.vault.close()
    with Vault.open(folder, passphrase=PASSPHRASE) as vault:
        svc = VaultService(vault)
        (draft,) = svc.drafts.all("incident")
        assert draft.payload == {"description": "ändrad text", "area": "VINSTA"}
        svc.drafts.discard("incident", "new")
        assert svc.drafts.all() == []


def test_copy_plan_to_year_copies_sections_and_activities_not_followups(
    demo_vault: DemoVault,
) -> None:
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        svc = VaultService(vault)
        (plan,) = svc.plans.all()
        first = svc.plans.activities(svc.plans.sections(plan.id or 0)[0].id or 0)[0]
        svc.plans.add_followup(
            FollowUp(first.id or 0, Period.parse("VB 2021"), "GENOMFORD", "klart", date(2022, 2, 1))
        )
        audit_before = len(svc.audit_entries(limit=10_000))
        copy = svc.plans.copy_to_year(plan.id or 0, 2022)
        assert copy.year == 2022 and copy.title.endswith("2022") and copy.district == plan.district
        assert [p.year for p in svc.plans.all()] == [2021, 2022]
        old = svc.plans.sections(plan.id or 0)
        new = svc.plans.sections(copy.id or 0)
        assert [(s.code, s.title) for s in new] == [(s.code, s.title) for s in old]
        old_acts = [a for s in old for a in svc.plans.activities(s.id or 0)]
        new_acts = [a for s in new for a in svc.plans.activities(s.id or 0)]
        assert len(new_acts) == 16
        assert [(a.text, a.responsible, a.timeline, a.followup) for a in new_acts] == [
            (a.text, a.responsible, a.timeline, a.followup) for a in old_acts
        ]
        assert all(svc.plans.followups(a.id or 0) == [] for a in new_acts)
        assert len(svc.plans.followups(first.id or 0)) == 1
        entries = svc.audit_entries(limit=10_000)
        assert len(entries) == audit_before + 1 and entries[0].action == "plan.copy"
        with pytest.raises(InputRefused):
            svc.plans.copy_to_year(plan.id or 0, 2022)
        assert len(svc.audit_entries(limit=10_000)) == audit_before + 1
        assert len(svc.plans.all()) == 2


def test_list_rows_match_the_full_incidents(demo_vault: DemoVault) -> None:
    with Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault:
        svc = VaultService(vault)
        for flt in (IncidentFilter(), IncidentFilter(year=2020), IncidentFilter(text="klotter")):
            full = svc.incidents.list_full(flt, sort="area", descending=False, limit=50)
            rows = svc.incidents.list_rows(flt, sort="area", descending=False, limit=50)
            assert [
                (
                    i.id,
                    i.received_on,
                    i.area,
                    i.environment,
                    tuple(sorted(i.incident_types)),
                    i.status,
                )
                for i in full
            ] == [
                (r.id, r.received_on, r.area, r.environment, r.incident_types, r.status)
                for r in rows
            ]


def test_a_followup_comment_with_a_phone_number_is_held_back(demo_vault: DemoVault) -> None:
    with Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault:
        svc = VaultService(vault)
        (plan,) = svc.plans.all()
        activity = svc.plans.activities(svc.plans.sections(plan.id or 0)[0].id or 0)[0]
        followup = FollowUp(
            activity_id=activity.id or 0,
            period=Period.parse("T1 2021"),
            status="PAGAR",
            comment="Ring samordnaren på 070-123 45 67.",
            noted_on=date(2021, 4, 20),
        )
        with pytest.raises(IdentifiersFound):
            svc.plans.add_followup(followup)
        assert svc.plans.followups(activity.id or 0) == []
        svc.plans.add_followup(followup, accept_findings=True)
        assert len(svc.plans.followups(activity.id or 0)) == 1


def test_threads_share_the_one_connection_one_unit_of_work_at_a_time(
    service: VaultService,
) -> None:
    """A worker thread writing while another reads: every save lands, no read fails.

    The engine has one connection; without the vault's lock a read on one thread would
    run inside, or roll back, the other thread's open write transaction.
    """
    import threading

    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                service.incidents.list_rows(limit=50)
                service.incidents.count()
                service.situation.year_counts(2021)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        saved = [service.incidents.add(_incident()).incident.id for _ in range(40)]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert service.incidents.count() == 40
    ids = sorted(row.id for row in service.incidents.list_rows(limit=100))
    assert ids == sorted(i for i in saved if i is not None)  # 40 ids: none of them missing
