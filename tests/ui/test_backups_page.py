"""The backups page over real vaults: create, verify and restore from the dialogs (pytest-qt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, DemoVault, fast_kdf, snapshot
from vbedesk.storage.backup import backup_name, list_backups, verify_backup
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.dialogs.backup_dialogs import AskPassphraseDialog, NewBackupDialog, RestoreDialog
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.pages.backups import BackupListModel, BackupsPage
from vbedesk.ui.status import backup_age_text

if TYPE_CHECKING:
    from vbedesk.ui.app import AppController

BACKUP_PASS = "a long backup sentence for the safe"
NEW_VAULT_PASS = "the restored vault has its own sentence"


def _page(qtbot: QtBot, service: VaultService, store: KeyringStore, folder: Path) -> BackupsPage:
    page = BackupsPage(service, store=store, kdf=fast_kdf())
    qtbot.addWidget(page)
    page.set_folder(str(folder))
    page.resize(1100, 760)
    page.show()
    return page


def _make_backup(qtbot: QtBot, page: BackupsPage, *, remember: bool = False) -> Path:
    dialog = page.create_backup()
    assert isinstance(dialog, NewBackupDialog)
    assert not dialog.ok_button.isEnabled()
    dialog.fields.first.setText(BACKUP_PASS)
    dialog.fields.second.setText(BACKUP_PASS)
    assert dialog.ok_button.isEnabled()
    dialog.remember_check.setChecked(remember)
    with qtbot.waitSignal(page.backup_written, timeout=30_000):
        dialog.ok_button.click()
    chosen = page.selected()
    assert chosen is not None
    return chosen.path


def test_a_backup_made_on_the_page_is_verified_listed_audited_and_registered(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    window = MainWindow(demo, memory_store)
    qtbot.addWidget(window)
    assert window.backup_status.text() == "Latest backup: never"
    page = window.show_page("backups")
    assert isinstance(page, BackupsPage)
    ids = window.page_ids()
    assert ids.index("backups") == ids.index("contacts") + 1
    page.set_folder(str(tmp_path / "backups"))
    path = _make_backup(qtbot, page)

    assert path.parent == tmp_path / "backups" and path.suffix == ".vbdk"
    assert "Backup written and verified" in page.view.result_label.text()
    assert "Incidents: 80" in page.view.result_label.text()
    assert page.view.model.rowCount() == 1
    assert page.view.model.text(0, BackupListModel.COL_KIND) == "by hand"
    manifest = verify_backup(path, BACKUP_PASS)
    assert manifest.counts["incident"] == 80
    # The same record as the command line's, and the disclosure register.
    actions = [e.action for e in demo.audit_entries(10)]
    assert "backup.create" in actions
    assert [d.kind for d in demo.disclosures.all()][-1:] == ["backup"]
    assert demo.disclosures.all()[-1].path == str(path.resolve())
    # The status bar follows at once.
    assert window.backup_status.text().startswith("Latest backup: today")
    window.close()


def test_a_remembered_backup_passphrase_goes_to_the_secure_keyring_only(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, memory_store, tmp_path / "b")
    assert not page.view.forget_button.isEnabled()
    _make_backup(qtbot, page, remember=True)
    assert memory_store.get_backup_passphrase(demo.vault.vault_id) == BACKUP_PASS
    assert "remembered in the system keyring" in page.view.auto_label.text()
    page.view.forget_button.click()
    assert memory_store.get_backup_passphrase(demo.vault.vault_id) is None


def test_without_a_secure_keyring_the_passphrase_cannot_be_remembered(
    qtbot: QtBot, demo: VaultService, no_keyring: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, no_keyring, tmp_path / "b")
    dialog = page.create_backup()
    assert isinstance(dialog, NewBackupDialog)
    assert not dialog.remember_check.isEnabled()
    assert "No secure keyring" in dialog.remember_check.toolTip()
    assert "No secure keyring" in page.view.auto_label.text()
    dialog.reject()
    assert list_backups(tmp_path / "b") == []


def test_a_weak_backup_passphrase_is_refused_in_the_dialog(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, memory_store, tmp_path / "b")
    dialog = page.create_backup()
    assert isinstance(dialog, NewBackupDialog)
    dialog.fields.first.setText("short")
    dialog.fields.second.setText("short")
    assert not dialog.ok_button.isEnabled()
    assert "12 characters" in dialog.fields.problems_label.text()
    dialog.fields.first.setText(BACKUP_PASS)
    dialog.fields.second.setText(BACKUP_PASS + "x")
    assert not dialog.ok_button.isEnabled()
    dialog.reject()
    assert not (tmp_path / "b").exists() or list_backups(tmp_path / "b") == []


def test_verify_with_the_right_and_the_wrong_passphrase(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, memory_store, tmp_path / "b")
    path = _make_backup(qtbot, page)
    before = snapshot(tmp_path / "b")

    dialog = page.verify_selected()
    assert isinstance(dialog, AskPassphraseDialog)
    dialog.edit.setText("this is not the passphrase")
    with qtbot.waitSignal(page.message_shown, timeout=30_000) as blocker:
        dialog.ok_button.click()
    assert blocker.args == ["Wrong passphrase, or the file's header is damaged."]
    assert page.view.error_label.isVisible()
    assert snapshot(tmp_path / "b") == before

    dialog = page.verify_file(path)
    assert dialog is not None
    dialog.edit.setText(BACKUP_PASS)
    with qtbot.waitSignal(page.message_shown, timeout=30_000):
        dialog.ok_button.click()
    assert page.view.result_label.text().startswith(f"The backup is intact: {path.name}")
    assert "Generation:" in page.view.result_label.text()
    assert page.view.error_label.isHidden()
    assert snapshot(tmp_path / "b") == before


def _tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * 2 + 200] ^= 0x5A  # inside the third page: its HMAC no longer matches
    path.write_bytes(bytes(data))


def test_a_tampered_backup_is_rejected_clearly(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, memory_store, tmp_path / "b")
    path = _make_backup(qtbot, page)
    _tamper(path)
    dialog = page.verify_file(path)
    assert dialog is not None
    dialog.edit.setText(BACKUP_PASS)
    with qtbot.waitSignal(page.message_shown, timeout=30_000) as blocker:
        dialog.ok_button.click()
    assert blocker.args == ["The data is damaged or has been tampered with."]

    restore = page.restore_file(path)
    target = Path(restore.view.target_edit.text())
    restore.view.backup_passphrase.setText(BACKUP_PASS)
    restore.check()
    qtbot.waitUntil(lambda: restore.view.check_error.isVisible(), timeout=30_000)
    assert restore.view.check_error.text() == "The data is damaged or has been tampered with."
    assert restore.current_page() == RestoreDialog.PAGE_CHECK
    assert not target.exists()
    restore.reject()


def test_restore_from_the_dialog_shows_the_summary_first_and_makes_a_new_vault(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, memory_store, tmp_path / "b")
    _make_backup(qtbot, page)
    generation = demo.info().generation
    dialog = page.restore_selected()
    assert isinstance(dialog, RestoreDialog)
    target = Path(dialog.view.target_edit.text())
    assert target.parent == demo.vault.folder.parent and not target.exists()

    # A wrong backup passphrase: a clear message, and nothing is created.
    dialog.view.backup_passphrase.setText("not the backup passphrase")
    dialog.check()
    qtbot.waitUntil(lambda: dialog.view.check_error.isVisible(), timeout=30_000)
    assert dialog.view.check_error.text() == "Wrong passphrase, or the file's header is damaged."
    assert dialog.current_page() == RestoreDialog.PAGE_CHECK
    assert not target.exists()

    # The right one: the summary comes first (created, generation, counts).
    dialog.view.backup_passphrase.setText(BACKUP_PASS)
    dialog.check()
    qtbot.waitUntil(lambda: dialog.current_page() == RestoreDialog.PAGE_TARGET, timeout=30_000)
    summary = dialog.view.summary_label.text()
    assert "Created: " in summary
    assert f"Generation: {generation}" in summary
    assert "Incidents: 80" in summary
    assert not target.exists()
    assert not dialog.view.restore_button.isEnabled()
    dialog.view.new_fields.first.setText(NEW_VAULT_PASS)
    dialog.view.new_fields.second.setText(NEW_VAULT_PASS)
    assert dialog.view.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.restored, timeout=30_000):
        dialog.view.restore_button.click()
    assert dialog.current_page() == RestoreDialog.PAGE_DONE
    key = dialog.view.key_label.text()
    assert len(key.split("-")) == 11
    assert str(target) in dialog.view.done_label.text()
    assert "Restored into a new vault" in page.view.result_label.text()
    dialog.view.close_button.click()

    # The open vault is untouched; the new one opens with its new passphrase and holds all.
    assert demo.vault.is_open and demo.incidents.count() == 80
    restored = Vault.open(target, passphrase=NEW_VAULT_PASS)
    try:
        assert VaultService(restored).incidents.count() == 80
        assert restored.vault_id == demo.vault.vault_id
        # The restore is in the restored vault's audit log, as the command line records it.
        assert VaultService(restored).audit_entries(1)[0].action == "backup.restore"
    finally:
        restored.close()
    assert "backup.restore" in [e.action for e in demo.audit_entries(5)]


def test_older_automatic_backups_are_deleted_only_when_confirmed(
    qtbot: QtBot, service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for n in range(3):
        out = folder / backup_name(start + timedelta(days=n), automatic=True)
        service.backups.create(out, BACKUP_PASS, automatic=True, kdf=fast_kdf())
    service.set_setting("backup_generations", 1)
    page = _page(qtbot, service, memory_store, folder)
    assert page.view.model.rowCount() == 3
    assert "2 automatic backups are older than the 1 to keep" in page.view.surplus_label.text()
    assert page.view.prune_button.isEnabled()

    box = page.prune()
    assert isinstance(box, QMessageBox)
    assert box.defaultButton() == box.button(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.No).click()
    assert len(list_backups(folder)) == 3  # "No" deletes nothing

    box = page.prune()
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    left = list_backups(folder)
    assert [f.path.name for f in left] == [backup_name(start + timedelta(days=2), automatic=True)]
    assert "2 old backups deleted." in page.view.result_label.text()
    entry = next(e for e in service.audit_entries(5) if e.action == "backup.delete")
    assert entry.entity_id == "2"
    assert not page.view.prune_button.isEnabled()


def test_the_automatic_backup_setting_is_kept(
    qtbot: QtBot, service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, service, memory_store, tmp_path / "b")
    assert not page.view.auto_check.isChecked()
    page.view.auto_check.setChecked(True)
    assert service.settings().auto_backup is True
    page.view.auto_check.setChecked(False)
    assert service.settings().auto_backup is False


def test_the_status_bar_words_for_the_backup_age() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert backup_age_text(None, now) == ("Latest backup: never", True)
    text, warn = backup_age_text(now - timedelta(days=2), now)
    assert text == "Latest backup: 2 days ago" and not warn
    text, warn = backup_age_text((now - timedelta(days=30)).replace(tzinfo=None), now)
    assert text == "Latest backup: 30 days ago" and warn


# -- the automatic backup on close ---------------------------------------------------------
def _open_window(qtbot: QtBot, controller: AppController) -> MainWindow:
    with qtbot.waitSignal(controller.window_shown, timeout=10_000) as blocker:
        controller.start()
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    return window


@pytest.fixture
def remembered(demo_vault: DemoVault, memory_store: KeyringStore, tmp_path: Path) -> Path:
    """The demo vault with the automatic backup on, its key remembered; the backup folder."""
    vault = Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    service = VaultService(vault)
    folder = tmp_path / "auto"
    service.set_setting("backup_folder", str(folder))
    service.set_setting("auto_backup", True)
    vault.remember(memory_store)
    vault.close()
    return folder


def test_closing_makes_the_automatic_backup_with_the_remembered_passphrase(
    qtbot: QtBot, demo_vault: DemoVault, memory_store: KeyringStore, remembered: Path
) -> None:
    from vbedesk.ui.app import AppController

    controller = AppController(demo_vault.folder, memory_store, kdf=fast_kdf())
    window = _open_window(qtbot, controller)
    vault_id = controller.service.vault.vault_id if controller.service else ""
    memory_store.set_backup_passphrase(vault_id, BACKUP_PASS)
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        window.close()
    files = list_backups(remembered)
    assert len(files) == 1 and files[0].automatic
    assert verify_backup(files[0].path, BACKUP_PASS).counts["incident"] == 80
    assert controller.service is None  # the vault is closed after the backup
    controller.shutdown()


def test_without_a_remembered_passphrase_it_is_asked_and_may_be_skipped(
    qtbot: QtBot, demo_vault: DemoVault, memory_store: KeyringStore, remembered: Path
) -> None:
    from vbedesk.ui.app import AppController

    controller = AppController(demo_vault.folder, memory_store, kdf=fast_kdf())
    window = _open_window(qtbot, controller)
    window.close()
    dialog = controller.dialog
    assert isinstance(dialog, AskPassphraseDialog)
    assert controller.service is not None  # still open: the question waits
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        dialog.reject()
    assert list_backups(remembered) == []
    controller.shutdown()

    # The next start says that the backup was skipped.
    controller = AppController(demo_vault.folder, memory_store, kdf=fast_kdf())
    window = _open_window(qtbot, controller)
    assert "skipped at the last close" in window.backup_status.text()
    # Typing the passphrase this time makes the backup, and the note goes away.
    window.close()
    dialog = controller.dialog
    assert isinstance(dialog, AskPassphraseDialog)
    dialog.edit.setText(BACKUP_PASS)
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        dialog.ok_button.click()
    assert len(list_backups(remembered)) == 1
    controller.shutdown()
    vault = Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    try:
        status = VaultService(vault).backups.status()
        assert status.last is not None and status.skipped is None
    finally:
        vault.close()


def test_a_file_from_elsewhere_is_listed_and_can_be_verified(
    qtbot: QtBot, service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "usb" / "kopia.vbdk"
    elsewhere.parent.mkdir()
    service.backups.create(elsewhere, BACKUP_PASS)
    page = _page(qtbot, service, memory_store, tmp_path / "b")
    assert page.view.model.rowCount() == 0 and not page.view.verify_button.isEnabled()
    assert not page.add_file(tmp_path / "usb" / "saknas.vbdk")
    assert page.view.error_label.text() == "The file saknas.vbdk does not exist."
    assert page.add_file(elsewhere)
    chosen = page.selected()
    assert chosen is not None and chosen.path == elsewhere
    assert page.view.verify_button.isEnabled() and page.view.restore_button.isEnabled()
    dialog = page.verify_selected()
    assert dialog is not None
    dialog.edit.setText(BACKUP_PASS)
    with qtbot.waitSignal(page.message_shown, timeout=30_000):
        dialog.ok_button.click()
    assert page.view.result_label.text().startswith("The backup is intact: kopia.vbdk")


def test_a_file_that_is_not_a_backup_is_refused_clearly(
    qtbot: QtBot, service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    other = tmp_path / "rapport.vbdk"
    other.write_bytes(b"%PDF-1.7 not a backup" + bytes(5000))
    page = _page(qtbot, service, memory_store, tmp_path / "b")
    dialog = page.verify_file(other)
    assert dialog is not None
    dialog.edit.setText(BACKUP_PASS)
    with qtbot.waitSignal(page.message_shown, timeout=30_000) as blocker:
        dialog.ok_button.click()
    assert blocker.args == ["The file is a PDF document, not a VBE Desk backup."]


def test_an_unusable_backup_folder_is_a_clear_message_and_nothing_is_written(
    qtbot: QtBot, service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("x", encoding="utf-8")
    page = _page(qtbot, service, memory_store, blocker_file / "backups")
    dialog = page.create_backup()
    assert isinstance(dialog, NewBackupDialog)
    dialog.fields.first.setText(BACKUP_PASS)
    dialog.fields.second.setText(BACKUP_PASS)
    dialog.remember_check.setChecked(True)
    with qtbot.waitSignal(page.message_shown, timeout=10_000) as blocker:
        dialog.ok_button.click()
    assert str(blocker.args[0]).startswith("The folder ")
    assert "cannot be used" in page.view.error_label.text()
    assert memory_store.get_backup_passphrase(service.vault.vault_id) is None
    assert service.backups.status().last is None
    assert service.disclosures.all() == []


def test_the_page_checks_the_open_vault(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    page = _page(qtbot, demo, memory_store, tmp_path / "b")
    before = demo.info().counts
    with qtbot.waitSignal(page.message_shown, timeout=30_000):
        page.view.check_button.click()
    text = page.view.check_label.text()
    assert text.startswith("The vault is sound (checked ")
    assert "Integrity checks: ok" in text
    assert "chain intact" in text
    assert page.view.check_error.isHidden()
    assert page.view.check_button.isEnabled()
    assert demo.info().counts == before  # a check changes nothing


def test_the_page_check_reports_an_older_copy(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    from sqlalchemy import text

    from vbedesk.storage.vault import ROLLBACK_KEY

    with demo.vault.require_engine().begin() as conn:  # as an open of an old copy records it
        conn.execute(
            text("INSERT INTO meta(key, value) VALUES (:k, :v)"),
            {"k": ROLLBACK_KEY, "v": "5|9|2026-11-29T08:00:00"},
        )
    page = _page(qtbot, demo, memory_store, tmp_path / "b")
    with qtbot.waitSignal(page.message_shown, timeout=30_000):
        page.view.check_button.click()
    problems = page.view.check_error.text()
    assert not page.view.check_error.isHidden()
    assert "older than the last session (5 < 9)" in problems
    assert "older copy than the one last used" in problems
    assert page.view.check_label.text().startswith("Checked ")


def test_the_backup_list_headers_are_translated(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    from vbedesk.i18n import set_language

    model = BackupListModel([])
    set_language("sv")
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(BackupListModel.HEADERS))
    ]
    assert headers == ["Fil", "Skriven", "Storlek", "Typ"]


def test_the_status_bar_hears_a_backup_made_elsewhere(
    qtbot: QtBot, demo: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    """A backup made outside the page (the automatic one, a use case on the worker thread)
    reaches the status bar as a BACKUPS change event, without reopening the window."""
    from vbedesk.ui.main_window import BACKUP_AGE_TICK_MS

    window = MainWindow(demo, memory_store)
    qtbot.addWidget(window)
    assert window.backup_status.text() == "Latest backup: never"
    assert window.backup_clock.isActive()
    assert window.backup_clock.interval() == BACKUP_AGE_TICK_MS
    demo.backups.create(tmp_path / "cli.vbdk", BACKUP_PASS, kdf=fast_kdf())
    qtbot.waitUntil(
        lambda: window.backup_status.text().startswith("Latest backup: today"), timeout=10_000
    )
    demo.vault.close()
    window.backup_clock.timeout.emit()  # locked: nothing is read, nothing fails
    assert window.backup_status.text().startswith("Latest backup: today")


def test_the_restored_vault_can_be_opened_at_once(
    qtbot: QtBot, demo_vault: DemoVault, memory_store: KeyringStore, tmp_path: Path
) -> None:
    """After a restore, one button locks this vault and asks for the restored one's passphrase."""
    from vbedesk.ui.app import AppController
    from vbedesk.ui.dialogs.unlock import UnlockDialog

    (tmp_path / "b").mkdir()
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        vault.remember(memory_store)
        VaultService(vault).backups.create(tmp_path / "b" / "saved.vbdk", BACKUP_PASS)
    controller = AppController(demo_vault.folder, memory_store, kdf=fast_kdf())
    window = _open_window(qtbot, controller)
    page = window.show_page("backups")
    assert isinstance(page, BackupsPage)
    page.set_folder(str(tmp_path / "b"))
    dialog = page.restore_selected()
    assert isinstance(dialog, RestoreDialog)
    assert not dialog.view.open_button.isVisible()  # nothing restored yet
    target = Path(dialog.view.target_edit.text())
    dialog.view.backup_passphrase.setText(BACKUP_PASS)
    dialog.check()
    qtbot.waitUntil(lambda: dialog.current_page() == RestoreDialog.PAGE_TARGET, timeout=30_000)
    dialog.view.new_fields.first.setText(NEW_VAULT_PASS)
    dialog.view.new_fields.second.setText(NEW_VAULT_PASS)
    with qtbot.waitSignal(dialog.restored, timeout=60_000):
        dialog.view.restore_button.click()
    assert dialog.view.open_button.isVisible()
    assert "Open it with the button below" in dialog.view.done_label.text()

    with qtbot.waitSignal(controller.locked, timeout=10_000):
        dialog.view.open_button.click()
    assert controller.service is None  # the first vault is locked
    assert controller.window is None
    unlock = controller.dialog
    assert isinstance(unlock, UnlockDialog)
    assert unlock.folder == target
    unlock.passphrase_edit.setText(NEW_VAULT_PASS)
    with qtbot.waitSignal(controller.window_shown, timeout=30_000) as shown:
        unlock.submit()
    assert isinstance(shown.args[0], MainWindow)
    assert controller.service is not None
    assert controller.service.vault.folder == target
    assert controller.service.incidents.count() == 80
    controller.shutdown()
