"""Looking for personal identifiers in a text (scan-text), with no vault."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vbedesk import guard
from vbedesk.i18n import _

from .common import EXIT_OK, EXIT_REFUSED, err, out, read_input

if TYPE_CHECKING:
    from .common import Subcommands


def cmd_scan_text(args: argparse.Namespace) -> int:
    """One line per finding (line:column, kind, level), never the text found; 3 if any."""
    text = read_input(args.file)
    findings = guard.scan(text)
    for f in findings:
        level = _("blocks") if f.blocking else _("warning")
        out(f"{f.line}:{f.column}\t{_(guard.kind_label(f.kind))}\t{level}")
    if findings:
        err(_("{n} possible identifiers found.").format(n=len(findings)))
        return EXIT_REFUSED
    out(_("No identifiers found."))
    return EXIT_OK


def add_parser(sub: Subcommands) -> None:
    scan = sub.add_parser("scan-text", help=_("look for personal identifiers in a text"))
    scan.add_argument("file", nargs="?", default="-")
    scan.set_defaults(func=cmd_scan_text)
