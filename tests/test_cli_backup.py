"""``vbedesk backup create/verify/restore`` as a user runs them (child processes): the same
service-level entries as the window, the restore audited in the restored vault."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PASSPHRASE, DemoVault, run_cli, snapshot
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

OK, CRYPTO = 0, 4
BACKUP_PASS = "a long backup sentence for the safe"
NEW_PASS = "the restored vault has its own sentence"


def _env(**extra: str) -> dict[str, str]:
    return {
        "VBEDESK_PASSPHRASE": PASSPHRASE,
        "VBEDESK_BACKUP_PASSPHRASE": BACKUP_PASS,
        "LANG": "en_GB.UTF-8",
        **extra,
    }


def test_backup_create_verify_and_an_audited_restore(demo_vault: DemoVault, tmp_path: Path) -> None:
    out = tmp_path / "b" / "kopia.vbdk"
    out.parent.mkdir()
    made = run_cli(
        "--vault", str(demo_vault.folder), "backup", "create", "--out", str(out), env=_env()
    )
    assert made.returncode == OK, made.stderr
    assert out.read_bytes()[:8] == b"VBDK\x02\x03\x10\x04"  # format 2, the documented costs

    before = snapshot(out.parent)
    wrong = run_cli("backup", "verify", str(out), env=_env(VBEDESK_BACKUP_PASSPHRASE="not it"))
    assert wrong.returncode == CRYPTO and "Wrong passphrase" in wrong.stderr
    verified = run_cli("backup", "verify", str(out), env=_env())
    assert verified.returncode == OK, verified.stderr
    assert "The backup is intact" in verified.stdout and "incident: 80" in verified.stdout
    assert snapshot(out.parent) == before

    target = tmp_path / "restored"
    restored = run_cli(
        "backup",
        "restore",
        str(out),
        "--to",
        str(target),
        env=_env(VBEDESK_NEW_PASSPHRASE=NEW_PASS),
    )
    assert restored.returncode == OK, restored.stderr
    [key] = [line.strip() for line in restored.stdout.splitlines() if line.count("-") == 10]
    with Vault.open(target, passphrase=NEW_PASS) as vault:
        service = VaultService(vault)
        assert service.incidents.count() == 80
        entries = [e for e in service.audit_entries(5) if e.action == "backup.restore"]
    assert len(entries) == 1 and entries[0].entity_id == "kopia.vbdk"
    assert entries[0].detail.startswith("generation ")
    with Vault.open(target, recovery_key=key) as vault:
        assert vault.is_open
