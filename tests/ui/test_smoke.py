"""The window step of ``vbedesk selftest`` and the application icon, in-process."""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from vbedesk.storage.service import VaultService
from vbedesk.ui.icons import ICON_SIZES, app_icon
from vbedesk.ui.main_window import page_classes
from vbedesk.ui.smoke import broken_pages, open_and_close_main_window


class _NoPdfium(importlib.abc.MetaPathFinder):
    """An installation without PDFium: importing ``pypdfium2`` fails as it would."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "pypdfium2" or fullname.startswith("pypdfium2."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def test_app_icon_has_every_drawn_size(qtbot: QtBot) -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert sizes == set(ICON_SIZES)
    assert icon.pixmap(QSize(32, 32)).width() == 32


def test_window_step_shows_every_page_and_sets_the_icon(
    qtbot: QtBot, service: VaultService, tmp_path: Path
) -> None:
    shown = open_and_close_main_window(service, tmp_path)
    assert shown == len(page_classes())
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert not app.windowIcon().isNull()
    assert (tmp_path / "selftest.ini").is_file()  # settings went to the temp folder
    assert service.vault.is_open  # the caller closes the vault, not the window step


def test_a_page_missing_a_library_is_named_not_hidden(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert broken_pages() == []
    for name in [m for m in sys.modules if m.startswith("pypdfium2")] + [
        "vbedesk.ui.pdf_view",
        "vbedesk.ui.pages.reports",
    ]:
        if name in sys.modules:
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoPdfium(), *sys.meta_path])
    assert broken_pages() == ["reports (pypdfium2)"]
