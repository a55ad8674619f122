"""Encrypted backups: one standard SQLCipher 4 file under its own passphrase, verified.

The file format is documented for the city's IT in ``docs/backup-format.md``. In short:
a SQLCipher 4 database with default settings (4096-byte pages, HMAC-SHA512), keyed with a
raw key and an explicit salt. The salt is the file's first 16 bytes: ``b"VBDK"``, one
version byte, then (format 2) the Argon2id parameters in three bytes and 8 random bytes,
or (format 1, read only) 11 random bytes with fixed parameters. The raw key is
Argon2id(backup passphrase, that salt). The backup holds every table of the vault plus a
``backup_manifest`` table; ``user_version`` holds the schema revision.

Nothing here logs or raises a passphrase, a key or key material.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import sqlcipher3
from argon2.exceptions import HashingError

import vbedesk
from vbedesk.errors import (
    DamagedData,
    InputRefused,
    NewerVersion,
    NotABackup,
    VbedeskError,
    WrongPassphrase,
)
from vbedesk.i18n import N_, _
from vbedesk.passphrase import passphrase_problems
from vbedesk.recovery import encode_recovery_key
from vbedesk.storage import schema
from vbedesk.storage.engine import connect, damage_as_error, integrity_problems
from vbedesk.storage.files import create_private_file, fsync_dir
from vbedesk.storage.keys import KdfParams, KeyFile, calibrate, derive_key, new_data_key
from vbedesk.storage.vault import DB_NAME, KEY_NAME, SyncedFolder, Vault, synced_folder_marker

log = logging.getLogger(__name__)

PAGE_SIZE = 4096  # SQLCipher 4 default; the file size is always a multiple of it
MAGIC = b"VBDK"
SALT_BYTES = 16
VERSION_OFFSET = len(MAGIC)
FORMAT = "vbedesk-backup"
#: The format this program writes (header version byte and manifest ``format_version``).
FORMAT_VERSION = 2
VERSION_BYTE = 0x02
#: Format 1 (still read): no parameters in the header, the fixed ones below.
VERSION_1_BYTE = 0x01
MANIFEST_TABLE = "backup_manifest"
MIN_PASSPHRASE_LENGTH = 12
SQLITE_MAGIC = b"SQLite format 3\x00"
PDF_MAGIC = b"%PDF"

#: Argon2id (time cost, memory in KiB, parallelism) of every format-1 backup, and what a
#: format-2 backup is written with unless a caller passes its own ``kdf``.
DEFAULT_KDF: tuple[int, int, int] = (3, 65536, 4)
#: Format 2 keeps the parameters in bytes 5-7 of the header: time cost, log2 of the memory
#: in KiB, parallelism; the remaining 8 bytes are random.
KDF_OFFSET = VERSION_OFFSET + 1
RANDOM_BYTES = SALT_BYTES - KDF_OFFSET - 3
#: Bounds of the header's parameters, on writing and on reading: a damaged or hostile
#: header is refused before Argon2id runs (no gigabytes asked for, no minutes spent).
MAX_TIME_COST = 10
MIN_MEMORY_LOG2, MAX_MEMORY_LOG2 = 3, 20  # 8 KiB to 1 GiB
MAX_PARALLELISM = 16

REQUIRED_MANIFEST_KEYS = (
    "format",
    "format_version",
    "schema_version",
    "created",
    "generation",
    "vault_id",
    "program_version",
)
COUNT_PREFIX = "count:"

CANCELLED = N_("The backup was cancelled.")
VERIFY_FAILED = N_(
    "The new backup failed its verification and was deleted; check the destination drive "
    "and try again."
)
RESTORE_CHECK_FAILED = N_(
    "The restored copy failed its verification and was deleted; nothing was changed."
)


@dataclass(frozen=True)
class BackupManifest:
    """What a backup says about itself (its ``backup_manifest`` table), checked."""

    format_version: int
    schema_version: str
    created: datetime
    generation: int
    vault_id: str
    program_version: str
    counts: dict[str, int]

    def rows(self) -> list[tuple[str, str]]:
        """The manifest as stored: (key, value) text pairs."""
        rows = [
            ("format", FORMAT),
            ("format_version", str(self.format_version)),
            ("schema_version", self.schema_version),
            ("created", self.created.isoformat(timespec="seconds")),
            ("generation", str(self.generation)),
            ("vault_id", self.vault_id),
            ("program_version", self.program_version),
        ]
        rows += [(COUNT_PREFIX + table, str(n)) for table, n in sorted(self.counts.items())]
        return rows


# -- the key ---------------------------------------------------------------------------

KDF_DAMAGED = N_(
    "The start of the file is damaged: its key derivation parameters are impossible. "
    "Use another backup."
)
KDF_TOO_BIG = N_(
    "This computer cannot give the memory that the backup's key derivation needs; close "
    "other programs and try again."
)


def _costs_in_bounds(time_cost: int, memory_kib: int, parallelism: int) -> bool:
    """Whether format 2 can hold these parameters (and a reader accepts them)."""
    exponent = memory_kib.bit_length() - 1
    return (
        1 <= time_cost <= MAX_TIME_COST
        and 1 <= parallelism <= MAX_PARALLELISM
        and memory_kib == 1 << exponent
        and MIN_MEMORY_LOG2 <= exponent <= MAX_MEMORY_LOG2
        and memory_kib >= 8 * parallelism  # Argon2's own minimum
    )


def _new_salt(kdf: KdfParams | None) -> bytes:
    """A format-2 header: magic, version byte, the parameters of ``kdf`` (or the defaults)
    in three bytes, 8 random bytes. Only the costs of ``kdf`` are used, not its salt."""
    if kdf is None:
        time_cost, memory_kib, parallelism = DEFAULT_KDF
    else:
        kdf.check_floor()  # weak parameters only from KdfParams.insecure_for_tests()
        time_cost, memory_kib, parallelism = kdf.time_cost, kdf.memory_kib, kdf.parallelism
    if not _costs_in_bounds(time_cost, memory_kib, parallelism):
        raise ValueError(
            f"a backup takes time_cost 1-{MAX_TIME_COST}, parallelism 1-{MAX_PARALLELISM} "
            f"and memory_kib a power of two from 2**{MIN_MEMORY_LOG2} to 2**{MAX_MEMORY_LOG2}"
        )
    costs = bytes([time_cost, memory_kib.bit_length() - 1, parallelism])
    return MAGIC + bytes([VERSION_BYTE]) + costs + secrets.token_bytes(RANDOM_BYTES)


def header_kdf(salt: bytes) -> KdfParams:
    """The Argon2id parameters of a backup from its first 16 bytes (the salt).

    Raises ``NotABackup`` (no magic, version byte 00), ``NewerVersion`` (a later version
    byte) and ``DamagedData`` (format-2 parameters out of bounds).
    """
    if len(salt) != SALT_BYTES or not salt.startswith(MAGIC):
        raise NotABackup()
    version_byte = salt[VERSION_OFFSET]
    if version_byte == VERSION_1_BYTE:
        time_cost, memory_kib, parallelism = DEFAULT_KDF
    elif version_byte == VERSION_BYTE:
        time_cost, exponent, parallelism = salt[KDF_OFFSET : KDF_OFFSET + 3]
        if not MIN_MEMORY_LOG2 <= exponent <= MAX_MEMORY_LOG2:
            raise DamagedData(KDF_DAMAGED)
        memory_kib = 1 << exponent
        if not _costs_in_bounds(time_cost, memory_kib, parallelism):
            raise DamagedData(KDF_DAMAGED)
    elif version_byte > VERSION_BYTE:
        raise NewerVersion()
    else:
        raise NotABackup()
    return KdfParams(time_cost, memory_kib, parallelism, salt)


def _derive(passphrase: str, salt: bytes) -> bytes:
    """The raw SQLCipher key of a backup: Argon2id with the parameters of its header."""
    try:
        return derive_key(passphrase, header_kdf(salt))
    except HashingError:  # the memory could not be allocated (within the bounds)
        raise VbedeskError(KDF_TOO_BIG) from None


def _key_value(key: bytes, salt: bytes | None) -> str:
    """The ``KEY`` value of ``ATTACH`` for a raw key (bound as a parameter, never in SQL)."""
    return f"x'{key.hex()}{salt.hex() if salt is not None else ''}'"


def _check_new_passphrase(passphrase: str) -> None:
    if len(unicodedata.normalize("NFC", passphrase).strip()) < MIN_PASSPHRASE_LENGTH:
        raise InputRefused(
            N_("The backup passphrase needs at least {n} characters; a sentence is best."),
            n=MIN_PASSPHRASE_LENGTH,
        )


# -- small helpers ---------------------------------------------------------------------


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _step(
    name: str,
    progress: Callable[[str], None] | None,
    cancel: Callable[[], bool] | None,
) -> None:
    if cancel is not None and cancel():
        raise InputRefused(CANCELLED)
    if progress is not None:
        progress(name)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_database_files(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm"))):
        with suppress(FileNotFoundError):
            leftover.unlink()


def _exists_refusal(path: Path) -> InputRefused:
    return InputRefused(
        N_("A file named {name} already exists; choose another name. Nothing was overwritten."),
        name=path.name,
    )


def _rename_no_clobber(src: Path, dst: Path) -> None:
    """Give ``src`` the name ``dst``, refusing if ``dst`` exists."""
    if os.name == "nt":
        try:
            src.rename(dst)  # on Windows a rename never replaces an existing file
        except FileExistsError:
            raise _exists_refusal(dst) from None
        return
    if dst.exists() or dst.is_symlink():
        raise _exists_refusal(dst)
    src.replace(dst)


# -- reading a database ----------------------------------------------------------------


def _user_tables(conn: sqlcipher3.Connection, schema_name: str) -> list[str]:
    """Ordinary tables, without ``sqlite_*``, virtual and FTS shadow tables, or the manifest."""
    rows = conn.execute(f"PRAGMA {schema_name}.table_list").fetchall()
    return sorted(
        str(row[1])
        for row in rows
        if row[2] == "table"
        and not str(row[1]).startswith("sqlite_")
        and str(row[1]) != MANIFEST_TABLE
    )


def _live_counts(conn: sqlcipher3.Connection) -> dict[str, int]:
    return {
        table: int(conn.execute(f"SELECT count(*) FROM main.{_quote(table)}").fetchone()[0])
        for table in _user_tables(conn, "main")
    }


def _read_all_rows(conn: sqlcipher3.Connection, table: str) -> int:
    """Read every row of ``table`` (every column, so overflow pages too); the row count.

    In SQL, in one statement: no row becomes a Python object, so the check costs SQLite's
    time alone and lets the other threads run (the window stays responsive meanwhile;
    ``benchmarks/bench_stall.py``).
    """
    columns = [str(r[1]) for r in conn.execute(f"PRAGMA main.table_info({_quote(table)})")]
    touched = " + ".join(f"coalesce(length(CAST({_quote(c)} AS BLOB)), 0)" for c in columns) or "0"
    row = conn.execute(
        f"SELECT count(*) FROM main.{_quote(table)} WHERE ({touched}) >= 0"
    ).fetchone()
    return int(row[0])


def _parse_manifest(values: dict[str, str]) -> BackupManifest:
    """The manifest's values, checked: ``NewerVersion`` first, then ``DamagedData``."""
    try:
        format_version = int(values["format_version"])
    except (KeyError, ValueError):
        raise DamagedData() from None
    if format_version > FORMAT_VERSION:
        raise NewerVersion()
    schema_version = values.get("schema_version")
    if schema_version is not None and schema_version not in schema.known_revisions():
        raise NewerVersion()
    if format_version < 1 or any(key not in values for key in REQUIRED_MANIFEST_KEYS):
        raise DamagedData()
    assert schema_version is not None
    try:
        created = datetime.fromisoformat(values["created"])
        generation = int(values["generation"])
        counts = {
            key.removeprefix(COUNT_PREFIX): int(value)
            for key, value in values.items()
            if key.startswith(COUNT_PREFIX)
        }
    except ValueError:
        raise DamagedData() from None
    if created.tzinfo is None or not values["vault_id"] or any(n < 0 for n in counts.values()):
        raise DamagedData()
    return BackupManifest(
        format_version=format_version,
        schema_version=schema_version,
        created=created,
        generation=generation,
        vault_id=values["vault_id"],
        program_version=values["program_version"],
        counts=counts,
    )


