"""Reference data from the command line: units, courses and contacts.

Each ``list --format json`` prints a JSON array of objects with ``id``, ``code`` and
``name``; the other commands change one item, audited, or refuse (exit 3) and save nothing.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

from vbedesk.i18n import _

from .common import EXIT_OK, Parser, day_option, open_service, out

if TYPE_CHECKING:
    from .common import Subcommands


def _when(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _print(rows: list[dict[str, object]], fmt: str, columns: tuple[str, ...]) -> None:
    if fmt == "json":
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        cells = [str(row["id"]).rjust(4), str(row["code"]), str(row["name"])]
        cells += [f"{c}={row[c]}" for c in columns if row.get(c) not in (None, "")]
        out("  ".join(cells))


# -- units -------------------------------------------------------------------------------------
def cmd_unit_list(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        units = service.training.units()
    rows: list[dict[str, object]] = [
        {
            "id": u.id,
            "code": u.code,
            "name": u.name,
            "valid_from": _when(u.valid_from),
            "valid_to": _when(u.valid_to),
        }
        for u in units
    ]
    _print(rows, args.format, ("valid_from", "valid_to"))
    return EXIT_OK


def cmd_unit_add(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        unit = service.training.create_unit(args.name, accept_findings=args.accept_findings)
    out(str(unit.id))
    return EXIT_OK


def cmd_unit_rename(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        service.training.rename_unit(args.id, args.name, accept_findings=args.accept_findings)
    out(_("Unit {id} renamed.").format(id=args.id))
    return EXIT_OK


def cmd_unit_retire(args: argparse.Namespace) -> int:
    day = day_option(args.on, "--on")
    with open_service(args) as service:
        service.training.retire_unit(args.id, day)
    out(_("Unit {id} is retired from {day}.").format(id=args.id, day=day))
    return EXIT_OK


# -- courses -----------------------------------------------------------------------------------
def cmd_course_list(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        courses = service.training.courses()
    rows: list[dict[str, object]] = [
        {
            "id": c.id,
            "code": c.code,
            "name": c.name,
            "provider": c.provider,
            "retired_on": _when(c.retired_on),
        }
        for c in courses
    ]
    _print(rows, args.format, ("retired_on",))
    return EXIT_OK


def cmd_course_add(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        course = service.training.create_course(args.name, accept_findings=args.accept_findings)
    out(str(course.id))
    return EXIT_OK


def cmd_course_rename(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        service.training.rename_course(args.id, args.name, accept_findings=args.accept_findings)
    out(_("Course {id} renamed.").format(id=args.id))
    return EXIT_OK


def cmd_course_retire(args: argparse.Namespace) -> int:
    day = date.today() if args.on is None else day_option(args.on, "--on")
    with open_service(args) as service:
        service.training.retire_course(args.id, day)
    out(_("Course {id} is retired from {day}.").format(id=args.id, day=day))
    return EXIT_OK


# -- contacts ----------------------------------------------------------------------------------
def cmd_contact_list(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        contacts = service.contacts.all()
    rows: list[dict[str, object]] = [
        {
            "id": c.id,
            "code": c.code,
            "name": c.name,
            "phone": c.phone,
            "hours": c.hours,
            "note": c.note,
            "verified_on": _when(c.verified_on),
            "active": c.active,
        }
        for c in contacts
    ]
    if args.format == "json":
        _print(rows, "json", ())
        return EXIT_OK
    for c in contacts:
        state = (
            _("retired")
            if not c.active
            else _("verified {day}").format(day=c.verified_on)
            if c.verified_on
            else _("not verified")
        )
        out(f"{c.id:>4}  {c.code}  {c.name}  {c.phone or '-'}  ({state})")
    return EXIT_OK


def cmd_contact_add(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        contact = service.contacts.create(
            args.name,
            args.phone,
            hours=args.hours or "",
            note=args.note or "",
            accept_findings=args.accept_findings,
        )
    out(str(contact.id))
    return EXIT_OK


def cmd_contact_edit(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        service.contacts.edit(
            args.id,
            name=args.name,
            phone=args.phone,
            hours=args.hours,
            note=args.note,
            accept_findings=args.accept_findings,
        )
    out(_("Contact {id} saved.").format(id=args.id))
    return EXIT_OK


def cmd_contact_verify(args: argparse.Namespace) -> int:
    day = day_option(args.on, "--on")
    with open_service(args) as service, service.store.write():
        contact = service.contacts.get(args.id)
        service.contacts.verify(contact.code, contact.phone, day)
    out(_("Contact {id} is verified ({day}).").format(id=args.id, day=day))
    return EXIT_OK


def cmd_contact_retire(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        service.contacts.retire(args.id)
    out(_("Contact {id} is retired.").format(id=args.id))
    return EXIT_OK


def _list_parser(area: argparse._SubParsersAction[Parser], func: object) -> None:
    p = area.add_parser("list", help=_("list them all, retired ones too"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=func)


def add_parser(sub: Subcommands) -> None:
    unit = sub.add_parser("unit", help=_("units whose staff are trained")).add_subparsers(
        dest="unit_command", required=True, parser_class=Parser
    )
    _list_parser(unit, cmd_unit_list)
    ua = unit.add_parser("add", help=_("add a unit; prints its id"))
    ua.add_argument("name", metavar="NAME")
    ua.add_argument("--accept-findings", action="store_true")
    ua.set_defaults(func=cmd_unit_add)
    ur = unit.add_parser("rename", help=_("rename a unit; its counts stay with it"))
    ur.add_argument("id", type=int)
    ur.add_argument("name", metavar="NAME")
    ur.add_argument("--accept-findings", action="store_true")
    ur.set_defaults(func=cmd_unit_rename)
    ut = unit.add_parser("retire", help=_("retire a unit; its counts stay in the history"))
    ut.add_argument("id", type=int)
    ut.add_argument("--on", required=True, metavar="DATE", help=_("the day it ends"))
    ut.set_defaults(func=cmd_unit_retire)

    course = sub.add_parser("course", help=_("training courses")).add_subparsers(
        dest="course_command", required=True, parser_class=Parser
    )
    _list_parser(course, cmd_course_list)
    ca = course.add_parser("add", help=_("add a course; prints its id"))
    ca.add_argument("name", metavar="NAME")
    ca.add_argument("--accept-findings", action="store_true")
    ca.set_defaults(func=cmd_course_add)
    cr = course.add_parser("rename", help=_("rename a course"))
    cr.add_argument("id", type=int)
    cr.add_argument("name", metavar="NAME")
    cr.add_argument("--accept-findings", action="store_true")
    cr.set_defaults(func=cmd_course_rename)
    ct = course.add_parser("retire", help=_("retire a course; its counts stay in the history"))
    ct.add_argument("id", type=int)
    ct.add_argument("--on", metavar="DATE", help=_("from this date (default today)"))
    ct.set_defaults(func=cmd_course_retire)

    contact = sub.add_parser("contact", help=_("the call window's contacts")).add_subparsers(
        dest="contact_command", required=True, parser_class=Parser
    )
    _list_parser(contact, cmd_contact_list)
    na = contact.add_parser("add", help=_("add a contact; prints its id"))
    na.add_argument("--name", required=True, metavar="N")
    na.add_argument("--phone", required=True, metavar="P")
    na.add_argument("--hours", metavar="H", help=_("when it answers"))
    na.add_argument("--note", metavar="T")
    na.add_argument("--accept-findings", action="store_true")
    na.set_defaults(func=cmd_contact_add)
    ne = contact.add_parser("edit", help=_("change a contact; a new number must be verified"))
    ne.add_argument("id", type=int)
    ne.add_argument("--name", metavar="N")
    ne.add_argument("--phone", metavar="P")
    ne.add_argument("--hours", metavar="H", help=_("when it answers"))
    ne.add_argument("--note", metavar="T")
    ne.add_argument("--accept-findings", action="store_true")
    ne.set_defaults(func=cmd_contact_edit)
    nv = contact.add_parser("verify", help=_("record that the contact's number was checked"))
    nv.add_argument("id", type=int)
    nv.add_argument("--on", required=True, metavar="DATE", help=_("the day it was checked"))
    nv.set_defaults(func=cmd_contact_verify)
    nt = contact.add_parser("retire", help=_("retire a contact (no longer shown)"))
    nt.add_argument("id", type=int)
    nt.set_defaults(func=cmd_contact_retire)
