"""What the backups page and the restore dialog decide, over real vaults and without a widget
(``pages/backups_presenter.py``, ``dialogs/backup_flow.py``)."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import fast_kdf, snapshot
from vbedesk.errors import InputRefused, WrongPassphrase
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.storage.services.backups import backup_name, list_backups
from vbedesk.storage.vault import Vault
from vbedesk.ui.dialogs.backup_flow import RestoreFlow, RestoreStep
from vbedesk.ui.pages.backups_presenter import BackupsPresenter

BACKUP_PASS = "a long backup sentence for the safe"
NEW_VAULT_PASS = "the restored vault has its own sentence"


def test_the_presenter_and_the_flow_need_no_qt() -> None:
    """The state and rules load without PySide6 (as Electrum's wizard state does)."""
    import subprocess

    code = (
        "import sys\n"
        "import vbedesk.ui.pages.backups_presenter, vbedesk.ui.dialogs.backup_flow\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _backup(service: VaultService, folder: Path, when: datetime, *, automatic: bool) -> Path:
    out = folder / backup_name(when, automatic=automatic)
    service.backups.create(out, BACKUP_PASS, automatic=automatic, kdf=fast_kdf())
    return out


def test_the_screen_counts_the_generations_beyond_those_kept(
    service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    presenter = BackupsPresenter(service, memory_store)
    folder = tmp_path / "b"
    folder.mkdir()
    presenter.set_folder(str(folder))
    screen = presenter.screen()
    assert screen.folder == folder and screen.files == [] and not screen.can_prune
    assert screen.last_text == "Latest backup: never"

    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for n in range(3):
        _backup(service, folder, start + timedelta(days=n), automatic=True)
    service.set_setting("backup_generations", 1)
    screen = presenter.screen()
    assert len(screen.files) == 3 and screen.can_prune
    assert screen.surplus_text.startswith("2 automatic backups are older than the 1 to keep")
    assert screen.last_text.startswith("Latest backup: today")

    question = presenter.prune_question()
    assert question is not None
    assert question.text == "Delete 2 automatic backups older than the newest 1?"
    assert question.names.splitlines() == [p.name for p in question.paths]
    assert presenter.delete(question.paths) == "2 old backups deleted."
    assert [f.path for f in list_backups(folder)] == [
        folder / backup_name(start + timedelta(days=2), automatic=True)
    ]
    assert presenter.prune_question() is None
    assert service.audit_entries(1)[0].action == "backup.delete"


def test_a_file_from_elsewhere_joins_the_list_for_the_visit(
    service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    presenter = BackupsPresenter(service, memory_store)
    presenter.set_folder(str(tmp_path / "b"))
    with pytest.raises(InputRefused, match="does not exist"):
        presenter.add_file(tmp_path / "missing.vbdk")
    other = tmp_path / "usb" / "kopia.vbdk"
    other.parent.mkdir()
    service.backups.create(other, BACKUP_PASS, kdf=fast_kdf())
    presenter.add_file(other)
    presenter.add_file(other)  # once only
    assert [f.path for f in presenter.screen().files] == [other]
    manifest = presenter.verify(other, BACKUP_PASS)
    assert presenter.verified_text(other, manifest).startswith("The backup is intact: kopia.vbdk")


def test_buttons_wait_while_a_job_runs(service: VaultService, memory_store: KeyringStore) -> None:
    presenter = BackupsPresenter(service, memory_store)
    free = presenter.buttons(chosen=True)
    assert (free.create, free.verify, free.restore, free.other, free.check) == (True,) * 5
    nothing_chosen = presenter.buttons(chosen=False)
    assert not nothing_chosen.verify and not nothing_chosen.restore and nothing_chosen.create
    presenter.busy = True
    busy = presenter.buttons(chosen=True)
    assert not any((busy.create, busy.verify, busy.restore, busy.other, busy.check))


def test_a_new_backup_needs_a_usable_folder(
    service: VaultService, memory_store: KeyringStore, tmp_path: Path
) -> None:
    presenter = BackupsPresenter(service, memory_store)
    blocker = tmp_path / "a file"
    blocker.write_text("x", encoding="utf-8")
    presenter.set_folder(str(blocker / "backups"))
    with pytest.raises(InputRefused, match="cannot be used"):
        presenter.new_backup_path()
    presenter.set_folder(str(tmp_path / "new" / "backups"))
    out = presenter.new_backup_path()
    assert out.parent.is_dir() and out.suffix == ".vbdk" and not out.exists()


def test_the_restore_target_never_names_an_existing_folder(
    service: VaultService, memory_store: KeyringStore
) -> None:
    presenter = BackupsPresenter(service, memory_store)
    day = date(2026, 5, 9)
    first = presenter.restore_target(day)
    assert first == service.folder.parent / f"{service.folder.name}-restored-2026-05-09"
    first.mkdir()
    second = presenter.restore_target(day)
    assert second.name == f"{service.folder.name}-restored-2026-05-09-2"


def test_the_vault_check_in_words(service: VaultService, memory_store: KeyringStore) -> None:
    presenter = BackupsPresenter(service, memory_store)
    result = presenter.check_result(service.check(), datetime.now(UTC))
    assert result.text.startswith("The vault is sound (checked ")
    assert "Integrity checks: ok" in result.text and result.problems == ""


def test_the_restore_flow_step_by_step(service: VaultService, tmp_path: Path) -> None:
    backup = tmp_path / "b.vbdk"
    service.backups.create(backup, BACKUP_PASS, kdf=fast_kdf())
    target = tmp_path / "restored"
    flow = RestoreFlow(backup, target, kdf=fast_kdf(), record_in=service)
    assert flow.step == RestoreStep.CHECK
    buttons = flow.buttons(str(target), True)
    assert not buttons.restore_visible and not buttons.open_visible
    assert buttons.check_enabled and buttons.close_text == "&Cancel"
    assert not flow.can_check("") and flow.can_check("x")
    assert not flow.can_restore(str(target), True)  # not checked yet

    before = snapshot(tmp_path)
    with pytest.raises(WrongPassphrase):
        flow.verify_job("not the backup passphrase")()
    assert snapshot(tmp_path) == before
    flow.start()
    assert not flow.can_close() and not flow.buttons(str(target), True).close_enabled
    flow.checked(flow.verify_job(BACKUP_PASS)(), BACKUP_PASS)
    assert flow.step == RestoreStep.TARGET and flow.can_close()
    assert flow.buttons(str(target), True).restore_enabled
    assert not flow.can_restore("  ", True) and not flow.can_restore(str(target), False)

    job = flow.restore_job(target, NEW_VAULT_PASS)
    flow.forget()  # the job keeps what it was given
    result = job()
    flow.restored(result)
    assert flow.step == RestoreStep.DONE and flow.target == target
    done = flow.buttons(str(target), True)
    assert done.open_visible and not done.restore_visible and done.close_text == "&Close"
    assert str(target) in flow.done_text()
    assert service.audit_entries(1)[0].action == "backup.restore"
    with Vault.open(target, passphrase=NEW_VAULT_PASS) as vault:
        assert VaultService(vault).audit_entries(1)[0].action == "backup.restore"
