"""The application icon (GUI thread): every PNG size from ``resources/icons``."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from vbedesk.paths import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """VBE Desk's icon in every size drawn by ``scripts/make_icons.py``."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource_path("icons", f"vbedesk-{size}.png")))
    return icon
