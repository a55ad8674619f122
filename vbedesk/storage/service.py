"""The gateway to an open vault: one object grouping the area services, as Anki's collection.

``VaultService(vault)`` is what the UI and the CLI hold. Its areas (``incidents``,
``plans``, ``backups``, …, in ``storage/services/``) carry the use cases; this class keeps
the few that concern the vault as a whole (summary, checks, settings, the audit log, the
passphrase) and the life cycle (``close``, ``subscribe``). Every use case is one unit of
work of ``storage/uow.Store`` and returns plain frozen objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from vbedesk.changes import Area, Changes
from vbedesk.errors import DamagedData
from vbedesk.guard import IdentifiersFound
from vbedesk.model import AuditEntry, VaultSummary
from vbedesk.settings import SPECS, Settings, validate_setting
from vbedesk.storage import audit, schema
from vbedesk.storage.engine import check_sqlcipher, integrity_problems
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.reads import MAX_PAGE, PAGE_SIZE
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.services.backups import BackupService
from vbedesk.storage.services.case_logs import CaseLogService
from vbedesk.storage.services.contacts import ContactService
from vbedesk.storage.services.disclosures import DisclosureService
from vbedesk.storage.services.drafts import DraftService
from vbedesk.storage.services.forms import FormImportService
from vbedesk.storage.services.incidents import IncidentService
from vbedesk.storage.services.legal import LegalReferenceService
from vbedesk.storage.services.plans import PlanService
from vbedesk.storage.services.results import (
    ActivityNotFound,
    BackupStatus,
    CheckReport,
    Draft,
    NotFound,
    RetentionRow,
    SaveResult,
    check_lines,
)
from vbedesk.storage.services.retention import RetentionService
from vbedesk.storage.services.routines import RoutineService
from vbedesk.storage.services.situation import SituationService
from vbedesk.storage.services.training import TrainingService
from vbedesk.storage.tables import (
    ActivityRow,
    ContactRow,
    FollowUpRow,
    IncidentRow,
    Meta,
    PlanRow,
    SettingRow,
    TrainingCountRow,
)
from vbedesk.storage.uow import Store
from vbedesk.storage.vault import ROLLBACK_KEY, RollbackSuspected, Vault
from vbedesk.taxonomy import Taxonomies, load_taxonomies

__all__ = [
    "MAX_PAGE",
    "PAGE_SIZE",
    "ActivityNotFound",
    "BackupStatus",
    "CheckReport",
    "Draft",
    "IdentifiersFound",
    "NotFound",
    "RetentionRow",
    "SaveResult",
    "VaultService",
    "check_lines",
]


class VaultService:
    """Everything the coordinator can do with an open vault, grouped by area."""

    def __init__(self, vault: Vault, taxonomies: Taxonomies | None = None) -> None:
        self.vault = vault
        self.taxonomies = taxonomies if taxonomies is not None else load_taxonomies()
        self.store = Store(vault)
        self.incidents = IncidentService(self)
        self.forms = FormImportService(self)
        self.situation = SituationService(self)
        self.disclosures = DisclosureService(self)
        self.plans = PlanService(self)
        self.training = TrainingService(self)
        self.contacts = ContactService(self)
        self.legal = LegalReferenceService(self)
        self.routines = RoutineService(self)
        self.case_logs = CaseLogService(self)
        self.backups = BackupService(self)
        self.retention = RetentionService(self)
        self.drafts = DraftService(self)

    # -- life cycle ----------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.vault.is_open

    @property
    def folder(self) -> Path:
        return self.vault.folder

    @property
    def vault_id(self) -> str:
        return self.vault.vault_id

    def close(self) -> None:
        """Lock the vault: never waits (a running statement is interrupted, see ``Vault``)."""
        self.vault.close()

    @contextmanager
    def snapshot(self) -> Iterator[object]:
        """One read snapshot for several calls: the area calls inside it join it."""
        with self.store.read() as work:
            yield work

    def interrupt(self) -> None:
        """Stop what runs on other threads now (a lock is coming); see ``Vault.interrupt``."""
        self.vault.interrupt()

    def subscribe(self, listener: Callable[[Changes], None]) -> Callable[[], None]:
        """``listener`` hears what every committed use case changed; returns unsubscribe."""
        return self.store.subscribe(listener)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self.store.read() as work:
            yield work.session

    @contextmanager
    def _write(self, *areas: Area) -> Iterator[Session]:
        with self.store.write(*areas) as work:
            yield work.session

    # -- the vault as a whole ------------------------------------------------------------
    def info(self) -> VaultSummary:
        with self._read() as s:
            meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
            counts = {
                "incidents": s.scalar(select(func.count()).select_from(IncidentRow)) or 0,
                "action_plans": s.scalar(select(func.count()).select_from(PlanRow)) or 0,
                "activities": s.scalar(select(func.count()).select_from(ActivityRow)) or 0,
                "followups": s.scalar(select(func.count()).select_from(FollowUpRow)) or 0,
                "training_counts": s.scalar(select(func.count()).select_from(TrainingCountRow))
                or 0,
                "contacts": s.scalar(select(func.count()).select_from(ContactRow)) or 0,
                "audit_rows": s.scalar(select(func.count()).select_from(audit.AuditRow)) or 0,
            }
            by_year = {
                int(year): int(n)
                for year, n in s.execute(
                    select(IncidentRow.received_year, func.count())
                    .group_by(IncidentRow.received_year)
                    .order_by(IncidentRow.received_year)
                )
            }
            revision = schema.current_revision(s.connection()) or ""
        return VaultSummary(
            vault_id=meta.get("vault_id", ""),
            path=str(self.vault.folder),
            schema_version=revision,
            created_at=datetime.fromisoformat(meta.get("created_at", "1970-01-01T00:00:00")),
            generation=int(meta.get("generation", "0")),
            counts=counts,
            incidents_by_year=by_year,
            sqlcipher_version=check_sqlcipher(),
        )

    def check(self) -> CheckReport:
        """The audit chain and both integrity checks.

        The chain is walked first: after SQLCipher meets a page that fails its HMAC, the
        connection refuses further transactions, so a damaged file would otherwise hide
        the audit result.
        """
        problems: list[str] = []
        chain: audit.ChainReport | None = None
        revision = ""
        try:
            with self._read() as s:
                revision = schema.current_revision(s.connection()) or ""
                chain = audit.verify(s)
        except DamagedData:
            problems.append("audit: unreadable")
        with self.store.raw() as raw:
            problems += integrity_problems(raw)
        rollback = None
        with suppress(DamagedData):
            rollback = self.rollback_suspected()
        return CheckReport(
            integrity=tuple(problems),
            audit_rows=chain.rows if chain else 0,
            audit_first_broken=chain.first_broken if chain else None,
            schema_version=revision,
            rollback=rollback,
        )

    def settings(self) -> Settings:
        with self._read() as s:
            stored = {r.key: json.loads(r.value) for r in s.execute(select(SettingRow)).scalars()}
        values = {spec.key: stored.get(spec.key, spec.default) for spec in SPECS}
        return Settings.from_mapping(values)

    def set_setting(self, key: str, value: object) -> Settings:
        converted = validate_setting(key, value)
        with self._write(Area.SETTINGS) as s:
            row = s.get(SettingRow, key)
            encoded = json.dumps(converted)
            if row is None:
                s.add(SettingRow(key=key, value=encoded))
            else:
                row.value = encoded
            audit.append(s, "setting.change", "setting", key)
        return self.settings()

    def rollback_suspected(self) -> RollbackSuspected | None:
        """Set when this database was found older than the last session (see ``Vault``)."""
        with self.store.read() as w:
            value = w.session.scalar(select(Meta.value).where(Meta.key == ROLLBACK_KEY))
        return RollbackSuspected.parse(value)

    def accept_old_copy(self) -> bool:
        """Keep working with a database found older than the last session (logged).

        False when there was nothing to accept. One unit of work: the finding goes and the
        audit row comes in the same transaction.
        """
        with self.store.write(Area.VAULT) as w:
            value = w.session.scalar(select(Meta.value).where(Meta.key == ROLLBACK_KEY))
            found = RollbackSuspected.parse(value)
            if found is None:
                return False
            w.session.execute(delete(Meta).where(Meta.key == ROLLBACK_KEY))
            detail = f"generation {found.found} < {found.expected}"
            audit.append(w.session, "accept_old_copy", "vault", self.vault.vault_id, detail)
        return True

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfParams | None = None) -> None:
        """Rewrap the data key under a new passphrase (the database is untouched); audited.

        The window and the command line both come here; the caller has checked the new
        passphrase's strength.
        """
        self.vault.change_passphrase(new_passphrase, kdf=kdf)
        self.record_event("vault.passphrase", "vault", self.vault.vault_id)

    def remember(self, store: KeyringStore) -> None:
        """Keep the data key in the system keyring (opt-in, secure backends only)."""
        self.vault.remember(store)

    def forget(self, store: KeyringStore) -> None:
        """Remove the data key from the system keyring."""
        self.vault.forget(store)

    def record_event(self, action: str, entity: str, entity_id: object, detail: str = "") -> None:
        """An audit row for something done outside the tables (passphrase change, backup)."""
        with self.store.write() as w:
            audit.append(w.session, action, entity, entity_id, detail)

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest audit rows, newest first."""
        with self._read() as s:
            rows = s.execute(
                select(audit.AuditRow).order_by(audit.AuditRow.id.desc()).limit(limit)
            ).scalars()
            return [
                AuditEntry(
                    id=r.id,
                    at=r.at,
                    action=r.action,
                    entity=r.entity,
                    entity_id=r.entity_id,
                    detail=r.detail,
                    prev_hash=r.prev_hash,
                    hash=r.hash,
                )
                for r in rows
            ]
