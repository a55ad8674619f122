"""The backups page's state and decisions, apart from its widgets (no Qt here).

``BackupsPresenter`` knows what the Säkerhetskopior page shows and what each action does
with the service: the backup folder and its files, the words about the latest backup,
the generations to keep and the automatic backup, the name of a new backup, the folder
a restore goes to, the old backups to delete. ``pages/backups.py`` binds it to the
widgets of ``pages/backups_view.py`` and runs the long work on the worker thread. Data
comes only through the service (``service.backups`` and ``storage/services/backups.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _, ngettext
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import CheckReport, VaultService, check_lines
from vbedesk.storage.services.backups import (
    BackupFile,
    BackupManifest,
    backup_name,
    list_backups,
    surplus_generations,
    verify_file,
)
from vbedesk.ui.dialogs.backup_flow import local_time, manifest_summary
from vbedesk.ui.status import backup_age_text

log = logging.getLogger(__name__)

FOLDER_UNUSABLE = N_("The folder {path} cannot be used ({kind}).")
FILE_MISSING = N_("The file {name} does not exist.")


@dataclass(frozen=True)
class BackupsScreen:
    """Everything the page shows at one moment (read from the service and the folder)."""

    folder: Path
    files: list[BackupFile]
    last_text: str
    surplus_text: str
    can_prune: bool
    auto_backup: bool


@dataclass(frozen=True)
class AutoBackupText:
    """How the automatic backup gets its passphrase, and whether one can be forgotten."""

    text: str
    remembered: bool


@dataclass(frozen=True)
class BackupButtons:
    create: bool
    verify: bool
    restore: bool
    other: bool
    check: bool


@dataclass(frozen=True)
class CheckResult:
    """The vault check in words: the line under the button, and the problems (if any)."""

    text: str
    problems: str


@dataclass(frozen=True)
class PruneQuestion:
    """The question before old automatic backups are deleted, and the files it is about."""

    text: str
    names: str
    paths: list[Path]


class BackupsPresenter:
    """The Säkerhetskopior page without its widgets: one per page, on the GUI thread."""

    def __init__(self, service: VaultService, store: KeyringStore) -> None:
        self.service = service
        self.store = store
        #: A backup, verification or check runs (one at a time).
        self.busy = False
        #: Files chosen from elsewhere during this visit ("Other file…").
        self.extra: list[BackupFile] = []

    # -- what the page shows -------------------------------------------------------------
    def folder(self) -> Path:
        """The backup folder from the settings, or the default beside the vault."""
        return self.service.backups.folder()

    def screen(self) -> BackupsScreen:
        settings = self.service.settings()
        folder = self.folder()
        in_folder = list_backups(folder)
        listed = {f.path for f in in_folder}
        files = in_folder + [f for f in self.extra if f.path not in listed]
        status = self.service.backups.status()
        last_text, _old = backup_age_text(status.last, datetime.now(UTC))
        keep = settings.backup_generations
        surplus = surplus_generations(in_folder, keep)
        if surplus:
            surplus_text = ngettext(
                "{n} automatic backup is older than the {keep} to keep; it is deleted "
                "only when you ask.",
                "{n} automatic backups are older than the {keep} to keep; they are "
                "deleted only when you ask.",
                len(surplus),
            ).format(n=len(surplus), keep=keep)
        else:
            surplus_text = _("Automatic backups kept: up to {keep}.").format(keep=keep)
        return BackupsScreen(
            folder=folder,
            files=files,
            last_text=last_text,
            surplus_text=surplus_text,
            can_prune=bool(surplus),
            auto_backup=settings.auto_backup,
        )

    def auto_text(self) -> AutoBackupText:
        remembered = self.store.get_backup_passphrase(self.service.vault_id) is not None
        if remembered:
            text = _(
                "The backup passphrase is remembered in the system keyring; the automatic "
                "backup needs no question."
            )
        elif self.store.is_available():
            text = _(
                "No backup passphrase is remembered: the program asks for it when it closes. "
                "Tick “remember” when you make a backup to stop the question."
            )
        else:
            text = _(
                "No secure keyring on this computer: the program asks for the backup "
                "passphrase when it closes (or skips the backup if you choose so)."
            )
        return AutoBackupText(text, remembered)

    def buttons(self, chosen: bool) -> BackupButtons:
        free = not self.busy
        return BackupButtons(
            create=free, verify=free and chosen, restore=free and chosen, other=free, check=free
        )

    # -- settings ------------------------------------------------------------------------
    def set_folder(self, path: str) -> None:
        """Keep ``path`` as the backup folder (a setting of the vault)."""
        self.service.set_setting("backup_folder", path)

    def set_auto_backup(self, on: bool) -> None:
        self.service.set_setting("auto_backup", on)

    def forget_passphrase(self) -> None:
        self.store.delete_backup_passphrase(self.service.vault_id)

    def remember_passphrase(self, passphrase: str) -> None:
        """Keep the passphrase of a backup just made, only in a secure keyring."""
        self.store.set_backup_passphrase(self.service.vault_id, passphrase)

    # -- making a backup -----------------------------------------------------------------
    def new_backup_path(self) -> Path:
        """Where a backup made now goes (the folder is made if needed)."""
        folder = self.folder()
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise InputRefused(FOLDER_UNUSABLE, path=folder, kind=type(exc).__name__) from None
        return folder / backup_name(datetime.now(UTC))

    def written_text(self, out: Path, manifest: BackupManifest) -> str:
        return (
            _("Backup written and verified: {path}").format(path=out)
            + "\n"
            + manifest_summary(manifest)
        )

    # -- verifying and restoring ---------------------------------------------------------
    def add_file(self, path: Path) -> None:
        """Show a file from elsewhere in the list for this visit (``InputRefused`` if gone)."""
        try:
            stat = path.stat()
        except OSError:
            raise InputRefused(FILE_MISSING, name=path.name) from None
        if path not in [f.path for f in self.extra]:
            self.extra.append(
                BackupFile(path, datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size)
            )

    @staticmethod
    def verify(path: Path, passphrase: str) -> BackupManifest:
        """Check a backup file completely (worker thread); nothing is written."""
        return verify_file(path, passphrase)

    @staticmethod
    def verified_text(path: Path, manifest: BackupManifest) -> str:
        return (
            _("The backup is intact: {path}").format(path=path.name)
            + "\n"
            + manifest_summary(manifest)
        )

    def restore_target(self, today: date | None = None) -> Path:
        """A new folder beside the vault's: ``<vault>-restored-<date>`` (``-2``… if taken)."""
        vault_folder = self.service.folder
        day = (today or date.today()).isoformat()
        target = vault_folder.parent / f"{vault_folder.name}-restored-{day}"
        n = 2
        while target.exists():
            target = target.with_name(f"{vault_folder.name}-restored-{day}-{n}")
            n += 1
        return target

    @staticmethod
    def restored_text(target: Path) -> str:
        return _("Restored into a new vault: {path}").format(path=target)

    # -- checking the vault --------------------------------------------------------------
    @staticmethod
    def check_result(report: CheckReport, when: datetime) -> CheckResult:
        lines = check_lines(report)
        stamp = local_time(when)
        if report.ok:
            text = (
                _("The vault is sound (checked {when}).").format(when=stamp)
                + "\n"
                + "\n".join(lines)
            )
            return CheckResult(text, "")
        advice = (
            _(
                "The vault is an older copy than the one last used. If that is intended, "
                "keep working with it from the Overview page; otherwise find the newer copy."
            )
            if report.only_older_copy
            else _("The vault failed its checks; restore from a backup and keep this copy.")
        )
        return CheckResult(_("Checked {when}.").format(when=stamp), "\n".join([*lines, advice]))

    # -- old generations -----------------------------------------------------------------
    def prune_question(self) -> PruneQuestion | None:
        """The automatic backups beyond the generations to keep, as a question; or none."""
        keep = self.service.settings().backup_generations
        surplus = surplus_generations(list_backups(self.folder()), keep)
        if not surplus:
            return None
        text = ngettext(
            "Delete {n} automatic backup older than the newest {keep}?",
            "Delete {n} automatic backups older than the newest {keep}?",
            len(surplus),
        ).format(n=len(surplus), keep=keep)
        names = "\n".join(f.path.name for f in surplus[:20])
        return PruneQuestion(text, names, [f.path for f in surplus])

    def delete(self, paths: list[Path]) -> str:
        """Delete the old backups confirmed by the coordinator (audited with the count)."""
        deleted = 0
        for path in paths:
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("could not delete an old backup (%s)", type(exc).__name__)
                continue
            deleted += 1
        if deleted:
            self.service.backups.record_deleted(deleted)
        return ngettext("{n} old backup deleted.", "{n} old backups deleted.", deleted).format(
            n=deleted
        )


__all__ = [
    "AutoBackupText",
    "BackupButtons",
    "BackupsPresenter",
    "BackupsScreen",
    "CheckResult",
    "PruneQuestion",
]
