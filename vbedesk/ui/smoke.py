"""The window step of ``vbedesk selftest``: open the main window, show each page, close it.

It runs on a throwaway vault (``vbedesk.ui.selftest``) with no keyring (the ``fail`` backend,
so the user's keyring is never read or written) and settings in a file in the temporary
folder. The caller sets ``QT_QPA_PLATFORM=offscreen`` where there is no display.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from keyring.backends import fail
from PySide6.QtCore import (
    QLibraryInfo,
    QMessageLogContext,
    QSettings,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from vbedesk.errors import VbedeskError
from vbedesk.i18n import N_
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui.app import keep_none_alive
from vbedesk.ui.icons import app_icon
from vbedesk.ui.main_window import OPTIONAL_PAGES, MainWindow
from vbedesk.ui.tasks import wait_for_tasks


def broken_pages() -> list[str]:
    """Pages in ``OPTIONAL_PAGES`` whose module exists but cannot be imported.

    The main window leaves out a page whose module is absent (a build without it), so a
    page that fails for another reason, say a library missing from the bundle, would
    vanish without a word; the self-test names it instead.
    """
    broken = []
    for module_name, _class_name in OPTIONAL_PAGES:
        full = f"vbedesk.ui.pages.{module_name}"
        try:
            importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name != full:
                broken.append(f"{module_name} ({exc.name})")
        except ImportError:
            broken.append(module_name)
    return broken


#: Qt's offscreen platform says this for every window it shows; it means nothing here.
_OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def _quiet_offscreen(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message != _OFFSCREEN_NOISE:
        print(message, file=sys.stderr)


def open_and_close_main_window(service: VaultService, folder: Path) -> int:
    """Show the main window with every page once, then destroy it; returns the page count."""
    keep_none_alive()
    broken = broken_pages()
    if broken:
        raise VbedeskError(N_("Pages that cannot load: {pages}."), pages=", ".join(broken))
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "vbedesk"])
    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    qt_strings = QTranslator()
    folder_qt = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not qt_strings.load("qtbase_sv", folder_qt):  # Qt's own Swedish (buttons, dialogs)
        raise VbedeskError(N_("Qt's Swedish translation (qtbase_sv.qm) is missing."))
    qsettings = QSettings(str(folder / "selftest.ini"), QSettings.Format.IniFormat)
    previous = qInstallMessageHandler(_quiet_offscreen)
    window = MainWindow(service, KeyringStore(fail.Keyring()), qsettings=qsettings)
    try:
        window.show()
        app.processEvents()
        for page_id in window.page_ids():
            window.show_page(page_id)
            app.processEvents()
        if not window.isVisible() or window.windowIcon().isNull():
            raise VbedeskError(N_("The main window did not show."))
        return len(window.page_ids())
    finally:
        wait_for_tasks(10_000)  # a page's background job ends before the vault closes
        app.processEvents()
        window.dispose()
        app.processEvents()
        qInstallMessageHandler(previous)
