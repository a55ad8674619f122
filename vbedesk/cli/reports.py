"""Files that leave the encryption: the PDF reports (report) and the spreadsheets (export).

Each is built by ``vbedesk.reports.catalog``, as the program builds it, and written
through the service, which enters it in the disclosure register.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _

from .common import EXIT_OK, Parser, err, open_service, out

if TYPE_CHECKING:
    from vbedesk.reports.catalog import Request
    from vbedesk.storage.service import VaultService

    from .common import Subcommands


def out_path(args: argparse.Namespace) -> Path:
    return Path(args.out).expanduser()


def _write_out(
    service: VaultService, path: Path, data: bytes, kind: str, title: str, args: argparse.Namespace
) -> None:
    """Write ``data`` to the new file ``path`` and register it (the service writes it)."""
    if path.exists():
        raise InputRefused(
            N_("The file {path} already exists; choose another name."), path=str(path)
        )
    if not path.parent.is_dir():
        raise InputRefused(N_("The folder {path} does not exist."), path=str(path.parent))
    err(
        _("Note: {path} leaves the encryption; it is recorded in the disclosure register.").format(
            path=path
        )
    )
    service.disclosures.write(
        path, data, kind, title, recipient=args.recipient or "", purpose=args.purpose or ""
    )
    out(_("Written: {path}").format(path=path))


def write_output(args: argparse.Namespace, request: Request) -> int:
    """Build ``request`` from the vault of ``args`` and write it to ``--out``."""
    from datetime import date

    from vbedesk.reports.catalog import build

    with open_service(args) as service:
        output = build(service, request, created=date.today())
        _write_out(service, out_path(args), output.data, output.file_kind, output.title, args)
    return EXIT_OK


def cmd_report_followup(args: argparse.Namespace) -> int:
    from vbedesk.model import Period
    from vbedesk.reports.catalog import Kind, Request

    period = Period.parse(args.period)
    return write_output(args, Request(Kind.FOLLOWUP, period=period))


def cmd_report_lagesbild(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return write_output(args, Request(Kind.LAGESBILD, year=args.year))


def cmd_report_training(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return write_output(args, Request(Kind.TRAINING))


def cmd_report_incident(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return write_output(args, Request(Kind.INCIDENT, item_id=args.id))


def cmd_report_caselog(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return write_output(args, Request(Kind.CASELOG, item_id=args.id))


def cmd_export_statistics(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return write_output(args, Request(Kind.STATISTICS_XLSX, year=args.year))


def cmd_export_followup(args: argparse.Namespace) -> int:
    """The plan's follow-up for a period as a spreadsheet (``.xlsx``) or CSV (``.csv``)."""
    from vbedesk.model import Period
    from vbedesk.reports.catalog import Kind, Request

    period = Period.parse(args.period)
    as_csv = out_path(args).suffix.lower() == ".csv"
    kind = Kind.FOLLOWUP_CSV if as_csv else Kind.FOLLOWUP_XLSX
    return write_output(args, Request(kind, period=period))


def disclosure_args(q: argparse.ArgumentParser) -> None:
    """``--out`` and what the disclosure register records about the file written."""
    q.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
    q.add_argument("--recipient", help=_("who receives the file (for the register)"))
    q.add_argument("--purpose", help=_("why the file is written (for the register)"))


def add_parser(sub: Subcommands) -> None:
    rep = sub.add_parser("report", help=_("write a PDF report (leaves the encryption)"))
    rsub = rep.add_subparsers(dest="report", required=True, parser_class=Parser)
    rf = rsub.add_parser("followup", help=_("follow-up of the action plan for a period"))
    rf.add_argument("--period", required=True, help=_("e.g. T1 2021, T2 2021, VB 2021"))
    disclosure_args(rf)
    rf.set_defaults(func=cmd_report_followup)
    rl = rsub.add_parser("lagesbild", help=_("situation report for a year, small cells hidden"))
    rl.add_argument("--year", type=int, required=True)
    disclosure_args(rl)
    rl.set_defaults(func=cmd_report_lagesbild)
    rt = rsub.add_parser("training", help=_("training status per unit and course"))
    disclosure_args(rt)
    rt.set_defaults(func=cmd_report_training)
    ri = rsub.add_parser("incident", help=_("one anonymised incident"))
    ri.add_argument("id", type=int)
    disclosure_args(ri)
    ri.set_defaults(func=cmd_report_incident)
    rc = rsub.add_parser("caselog", help=_("one case log of a call"))
    rc.add_argument("id", type=int)
    disclosure_args(rc)
    rc.set_defaults(func=cmd_report_caselog)

    exp = sub.add_parser("export", help=_("export data (leaves the encryption)"))
    esub = exp.add_subparsers(dest="export", required=True, parser_class=Parser)
    es = esub.add_parser("statistics", help=_("the lägesbild tables as a spreadsheet"))
    es.add_argument("--year", type=int, required=True)
    disclosure_args(es)
    es.set_defaults(func=cmd_export_statistics)
    ef = esub.add_parser("followup", help=_("the follow-up of a period as .xlsx (or .csv)"))
    ef.add_argument("--period", required=True, help=_("e.g. T1 2021, T2 2021, VB 2021"))
    disclosure_args(ef)
    ef.set_defaults(func=cmd_export_followup)
