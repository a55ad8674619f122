"""``python -m vbedesk``: the command line (the desktop window arrives with its own issue)."""

from vbedesk.cli import main

raise SystemExit(main())
