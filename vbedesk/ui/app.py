"""The desktop program: QApplication, first run or unlock, main window, locking (GUI thread).

``AppController`` owns the open vault for the window's lifetime; locking saves drafts,
destroys the main window, closes the vault, clears a clipboard the program filled, and
shows the unlock dialog again. ``main`` is what ``vbedesk gui`` runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from vbedesk.i18n import LANGUAGES, _, detect_language
from vbedesk.settings import Settings
from vbedesk.storage import access
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.secrets import KeyringStore
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.icons import app_icon
from vbedesk.ui.lock import IdleLock, LockKeys
from vbedesk.ui.messages import delete_when_finished, show_error

if TYPE_CHECKING:  # imported when needed: the unlock dialog shows before they load
    from vbedesk.storage.service import VaultService
    from vbedesk.ui.main_window import MainWindow
    from vbedesk.ui.page import Page
from vbedesk.ui import tasks
from vbedesk.ui.tasks import run_task

log = logging.getLogger(__name__)

ORGANIZATION = "VBE Desk"
APPLICATION = "VBE Desk"
LANGUAGE_KEY = "ui/language"


def keep_none_alive() -> None:
    """Work around PySide6 6.12 (abi3 wheels) on Python 3.11: it releases a reference to
    ``None`` it never took on every call of a method returning nothing (and on every
    ``QTranslator.translate`` with no disambiguation), so after a few thousand calls
    Python 3.11 aborts with "none_dealloc: deallocating None". From 3.12 ``None`` is
    immortal (PEP 683) and this does nothing; on 3.11 it gives ``None`` a reference count
    no program can use up, which is what 3.12 does. Call once, before Qt work starts.
    """
    if sys.version_info >= (3, 12):
        return
    import ctypes

    # PySide6 6.12.0 also drops a reference to ``True`` on every signal emit (hence the
    # pin below 6.12 in pyproject.toml); the same guard covers the booleans in case that
    # version is installed anyway.
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt: first field
        if refcount.value < 1 << 40:
            refcount.value += 1 << 40


def alive(obj: QObject | None) -> bool:
    """Whether ``obj`` exists and its C++ object was not deleted (PySide6 has no QPointer)."""
    return obj is not None and shiboken6.isValid(obj)


class AppController(QObject):
    """The program's life cycle around one vault folder."""

    #: The main window was shown (after first run, unlock or the remembered key).
    window_shown = Signal(object)
    #: The vault was locked; the unlock dialog is showing.
    locked = Signal()
    #: The coordinator quit (closed the window or the unlock dialog).
    finished = Signal()

    def __init__(
        self,
        folder: Path,
        store: KeyringStore,
        *,
        qsettings: QSettings | None = None,
        kdf: KdfParams | None = None,
        clock: Callable[[], float] = time.time,
        hint: str = "",
        classes: list[type[Page]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.classes = classes
        self.folder = folder
        self.store = store
        self.qsettings = qsettings
        self.kdf = kdf
        self.clock = clock
        self.hint = hint
        self.service: VaultService | None = None
        self._window: MainWindow | None = None
        self._dialog: QDialog | None = None
        self.idle: IdleLock | None = None
        self.keys: LockKeys | None = None
        self._clipboard_ours = False
        clipboard = QGuiApplication.clipboard()
        clipboard.dataChanged.connect(self._clipboard_changed)

    # -- state ---------------------------------------------------------------------------
    @property
    def window(self) -> MainWindow | None:
        """The main window while the vault is open (``None`` once destroyed)."""
        return self._window if alive(self._window) else None

    @property
    def dialog(self) -> QDialog | None:
        """The first-run or unlock dialog while it exists."""
        return self._dialog if alive(self._dialog) else None

    # -- start ---------------------------------------------------------------------------
    def start(self) -> None:
        """First run when there is no vault; else the remembered key, else the unlock dialog."""
        if not access.vault_exists(self.folder):
            self.show_first_run()
            return
        try:
            service = access.open_remembered(self.folder, self.store)
        except Exception as exc:  # in use, damaged …: the dialog says it when tried again
            log.info("remembered key not used (%s)", type(exc).__name__)
            service = None
        if service is not None:
            self._open_window(service)
        else:
            self.show_unlock()

    def show_first_run(self) -> None:
        from vbedesk.ui.dialogs.first_run import FirstRunDialog

        dialog = FirstRunDialog(self.folder, kdf=self.kdf)
        delete_when_finished(dialog)
        dialog.created.connect(self._first_run_done)
        dialog.rejected.connect(self._quit)
        self._dialog = dialog
        dialog.show()

    def _first_run_done(self, service: VaultService) -> None:
        self.folder = service.folder
        self._open_window(service)

    def show_unlock(self, *, minimized: bool = False) -> UnlockDialog:
        dialog = UnlockDialog(self.folder, self.store, hint=self.hint, kdf=self.kdf)
        delete_when_finished(dialog)
        dialog.unlocked.connect(self._open_window)
        dialog.rejected.connect(self._quit)
        self._dialog = dialog
        if minimized:
            dialog.showMinimized()
        else:
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
        return dialog

    def _open_window(self, service: VaultService) -> None:
        from vbedesk.ui.main_window import LOCK_SHORTCUT, QUICK_HIDE_SHORTCUT, MainWindow

        self.service = service
        self._mirror_language(service.settings())
        window = MainWindow(service, self.store, classes=self.classes, qsettings=self.qsettings)
        window.lock_requested.connect(self.lock)
        window.quick_hide_requested.connect(self.quick_hide)
        window.close_requested.connect(self._window_closed)
        window.settings_saved.connect(self._settings_saved)
        window.open_vault_requested.connect(self.switch_vault)
        self._window = window
        minutes = service.settings().autolock_minutes
        self.idle = IdleLock(minutes, clock=self.clock, parent=self)
        self.idle.remaining_changed.connect(window.set_lock_remaining)
        self.idle.lock_requested.connect(self._auto_lock)
        self.keys = LockKeys(LOCK_SHORTCUT, QUICK_HIDE_SHORTCUT, parent=self)
        self.keys.lock_pressed.connect(self.lock)
        self.keys.hide_pressed.connect(self.quick_hide)
        window.show()
        self.idle.start()
        self.window_shown.emit(window)

    def _settings_saved(self, settings: Settings) -> None:
        if self.idle is not None:
            self.idle.set_minutes(settings.autolock_minutes)
        self._mirror_language(settings)

    def _mirror_language(self, settings: Settings) -> None:
        # The language is needed before the vault is open, so it is mirrored outside it.
        if self.qsettings is not None:
            self.qsettings.setValue(LANGUAGE_KEY, settings.language)

    # -- locking -------------------------------------------------------------------------
    def _auto_lock(self, reason: str) -> None:
        log.info("automatic lock (%s)", reason)
        self.lock()

    def quick_hide(self) -> None:
        self.lock(minimized=True)

    def lock(self, *, minimized: bool = False) -> None:
        """Lock now: never waits on a dialog, leaves no widget with data behind."""
        if self.service is None:
            return
        self._close_vault()
        self.show_unlock(minimized=minimized)
        self.locked.emit()

    def switch_vault(self, folder: Path) -> None:
        """Lock this vault and ask for the passphrase of ``folder`` (a restored vault).

        The program then works in that folder until it ends; the next start opens the
        default folder (or ``--vault``) again.
        """
        if self.service is None or not access.vault_exists(Path(folder)):
            return
        self._close_vault()
        self.folder = Path(folder)
        self.hint = ""  # a demo vault's passphrase hint belongs to the demo folder only
        self.show_unlock()
        self.locked.emit()

    def _close_vault(self) -> None:
        """Lock now, on the GUI thread, without waiting for anything.

        A running job is told to stop (its statement is interrupted, a queued one does not
        start); the open forms are kept as drafts; the vault closes at once, or, while the
        job's statement is still unwinding, on the worker thread when its connection goes
        back (``Vault.close``). Nothing here waits with a timeout.
        """
        self._close_open_dialogs()
        if self.idle is not None:
            self.idle.stop()
            self.idle.deleteLater()
            self.idle = None
        if self.keys is not None:
            self.keys.stop()
            self.keys.deleteLater()
            self.keys = None
        service, self.service = self.service, None
        if service is not None and tasks.cancel_all():
            service.interrupt()  # a long write rolls back now: the drafts need not wait
        window = self.window
        if window is not None:
            if service is not None and service.is_open:
                window.save_drafts()
            window.dispose()
        self._window = None
        if service is not None:
            service.close()
        self._clear_clipboard()

    def _close_open_dialogs(self) -> None:
        """Close every dialog and message box first: a lock never waits on one."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        for _round in range(5):  # a modal dialog may sit on another one
            modal = app.activeModalWidget()
            if modal is None:
                break
            self._close_widget(modal)
        for widget in app.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                self._close_widget(widget)

    @staticmethod
    def _close_widget(widget: QWidget) -> None:
        if isinstance(widget, QDialog):
            widget.reject()
            if widget.isVisible():  # a dialog that refuses to reject still goes
                widget.hide()
        else:
            widget.close()

    # -- clipboard -----------------------------------------------------------------------
    def _clipboard_changed(self) -> None:
        clipboard = QGuiApplication.clipboard()
        self._clipboard_ours = clipboard.ownsClipboard() or (
            self.window is not None and QApplication.focusWidget() is not None
        )

    def _clear_clipboard(self) -> None:
        if self._clipboard_ours:
            QGuiApplication.clipboard().clear(QClipboard.Mode.Clipboard)
            self._clipboard_ours = False

    # -- quitting ------------------------------------------------------------------------
    def _window_closed(self) -> None:
        if self._start_auto_backup():
            return  # the vault closes when the backup is written, fails or is skipped
        self._close_vault()
        self.finished.emit()

    # -- the automatic backup on close ---------------------------------------------------
    def _start_auto_backup(self) -> bool:
        """Begin the automatic backup when it is on; False when there is none to make.

        The backup passphrase comes from the keyring when it is remembered there (secure
        backends only); otherwise it is asked for, and the coordinator may skip the
        backup: the status bar says so at the next start.
        """
        service = self.service
        if service is None or not service.is_open:
            return False
        try:
            if not service.settings().auto_backup:
                return False
        except Exception as exc:  # closing must not fail on the setting
            log.warning("automatic backup setting unreadable (%s)", type(exc).__name__)
            return False
        if self.idle is not None:
            self.idle.timer.stop()  # the backup is not interrupted by the idle lock
        passphrase = self.store.get_backup_passphrase(service.vault_id)
        if passphrase:
            self._auto_backup(passphrase)
            return True

        from vbedesk.ui.dialogs.backup_dialogs import AskPassphraseDialog

        dialog = AskPassphraseDialog(
            None,
            title=_("Automatic backup"),
            text=_(
                "The program makes its automatic backup before it closes. Type the backup "
                "passphrase, or skip the backup this time."
            ),
            ok_text=_("&Make the backup"),
            cancel_text=_("&Skip"),
        )
        delete_when_finished(dialog)
        dialog.entered.connect(self._auto_backup)
        dialog.rejected.connect(self._auto_backup_skipped)
        self._dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return True

    def _auto_backup(self, passphrase: str) -> None:
        service = self.service
        if service is None:
            self.finished.emit()
            return
        run_task(
            lambda: service.backups.create_automatic(passphrase),
            lambda _path: self._finish_close(),
            self._auto_backup_failed,
            None,
            progress_text=_("Making the automatic backup…"),
        )

    def _auto_backup_failed(self, exc: BaseException) -> None:
        log.warning("automatic backup failed (%s)", type(exc).__name__)
        self._auto_backup_skipped()

    def _auto_backup_skipped(self) -> None:
        service = self.service
        if service is not None and service.is_open:
            try:
                service.backups.record_skipped()
            except Exception as exc:
                log.warning("could not record the skipped backup (%s)", type(exc).__name__)
        self._finish_close()

    def _finish_close(self) -> None:
        if self.service is not None:
            self._close_vault()
        self.finished.emit()

    def _quit(self) -> None:
        if self.service is not None:
            self._close_vault()
        self.finished.emit()

    def shutdown(self) -> None:
        """Close everything (at program exit)."""
        if self.service is not None:
            self._close_vault()
        dialog = self.dialog
        if dialog is not None:
            abandon = getattr(dialog, "abandon", None)  # the first-run dialog's clean-up
            if callable(abandon):
                abandon()
            dialog.hide()
            dialog.deleteLater()


class _FirstPaint(QObject):
    """Calls ``then`` once, just after ``widget`` has painted for the first time."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then: Callable[[], object] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            QTimer.singleShot(0, then)  # after this paint has finished
        return False


def _after_first_paint(widget: QWidget, then: Callable[[], object]) -> None:
    _FirstPaint(widget, then)


def preload_window_modules() -> threading.Thread:
    """Import the main window, its pages and the storage layer on a worker thread while
    the unlock or first-run dialog waits for typing, so that the dialog appears without
    waiting for them and unlocking does not pay for them (docs/performance.md). Imports
    only: no Qt object is made there. A module the GUI thread needs sooner is simply
    imported there, the import lock making it wait for this thread's half."""

    def work() -> None:
        try:
            from vbedesk.ui.main_window import page_classes

            access.preload()  # alembic, SQLAlchemy and the services
            page_classes()
        except Exception as exc:  # the GUI thread imports it again and reports it
            log.info("preloading failed (%s)", type(exc).__name__)

    thread = threading.Thread(target=work, name="vbedesk-preload", daemon=True)
    thread.start()
    return thread


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vbedesk gui", description=_("VBE Desk: the window."))
    parser.add_argument("--vault", metavar="DIR", help=_("the vault folder"))
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of the program"))
    parser.add_argument("--hint", default="", help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args(list(argv))
    return args


def run(
    folder: Path,
    *,
    language: str | None = None,
    hint: str = "",
    argv: Sequence[str] | None = None,
) -> int:
    """Create the QApplication, start the first-run or unlock flow, run until quit."""
    from vbedesk.ui.qt_i18n import install_translators

    keep_none_alive()
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # a lock hides every window for a moment
    qsettings = QSettings()
    stored = qsettings.value(LANGUAGE_KEY)
    chosen = language or (stored if stored in LANGUAGES else None) or detect_language()
    translators = install_translators(app, str(chosen))
    app.setApplicationDisplayName(_("VBE Desk"))
    app.setWindowIcon(app_icon())  # every window and dialog, and the taskbar
    app.setDesktopFileName("vbedesk")  # matches installer/linux/vbedesk.desktop
    controller = AppController(folder, KeyringStore(), qsettings=qsettings, hint=hint)
    controller.finished.connect(app.quit)
    try:
        controller.start()
        if controller.dialog is not None:  # a dialog waits: load the rest once it is painted
            _after_first_paint(controller.dialog, preload_window_modules)
        code = app.exec()
    except Exception as exc:
        show_error(None, exc)
        code = 1
    finally:
        controller.shutdown()
        del translators
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``vbedesk gui [--vault DIR] [--lang sv|en]``."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    folder = Path(args.vault).expanduser() if args.vault else access.default_folder()
    return run(folder, language=args.lang, hint=args.hint)
