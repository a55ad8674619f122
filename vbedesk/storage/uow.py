"""Units of work: one snapshot per read, one transaction per write, change events after commit.

Every service method runs inside exactly one ``Store.read()`` or ``Store.write(...)``. A
read is a deferred transaction on a pooled connection: under WAL it sees one consistent
snapshot and never waits for a writer. A write takes the vault's write lock, then
``BEGIN IMMEDIATE``, and commits once; after the commit the listeners hear which areas it
changed. A service method called from inside another one's unit of work joins it (same
thread, same transaction), so a use case made of several steps still commits once.

Rows for the hot lists come from the driver's cursor on the same connection
(``Work.rows``): the statements are built by SQLAlchemy and compiled once
(``storage/reads.py``), so a page of the incident table costs the SQL and little more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from vbedesk.changes import Area, Changes
from vbedesk.storage.engine import damage_as_error
from vbedesk.storage.vault import DB_NAME, Vault

log = logging.getLogger(__name__)

Listener = Callable[[Changes], None]


class Work:
    """One unit of work: its connection, a session on it, and the areas it changed."""

    def __init__(self, conn: Connection, *, write: bool) -> None:
        self.conn = conn
        self.write = write
        self.areas: set[Area] = set()
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """An ORM session joined to this unit's transaction (made on first use)."""
        if self._session is None:
            # Joins the connection's transaction: the unit of work, not the session, commits.
            self._session = Session(bind=self.conn, expire_on_commit=False)
        return self._session

    def rows(self, sql: str, args: Sequence[Any]) -> list[Any]:
        """The rows of one compiled statement, from the driver's cursor on this connection."""
        if self._session is not None:
            self._session.flush()
        driver: Any = self.conn.connection.driver_connection
        rows: list[Any] = driver.execute(sql, args).fetchall()
        return rows

    def changed(self, *areas: Area) -> None:
        """Name more areas this unit changed (for a use case that finds out as it goes)."""
        self.areas.update(areas)

    def _finish(self) -> None:
        if self._session is not None:
            self._session.flush()
            self._session.close()
            self._session = None


class Store:
    """The vault's units of work and the listeners told about committed changes."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._local = threading.local()
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()

    # -- units of work -------------------------------------------------------------------
    def _current(self) -> Work | None:
        work: Work | None = getattr(self._local, "work", None)
        return work

    @contextmanager
    def read(self) -> Iterator[Work]:
        """One consistent snapshot (joins the unit of work already running on this thread)."""
        current = self._current()
        if current is not None:
            yield current
            return
        with (
            damage_as_error(),
            self.vault.connection() as conn,
            self._running(Work(conn, write=False)) as work,
        ):
            yield work

    @contextmanager
    def write(self, *areas: Area) -> Iterator[Work]:
        """One transaction that commits once; ``areas`` are told to the listeners after it."""
        current = self._current()
        if current is not None:
            if not current.write:
                raise RuntimeError("a write cannot start inside a read unit of work")
            current.changed(*areas)
            yield current
            return
        target = self.vault.folder / DB_NAME
        with (
            self.vault.write_lock,
            damage_as_error(target),  # a full disk: DiskFull
            self.vault.connection() as conn,
        ):
            work = Work(conn.execution_options(vbedesk_write=True), write=True)
            work.changed(*areas)
            with self._running(work):
                yield work
        self._tell(Changes(frozenset(work.areas)))

    @contextmanager
    def _running(self, work: Work) -> Iterator[Work]:
        """``work`` as this thread's unit of work, inside its transaction."""
        self._local.work = work
        try:
            with work.conn.begin():
                yield work
                work._finish()
        finally:
            self._local.work = None

    def rows(self, sql: str, args: Sequence[Any]) -> list[Any]:
        """The rows of one compiled statement: in the unit of work running on this thread,
        else as a unit of its own (one statement in autocommit reads one snapshot).

        The hot path of the list pages: a pooled driver connection and the statement,
        nothing else (docs/performance.md).
        """
        current = self._current()
        if current is not None:
            return current.rows(sql, args)
        with damage_as_error(), self.vault.driver() as driver:
            rows: list[Any] = driver.execute(sql, args).fetchall()
            return rows

    @contextmanager
    def raw(self) -> Iterator[Any]:
        """The driver connection of a pooled connection (a backup's export, the checks)."""
        with damage_as_error(), self.vault.raw_connection() as driver:
            yield driver

    # -- change events -------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every committed write; returns the unsubscribe call.

        Listeners run on the thread that committed, after the transaction and its locks
        are released; the UI hands them on to the GUI thread (``ui/changes.py``).
        """
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _tell(self, changes: Changes) -> None:
        if not changes:
            return
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changes)
            except Exception:  # a view's refresh must never undo a committed change
                log.exception("a change listener failed")
