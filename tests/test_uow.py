"""Units of work: a snapshot per read, a commit per write, change events, a lock without waits."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from tests.conftest import PASSPHRASE
from vbedesk.changes import Area, Changes
from vbedesk.errors import Cancelled, VaultLocked
from vbedesk.model import Incident
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

WAIT_S = 20  # a bound for the helper threads only; nothing here measures time


def _incident(text: str = "Klistermärken vid torget.") -> Incident:
    return Incident(
        received_on=date(2021, 3, 2),
        incident_types=frozenset({"KLISTERMARKEN"}),
        environment="HOGER",
        description=text,
    )


def _in_thread(fn: object) -> threading.Thread:
    assert callable(fn)
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def test_a_read_sees_one_snapshot_while_another_thread_commits(service: VaultService) -> None:
    service.incidents.add(_incident())
    written = threading.Event()

    def write_elsewhere() -> None:
        service.incidents.add(_incident("Ett till."))
        written.set()

    with service.snapshot():
        before = service.incidents.count()
        _in_thread(write_elsewhere)
        assert written.wait(WAIT_S), "a write on another thread waited for a read"
        inside = service.incidents.count()
    assert (before, inside) == (1, 1)  # the snapshot did not move
    assert service.incidents.count() == 2  # a new unit sees the commit


def test_nested_calls_join_one_write_and_roll_back_together(service: VaultService) -> None:
    with pytest.raises(RuntimeError, match="boom"), service.store.write(Area.INCIDENTS):
        service.incidents.add(_incident())
        service.incidents.add(_incident("Ett till."))
        assert service.incidents.count() == 2  # a read inside the write sees its rows
        raise RuntimeError("boom")
    assert service.incidents.count() == 0


def test_a_write_cannot_start_inside_a_read(service: VaultService) -> None:
    with service.snapshot(), pytest.raises(RuntimeError, match="inside a read"):
        service.incidents.add(_incident())
    assert service.incidents.count() == 0


def test_listeners_hear_each_commit_once_with_its_areas(service: VaultService) -> None:
    heard: list[Changes] = []
    unsubscribe = service.subscribe(heard.append)
    saved = service.incidents.add(_incident()).incident
    service.plans.all()  # a read tells nothing
    assert [c.areas for c in heard] == [frozenset({Area.INCIDENTS})]
    assert heard[0].touches(Area.INCIDENTS, Area.PLAN)
    assert not heard[0].touches(Area.PLAN)
    with pytest.raises(RuntimeError), service.store.write(Area.INCIDENTS):
        service.incidents.delete(saved.id or 0)
        raise RuntimeError("rolled back")
    assert len(heard) == 1  # a rolled-back write tells nothing
    unsubscribe()
    service.incidents.add(_incident("Efter."))
    assert len(heard) == 1


def test_a_failing_listener_does_not_undo_the_commit(service: VaultService) -> None:
    def broken(_changes: Changes) -> None:
        raise ValueError("a view failed")

    service.subscribe(broken)
    heard: list[Changes] = []
    service.subscribe(heard.append)
    service.incidents.add(_incident())
    assert service.incidents.count() == 1
    assert len(heard) == 1  # the next listener still heard it


def test_close_while_a_unit_runs_elsewhere_does_not_wait(service: VaultService) -> None:
    """The lock returns at once; the vault closes when the other thread's unit ends."""
    vault = service.vault
    inside, release, ended = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def long_read() -> None:
        with service.snapshot():
            inside.set()
            release.wait(WAIT_S)
            seen.append(service.incidents.count())  # the snapshot still reads
        ended.set()

    worker = _in_thread(long_read)
    assert inside.wait(WAIT_S)
    service.close()  # returns while the read is still open: it did not wait
    assert not release.is_set()
    assert not service.is_open
    assert vault.engine is not None  # not yet disposed: a connection is still out
    with pytest.raises(VaultLocked):
        service.incidents.count()  # no new unit of work starts
    release.set()
    assert ended.wait(WAIT_S)
    worker.join(WAIT_S)
    assert seen == [0]
    assert vault.engine is None  # closed by the thread that gave the last connection back
    # The OS lock is released: the vault opens again in this process.
    Vault.open(vault.folder, passphrase=PASSPHRASE).close()


def test_close_interrupts_a_running_statement(service: VaultService) -> None:
    started, outcome = threading.Event(), []

    def endless_query() -> None:
        try:
            with service.store.read() as work:
                started.set()
                work.rows(
                    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
                    "SELECT count(*) FROM r",
                    [],
                )
        except BaseException as exc:
            outcome.append(exc)

    worker = _in_thread(endless_query)
    assert started.wait(WAIT_S)
    # The statement may not have begun the moment the unit did: interrupt until it ends.
    while worker.is_alive():
        service.close()
        worker.join(0.05)
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert service.vault.engine is None


def test_interrupt_rolls_back_a_long_write_and_keeps_the_vault_open(
    service: VaultService,
) -> None:
    started, outcome = threading.Event(), []

    def long_write() -> None:
        try:
            with service.store.write(Area.INCIDENTS) as work:
                service.incidents.add(_incident())
                started.set()
                work.rows(
                    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
                    "SELECT count(*) FROM r",
                    [],
                )
        except BaseException as exc:
            outcome.append(exc)

    worker = _in_thread(long_write)
    assert started.wait(WAIT_S)
    while worker.is_alive():
        service.interrupt()
        worker.join(0.05)
    assert isinstance(outcome[0], Cancelled)
    assert service.is_open
    assert service.incidents.count() == 0  # the write was rolled back
    service.drafts.save("incident", "new", {"description": "kvar"})  # the write lock is free
    assert [d.ref for d in service.drafts.all("incident")] == ["new"]
