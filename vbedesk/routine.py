"""The concern/incident routine as data: definition, validator, engine, paths, case logs."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import combinations
from pathlib import Path
from typing import Any

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.paths import resource_path

SHIPPED_ROUTINE = "stockholm-oro-handelse"
LANGUAGES = ("sv", "en")
FILE_ENTRY = "-"  # the "step" of a problem that belongs to the file, not to a step
PREFILL_KEYS = ("concerns_individual", "age_band", "consent")
_CLIP = 60
TOO_DEEP = "nested too deeply"  # the detail of a TOML error, which is English as well

_FILE_KEYS = frozenset(
    {"id", "version", "title", "provenance", "start", "outcome", "derived", "step"}
)
_STEP_KEYS = frozenset(
    {
        "id",
        "kind",
        "sv",
        "en",
        "help_sv",
        "help_en",
        "contacts",
        "references",
        "outcomes",
        "actions",
        "prefill",
        "next",
        "then",
        "answer",
    }
)
_ANSWER_KEYS = frozenset({"id", "sv", "en", "next", "outcomes", "actions", "prefill", "exclusive"})
_OUTCOME_KEYS = frozenset({"code", "sv", "en"})
_DERIVED_KEYS = frozenset({"outcome", "when_no_outcomes", "when_no_actions", "unless_answers"})


class StepKind(StrEnum):
    QUESTION = "question"
    MULTI = "multi"  # multi-choice question: each chosen branch once, then ``then``
    ACTION = "action"
    INFORMATION = "information"
    END = "end"


# -- definition ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text in Swedish (required) and English (falls back to Swedish)."""

    sv: str
    en: str = ""

    def get(self, language: str = "sv") -> str:
        return self.en if language == "en" and self.en else self.sv


@dataclass(frozen=True)
class Effects:
    """What passing a step or giving an answer records."""

    outcomes: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()  # codes of resources/taxonomies/actions.toml
    prefill: tuple[tuple[str, object], ...] = ()  # incident fields, see PREFILL_KEYS


@dataclass(frozen=True)
class Answer:
    id: str
    text: Text
    next: str
    effects: Effects = Effects()
    exclusive: bool = False  # multi only: cannot be combined with other answers


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    text: Text
    help: Text = Text("")
    contacts: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    effects: Effects = Effects()
    next: str | None = None  # action, information
    then: str | None = None  # multi: the joint continuation after the chosen branches
    answers: tuple[Answer, ...] = ()

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)

    def targets(self) -> list[str]:
        """Every step this one can lead to directly."""
        found = [a.next for a in self.answers]
        found += [t for t in (self.next, self.then) if t is not None]
        return found


@dataclass(frozen=True)
class Outcome:
    code: str
    text: Text


@dataclass(frozen=True)
class DerivedRule:
    """An outcome set at the end from what the call did not contain (see the README)."""

    outcome: str
    when_no_outcomes: bool = False
    when_no_actions: bool = False
    unless_answers: tuple[tuple[str, str], ...] = ()  # (step id, answer id)


@dataclass(frozen=True)
class RoutineDefinition:
    id: str
    version: str
    title: Text
    provenance: str
    start: str
    steps: tuple[Step, ...]
    outcomes: tuple[Outcome, ...] = ()
    derived: tuple[DerivedRule, ...] = ()
    content: str = field(default="", repr=False, compare=False)  # the TOML it came from
    _index: dict[str, Step] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.id: s for s in self.steps})

    def step(self, step_id: str) -> Step:
        return self._index[step_id]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._index

    def outcome_label(self, code: str, language: str = "sv") -> str:
        found = next((o for o in self.outcomes if o.code == code), None)
        return found.text.get(language) if found else code


@dataclass(frozen=True)
class RoutineVersion:
    """A routine version kept in the vault; one version is the one in use (active)."""

    routine_id: str
    version: str
    loaded_at: datetime
    active: bool


@dataclass(frozen=True)
class RoutineContext:
    """The codes a definition may name: from the vault, or from the shipped files."""

    contacts: frozenset[str]
    references: frozenset[str]
    actions: frozenset[str]
    age_bands: frozenset[str]
    consent: frozenset[str]


