"""The self-test of this installation (selftest), on a throwaway vault."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from vbedesk import __version__
from vbedesk.i18n import _

from .common import EXIT_OK, EXIT_UNEXPECTED, display_available, err, out

if TYPE_CHECKING:
    from .common import Subcommands


def cmd_selftest(args: argparse.Namespace) -> int:
    """Check this installation on a throwaway vault (``vbedesk.ui.selftest``); 1 on failure."""
    from vbedesk.ui import selftest

    if not display_available():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the window step needs no screen
    out(_("VBE Desk {version}: self-test").format(version=__version__))
    outcomes = selftest.run(sys.stdout)
    failed = sum(not o.ok for o in outcomes)
    if failed:
        err(_("Self-test failed: {n} of {total} steps.").format(n=failed, total=len(outcomes)))
        return EXIT_UNEXPECTED
    out(_("Self-test passed: all {total} steps.").format(total=len(outcomes)))
    return EXIT_OK


def add_parser(sub: Subcommands) -> None:
    sub.add_parser(
        "selftest", help=_("check this installation on a throwaway vault, step by step")
    ).set_defaults(func=cmd_selftest)
