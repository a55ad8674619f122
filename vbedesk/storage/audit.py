"""The append-only audit log: every change is a row chained by SHA-256 to the one before.

A row's hash covers its id, time, action, entity, entity id, detail and the previous
row's hash, so editing, inserting or reordering history breaks the chain at that row.
Details name fields and counts, never user text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vbedesk.storage.tables import AuditRow
from vbedesk.storage.vault import now_utc

GENESIS = "0" * 64


def _digest(
    row_id: int, at: str, action: str, entity: str, entity_id: str, detail: str, prev: str
) -> str:
    payload = "\x1f".join((str(row_id), at, action, entity, entity_id, detail, prev))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(session: Session, action: str, entity: str, entity_id: object, detail: str = "") -> None:
    """Add one chained row in the caller's unit of work."""
    last = session.execute(
        select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
    ).first()
    row_id = 1 if last is None else last[0] + 1
    prev = GENESIS if last is None else last[1]
    at = now_utc().replace(microsecond=0)
    eid = str(entity_id)
    session.add(
        AuditRow(
            id=row_id,
            at=at,
            action=action,
            entity=entity,
            entity_id=eid,
            detail=detail,
            prev_hash=prev,
            hash=_digest(row_id, at.isoformat(), action, entity, eid, detail, prev),
        )
    )


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_broken: int | None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify(session: Session) -> ChainReport:
    """Walk the chain; report the first row whose link or hash does not hold."""
    prev = GENESIS
    expected_id = 1
    count = 0
    for row in session.execute(select(AuditRow).order_by(AuditRow.id)).scalars():
        count += 1
        digest = _digest(
            row.id,
            row.at.isoformat(),
            row.action,
            row.entity,
            row.entity_id,
            row.detail,
            row.prev_hash,
        )
        if row.id != expected_id or row.prev_hash != prev or row.hash != digest:
            return ChainReport(rows=count, first_broken=row.id)
        prev = row.hash
        expected_id += 1
    return ChainReport(rows=count, first_broken=None)