def shipped_context() -> RoutineContext:
    """Codes from resources/: contacts.toml, legal_references.toml and the taxonomies."""
    from vbedesk.demo import contacts, legal_references
    from vbedesk.taxonomy import load_taxonomies

    tax = load_taxonomies()
    return RoutineContext(
        contacts=frozenset(c.code for c in contacts()),
        references=frozenset(r.code for r in legal_references()),
        actions=frozenset(tax.actions.codes()),
        age_bands=frozenset(tax.age_bands.codes()),
        consent=frozenset(tax.consent.codes()),
    )


# -- problems ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition; ``message`` is an English msgid with ``{step}``."""

    step: str
    message: str
    params: tuple[tuple[str, object], ...] = ()

    def text(self) -> str:
        return _(self.message).format(step=self.step, **dict(self.params))


class RoutineInvalid(InputRefused):
    """A definition the validator refuses; ``problems`` lists every finding."""

    message = N_("The routine definition has {n} problem(s); the first: {first}")

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(n=len(self.problems), first=self.problems[0].text())


class RoutineError(InputRefused):
    """A move the engine refuses (unknown answer, a finished call, a foreign saved call)."""

    message = N_("The routine cannot go on this way.")


def _clip(value: object) -> str:
    return str(value)[:_CLIP]


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, step: str, message: str, **params: object) -> None:
        self.problems.append(Problem(_clip(step), message, tuple(params.items())))


# -- parsing ----------------------------------------------------------------------------------


def _strings(table: Mapping[str, Any], key: str, step: str, out: _Collector) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        out.add(step, N_("Step {step}: {key} must be a list of strings."), key=key)
        return ()
    return tuple(value)


def _text(table: Mapping[str, Any], sv_key: str, en_key: str) -> Text:
    sv = table.get(sv_key, "")
    en = table.get(en_key, "")
    return Text(sv if isinstance(sv, str) else "", en if isinstance(en, str) else "")


def _effects(table: Mapping[str, Any], step: str, out: _Collector) -> Effects:
    prefill = table.get("prefill", {})
    if not isinstance(prefill, dict):
        out.add(step, N_("Step {step}: prefill must be a table."))
        prefill = {}
    return Effects(
        outcomes=_strings(table, "outcomes", step, out),
        actions=_strings(table, "actions", step, out),
        prefill=tuple(prefill.items()),
    )


def _unknown_keys(
    table: Mapping[str, Any], allowed: frozenset[str], step: str, out: _Collector
) -> None:
    for key in sorted(k for k in table if k not in allowed):
        out.add(step, N_("Step {step}: unknown key {key!r}."), key=_clip(key))


def _parse_answer(raw: object, step_id: str, number: int, out: _Collector) -> Answer | None:
    if not isinstance(raw, dict):
        out.add(step_id, N_("Step {step}: answer {n} is not a table."), n=number)
        return None
    answer_id = raw.get("id")
    if not isinstance(answer_id, str) or not answer_id.strip():
        out.add(step_id, N_("Step {step}: answer {n} has no id."), n=number)
        return None
    _unknown_keys(raw, _ANSWER_KEYS, step_id, out)
    text = _text(raw, "sv", "en")
    if not text.sv.strip():
        out.add(
            step_id,
            N_("Step {step}: answer {answer!r} has no Swedish text (sv)."),
            answer=_clip(answer_id),
        )
    nxt = raw.get("next")
    if not isinstance(nxt, str) or not nxt:
        out.add(step_id, N_("Step {step}: answer {answer!r} has no next step."), answer=answer_id)
        nxt = ""
    return Answer(
        id=answer_id,
        text=text,
        next=nxt,
        effects=_effects(raw, step_id, out),
        exclusive=raw.get("exclusive") is True,
    )


