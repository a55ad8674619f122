"""Backups: of the open vault, the automatic one on close, their status; and the two use
cases that need no open vault, checking a backup file and restoring it (``verify_file``,
``restore_file``), which the window and the command line both call.

The UI reaches backups only through this module (and ``VaultService.backups``): the file
format itself is ``storage/backup.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from vbedesk.changes import Area
from vbedesk.i18n import _
from vbedesk.storage import audit, backup
from vbedesk.storage.backup import (
    BackupFile,
    BackupManifest,
    backup_name,
    list_backups,
    surplus_generations,
)
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.results import BackupStatus
from vbedesk.storage.uow import Store
from vbedesk.storage.vault import Vault

if TYPE_CHECKING:
    from vbedesk.storage.service import VaultService

__all__ = [
    "BackupFile",
    "BackupManifest",
    "BackupService",
    "RestoredVault",
    "backup_name",
    "list_backups",
    "restore_file",
    "surplus_generations",
    "verify_file",
]

#: The audit action of a restore, written into the restored vault (and the open one).
RESTORE_ACTION = "backup.restore"


@dataclass(frozen=True)
class RestoredVault:
    """A finished restore: the new vault's folder (closed again) and its recovery key."""

    folder: Path
    recovery_key: str
    manifest: BackupManifest


def verify_file(path: Path, passphrase: str) -> BackupManifest:
    """Check a backup file completely, no vault needed; nothing is written. Its manifest.

    The errors are those of the format (``docs/backup-format.md``): not a backup, newer
    version, wrong passphrase or damaged header, damaged data.
    """
    return backup.verify_backup(Path(path), passphrase)


def restore_file(
    path: Path,
    passphrase: str,
    target: Path,
    *,
    new_passphrase: str,
    kdf: KdfParams | None = None,
    progress: Callable[[str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    also_record_in: VaultService | None = None,
) -> RestoredVault:
    """Restore a backup file into a new vault in ``target`` (never over anything), audited.

    The restored vault records ``backup.restore`` (the backup's file name and generation)
    before the restore counts as done; a restore that cannot be recorded is taken away
    again. ``also_record_in`` (the window's open vault) records the same row. The new
    vault is closed at the end: one vault is open at a time, the coordinator opens the
    restored one by choice. ``kdf`` is the new key file's (calibrated when ``None``).
    """
    path = Path(path)
    name = path.name[:60]
    seen: list[BackupManifest] = []

    def record(vault: Vault, manifest: BackupManifest) -> None:
        seen.append(manifest)
        with Store(vault).write() as work:
            audit.append(work.session, RESTORE_ACTION, "backup", name, _restore_detail(manifest))

    vault, recovery = backup.restore_backup(
        path,
        passphrase,
        target,
        new_passphrase=new_passphrase,
        kdf=kdf,
        progress=progress,
        cancel=cancel,
        opened=record,
    )
    vault.close()
    manifest = seen[0]
    if also_record_in is not None:
        also_record_in.backups.record_restored(name, manifest)
    return RestoredVault(vault.folder, recovery, manifest)


def _restore_detail(manifest: BackupManifest) -> str:
    """What the audit row of a restore says besides the file name: counts, never text."""
    return f"generation {manifest.generation}"


class BackupService(AreaService):
    """Backups of the open vault, the automatic one on close, their status."""

    AREAS = (Area.BACKUPS,)

    def create(
        self,
        out: Path,
        passphrase: str,
        *,
        automatic: bool = False,
        progress: Callable[[str], None] | None = None,
        cancel: Callable[[], bool] | None = None,
        kdf: KdfParams | None = None,
    ) -> BackupManifest:
        """Write a verified backup to the new file ``out``; audit it and register it.

        The window and the command line both come here. A backup that cannot be recorded
        is removed again, as every file that leaves the vault is registered. ``kdf`` gives
        the Argon2id costs of the backup's header (``None``: the documented defaults).
        """
        manifest = backup.create_backup(
            self.vault, out, passphrase, kdf=kdf, progress=progress, cancel=cancel
        )
        try:
            with self._write():  # one transaction; the status bar hears BACKUPS after it
                self._record("backup.create", out.name[:60], "automatic" if automatic else "")
                self._svc.disclosures.record("backup", _("Encrypted backup"), str(out.resolve()))
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        return manifest

    def folder(self) -> Path:
        """The backup folder from the settings, or the default beside the vault folder."""
        chosen = self._svc.settings().backup_folder
        return Path(chosen).expanduser() if chosen else backup.default_backup_dir(self.vault.folder)

    def create_automatic(self, passphrase: str, *, kdf: KdfParams | None = None) -> Path:
        """The rotated backup on close: a new ``auto-…`` file in the backup folder.

        Old generations are not deleted here: the backups page offers that, when asked.
        """
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        out = folder / backup_name(datetime.now(UTC), automatic=True)
        self.create(out, passphrase, automatic=True, kdf=kdf)
        return out

    def status(self) -> BackupStatus:
        """When the last backup was written, and whether an automatic one was skipped since."""
        with self._read() as s:
            rows = s.execute(
                select(
                    audit.AuditRow.action,
                    func.max(audit.AuditRow.id),
                    func.max(audit.AuditRow.at),
                )
                .where(audit.AuditRow.action.in_(("backup.create", "backup.skipped")))
                .group_by(audit.AuditRow.action)
            ).all()
        # Times are stored as naive UTC; the order comes from the row ids (same second).
        latest = {action: (row_id, at.replace(tzinfo=UTC)) for action, row_id, at in rows}
        created = latest.get("backup.create")
        skipped_row = latest.get("backup.skipped")
        last = created[1] if created else None
        skipped = None
        if skipped_row is not None and (created is None or skipped_row[0] > created[0]):
            skipped = skipped_row[1]
        return BackupStatus(last=last, skipped=skipped)

    def record_skipped(self) -> None:
        """The automatic backup at close was skipped (no passphrase given)."""
        self._record("backup.skipped", "automatic")

    def record_deleted(self, count: int) -> None:
        """Old automatic backups deleted at the coordinator's request (count only)."""
        self._record("backup.delete", count)

    def record_restored(self, file_name: str, manifest: BackupManifest) -> None:
        """A backup restored into a new vault from this one's window (``restore_file``)."""
        self._record(RESTORE_ACTION, file_name[:60], _restore_detail(manifest))

    def _record(self, action: str, entity_id: object, detail: str = "") -> None:
        """An audit row about backups; the listeners hear BACKUPS after the commit."""
        with self._write():
            self._svc.record_event(action, "backup", entity_id, detail)
