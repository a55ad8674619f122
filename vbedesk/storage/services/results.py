"""What the services return besides domain objects, and the errors they raise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vbedesk import guard
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.model import (
    Incident,
)
from vbedesk.storage.vault import RollbackSuspected


class NotFound(InputRefused):
    message = N_("No incident with id {id}.")


class ActivityNotFound(NotFound):
    message = N_("No activity with id {id}.")


@dataclass(frozen=True)
class SaveResult:
    """A stored incident and the guard's findings (warnings, or accepted blocking ones)."""

    incident: Incident
    findings: tuple[tuple[str, guard.Finding], ...] = ()


@dataclass(frozen=True)
class Draft:
    kind: str
    ref: str
    payload: dict[str, Any]
    saved_at: datetime


@dataclass(frozen=True)
class BackupStatus:
    """The last backup written, and an automatic backup skipped after it (``None``: none)."""

    last: datetime | None
    skipped: datetime | None = None


@dataclass(frozen=True)
class RetentionRow:
    """An incident past its retention date, as the gallring list shows it (no free text)."""

    id: int
    received_on: date
    retain_until: date
    area: str | None
    environment: str
    incident_types: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class CheckReport:
    integrity: tuple[str, ...]
    audit_rows: int
    audit_first_broken: int | None
    schema_version: str
    #: The database was found older than the last session (a restored or synced old copy).
    rollback: RollbackSuspected | None = None

    @property
    def ok(self) -> bool:
        return not self.integrity and self.audit_first_broken is None and self.rollback is None

    @property
    def only_older_copy(self) -> bool:
        """Sound, but an older copy than the last session (accept it or find the newer)."""
        return self.rollback is not None and not self.integrity and self.audit_first_broken is None


def check_lines(report: CheckReport) -> list[str]:
    """What a check found, one translated line a part (the command line and the window)."""
    lines: list[str] = []
    if not report.integrity:
        lines.append(_("Integrity checks: ok"))
    else:
        lines.append(_("Integrity checks: {n} problems").format(n=len(report.integrity)))
        lines += ["  " + problem for problem in report.integrity[:20]]
    if report.audit_first_broken is None:
        lines.append(_("Audit log: {n} rows, chain intact").format(n=report.audit_rows))
    else:
        lines.append(
            _("Audit log: chain broken at row {row}").format(row=report.audit_first_broken)
        )
    if report.rollback is not None:
        lines.append(
            _(
                "Generation: the database is older than the last session ({found} < {expected}),"
                " found {when}: an old copy has been put back."
            ).format(
                found=report.rollback.found,
                expected=report.rollback.expected,
                when=report.rollback.detected_at,
            )
        )
    else:
        lines.append(_("Generation: not older than the last session"))
    return lines