def _parse_step(raw: object, number: int, out: _Collector) -> Step | None:
    if not isinstance(raw, dict):
        out.add(f"#{number}", N_("Step {step}: not a table."))
        return None
    step_id = raw.get("id")
    if not isinstance(step_id, str) or not step_id.strip():
        out.add(f"#{number}", N_("Step {step}: the step has no id."))
        return None
    _unknown_keys(raw, _STEP_KEYS, step_id, out)
    try:
        kind = StepKind(str(raw.get("kind")))
    except ValueError:
        out.add(
            step_id,
            N_(
                "Step {step}: unknown kind {kind!r}; use question, multi, action, "
                "information or end."
            ),
            kind=_clip(raw.get("kind")),
        )
        return None
    text = _text(raw, "sv", "en")
    if not text.sv.strip():
        out.add(step_id, N_("Step {step}: the Swedish text (sv) is missing."))
    answers: list[Answer] = []
    raw_answers = raw.get("answer", [])
    if not isinstance(raw_answers, list):
        out.add(step_id, N_("Step {step}: answer must be an array of tables."))
        raw_answers = []
    seen: set[str] = set()
    for n, item in enumerate(raw_answers, start=1):
        answer = _parse_answer(item, step_id, n, out)
        if answer is None:
            continue
        if answer.id in seen:
            out.add(
                step_id,
                N_("Step {step}: the answer id {answer!r} is used more than once."),
                answer=answer.id,
            )
            continue
        seen.add(answer.id)
        answers.append(answer)
    nxt = raw.get("next")
    then = raw.get("then")
    step = Step(
        id=step_id,
        kind=kind,
        text=text,
        help=_text(raw, "help_sv", "help_en"),
        contacts=_strings(raw, "contacts", step_id, out),
        references=_strings(raw, "references", step_id, out),
        effects=_effects(raw, step_id, out),
        next=nxt if isinstance(nxt, str) else None,
        then=then if isinstance(then, str) else None,
        answers=tuple(answers),
    )
    _check_shape(step, out)
    return step


def _check_shape(step: Step, out: _Collector) -> None:
    """The keys each kind needs and the ones it must not have."""
    if step.kind in (StepKind.QUESTION, StepKind.MULTI):
        if not step.answers:
            out.add(step.id, N_("Step {step}: a question needs at least one answer."))
        if step.next is not None:
            out.add(step.id, N_("Step {step}: a question leads on through its answers, not next."))
    elif step.kind == StepKind.END:
        if step.answers or step.next or step.then:
            out.add(step.id, N_("Step {step}: an end step has no next step and no answers."))
    else:
        if step.answers:
            out.add(step.id, N_("Step {step}: an action or information step has no answers."))
        if not step.next:
            out.add(step.id, N_("Step {step}: the next step is missing."))
    if step.kind == StepKind.MULTI:
        if not step.then:
            out.add(
                step.id,
                N_("Step {step}: a multi-choice question needs then (the joint continuation)."),
            )
    elif step.then is not None:
        out.add(step.id, N_("Step {step}: only a multi-choice question has then."))
    if step.kind != StepKind.MULTI and any(a.exclusive for a in step.answers):
        out.add(step.id, N_("Step {step}: only a multi-choice answer can be exclusive."))


def _parse_file(data: Mapping[str, Any], out: _Collector) -> RoutineDefinition | None:
    _unknown_keys(data, _FILE_KEYS, FILE_ENTRY, out)
    head: dict[str, str] = {}
    for key in ("id", "version", "provenance", "start"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            out.add(FILE_ENTRY, N_("The routine needs {key} (a text that is not empty)."), key=key)
            value = ""
        head[key] = value.strip()
    if len(head["id"]) > 64 or len(head["version"]) > 40:
        out.add(FILE_ENTRY, N_("The routine id (64) or version (40 characters) is too long."))
    title_raw = data.get("title", {})
    title = _text(title_raw, "sv", "en") if isinstance(title_raw, dict) else Text("")
    if not title.sv.strip():
        out.add(FILE_ENTRY, N_("The routine's title has no Swedish text (title.sv)."))

    outcomes: list[Outcome] = []
    raw_outcomes = data.get("outcome", [])
    for n, raw in enumerate(raw_outcomes if isinstance(raw_outcomes, list) else [], start=1):
        code = raw.get("code") if isinstance(raw, dict) else None
        if not isinstance(code, str) or not code:
            out.add(FILE_ENTRY, N_("Outcome {n} has no code."), n=n)
            continue
        _unknown_keys(raw, _OUTCOME_KEYS, FILE_ENTRY, out)
        if any(o.code == code for o in outcomes):
            out.add(FILE_ENTRY, N_("The outcome {code!r} is declared twice."), code=code)
        outcomes.append(Outcome(code, _text(raw, "sv", "en")))

    derived: list[DerivedRule] = []
    raw_derived = data.get("derived", [])
    for n, raw in enumerate(raw_derived if isinstance(raw_derived, list) else [], start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("outcome"), str):
            out.add(FILE_ENTRY, N_("Derived rule {n} has no outcome."), n=n)
            continue
        _unknown_keys(raw, _DERIVED_KEYS, FILE_ENTRY, out)
        pairs: list[tuple[str, str]] = []
        for ref in _strings(raw, "unless_answers", FILE_ENTRY, out):
            step_id, sep, answer_id = ref.partition(":")
            if not sep:
                out.add(
                    FILE_ENTRY,
                    N_("Derived rule {n}: {ref!r} must be written STEP:ANSWER."),
                    n=n,
                    ref=_clip(ref),
                )
                continue
            pairs.append((step_id, answer_id))
        derived.append(
            DerivedRule(
                outcome=raw["outcome"],
                when_no_outcomes=raw.get("when_no_outcomes") is True,
                when_no_actions=raw.get("when_no_actions") is True,
                unless_answers=tuple(pairs),
            )
        )

    steps: list[Step] = []
    raw_steps = data.get("step", [])
    if not isinstance(raw_steps, list) or not raw_steps:
        out.add(FILE_ENTRY, N_("The routine has no steps."))
        raw_steps = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_steps, start=1):
        step = _parse_step(raw, n, out)
        if step is None:
            continue
        if step.id in seen:
            out.add(step.id, N_("Step {step}: the id is used more than once."))
            continue
        seen.add(step.id)
        steps.append(step)
    return RoutineDefinition(
        id=head["id"],
        version=head["version"],
        title=title,
        provenance=head["provenance"],
        start=head["start"],
        steps=tuple(steps),
        outcomes=tuple(outcomes),
        derived=tuple(derived),
    )


