"""The disclosure register's entry: a file written out of the vault, where and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KINDS: tuple[str, ...] = ("pdf", "xlsx", "backup", "csv", "json", "print")


@dataclass(frozen=True)
class Disclosure:
    """One file that left the encryption (a report, a spreadsheet, a backup)."""

    at: datetime
    kind: str
    title: str
    path: str
    recipient: str = ""
    purpose: str = ""
    id: int | None = None
