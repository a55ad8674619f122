"""What a call does, over a real vault and without a widget (wizard_presenter)."""

from __future__ import annotations

from datetime import date

from tests.ui.conftest import JOUR, StepClock
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.wizard_presenter import (
    DRAFT_KIND,
    FORM_KEY,
    CallPresenter,
    Move,
    call_draft,
)


def _call(service: VaultService) -> CallPresenter:
    return CallPresenter(service, clock=StepClock())


def _to_n8(call: CallPresenter) -> None:
    """N0 taken, N1–N3 no, N5–N7 done: the multi-choice of who else is told."""
    assert call.go_on([]).moved
    for answer in ("NEJ", "NEJ", "NEJ"):
        assert call.answer(answer).moved
    for _action in range(3):
        assert call.go_on([]).moved
    assert call.current.id == "N8"


def _to_the_end(call: CallPresenter) -> None:
    _to_n8(call)
    assert call.go_on(["INGEN"]).moved
    assert call.answer("NEJ").moved  # N9: no feedback
    assert call.finished


def test_an_answer_moves_the_call_and_a_refusal_leaves_it_where_it_is(
    service: VaultService,
) -> None:
    call = _call(service)
    assert call.current.id == "N0" and not call.can_go_back
    assert call.go_on([]) == Move(True)  # an action step: done
    assert call.current.id == "N1"
    refused = call.answer("XYZ")
    assert not refused.moved and "XYZ" in refused.refusal
    assert call.go_on([]) == Move(False)  # a question wants an answer, silently
    assert call.current.id == "N1" and call.answered() == 1
    assert call.answer("NEJ").moved
    assert call.current.id == "N2" and call.answered() == 2
    assert call.go_back() == Move(True)
    assert call.current.id == "N1" and call.answered() == 1
    assert call.go_back().moved and not call.go_back().moved  # nothing before N0


def test_a_multi_choice_wants_a_tick_and_none_goes_alone(service: VaultService) -> None:
    call = _call(service)
    _to_n8(call)
    assert call.go_on([]) == Move(False, "Tick at least one answer.")
    assert call.unticked_by("INGEN") == ["POLIS", "CENTRAL_SAMORDNARE", "TERROR", "RAD"]
    assert call.unticked_by("POLIS") == ["INGEN"]
    assert call.go_on(["POLIS", "TERROR"]).moved
    assert call.current.id == "A8a"  # each chosen branch is shown


def test_the_notes_of_each_step_go_into_the_draft_and_come_back(service: VaultService) -> None:
    call = _call(service)
    call.go_on([])
    call.keep_notes("n1 anteckning")
    call.answer("NEJ")
    assert call.current_notes() == ""
    call.keep_notes("n2 anteckning")
    call.go_back()
    assert call.current_notes() == "n1 anteckning"
    assert call.save_draft() == ""
    draft = call_draft(service)
    assert draft is not None and draft.kind == DRAFT_KIND
    assert draft.payload["current_step"] == "N1"
    assert draft.payload["step_notes"] == {"N1": "n1 anteckning", "N2": "n2 anteckning"}

    resumed = CallPresenter(service, draft=draft.payload, clock=StepClock())
    assert resumed.current.id == "N1"
    assert resumed.session.answers == call.session.answers
    assert resumed.current_notes() == "n1 anteckning"
    assert resumed.answer("NEJ").moved
    assert resumed.current_notes() == "n2 anteckning"


def test_the_case_log_puts_the_notes_in_call_order_and_marks_those_off_the_path(
    service: VaultService,
) -> None:
    call = _call(service)
    call.go_on([])
    call.keep_notes("first")
    call.answer("NEJ")
    call.keep_notes("left behind")  # N2, then back and another way
    call.go_back()
    call.answer("JA")  # acute danger: 112 first
    assert call.current.id == "A1"
    assert call.combined_notes() == "N1: first\nN2 (not on the final path): left behind"


def test_identifiers_in_the_notes_hold_the_case_log_back_until_accepted(
    service: VaultService,
) -> None:
    call = _call(service)
    _to_n8(call)
    call.keep_notes("ring 070-123 45 67")
    call.go_on(["INGEN"])
    call.answer("NEJ")
    assert call.finished
    call.keep_notes("ignored")  # the summary has no notes of its own
    call.save_draft()

    held = call.save_case_log()
    assert held.log is None and held.findings
    assert "personal identifiers" in held.refusal and "070" not in held.refusal
    assert service.case_logs.search() == [] and call_draft(service) is not None

    stored = call.save_case_log(accept_findings=True)
    assert stored.log is not None and stored.log.id is not None
    assert call.saved_log == stored.log
    [log] = service.case_logs.search()
    assert log.incident_id is None and "LAGESBILD_ENDAST" in log.outcomes
    assert log.notes == "N8: ring 070-123 45 67"
    assert call_draft(service) is None
    call.save_draft()  # a stored call keeps no draft any more
    assert call_draft(service) is None


def test_the_incident_form_of_a_finished_call_lives_in_the_calls_draft(
    service: VaultService,
) -> None:
    call = _call(service)
    _to_the_end(call)
    prefill = call.form_input()
    assert prefill == call.prefill()
    assert prefill["received_on"] == date.today().isoformat()
    assert prefill["concerns_individual"] is False
    typed = {**prefill, "description": "Affischer i tunneln"}
    assert call.keep_form(typed) == ""
    draft = call_draft(service)
    assert draft is not None and draft.payload[FORM_KEY] == typed

    resumed = CallPresenter(service, draft=draft.payload)
    assert resumed.finished and resumed.form_values == typed
    assert resumed.form_input() == typed
    assert resumed.keep_form(None) == ""
    draft = call_draft(service)
    assert draft is not None and FORM_KEY not in draft.payload

    # A call that is not finished has no form: input in its draft is not taken up.
    unfinished = dict(draft.payload)
    unfinished["answers"] = unfinished["answers"][:2]
    unfinished[FORM_KEY] = typed
    assert CallPresenter(service, draft=unfinished).form_values is None


def test_the_step_shows_its_contacts_with_their_numbers_and_the_call_time(
    service: VaultService,
) -> None:
    service.contacts.verify("SOCIALJOUR", JOUR, date(2026, 3, 1))
    clock = StepClock()
    call = CallPresenter(service, clock=clock)
    call.go_on([])
    for answer in ("NEJ", "JA"):  # N1 no danger, N2 yes → A2 (a police report)
        call.answer(answer)
    call.go_on([])
    call.answer("JA")  # N3: it concerns an individual
    call.answer("JA")  # N4: under 18 → A4
    assert call.current.id == "A4"
    codes = [code for code, _contact in call.step_contacts()]
    assert "SOCIALJOUR" in codes
    assert f"Socialjouren Stockholm: {JOUR}" in call.contact_text().splitlines()
    references = call.step_references()
    assert [code for code, _ref in references] == list(call.current.references)
    assert all(ref is not None and ref.citation for _code, ref in references)
    assert call.prefill()["age_band"] == "UNDER_18"
    # The clock was read at the start, at six answers and now: seven steps of 20 seconds.
    assert call.timer_text() == "Call time 02:20"