# -- validation -------------------------------------------------------------------------------


def _check_references(
    defn: RoutineDefinition, context: RoutineContext | None, out: _Collector
) -> None:
    outcome_codes = {o.code for o in defn.outcomes}

    def effects(step_id: str, eff: Effects) -> None:
        for code in eff.outcomes:
            if code not in outcome_codes:
                out.add(step_id, N_("Step {step}: unknown outcome {code!r}."), code=_clip(code))
        for key, value in eff.prefill:
            if key not in PREFILL_KEYS:
                out.add(
                    step_id, N_("Step {step}: prefill of {key!r} is not supported."), key=_clip(key)
                )
            elif key == "concerns_individual" and not isinstance(value, bool):
                out.add(step_id, N_("Step {step}: prefill concerns_individual must be true/false."))
            elif key != "concerns_individual" and not isinstance(value, str):
                out.add(step_id, N_("Step {step}: prefill {key} must be a code."), key=key)
            elif context is not None and key in ("age_band", "consent"):
                codes = context.age_bands if key == "age_band" else context.consent
                if value not in codes:
                    out.add(
                        step_id,
                        N_("Step {step}: unknown code {code!r} for {key}."),
                        code=_clip(value),
                        key=key,
                    )
        if context is not None:
            for code in eff.actions:
                if code not in context.actions:
                    out.add(
                        step_id, N_("Step {step}: unknown action code {code!r}."), code=_clip(code)
                    )

    for step in defn.steps:
        effects(step.id, step.effects)
        for answer in step.answers:
            effects(step.id, answer.effects)
        if context is None:
            continue
        for code in step.contacts:
            if code not in context.contacts:
                out.add(step.id, N_("Step {step}: unknown contact {code!r}."), code=_clip(code))
        for code in step.references:
            if code not in context.references:
                out.add(
                    step.id, N_("Step {step}: unknown legal reference {code!r}."), code=_clip(code)
                )
    for rule in defn.derived:
        if rule.outcome not in outcome_codes:
            out.add(
                FILE_ENTRY,
                N_("A derived rule names the unknown outcome {code!r}."),
                code=_clip(rule.outcome),
            )
        for step_id, answer_id in rule.unless_answers:
            if not defn.has_step(step_id) or defn.step(step_id).answer(answer_id) is None:
                out.add(
                    FILE_ENTRY,
                    N_("A derived rule names the unknown answer {ref!r}."),
                    ref=_clip(f"{step_id}:{answer_id}"),
                )


