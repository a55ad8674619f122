"""The way into a vault (storage.access): create, open, remember, recover; and who may use what.

Real SQLCipher vaults in tmp_path with the fast test KDF; the keyring is in memory.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, fast_kdf, snapshot
from tests.test_secrets import MemoryKeyring
from vbedesk.errors import InputRefused, VaultExists, VaultInUse, VaultNotFound, WrongPassphrase
from vbedesk.recovery import encode_recovery_key
from vbedesk.storage import access
from vbedesk.storage.bootstrap import WeakPassphrase
from vbedesk.storage.secrets import KeyringStore, backend_name
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import SyncedFolder

REPO = Path(__file__).resolve().parents[1]
NEW = "tre gröna äpplen på bordet"


@pytest.fixture
def closed(tmp_path: Path) -> tuple[Path, str]:
    """A new vault on disk, closed; its folder and recovery key."""
    folder = tmp_path / "vault"
    service, recovery = access.create(folder, PASSPHRASE, kdf=fast_kdf())
    service.close()
    return folder, recovery


@pytest.fixture
def store() -> KeyringStore:
    backend = MemoryKeyring()
    return KeyringStore(backend, allowed=frozenset({backend_name(backend)}))


def _passphrase_changes(service: VaultService) -> list[str]:
    return [e.entity_id for e in service.audit_entries() if e.action == "vault.passphrase"]


# -- finding and creating --------------------------------------------------------------------
def test_create_gives_an_open_service_and_a_recovery_key(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    assert not access.vault_exists(folder) and not access.folder_has_vault(folder)
    service, recovery = access.create(folder, PASSPHRASE, kdf=fast_kdf())
    try:
        assert isinstance(service, VaultService) and service.is_open
        assert service.folder == folder
        assert len(recovery.split("-")) == 11
        assert service.contacts.all()  # the shipped reference data is in
    finally:
        service.close()
    assert access.vault_exists(folder) and access.folder_has_vault(folder)


def test_create_refuses_a_weak_passphrase_a_synced_folder_and_an_existing_vault(
    tmp_path: Path, closed: tuple[Path, str]
) -> None:
    with pytest.raises(WeakPassphrase):
        access.create(tmp_path / "weak", "kort", kdf=fast_kdf())
    assert not (tmp_path / "weak").exists()
    synced = tmp_path / "OneDrive - Stockholms stad" / "vault"
    assert access.synced_folder_marker(synced) == "OneDrive - Stockholms stad"
    with pytest.raises(SyncedFolder):
        access.create(synced, PASSPHRASE, kdf=fast_kdf())
    folder, _recovery = closed
    before = snapshot(folder)
    with pytest.raises(VaultExists):
        access.create(folder, PASSPHRASE, kdf=fast_kdf())
    assert snapshot(folder) == before


def test_a_key_file_alone_counts_as_a_vault_for_creating_but_not_for_opening(
    tmp_path: Path, closed: tuple[Path, str]
) -> None:
    folder, _recovery = closed
    alone = tmp_path / "key-only"
    alone.mkdir()
    (alone / "vault.key").write_bytes((folder / "vault.key").read_bytes())
    assert access.folder_has_vault(alone) and not access.vault_exists(alone)
    with pytest.raises(VaultNotFound):
        access.open_with_passphrase(alone, PASSPHRASE)


def test_the_default_folder_is_local_app_data() -> None:
    folder = access.default_folder()
    assert folder.name == "vault" and "VBE Desk" in folder.parts
    assert access.synced_folder_marker(folder) is None


# -- opening ---------------------------------------------------------------------------------
def test_open_with_the_passphrase(closed: tuple[Path, str]) -> None:
    folder, _recovery = closed
    service = access.open_with_passphrase(folder, PASSPHRASE)
    try:
        assert service.is_open and service.folder == folder
        assert service.info().vault_id == service.vault_id
    finally:
        service.close()


def test_a_wrong_passphrase_opens_nothing_and_changes_no_file(closed: tuple[Path, str]) -> None:
    folder, _recovery = closed
    before = snapshot(folder)
    with pytest.raises(WrongPassphrase):
        access.open_with_passphrase(folder, "not the passphrase at all")
    assert snapshot(folder) == before
    # The vault is not left locked by the failed attempt.
    access.open_with_passphrase(folder, PASSPHRASE).close()


def test_a_vault_open_elsewhere_is_in_use(closed: tuple[Path, str]) -> None:
    folder, _recovery = closed
    first = access.open_with_passphrase(folder, PASSPHRASE)
    try:
        with pytest.raises(VaultInUse):
            access.open_with_passphrase(folder, PASSPHRASE)
    finally:
        first.close()


def test_remembering_opens_the_next_time_without_the_passphrase(
    closed: tuple[Path, str], store: KeyringStore
) -> None:
    folder, _recovery = closed
    assert access.open_remembered(folder, store) is None  # nothing kept yet
    assert not access.is_remembered(folder, store)
    access.open_with_passphrase(folder, PASSPHRASE, store=store, remember=True).close()
    assert access.is_remembered(folder, store)
    service = access.open_remembered(folder, store)
    assert service is not None
    try:
        assert service.is_open and service.folder == folder
    finally:
        service.close()
    # None leaves the keyring alone; False forgets the key.
    access.open_with_passphrase(folder, PASSPHRASE, store=store).close()
    assert access.is_remembered(folder, store)
    access.open_with_passphrase(folder, PASSPHRASE, store=store, remember=False).close()
    assert not access.is_remembered(folder, store)
    assert access.open_remembered(folder, store) is None


def test_remembering_on_an_insecure_keyring_is_skipped_and_the_vault_opens(
    closed: tuple[Path, str],
) -> None:
    from keyring.backends import fail

    folder, _recovery = closed
    store = KeyringStore(fail.Keyring())
    service = access.open_with_passphrase(folder, PASSPHRASE, store=store, remember=True)
    try:
        assert service.is_open
    finally:
        service.close()
    assert not access.is_remembered(folder, store)


# -- the recovery key --------------------------------------------------------------------------
def test_recover_sets_the_new_passphrase_and_audits_it(closed: tuple[Path, str]) -> None:
    folder, recovery = closed
    service = access.recover(folder, recovery.lower(), NEW, kdf=fast_kdf())
    try:
        assert service.is_open
        assert _passphrase_changes(service) == [service.vault_id]
        assert service.check().ok  # the audit chain holds with the new row
    finally:
        service.close()
    with pytest.raises(WrongPassphrase):
        access.open_with_passphrase(folder, PASSPHRASE)
    again = access.open_with_passphrase(folder, NEW)
    try:
        assert _passphrase_changes(again) == [again.vault_id]
    finally:
        again.close()


def test_recover_works_without_the_key_file(closed: tuple[Path, str]) -> None:
    folder, recovery = closed
    (folder / "vault.key").unlink()
    access.recover(folder, recovery, NEW, kdf=fast_kdf()).close()
    assert (folder / "vault.key").exists()
    access.open_with_passphrase(folder, NEW).close()


def test_recover_can_remember_the_key(closed: tuple[Path, str], store: KeyringStore) -> None:
    folder, recovery = closed
    access.recover(folder, recovery, NEW, kdf=fast_kdf(), store=store, remember=True).close()
    service = access.open_remembered(folder, store)
    assert service is not None
    service.close()


@pytest.mark.parametrize(
    ("recovery_key", "error"),
    [
        (encode_recovery_key(secrets.token_bytes(32)), WrongPassphrase),  # another vault's
        ("A" * 55, InputRefused),  # a typo: the check fails
    ],
)
def test_a_wrong_recovery_key_opens_nothing_and_changes_no_file(
    closed: tuple[Path, str], recovery_key: str, error: type[Exception]
) -> None:
    folder, _recovery = closed
    before = snapshot(folder)
    with pytest.raises(error):
        access.recover(folder, recovery_key, NEW, kdf=fast_kdf())
    assert snapshot(folder) == before
    service = access.open_with_passphrase(folder, PASSPHRASE)  # the old passphrase still opens
    try:
        assert _passphrase_changes(service) == []
    finally:
        service.close()


def test_a_weak_new_passphrase_is_refused_before_the_vault_opens(
    closed: tuple[Path, str],
) -> None:
    folder, recovery = closed
    before = snapshot(folder)
    with pytest.raises(WeakPassphrase):
        access.recover(folder, recovery, "kort", kdf=fast_kdf())
    assert snapshot(folder) == before  # not even the generation moved


# -- start-up and the import rules -------------------------------------------------------------
def test_the_unlock_and_first_run_dialogs_import_no_sqlalchemy() -> None:
    """The dialogs show before the storage layer loads (docs/performance.md)."""
    code = (
        "import sys\n"
        "import vbedesk.storage.access, vbedesk.ui.dialogs.unlock, vbedesk.ui.dialogs.first_run\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'vbedesk.storage.service') "
        "if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=True
    )
    assert done.stdout.strip() == "[]"


#: What the UI may import from storage: the facade, the area services and their results,
#: the way into a vault, the keyring and the KDF parameters.
UI_MAY_IMPORT = {
    "vbedesk.storage.access",
    "vbedesk.storage.keys",
    "vbedesk.storage.secrets",
    "vbedesk.storage.service",
    "vbedesk.storage.services",
}
SERVICE_INTERNALS = {"vbedesk.storage.services.base", "vbedesk.storage.services.rows"}


def _storage_modules() -> set[str]:
    names = set()
    for path in (REPO / "vbedesk" / "storage").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names - {"vbedesk.storage"}


def _ui_contract() -> dict[str, object]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c.get("source_modules") == ["vbedesk.ui"]
    ]
    return contract


def test_every_storage_module_is_allowed_to_the_ui_or_forbidden() -> None:
    contract = _ui_contract()
    forbidden = set(contract["forbidden_modules"])  # type: ignore[call-overload]
    assert contract["type"] == "forbidden"
    assert not forbidden & UI_MAY_IMPORT
    assert forbidden >= SERVICE_INTERNALS

    def covered(name: str, by: set[str]) -> bool:
        return any(name == m or name.startswith(m + ".") for m in by)

    unlisted = sorted(
        name
        for name in _storage_modules()
        if not covered(name, forbidden) and not covered(name, UI_MAY_IMPORT)
    )
    assert unlisted == [], "add these to the UI's import contract in pyproject.toml"
    # Each listed module exists: a renamed one would silently leave the contract.
    assert all(covered(m, _storage_modules()) for m in forbidden)
