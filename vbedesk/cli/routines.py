"""The concern/incident routine (routine check, show, load) and the case logs of calls."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vbedesk.i18n import _

from .common import EXIT_OK, EXIT_REFUSED, Parser, err, open_service, out, read_input

if TYPE_CHECKING:
    from .common import Subcommands


def cmd_routine_check(args: argparse.Namespace) -> int:
    """Validate a routine file against the shipped contacts, references and code lists."""
    from vbedesk.routine import check_definition, parse_definition, shipped_context

    content = read_input(args.file)
    problems = check_definition(content, shipped_context())
    if problems:
        for problem in problems:
            out(f"{problem.step}: {problem.text()}")
        err(_("The routine has {n} problem(s).").format(n=len(problems)))
        return EXIT_REFUSED
    definition = parse_definition(content)
    out(
        _("The routine {id} version {version} is valid ({n} steps).").format(
            id=definition.id, version=definition.version, n=len(definition.steps)
        )
    )
    return EXIT_OK


def cmd_routine_show(args: argparse.Namespace) -> int:
    """The routine in use as an outline: the vault's with --vault, else the shipped one."""
    from vbedesk.i18n import language
    from vbedesk.routine import load_shipped, outline

    if args.vault:
        with open_service(args) as service:
            definition = service.routines.active()
    else:
        definition = load_shipped()
    out(outline(definition, args.outline_lang or language()).rstrip("\n"))
    return EXIT_OK


def cmd_routine_load(args: argparse.Namespace) -> int:
    from vbedesk.routine import RoutineInvalid

    content = read_input(args.file)
    with open_service(args) as service:
        try:
            definition = service.routines.load(content)
        except RoutineInvalid as exc:
            for problem in exc.problems:
                out(f"{problem.step}: {problem.text()}")
            raise
    out(
        _("Loaded routine {id} version {version}; it is now in use.").format(
            id=definition.id, version=definition.version
        )
    )
    return EXIT_OK


def cmd_caselog_list(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        logs = service.case_logs.search(args.text)
    for log in logs:
        out(
            "  ".join(
                [
                    str(log.id),
                    log.started_at.isoformat(sep=" ", timespec="minutes"),
                    f"{log.routine_id} {log.routine_version}",
                    ",".join(sorted(log.outcomes)) or "-",
                    _("incident {id}").format(id=log.incident_id) if log.incident_id else "-",
                ]
            )
        )
    out(_("{n} case logs").format(n=len(logs)))
    return EXIT_OK


def cmd_caselog_show(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        log = service.case_logs.get(args.id)
    out(_("Case log {id}").format(id=log.id))
    out(_("Routine: {id} version {version}").format(id=log.routine_id, version=log.routine_version))
    out(_("Started: {when}").format(when=log.started_at.isoformat(sep=" ")))
    out(_("Ended: {when}").format(when=log.ended_at.isoformat(sep=" ")))
    out(_("Outcomes: {codes}").format(codes=", ".join(sorted(log.outcomes)) or "-"))
    out(_("Incident: {id}").format(id=log.incident_id if log.incident_id else "-"))
    out(_("Answers:"))
    for answer in log.answers:
        chosen = ", ".join(answer.choices) or _("done")
        out(f"  {answer.at.isoformat(sep=' ', timespec='seconds')}  {answer.step}: {chosen}")
    out(_("Notes:"))
    out(log.notes)
    return EXIT_OK


def add_parser(sub: Subcommands) -> None:
    rtn = sub.add_parser("routine", help=_("the concern/incident routine")).add_subparsers(
        dest="routine_command", required=True, parser_class=Parser
    )
    rc = rtn.add_parser("check", help=_("validate a routine file"))
    rc.add_argument("file")
    rc.set_defaults(func=cmd_routine_check)
    rs = rtn.add_parser("show", help=_("print the routine in use as an outline"))
    rs.add_argument("--lang", dest="outline_lang", choices=("sv", "en"), default=None)
    rs.set_defaults(func=cmd_routine_show)
    rld = rtn.add_parser("load", help=_("validate a revised routine and put it in use"))
    rld.add_argument("file")
    rld.set_defaults(func=cmd_routine_load)

    clg = sub.add_parser("caselog", help=_("case logs of calls")).add_subparsers(
        dest="caselog_command", required=True, parser_class=Parser
    )
    cl = clg.add_parser("list", help=_("list case logs, newest first"))
    cl.add_argument("--text", help=_("search the notes and outcomes"))
    cl.set_defaults(func=cmd_caselog_list)
    cs = clg.add_parser("show", help=_("show one case log"))
    cs.add_argument("id", type=int)
    cs.set_defaults(func=cmd_caselog_show)
