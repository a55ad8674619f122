"""Screenshots of the dialogs and the main window on every page, offscreen, into docs/screenshots.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--lang sv|en]``.
Builds a demo vault in a temporary folder (fast test key derivation: the pictures show
nothing secret) and saves ``widget.grab()`` of each view as PNG.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from vbedesk.storage.bootstrap import DEMO_PASSPHRASE, create_demo_vault
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.app import keep_none_alive
from vbedesk.ui.dialogs.first_run import FirstRunDialog
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.qt_i18n import install_translators

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
WINDOW = (1280, 800)


def _settle(app: QApplication, ms: int = 150) -> None:
    from PySide6.QtCore import QDeadlineTimer

    deadline = QDeadlineTimer(ms)
    while not deadline.hasExpired():
        app.processEvents()


def _save(app: QApplication, widget: QWidget, name: str) -> Path:
    _settle(app)
    path = OUT / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(OUT.parents[1])}")
    return path


def _wait(app: QApplication, condition, timeout_ms: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDeadlineTimer

    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise SystemExit("timed out waiting for the background job")
        app.processEvents()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", choices=("sv", "en"), default="sv")
    args = parser.parse_args(argv)
    keep_none_alive()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName("VBE Desk screenshots")
    translators = install_translators(app, args.lang)
    OUT.mkdir(parents=True, exist_ok=True)
    kdf = KdfParams.insecure_for_tests()
    store = KeyringStore()  # whatever this machine has: usually none, as on a fresh PC
    with tempfile.TemporaryDirectory(prefix="vbedesk-shots-") as tmp:
        root = Path(tmp)
        settings = QSettings(str(root / "shots.ini"), QSettings.Format.IniFormat)

        # First run: the passphrase page, then the recovery key.
        first = FirstRunDialog(root / "Ny valv", kdf=kdf, rng=random.Random(4))  # noqa: S311
        first.show()
        first.folder_edit.setText(str(root / "VBE Desk" / "valv"))
        first._next()
        first.passphrase_fields.first.setText("tre gröna äpplen på bordet")
        first.passphrase_fields.second.setText("tre gröna äpplen på")
        _save(app, first, "first-run")
        first.passphrase_fields.second.setText("tre gröna äpplen på bordet")
        first._next()
        _wait(app, lambda: first.current_page() == FirstRunDialog.PAGE_RECOVERY)
        _save(app, first, "recovery")
        first.abandon()
        first.deleteLater()

        # Unlock of the demo vault, after a wrong passphrase.
        folder = root / "demo-vault"
        service, _recovery = create_demo_vault(folder, DEMO_PASSPHRASE, kdf=kdf)
        service.vault.close()
        unlock = UnlockDialog(
            folder,
            store,
            hint=f"Demovalv med påhittade uppgifter. Lösenfrasen är: {DEMO_PASSPHRASE}",
            kdf=kdf,
        )
        unlock.show()
        unlock.passphrase_edit.setText("fel lösenfras")
        unlock.submit()
        _wait(app, lambda: not unlock.is_busy)
        _save(app, unlock, "unlock")
        unlock.deleteLater()

        # The main window on every page.
        vault = Vault.open(folder, passphrase=DEMO_PASSPHRASE)
        try:
            window = MainWindow(VaultService(vault), store, qsettings=settings)
            window.resize(*WINDOW)
            window.show()
            window.set_lock_remaining(4 * 60 + 37)
            for page_id in window.page_ids():
                window.show_page(page_id)
                name = "main-overview" if page_id == "overview" else f"main-{page_id}"
                _save(app, window, name)
                if page_id == "settings":
                    _save(app, window, "settings")
            window.dispose()
            _settle(app)
        finally:
            vault.close()
    del translators
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