def _check_open_backup(conn: sqlcipher3.Connection) -> BackupManifest:
    """Everything after page 1 decrypted: manifest, versions, both integrity checks, counts."""
    try:
        tables = {str(r[1]) for r in conn.execute("PRAGMA main.table_list").fetchall()}
        if MANIFEST_TABLE not in tables:
            raise NotABackup()
        values = {
            str(k): str(v)
            for k, v in conn.execute(f"SELECT key, value FROM main.{MANIFEST_TABLE}").fetchall()
        }
    except sqlcipher3.DatabaseError:
        raise DamagedData() from None
    if values.get("format") != FORMAT:
        raise NotABackup()
    manifest = _parse_manifest(values)
    if integrity_problems(conn):
        raise DamagedData()
    try:
        user_version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        actual = {table: _read_all_rows(conn, table) for table in _user_tables(conn, "main")}
    except sqlcipher3.DatabaseError:
        raise DamagedData() from None
    if user_version != int(manifest.schema_version) or actual != manifest.counts:
        raise DamagedData()
    return manifest


def _read_salt(path: Path) -> bytes:
    """The salt of a backup file, after the checks that need no key (not a backup, newer,
    impossible key derivation parameters)."""
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(SALT_BYTES)
    except FileNotFoundError:
        raise InputRefused(N_("The file {name} does not exist."), name=path.name) from None
    except IsADirectoryError:
        raise NotABackup() from None
    if head.startswith(SQLITE_MAGIC):
        raise NotABackup(N_("The file is an unencrypted SQLite database, not a VBE Desk backup."))
    if head.startswith(PDF_MAGIC):
        raise NotABackup(N_("The file is a PDF document, not a VBE Desk backup."))
    if size < PAGE_SIZE or not head.startswith(MAGIC):
        raise NotABackup()
    if size % PAGE_SIZE:
        raise NotABackup(
            N_(
                "The file starts like a VBE Desk backup but its length is wrong: it is "
                "incomplete, or something was appended to it."
            )
        )
    header_kdf(head)  # the version byte and the parameters, before any key is derived
    return head


