"""What happens during a call through the routine, without widgets (GUI thread).

``CallPresenter`` talks to the routine's pure state machine (``vbedesk.routine``) and to
the services: it takes the answers, keeps the notes of every step, writes the call as an
encrypted draft, builds the case log and the incident form's prefill, and stores the case
log alone at the end. It returns what happened (a ``Move``, refusals as translated text)
and what to show; ``CallWizardDialog`` shows it in ``CallWizardView``. Nothing here
touches a widget, so the tests drive it with a real vault and no window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from vbedesk.errors import InputRefused
from vbedesk.i18n import _, language
from vbedesk.model import Contact, LegalReference
from vbedesk.routine import CaseLog, RoutineDefinition, RoutineSession, Step, StepKind
from vbedesk.storage.service import Draft, IdentifiersFound, VaultService
from vbedesk.ui.dialogs.case_log_view import CallRow, call_rows, clock_text, local, outcome_texts
from vbedesk.ui.messages import error_text

DRAFT_KIND = "call"
DRAFT_REF = "current"
#: The key in the call's draft for the unsaved input of its incident form.
FORM_KEY = "incident_form"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def call_draft(service: VaultService) -> Draft | None:
    """The half-done call kept as a draft, if there is one."""
    drafts = service.drafts.all(DRAFT_KIND)
    return drafts[-1] if drafts else None


def draft_summary(draft: Draft) -> str:
    """ "Started 2026-11-28 09:12, at step N4" for the offers to resume."""
    payload = draft.payload
    started = payload.get("started_at")
    try:
        when = local(datetime.fromisoformat(str(started))).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        when = "?"
    step = str(payload.get("current_step") or "?")[:20]
    return _("A call started {when} was not finished (at step {step}).").format(
        when=when, step=step
    )


@dataclass(frozen=True)
class Move:
    """What an answer, Continue or Back did: moved on, or why not (empty: nothing to say)."""

    moved: bool
    refusal: str = ""


@dataclass(frozen=True)
class Stored:
    """The case log saved at the end of a call, or why not."""

    log: CaseLog | None
    refusal: str = ""
    #: The guard held the notes back: "Save anyway" may store them after a confirmation.
    findings: bool = False


class CallPresenter:
    """One call through the routine in use (or, resumed, the version the call followed)."""

    def __init__(
        self,
        service: VaultService,
        *,
        draft: Mapping[str, Any] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.service = service
        self.clock = clock
        self.step_notes: dict[str, str] = {}
        #: The unsaved input of the call's incident form (kept in the call's draft).
        self.form_values: dict[str, Any] | None = None
        #: The case log once stored; the call keeps no draft after that.
        self.saved_log: CaseLog | None = None
        if draft is not None:
            definition = service.routines.definition(
                str(draft.get("routine_id", ""))[:64], str(draft.get("routine_version", ""))[:40]
            )
            self.session = RoutineSession.from_dict(draft, definition)
            raw_notes = draft.get("step_notes")
            if isinstance(raw_notes, dict):
                self.step_notes = {str(k): str(v) for k, v in raw_notes.items()}
            raw_form = draft.get(FORM_KEY)
            if isinstance(raw_form, dict) and self.session.finished:
                self.form_values = dict(raw_form)
        else:
            definition = service.routines.active()
            self.session = RoutineSession.start(definition, clock())
        self.definition: RoutineDefinition = definition
        self.contacts = {c.code: c for c in service.contacts.all()}
        self.references = {r.code: r for r in service.legal.all()}

    # -- where the call stands ---------------------------------------------------------
    @property
    def current(self) -> Step:
        return self.session.current

    @property
    def finished(self) -> bool:
        return self.session.finished

    @property
    def can_go_back(self) -> bool:
        return self.session.can_go_back

    def answered(self) -> int:
        return len(self.session.recorded)

    def timer_text(self) -> str:
        started = self.session.started_at
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        seconds = (self.clock() - started).total_seconds()
        return _("Call time {time}").format(time=clock_text(seconds))

    def step_contacts(self) -> list[tuple[str, Contact | None]]:
        """The current step's contacts by code (None: not in the contacts)."""
        return [(code, self.contacts.get(code)) for code in self.current.contacts]

    def step_references(self) -> list[tuple[str, LegalReference | None]]:
        return [(code, self.references.get(code)) for code in self.current.references]

    def contact_text(self) -> str:
        """The current step's contacts as plain text (name and number, one a line)."""
        lines = []
        for code, contact in self.step_contacts():
            if contact is None:
                lines.append(code)
            else:
                lines.append(f"{contact.name}: {contact.phone.strip() or '–'}")
        return "\n".join(lines)

    def end_text(self) -> str:
        return self.current.text.get(language())

    def outcome_texts(self) -> list[str]:
        return outcome_texts(self.definition, self.session.outcomes)

    def summary_rows(self) -> list[CallRow]:
        return call_rows(
            self.definition, self.session.recorded, self.session.started_at, self.step_notes
        )

    # -- notes -------------------------------------------------------------------------
    def keep_notes(self, text: str) -> None:
        """The notes as typed on the current step (the summary has none)."""
        if not self.finished:
            self.step_notes[self.current.id] = text

    def current_notes(self) -> str:
        return self.step_notes.get(self.current.id, "")

    def combined_notes(self) -> str:
        """The notes of the steps, in the order of the call (off-path notes after)."""
        order = [a.step for a in self.session.recorded]
        keyed = sorted(
            ((k, v.strip()) for k, v in self.step_notes.items() if v.strip()),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
        )
        lines = []
        for step_id, text in keyed:
            if step_id in order:
                lines.append(f"{step_id}: {text}")
            else:
                lines.append(
                    _("{step} (not on the final path): {text}").format(step=step_id, text=text)
                )
        return "\n".join(lines)

    # -- moving ------------------------------------------------------------------------
    def unticked_by(self, answer_id: str) -> list[str]:
        """The answers that ticking ``answer_id`` unticks: an exclusive answer goes alone."""
        step = self.current
        ticked = step.answer(answer_id)
        alone = ticked is not None and ticked.exclusive
        return [a.id for a in step.answers if a.id != answer_id and (alone or a.exclusive)]

    def answer(self, choice: str | list[str] | None) -> Move:
        """Answer the current step; a refusal leaves the call where it is."""
        try:
            self.session.answer(choice, self.clock())
        except InputRefused as exc:
            return Move(False, error_text(exc))
        return Move(True)

    def go_on(self, ticked: list[str]) -> Move:
        """Continue: an action or information step is done; a multi-choice is answered."""
        kind = self.current.kind
        if kind == StepKind.MULTI:
            if not ticked:
                return Move(False, _("Tick at least one answer."))
            return self.answer(ticked)
        if kind in (StepKind.ACTION, StepKind.INFORMATION):
            return self.answer(None)
        return Move(False)

    def go_back(self) -> Move:
        """Back one step; the notes of every step are kept."""
        if not self.can_go_back:
            return Move(False)
        self.session.back()
        return Move(True)

    # -- the draft ---------------------------------------------------------------------
    def payload(self) -> dict[str, Any]:
        """The draft: the engine's snapshot, the notes per step, where the call stands."""
        data = self.session.to_dict()
        data["step_notes"] = {k: v for k, v in self.step_notes.items() if v.strip()}
        data["current_step"] = self.current.id
        if self.form_values is not None:
            data[FORM_KEY] = self.form_values
        return data

    def save_draft(self) -> str:
        """Keep the call as an encrypted draft; the refusal, or "" (also when nothing to do)."""
        if self.saved_log is not None or not self.service.is_open:
            return ""
        try:
            self.service.drafts.save(DRAFT_KIND, DRAFT_REF, self.payload())
        except InputRefused as exc:
            return error_text(exc)
        return ""

    def keep_form(self, values: Mapping[str, Any] | None) -> str:
        """The incident form's unsaved input (None: dropped) goes into the call's draft."""
        self.form_values = None if values is None else dict(values)
        return self.save_draft()

    # -- the end -----------------------------------------------------------------------
    def case_log(self) -> CaseLog:
        """The finished call as a case log (ended now), with the notes of its steps."""
        self.session.notes = self.combined_notes()
        return self.session.case_log(self.clock())

    def prefill(self) -> dict[str, Any]:
        """Incident form values from the answers (JSON-ready, as the form loads them)."""
        fields = self.session.prefill_incident()
        values: dict[str, Any] = {
            "received_on": date.today().isoformat(),
            "concerns_individual": bool(fields.get("concerns_individual")),
            "actions_taken": sorted(self.session.actions),
        }
        for key in ("age_band", "consent"):
            if key in fields:
                values[key] = fields[key]
        return values

    def form_input(self) -> dict[str, Any]:
        """What the call's incident form opens with: its kept input, else the prefill."""
        return self.form_values if self.form_values is not None else self.prefill()

    def save_case_log(self, *, accept_findings: bool = False) -> Stored:
        """Store the case log without an incident (e.g. a call that only gave advice)."""
        try:
            log = self.service.case_logs.save(self.case_log(), accept_findings=accept_findings)
        except IdentifiersFound as exc:
            return Stored(None, error_text(exc), findings=True)
        except InputRefused as exc:
            return Stored(None, error_text(exc))
        self.stored(log)
        return Stored(log)

    def stored(self, log: CaseLog) -> None:
        """The call's case log is stored (alone or with its incident): the draft goes."""
        self.saved_log = log
        self.service.drafts.discard(DRAFT_KIND, DRAFT_REF)
