"""The contact list the call window shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vbedesk import guard
from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.model import (
    Contact,
)
from vbedesk.plans import normalised, section_code
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    ContactRow,
)

_LIMITS = {"name": 200, "phone": 40, "hours": 200, "note": 1000}


class ContactNameTaken(InputRefused):
    message = N_("A contact named {name!r} already exists.")


class BadPhoneNumber(InputRefused):
    message = N_("{value!r} is not a phone number.")


def _phone(value: str) -> str:
    """A contact's number as written, refused unless it is a phone number (or 112, 114 14)."""
    phone = normalised(value)
    if not guard.is_phone_number(phone):
        raise BadPhoneNumber(value=phone[:40])
    return phone


def _checked(texts: dict[str, str], *, accept: bool) -> dict[str, str]:
    """The fields normalised and within their limits; the note through the identifier guard.

    A contact's name and number are published (the police, the social services' on-call):
    they are not a reported person's identifiers and are not guarded.
    """
    clean = {k: normalised(v) if k != "note" else v.strip() for k, v in texts.items()}
    for name, value in clean.items():
        if len(value) > _LIMITS[name]:
            raise InputRefused(
                N_("The field {field} is too long (at most {limit} characters)."),
                field=name,
                limit=_LIMITS[name],
            )
    if "name" in clean and not clean["name"]:
        raise InputRefused(N_("The field {field} must not be empty."), field="name")
    if "phone" in clean:
        clean["phone"] = _phone(clean["phone"])
    if "note" in clean:
        guard.guarded({"note": clean["note"]}, accept=accept)
    return clean


def _contact(r: ContactRow) -> Contact:
    return Contact(
        id=r.id,
        code=r.code,
        name=r.name,
        phone=r.phone,
        hours=r.hours,
        note=r.note,
        verified_on=r.verified_on,
        active=r.active,
    )


def _free_name(s: Session, name: str, own: int) -> None:
    rows = s.execute(select(ContactRow.id, ContactRow.name)).all()
    if any(i != own and n.casefold() == name.casefold() for i, n in rows):
        raise ContactNameTaken(name=name[:80])


def _row(s: Session, contact_id: int) -> ContactRow:
    row = s.get(ContactRow, contact_id)
    if row is None:
        raise InputRefused(N_("Unknown contact {value!r}."), value=str(contact_id)[:40])
    return row


class ContactService(AreaService):
    """The contact list the call window shows."""

    AREAS = (Area.CONTACTS,)

    def create(
        self,
        name: str,
        phone: str,
        *,
        hours: str = "",
        note: str = "",
        accept_findings: bool = False,
    ) -> Contact:
        """A new, active, not yet verified contact; its code is made from its name."""
        clean = _checked(
            {"name": name, "phone": phone, "hours": hours, "note": note}, accept=accept_findings
        )
        with self._write() as s:
            _free_name(s, clean["name"], 0)
            code = section_code(clean["name"], list(s.execute(select(ContactRow.code)).scalars()))
            row = ContactRow(code=code, active=True, verified_on=None, **clean)
            s.add(row)
            s.flush()
            audit.append(s, "contact.add", "contact", code)
            return _contact(row)

    def edit(
        self,
        contact_id: int,
        *,
        name: str | None = None,
        phone: str | None = None,
        hours: str | None = None,
        note: str | None = None,
        accept_findings: bool = False,
    ) -> Contact:
        """Change the given fields; a new number must be verified again."""
        given = {"name": name, "phone": phone, "hours": hours, "note": note}
        clean = _checked({k: v for k, v in given.items() if v is not None}, accept=accept_findings)
        with self._write() as s:
            row = _row(s, contact_id)
            if "name" in clean:
                _free_name(s, clean["name"], row.id)
            changed = sorted(k for k, v in clean.items() if getattr(row, k) != v)
            for key in changed:
                setattr(row, key, clean[key])
            if "phone" in changed:
                row.verified_on = None
            audit.append(s, "contact.edit", "contact", row.code, ",".join(changed))
            return _contact(row)

    def retire(self, contact_id: int) -> Contact:
        """The contact is no longer shown in the call window (kept, marked not active)."""
        with self._write() as s:
            row = _row(s, contact_id)
            if not row.active:
                raise InputRefused(N_("{name!r} is already retired."), name=row.name[:80])
            row.active = False
            audit.append(s, "contact.retire", "contact", row.code)
            return _contact(row)

    def get(self, contact_id: int) -> Contact:
        with self._read() as s:
            return _contact(_row(s, contact_id))

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
            rows = s.execute(select(ContactRow).order_by(ContactRow.id)).scalars()
            return [_contact(r) for r in rows]

    def verify(self, code: str, phone: str, on: date) -> Contact:
        """Record that a contact's number was checked (and corrected) on a date."""
        number = _phone(phone)
        with self._write() as s:
            row = s.scalar(select(ContactRow).where(ContactRow.code == code))
            if row is None:
                raise InputRefused(N_("Unknown contact {value!r}."), value=code[:40])
            row.phone = number
            row.verified_on = on
            audit.append(s, "contact.verify", "contact", code, on.isoformat())
            return _contact(row)
