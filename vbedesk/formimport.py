"""Outcomes of importing filled-in PDF forms: imported, needs review, rejected or skipped."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from vbedesk.errors import InputRefused
from vbedesk.guard import Finding
from vbedesk.i18n import N_, _
from vbedesk.incidents import incident_from_mapping
from vbedesk.model import Incident
from vbedesk.taxonomy import Taxonomies

MAX_FORM_BYTES = 10 * 1024 * 1024
"""A filled-in form is a few hundred kilobytes; anything above 10 MB is refused unread."""

# Why a file is rejected: a stable code (for scripts and tests) and an English msgid.
REJECTION_MESSAGES: dict[str, str] = {
    "too_large": N_("The file is larger than 10 MB; a filled-in form is much smaller."),
    "unreadable": N_("The file cannot be read."),
    "not_pdf": N_("The file is not a PDF."),
    "damaged": N_("The PDF is damaged or incomplete."),
    "encrypted": N_("The PDF is encrypted; save it without a password and import it again."),
    "no_form": N_("The PDF has no form fields."),
    "not_our_form": N_("The PDF is not a VBE Desk form (its fields are unknown)."),
    "bad_value": N_("The field {field} holds a value of the wrong kind."),
    "invalid": N_("A field of the form is not valid."),
}

FindingsByField = tuple[tuple[str, Finding], ...]


def read_form_file(path: Path) -> bytes | None:
    """At most one byte over the form limit (the reader refuses it); ``None`` if unreadable.

    A folder, a missing file or one without permission is unreadable; a huge file is never
    read whole.
    """
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_FORM_BYTES + 1)
    except OSError:
        return None


def content_hash(data: bytes) -> str:
    """The SHA-256 of a file's bytes, in hex: the same file is imported only once."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Rejected:
    """A file that cannot become an incident; nothing of it was saved."""

    filename: str
    reason: str
    """A code from ``REJECTION_MESSAGES``."""
    params: Mapping[str, object] = field(default_factory=dict)
    message: str = ""
    """An English msgid; empty means the one of ``reason``."""
    sha256: str = ""

    def text(self) -> str:
        """The reason, translated into the current language."""
        msgid = self.message or REJECTION_MESSAGES[self.reason]
        translated = _(msgid)
        return translated.format(**self.params) if self.params else translated


@dataclass(frozen=True)
class FormReading:
    """What a filled-in form holds: the incident's fields as raw values, or a rejection.

    ``values`` uses the names of ``vbedesk.incidents.FIELDS``: text as ``str``, check boxes
    of a set as a list of codes (``None`` when none is ticked), a single check box as
    ``bool``; an empty field is left out (``None``).
    """

    sha256: str
    values: Mapping[str, object] = field(default_factory=dict)
    rejection: Rejected | None = None

    @property
    def ok(self) -> bool:
        return self.rejection is None


@dataclass(frozen=True)
class Imported:
    """The form is now an incident in the vault."""

    filename: str
    sha256: str
    incident: Incident
    findings: FindingsByField = ()


@dataclass(frozen=True)
class NeedsReview:
    """The form is valid but its text looks like it names a person; nothing was saved.

    ``incident`` is the unsaved incident, for the coordinator to review and edit.
    """

    filename: str
    sha256: str
    incident: Incident
    findings: FindingsByField = ()


@dataclass(frozen=True)
class Ready:
    """A dry run's answer: the form is valid and would be imported as it is; nothing saved."""

    filename: str
    sha256: str
    incident: Incident
    findings: FindingsByField = ()


@dataclass(frozen=True)
class Skipped:
    """The same file (by content hash) was imported before."""

    filename: str
    sha256: str
    incident_id: int | None
    imported_at: datetime


FormImportResult = Imported | NeedsReview | Ready | Rejected | Skipped


def incident_from_reading(
    reading: FormReading, taxonomies: Taxonomies, filename: str, *, today: date | None = None
) -> Incident | Rejected:
    """The validated (not yet guarded) incident of a form, or why it cannot be one."""
    if reading.rejection is not None:
        return reading.rejection
    try:
        return incident_from_mapping(reading.values, taxonomies, today=today)
    except InputRefused as exc:
        # The refusal's own msgid: it names the field and never quotes free text.
        return Rejected(
            filename=filename,
            reason="invalid",
            params=dict(exc.params),
            message=exc.message,
            sha256=reading.sha256,
        )
