"""The contract of a main-window page (GUI thread).

A page is built with the open vault's service and shows its data. Locking destroys the
main window with every page in it, so no page keeps vault data after a lock; before
that, ``save_draft`` lets a page with unsaved input keep it as an encrypted draft.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from vbedesk.storage.service import VaultService


class Page(QWidget):
    """Base of the pages in the main window's navigation."""

    #: Stable id (used for navigation and in tests); never shown.
    page_id = "page"
    #: Built with the keyring store as well (``cls(service, store=...)``).
    wants_store: ClassVar[bool] = False
    #: Work in another vault (a restored one): its folder. Only the backups page asks.
    open_vault_requested = Signal(object)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service

    def title(self) -> str:
        """The translated name in the navigation: a constant, read without ``self`` (the
        window lists a page before building it)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload what the page shows from the service: when the page is shown, and while
        it is visible after a committed change in one of its areas (``PAGE_AREAS``)."""

    def save_draft(self) -> None:
        """Keep unsaved input as an encrypted draft before a lock (default: nothing)."""


def heading_font(label: QLabel, scale: float = 1.3) -> QLabel:
    """Make ``label`` a heading: bold and ``scale`` times the system font, so it grows
    with a large system font (a size fixed in points would end up smaller than the text)."""
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label
