"""The fillable form for the units: the blank PDF (form blank), filled-in ones (form import)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vbedesk import guard
from vbedesk.i18n import _

from .common import EXIT_OK, EXIT_REFUSED, Parser, open_service, out
from .reports import disclosure_args, write_output

if TYPE_CHECKING:
    from vbedesk.formimport import FormImportResult

    from .common import Subcommands


def cmd_form_blank(args: argparse.Namespace) -> int:
    """The blank fillable form for the units; recorded as a disclosure like every PDF."""
    from vbedesk.reports.catalog import Kind, Request

    return write_output(args, Request(Kind.BLANK_FORM, form_language=args.form_lang))


def _form_outcome_line(result: FormImportResult) -> tuple[str, bool]:
    """One line per file, and whether it counts as done (imported or skipped)."""
    from vbedesk.formimport import Imported, NeedsReview, Rejected, Skipped

    name = result.filename
    if isinstance(result, Imported):
        return _("{file}: imported as incident {id}").format(file=name, id=result.incident.id), True
    if isinstance(result, Skipped):
        return _("{file}: skipped, already imported").format(file=name), True
    if isinstance(result, NeedsReview):
        places = ", ".join(
            f"{_(guard.kind_label(f.kind))} ({field} {f.line}:{f.column})"
            for field, f in result.findings
            if f.blocking
        )
        return _("{file}: needs review: {findings}").format(file=name, findings=places), False
    if isinstance(result, Rejected):
        return _("{file}: rejected: {reason}").format(file=name, reason=result.text()), False
    raise TypeError(type(result).__name__)  # Ready: the answer of a dry run only


def cmd_form_import(args: argparse.Namespace) -> int:
    """Import filled-in forms, one line per file; exit 3 when any needs review or is rejected."""
    from vbedesk.formimport import Rejected, read_form_file
    from vbedesk.reports.form import read_filled_form

    all_done = True
    with open_service(args) as service:
        for source in args.files:
            path = Path(source).expanduser()
            data = read_form_file(path)
            if data is None:
                result: FormImportResult = Rejected(path.name, "unreadable")
            else:
                result = service.forms.import_form(
                    data,
                    path.name,
                    reader=read_filled_form,
                    accept_findings=args.accept_findings,
                )
            line, done = _form_outcome_line(result)
            all_done = all_done and done
            out(line)
    return EXIT_OK if all_done else EXIT_REFUSED


def add_parser(sub: Subcommands) -> None:
    frm = sub.add_parser("form", help=_("the fillable form for the units")).add_subparsers(
        dest="form_command", required=True, parser_class=Parser
    )
    fb = frm.add_parser("blank", help=_("write the blank fillable form (PDF)"))
    fb.add_argument(
        "--lang", dest="form_lang", choices=("sv", "en"), default="sv", help=_("labels")
    )
    disclosure_args(fb)
    fb.set_defaults(func=cmd_form_blank)
    fi = frm.add_parser("import", help=_("import filled-in forms (PDF), one line per file"))
    fi.add_argument("files", nargs="+", metavar="FILE")
    fi.add_argument("--accept-findings", action="store_true")
    fi.set_defaults(func=cmd_form_import)
