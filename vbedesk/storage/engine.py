"""SQLCipher connections: the build check, the key, the per-connection pragmas, the engine.

Every connection of the program is made here, in this order: SQLCipher logging silenced,
the raw key first, a verification read, then the pragmas of design.md asserted one by one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy.exc
import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from vbedesk.errors import Cancelled, DamagedData, DiskFull, VbedeskError, WrongPassphrase
from vbedesk.i18n import N_
from vbedesk.storage.files import DISK_FULL_ERRNOS

KEY_BYTES = 32
CACHE_KIB = 64 * 1024
#: How long a write waits for another connection's write to end before it fails (ms).
#: The program's own writers queue on ``Vault``'s write lock first; this is the backstop.
BUSY_TIMEOUT_MS = 10_000
#: Connections kept open: the GUI thread's reads, the worker's job, a backup's export.
POOL_SIZE = 3
POOL_OVERFLOW = 3
REQUIRED_COMPILE_OPTIONS = ("HAS_CODEC", "ENABLE_FTS5")


class SQLCipherUnsuitable(VbedeskError):
    message = N_("The installed SQLCipher library is not suitable: {reason}")


def _raw_key_pragma(data_key: bytes, salt: bytes | None = None) -> str:
    """The ``PRAGMA key`` statement for a raw 256-bit key (and, optionally, an explicit salt)."""
    if len(data_key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    blob = data_key.hex() + (salt.hex() if salt is not None else "")
    return f"PRAGMA key = \"x'{blob}'\""


def check_sqlcipher() -> str:
    """Assert SQLCipher 4 with the build options the program relies on; return its version."""
    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        row = conn.execute("PRAGMA cipher_version").fetchone()
        version = str(row[0]) if row else ""
        options = {str(r[0]) for r in conn.execute("PRAGMA compile_options")}
    finally:
        conn.close()
    if not version.startswith("4."):
        raise SQLCipherUnsuitable(reason=f"version {version or 'unknown'}, 4.x required")
    missing = [opt for opt in REQUIRED_COMPILE_OPTIONS if opt not in options]
    if missing:
        raise SQLCipherUnsuitable(reason="missing " + ", ".join(missing))
    return version


def _pragma_value(conn: sqlcipher3.Connection, statement: str) -> Any:
    row = conn.execute(statement).fetchone()
    return None if row is None else row[0]


def connect(
    path: Path,
    data_key: bytes,
    *,
    salt: bytes | None = None,
    read_only: bool = False,
    wal: bool = True,
) -> sqlcipher3.Connection:
    """Open ``path`` with ``data_key`` and apply the program's pragmas.

    A wrong key is indistinguishable from a damaged first page: both raise
    ``WrongPassphrase`` and leave the file untouched (nothing is written before the
    verification read). Other read failures raise ``DamagedData``, or ``DiskFull`` when
    the file system has no room for the files SQLite needs beside the database.
    """
    # Quoted: "#", "?" and "%" in a folder name must not end or change the URI.
    uri = f"file:{quote(path.as_posix(), safe='/:')}?mode={'ro' if read_only else 'rwc'}"
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_raw_key_pragma(data_key, salt))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            if "not a database" in str(exc):
                raise WrongPassphrase() from None
            # Even a read of a WAL database writes: its shared-memory index beside it.
            if is_disk_full(exc, path):
                raise DiskFull() from None
            raise DamagedData() from None
        _apply_pragmas(conn, read_only=read_only, wal=wal)
    except BaseException:
        conn.close()
        raise
    return conn


def _apply_pragmas(conn: sqlcipher3.Connection, *, read_only: bool, wal: bool) -> None:
    conn.execute("PRAGMA temp_store = MEMORY")
    if _pragma_value(conn, "PRAGMA temp_store") != 2:
        raise SQLCipherUnsuitable(reason="temp_store = MEMORY not in force")
    conn.execute("PRAGMA secure_delete = ON")
    if _pragma_value(conn, "PRAGMA secure_delete") != 1:
        raise SQLCipherUnsuitable(reason="secure_delete not in force")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if not read_only and wal:
        mode = _pragma_value(conn, "PRAGMA journal_mode = WAL")
        if str(mode).lower() != "wal":
            raise SQLCipherUnsuitable(reason="WAL journal not in force")
    conn.execute("PRAGMA synchronous = FULL")
    if _pragma_value(conn, "PRAGMA synchronous") != 2:
        raise SQLCipherUnsuitable(reason="synchronous = FULL not in force")


def make_engine(path: Path, data_key: bytes) -> Engine:
    """A SQLAlchemy engine over a small pool of keyed connections (``hide_parameters``).

    Under WAL each connection reads its own snapshot, so a read on the GUI thread never
    waits for a backup or a report on the worker thread (docs/architecture.md, "Threads").
    The first connection is verified before the engine exists, so a wrong key fails here;
    the others are made the same way when a thread first needs one.
    """
    first: list[sqlcipher3.Connection] = [connect(path, data_key)]

    def creator() -> sqlcipher3.Connection:
        return first.pop() if first else connect(path, data_key)

    engine = create_engine(
        "sqlite://",
        module=sqlcipher3,
        creator=creator,
        poolclass=QueuePool,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_reset_on_return="rollback",
        pool_use_lifo=True,  # the connection used last, with the warmest page cache
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(dbapi_conn: Any, _record: Any) -> None:
        # SQLAlchemy drives BEGIN itself; see "Serializable isolation / Savepoints" in its
        # SQLite dialect notes.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A unit of work that writes takes the write lock at once (no upgrade deadlock);
        # a read is a plain deferred transaction.
        write = conn.get_execution_options().get("vbedesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


DAMAGE_MARKERS = ("malformed", "not a database", "hmac", "corrupt", "disk i/o")


def is_damage(exc: BaseException) -> bool:
    """Whether a driver error means damaged data (as opposed to a lock or a constraint)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return any(marker in text for marker in DAMAGE_MARKERS)


