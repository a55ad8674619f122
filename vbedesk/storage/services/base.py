"""What every area service shares: the store's units of work and the way to the others."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import Session

from vbedesk.changes import Area
from vbedesk.storage.uow import Store
from vbedesk.storage.vault import Vault
from vbedesk.taxonomy import Taxonomies

if TYPE_CHECKING:
    from vbedesk.storage.service import VaultService


class AreaService:
    """One area of the vault (``VaultService.incidents``, ``.plans``, …).

    Each public method is one use case: it runs in one unit of work of the store (joining
    the caller's when called from another area's use case) and returns plain frozen
    objects; no session or ORM row leaves the area.
    """

    #: The areas a write of this service changes, told to the listeners after the commit.
    AREAS: ClassVar[tuple[Area, ...]] = ()

    def __init__(self, svc: VaultService) -> None:
        self._svc = svc
        self._store: Store = svc.store

    @property
    def vault(self) -> Vault:
        return self._store.vault

    @property
    def taxonomies(self) -> Taxonomies:
        return self._svc.taxonomies

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._store.read() as work:
            yield work.session

    @contextmanager
    def _write(self, *areas: Area) -> Iterator[Session]:
        with self._store.write(*(areas or self.AREAS)) as work:
            yield work.session

    def _fetch(self, sql: str, args: Sequence[Any]) -> list[Any]:
        """The rows of one compiled read statement (``storage/reads.py``), one snapshot."""
        return self._store.rows(sql, args)
