"""The vault: a folder with the SQLCipher database, its key file and a lock file.

Opening derives the key-encryption key from the passphrase (or takes the data key from
the recovery key or the keyring), unwraps the data key, verifies it against the
database, upgrades the schema after a file copy, and holds an OS lock while open.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filelock
import platformdirs

from vbedesk.errors import (
    DamagedData,
    InputRefused,
    VaultExists,
    VaultInUse,
    VaultLocked,
    VaultNotFound,
    VbedeskError,
    WrongPassphrase,
)
from vbedesk.i18n import N_
from vbedesk.recovery import decode_recovery_key, encode_recovery_key
from vbedesk.storage.files import create_private_file

# The rollback finding is part of the vault's API: ``service`` and the tests import it here.
from vbedesk.storage.generation import ROLLBACK_KEY as ROLLBACK_KEY
from vbedesk.storage.generation import GenerationTracker, bump_generation
from vbedesk.storage.generation import RollbackSuspected as RollbackSuspected
from vbedesk.storage.keys import KdfParams, KeyFile, calibrate, load_with_fallback, new_data_key
from vbedesk.storage.secrets import KeyringStore

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, TextClause

# SQLAlchemy and the engine load when a vault is opened or created, not on import: the
# unlock dialog imports this module and shows before them (docs/performance.md).


def text(sql: str) -> TextClause:
    from sqlalchemy import text as sql_text

    return sql_text(sql)


def check_sqlcipher() -> None:
    from vbedesk.storage import engine

    engine.check_sqlcipher()


def make_engine(path: Path, data_key: bytes) -> Engine:
    from vbedesk.storage import engine

    return engine.make_engine(path, data_key)


def connect(path: Path, data_key: bytes, *, wal: bool = True) -> Any:
    from vbedesk.storage import engine

    return engine.connect(path, data_key, wal=wal)


def damage_as_error(target: Path | None = None) -> AbstractContextManager[None]:
    from vbedesk.storage import engine

    return engine.damage_as_error(target)


log = logging.getLogger(__name__)

DB_NAME = "vault.db"
KEY_NAME = "vault.key"
LOCK_NAME = "vault.lock"
BACKUP_DIR = "backups"
#: SQLCipher 4's default page size, which the vault database uses.
DB_PAGE_SIZE = 4096

# Folder names of sync clients: a vault must live on the local disk only.
SYNCED_MARKERS = (
    "onedrive",
    "dropbox",
    "google drive",
    "googledrive",
    "my drive",
    "icloud",
    "icloud drive",
    "iclouddrive",
    "box sync",
    "box",
    "nextcloud",
    "owncloud",
    "seafile",
    "pcloud",
    "sync",
    "mega",
)


class SyncedFolder(InputRefused):
    message = N_(
        "The vault must not live in a synced folder ({marker}); choose a folder on the local disk."
    )


def default_vault_dir() -> Path:
    """The vault's home: the platform's local (never roaming) app-data folder."""
    return platformdirs.user_data_path("VBE Desk", appauthor=False, roaming=False) / "vault"


def synced_folder_marker(path: Path) -> str | None:
    """The sync client a path seems to live under, or ``None`` for a local folder."""
    resolved = path.expanduser().resolve()
    env_roots = [
        os.environ.get(var, "") for var in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
    ]
    for root in filter(None, env_roots):
        with suppress(ValueError):
            resolved.relative_to(Path(root).resolve())
            return "OneDrive"
    for part in resolved.parts:
        lower = part.lower()
        for marker in SYNCED_MARKERS:
            if lower == marker or lower.startswith(marker + " -") or lower.startswith(marker + "-"):
                return part
    return None


def _prev_key_path(folder: Path) -> Path:
    return folder / (KEY_NAME + ".prev")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class _Lock:
    """One process per vault: an OS lock (flock/LockFileEx), released by the OS on a crash.

    A lock file left behind by a killed process is therefore never stale: whoever opens
    next simply gets the lock.
    """

    def __init__(self, folder: Path) -> None:
        self._lock = filelock.FileLock(
            folder / LOCK_NAME, timeout=0, mode=0o600, thread_local=False, fallback_to_soft=False
        )

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise VaultInUse() from None

    def release(self) -> None:
        self._lock.release()


class Vault:
    """An open vault. Use ``Vault.create`` or ``Vault.open``; call ``close`` to lock."""

    def __init__(self, folder: Path, engine: Engine, data_key: bytes, vault_id: str, lock: _Lock):
        self.folder = folder
        self.engine: Engine | None = engine
        self._data_key: bytes | None = data_key
        self.vault_id = vault_id
        self._lock = lock
        #: The generation counter and its records in the key file and the keyring.
        self._generations = GenerationTracker(self)
        #: One writer at a time: the program's writes queue here rather than on SQLite's
        #: busy handler. Reads take no lock: each reads its own snapshot under WAL.
        self.write_lock = threading.Lock()
        #: Guards the open/closing state and the driver connections in use.
        self._state = threading.Lock()
        self._closing = False
        self._closed = False
        self._in_use: dict[int, Any] = {}

    # -- paths ---------------------------------------------------------------------------
    @staticmethod
    def db_path(folder: Path) -> Path:
        return folder / DB_NAME

    @staticmethod
    def key_path(folder: Path) -> Path:
        return folder / KEY_NAME

    @staticmethod
    def exists(folder: Path) -> bool:
        return (folder / DB_NAME).exists()

    # -- life cycle ----------------------------------------------------------------------
    @classmethod
    def create(
        cls, folder: Path, passphrase: str, *, kdf: KdfParams | None = None
    ) -> tuple[Vault, str]:
        """Create a new vault; returns it open and the recovery key (show it once)."""
        check_sqlcipher()
        folder = folder.expanduser()
        marker = synced_folder_marker(folder)
        if marker:
            raise SyncedFolder(marker=marker)
        if (folder / DB_NAME).exists() or (folder / KEY_NAME).exists():
            raise VaultExists(path=str(folder))
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = _Lock(folder)
        lock.acquire()
        try:
            data_key = new_data_key()
            vault_id = uuid.uuid4().hex
            staging = folder / (DB_NAME + ".new")
            for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
                leftover.unlink(missing_ok=True)
            create_private_file(staging)  # 0o600, like the key file and backups
            engine = make_engine(staging, data_key)
            try:
                from vbedesk.storage import schema  # alembic: loaded when a vault opens

                schema.upgrade(engine)
                with engine.begin() as conn:
                    for key, value in (
                        ("vault_id", vault_id),
                        ("created_at", now_utc().isoformat(timespec="seconds")),
                        ("generation", "0"),
                    ):
                        conn.execute(
                            text("INSERT INTO meta(key, value) VALUES (:k, :v)"),
                            {"k": key, "v": value},
                        )
            finally:
                engine.dispose()
            params = kdf if kdf is not None else calibrate()
            KeyFile.create(data_key, passphrase, vault_id, params).save(
                folder / KEY_NAME, data_key, passphrase
            )
            # The database takes its final name last: a crash before leaves no half vault.
            staging.replace(folder / DB_NAME)
        except BaseException:
            lock.release()
            raise
        vault = cls._finish_open(folder, data_key, lock, expected_id=vault_id)
        vault._generations.follow()
        return vault, encode_recovery_key(data_key)

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        passphrase: str | None = None,
        recovery_key: str | None = None,
        data_key: bytes | None = None,
        store: KeyringStore | None = None,
    ) -> Vault:
        """Open with exactly one of passphrase, recovery key or data key (from the keyring).

        A wrong secret raises ``WrongPassphrase`` and changes no file. ``store`` is the
        system keyring: where the key is remembered, it also holds a copy of the rollback
        counter, which this open compares and keeps current (its errors never stop an open).
        """
        check_sqlcipher()
        folder = folder.expanduser()
        if not (folder / DB_NAME).exists():
            raise VaultNotFound(path=str(folder))
        if sum(x is not None for x in (passphrase, recovery_key, data_key)) != 1:
            raise ValueError("give exactly one of passphrase, recovery_key, data_key")
        expected_id: str | None = None
        used: KeyFile | None = None
        if recovery_key is not None:
            data_key = decode_recovery_key(recovery_key)
        elif passphrase is not None:
            used, data_key = cls._unwrap(folder, passphrase)
            expected_id = used.vault_id
        assert data_key is not None
        lock = _Lock(folder)
        lock.acquire()
        try:
            vault = cls._finish_open(folder, data_key, lock, expected_id=expected_id)
        except BaseException:
            lock.release()
            raise
        if used is not None and passphrase is not None and _prev_key_path(folder).exists():
            # A save was interrupted: write the key file that worked back in place, which
            # also removes the leftover previous version.
            used.save(folder / KEY_NAME, data_key, passphrase)
        vault._generations.follow(store)
        return vault

    @staticmethod
    def _unwrap(folder: Path, passphrase: str) -> tuple[KeyFile, bytes]:
        """The key file (current, or the previous one an interrupted save left) that opens.

        The previous one stands in only for a current file that is missing or unreadable.
        Beside a readable current file of the same vault, it is what a save interrupted
        after its rename left: the new wrap is in place (it was verified before the
        rename), so a passphrase that opens only the previous one is refused. After a
        crash during a passphrase change exactly one passphrase works, the old or the new.
        """
        candidates = load_with_fallback(folder / KEY_NAME)
        if not candidates:
            raise DamagedData(N_("The key file is missing or damaged; use the recovery key."))
        for index, keyfile in enumerate(candidates):
            with suppress(WrongPassphrase):
                data_key = keyfile.unwrap(passphrase)
                if index > 0 and candidates[0].vault_id == keyfile.vault_id:
                    break  # a replaced wrap: the passphrase was changed
                return keyfile, data_key
        raise WrongPassphrase()

    @classmethod
    def _finish_open(
        cls, folder: Path, data_key: bytes, lock: _Lock, *, expected_id: str | None
    ) -> Vault:
        db = folder / DB_NAME
        # A vault database is at least one whole page. A shorter file (emptied or cut
        # inside its first page) is damaged whatever the key, and SQLite would take an
        # empty one for a new database and write a fresh header over it.
        if db.stat().st_size < DB_PAGE_SIZE:
            raise DamagedData()
        # Verify the key on a plain connection first: a wrong key must not get as far as
        # the engine, the schema check or any write.
        connect(db, data_key, wal=False).close()
        engine = make_engine(db, data_key)
        try:
            with damage_as_error(db):  # opening writes (the generation): a full disk is DiskFull
                cls._prepare_schema(engine, folder, expected_id)
        except BaseException:
            engine.dispose()
            raise
        vault_id = cls._vault_id(engine)
        return cls(folder, engine, data_key, vault_id, lock)

    @staticmethod
    def _vault_id(engine: Engine) -> str:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT value FROM meta WHERE key = 'vault_id'")).scalar())

    @classmethod
    def _prepare_schema(cls, engine: Engine, folder: Path, expected_id: str | None) -> None:
        """Refuse a newer schema or a foreign key file, migrate an older one, bump generation."""
        from vbedesk.storage import schema  # alembic: loaded when a vault opens, not at start

        with engine.connect() as conn:
            revision = schema.current_revision(conn)
            row = conn.execute(text("SELECT value FROM meta WHERE key = 'vault_id'")).first()
        schema.check_known(revision)
        if row is None:
            raise DamagedData()
        if expected_id is not None and expected_id != str(row[0]):
            raise WrongPassphrase()
        if revision != schema.head_revision():
            cls._copy_before_migration(engine, folder, revision)
            schema.upgrade(engine)
        with engine.begin() as conn:
            bump_generation(conn)

    @staticmethod
    def _copy_before_migration(engine: Engine, folder: Path, revision: str | None) -> Path:
        """Copy the (encrypted) database aside before its schema changes."""
        raw = engine.raw_connection()
        try:
            # Outside any transaction, so that the checkpoint can move every page home.
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        finally:
            raw.close()
        target_dir = folder / BACKUP_DIR
        target_dir.mkdir(exist_ok=True, mode=0o700)
        stamp = now_utc().strftime("%Y%m%dT%H%M%S")
        target = target_dir / f"pre-migration-{revision or 'empty'}-{stamp}.db"
        shutil.copy2(folder / DB_NAME, target)
        log.info("copied the vault aside before migrating from schema %s", revision)
        return target

    def close(self) -> None:
        """Lock: refuse new work, stop running statements, close once the last one ends.

        Never waits: a statement running on another thread is interrupted (it fails with
        ``Cancelled``), and the thread whose connection goes back last disposes the engine,
        drops the key from this object and releases the OS lock. With nothing running (the
        command line, tests), all of it happens here and now.
        """
        with self._state:
            self._closing = True
        self.interrupt()
        self._close_when_idle()

    def interrupt(self) -> None:
        """Stop the statements running on other threads now (they fail with ``Cancelled``).

        A lock calls this before it keeps the open forms as drafts, so that a long write on
        the worker thread (a gallring, an import) is rolled back at once and the drafts'
        short write does not wait for it.
        """
        with self._state:
            running = list(self._in_use.values())
        for driver in running:
            driver.interrupt()

    def _close_when_idle(self) -> None:
        with self._state:
            if self._in_use or self._closed or self.engine is None:
                return
            self._closed = True  # only this thread goes on: the generation's write may run
        try:
            self._generations.advance()
        finally:
            engine, self.engine = self.engine, None
            engine.dispose()
            self._data_key = None
            self._lock.release()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled connection for one unit of work; refused once the vault is locking.

        While it is out, ``close`` can interrupt its statement; the vault closes after the
        last one is back.
        """
        with self._checked_out(
            lambda engine: engine.connect(), lambda conn: conn.connection.driver_connection
        ) as conn:
            yield conn

    @contextmanager
    def driver(self) -> Iterator[Any]:
        """A pooled connection's driver, for one statement read on its own (autocommit).

        The cheap unit of work of ``Store.rows``: no SQLAlchemy connection around it, no
        transaction (a single statement reads one snapshot). Tracked like ``connection``.
        """
        with self._checked_out(
            lambda engine: engine.raw_connection(), lambda fairy: fairy.driver_connection
        ) as fairy:
            yield fairy.driver_connection

    @contextmanager
    def _checked_out(
        self, check_out: Callable[[Engine], Any], driver_of: Callable[[Any], Any]
    ) -> Iterator[Any]:
        """What ``check_out`` takes from the pool, tracked (by its driver connection, which
        ``interrupt`` reaches) until it is back."""
        with self._state:
            if self._closing or self.engine is None:
                raise VaultLocked()
            taken = check_out(self.engine)
            self._in_use[id(taken)] = driver_of(taken)
        try:
            yield taken
        finally:
            try:
                taken.close()
            finally:
                with self._state:
                    self._in_use.pop(id(taken), None)
                if self._closing:
                    self._close_when_idle()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        """False from the moment ``close`` is called, even while a statement finishes."""
        return self.engine is not None and not self._closing

    def require_engine(self) -> Engine:
        if self.engine is None or self._closing:
            raise VaultLocked()
        return self.engine

    @property
    def data_key(self) -> bytes:
        if self._data_key is None:
            raise VaultLocked()
        return self._data_key

    # -- keys ----------------------------------------------------------------------------
    @classmethod
    def open_remembered(cls, folder: Path, store: KeyringStore) -> Vault | None:
        """Open with the data key kept in the keyring, or ``None`` to ask for the passphrase.

        A missing, unreadable or stale entry (a key that no longer opens this vault) falls
        back to the passphrase; a stale entry is removed. Never a plaintext fallback.
        """
        folder = folder.expanduser()
        try:
            vault_id = KeyFile.load(folder / KEY_NAME).vault_id
        except (OSError, VbedeskError):
            return None
        data_key = store.get(vault_id)
        if data_key is None:
            return None
        try:
            vault = cls.open(folder, data_key=data_key, store=store)
        except WrongPassphrase:
            log.warning("the remembered key no longer opens this vault; it was forgotten")
            store.delete(vault_id)
            return None
        if vault._generations.store is None:
            # Remembered before the keyring kept the counter's copy: start it now.
            vault._generations.keep_in(store)
        return vault

    def remember(self, store: KeyringStore) -> None:
        """Keep the data key in the system keyring (refused on an insecure backend).

        From then on the keyring also keeps a copy of the rollback counter.
        """
        store.set(self.vault_id, self.data_key)
        self._generations.keep_in(store)

    def forget(self, store: KeyringStore) -> None:
        """Remove the remembered key and the counter's copy from the keyring."""
        store.delete(self.vault_id)
        store.delete_generation(self.vault_id)
        self._generations.store = None

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfParams | None = None) -> None:
        """Rewrap the data key under a new passphrase; the database is not touched.

        Also serves after opening with the recovery key (when the key file may be lost).
        """
        params = kdf if kdf is not None else calibrate()
        keyfile = KeyFile.create(self.data_key, new_passphrase, self.vault_id, params)
        keyfile = keyfile.with_generation(self.generation(), self.data_key)
        with damage_as_error():  # a full disk: DiskFull, and the old passphrase still opens
            keyfile.save(self.folder / KEY_NAME, self.data_key, new_passphrase)
        self._generations.keyfile = keyfile

    def recovery_key(self) -> str:
        return encode_recovery_key(self.data_key)

    # -- generation: rollback detection (storage/generation.py) -------------------------
    def generation(self) -> int:
        """The database's generation: +1 at every open and every close."""
        return self._generations.current()

    def rollback_suspected(self) -> RollbackSuspected | None:
        """Set when this database was found older than the last session."""
        return self._generations.rollback_suspected()

    def accept_old_copy(self) -> None:
        """The coordinator knows this copy is older and keeps working with it."""
        self._generations.accept_old_copy()

    @contextmanager
    def raw_connection(self) -> Iterator[Any]:
        """The DBAPI connection of a pooled connection, for pragmas SQLAlchemy cannot express."""
        with self.connection() as conn:
            yield conn.connection.driver_connection
