"""The first run's flow without widgets, and the unlock dialog's way in (storage.access).

``FirstRunFlow`` holds what the first-run dialog decides (pages, buttons, folder and group
checks, closing); it is tested here on its own, over a real vault where one is needed.
The unlock dialog's recovery-key path is checked for its audit row, as the command line's.
"""

from __future__ import annotations

import random
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, fast_kdf, snapshot
from tests.ui.conftest import UiVault
from vbedesk.storage import access
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.first_run import FirstRunFlow
from vbedesk.ui.dialogs.first_run_view import PAGE_FOLDER, PAGE_PASSPHRASE, PAGE_RECOVERY
from vbedesk.ui.dialogs.unlock import UnlockDialog

STRONG = "tre gröna äpplen på bordet"


def test_the_folder_is_checked_before_anything_is_created(
    tmp_path: Path, ui_vault: UiVault
) -> None:
    flow = FirstRunFlow()
    assert flow.folder_problem("  ") == "Choose a folder."
    assert "synced by OneDrive" in (flow.folder_problem(str(tmp_path / "OneDrive" / "v")) or "")
    assert "already exists" in (flow.folder_problem(str(ui_vault.folder)) or "")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    assert flow.folder_problem(str(a_file)) == "This is a file, not a folder."
    assert flow.folder_problem(str(tmp_path / "new" / "vault")) is None
    assert not (tmp_path / "new").exists()


def test_the_buttons_follow_the_page_and_the_busy_state() -> None:
    flow = FirstRunFlow()
    first = flow.buttons(folder_ok=False, passphrase_ok=False)
    assert (first.next_text, first.next_enabled) == ("&Next >", False)
    assert not first.back_visible and first.cancel_visible
    assert flow.buttons(folder_ok=True, passphrase_ok=False).next_enabled
    flow.page = PAGE_PASSPHRASE
    second = flow.buttons(folder_ok=True, passphrase_ok=True)
    assert (second.next_text, second.next_enabled) == ("C&reate the vault", True)
    assert second.back_visible and second.back_enabled and second.cancel_enabled
    flow.busy = True
    busy = flow.buttons(folder_ok=True, passphrase_ok=True)
    assert not busy.next_enabled and not busy.back_enabled and not busy.cancel_enabled
    assert flow.close_refusal() == ""  # refused without a word while the vault is written


def test_the_recovery_group_must_be_typed_back_before_the_vault_is_handed_over(
    tmp_path: Path,
) -> None:
    flow = FirstRunFlow(random.Random(7))
    assert flow.page == PAGE_FOLDER and flow.close_refusal() is None
    assert not flow.group_matches("anything")  # nothing created yet
    service, key = access.create(tmp_path / "vault", STRONG, kdf=fast_kdf())
    try:
        flow.created(service, key)
        assert flow.page == PAGE_RECOVERY and 1 <= flow.group_number <= 11
        buttons = flow.buttons(folder_ok=True, passphrase_ok=False)
        assert (buttons.next_text, buttons.cancel_visible) == ("&Start", False)
        assert "Confirm the recovery key" in (flow.close_refusal() or "")
        group = flow.group(flow.group_number)
        assert group == key.split("-")[flow.group_number - 1]
        other = "ZZZZZ" if group != "ZZZZZ" else "00000"
        assert not flow.group_matches(other)
        assert flow.group_matches(f" {group[:2].lower()} {group[2:]} ")
        handed = flow.hand_over()
        assert handed is service and handed.is_open
        assert flow.service is None and flow.recovery_key == ""
        assert flow.close_refusal() is None
    finally:
        service.close()


def test_abandoning_closes_the_new_vault_and_keeps_it(tmp_path: Path) -> None:
    flow = FirstRunFlow()
    service, key = access.create(tmp_path / "vault", STRONG, kdf=fast_kdf())
    flow.created(service, key)
    flow.abandon()
    assert not service.is_open and flow.service is None and flow.recovery_key == ""
    access.open_with_passphrase(tmp_path / "vault", STRONG).close()


# -- the unlock dialog ---------------------------------------------------------------------
def test_the_recovery_key_unlock_is_audited_like_the_command_line(
    qtbot: QtBot, ui_vault: UiVault, memory_store: KeyringStore
) -> None:
    dialog = UnlockDialog(ui_vault.folder, memory_store, kdf=fast_kdf())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_mode(UnlockDialog.MODE_RECOVERY)
    dialog.recovery_edit.setText(ui_vault.recovery_key)
    dialog.new_passphrase.first.setText(STRONG)
    dialog.new_passphrase.second.setText(STRONG)
    with qtbot.waitSignal(dialog.unlocked, timeout=10_000) as opened:
        dialog.unlock_button.click()
    service = opened.args[0]
    assert isinstance(service, VaultService)
    try:
        changes = [e for e in service.audit_entries() if e.action == "vault.passphrase"]
        assert [(e.entity, e.entity_id) for e in changes] == [("vault", service.vault_id)]
        assert not dialog.recovery_edit.text() and not dialog.new_passphrase.passphrase()
    finally:
        service.close()
    access.open_with_passphrase(ui_vault.folder, STRONG).close()


def test_a_wrong_recovery_key_in_the_dialog_changes_nothing(
    qtbot: QtBot, ui_vault: UiVault, memory_store: KeyringStore
) -> None:
    before = snapshot(ui_vault.folder)
    dialog = UnlockDialog(ui_vault.folder, memory_store, kdf=fast_kdf())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_mode(UnlockDialog.MODE_RECOVERY)
    other = list(ui_vault.recovery_key)
    other[0] = "1" if other[0] != "1" else "2"  # one character off: the check catches it
    dialog.recovery_edit.setText("".join(other))
    dialog.new_passphrase.first.setText(STRONG)
    dialog.new_passphrase.second.setText(STRONG)
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=10_000)
    assert "typo" in dialog.error_label.text()
    assert snapshot(ui_vault.folder) == before
    access.open_with_passphrase(ui_vault.folder, PASSPHRASE).close()


def test_remember_in_the_dialog_keeps_the_key_through_storage_access(
    qtbot: QtBot, ui_vault: UiVault, memory_store: KeyringStore
) -> None:
    dialog = UnlockDialog(ui_vault.folder, memory_store, kdf=fast_kdf())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.remember_check.isChecked()
    dialog.remember_check.setChecked(True)
    dialog.passphrase_edit.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=10_000) as opened:
        dialog.unlock_button.click()
    opened.args[0].close()
    assert access.is_remembered(ui_vault.folder, memory_store)
    again = UnlockDialog(ui_vault.folder, memory_store, kdf=fast_kdf())
    qtbot.addWidget(again)
    assert again.remember_check.isChecked()
