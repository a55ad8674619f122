"""The command line: every capability of the program, headless, over the service layer.

This package is a composition root: it alone (with ``__main__``) may import every layer.
Each module holds one area's commands and its ``add_parser(subcommands)``; ``common``
what they share (output, secrets, ``open_service``, exit codes, error messages). The
storage layer, reportlab and Qt are imported inside the commands, so that ``--version``
and the window start without them. Exit codes: see ``common``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from vbedesk import __version__
from vbedesk.i18n import _, detect_language, set_language

from . import backups, forms, incidents, plans, reference, reports, routines, selftest, text, vault
from .common import Parser, run_command
from .vault import cmd_gui

__all__ = ["build_parser", "cmd_gui", "main"]

#: The areas in the order their commands appear in ``vbedesk --help``.
AREAS = (vault, incidents, plans, reference, reports, routines, forms, selftest, text, backups)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="vbedesk", description=_("VBE Desk: the coordinator's encrypted desk."))
    p.add_argument("--version", action="version", version=f"vbedesk {__version__}")
    p.add_argument("--vault", metavar="DIR", help=_("the vault folder"))
    p.add_argument("--lang", choices=("sv", "en"), help=_("language of messages"))
    p.add_argument("--passphrase-file", metavar="FILE", help=_("read the passphrase from FILE"))
    p.add_argument("--new-passphrase-file", metavar="FILE", help=argparse.SUPPRESS)
    p.add_argument("--backup-passphrase-file", metavar="FILE", help=argparse.SUPPRESS)
    p.add_argument("--recovery-key-file", metavar="FILE", help=argparse.SUPPRESS)
    # Without a command the window opens (``vbedesk`` alone, as a desktop shortcut runs it).
    sub = p.add_subparsers(dest="command", required=False, parser_class=Parser)
    p.set_defaults(func=cmd_gui)
    for area in AREAS:
        area.add_parser(sub)
    return p


def _early_language(argv: Sequence[str]) -> str:
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            return argv[n + 1] if argv[n + 1] in ("sv", "en") else "sv"
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in ("sv", "en") else "sv"
    return detect_language()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_early_language(argv))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return run_command(args)
