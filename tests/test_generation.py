"""Rollback detection: the key file records the database's generation (issue: hardening).

A database older than the last session (a restored or synced-back copy) is never passed
over silently: the vault opens, says so, ``check`` exits 4, until the copy is accepted.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, fast_kdf, run_cli
from tests.test_secrets import LeakyBrokenKeyring, MemoryKeyring
from vbedesk.model import Incident
from vbedesk.storage.keys import KeyFile
from vbedesk.storage.secrets import KeyringStore, backend_name
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import DB_NAME, KEY_NAME, Vault


def _incident() -> Incident:
    from datetime import date

    return Incident(
        received_on=date(2021, 3, 2),
        incident_types=frozenset({"KLISTERMARKEN"}),
        environment="HOGER",
    )


def _copy_db(folder: Path, to: Path) -> None:
    to.mkdir()
    for name in (DB_NAME, DB_NAME + "-wal"):
        if (folder / name).exists():
            shutil.copy2(folder / name, to / name)


def _put_back(copy: Path, folder: Path) -> None:
    (folder / (DB_NAME + "-wal")).unlink(missing_ok=True)
    (folder / (DB_NAME + "-shm")).unlink(missing_ok=True)
    for item in copy.iterdir():
        shutil.copy2(item, folder / item.name)


def _session(folder: Path, saves: int = 1) -> None:
    service = VaultService(Vault.open(folder, passphrase=PASSPHRASE))
    try:
        for _ in range(saves):
            service.incidents.add(_incident())
    finally:
        service.vault.close()


def test_every_open_and_close_is_recorded_in_the_key_file(vault_dir: Path) -> None:
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    opened = vault.generation()
    keyfile = KeyFile.load(vault_dir / KEY_NAME)
    assert keyfile.generation == opened
    assert keyfile.sealed_generation(vault.data_key) == opened
    vault.close()
    assert KeyFile.load(vault_dir / KEY_NAME).generation == opened + 1
    again = Vault.open(vault_dir, passphrase=PASSPHRASE)
    try:
        assert again.generation() == opened + 2
        assert again.rollback_suspected() is None
    finally:
        again.close()


def test_an_older_database_put_back_is_reported_until_accepted(
    vault_dir: Path, tmp_path: Path
) -> None:
    Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())[0].close()
    _session(vault_dir)
    old = tmp_path / "old-copy"
    _copy_db(vault_dir, old)
    _session(vault_dir, saves=2)
    _put_back(old, vault_dir)

    vault = Vault.open(vault_dir, passphrase=PASSPHRASE)
    try:
        found = vault.rollback_suspected()
        assert found is not None and found.found < found.expected
    finally:
        vault.close()

    env = {"VBEDESK_PASSPHRASE": PASSPHRASE}
    result = run_cli("--lang", "en", "--vault", str(vault_dir), "check", env=env)
    assert result.returncode == 4, result.stderr
    assert "older than the last session" in result.stdout
    assert "older copy than the one last used" in result.stderr
    assert "Traceback" not in result.stderr
    # Still there on the next open: the finding lives in the database, not in memory.
    again = run_cli("--lang", "en", "--vault", str(vault_dir), "check", env=env)
    assert again.returncode == 4

    accepted = run_cli(
        "--lang", "en", "--vault", str(vault_dir), "check", "--accept-old-copy", env=env
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "accepted" in accepted.stdout
    service = VaultService(Vault.open(vault_dir, passphrase=PASSPHRASE))
    try:
        assert service.vault.rollback_suspected() is None
        assert service.incidents.count() == 1  # the old copy's data, as accepted
        assert any(e.action == "accept_old_copy" for e in service.audit_entries())
    finally:
        service.vault.close()


def test_a_copy_from_within_the_last_session_is_caught_too(vault_dir: Path, tmp_path: Path) -> None:
    """Closing advances the generation, so a copy taken while the vault was open is old."""
    Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())[0].close()
    service = VaultService(Vault.open(vault_dir, passphrase=PASSPHRASE))
    during = tmp_path / "during"
    try:
        service.incidents.add(_incident())
        # As a sync client copies the files of the open vault (database and its WAL).
        _copy_db(vault_dir, during)
    finally:
        service.vault.close()  # the close alone moves the generation past the copy's
    _put_back(during, vault_dir)
    vault = Vault.open(vault_dir, passphrase=PASSPHRASE)
    try:
        assert vault.rollback_suspected() is not None
        assert VaultService(vault).incidents.count() == 1  # the copy holds the session's save
    finally:
        vault.close()


def test_a_crashed_session_is_not_taken_for_a_rollback(vault_dir: Path) -> None:
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    service = VaultService(vault)
    service.incidents.add(_incident())
    # No close: as after a crash or power loss (the OS lock goes with the process).
    assert vault.engine is not None
    vault.engine.dispose()
    vault._lock.release()
    again = Vault.open(vault_dir, passphrase=PASSPHRASE)
    try:
        assert again.rollback_suspected() is None
    finally:
        again.close()


def test_a_key_file_from_before_the_counter_opens_and_is_sealed(vault_dir: Path) -> None:
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.close()
    path = vault_dir / KEY_NAME
    document = json.loads(path.read_text())
    del document["generation"]
    path.write_text(json.dumps(document, sort_keys=True, indent=2) + "\n")
    assert KeyFile.load(path).generation is None
    again = Vault.open(vault_dir, passphrase=PASSPHRASE)
    try:
        assert again.rollback_suspected() is None
        assert KeyFile.load(path).sealed_generation(again.data_key) == again.generation()
    finally:
        again.close()


def test_a_forged_counter_is_not_believed(vault_dir: Path) -> None:
    """Raising the value without the data key breaks the seal: no false alarm, renewed."""
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.close()
    path = vault_dir / KEY_NAME
    document = json.loads(path.read_text())
    document["generation"]["value"] += 100
    path.write_text(json.dumps(document, sort_keys=True, indent=2) + "\n")
    again = Vault.open(vault_dir, passphrase=PASSPHRASE)
    try:
        assert again.rollback_suspected() is None
        keyfile = KeyFile.load(path)
        assert keyfile.sealed_generation(again.data_key) == again.generation()
    finally:
        again.close()


def test_a_malformed_counter_makes_the_key_file_damaged(vault_dir: Path) -> None:
    vault, key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.close()
    path = vault_dir / KEY_NAME
    document = json.loads(path.read_text())
    document["generation"]["value"] = "7"
    path.write_text(json.dumps(document, sort_keys=True, indent=2) + "\n")
    result = run_cli(
        "--lang",
        "en",
        "--vault",
        str(vault_dir),
        "check",
        env={"VBEDESK_PASSPHRASE": PASSPHRASE},
    )
    assert result.returncode == 4
    assert "key file is missing or damaged" in result.stderr
    # The recovery key still opens it, and a new passphrase writes a sound key file.
    opened = Vault.open(vault_dir, recovery_key=key)
    try:
        opened.change_passphrase(PASSPHRASE + " new", kdf=fast_kdf())
        assert KeyFile.load(path).sealed_generation(opened.data_key) == opened.generation()
    finally:
        opened.close()


def test_a_passphrase_change_keeps_the_counter(vault_dir: Path) -> None:
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    try:
        vault.change_passphrase(PASSPHRASE + " två", kdf=fast_kdf())
        keyfile = KeyFile.load(vault_dir / KEY_NAME)
        assert keyfile.sealed_generation(vault.data_key) == vault.generation()
    finally:
        vault.close()


# -- the keyring's copy of the counter (while the key is remembered) ------------------------
def _store(backend: MemoryKeyring | None = None) -> KeyringStore:
    backend = backend if backend is not None else MemoryKeyring()
    return KeyringStore(backend, allowed=frozenset({backend_name(backend)}))


def _copy_folder(folder: Path, to: Path) -> None:
    """The whole vault folder, key file included, as a synced or restored folder brings."""
    shutil.copytree(folder, to, ignore=shutil.ignore_patterns("*.lock", "*-shm"))


def _put_folder_back(copy: Path, folder: Path) -> None:
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", KEY_NAME):
        (folder / name).unlink(missing_ok=True)
    for item in copy.iterdir():
        if item.is_file():
            shutil.copy2(item, folder / item.name)


def _id(folder: Path) -> str:
    return KeyFile.load(folder / KEY_NAME).vault_id


def _remembered_session(folder: Path, store: KeyringStore, saves: int = 1) -> None:
    vault = Vault.open_remembered(folder, store)
    assert vault is not None
    service = VaultService(vault)
    try:
        for _ in range(saves):
            service.incidents.add(_incident())
    finally:
        vault.close()


def test_remembering_keeps_the_counter_in_the_keyring_too(vault_dir: Path) -> None:
    store = _store()
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.remember(store)
    entry = store.get_generation(vault.vault_id)
    assert entry is not None and entry[0] == vault.generation()
    vault_id = vault.vault_id
    vault.close()
    closed = store.get_generation(vault_id)
    assert closed is not None and closed[0] == entry[0] + 1  # advanced with the key file
    assert KeyFile.load(vault_dir / KEY_NAME).generation == closed[0]
    _remembered_session(vault_dir, store)
    after = store.get_generation(vault_id)
    assert after is not None and after[0] == closed[0] + 2  # one open, one close
    # The entry holds the number and its seal only, never the data key.
    data = store._backend.data  # type: ignore[union-attr]
    copy = data[(KeyringStore.SERVICE, f"{vault_id}:generation")]
    assert copy.startswith(f"g1:{after[0]}:")
    assert data[(KeyringStore.SERVICE, vault_id)] not in copy


def test_a_whole_folder_put_back_is_caught_through_the_keyring(
    vault_dir: Path, tmp_path: Path
) -> None:
    """The key file comes back with the old folder; the keyring's copy does not."""
    store = _store()
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.remember(store)
    vault.close()
    _remembered_session(vault_dir, store)
    old = tmp_path / "old-folder"
    _copy_folder(vault_dir, old)
    _remembered_session(vault_dir, store, saves=2)
    _put_folder_back(old, vault_dir)

    # The old key file agrees with the old database; the keyring's copy does not.
    old_generation = KeyFile.load(vault_dir / KEY_NAME).generation
    assert old_generation is not None
    assert old_generation < (store.get_generation(_id(vault_dir)) or (0,))[0]
    # With it (the desktop program's unlock and remembered open, the command line).
    reopened = Vault.open_remembered(vault_dir, store)
    assert reopened is not None
    try:
        found = reopened.rollback_suspected()
        assert found is not None and found.found < found.expected
    finally:
        reopened.close()
    opened = Vault.open(vault_dir, passphrase=PASSPHRASE, store=store)
    try:
        assert opened.rollback_suspected() is not None  # kept until accepted
        opened.accept_old_copy()
    finally:
        opened.close()
    again = Vault.open(vault_dir, passphrase=PASSPHRASE, store=store)
    try:
        assert again.rollback_suspected() is None
    finally:
        again.close()


