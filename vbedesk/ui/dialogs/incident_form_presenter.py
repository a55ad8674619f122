"""What the incident form does, without widgets (GUI thread).

``IncidentFormPresenter`` takes the form's values (the JSON-ready shape of
``incident_to_dict``) and does the rest: validation and storing through the services,
the identifier guard's findings and their explanation, the encrypted draft of unsaved
input (or, for a call's form, handing the input to the call), and the case log stored
together with a call's new incident. It returns what happened (``Saved``, refusals as
translated text with the field names the form shows); ``IncidentFormDialog`` shows it in
``IncidentFormView``. Nothing here touches a widget, so the tests drive it with a real
vault and no window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from vbedesk import guard
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.incidents import incident_from_mapping
from vbedesk.model import Incident
from vbedesk.routine import CaseLog
from vbedesk.storage.service import IdentifiersFound, VaultService
from vbedesk.ui.dialogs.case_log_view import local
from vbedesk.ui.widgets.guarded_text import explain

DRAFT_KIND = "incident"
NEW_REF = "new"

#: How the service's messages name each field, for the user.
FIELD_LABELS: dict[str, str] = {
    "received_on": N_("Received"),
    "occurred_on": N_("Occurred on"),
    "occurred_time": N_("Time"),
    "occurred_until": N_("Occurred until"),
    "area": N_("Area"),
    "place_type": N_("Type of place"),
    "reporting_unit": N_("Reporting unit"),
    "reporter_role": N_("Reporter's role"),
    "incident_types": N_("Types of incident"),
    "environment": N_("Environment"),
    "organisation": N_("Organisation"),
    "concerns_individual": N_("Concerns an individual"),
    "age_band": N_("Age band"),
    "description": N_("Description"),
    "actions_taken": N_("Actions taken"),
    "consent": N_("Consent"),
    "feedback_on": N_("Feedback given on"),
    "status": N_("Status"),
    "retain_until": N_("Retain until"),
}

#: A call's form hands its input to the call: the values, or None when it was cancelled.
HandOver = Callable[[dict[str, Any] | None], None]


def draft_ref(incident_id: int | None) -> str:
    """The draft's key: the incident id, or "new" for an incident not stored yet."""
    return NEW_REF if incident_id is None else str(incident_id)


def refused_text(exc: InputRefused) -> str:
    """The service's message, with field names as the form shows them."""
    params = dict(exc.params)
    for key in ("field", "other"):
        name = params.get(key)
        if isinstance(name, str) and name in FIELD_LABELS:
            params[key] = _(FIELD_LABELS[name])
    message = _(exc.message)
    return message.format(**params) if params else message


@dataclass(frozen=True)
class Saved:
    """What pressing Save did: the stored incident's id, or why nothing was stored."""

    incident_id: int | None = None
    #: The case log stored together with a call's new incident.
    case_log: CaseLog | None = None
    refusal: str = ""
    #: The field the refusal is about (a key of ``FIELD_LABELS``), to go to.
    field: str | None = None
    #: The guard held the text back: "Save anyway" may store it after a confirmation.
    held_back: bool = False
    #: The guard's findings in the description, to highlight.
    description_findings: tuple[guard.Finding, ...] = ()


