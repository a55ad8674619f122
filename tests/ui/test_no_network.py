"""No network: opening every page and the main dialogs makes no connection attempt.

The whole suite already runs with pytest-socket's ``--disable-socket`` (pyproject's
addopts), which raises on a new internet socket; an exception may be swallowed by the code
under test, so here every attempt is also *recorded* at the Python level (socket creation,
connect, connect_ex, create_connection, name lookups) and the test asserts an empty list.
Qt's own networking (C++) is checked by looking for a ``QNetworkAccessManager`` anywhere in
the object trees, and the package's sources are checked for network imports.
"""

from __future__ import annotations

import ast
import contextlib
import shlex
import socket
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_socket
from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt
from PySide6.QtNetwork import QNetworkAccessManager
from PySide6.QtWidgets import QApplication, QDialog, QLabel
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, REPO, DemoVault, fast_kdf
from tests.ui.conftest import page_shown
from vbedesk.storage.secrets import KeyringStore
from vbedesk.ui.app import AppController
from vbedesk.ui.dialogs.backup_dialogs import AskPassphraseDialog, NewBackupDialog, RestoreDialog
from vbedesk.ui.dialogs.incident_form import IncidentFormDialog
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.dialogs.wizard import CallWizardDialog
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.pages.backups import BackupsPage
from vbedesk.ui.pages.incidents import IncidentsPage
from vbedesk.ui.pages.reports import ReportsPage

BACKUP_PASS = "a long backup sentence for the safe"

#: Modules whose import in the program would mean it can talk to a network.
NETWORK_MODULES = (
    "socket",
    "ssl",
    "http",
    "urllib.request",
    "ftplib",
    "smtplib",
    "xmlrpc",
    "requests",
    "httpx",
    "aiohttp",
    "PySide6.QtNetwork",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
)


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Every network attempt made at the Python level while the test runs."""
    seen: list[tuple[str, str]] = []
    real = pytest_socket._true_socket  # the class every socket (guarded or not) derives from
    current = socket.socket

    def refuse(name: str, detail: object) -> OSError:
        seen.append((name, repr(detail)[:200]))
        return OSError(f"network attempt recorded by the test: {name}")

    class RecordingSocket(current):  # type: ignore[misc, valid-type]
        def __new__(cls, family: Any = -1, *args: Any, **kwargs: Any) -> Any:
            if family != socket.AF_UNIX:
                raise refuse("socket", family)
            return super().__new__(cls, family, *args, **kwargs)

    def connect(self: socket.socket, address: object) -> None:
        raise refuse("connect", address)

    def connect_ex(self: socket.socket, address: object) -> int:
        refuse("connect_ex", address)
        return 111  # ECONNREFUSED

    def lookup(name: str) -> Any:
        def fake(*args: Any, **_kwargs: Any) -> Any:
            raise refuse(name, args[:2])

        return fake

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    monkeypatch.setattr(real, "connect", connect)
    monkeypatch.setattr(real, "connect_ex", connect_ex)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, lookup(name))
    yield seen


def test_the_recorder_sees_what_it_should(attempts: list[tuple[str, str]]) -> None:
    """The recorder itself: an attempt that is swallowed is still in the list."""
    with contextlib.suppress(OSError):  # what careless code does
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
    with contextlib.suppress(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert [name for name, _detail in attempts] == ["create_connection", "socket"]


def _network_managers() -> list[QObject]:
    """Every QNetworkAccessManager in the application's and the widgets' object trees."""
    app = QCoreApplication.instance()
    assert app is not None
    found: list[QObject] = list(app.findChildren(QNetworkAccessManager))
    for widget in QApplication.allWidgets():
        found += widget.findChildren(QNetworkAccessManager)
    return found


def _close(dialog: QDialog) -> None:
    dialog.reject()
    QCoreApplication.processEvents()


@pytest.mark.slow
def test_every_page_and_the_main_dialogs_make_no_connection_attempt(
    qtbot: QtBot,
    demo_vault: DemoVault,
    memory_store: KeyringStore,
    qsettings: QSettings,
    tmp_path: Path,
    attempts: list[tuple[str, str]],
) -> None:
    controller = AppController(demo_vault.folder, memory_store, qsettings=qsettings, kdf=fast_kdf())
    try:
        controller.start()
        dialog = controller.dialog
        assert isinstance(dialog, UnlockDialog)
        dialog.passphrase_edit.setText(PASSPHRASE)
        with qtbot.waitSignal(controller.window_shown, timeout=10_000) as shown:
            dialog.unlock_button.click()
        window = shown.args[0]
        assert isinstance(window, MainWindow)
        qtbot.waitExposed(window)

        # Every page, as the navigation shows it.
        visited = []
        for row in range(window.nav.count()):
            window.nav.setCurrentRow(row)
            qtbot.waitUntil(page_shown(window, window.page_ids()[row]))
            page = window.current_page()
            assert page is not None
            visited.append(page.page_id)
            # A page may offer a draft in a message box: answer it "not now".
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QDialog) and widget.isVisible():
                    _close(widget)
        assert visited == window.page_ids() and len(visited) >= 10
        # No label opens a web link by itself (a click would start a browser).
        linking = [
            label.text()[:60]
            for label in window.findChildren(QLabel)
            if label.openExternalLinks() and "://" in label.text()
        ]
        assert linking == []

        # The incident form.
        incidents = window.show_page("incidents")
        assert isinstance(incidents, IncidentsPage)
        form = incidents.new_incident()
        assert isinstance(form, IncidentFormDialog)
        qtbot.waitExposed(form)
        form.cancel()

        # The call wizard (Ctrl+R), one step on.
        window.activateWindow()
        wizard = window.open_call()
        assert isinstance(wizard, CallWizardDialog)
        qtbot.waitExposed(wizard)
        assert wizard.go_on()
        _close(wizard)

        # A report built and previewed.
        reports = window.show_page("reports")
        assert isinstance(reports, ReportsPage)
        with qtbot.waitSignal(reports.preview_ready, timeout=60_000) as ready:
            assert reports.generate() is not None
        assert ready.args[0] >= 1 and reports.view.preview.page_count() >= 1

        # The backup dialogs: make a backup, verify it, and open the restore dialog.
        backups = window.show_page("backups")
        assert isinstance(backups, BackupsPage)
        backups.set_folder(str(tmp_path / "backups"))
        new = backups.create_backup()
        assert isinstance(new, NewBackupDialog)
        new.fields.first.setText(BACKUP_PASS)
        new.fields.second.setText(BACKUP_PASS)
        with qtbot.waitSignal(backups.backup_written, timeout=60_000):
            new.ok_button.click()
        chosen = backups.selected()
        assert chosen is not None and chosen.path.exists()
        ask = backups.verify_file(chosen.path)
        assert isinstance(ask, AskPassphraseDialog)
        ask.edit.setText(BACKUP_PASS)
        with qtbot.waitSignal(backups.message_shown, timeout=60_000) as verified:
            ask.ok_button.click()
        assert "intact" in verified.args[0]
        restore = backups.restore_file(chosen.path)
        assert isinstance(restore, RestoreDialog)
        qtbot.waitExposed(restore)
        _close(restore)

        assert _network_managers() == []
        with qtbot.waitSignal(controller.locked, timeout=5000):
            qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    finally:
        controller.shutdown()
        QCoreApplication.sendPostedEvents(None, 0)
    assert attempts == []
    assert "PySide6.QtNetwork" not in _program_imports()


def _program_imports() -> set[str]:
    """Every module the package's sources import (static, from the syntax tree)."""
    names: set[str] = set()
    for path in (REPO / "vbedesk").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
    return names


