"""Fixtures for widget tests: real vaults in tmp_path with a fast KDF, an in-memory keyring.

Every test that uses ``qtbot`` is marked ``gui`` here, so ``pytest -m "not gui"`` runs
the core alone. Nothing boots the whole program automatically: each test builds what it
needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import PASSPHRASE, DemoVault, fast_kdf
from tests.test_secrets import MemoryKeyring
from vbedesk.storage.bootstrap import create_vault
from vbedesk.storage.secrets import KeyringStore, backend_name
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.app import keep_none_alive

if TYPE_CHECKING:
    from vbedesk.ui.main_window import MainWindow

keep_none_alive()  # PySide6 6.12 on Python 3.11: see its docstring


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


def page_shown(window: MainWindow, page_id: str) -> Callable[[], bool]:
    """A condition for ``qtbot.waitUntil``: the page ``page_id`` is current and visible."""

    def shown() -> bool:
        page = window.current_page()
        return page is not None and page.page_id == page_id and page.isVisible()

    return shown


@dataclass
class UiVault:
    folder: Path
    passphrase: str
    recovery_key: str


@pytest.fixture
def ui_vault(tmp_path: Path) -> UiVault:
    """A new (empty) vault on disk, closed, made with the fast test KDF."""
    folder = tmp_path / "vault"
    service, recovery = create_vault(folder, PASSPHRASE, kdf=fast_kdf())
    service.vault.close()
    return UiVault(folder, PASSPHRASE, recovery)


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    """The demo vault, open; closed after the test unless the test closed (or locked) it."""
    vault = Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    yield VaultService(vault)
    if vault.is_open:
        vault.close()


@pytest.fixture
def memory_store() -> KeyringStore:
    """A 'secure' keyring that lives in memory (the allow list names its class)."""
    backend = MemoryKeyring()
    return KeyringStore(backend, allowed=frozenset({backend_name(backend)}))


@pytest.fixture
def no_keyring() -> KeyringStore:
    """A computer without a secure keyring."""
    from keyring.backends import fail

    return KeyringStore(fail.Keyring())


@pytest.fixture
def qsettings(tmp_path: Path) -> Iterator[QSettings]:
    """QSettings in a file under tmp_path, never the user's own."""
    settings = QSettings(str(tmp_path / "vbedesk.ini"), QSettings.Format.IniFormat)
    yield settings
    settings.sync()


class FakeClock:
    """A wall clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


#: When a call of the wizard tests starts.
T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
#: A made-up number of Socialjouren for the test vault.
JOUR = "08-508 25 000"


class StepClock:
    """Each reading is 20 seconds after the last one: answers get distinct, ordered times."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=20)
        return self.now
