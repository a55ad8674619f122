"""Where the program's read-only resources live, from source and inside the bundle.

Every lookup of a file under ``resources/`` goes through ``resource_path`` (or
``resources_dir``): in a checkout that is the ``resources/`` folder beside the package, in
the PyInstaller bundle (``installer/vbedesk.spec``) it is ``sys._MEIPASS/resources``.
``VBEDESK_RESOURCES`` names another folder instead (a revised copy, or a broken one in
the tests of ``vbedesk selftest``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV = "VBEDESK_RESOURCES"


class ResourceMissing(FileNotFoundError):
    """A file the program ships is not there; the message names it (never user data)."""


def is_frozen() -> bool:
    """True inside the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False) and getattr(sys, "_MEIPASS", None))


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, in ``_MEIPASS`` when frozen."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A path inside ``resources/``; raises ``ResourceMissing`` naming it when missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise ResourceMissing(f"resource missing: {'/'.join(parts)}")
    return path
