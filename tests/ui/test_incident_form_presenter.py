"""What the incident form does, over a real vault and without a widget
(incident_form_presenter)."""

from __future__ import annotations

from datetime import date
from typing import Any

from vbedesk.guard import FindingKind
from vbedesk.incidents import incident_to_dict
from vbedesk.routine import CaseLog
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.incident_form_presenter import (
    DRAFT_KIND,
    IncidentFormPresenter,
    Saved,
)
from vbedesk.ui.dialogs.wizard_presenter import CallPresenter

PNR = "811218-9876"


def _values(service: VaultService, **changes: Any) -> dict[str, Any]:
    """What a filled-in form gives (the shape of ``IncidentFormView.values()``)."""
    values: dict[str, Any] = {
        "received_on": date.today().isoformat(),
        "occurred_on": None,
        "environment": "HOGER",
        "incident_types": list(service.taxonomies.incident_types.codes()[:1]),
        "area": "VALLINGBY",
        "organisation": None,
        "concerns_individual": False,
        "description": "Klistermärken vid hållplatsen.",
        "actions_taken": [],
    }
    values.update(changes)
    return values


def _case_log(service: VaultService) -> CaseLog:
    """A finished call that only gave advice (N1–N3 no, nobody else told, no feedback)."""
    call = CallPresenter(service)
    call.go_on([])
    for answer in ("NEJ", "NEJ", "NEJ"):
        call.answer(answer)
    for _action in range(3):
        call.go_on([])
    call.go_on(["INGEN"])
    call.answer("NEJ")
    assert call.finished
    return call.case_log()


def test_a_refusal_names_the_field_as_the_form_shows_it(service: VaultService) -> None:
    form = IncidentFormPresenter(service)
    assert form.title() == "New incident"
    saved = form.save(_values(service, incident_types=[]))
    assert saved == Saved(
        refusal="The field Types of incident needs at least one code.", field="incident_types"
    )
    later = form.save(_values(service, occurred_on="2020-01-02", occurred_until="2019-01-01"))
    assert later.incident_id is None
    assert "Occurred until" in later.refusal and "Occurred on" in later.refusal
    assert service.incidents.count() == 0


def test_identifiers_hold_the_text_back_until_the_user_accepts_them(
    service: VaultService,
) -> None:
    form = IncidentFormPresenter(service)
    values = _values(service, description=f"Lämnade av {PNR}.", organisation="info@example.org")
    held = form.save(values)
    assert held.incident_id is None and held.held_back
    [finding] = held.description_findings
    assert finding.kind == FindingKind.PERSONNUMMER
    first, *others = held.refusal.splitlines()
    assert "personal identifiers" in first
    assert [line.split(":")[0] for line in others] == ["Organisation"]
    assert PNR not in held.refusal and "info@example.org" not in held.refusal
    assert service.incidents.count() == 0

    stored = form.save(values, accept_findings=True)
    assert stored.incident_id is not None and not stored.held_back
    assert PNR in service.incidents.get(stored.incident_id).description
    assert form.title() == f"Incident {stored.incident_id}"


def test_a_draft_is_kept_only_after_an_edit_and_cancel_drops_it(service: VaultService) -> None:
    form = IncidentFormPresenter(service)
    assert form.keep_draft(_values(service)) == ""
    assert service.drafts.all(DRAFT_KIND) == []  # nothing edited yet
    form.dirty = True
    assert form.keep_draft(_values(service, organisation="Nordiska motståndsrörelsen")) == ""
    assert not form.dirty
    [draft] = service.drafts.all(DRAFT_KIND)
    assert draft.ref == "new" and draft.payload["organisation"] == "Nordiska motståndsrörelsen"
    form.dirty = True
    form.cancel()
    assert not form.dirty and service.drafts.all(DRAFT_KIND) == []


def test_saving_drops_the_draft_and_an_edit_keeps_what_the_form_does_not_show(
    demo: VaultService,
) -> None:
    row = demo.incidents.list_full(limit=1)[0]
    assert row.id is not None
    incident = demo.incidents.get(row.id)
    form = IncidentFormPresenter(demo, incident)
    values = incident_to_dict(incident)
    del values["id"]  # the form's fields do not hold it
    form.dirty = True
    form.keep_draft({**values, "status": "AVSLUTAD"})
    [draft] = demo.drafts.all(DRAFT_KIND)
    assert draft.ref == str(incident.id) and draft.payload["id"] == incident.id

    saved = form.save({**values, "status": "AVSLUTAD"})
    assert saved.incident_id == incident.id
    edited = demo.incidents.get(row.id)
    assert edited.status == "AVSLUTAD"
    assert (edited.is_demo, edited.created_at) == (incident.is_demo, incident.created_at)
    assert demo.drafts.all(DRAFT_KIND) == []
    assert demo.incidents.count() == 80


def test_a_calls_form_hands_its_input_to_the_call_and_stores_the_case_log_with_it(
    service: VaultService,
) -> None:
    handed: list[dict[str, Any] | None] = []
    form = IncidentFormPresenter(service, case_log=_case_log(service), hand_over=handed.append)
    assert form.for_call
    form.dirty = True
    assert form.keep_draft(_values(service)) == ""
    assert handed == [_values(service)] and service.drafts.all(DRAFT_KIND) == []
    form.dirty = True
    form.cancel()
    assert handed[-1] is None

    saved = form.save(_values(service))
    assert saved.incident_id is not None and saved.case_log is not None
    [log] = service.case_logs.search()
    assert log.id == saved.case_log.id and log.incident_id == saved.incident_id
    stored = service.incidents.get(saved.incident_id)
    assert form.incident == stored and form.case_log is None

    # The stored incident lists the call behind it.
    again = IncidentFormPresenter(service, stored)
    [(log_id, line)] = again.case_log_lines()
    assert log_id == log.id
    assert f"routine {log.routine_version}, {len(log.answers)} answers" in line
    assert IncidentFormPresenter(service).case_log_lines() == []
