"""Översikt says so when an older copy of the database has been put back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import DB_NAME, Vault
from vbedesk.ui.pages.overview import OverviewPage


def _put_back_an_older_copy(folder: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy2(folder / DB_NAME, old)
    Vault.open(folder, passphrase=PASSPHRASE).close()  # one more session after the copy
    (folder / (DB_NAME + "-wal")).unlink(missing_ok=True)
    (folder / (DB_NAME + "-shm")).unlink(missing_ok=True)
    shutil.copy2(old, folder / DB_NAME)


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_the_overview_warns_until_the_copy_is_accepted(
    qtbot: QtBot,
    demo_vault: DemoVault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: QMessageBox.StandardButton,
) -> None:
    _put_back_an_older_copy(demo_vault.folder, tmp_path)
    service = VaultService(Vault.open(demo_vault.folder, passphrase=PASSPHRASE))
    try:
        page = OverviewPage(service)
        qtbot.addWidget(page)
        page.show()
        assert page.rollback_box.isVisible()
        assert "older than the one used last time" in page.rollback_label.text()
        monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: answer)
        page.accept_copy_button.click()
        accepted = answer == QMessageBox.StandardButton.Yes
        assert page.rollback_box.isVisible() is not accepted
        assert (service.vault.rollback_suspected() is None) is accepted
        assert any(e.action == "accept_old_copy" for e in service.audit_entries()) is accepted
    finally:
        service.vault.close()


def test_no_banner_on_a_vault_used_normally(qtbot: QtBot, demo_vault: DemoVault) -> None:
    service = VaultService(Vault.open(demo_vault.folder, passphrase=PASSPHRASE))
    try:
        page = OverviewPage(service)
        qtbot.addWidget(page)
        page.show()
        assert not page.rollback_box.isVisible()
    finally:
        service.vault.close()
