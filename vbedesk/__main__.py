"""``python -m vbedesk``: the command line; without a command it opens the window."""

from vbedesk.cli import main

raise SystemExit(main())
