"""What a committed use case changed, so that views can refresh themselves (no polling).

Every unit of work that writes names the areas it touched; after the commit the vault's
listeners receive one ``Changes``. The pages subscribe and reload what they show when an
area of theirs is in it, as Anki's ``OpChanges`` tells its screens what to redraw.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Area(StrEnum):
    """The parts of a vault a page can show."""

    INCIDENTS = "incidents"
    SITUATION = "situation"
    DISCLOSURES = "disclosures"
    PLAN = "plan"
    TRAINING = "training"
    CONTACTS = "contacts"
    ROUTINE = "routine"
    CASE_LOGS = "case_logs"
    BACKUPS = "backups"
    DRAFTS = "drafts"
    SETTINGS = "settings"
    VAULT = "vault"


@dataclass(frozen=True)
class Changes:
    """The areas one committed unit of work changed."""

    areas: frozenset[Area]

    def touches(self, *areas: Area) -> bool:
        """Whether any of ``areas`` changed."""
        return not self.areas.isdisjoint(areas)

    def __bool__(self) -> bool:
        return bool(self.areas)
