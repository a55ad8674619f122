"""The restore's state and words, apart from its Qt pages (no Qt here).

As Electrum keeps its wizard's state machine apart from the Qt pages that show it, the
restore dialog is a thin view over ``RestoreFlow``: which step it is at, the backup
passphrase that passed the check, the manifest, the restored folder, and what each
button may do. The work itself (``verify``, ``restore``) is the service-level entry of
``storage/services/backups.py`` that the command line calls too; the dialog runs it on
the worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from vbedesk.i18n import N_, _
from vbedesk.storage.services.backups import (
    BackupManifest,
    RestoredVault,
    restore_file,
    verify_file,
)

if TYPE_CHECKING:
    from vbedesk.storage.keys import KdfParams
    from vbedesk.storage.service import VaultService

#: Table names of the manifest's counts, in words (the rest are shown by their name).
COUNT_LABELS = {
    "incident": N_("Incidents"),
    "action_plan": N_("Action plans"),
    "activity": N_("Activities"),
    "followup": N_("Follow-ups"),
    "training_count": N_("Training counts"),
    "contact": N_("Contacts"),
    "case_log": N_("Case logs"),
    "audit_log": N_("Audit log rows"),
}


def local_time(value: datetime) -> str:
    """A stored UTC time as the coordinator reads it: local, ISO, to the minute."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def manifest_summary(manifest: BackupManifest) -> str:
    """The backup's own account of itself: created when, generation, row counts."""
    lines = [
        _("Created: {when}").format(when=local_time(manifest.created)),
        _("Generation: {n}").format(n=manifest.generation),
        _("Schema version: {v}").format(v=manifest.schema_version),
        _("Vault id: {id}").format(id=manifest.vault_id),
    ]
    for table, n in sorted(manifest.counts.items()):
        label = COUNT_LABELS.get(table)
        if label is not None:
            lines.append(f"{_(label)}: {n}")
    return "\n".join(lines)


class RestoreStep(IntEnum):
    """The dialog's pages, in order."""

    CHECK = 0  # the backup's passphrase, checked
    TARGET = 1  # the summary, the new folder and the new vault's passphrase
    DONE = 2  # where it is, and the new recovery key (shown once)


@dataclass(frozen=True)
class RestoreButtons:
    """What the dialog's buttons show and allow at this moment."""

    restore_visible: bool
    restore_enabled: bool
    open_visible: bool
    check_enabled: bool
    close_enabled: bool
    close_text: str


class RestoreFlow:
    """One restore, from the backup file to the new vault: its state and its rules.

    ``verify_job`` and ``restore_job`` make the work for the worker thread (it reads
    only the values taken when the job was made); ``start``, ``checked``, ``restored``
    and ``failed`` move the state on the GUI thread. The backup passphrase is kept only
    between a successful check and the restore; ``forget`` drops it.
    """

    def __init__(
        self,
        backup: Path,
        default_target: Path,
        *,
        kdf: KdfParams | None = None,
        record_in: VaultService | None = None,
    ) -> None:
        self.backup = backup
        self.default_target = default_target
        self.kdf = kdf
        self.record_in = record_in
        self.step = RestoreStep.CHECK
        self.busy = False
        self.manifest: BackupManifest | None = None
        #: The restored vault's folder, once the restore is done.
        self.target: Path | None = None
        self._passphrase = ""

    # -- the work: made on the GUI thread, run on the worker thread ----------------------
    def verify_job(self, passphrase: str) -> Callable[[], BackupManifest]:
        """Check the backup with ``passphrase``; nothing is written."""
        backup = self.backup
        return lambda: verify_file(backup, passphrase)

    def restore_job(self, target: Path, new_passphrase: str) -> Callable[[], RestoredVault]:
        """Restore into ``target`` with the passphrase that passed the check (audited)."""
        backup, passphrase, kdf, record_in = self.backup, self._passphrase, self.kdf, self.record_in
        return lambda: restore_file(
            backup,
            passphrase,
            target,
            new_passphrase=new_passphrase,
            kdf=kdf,
            also_record_in=record_in,
        )

    # -- moving on (GUI thread) ----------------------------------------------------------
    def start(self) -> None:
        self.busy = True

    def checked(self, manifest: BackupManifest, passphrase: str) -> None:
        self.busy = False
        self.manifest = manifest
        self._passphrase = passphrase
        self.step = RestoreStep.TARGET

    def restored(self, result: RestoredVault) -> None:
        self.busy = False
        self._passphrase = ""
        self.target = result.folder
        self.step = RestoreStep.DONE

    def failed(self) -> None:
        self.busy = False

    def forget(self) -> None:
        self._passphrase = ""

    # -- rules ---------------------------------------------------------------------------
    def can_check(self, passphrase: str) -> bool:
        return not self.busy and bool(passphrase)

    def can_restore(self, target_text: str, passphrase_acceptable: bool) -> bool:
        return (
            not self.busy
            and self.manifest is not None
            and bool(target_text.strip())
            and passphrase_acceptable
        )

    def can_close(self) -> bool:
        """A restore is written to a staging folder: it cannot be left half done."""
        return not self.busy

    def buttons(self, target_text: str, passphrase_acceptable: bool) -> RestoreButtons:
        done = self.step == RestoreStep.DONE
        return RestoreButtons(
            restore_visible=self.step == RestoreStep.TARGET,
            restore_enabled=self.can_restore(target_text, passphrase_acceptable),
            open_visible=done and self.target is not None,
            check_enabled=not self.busy,
            close_enabled=not self.busy,
            close_text=_("&Close") if done else _("&Cancel"),
        )

    def done_text(self) -> str:
        return _(
            "The backup was restored into a new vault in {path}. Open it with the "
            "button below, or later by starting VBE Desk with that folder (vbedesk gui "
            "--vault \u201c{path}\u201d)."
        ).format(path=self.target)


def target_of(text: str) -> Path:
    """The folder typed for the restored vault."""
    return Path(text.strip()).expanduser()


__all__ = [
    "COUNT_LABELS",
    "RestoreButtons",
    "RestoreFlow",
    "RestoreStep",
    "local_time",
    "manifest_summary",
    "target_of",
]