def test_the_program_imports_no_network_module() -> None:
    imported = _program_imports()
    assert "vbedesk.ui.app" in imported or "vbedesk.storage.vault" in imported  # it read them
    bad = sorted(
        name
        for name in imported
        for banned in NETWORK_MODULES
        if name == banned or name.startswith(banned + ".")
    )
    assert bad == []
    # Nor did the session load one behind the program's back (the test imports QtNetwork
    # itself to look for managers; a plain socket import is Python's own).
    assert "requests" not in sys.modules and "httpx" not in sys.modules


def test_the_suite_runs_with_sockets_disabled(pytestconfig: pytest.Config) -> None:
    with (REPO / "pyproject.toml").open("rb") as handle:
        options = tomllib.load(handle)["tool"]["pytest"]["ini_options"]
    addopts = shlex.split(options["addopts"])
    assert "--disable-socket" in addopts
    assert not [a for a in addopts if a.startswith(("--allow-hosts", "--force-enable-socket"))]
    assert pytestconfig.getoption("disable_socket") is True
    assert pytestconfig.getoption("force_enable_socket") is False
    # The test command of run.py (the README's and CI's) does not override the options.
    runner = (REPO / "run.py").read_text(encoding="utf-8")
    assert "addopts" not in runner and "enable-socket" not in runner
    # And in force now: a new internet socket is refused.
    with (
        pytest.warns(UserWarning, match="socket"),
        pytest.raises(pytest_socket.SocketBlockedError),
    ):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