class IncidentFormPresenter:
    """Register or edit one incident (a call's new one together with its case log)."""

    def __init__(
        self,
        service: VaultService,
        incident: Incident | None = None,
        *,
        case_log: CaseLog | None = None,
        hand_over: HandOver | None = None,
    ) -> None:
        self.service = service
        self.incident = incident
        # A call's new incident is stored with its case log; the call keeps its own draft.
        self.case_log = case_log
        self._own_drafts = case_log is None
        self._hand_over: HandOver = hand_over or (lambda _values: None)
        #: Edits not yet kept as a draft or stored.
        self.dirty = False

    @property
    def for_call(self) -> bool:
        """The form of a call: its input goes into the call's draft, not one of its own."""
        return not self._own_drafts

    def title(self) -> str:
        if self.incident is None or self.incident.id is None:
            return _("New incident")
        return _("Incident {id}").format(id=self.incident.id)

    def draft_ref(self) -> str:
        return draft_ref(self.incident.id if self.incident is not None else None)

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The form's values with the incident's id when it is a stored one."""
        completed = dict(values)
        if self.incident is not None and self.incident.id is not None:
            completed["id"] = self.incident.id
        return completed

    # -- drafts ----------------------------------------------------------------------------
    def keep_draft(self, values: Mapping[str, Any]) -> str:
        """Keep unsaved input as an encrypted draft (nothing without edits); the refusal."""
        if not self.dirty:
            return ""
        if not self._own_drafts:
            # A call's form: its input goes into the call's draft (a lock must not lose it).
            self._hand_over(self.complete(values))
            self.dirty = False
            return ""
        try:
            self.service.drafts.save(DRAFT_KIND, self.draft_ref(), self.complete(values))
        except InputRefused as exc:
            return refused_text(exc)
        self.dirty = False
        return ""

    def cancel(self) -> None:
        """The user drops the input: the draft goes (a call forgets the input it kept)."""
        self.dirty = False
        if not self._own_drafts:
            self._hand_over(None)
        else:
            self.service.drafts.discard(DRAFT_KIND, self.draft_ref())

    # -- saving ----------------------------------------------------------------------------
    def build_incident(self, values: Mapping[str, Any]) -> Incident:
        """The validated incident of ``values``; raises ``InputRefused``."""
        present = {k: v for k, v in self.complete(values).items() if v is not None}
        parsed = incident_from_mapping(present, self.service.taxonomies)
        if self.incident is not None:
            parsed = replace(
                parsed,
                is_demo=self.incident.is_demo,
                created_at=self.incident.created_at,
                updated_at=self.incident.updated_at,
            )
        return parsed

    def save(self, values: Mapping[str, Any], *, accept_findings: bool = False) -> Saved:
        """Validate and store; a refusal stores nothing and says why."""
        try:
            incident = self.build_incident(values)
        except InputRefused as exc:
            return self._refused(exc)
        try:
            if incident.id is None and self.case_log is not None:
                log = self.service.case_logs.save(
                    self.case_log, incident, accept_findings=accept_findings
                )
                return self._stored_with_case_log(log)
            if incident.id is None:
                result = self.service.incidents.add(incident, accept_findings=accept_findings)
            else:
                result = self.service.incidents.update(incident, accept_findings=accept_findings)
        except IdentifiersFound as exc:
            return self._held_back(incident, exc)
        except InputRefused as exc:
            return self._refused(exc)
        stored = result.incident
        assert stored.id is not None
        self.dirty = False
        self.service.drafts.discard(DRAFT_KIND, self.draft_ref())
        self.incident = stored
        return Saved(stored.id)

    def _stored_with_case_log(self, log: CaseLog) -> Saved:
        """The call's case log and its new incident went in one transaction."""
        assert log.incident_id is not None
        self.dirty = False
        self.case_log = None
        self.incident = self.service.incidents.get(log.incident_id)
        return Saved(log.incident_id, case_log=log)

    @staticmethod
    def _refused(exc: InputRefused) -> Saved:
        name = exc.params.get("field")
        field = name if isinstance(name, str) and name in FIELD_LABELS else None
        return Saved(refusal=refused_text(exc), field=field)

    def _held_back(self, incident: Incident, exc: IdentifiersFound) -> Saved:
        """The guard's findings: highlighted in the description, named for other fields."""
        found = self.service.incidents.scan(incident)
        lines = [refused_text(exc)]
        for name, finding in found:
            if name != "description":
                lines.append(f"{_(FIELD_LABELS.get(name, name))}: {explain(finding)}")
        return Saved(
            refusal="\n".join(lines),
            held_back=True,
            description_findings=tuple(f for name, f in found if name == "description"),
        )

    # -- the calls behind a stored incident --------------------------------------------
    def case_log_lines(self) -> list[tuple[int, str]]:
        """(case log id, one line) for each call behind a stored incident."""
        if self.incident is None or self.incident.id is None:
            return []
        lines = []
        for log in self.service.case_logs.for_incident(self.incident.id):
            assert log.id is not None
            text = _("{when}: routine {version}, {n} answers").format(
                when=local(log.started_at).strftime("%Y-%m-%d %H:%M"),
                version=log.routine_version,
                n=len(log.answers),
            )
            lines.append((log.id, text))
        return lines
