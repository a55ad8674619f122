"""The contact list the call window shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.model import (
    Contact,
)
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    ContactRow,
)


class ContactService(AreaService):
    """The contact list the call window shows."""

    AREAS = (Area.CONTACTS,)

    def add_many(self, contacts: Iterable[Contact]) -> None:
        with self._write() as s:
            for c in contacts:
                s.add(
                    ContactRow(
                        code=c.code,
                        name=c.name,
                        phone=c.phone,
                        hours=c.hours,
                        note=c.note,
                        verified_on=c.verified_on,
                        active=c.active,
                    )
                )
            audit.append(s, "contact.load", "contact", "*")

    def all(self) -> list[Contact]:
        with self._read() as s:
            return [
                Contact(
                    id=r.id,
                    code=r.code,
                    name=r.name,
                    phone=r.phone,
                    hours=r.hours,
                    note=r.note,
                    verified_on=r.verified_on,
                    active=r.active,
                )
                for r in s.execute(select(ContactRow).order_by(ContactRow.id)).scalars()
            ]

    def verify(self, code: str, phone: str, on: date) -> Contact:
        """Record that a contact's number was checked (and corrected) on a date."""
        with self._write() as s:
            row = s.scalar(select(ContactRow).where(ContactRow.code == code))
            if row is None:
                raise InputRefused(N_("Unknown contact {value!r}."), value=code[:40])
            row.phone = phone.strip()[:40]
            row.verified_on = on
            audit.append(s, "contact.verify", "contact", code, on.isoformat())
        return next(c for c in self.all() if c.code == code)
