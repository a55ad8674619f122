"""Rollback detection: the vault's generation counter and the records of it kept outside.

The database's generation (``meta.generation``) goes up by one at every open and every
close. The key file, and while the key is remembered the keyring, record it after each,
sealed under the data key; a database opened below the higher record is an older copy
put back, and the finding stays in the database until the coordinator accepts the copy
(docs/architecture.md, "Rollback detection"). ``Vault`` owns one ``GenerationTracker``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vbedesk.errors import VaultLocked, VbedeskError
from vbedesk.storage.keys import KeyFile, generation_seal, generation_sealed
from vbedesk.storage.secrets import KeyringStore

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from vbedesk.storage.vault import Vault

# SQLAlchemy and the engine load when a vault is opened, not on import (docs/performance.md):
# the unlock dialog imports ``vault``, which imports this module.

log = logging.getLogger(__name__)

#: Meta row written into a database found older than the key file says it should be.
ROLLBACK_KEY = "rollback_suspected"
_GENERATION = "SELECT value FROM meta WHERE key = 'generation'"


def bump_generation(conn: Connection) -> None:
    """One more generation in the database (every open and every close)."""
    from sqlalchemy import text

    conn.execute(
        text("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    )


@dataclass(frozen=True)
class RollbackSuspected:
    """The database is older than the last session (a restored or synced-back old copy).

    ``found`` is the database's generation when it was opened, ``expected`` the one the
    key file recorded when the vault was last opened or closed. The finding is kept in
    the database until the coordinator accepts this copy (``accept_old_copy``).
    """

    found: int
    expected: int
    detected_at: str

    @classmethod
    def parse(cls, value: object) -> RollbackSuspected | None:
        """The finding as the ``meta`` table keeps it (``found|expected|when``), or None."""
        if value is None:
            return None
        found, expected, detected_at = str(value).split("|", 2)
        return cls(int(found), int(expected), detected_at)


class GenerationTracker:
    """One open vault's generation: read, compared after opening, advanced on close."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        #: The key file whose generation this session keeps current (None: no key file).
        self.keyfile: KeyFile | None = None
        #: The keyring that keeps a copy of the generation while the key is remembered
        #: there (None: no copy kept; see ``follow``).
        self.store: KeyringStore | None = None

    def current(self) -> int:
        """The database's generation: +1 at every open and every close."""
        from sqlalchemy import text

        with self._vault.require_engine().connect() as conn:
            value = conn.execute(text(_GENERATION)).scalar()
        return int(value or 0)

    def rollback_suspected(self) -> RollbackSuspected | None:
        """Set when this database was found older than the last session (see the class)."""
        from sqlalchemy import text

        with self._vault.require_engine().connect() as conn:
            value = conn.execute(
                text("SELECT value FROM meta WHERE key = :k"), {"k": ROLLBACK_KEY}
            ).scalar()
        return RollbackSuspected.parse(value)

    def accept_old_copy(self) -> None:
        """The coordinator knows this copy is older and keeps working with it."""
        from sqlalchemy import text

        from vbedesk.storage.engine import damage_as_error

        with damage_as_error(), self._vault.require_engine().begin() as conn:
            conn.execute(text("DELETE FROM meta WHERE key = :k"), {"k": ROLLBACK_KEY})

    def follow(self, store: KeyringStore | None = None) -> None:
        """After opening: compare with the recorded generations, then record ours.

        The database's generation was raised by this open; before it, it must have been at
        least what was recorded when the vault was last opened or closed: in the key file,
        and, while the key is remembered, in the keyring (``store``), which a folder put
        back whole, key file included, does not roll back. A lower one means an older copy
        of the database is in place: that is written into the database (so ``check`` and
        the window keep saying it until accepted), never passed over silently. A record
        without a valid seal (from before this existed, a lost key file, or a copy sealed
        by another data key, such as the vault this one was restored from) is not believed.
        """
        keyfile = self._current_keyfile()
        now = self.current()
        recorded: list[int] = []
        if keyfile is not None:
            sealed = keyfile.sealed_generation(self._vault.data_key)
            if keyfile.generation is not None and sealed is None:
                log.warning("the key file's generation seal does not match; it is renewed")
            if sealed is not None:
                recorded.append(sealed)
        if store is not None:
            kept = self._keyring_generation(store)
            if kept is not None:
                recorded.append(kept)
                self.store = store  # the copy is on: keep it current
        if recorded and now - 1 < max(recorded):
            self._record_rollback(now - 1, max(recorded))
        if keyfile is not None:
            self._seal(keyfile, now)
        self.seal_keyring(now)

    def keep_in(self, store: KeyringStore) -> None:
        """From now on the keyring keeps a copy of the generation, starting with this one."""
        self.store = store
        self.seal_keyring(self.current())

    def seal_keyring(self, value: int) -> None:
        """Record ``value`` in the keyring while the copy is on; a failure only logs."""
        if self.store is None:
            return
        try:
            data_key = self._vault.data_key
        except VaultLocked:
            return
        seal = generation_seal(data_key, self._vault.vault_id, value)
        if not self.store.set_generation(self._vault.vault_id, value, seal):
            log.warning("could not record the generation in the keyring")

    def advance(self) -> None:
        """On close: one more generation, in the database, then in the key file and keyring.

        Runs while the vault is closing, so it uses the engine directly (``require_engine``
        already refuses); the vault drops its key only after the engine.
        """
        if self.keyfile is None and self.store is None:
            return
        engine = self._vault.engine
        if engine is None:
            return
        import sqlalchemy.exc
        from sqlalchemy import text

        from vbedesk.storage.engine import damage_as_error

        try:
            with damage_as_error(), engine.begin() as conn:
                bump_generation(conn)
                value = conn.execute(text(_GENERATION)).scalar()
        except (VbedeskError, sqlalchemy.exc.SQLAlchemyError) as exc:
            log.warning("could not advance the generation on close (%s)", type(exc).__name__)
            return
        if self.keyfile is not None:
            self._seal(self.keyfile, int(value or 0))
        self.seal_keyring(int(value or 0))

    def _record_rollback(self, found: int, expected: int) -> None:
        """Write the finding into the database, where it stays until accepted."""
        from sqlalchemy import text

        from vbedesk.storage.engine import damage_as_error
        from vbedesk.storage.vault import now_utc  # loaded: it owns this tracker

        log.warning("the database is older than its recorded generation")
        stamp = now_utc().isoformat(timespec="seconds")
        with damage_as_error(), self._vault.require_engine().begin() as conn:
            conn.execute(
                text("INSERT OR REPLACE INTO meta(key, value) VALUES (:k, :v)"),
                {"k": ROLLBACK_KEY, "v": f"{found}|{expected}|{stamp}"},
            )

    def _current_keyfile(self) -> KeyFile | None:
        """The key file of this vault in place (its wrap is not checked: no passphrase)."""
        vault = self._vault
        try:
            keyfile = KeyFile.load(vault.key_path(vault.folder))
        except (OSError, VbedeskError):
            return None
        return keyfile if keyfile.vault_id == vault.vault_id else None

    def _keyring_generation(self, store: KeyringStore) -> int | None:
        """The keyring's copy of the generation if present and sealed by this data key."""
        vault = self._vault
        entry = store.get_generation(vault.vault_id)
        if entry is None:
            return None
        value, seal = entry
        if not generation_sealed(vault.data_key, vault.vault_id, value, seal):
            log.warning("the keyring's generation seal does not match; it is not used")
            return None
        return value

    def _seal(self, keyfile: KeyFile, value: int) -> None:
        vault = self._vault
        try:
            sealed = keyfile.with_generation(value, vault.data_key)
            sealed.save_generation(vault.key_path(vault.folder))
        except (OSError, VbedeskError) as exc:
            # The vault works without it; only the rollback warning is weaker.
            log.warning("could not record the generation in the key file (%s)", type(exc).__name__)
            return
        self.keyfile = sealed
