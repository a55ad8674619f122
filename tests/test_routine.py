"""The routine as data: the shipped definition, the validator and the engine, without Qt."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import run_cli
from vbedesk.routine import (
    FILE_ENTRY,
    RoutineDefinition,
    RoutineError,
    RoutineInvalid,
    RoutineSession,
    StepKind,
    check_definition,
    enumerate_paths,
    load_shipped,
    outline,
    parse_definition,
    shipped_content,
    shipped_context,
)

T0 = datetime(2025, 3, 4, 9, 0)
VIDARE = ("POLIS", "CENTRAL_SAMORDNARE", "TERROR", "RAD")


@pytest.fixture(scope="module")
def shipped() -> RoutineDefinition:
    return load_shipped(shipped_context())


def walk(definition: RoutineDefinition, *moves: object) -> RoutineSession:
    """A session moved through ``moves`` (None for an action step), a minute apart."""
    session = RoutineSession.start(definition, T0)
    for n, move in enumerate(moves, start=1):
        session.answer(move, T0 + timedelta(minutes=n))  # type: ignore[arg-type]
    return session


def walk_to_end(definition: RoutineDefinition, answers: dict[str, object]) -> RoutineSession:
    """Answer questions from ``answers`` by step id, pass every action, until the end."""
    session = RoutineSession.start(definition, T0)
    n = 0
    while not session.finished:
        n += 1
        step = session.current
        move = None if step.kind == StepKind.ACTION else answers[step.id]
        session.answer(move, T0 + timedelta(minutes=n))  # type: ignore[arg-type]
    return session


# -- the shipped routine ------------------------------------------------------------------------


def test_shipped_routine_is_valid_and_carries_its_provenance(shipped: RoutineDefinition) -> None:
    assert check_definition(shipped_content(), shipped_context()) == []
    assert shipped.id == "stockholm-oro-handelse"
    assert shipped.provenance.startswith("rekonstruerad från handlingsplanen")
    assert "verifiera mot stadens rutin" in shipped.provenance
    ids = {s.id for s in shipped.steps}
    table = "N0 N1 A1 N2 A2 A2b N3 N4 A4 N4b A4c A4d N5 N6 N7 N8 A8a A8b A8c A8d N9 A9 N10"
    assert set(table.split()) <= ids
    for step in shipped.steps:
        assert step.text.sv and step.text.en, step.id
        for answer in step.answers:
            assert answer.text.sv and answer.text.en, (step.id, answer.id)
    assert shipped.step("N8").kind == StepKind.MULTI
    assert shipped.step("N10").kind == StepKind.END


def test_every_path_through_the_shipped_routine_reaches_an_end(
    shipped: RoutineDefinition,
) -> None:
    paths = list(enumerate_paths(shipped))
    # N1 3 × N2 3 × N3 (no 1 + child 2 + adult 2×2) × N8 (15 combinations + Ingen) × N9 3.
    assert len(paths) == 3 * 3 * 7 * 16 * 3
    seen = set()
    for session in paths:
        assert session.finished and session.current.id == "N10"
        assert session.outcomes, session.answers
        seen.add(tuple((step, choices) for step, choices, _at in session.answers))
        # Each chosen forwarding action is shown exactly once.
        n8 = next(c for s, c, _ in session.answers if s == "N8")
        for branch, answer in zip(("A8a", "A8b", "A8c", "A8d"), VIDARE, strict=True):
            assert session.path.count(branch) == (1 if answer in n8 else 0)
        assert session.path.count("N9") == 1
    assert len(seen) == len(paths)


def test_acute_crime_child_outcomes(shipped: RoutineDefinition) -> None:
    session = walk_to_end(
        shipped, {"N1": "JA", "N2": "JA", "N3": "JA", "N4": "JA", "N8": ["INGEN"], "N9": "NEJ"}
    )
    assert session.outcomes == {"AKUT_112", "POLISANMALD", "OROSANMALAN_BARN"}
    assert session.path[:6] == ("N0", "N1", "A1", "N2", "A2", "N3")
    assert session.prefill_incident() == {
        "concerns_individual": True,
        "age_band": "UNDER_18",
        "actions_taken": frozenset({"LARM_112", "POLISANMALAN", "OROSANMALAN", "CHEF_INFORMERAD"}),
    }


def test_propaganda_only_is_lagesbild_only(shipped: RoutineDefinition) -> None:
    session = walk_to_end(
        shipped, {"N1": "NEJ", "N2": "NEJ", "N3": "NEJ", "N8": "INGEN", "N9": "NEJ"}
    )
    assert session.outcomes == {"LAGESBILD_ENDAST"}
    assert session.prefill_incident() == {
        "concerns_individual": False,
        "actions_taken": frozenset({"CHEF_INFORMERAD"}),
    }
    # Asking CVE for advice is counsel, not passing on: still the situation picture only.
    advice = walk_to_end(
        shipped, {"N1": "NEJ", "N2": "NEJ", "N3": "NEJ", "N8": ["RAD"], "N9": "NEJ"}
    )
    assert advice.outcomes == {"LAGESBILD_ENDAST"}
    # A possible crime, discussed with the police without names, is passed on.
    unsure = walk_to_end(
        shipped, {"N1": "NEJ", "N2": "OSAKERT", "N3": "NEJ", "N8": "INGEN", "N9": "NEJ"}
    )
    assert unsure.outcomes == {"VIDAREBEFORDRAD"}


def test_outcomes_of_adult_and_forwarding_paths(shipped: RoutineDefinition) -> None:
    adult = walk_to_end(
        shipped,
        {"N1": "VET_EJ", "N2": "NEJ", "N3": "JA", "N4": "NEJ_OVER_25", "N4b": "NEJ",
         "N8": ["POLIS", "TERROR"], "N9": "JA_MED_SAMTYCKE"},
    )  # fmt: skip
    assert adult.outcomes == {"VUXEN_EJ_SAMTYCKE", "VIDAREBEFORDRAD", "VUXEN_STOD_SAMTYCKE"}
    fields = adult.prefill_incident()
    assert fields["age_band"] == "OVER_25" and fields["consent"] == "JA"
    assert "LOKALPOLIS_INFORMERAD" in fields["actions_taken"]  # type: ignore[operator]


def test_no_action_is_derived_only_when_nothing_was_done() -> None:
    definition = parse_definition(MINIMAL)
    assert walk(definition, "NEJ").outcomes == {"INGEN_ATGARD"}
    assert walk(definition, "JA", None).outcomes == {"FLAG"}


# -- the engine ----------------------------------------------------------------------------------


def test_multi_choice_fan_out_visits_each_branch_once_in_fixed_order(
    shipped: RoutineDefinition,
) -> None:
    session = walk(shipped, None, "NEJ", "NEJ", "NEJ", None, None, None)
    assert session.current.id == "N8"
    session.answer(["RAD", "POLIS", "CENTRAL_SAMORDNARE"], T0)  # order given does not matter
    visited = [session.current.id]
    while session.current.id != "N9":
        session.answer(None, T0)
        visited.append(session.current.id)
    assert visited == ["A8a", "A8b", "A8d", "N9"]
    assert session.answers[7][:2] == ("N8", ("POLIS", "CENTRAL_SAMORDNARE", "RAD"))


def test_none_cannot_be_mixed_and_answers_are_checked(shipped: RoutineDefinition) -> None:
    session = walk(shipped, None, "NEJ", "NEJ", "NEJ", None, None, None)
    with pytest.raises(RoutineError, match="cannot be combined"):
        session.answer(["POLIS", "INGEN"], T0)
    with pytest.raises(RoutineError, match="unknown answer"):
        session.answer(["KANSKE"], T0)
    with pytest.raises(RoutineError, match="choose an answer"):
        session.answer([], T0)
    session.answer("INGEN", T0)
    assert session.current.id == "N9"
    with pytest.raises(RoutineError, match="one answer"):
        session.answer(["JA_MED_SAMTYCKE", "NEJ"], T0)
    with pytest.raises(RoutineError, match="takes no answer"):
        walk(shipped).answer("JA", T0)


def test_back_undoes_answers_outcomes_and_branches(shipped: RoutineDefinition) -> None:
    session = walk(shipped, None, "JA", None)
    assert session.outcomes == {"AKUT_112"}
    session.back()
    assert session.current.id == "A1" and session.outcomes == frozenset()
    session.back()
    assert session.current.id == "N1"
    session.answer("NEJ", T0)
    assert session.current.id == "N2"
    inside = walk(shipped, None, "NEJ", "NEJ", "NEJ", None, None, None, ["POLIS", "RAD"], None)
    assert inside.current.id == "A8d"
    inside.back()
    assert inside.current.id == "A8a" and inside.pending_branches == ("A8d",)
    inside.back()
    assert inside.current.id == "N8" and inside.pending_branches == ()
    with pytest.raises(RoutineError):
        walk(shipped).back()


def test_finished_session_refuses_more_answers(shipped: RoutineDefinition) -> None:
    session = walk_to_end(
        shipped, {"N1": "NEJ", "N2": "NEJ", "N3": "NEJ", "N8": "INGEN", "N9": "NEJ"}
    )
    with pytest.raises(RoutineError, match="finished"):
        session.answer(None, T0)
    log = session.case_log(T0 + timedelta(hours=1), notes="Klistermärken vid torget.")
    assert log.routine_version == shipped.version and log.outcomes == {"LAGESBILD_ENDAST"}
    assert [a.step for a in log.answers][:3] == ["N0", "N1", "N2"]
    with pytest.raises(RoutineError, match="not finished"):
        walk(shipped, None).case_log(T0)


def test_serialisation_round_trip(shipped: RoutineDefinition) -> None:
    session = walk(
        shipped, None, "JA", None, "OSAKERT", None, "JA", "VET_EJ", None, None, None, None
    )
    session.answer(["POLIS", "TERROR"], T0 + timedelta(minutes=30))
    session.notes = "Samtal från fritidsgård."
    data = json.loads(json.dumps(session.to_dict()))
    assert data["answers"][0]["at"] == (T0 + timedelta(minutes=1)).isoformat()
    again = RoutineSession.from_dict(data, shipped)
    assert again.current.id == session.current.id == "A8a"
    assert again.pending_branches == ("A8c",)
    assert again.answers == session.answers
    assert again.outcomes == session.outcomes == {"AKUT_112", "VIDAREBEFORDRAD", "OROSANMALAN_BARN"}
    assert again.prefill_incident() == session.prefill_incident()
    assert again.notes == session.notes and again.started_at == T0
    again.answer(None, T0)
    assert again.current.id == "A8c"


def test_a_saved_call_of_another_version_is_refused(shipped: RoutineDefinition) -> None:
    data = walk(shipped, None).to_dict()
    other = parse_definition(shipped_content().replace('version = "2025.1"', 'version = "2026.1"'))
    with pytest.raises(RoutineError, match=r"2025\.1"):
        RoutineSession.from_dict(data, other)
    damaged = dict(data, answers=[{"step": "N5", "answer": [], "at": T0.isoformat()}])
    with pytest.raises(RoutineError, match="does not fit"):
        RoutineSession.from_dict(damaged, shipped)
    with pytest.raises(RoutineError, match="damaged"):
        RoutineSession.from_dict(dict(data, answers=[{"step": "N0"}]), shipped)


def test_outline_names_every_step(shipped: RoutineDefinition) -> None:
    text = outline(shipped, "sv")
    for step in shipped.steps:
        assert f"\n{step.id} [" in text
    assert "verifiera mot stadens rutin" in text
    assert "INGEN: Ingen * → N9" in text
    assert "Ring 112 nu" in text and "Call 112 now" in outline(shipped, "en")


# -- the validator -------------------------------------------------------------------------------

MINIMAL = """
id = "test"
version = "1"
start = "S"
provenance = "test"
title = { sv = "Test", en = "Test" }

