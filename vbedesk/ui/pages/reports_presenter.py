"""What the Rapporter page decides, without widgets: the request of a choice, the spreadsheet
that goes with it, the analysis text and its draft, the work of building and writing.

No Qt here, so it is tested over a real vault without a window. The ``ReportsPage`` calls
it on the GUI thread; ``build_output``, ``write_output`` and ``export_file`` are what the
page runs on the worker thread (``vbedesk.ui.tasks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vbedesk.disclosure import Disclosure
from vbedesk.i18n import _
from vbedesk.model import Period
from vbedesk.reports.catalog import Kind, Output, Request, build
from vbedesk.storage.service import VaultService

#: The kind of draft kept for an unsaved analysis text (``ref`` is the year).
ANALYSIS_DRAFT = "lagesbild-analysis"


@dataclass(frozen=True)
class Choice:
    """What the form on the page says: the report and every option of it."""

    kind: Kind
    period: Period
    year: int
    incident_id: int
    form_language: str

    def request(self) -> Request:
        """What the choice asks for, as the catalog takes it (only the kind's options)."""
        if self.kind is Kind.FOLLOWUP:
            return Request(self.kind, period=self.period)
        if self.kind is Kind.LAGESBILD:
            return Request(self.kind, year=self.year)
        if self.kind is Kind.INCIDENT:
            return Request(self.kind, item_id=self.incident_id)
        if self.kind is Kind.BLANK_FORM:
            return Request(self.kind, form_language=self.form_language)
        return Request(self.kind)

    def export_request(self) -> Request | None:
        """The spreadsheet that goes with the choice (follow-up or lägesbild), else None."""
        if self.kind is Kind.FOLLOWUP:
            return Request(Kind.FOLLOWUP_XLSX, period=self.period)
        if self.kind is Kind.LAGESBILD:
            return Request(Kind.STATISTICS_XLSX, year=self.year)
        return None


@dataclass(frozen=True)
class ExportTarget:
    """How a spreadsheet export is offered: the notice's title, a file name, the formats."""

    what: str
    suggested: str
    kinds: tuple[str, ...]


def export_target(request: Request) -> ExportTarget:
    """The notice title, suggested name and formats of an ``export_request``."""
    if request.kind is Kind.FOLLOWUP_XLSX:
        assert request.period is not None
        return ExportTarget(
            _("Follow-up of the action plan") + f" {request.period} (xlsx)",
            f"uppfoljning-{request.period.kind.value}-{request.period.year}.xlsx",
            ("xlsx", "csv"),
        )
    return ExportTarget(
        _("Situation report (lägesbild)") + f" {request.year} (xlsx)",
        f"statistik-{request.year}.xlsx",
        ("xlsx",),
    )


def export_request_for(request: Request, path: Path) -> Request:
    """The follow-up as CSV when the chosen file name says so; otherwise ``request``."""
    if request.kind is Kind.FOLLOWUP_XLSX and path.suffix.lower() == ".csv":
        return Request(Kind.FOLLOWUP_CSV, period=request.period)
    return request


def default_years(service: VaultService) -> tuple[int | None, int | None]:
    """The newest plan's year (for the follow-up) and the newest year with incidents."""
    plans = service.plans.all()
    newest = service.incidents.list_full(sort="received_on", descending=True, limit=1)
    return (
        max(p.year for p in plans) if plans else None,
        newest[0].received_on.year if newest else None,
    )


def register_rows(service: VaultService) -> list[Disclosure]:
    """The disclosure register as the page lists it: newest first."""
    return list(reversed(service.disclosures.all()))


# -- the work on the worker thread ---------------------------------------------------------
def build_output(service: VaultService, request: Request) -> Output:
    """Build the requested file, dated today."""
    return build(service, request, created=date.today())


def write_output(
    service: VaultService, path: Path, output: Output, recipient: str, purpose: str
) -> int:
    """Write ``output`` to the new file ``path`` and register it; the register entry's id."""
    entry = service.disclosures.write(
        path, output.data, output.file_kind, output.title, recipient=recipient, purpose=purpose
    )
    assert entry.id is not None
    return entry.id


def export_file(
    service: VaultService, path: Path, request: Request, recipient: str, purpose: str
) -> int:
    """Build the spreadsheet (CSV for a follow-up saved as ``.csv``), write and register it."""
    output = build_output(service, export_request_for(request, path))
    return write_output(service, path, output, recipient, purpose)


# -- the analysis ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedAnalysis:
    """The text to show for a year, and whether it came from a draft."""

    text: str
    from_draft: bool


class AnalysisText:
    """The coordinator's analysis of one year's lägesbild: what is saved, and the draft of
    what is not (an unsaved text is kept for its year when another year is shown or the
    vault locks)."""

    def __init__(self, service: VaultService) -> None:
        self.service = service
        #: The year shown, once one has been loaded.
        self.year: int | None = None
        self.saved = ""

    def is_dirty(self, text: str) -> bool:
        return text != self.saved

    def keep_draft(self, text: str) -> None:
        """An unsaved ``text`` of the loaded year becomes an encrypted draft."""
        if self.year is not None and self.is_dirty(text):
            self.service.drafts.save(ANALYSIS_DRAFT, str(self.year), {"text": text})

    def load(self, year: int, shown: str) -> LoadedAnalysis:
        """Switch to ``year``: ``shown`` (the text of the year before) is kept as a draft if
        unsaved; the year's draft is offered before its saved text."""
        self.keep_draft(shown)
        self.year = year
        self.saved = self.service.situation.analysis(year)
        draft = next(
            (d for d in self.service.drafts.all(ANALYSIS_DRAFT) if d.ref == str(year)), None
        )
        text = self.saved
        if draft is not None and isinstance(draft.payload.get("text"), str):
            text = draft.payload["text"]
        return LoadedAnalysis(text, draft is not None and text != self.saved)

    def save(self, text: str, *, year: int, accept_findings: bool = False) -> None:
        """Keep ``text`` as the analysis of the loaded year (``year`` before any is loaded)
        and drop its draft. Raises ``IdentifiersFound`` or ``InputRefused`` as the service
        does, and then nothing changes."""
        if self.year is not None:
            year = self.year
        self.service.situation.set_analysis(year, text, accept_findings=accept_findings)
        self.saved = text
        self.service.drafts.discard(ANALYSIS_DRAFT, str(year))
