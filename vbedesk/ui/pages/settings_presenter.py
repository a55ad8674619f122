"""What the settings page does, without widgets: saving the changed settings one by one,
a revised routine file, remembering the key on this computer.

Tested over a real vault without a window; ``SettingsPage`` (GUI thread) shows the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.routine import RoutineDefinition
from vbedesk.settings import Settings
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService

#: A routine file larger than this is refused unread.
MAX_ROUTINE_FILE = 1_000_000


@dataclass(frozen=True)
class SaveOutcome:
    """The settings as stored after a save, how many changed, and the refusals by key."""

    settings: Settings
    saved: int
    refused: dict[str, InputRefused] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refused


@dataclass(frozen=True)
class KeyringState:
    """Whether the key may be remembered here, whether it is, and why (or where)."""

    available: bool
    remembered: bool
    reason: str


class SettingsPresenter:
    """The vault's settings and this computer's keyring as the page edits them."""

    def __init__(self, service: VaultService, store: KeyringStore) -> None:
        self.service = service
        self.store = store

    # -- the settings ----------------------------------------------------------------------
    def settings(self) -> Settings:
        return self.service.settings()

    def save(self, values: dict[str, object]) -> SaveOutcome:
        """Save each value that differs from the stored one, on its own: a refused one
        leaves the others saved."""
        current = self.service.settings()
        saved = 0
        refused: dict[str, InputRefused] = {}
        for key, value in values.items():
            if str(getattr(current, key)) == str(value).strip():
                continue
            try:
                current = self.service.set_setting(key, value)
            except InputRefused as exc:
                refused[key] = exc
            else:
                saved += 1
        return SaveOutcome(current, saved, refused)

    # -- the routine -----------------------------------------------------------------------
    def active_routine(self) -> RoutineDefinition:
        return self.service.routines.active()

    def load_routine_file(self, path: Path) -> RoutineDefinition:
        """Validate the file through the service and put it in use. ``RoutineInvalid``
        names every problem; a file too large or not UTF-8 text is an ``InputRefused``."""
        try:
            if path.stat().st_size > MAX_ROUTINE_FILE:
                raise InputRefused(N_("The routine file is too large."))
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise InputRefused(N_("The file could not be read as a UTF-8 text file.")) from None
        return self.service.routines.load(content)

    # -- this computer ---------------------------------------------------------------------
    def keyring(self) -> KeyringState:
        """What the keyring offers for this vault (the reason translated)."""
        available = self.store.is_available()
        remembered = available and self.store.get(self.service.vault_id) is not None
        return KeyringState(available, remembered, self.store.describe(_))

    def set_remembered(self, remember: bool) -> None:
        """Keep the key in the keyring, or remove it; ``VbedeskError`` when refused."""
        if remember:
            self.service.remember(self.store)
        else:
            self.service.forget(self.store)