[[outcome]]
code = "FLAG"
sv = "Flagga"

[[outcome]]
code = "INGEN_ATGARD"
sv = "Ingen åtgärd"

[[derived]]
outcome = "INGEN_ATGARD"
when_no_outcomes = true
when_no_actions = true

[[step]]
id = "S"
kind = "question"
sv = "Fråga?"
en = "Question?"
contacts = ["LARM_112"]
references = ["OSL_26_1"]

[[step.answer]]
id = "JA"
sv = "Ja"
next = "A"

[[step.answer]]
id = "NEJ"
sv = "Nej"
next = "E"

[[step]]
id = "A"
kind = "action"
sv = "Gör något."
outcomes = ["FLAG"]
next = "E"

[[step]]
id = "E"
kind = "end"
sv = "Slut."
"""


def problems(content: str) -> list[tuple[str, str]]:
    return [(p.step, p.text()) for p in check_definition(content, shipped_context())]


def test_minimal_definition_is_valid() -> None:
    assert problems(MINIMAL) == []


TO_E = 'next = "E"\n\n[[step]]\nid = "E"'


@pytest.mark.parametrize(
    ("change", "step", "words"),
    [
        ((TO_E, TO_E.replace('"E"', '"X"', 1)), "A", "'X' does not exist"),
        (
            ('sv = "Slut."', 'sv = "Slut."\n[[step]]\nid = "Z"\nkind = "end"\nsv = "Z"'),
            "Z",
            "unreachable",
        ),
        ((TO_E, TO_E.replace('"E"', '"S"', 1)), "S", "loops back"),
        (('contacts = ["LARM_112"]', 'contacts = ["NOPE"]'), "S", "unknown contact 'NOPE'"),
        (('references = ["OSL_26_1"]', 'references = ["X"]'), "S", "unknown legal reference 'X'"),
        (('id = "A"', 'id = "S"'), "S", "used more than once"),
        (('sv = "Gör något."', 'en = "Do something."'), "A", "Swedish text (sv) is missing"),
        (('outcomes = ["FLAG"]', 'outcomes = ["OKAND"]'), "A", "unknown outcome 'OKAND'"),
        (('kind = "action"', 'kind = "handling"'), "A", "unknown kind"),
    ],
)
def test_validator_rejections_name_the_step(change: tuple[str, str], step: str, words: str) -> None:
    old, new = change
    assert MINIMAL.count(old) == 1
    found = problems(MINIMAL.replace(old, new))
    assert any(s == step and words in text for s, text in found), found
    assert all(text.startswith("Step ") or s == FILE_ENTRY for s, text in found)


def test_path_that_never_ends_is_refused() -> None:
    # A loop between two steps with no way out: a cycle, and no end reachable from it.
    broken = MINIMAL.replace(
        'sv = "Gör något."\noutcomes = ["FLAG"]\nnext = "E"', 'sv = "x"\nnext = "B"'
    )
    broken += '\n[[step]]\nid = "B"\nkind = "action"\nsv = "y"\nnext = "A"\n'
    found = problems(broken)
    assert ("A", "Step A: no path from here reaches an end step.") in found
    assert any("loops back" in text for _, text in found)


def test_multi_choice_branches_must_return_and_none_is_exclusive() -> None:
    multi = MINIMAL.replace('kind = "question"', 'kind = "multi"\nthen = "E"')
    assert problems(multi) == []
    session = walk(parse_definition(multi), ["JA"])
    assert session.current.id == "A"
    lost = multi.replace('outcomes = ["FLAG"]\nnext = "E"', 'outcomes = ["FLAG"]\nnext = "F"')
    lost += '\n[[step]]\nid = "F"\nkind = "end"\nsv = "Annat slut."\n'
    assert any(s == "S" and "does not lead back to E" in t for s, t in problems(lost))
    no_then = MINIMAL.replace('kind = "question"', 'kind = "multi"')
    assert any("needs then" in t for _, t in problems(no_then))


def test_every_problem_is_listed_and_parse_refuses() -> None:
    broken = MINIMAL.replace('contacts = ["LARM_112"]', 'contacts = ["NOPE"]').replace(
        'next = "E"\n\n[[step]]\nid = "E"', 'next = "X"\n\n[[step]]\nid = "E"'
    )
    with pytest.raises(RoutineInvalid) as info:
        parse_definition(broken, shipped_context())
    assert {p.step for p in info.value.problems} == {"S", "A"}
    assert problems("not toml [") and problems("not toml [")[0][0] == FILE_ENTRY


# -- the command line ----------------------------------------------------------------------------


def test_cli_routine_check(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(shipped_content(), encoding="utf-8")
    result = run_cli("--lang", "en", "routine", "check", str(good))
    assert result.returncode == 0, result.stderr
    assert "stockholm-oro-handelse" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(
        shipped_content().replace('next = "N10"\n\n[[step]]', 'next = "N99"\n\n[[step]]', 1)
        .replace('contacts = ["CVE_STODTELEFON"]', 'contacts = ["OKAND_KONTAKT"]'),
        encoding="utf-8",
    )  # fmt: skip
    result = run_cli("--lang", "en", "routine", "check", str(bad))
    assert result.returncode == 3
    assert "N9: Step N9: the target 'N99' does not exist." in result.stdout
    assert "A8d: Step A8d: unknown contact 'OKAND_KONTAKT'." in result.stdout
    assert "Traceback" not in result.stderr


def test_cli_routine_show_prints_the_outline() -> None:
    result = run_cli("routine", "show", "--lang", "en")
    assert result.returncode == 0, result.stderr
    for step_id in ("N0", "N4b", "A8c", "N10"):
        assert f"\n{step_id} [" in result.stdout
    assert "Call 112 now" in result.stdout
    swedish = run_cli("routine", "show")
    assert "Ring 112 nu" in swedish.stdout and "verifiera mot stadens rutin" in swedish.stdout
