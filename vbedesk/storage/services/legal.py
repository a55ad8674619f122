"""The legal references the call window cites."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from vbedesk.changes import Area
from vbedesk.model import (
    LegalReference,
)
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    LegalReferenceRow,
)


class LegalReferenceService(AreaService):
    """The legal references the call window cites."""

    AREAS = (Area.CONTACTS,)

    def add_many(self, refs: Iterable[LegalReference]) -> None:
        with self._write() as s:
            for r in refs:
                s.add(
                    LegalReferenceRow(
                        code=r.code,
                        title=r.title,
                        citation=r.citation,
                        note=r.note,
                        verified=r.verified,
                    )
                )
            audit.append(s, "legal_reference.load", "legal_reference", "*")

    def all(self) -> list[LegalReference]:
        with self._read() as s:
            return [
                LegalReference(
                    id=r.id,
                    code=r.code,
                    title=r.title,
                    citation=r.citation,
                    note=r.note,
                    verified=r.verified,
                )
                for r in s.execute(
                    select(LegalReferenceRow).order_by(LegalReferenceRow.id)
                ).scalars()
            ]
