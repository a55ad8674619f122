"""The main window: navigation, pages, the lock button and the status bar (GUI thread).

A main window lives only while the vault is open: locking destroys it with every page,
so no widget holding data survives a lock. Only its geometry goes to ``QSettings``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, QTimer, Signal
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

from vbedesk.changes import Area, Changes
from vbedesk.i18n import _
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import BackupStatus, VaultService
from vbedesk.ui.changes import ChangeHub
from vbedesk.ui.lock import format_remaining
from vbedesk.ui.messages import warning_colour
from vbedesk.ui.page import Page
from vbedesk.ui.pages.overview import OverviewPage
from vbedesk.ui.pages.settings_page import SettingsPage
from vbedesk.ui.status import backup_age_text

log = logging.getLogger(__name__)

#: How often the status bar's backup age ("today", "3 days ago") is written again from
#: the status it holds (no database read: a new backup arrives as a change event).
BACKUP_AGE_TICK_MS = 10 * 60 * 1000

#: What each page shows, by page id: a committed change in one of these areas makes the
#: page reload itself while it is visible (a hidden page reloads when shown anyway).
PAGE_AREAS: dict[str, frozenset[Area]] = {
    "overview": frozenset(
        {Area.INCIDENTS, Area.PLAN, Area.BACKUPS, Area.DRAFTS, Area.CASE_LOGS, Area.VAULT}
    ),
    "incidents": frozenset({Area.INCIDENTS, Area.CASE_LOGS}),
    "routine": frozenset({Area.ROUTINE, Area.CASE_LOGS, Area.DRAFTS}),
    "plan": frozenset({Area.PLAN}),
    "training": frozenset({Area.TRAINING}),
    "situation": frozenset({Area.INCIDENTS, Area.SITUATION}),
    "contacts": frozenset({Area.CONTACTS}),
    "backups": frozenset({Area.BACKUPS}),
    "retention": frozenset({Area.INCIDENTS}),
}

#: The other pages, in navigation order: (module under ``vbedesk.ui.pages``, class name).
#: Each is included only when its module imports, so the shell runs before they land.
OPTIONAL_PAGES: tuple[tuple[str, str], ...] = (
    ("incidents", "IncidentsPage"),
    ("routine", "RoutinePage"),
    ("plan", "PlanPage"),
    ("training", "TrainingPage"),
    ("situation", "SituationPage"),
    ("reports", "ReportsPage"),
    ("contacts", "ContactsPage"),
    ("backups", "BackupsPage"),
    ("retention", "RetentionPage"),
)

LOCK_SHORTCUT = "Ctrl+L"
#: Quick hide: lock at once and minimise the unlock dialog too (someone walks in).
QUICK_HIDE_SHORTCUT = "Ctrl+Shift+L"
#: A call through the concern/incident routine, from anywhere.
CALL_SHORTCUT = "Ctrl+R"


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
    #: Work in another vault (a restored one): its folder.
    open_vault_requested = Signal(object)

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
        self.setWindowTitle(_("VBE Desk – {name}").format(name=service.folder.name))
        self.setAccessibleName(_("VBE Desk"))

        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setUniformItemSizes(True)
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        self.stack.setAccessibleName(_("Page"))
        # Pages are built when first shown (or asked for): unlocking builds only the first,
        # and a page over a large table costs nothing until it is visited.
        self._classes = list(classes if classes is not None else page_classes())
        self._built: dict[int, Page] = {}
        self._page_factory = page_factory
        for cls in self._classes:
            self._add_entry(cls)
        self.fit_navigation()
        self.nav.currentRowChanged.connect(self._row_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.nav, self.stack)

        self._build_toolbar()
        self._build_status_bar()
        self._backup: BackupStatus | None = None
        self.update_backup_status()
        # The age ("today", "3 days ago") moves on while the window stays open: written
        # again from the status held here. A new backup arrives as a change event.
        self.backup_clock = QTimer(self)
        self.backup_clock.setInterval(BACKUP_AGE_TICK_MS)
        self.backup_clock.timeout.connect(self._show_backup_status)
        self.backup_clock.start()
        self.changes = ChangeHub(service, self)
        self.changes.changed.connect(self._changed)

        self.resize(QSize(1200, 780))
        self._restore_geometry()
        if self._classes:
            self.nav.setCurrentRow(0)

    def _action(self, text: str, shortcut: str, tip: str) -> QAction:
        """A window-wide action whose tooltip names its shortcut as the platform writes it."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(tip.format(key=native))
        return action

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(_("Tools"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setAccessibleName(_("Tools"))
        self.lock_action = self._action(
            _("&Lock"),
            LOCK_SHORTCUT,
            _("Lock now ({key}): the vault closes and the passphrase is asked for."),
        )
        self.lock_action.triggered.connect(self.lock_requested)
        self.hide_action = self._action(
            _("&Hide at once"),
            QUICK_HIDE_SHORTCUT,
            _("Lock and hide the program at once ({key})."),
        )
        self.hide_action.triggered.connect(self.quick_hide_requested)
        self.call_action = self._action(
            _("Call (routine)"),
            CALL_SHORTCUT,
            _("Take a call through the concern/incident routine ({key})."),
        )
        self.call_action.triggered.connect(self.open_call)
        for action in (self.call_action, self.lock_action, self.hide_action):
            toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        for action in (self.call_action, self.lock_action, self.hide_action):
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", ""))

    def _build_status_bar(self) -> None:
        folder = self.service.folder
        self.vault_status = QLabel(_("Vault: {name}").format(name=folder.name))
        self.vault_status.setToolTip(str(folder))
        self.vault_status.setAccessibleName(_("Vault"))
        self.lock_status = QLabel()
        self.lock_status.setAccessibleName(_("Time until the automatic lock"))
        self.backup_status = QLabel(_("Latest backup: {when}").format(when=_("unknown")))
        self.backup_status.setAccessibleName(_("Latest backup"))
        status = self.statusBar()
        status.addWidget(self.vault_status)
        status.addPermanentWidget(self.backup_status)
        status.addPermanentWidget(self.lock_status)

    # -- pages ---------------------------------------------------------------------------
    def _make_page(self, cls: type[Page]) -> Page:
        if cls is SettingsPage:
            page = SettingsPage(self.service, store=self.store)
            page.settings_saved.connect(self.settings_saved)
            return page
        if cls.wants_store:
            return cls(self.service, store=self.store)  # type: ignore[call-arg]
        return cls(self.service)

    #: Bounds of the navigation's width (px): titles are short, the page needs the room.
    NAV_MIN_WIDTH, NAV_MAX_WIDTH = 150, 420

    def fit_navigation(self) -> None:
        """Size the navigation to its longest title in the current font, within bounds,
        so that long Swedish titles are not cut at a large system font."""
        metrics = self.nav.fontMetrics()
        longest = max(
            (metrics.horizontalAdvance(self.nav.item(r).text()) for r in range(self.nav.count())),
            default=0,
        )
        # The item's own margins and the list's spacing, frame and a scroll bar's room.
        extra = 2 * self.nav.frameWidth() + 4 * self.nav.spacing() + 2 * metrics.averageCharWidth()
        extra += self.nav.verticalScrollBar().sizeHint().width()
        width = max(self.NAV_MIN_WIDTH, min(self.NAV_MAX_WIDTH, longest + extra))
        self.nav.setFixedWidth(width)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        fonts = (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange)
        if event.type() in fonts and hasattr(self, "nav"):
            self.fit_navigation()

    def _add_entry(self, cls: type[Page]) -> None:
        title = cls.title(cast(Page, None))  # a constant: read before the page is built
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, cls.page_id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
        item.setSizeHint(QSize(0, 34))
        self.nav.addItem(item)

    def _build(self, row: int) -> Page:
        """The page of navigation ``row``, built on first use."""
        page = self._built.get(row)
        if page is None:
            cls = self._classes[row]
            factory = self._page_factory
            page = factory(cls, self.service) if factory else self._make_page(cls)
            page.open_vault_requested.connect(self.open_vault_requested)
            self.stack.addWidget(page)
            self._built[row] = page
        return page

    def pages(self) -> list[Page]:
        """Every page, in navigation order (building those not shown yet)."""
        return [self._build(row) for row in range(len(self._classes))]

    def built_pages(self) -> list[Page]:
        """The pages built so far (shown or asked for), in navigation order."""
        return [self._built[row] for row in sorted(self._built)]

    def page_ids(self) -> list[str]:
        return [cls.page_id for cls in self._classes]

    def page(self, page_id: str) -> Page:
        for row, cls in enumerate(self._classes):
            if cls.page_id == page_id:
                return self._build(row)
        raise KeyError(page_id)

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def show_page(self, page_id: str) -> Page:
        page = self.page(page_id)
        self.nav.setCurrentRow(self.page_ids().index(page_id))
        return page

    def _row_changed(self, row: int) -> None:
        if not 0 <= row < len(self._classes):
            return
        try:
            page = self._build(row)
            self.stack.setCurrentWidget(page)
            page.refresh()
        except Exception as exc:  # one page's fault must not take the window down
            from vbedesk.ui.messages import show_error

            show_error(self, exc)

    def open_call(self) -> object:
        """The call window: the open one, else a half-done call offered, else a new call."""
        from vbedesk.ui.dialogs.wizard import open_call

        return open_call(self.service, self)

    def save_drafts(self) -> None:
        """Ask every page to keep its unsaved input as an encrypted draft."""
        for page in self.built_pages():  # a page never built holds no input
            try:
                page.save_draft()
            except Exception as exc:  # keep locking: a lost draft beats an open vault
                log.error("page %s could not save its draft (%s)", page.page_id, type(exc).__name__)

    # -- status --------------------------------------------------------------------------
    def _changed(self, changes: Changes) -> None:
        """A committed use case: the status bar and the visible pages that show it reload."""
        if not self.service.is_open:
            return  # locked: the window is on its way out
        if changes.touches(Area.BACKUPS):
            self.update_backup_status()
        for page in self.built_pages():
            if page.isVisible() and changes.touches(*PAGE_AREAS.get(page.page_id, ())):
                try:
                    page.refresh()
                except Exception as exc:  # one page's fault must not take the window down
                    log.warning("page %s did not refresh (%s)", page.page_id, type(exc).__name__)

    def update_backup_status(self) -> None:
        """Read when the last backup was written (at start and after a backup)."""
        if not self.service.is_open:
            return  # locked: the window is on its way out
        try:
            self._backup = self.service.backups.status()
        except Exception as exc:  # the status bar must never take the window down
            log.warning("backup status unavailable (%s)", type(exc).__name__)
            return
        self._show_backup_status()

    def _show_backup_status(self) -> None:
        """The time since the last backup (a warning when there is none or it is old), and
        a note when the automatic backup was skipped at the last close."""
        status = self._backup
        if status is None:
            return
        text, warn = backup_age_text(status.last, datetime.now(UTC))
        if status.skipped is not None:
            text += " – " + _("the automatic backup was skipped at the last close")
            warn = True
        self.backup_status.setText(text)
        warning = f"color: {warning_colour()}; font-weight: bold;"
        self.backup_status.setStyleSheet(warning if warn else "")
        self.backup_status.setToolTip(_("Make a backup on the Backups page.") if warn else "")

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
        self.changes.dispose()
        self._closing_for_lock = True
        self.save_geometry()
        self.hide()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_for_lock:
            self.save_geometry()
            self.close_requested.emit()
        event.accept()
