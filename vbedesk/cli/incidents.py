"""Incidents: add one from JSON, import JSON Lines or CSV, list, show."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vbedesk import guard
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.incidents import (
    incident_from_mapping,
    incident_to_dict,
    incidents_from_csv,
    incidents_from_jsonl,
    incidents_to_csv,
    incidents_to_json,
)
from vbedesk.model import Incident, IncidentFilter

from .common import EXIT_OK, Parser, err, open_service, out, read_input

if TYPE_CHECKING:
    from vbedesk.taxonomy import Taxonomies

    from .common import Subcommands

TABLE_COLUMNS = ("id", "received_on", "area", "environment", "incident_types", "status")


def print_findings(findings: Sequence[tuple[str, guard.Finding]], stream: TextIO) -> None:
    """The guard's findings by field, line, column and kind; never the matched text."""
    for field_name, f in findings:
        level = _("blocks") if f.blocking else _("warning")
        print(
            _("{field} line {line}, column {column}: {kind} ({level})").format(
                field=field_name,
                line=f.line,
                column=f.column,
                kind=_(guard.kind_label(f.kind)),
                level=level,
            ),
            file=stream,
        )


def _json_object(raw: str) -> dict[str, object]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputRefused(
            N_("Not valid JSON (line {line}, column {column})."), line=exc.lineno, column=exc.colno
        ) from None
    except (ValueError, RecursionError):  # a number over 4300 digits; nesting thousands deep
        raise InputRefused(N_("Expected one JSON object.")) from None
    if not isinstance(data, dict):
        raise InputRefused(N_("Expected one JSON object."))
    return data


def cmd_incident_add(args: argparse.Namespace) -> int:
    from vbedesk.storage.service import IdentifiersFound

    data = _json_object(read_input(args.file))
    with open_service(args) as service:
        incident = incident_from_mapping(data, service.taxonomies)
        try:
            result = service.incidents.add(incident, accept_findings=args.accept_findings)
        except IdentifiersFound:
            print_findings(service.incidents.scan(incident), sys.stderr)
            raise
    print_findings(result.findings, sys.stderr)
    out(_("Saved incident {id}.").format(id=result.incident.id))
    return EXIT_OK


def cmd_incident_import(args: argparse.Namespace) -> int:
    from vbedesk.storage.service import IdentifiersFound

    raw = read_input(args.file)
    is_csv = args.file.lower().endswith(".csv") if args.file else False
    with open_service(args) as service:
        parser: Callable[..., list[Incident]] = (
            incidents_from_csv if is_csv else incidents_from_jsonl
        )
        incidents = parser(raw, service.taxonomies)
        if not incidents:
            raise InputRefused(N_("The file holds no incidents."))
        try:
            ids = service.incidents.import_many(incidents, source=Path(args.file).name[:40])
        except IdentifiersFound as exc:
            err(_("Record {n}:").format(n=exc.record))
            raise
    out(_("Imported {n} incidents.").format(n=len(ids)))
    return EXIT_OK


def cmd_incident_list(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        incidents = list(service.incidents.iter_all(IncidentFilter(year=args.year)))
    if args.format == "json":
        out(incidents_to_json(incidents))
    elif args.format == "csv":
        sys.stdout.write(incidents_to_csv(incidents))
    else:
        _print_table(incidents)
    return EXIT_OK


def _print_table(incidents: Sequence[Incident]) -> None:
    rows = [
        [
            str(i.id),
            i.received_on.isoformat(),
            i.area or "",
            i.environment,
            ",".join(sorted(i.incident_types)),
            i.status,
        ]
        for i in incidents
    ]
    widths = [max([len(h)] + [len(r[n]) for r in rows]) for n, h in enumerate(TABLE_COLUMNS)]
    out("  ".join(h.ljust(w) for h, w in zip(TABLE_COLUMNS, widths, strict=True)))
    for r in rows:
        out("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    out(_("{n} incidents").format(n=len(rows)))


def cmd_incident_show(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        incident = service.incidents.get(args.id)
        taxonomies = service.taxonomies
    data = incident_to_dict(incident)
    if args.format == "json":
        out(json.dumps(data, ensure_ascii=False, indent=1))
        return EXIT_OK
    _print_labelled(data, taxonomies)
    return EXIT_OK


def _print_labelled(data: dict[str, object], taxonomies: Taxonomies) -> None:
    """``key: value`` per field, codes shown by their label in the interface language."""
    from vbedesk.i18n import language

    lang = language()
    label_sources = taxonomies.of_incident_fields()
    for key, value in data.items():
        tax = label_sources.get(key)
        if tax is not None and isinstance(value, list):
            value = ", ".join(tax.label(v, lang) for v in value)
        elif tax is not None and isinstance(value, str):
            value = tax.label(value, lang)
        out(f"{key}: {'' if value is None else value}")


def add_parser(sub: Subcommands) -> None:
    inc = sub.add_parser("incident", help=_("incidents")).add_subparsers(
        dest="incident_command", required=True, parser_class=Parser
    )
    add = inc.add_parser("add", help=_("add one incident from a JSON object"))
    add.add_argument("file", nargs="?", default="-")
    add.add_argument("--accept-findings", action="store_true")
    add.set_defaults(func=cmd_incident_add)
    imp = inc.add_parser("import", help=_("import JSON Lines or CSV, all or nothing"))
    imp.add_argument("file")
    imp.set_defaults(func=cmd_incident_import)
    lst = inc.add_parser("list", help=_("list incidents"))
    lst.add_argument("--year", type=int)
    lst.add_argument("--format", choices=("table", "json", "csv"), default="table")
    lst.set_defaults(func=cmd_incident_list)
    show = inc.add_parser("show", help=_("show one incident"))
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(func=cmd_incident_show)