def _check_graph(defn: RoutineDefinition, out: _Collector) -> None:
    steps = {s.id: s for s in defn.steps}
    if defn.start and defn.start not in steps:
        out.add(defn.start, N_("The start step {step} does not exist."))
        return
    broken = False
    for step in defn.steps:
        for target in step.targets():
            if target and target not in steps:
                out.add(
                    step.id,
                    N_("Step {step}: the target {target!r} does not exist."),
                    target=_clip(target),
                )
                broken = True
    if broken or not defn.start:
        return
    edges = {s.id: [t for t in s.targets() if t] for s in defn.steps}

    reached: set[str] = set()
    stack = [defn.start]
    while stack:
        current = stack.pop()
        if current not in reached:
            reached.add(current)
            stack.extend(edges[current])
    for step in defn.steps:
        if step.id not in reached:
            out.add(step.id, N_("Step {step}: no path from the start leads here (unreachable)."))

    # Cycles: an iterative depth-first search; each back edge is reported once.
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(steps, white)
    for root in [defn.start, *steps]:
        if colour[root] != white:
            continue
        path: list[str] = [root]
        iters: list[Iterator[str]] = [iter(edges[root])]
        colour[root] = grey
        while iters:
            found = next(iters[-1], None)
            if found is None:
                colour[path.pop()] = black
                iters.pop()
                continue
            target = found
            if colour[target] == grey:
                loop = [*path[path.index(target) :], target]
                out.add(
                    target,
                    N_("Step {step}: the routine loops back to this step ({path})."),
                    path=" → ".join(loop)[:200],
                )
            elif colour[target] == white:
                colour[target] = grey
                path.append(target)
                iters.append(iter(edges[target]))

    # A path that never ends: steps from which no end step can be reached.
    can_end = {s.id for s in defn.steps if s.kind == StepKind.END}
    changed = True
    while changed:
        changed = False
        for step_id, targets in edges.items():
            if step_id not in can_end and any(t in can_end for t in targets):
                can_end.add(step_id)
                changed = True
    if not any(s.kind == StepKind.END for s in defn.steps):
        out.add(FILE_ENTRY, N_("The routine has no end step."))
    for step in defn.steps:
        if step.id in reached and step.id not in can_end:
            out.add(step.id, N_("Step {step}: no path from here reaches an end step."))

    # Multi-choice: each branch must come back to the joint continuation.
    for step in defn.steps:
        if step.kind != StepKind.MULTI or not step.then:
            continue
        for answer in step.answers:
            if not _branch_returns(steps, answer.next, step.then):
                out.add(
                    step.id,
                    N_(
                        "Step {step}: the branch of answer {answer!r} does not lead back to "
                        "{then} (an end or another multi-choice question comes first)."
                    ),
                    answer=answer.id,
                    then=step.then,
                )


