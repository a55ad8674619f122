"""The main window: navigation, pages, the lock button and the status bar (GUI thread).

A main window lives only while the vault is open: locking destroys it with every page,
so no widget holding data survives a lock. Only its geometry goes to ``QSettings``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui.lock import format_remaining
from vbedesk.ui.page import Page
from vbedesk.ui.pages.overview import OverviewPage
from vbedesk.ui.pages.settings_page import SettingsPage

log = logging.getLogger(__name__)

#: The other pages, in navigation order: (module under ``vbedesk.ui.pages``, class name).
#: Each is included only when its module imports, so the shell runs before they land.
OPTIONAL_PAGES: tuple[tuple[str, str], ...] = (
    ("incidents", "IncidentsPage"),
    ("plan", "PlanPage"),
    ("training", "TrainingPage"),
    ("contacts", "ContactsPage"),
)

LOCK_SHORTCUT = "Ctrl+L"
#: Quick hide: lock at once and minimise the unlock dialog too (someone walks in).
QUICK_HIDE_SHORTCUT = "Ctrl+Shift+L"


def page_classes() -> list[type[Page]]:
    """Overview, the optional pages present in this build, then Settings."""
    classes: list[type[Page]] = [OverviewPage]
    for module_name, class_name in OPTIONAL_PAGES:
        try:
            module = importlib.import_module(f"vbedesk.ui.pages.{module_name}")
        except ImportError as exc:
            log.info("page %s not available (%s)", module_name, type(exc).__name__)
            continue
        cls = getattr(module, class_name, None)
        if isinstance(cls, type) and issubclass(cls, Page):
            classes.append(cls)
        else:
            log.warning("page module %s has no %s", module_name, class_name)
    classes.append(SettingsPage)
    return classes


class MainWindow(QMainWindow):
    """Navigation on the left, the current page on the right."""

    lock_requested = Signal()
    quick_hide_requested = Signal()
    close_requested = Signal()  # the coordinator closed the window: quit the program
    settings_saved = Signal(object)

    def __init__(
        self,
        service: VaultService,
        store: KeyringStore,
        *,
        classes: list[type[Page]] | None = None,
        qsettings: QSettings | None = None,
        page_factory: Callable[[type[Page], VaultService], Page] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.store = store
        self._qsettings = qsettings
        self._closing_for_lock = False
        self.setWindowTitle(_("VBE Desk – {name}").format(name=service.vault.folder.name))
        self.setAccessibleName(_("VBE Desk"))

        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setMinimumWidth(170)
        self.nav.setMaximumWidth(240)
        self.nav.setUniformItemSizes(True)
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        self.stack.setAccessibleName(_("Page"))
        self._pages: list[Page] = []
        for cls in classes if classes is not None else page_classes():
            page = page_factory(cls, service) if page_factory else self._make_page(cls)
            self._add_page(page)
        self.nav.currentRowChanged.connect(self._row_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.nav, self.stack)

        toolbar = QToolBar(_("Tools"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setAccessibleName(_("Tools"))
        self.lock_action = QAction(_("&Lock"), self)
        self.lock_action.setShortcut(QKeySequence(LOCK_SHORTCUT))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.setToolTip(
            _("Lock now ({key}): the vault closes and the passphrase is asked for.").format(
                key=QKeySequence(LOCK_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.lock_action.triggered.connect(self.lock_requested)
        self.hide_action = QAction(_("&Hide at once"), self)
        self.hide_action.setShortcut(QKeySequence(QUICK_HIDE_SHORTCUT))
        self.hide_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.hide_action.setToolTip(
            _("Lock and hide the program at once ({key}).").format(
                key=QKeySequence(QUICK_HIDE_SHORTCUT).toString(
                    QKeySequence.SequenceFormat.NativeText
                )
            )
        )
        self.hide_action.triggered.connect(self.quick_hide_requested)
        toolbar.addAction(self.lock_action)
        toolbar.addAction(self.hide_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        for action in (self.lock_action, self.hide_action):
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", ""))

        self.vault_status = QLabel(_("Vault: {name}").format(name=service.vault.folder.name))
        self.vault_status.setToolTip(str(service.vault.folder))
        self.vault_status.setAccessibleName(_("Vault"))
        self.lock_status = QLabel()
        self.lock_status.setAccessibleName(_("Time until the automatic lock"))
        self.backup_status = QLabel(_("Latest backup: {when}").format(when=_("unknown")))
        self.backup_status.setAccessibleName(_("Latest backup"))
        status = self.statusBar()
        status.addWidget(self.vault_status)
        status.addPermanentWidget(self.backup_status)
        status.addPermanentWidget(self.lock_status)

        self.resize(QSize(1200, 780))
        self._restore_geometry()
        if self._pages:
            self.nav.setCurrentRow(0)

    # -- pages ---------------------------------------------------------------------------
    def _make_page(self, cls: type[Page]) -> Page:
        if cls is SettingsPage:
            page = SettingsPage(self.service, store=self.store)
            page.settings_saved.connect(self.settings_saved)
            return page
        return cls(self.service)

    def _add_page(self, page: Page) -> None:
        self._pages.append(page)
        self.stack.addWidget(page)
        item = QListWidgetItem(page.title())
        item.setData(Qt.ItemDataRole.UserRole, page.page_id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, page.title())
        item.setSizeHint(QSize(0, 34))
        self.nav.addItem(item)

    def pages(self) -> list[Page]:
        return list(self._pages)

    def page_ids(self) -> list[str]:
        return [p.page_id for p in self._pages]

    def page(self, page_id: str) -> Page:
        for page in self._pages:
            if page.page_id == page_id:
                return page
        raise KeyError(page_id)

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def show_page(self, page_id: str) -> Page:
        page = self.page(page_id)
        self.nav.setCurrentRow(self._pages.index(page))
        return page

    def _row_changed(self, row: int) -> None:
        if not 0 <= row < len(self._pages):
            return
        page = self._pages[row]
        self.stack.setCurrentWidget(page)
        try:
            page.refresh()
        except Exception as exc:  # one page's fault must not take the window down
            from vbedesk.ui.messages import show_error

            show_error(self, exc)

    def save_drafts(self) -> None:
        """Ask every page to keep its unsaved input as an encrypted draft."""
        for page in self._pages:
            try:
                page.save_draft()
            except Exception as exc:  # keep locking: a lost draft beats an open vault
                log.error("page %s could not save its draft (%s)", page.page_id, type(exc).__name__)

    # -- status --------------------------------------------------------------------------
    def set_lock_remaining(self, seconds: int) -> None:
        self.lock_status.setText(_("Locks in {time}").format(time=format_remaining(seconds)))

    # -- geometry (the only thing kept in QSettings) -------------------------------------
    def _restore_geometry(self) -> None:
        if self._qsettings is None:
            return
        geometry = self._qsettings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def save_geometry(self) -> None:
        if self._qsettings is not None:
            self._qsettings.setValue("main_window/geometry", self.saveGeometry())

    def dispose(self) -> None:
        """Hide and destroy the window (a lock); emits nothing."""
        self._closing_for_lock = True
        self.save_geometry()
        self.hide()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_for_lock:
            self.save_geometry()
            self.close_requested.emit()
        event.accept()