#: SQLITE_INTERRUPT: a statement stopped by ``Connection.interrupt`` (the vault locking).
SQLITE_INTERRUPT = 9


def is_interrupted(exc: BaseException) -> bool:
    """Whether a driver error is a statement interrupted from another thread."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlite_errorcode", None) == SQLITE_INTERRUPT


#: SQLITE_FULL: SQLite's answer when a write met ENOSPC. A write refused with any other
#: errno (EFBIG at a file size limit, EDQUOT over a quota) comes back as a plain
#: SQLITE_IOERR, like an unreadable page; ``write_refused`` then asks the file system.
SQLITE_FULL = 13
SQLITE_IOERR = 10
PROBE_BYTES = 4096
#: How far beyond the end of the data the probe writes: SQLite's refused write lies past the
#: end by at most the transaction being written (a sparse page on most file systems).
PROBE_MARGIN = 16 * 1024 * 1024


def write_refused(target: Path, size_hint: int = 0) -> bool:
    """Whether the file system refuses to grow ``target`` (or its WAL) for lack of room.

    A page is written into a new hidden file in the same folder, beyond the offset where
    the database ends (or ``size_hint``, the size it is growing to), so that a file size
    limit applies as it did to SQLite; the file is removed again. Any other failure of
    the probe answers ``False``.
    """
    sizes = [size_hint]
    for path in (target, Path(f"{target}-wal")):
        with suppress(OSError):
            sizes.append(path.stat().st_size)
    probe = target.with_name(f".{target.name}.probe-{secrets.token_hex(4)}")
    try:
        fd = os.open(
            probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
        )
        try:
            written = os.pwrite(fd, bytes(PROBE_BYTES), max(sizes) + PROBE_MARGIN)
        finally:
            os.close(fd)
    except OSError as exc:
        return exc.errno in DISK_FULL_ERRNOS
    finally:
        with suppress(OSError):
            probe.unlink()
    return written < PROBE_BYTES


def is_disk_full(exc: BaseException, target: Path | None = None, size_hint: int = 0) -> bool:
    """Whether a driver or OS error means that a write found no room (nothing was written).

    ``target`` is the database file being written; an I/O error is then checked against
    the file system (see ``write_refused``).
    """
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, OSError):
        return orig.errno in DISK_FULL_ERRNOS
    code = getattr(orig, "sqlite_errorcode", None)
    if code == SQLITE_FULL:
        return True
    return code == SQLITE_IOERR and target is not None and write_refused(target, size_hint)


@contextmanager
def damage_as_error(target: Path | None = None, size_hint: int = 0) -> Iterator[None]:
    """Turn a driver error caused by a damaged file into ``DamagedData`` (no SQL shown).

    A write that found the disk full becomes ``DiskFull`` instead: the data is sound and
    the transaction was rolled back. ``target`` is the database file written, if any, and
    ``size_hint`` the size it grows to when known (a backup: the vault's size).
    """
    try:
        yield
    except (sqlcipher3.DatabaseError, sqlalchemy.exc.DatabaseError) as exc:
        if is_interrupted(exc):
            raise Cancelled() from None
        if is_disk_full(exc, target, size_hint):
            raise DiskFull() from None
        if is_damage(exc):
            raise DamagedData() from None
        raise
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull() from None
        raise


def integrity_problems(conn: sqlcipher3.Connection) -> list[str]:
    """Both checks, since each catches faults the other misses (design.md). Empty when sound."""
    problems: list[str] = []
    try:
        problems += [f"cipher: page {r[0]}" for r in conn.execute("PRAGMA cipher_integrity_check")]
    except sqlcipher3.DatabaseError as exc:
        problems.append(f"cipher: {type(exc).__name__}")
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems += [f"integrity: {r[:120]}" for r in rows]
    except sqlcipher3.DatabaseError as exc:
        problems.append(f"integrity: {type(exc).__name__}")
    return problems