@contextmanager
def _open_backup(
    path: Path, passphrase: str
) -> Iterator[tuple[sqlcipher3.Connection, BackupManifest]]:
    """A read-only connection to a fully verified backup, and its manifest."""
    salt = _read_salt(path)
    key = _derive(passphrase, salt)
    conn = connect(path, key, salt=salt, read_only=True, wal=False)
    try:
        yield conn, _check_open_backup(conn)
    finally:
        conn.close()


# -- public API ------------------------------------------------------------------------


def verify_backup(path: Path, passphrase: str) -> BackupManifest:
    """Check a backup completely without writing anything; return its manifest.

    Raises, in this order of precedence: ``NotABackup``, ``NewerVersion``,
    ``DamagedData`` (impossible key derivation parameters in the header),
    ``WrongPassphrase`` (wrong passphrase or damaged header), ``DamagedData``.
    """
    with _open_backup(Path(path), passphrase) as (_c, mf):
        return mf


def create_backup(
    vault: Vault,
    out: Path,
    passphrase: str,
    *,
    kdf: KdfParams | None = None,
    progress: Callable[[str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BackupManifest:
    """Write a verified backup of the open ``vault`` to the new file ``out``.

    The file is written under a hidden temporary name in the same folder, reopened and
    verified (both integrity checks, the manifest against the vault's counts), flushed to
    disk, and only then given its name. On any failure or cancellation the temporary file
    is deleted; ``out`` is never overwritten. ``progress`` receives "export", "verify" and
    "rename"; ``cancel`` is asked before each of them. ``kdf`` gives the Argon2id costs
    written into the header (its salt is not used); ``None`` means ``DEFAULT_KDF``.
    """
    _check_new_passphrase(passphrase)
    out = Path(out).expanduser()
    if out.exists() or out.is_symlink():
        raise _exists_refusal(out)
    folder = out.parent
    if not folder.is_dir():
        raise InputRefused(N_("The folder {path} does not exist."), path=str(folder))
    vault.require_engine()

    salt = _new_salt(kdf)
    key = _derive(passphrase, salt)
    temp = folder / f".{out.name}.partial-{secrets.token_hex(8)}"
    create_private_file(temp)
    try:
        _step("export", progress, cancel)
        # A page of the vault that fails its HMAC is met here first: DamagedData, not a
        # driver error (the temporary file is removed below as for any failure). A write
        # that finds the destination full is DiskFull.
        with damage_as_error(temp, _vault_size(vault)):
            expected = _export(vault, temp, key, salt)
        _step("verify", progress, cancel)
        try:
            conn = connect(temp, key, salt=salt, read_only=True, wal=False)
            try:
                written = _check_open_backup(conn)
            finally:
                conn.close()
        except (NotABackup, NewerVersion, WrongPassphrase, DamagedData):
            raise DamagedData(VERIFY_FAILED) from None
        if written != expected:
            raise DamagedData(VERIFY_FAILED)
        with damage_as_error():  # ENOSPC at the flush: DiskFull
            _fsync_file(temp)
        _step("rename", progress, cancel)
        _rename_no_clobber(temp, out)
    except BaseException:
        _remove_database_files(temp)
        raise
    fsync_dir(folder)
    log.info("backup written: %s (%d tables)", out.name, len(written.counts))
    return written


def _vault_size(vault: Vault) -> int:
    """About the size a backup of ``vault`` grows to: its database and WAL files."""
    size = 0
    for name in (DB_NAME, DB_NAME + "-wal"):
        with suppress(OSError):
            size += (vault.folder / name).stat().st_size
    return size


def _export(vault: Vault, temp: Path, key: bytes, salt: bytes) -> BackupManifest:
    """Copy the vault into the (empty) file ``temp`` in one read transaction; the manifest."""
    with vault.raw_connection() as raw:
        conn = cast(Any, raw)
        if conn.in_transaction:
            raise RuntimeError("the vault connection is inside a transaction")
        conn.execute("ATTACH DATABASE ? AS backup KEY ?", (str(temp), _key_value(key, salt)))
        try:
            # A rollback journal in memory: nothing but the file itself is written.
            mode = conn.execute("PRAGMA backup.journal_mode = MEMORY").fetchone()[0]
            if str(mode).lower() != "memory":
                raise RuntimeError("could not keep the backup's journal in memory")
            conn.execute("BEGIN")
            try:
                manifest = _live_manifest(conn, vault)
                conn.execute("SELECT sqlcipher_export('backup')").fetchall()
                conn.execute(
                    f"CREATE TABLE backup.{MANIFEST_TABLE} (key TEXT PRIMARY KEY, value TEXT)"
                )
                conn.executemany(
                    f"INSERT INTO backup.{MANIFEST_TABLE} (key, value) VALUES (?, ?)",
                    manifest.rows(),
                )
                conn.execute(f"PRAGMA backup.user_version = {int(manifest.schema_version)}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("DETACH DATABASE backup")
    return manifest


def _live_manifest(conn: Any, vault: Vault) -> BackupManifest:
    """The manifest of the vault as seen by the current read transaction."""
    revisions = [str(r[0]) for r in conn.execute("SELECT version_num FROM main.alembic_version")]
    meta = dict(conn.execute("SELECT key, value FROM main.meta").fetchall())
    if len(revisions) != 1 or meta.get("vault_id") != vault.vault_id:
        raise DamagedData()
    return BackupManifest(
        format_version=FORMAT_VERSION,
        schema_version=revisions[0],
        created=datetime.now(UTC).replace(microsecond=0),
        generation=int(meta.get("generation", "0")),
        vault_id=vault.vault_id,
        program_version=vbedesk.__version__,
        counts=_live_counts(conn),
    )


def restore_backup(
    path: Path,
    passphrase: str,
    target: Path,
    *,
    new_passphrase: str,
    kdf: KdfParams | None = None,
    progress: Callable[[str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    opened: Callable[[Vault, BackupManifest], None] | None = None,
) -> tuple[Vault, str]:
    """Restore a backup as a new vault in ``target``; return it open and its recovery key.

    The backup is verified completely first (the errors of ``verify_backup``). The new
    vault keeps the backup's vault id (a restore is the same vault) but gets a new random
    data key, so a new recovery key, and a key file for ``new_passphrase`` (with ``kdf``,
    calibrated when ``None``). It is built in a hidden staging folder beside ``target``
    and renamed into place at the end; ``target`` must not exist or be an empty folder.
    ``progress`` receives "verify", "restore", "rename" and "open"; ``cancel`` is asked
    before each step up to the rename. ``opened`` is called with the new vault, open, and
    the backup's manifest (the service audits the restore there); when it fails, the
    vault is closed and its folder taken away again, as when the open fails.
    """
    path = Path(path)
    target = Path(target).expanduser()
    _check_restore_target(target)
    marker = synced_folder_marker(target)
    if marker:
        raise SyncedFolder(marker=marker)
    problems = passphrase_problems(new_passphrase)
    if problems:
        raise InputRefused(
            N_("The new passphrase is too weak: {reasons}"),
            reasons=" ".join(_(p) for p in problems),
        )

    _step("verify", progress, cancel)
    with _open_backup(path, passphrase) as (conn, manifest):
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = target.parent / f".{target.name}.restoring-{secrets.token_hex(8)}"
        staging.mkdir(mode=0o700)
        try:
            _step("restore", progress, cancel)
            data_key = new_data_key()
            _restore_database(conn, staging / DB_NAME, data_key, manifest)
            conn.close()
            params = kdf if kdf is not None else calibrate()
            KeyFile.create(data_key, new_passphrase, manifest.vault_id, params).save(
                staging / KEY_NAME, data_key, new_passphrase
            )
            _step("rename", progress, cancel)
            _check_restore_target(target)
            if target.exists():
                target.rmdir()  # empty, checked just above
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    fsync_dir(target.parent)
    _step("open", progress, None)
    vault: Vault | None = None
    try:
        vault = Vault.open(target, passphrase=new_passphrase)
        if opened is not None:
            opened(vault, manifest)
    except BaseException:
        if vault is not None and vault.is_open:
            vault.close()
        # Take the just-restored folder away again: no half vault under the target name.
        aside = target.parent / f".{target.name}.failed-{secrets.token_hex(8)}"
        with suppress(OSError):
            target.rename(aside)
            shutil.rmtree(aside, ignore_errors=True)
        raise
    log.info("backup restored into %s", target.name)
    return vault, encode_recovery_key(data_key)


def _check_restore_target(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise _exists_refusal(target)
    if target.is_dir() and any(target.iterdir()):
        raise InputRefused(
            N_("The folder {path} is not empty; a restore never writes over existing files."),
            path=str(target),
        )


def _restore_database(
    conn: sqlcipher3.Connection, db: Path, data_key: bytes, manifest: BackupManifest
) -> None:
    """Copy the open backup into the new database ``db`` under ``data_key``, then check it."""
    create_private_file(db)
    conn.execute("ATTACH DATABASE ? AS restored KEY ?", (str(db), _key_value(data_key, None)))
    try:
        mode = conn.execute("PRAGMA restored.journal_mode = MEMORY").fetchone()[0]
        if str(mode).lower() != "memory":
            raise RuntimeError("could not keep the restored database's journal in memory")
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT sqlcipher_export('restored')").fetchall()
            conn.execute(f"DROP TABLE restored.{MANIFEST_TABLE}")
            conn.execute(f"PRAGMA restored.user_version = {int(manifest.schema_version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE restored")
    try:
        check = connect(db, data_key, read_only=True, wal=False)
    except VbedeskError:
        raise DamagedData(RESTORE_CHECK_FAILED) from None
    try:
        tables = {str(r[1]) for r in check.execute("PRAGMA main.table_list").fetchall()}
        counts = {table: _read_all_rows(check, table) for table in _user_tables(check, "main")}
        sound = (
            not integrity_problems(check)
            and MANIFEST_TABLE not in tables
            and counts == manifest.counts
        )
    except (sqlcipher3.DatabaseError, VbedeskError):
        sound = False
    finally:
        check.close()
    if not sound:
        raise DamagedData(RESTORE_CHECK_FAILED)


# -- the backup folder -----------------------------------------------------------------

BACKUP_SUFFIX = ".vbdk"
AUTO_PREFIX = "auto-"


@dataclass(frozen=True)
class BackupFile:
    """A file in the backup folder that looks like a backup (by name; not yet verified)."""

    path: Path
    modified: datetime
    size: int

    @property
    def automatic(self) -> bool:
        """Written by the automatic backup on close (and so part of the rotation)."""
        return self.path.name.startswith(AUTO_PREFIX)


def default_backup_dir(vault_folder: Path) -> Path:
    """The backup folder when none is chosen: beside the vault folder, never inside it."""
    return vault_folder.parent / f"{vault_folder.name}-backups"


def backup_name(when: datetime, *, automatic: bool = False) -> str:
    """A file name that sorts by time: ``vbedesk-2026-11-28-1405.vbdk`` (``auto-`` first)."""
    stamp = when.astimezone().strftime("%Y-%m-%d-%H%M%S")
    return f"{AUTO_PREFIX if automatic else ''}vbedesk-{stamp}{BACKUP_SUFFIX}"


def list_backups(folder: Path) -> list[BackupFile]:
    """The backups in ``folder`` by name (``*.vbdk``, no hidden or partial files), newest first."""
    try:
        entries = list(Path(folder).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        if entry.name.startswith(".") or entry.suffix != BACKUP_SUFFIX:
            continue
        try:
            stat = entry.stat()
        except OSError:
            continue
        if not entry.is_file():
            continue
        modified = datetime.fromtimestamp(stat.st_mtime, UTC)
        found.append(BackupFile(entry, modified, stat.st_size))
    return sorted(found, key=lambda b: (b.modified, b.path.name), reverse=True)


def surplus_generations(files: list[BackupFile], keep: int) -> list[BackupFile]:
    """The automatic backups beyond the newest ``keep`` (offered for deletion, never deleted
    without the coordinator's confirmation)."""
    automatic = sorted((f for f in files if f.automatic), key=lambda b: b.path.name, reverse=True)
    return automatic[max(0, keep) :]


__all__ = [
    "AUTO_PREFIX",
    "BACKUP_SUFFIX",
    "DEFAULT_KDF",
    "FORMAT",
    "FORMAT_VERSION",
    "MAGIC",
    "PAGE_SIZE",
    "VERSION_1_BYTE",
    "VERSION_BYTE",
    "BackupFile",
    "BackupManifest",
    "backup_name",
    "create_backup",
    "default_backup_dir",
    "header_kdf",
    "list_backups",
    "restore_backup",
    "surplus_generations",
    "verify_backup",
]
