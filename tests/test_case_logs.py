"""Routine versions and case logs in a real vault, and the case log commands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, run_cli
from vbedesk.errors import InputRefused as InputRefusedError
from vbedesk.model import Incident
from vbedesk.routine import (
    Choice,
    RoutineDefinition,
    RoutineInvalid,
    RoutineSession,
    StepKind,
    shipped_content,
)
from vbedesk.storage.service import IdentifiersFound, VaultService

T0 = datetime(2025, 3, 4, 9, 0)
CHILD = {"N1": "JA", "N2": "JA", "N3": "JA", "N4": "JA", "N8": ["POLIS"], "N9": "NEJ"}
PROPAGANDA = {"N1": "NEJ", "N2": "NEJ", "N3": "NEJ", "N8": ["INGEN"], "N9": "NEJ"}


def finished(definition: RoutineDefinition, answers: Mapping[str, Choice]) -> RoutineSession:
    session = RoutineSession.start(definition, T0)
    n = 0
    while not session.finished:
        n += 1
        step = session.current
        move = None if step.kind == StepKind.ACTION else answers[step.id]
        session.answer(move, T0 + timedelta(minutes=n))
    return session


def incident_from(session: RoutineSession, description: str) -> Incident:
    fields = session.prefill_incident()
    return Incident(
        received_on=date(2025, 3, 4),
        incident_types=frozenset({"ORO_INDIVID"}),
        environment="HOGER",
        description=description,
        **fields,  # type: ignore[arg-type]
    )


def test_a_new_vault_keeps_the_shipped_routine_and_reading_it_writes_nothing(
    service: VaultService,
) -> None:
    audit_rows = len(service.audit_entries(1000))
    definition = service.routines.active()
    assert len(service.audit_entries(1000)) == audit_rows  # a read only
    assert (definition.id, definition.version) == ("stockholm-oro-handelse", "2025.1")
    versions = service.routines.versions()
    assert [(v.routine_id, v.version, v.active) for v in versions] == [
        ("stockholm-oro-handelse", "2025.1", True)
    ]
    assert service.routines.active() == definition
    assert any(e.action == "routine.load" for e in service.audit_entries())


def test_load_a_revised_routine_keeps_the_old_version(service: VaultService) -> None:
    old = service.routines.active()
    revised_text = shipped_content().replace('version = "2025.1"', 'version = "2026.1"')
    revised_text = revised_text.replace("Ring 112 nu", "Ring 112 omedelbart")
    revised = service.routines.load(revised_text)
    assert revised.version == "2026.1"
    again = service.routines.active()
    assert again.version == "2026.1" and "omedelbart" in again.step("A1").text.sv
    assert [(v.version, v.active) for v in service.routines.versions()] == [
        ("2025.1", False),
        ("2026.1", True),
    ]
    assert (
        service.routines.definition(old.id, "2025.1").step("A1").text.sv.startswith("Ring 112 nu")
    )
    # The same version with other content is refused; the same content again is fine.
    with pytest.raises(Exception, match="already kept with other content"):
        service.routines.load(revised_text.replace("omedelbart", "genast"))
    assert service.routines.load(shipped_content()).version == "2025.1"
    assert service.routines.active().version == "2025.1"


def test_a_routine_with_a_cycle_is_refused_naming_the_step(service: VaultService) -> None:
    broken = shipped_content().replace('version = "2025.1"', 'version = "x"')
    broken = broken.replace('next = "N6"', 'next = "N1"')  # N5 → N1: a loop
    with pytest.raises(RoutineInvalid) as info:
        service.routines.load(broken)
    texts = [p.text() for p in info.value.problems]
    assert any(t.startswith("Step N1: the routine loops back") for t in texts), texts
    assert "x" not in {v.version for v in service.routines.versions()}


def test_a_routine_naming_a_contact_the_vault_lacks_is_refused(service: VaultService) -> None:
    broken = shipped_content().replace('contacts = ["CVE_STODTELEFON"]', 'contacts = ["NY"]')
    with pytest.raises(RoutineInvalid) as info:
        service.routines.load(broken)
    assert [(p.step, p.text()) for p in info.value.problems] == [
        ("A8d", "Step A8d: unknown contact 'NY'.")
    ]


def test_case_log_saved_with_its_prefilled_incident(service: VaultService) -> None:
    definition = service.routines.active()
    session = finished(definition, CHILD)
    session.notes = "Rektor ringde om oro för en elev; polisen kontaktad."
    incident = incident_from(session, "Oro för att en elev söker sig till en våldsbejakande miljö.")
    log = service.case_logs.save(session.case_log(T0 + timedelta(minutes=40)), incident)
    assert log.id is not None and log.incident_id is not None
    stored = service.incidents.get(log.incident_id)
    assert stored.concerns_individual and stored.age_band == "UNDER_18"
    assert stored.actions_taken == {
        "LARM_112",
        "POLISANMALAN",
        "OROSANMALAN",
        "CHEF_INFORMERAD",
        "LOKALPOLIS_INFORMERAD",
    }
    assert log.outcomes == {"AKUT_112", "POLISANMALD", "OROSANMALAN_BARN", "VIDAREBEFORDRAD"}
    assert log.routine_version == "2025.1"
    assert log.answers == session.recorded
    assert log.started_at == T0 and log.ended_at == T0 + timedelta(minutes=40)

    other = finished(definition, PROPAGANDA)
    service.case_logs.save(
        other.case_log(T0 + timedelta(hours=2), notes="Klistermärken på torget.")
    )

    assert [c.id for c in service.case_logs.for_incident(log.incident_id)] == [log.id]
    assert [c.id for c in service.case_logs.search("elev")] == [log.id]
    assert [c.outcomes for c in service.case_logs.search("klistermärken")] == [{"LAGESBILD_ENDAST"}]
    assert [c.notes for c in service.case_logs.search("LAGESBILD")] == ["Klistermärken på torget."]
    assert len(service.case_logs.search()) == 2 and service.case_logs.search("100%") == []
    assert service.case_logs.get(log.id) == log


def test_case_log_with_a_personnummer_is_refused_unless_accepted(service: VaultService) -> None:
    definition = service.routines.active()
    session = finished(definition, PROPAGANDA)
    log = session.case_log(T0 + timedelta(minutes=20), notes="Uppringaren nämnde 811218-9876.")
    before = service.info().counts["incidents"]
    with pytest.raises(IdentifiersFound):
        service.case_logs.save(log, incident_from(session, "Klistermärken."))
    assert service.case_logs.search() == [] and service.info().counts["incidents"] == before
    # The incident's own text is guarded as well.
    with pytest.raises(IdentifiersFound):
        service.case_logs.save(
            replace(log, notes=""), incident_from(session, "Personen 811218-9876 sågs.")
        )
    saved = service.case_logs.save(
        log, incident_from(session, "Klistermärken."), accept_findings=True
    )
    assert "811218-9876" in saved.notes
    entries = [e for e in service.audit_entries() if e.action == "caselog.add"]
    assert entries and entries[0].detail == "accepted-findings"
    assert all("811218" not in e.detail for e in service.audit_entries())


def test_case_log_must_name_a_kept_version(service: VaultService) -> None:
    definition = service.routines.active()
    log = finished(definition, PROPAGANDA).case_log(T0 + timedelta(minutes=5))
    with pytest.raises(Exception, match="not kept in the vault"):
        service.case_logs.save(replace(log, routine_version="9.9"))
    with pytest.raises(Exception, match="cannot end before"):
        service.case_logs.save(replace(log, ended_at=T0 - timedelta(minutes=1)))


def test_cli_caselog_list_and_show(service: VaultService) -> None:
    definition = service.routines.active()
    session = finished(definition, CHILD)
    saved = service.case_logs.save(
        session.case_log(T0 + timedelta(minutes=30), notes="Samtal från skola."),
        incident_from(session, "Oro för en elev."),
    )
    folder = str(service.vault.folder)
    service.vault.close()
    env = {"VBEDESK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}
    listed = run_cli("--vault", folder, "caselog", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"incident {saved.incident_id}" in listed.stdout and "1 case logs" in listed.stdout
    shown = run_cli("--vault", folder, "caselog", "show", str(saved.id), env=env)
    assert shown.returncode == 0, shown.stderr
    assert "stockholm-oro-handelse version 2025.1" in shown.stdout
    assert "N8: POLIS" in shown.stdout and "Samtal från skola." in shown.stdout
    missing = run_cli("--vault", folder, "caselog", "show", "999", env=env)
    assert missing.returncode == 3
    outline = run_cli("--vault", folder, "routine", "show", env=env)
    assert outline.returncode == 0 and "\nN8 [" in outline.stdout


def test_case_log_report_names_the_version_steps_outcomes_and_notes(
    service: VaultService,
) -> None:
    import io

    import pypdf

    from vbedesk.reports.catalog import Kind, Request, build

    definition = service.routines.active()
    session = finished(definition, CHILD)
    session.notes = "Rektorn ringde; polisen är kontaktad och socialtjänsten underrättad."
    log = service.case_logs.save(
        session.case_log(T0 + timedelta(minutes=12)), incident_from(session, "Oro för en elev.")
    )
    assert log.id is not None
    out = build(service, Request(Kind.CASELOG, item_id=log.id), created=date(2025, 3, 5))
    assert out.file_kind == "pdf" and out.filename == f"samtalslogg-{log.id}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(out.data))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    flat = " ".join(text.replace("-\n", "-").split())
    assert "stockholm-oro-handelse" in flat and "2025.1" in flat
    assert "12:00" in flat  # the duration, min:s
    first = definition.step(log.answers[0].step).text.get("en")  # the tests speak English
    assert " ".join(first.split())[:40] in flat
    for code in log.outcomes:
        assert " ".join(definition.outcome_label(code, "en").split()) in flat
    assert "socialtjänsten underrättad" in flat
    assert "verifiera mot stadens rutin" in flat  # the provenance line
    assert reader.metadata is not None and "Rektorn" not in str(reader.metadata)


def test_case_log_report_from_the_command_line(tmp_path: Path, service: VaultService) -> None:
    definition = service.routines.active()
    log = service.case_logs.save(
        finished(definition, PROPAGANDA).case_log(T0 + timedelta(minutes=5))
    )
    folder = service.vault.folder
    service.vault.close()
    env = {"VBEDESK_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "logg.pdf"
    result = run_cli(
        "--lang",
        "en",
        "--vault",
        str(folder),
        "report",
        "caselog",
        str(log.id),
        "--out",
        str(out),
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    missing = run_cli(
        "--lang",
        "en",
        "--vault",
        str(folder),
        "report",
        "caselog",
        "999",
        "--out",
        str(tmp_path / "none.pdf"),
        env=env,
    )
    assert missing.returncode == 3
    assert "No case log with id 999." in missing.stderr
    assert not (tmp_path / "none.pdf").exists()


def test_a_vault_made_before_the_routine_was_kept_stores_it_with_its_first_case_log(
    service: VaultService,
) -> None:
    from sqlalchemy import delete

    from vbedesk.storage.tables import RoutineDefinitionRow

    with service.store.write() as work:  # as a vault made before kept none
        work.session.execute(delete(RoutineDefinitionRow))
    assert service.routines.versions() == []
    definition = service.routines.active()  # the shipped file, read only
    assert service.routines.versions() == []
    log = service.case_logs.save(finished(definition, PROPAGANDA).case_log(T0))
    assert log.id is not None
    assert [(v.version, v.active) for v in service.routines.versions()] == [
        (definition.version, True)
    ]
    with pytest.raises(InputRefusedError):  # any other unknown version is still refused
        service.case_logs.save(
            replace(finished(definition, PROPAGANDA).case_log(T0), routine_version="9.9")
        )