def test_the_command_line_check_reads_the_keyring_copy(
    vault_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from vbedesk import cli
    from vbedesk.cli import common

    store = _store()
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.remember(store)
    vault.close()
    old = tmp_path / "old-folder"
    _copy_folder(vault_dir, old)
    _remembered_session(vault_dir, store)
    _put_folder_back(old, vault_dir)
    monkeypatch.setattr(common, "keyring", lambda: store)
    monkeypatch.setenv("VBEDESK_PASSPHRASE", PASSPHRASE)
    code = cli.main(["--lang", "en", "--vault", str(vault_dir), "check"])
    captured = capsys.readouterr()
    assert code == 4
    assert "older than the last session" in captured.out


def test_a_forged_keyring_copy_is_not_believed(vault_dir: Path) -> None:
    store = _store()
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.remember(store)
    vault_id = vault.vault_id
    vault.close()
    value, seal = store.get_generation(vault_id) or (0, b"")
    store.set_generation(vault_id, value + 100, seal)  # raised without the data key
    opened = Vault.open(vault_dir, passphrase=PASSPHRASE, store=store)
    try:
        assert opened.rollback_suspected() is None
    finally:
        opened.close()
    # A remembered open renews it with a valid seal.
    _remembered_session(vault_dir, store, saves=0)
    entry = store.get_generation(vault_id)
    assert entry is not None and entry[0] < value + 100


@pytest.mark.parametrize(
    "value",
    ["", "g1:", "g1:12", "g1:x:AAAA", "g1:-1:" + "A" * 44, "v1:AAAA", "g1:5:not base64!"],
)
def test_a_malformed_keyring_copy_is_ignored(vault_dir: Path, value: str) -> None:
    store = _store()
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.remember(store)
    vault_id = vault.vault_id
    vault.close()
    store._backend.set_password(KeyringStore.SERVICE, f"{vault_id}:generation", value)  # type: ignore[union-attr]
    assert store.get_generation(vault_id) is None
    opened = Vault.open(vault_dir, passphrase=PASSPHRASE, store=store)
    try:
        assert opened.rollback_suspected() is None
    finally:
        opened.close()


def test_a_failing_keyring_never_stops_an_open_or_a_close(vault_dir: Path) -> None:
    working = MemoryKeyring()
    store = _store(working)
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.remember(store)
    vault.close()
    broken = LeakyBrokenKeyring()
    broken.data = dict(working.data)
    failing = _store(broken)
    opened = Vault.open(vault_dir, passphrase=PASSPHRASE, store=failing)
    try:
        assert opened.rollback_suspected() is None
        VaultService(opened).incidents.add(_incident())
        during = opened.generation()
    finally:
        opened.close()  # the keyring write fails: logged, the close completes
    assert not opened.is_open
    # The key file's counter went on without the keyring.
    assert KeyFile.load(vault_dir / KEY_NAME).generation == during + 1
    again = Vault.open(vault_dir, passphrase=PASSPHRASE, store=store)
    try:
        assert again.rollback_suspected() is None
        assert VaultService(again).incidents.count() == 1
    finally:
        again.close()


def test_forgetting_removes_the_keyring_copy(vault_dir: Path) -> None:
    store = _store()
    vault, _key = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    try:
        vault.remember(store)
        assert store.get_generation(vault.vault_id) is not None
        vault.forget(store)
        assert store.get_generation(vault.vault_id) is None
        assert store.get(vault.vault_id) is None
    finally:
        vault.close()
    assert store._backend.data == {}  # type: ignore[union-attr]
    # Not remembered: opening with the keyring writes nothing there.
    Vault.open(vault_dir, passphrase=PASSPHRASE, store=store).close()
    assert store._backend.data == {}  # type: ignore[union-attr]