def _branch_returns(steps: Mapping[str, Step], start: str, join: str) -> bool:
    """Whether every path from ``start`` reaches ``join`` before an end or a nested multi."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        if current == join or current in seen:
            continue
        seen.add(current)
        step = steps.get(current)
        if step is None:  # a missing next step, reported on its own
            continue
        if step.kind in (StepKind.END, StepKind.MULTI):
            return False
        stack.extend(step.targets())
    return True


def check_definition(content: str, context: RoutineContext | None = None) -> list[Problem]:
    """Every problem of a definition's TOML text; empty when it is valid.

    Without ``context`` the contact, reference and code lists are not checked.
    """
    out = _Collector()
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        out.add(FILE_ENTRY, N_("The file is not valid TOML: {detail}."), detail=str(exc)[:120])
        return out.problems
    except RecursionError:  # arrays or tables nested thousands deep
        out.add(FILE_ENTRY, N_("The file is not valid TOML: {detail}."), detail=TOO_DEEP)
        return out.problems
    defn = _parse_file(data, out)
    if defn is not None:
        _check_references(defn, context, out)
        _check_graph(defn, out)
    return out.problems


def parse_definition(content: str, context: RoutineContext | None = None) -> RoutineDefinition:
    """The definition in ``content``, validated; raises RoutineInvalid listing every problem."""
    problems = check_definition(content, context)
    if problems:
        raise RoutineInvalid(problems)
    out = _Collector()
    defn = _parse_file(tomllib.loads(content), out)
    assert defn is not None and not out.problems  # checked above
    return RoutineDefinition(
        id=defn.id,
        version=defn.version,
        title=defn.title,
        provenance=defn.provenance,
        start=defn.start,
        steps=defn.steps,
        outcomes=defn.outcomes,
        derived=defn.derived,
        content=content,
    )


def shipped_path(routine_id: str = SHIPPED_ROUTINE) -> Path:
    return resource_path("routines", f"{routine_id}.toml")


def shipped_content(routine_id: str = SHIPPED_ROUTINE) -> str:
    return shipped_path(routine_id).read_text(encoding="utf-8")


def load_shipped(context: RoutineContext | None = None) -> RoutineDefinition:
    """The routine shipped in resources/routines, validated against ``context``."""
    return parse_definition(shipped_content(), context)


# -- the engine -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedAnswer:
    """One move of a call: the step, the chosen answer ids (none for an action), when."""

    step: str
    choices: tuple[str, ...]
    at: datetime

    def to_dict(self) -> dict[str, object]:
        return {"step": self.step, "answer": list(self.choices), "at": self.at.isoformat()}

    @classmethod
    def from_dict(cls, data: object) -> RecordedAnswer:
        if not isinstance(data, dict):
            raise RoutineError(N_("The saved call is damaged."))
        try:
            step, choices, at = data["step"], data["answer"], data["at"]
            if not isinstance(step, str) or not isinstance(choices, list):
                raise TypeError
            return cls(step, tuple(str(c) for c in choices), datetime.fromisoformat(at))
        except (KeyError, TypeError, ValueError):
            raise RoutineError(N_("The saved call is damaged.")) from None


@dataclass(frozen=True)
class CaseLog:
    """A finished call as kept in the vault, naming the routine version it followed."""

    routine_id: str
    routine_version: str
    started_at: datetime
    ended_at: datetime
    answers: tuple[RecordedAnswer, ...]
    outcomes: frozenset[str]
    notes: str = ""
    incident_id: int | None = None
    id: int | None = None


Choice = str | Sequence[str] | None


class RoutineSession:
    """One call walked through a definition: a pure state machine, replayable from answers.

    The state (current step, pending branches of a multi-choice question, outcomes, actions,
    prefill) is a function of the definition and the answers, so ``back()`` and
    ``from_dict()`` simply replay.
    """

    def __init__(self, definition: RoutineDefinition, started_at: datetime) -> None:
        self.definition = definition
        self.started_at = started_at
        self.notes = ""
        self._answers: list[RecordedAnswer] = []
        self._reset()

    def _reset(self) -> None:
        self._current = self.definition.start
        self._queue: list[str] = []
        self._join: str | None = None
        self._outcomes: set[str] = set()
        self._actions: set[str] = set()
        self._prefill: dict[str, object] = {}
        self._path: list[str] = [self.definition.start]

    # -- reading
    @classmethod
    def start(cls, definition: RoutineDefinition, now: datetime) -> RoutineSession:
        return cls(definition, now)

    @property
    def current(self) -> Step:
        return self.definition.step(self._current)

    @property
    def finished(self) -> bool:
        return self.current.kind == StepKind.END

    @property
    def answers(self) -> list[tuple[str, tuple[str, ...], datetime]]:
        return [(a.step, a.choices, a.at) for a in self._answers]

    @property
    def recorded(self) -> tuple[RecordedAnswer, ...]:
        return tuple(self._answers)

    @property
    def path(self) -> tuple[str, ...]:
        """The steps shown so far, in order, the current one last."""
        return tuple(self._path)

    @property
    def pending_branches(self) -> tuple[str, ...]:
        """Branch steps of the current multi-choice question still to be shown."""
        return tuple(self._queue)

    @property
    def actions(self) -> frozenset[str]:
        """The incident action codes of the steps and answers passed."""
        return frozenset(self._actions)

    @property
    def outcomes(self) -> frozenset[str]:
        """The accumulated outcome set; at the end with the derived outcomes added."""
        result = set(self._outcomes)
        if self.finished:
            given = {(a.step, c) for a in self._answers for c in a.choices}
            for rule in self.definition.derived:
                if rule.when_no_outcomes and result:
                    continue
                if rule.when_no_actions and self._actions:
                    continue
                if any(pair in given for pair in rule.unless_answers):
                    continue
                result.add(rule.outcome)
        return frozenset(result)

    @property
    def can_go_back(self) -> bool:
        return bool(self._answers)

    def options(self) -> list[tuple[str, ...]]:
        """Every answer the current step accepts (a multi-choice: every allowed combination)."""
        step = self.current
        if step.kind == StepKind.END:
            return []
        if step.kind in (StepKind.ACTION, StepKind.INFORMATION):
            return [()]
        if step.kind == StepKind.QUESTION:
            return [(a.id,) for a in step.answers]
        free = [a.id for a in step.answers if not a.exclusive]
        combos: list[tuple[str, ...]] = [(a.id,) for a in step.answers if a.exclusive]
        for size in range(1, len(free) + 1):
            combos += list(combinations(free, size))
        return combos

    # -- moving
    def answer(self, choice: Choice = None, now: datetime | None = None) -> Step:
        """Answer the current step (an action or information step: ``None``) and move on."""
        if now is None:
            raise RoutineError(N_("Step {step}: the time of the answer is missing."))
        step_id = self._current
        choices = self._normalise(choice)
        self._apply(choices)
        self._answers.append(RecordedAnswer(step_id, choices, now))
        return self.current

    def back(self) -> Step:
        """Undo the last answer (its outcomes and branches with it)."""
        if not self._answers:
            raise RoutineError(N_("Step {step}: there is no earlier step."), step=self._current)
        self._replay(self._answers[:-1])
        return self.current

    def _normalise(self, choice: Choice) -> tuple[str, ...]:
        step = self.current
        if step.kind == StepKind.END:
            raise RoutineError(N_("Step {step}: the routine is finished."), step=step.id)
        if step.kind in (StepKind.ACTION, StepKind.INFORMATION):
            if choice not in (None, (), []):
                raise RoutineError(N_("Step {step}: this step takes no answer."), step=step.id)
            return ()
        chosen = [choice] if isinstance(choice, str) else list(choice or [])
        if not chosen:
            raise RoutineError(N_("Step {step}: choose an answer."), step=step.id)
        for answer_id in chosen:
            if step.answer(answer_id) is None:
                raise RoutineError(
                    N_("Step {step}: unknown answer {answer!r}."),
                    step=step.id,
                    answer=_clip(answer_id),
                )
        if len(set(chosen)) != len(chosen):
            raise RoutineError(N_("Step {step}: an answer is chosen twice."), step=step.id)
        if step.kind == StepKind.QUESTION and len(chosen) > 1:
            raise RoutineError(N_("Step {step}: this question takes one answer."), step=step.id)
        if len(chosen) > 1:
            for answer_id in chosen:
                answer = step.answer(answer_id)
                if answer is not None and answer.exclusive:
                    raise RoutineError(
                        N_("Step {step}: {answer!r} cannot be combined with other answers."),
                        step=step.id,
                        answer=answer_id,
                    )
        # A fixed order: the definition's, whatever order the choices came in.
        return tuple(a.id for a in step.answers if a.id in chosen)

    def _record(self, effects: Effects) -> None:
        self._outcomes.update(effects.outcomes)
        self._actions.update(effects.actions)
        self._prefill.update(effects.prefill)

    def _apply(self, choices: tuple[str, ...]) -> None:
        step = self.current
        self._record(step.effects)
        answers = [a for a in step.answers if a.id in choices]
        for answer in answers:
            self._record(answer.effects)
        if step.kind == StepKind.MULTI:
            assert step.then is not None  # validated
            branches: list[str] = []
            for answer in answers:
                if answer.next not in branches:
                    branches.append(answer.next)
            self._queue, self._join = branches, step.then
            target = step.then
        elif step.kind == StepKind.QUESTION:
            target = answers[0].next
        else:
            assert step.next is not None  # validated
            target = step.next
        # Reaching the joint continuation ends a branch: show the next chosen one, if any.
        while self._join is not None and target == self._join:
            if self._queue:
                target = self._queue.pop(0)
            else:
                self._join = None
        self._current = target
        self._path.append(target)

    def _replay(self, answers: Iterable[RecordedAnswer]) -> None:
        self._reset()
        self._answers = []
        for recorded in answers:
            if recorded.step != self._current:
                raise RoutineError(
                    N_("The saved call does not fit the routine at step {step}."),
                    step=_clip(recorded.step),
                )
            self._apply(self._normalise(list(recorded.choices)))
            self._answers.append(recorded)

    # -- keeping
    def to_dict(self) -> dict[str, object]:
        """A JSON-ready snapshot (drafts survive a crash or a lock)."""
        return {
            "routine_id": self.definition.id,
            "routine_version": self.definition.version,
            "started_at": self.started_at.isoformat(),
            "answers": [a.to_dict() for a in self._answers],
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object], definition: RoutineDefinition) -> RoutineSession:
        """The call saved by ``to_dict``; refused if it followed another routine or version."""
        saved = f"{data.get('routine_id')} {data.get('routine_version')}"
        loaded = f"{definition.id} {definition.version}"
        if saved != loaded:
            raise RoutineError(
                N_("The saved call follows routine {saved}, but the routine in use is {loaded}."),
                saved=_clip(saved),
                loaded=_clip(loaded),
            )
        started, raw_answers, notes = data.get("started_at"), data.get("answers"), data.get("notes")
        if not isinstance(started, str) or not isinstance(raw_answers, list):
            raise RoutineError(N_("The saved call is damaged."))
        try:
            started_at = datetime.fromisoformat(started)
        except ValueError:
            raise RoutineError(N_("The saved call is damaged.")) from None
        session = cls(definition, started_at)
        session.notes = notes if isinstance(notes, str) else ""
        session._replay(RecordedAnswer.from_dict(a) for a in raw_answers)
        return session

    def prefill_incident(self) -> dict[str, object]:
        """Incident fields from the answers: concerns_individual, age_band, consent, actions."""
        fields: dict[str, object] = {
            "concerns_individual": bool(self._prefill.get("concerns_individual", False))
        }
        for key in ("age_band", "consent"):
            if key in self._prefill:
                fields[key] = self._prefill[key]
        fields["actions_taken"] = self.actions
        return fields

    def case_log(self, ended_at: datetime, notes: str | None = None) -> CaseLog:
        """The finished call as a case log (not yet stored)."""
        if not self.finished:
            raise RoutineError(
                N_("Step {step}: the routine is not finished yet."), step=self._current
            )
        return CaseLog(
            routine_id=self.definition.id,
            routine_version=self.definition.version,
            started_at=self.started_at,
            ended_at=ended_at,
            answers=tuple(self._answers),
            outcomes=self.outcomes,
            notes=self.notes if notes is None else notes,
        )


# -- paths and outline ------------------------------------------------------------------------


def enumerate_paths(definition: RoutineDefinition) -> Iterator[RoutineSession]:
    """Every way through the routine, each as a finished session (fixed timestamps)."""
    when = datetime(2000, 1, 1)
    stack = [RoutineSession(definition, when)]
    while stack:
        session = stack.pop()
        if session.finished:
            yield session
            continue
        for option in reversed(session.options()):
            branch = RoutineSession(definition, when)
            branch._replay(session.recorded)
            branch.answer(option, when)
            stack.append(branch)


def outline(definition: RoutineDefinition, language: str = "sv") -> str:
    """The routine as indented text: steps, answers with targets, contacts, law, outcomes."""
    lines = [
        f"{definition.title.get(language)}",
        _("Routine {id}, version {version}").format(id=definition.id, version=definition.version),
        _("Provenance: {text}").format(text=definition.provenance),
        _("Start: {step}").format(step=definition.start),
        "",
    ]
    kinds = {
        StepKind.QUESTION: N_("question"),
        StepKind.MULTI: N_("multi-choice question"),
        StepKind.ACTION: N_("action"),
        StepKind.INFORMATION: N_("information"),
        StepKind.END: N_("end"),
    }

    def effects(eff: Effects, indent: str) -> None:
        if eff.outcomes:
            lines.append(indent + _("Outcomes: {codes}").format(codes=", ".join(eff.outcomes)))
        if eff.actions:
            lines.append(indent + _("Actions: {codes}").format(codes=", ".join(eff.actions)))

    for step in definition.steps:
        lines.append(f"{step.id} [{_(kinds[step.kind])}] {step.text.get(language)}")
        if step.help.get(language):
            lines.append("    " + _("Help: {text}").format(text=step.help.get(language)))
        if step.contacts:
            lines.append("    " + _("Contacts: {codes}").format(codes=", ".join(step.contacts)))
        if step.references:
            lines.append("    " + _("Law: {codes}").format(codes=", ".join(step.references)))
        effects(step.effects, "    ")
        for answer in step.answers:
            mark = " *" if answer.exclusive else ""
            lines.append(f"    - {answer.id}: {answer.text.get(language)}{mark} → {answer.next}")
            effects(answer.effects, "        ")
        if step.next:
            lines.append(f"    → {step.next}")
        if step.then:
            lines.append("    " + _("then → {step}").format(step=step.then))
    return "\n".join(lines) + "\n"
