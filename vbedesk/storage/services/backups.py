"""Backups of the open vault, the automatic one on close, their status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from vbedesk.changes import Area
from vbedesk.i18n import _
from vbedesk.storage import audit, backup
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.results import BackupStatus


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
        _test_kdf: bool = False,
    ) -> backup.BackupManifest:
        """Write a verified backup to the new file ``out``; audit it and register it.

        The window and the command line both come here. A backup that cannot be recorded
        is removed again, as every file that leaves the vault is registered.
        """
        manifest = backup.create_backup(
            self.vault, out, passphrase, progress=progress, cancel=cancel, _test_kdf=_test_kdf
        )
        try:
            self._svc.record_event(
                "backup.create", "backup", out.name[:60], "automatic" if automatic else ""
            )
            self._svc.disclosures.record("backup", _("Encrypted backup"), str(out.resolve()))
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        return manifest

    def folder(self) -> Path:
        """The backup folder from the settings, or the default beside the vault folder."""
        chosen = self._svc.settings().backup_folder
        return Path(chosen).expanduser() if chosen else backup.default_backup_dir(self.vault.folder)

    def create_automatic(self, passphrase: str, *, _test_kdf: bool = False) -> Path:
        """The rotated backup on close: a new ``auto-…`` file in the backup folder.

        Old generations are not deleted here: the backups page offers that, when asked.
        """
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        out = folder / backup.backup_name(datetime.now(UTC), automatic=True)
        self.create(out, passphrase, automatic=True, _test_kdf=_test_kdf)
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
        self._svc.record_event("backup.skipped", "backup", "automatic")

    def record_deleted(self, count: int) -> None:
        """Old automatic backups deleted at the coordinator's request (count only)."""
        self._svc.record_event("backup.delete", "backup", count)
