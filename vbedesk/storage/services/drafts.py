"""Encrypted drafts of a form or a call left half-done."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.results import Draft
from vbedesk.storage.tables import (
    DraftRow,
)
from vbedesk.storage.vault import now_utc


class DraftService(AreaService):
    """Encrypted drafts of a form or a call left half-done."""

    AREAS = (Area.DRAFTS,)

    def save(self, kind: str, ref: str, payload: dict[str, Any]) -> None:
        """Keep unfinished work (``kind`` e.g. "incident", ``ref`` its id or "new")."""
        encoded = json.dumps(payload, ensure_ascii=False, default=str)
        if len(encoded) > 1_000_000:
            raise InputRefused(N_("The draft is too large to keep."))
        with self._write() as s:
            row = s.scalar(select(DraftRow).where(DraftRow.kind == kind, DraftRow.ref == ref))
            if row is None:
                s.add(DraftRow(kind=kind, ref=ref, payload=encoded, updated_at=now_utc()))
            else:
                row.payload = encoded
                row.updated_at = now_utc()

    def all(self, kind: str | None = None) -> list[Draft]:
        with self._read() as s:
            stmt = select(DraftRow).order_by(DraftRow.updated_at)
            if kind is not None:
                stmt = stmt.where(DraftRow.kind == kind)
            return [
                Draft(kind=r.kind, ref=r.ref, payload=json.loads(r.payload), saved_at=r.updated_at)
                for r in s.execute(stmt).scalars()
            ]

    def discard(self, kind: str, ref: str) -> None:
        with self._write() as s:
            row = s.scalar(select(DraftRow).where(DraftRow.kind == kind, DraftRow.ref == ref))
            if row is not None:
                s.delete(row)
