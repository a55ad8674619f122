"""The vault on disk: create, open, keys, locks, schema, and what must never change."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import text

from tests.conftest import PASSPHRASE, DemoVault, fast_kdf, snapshot
from vbedesk.errors import (
    DamagedData,
    InputRefused,
    NewerVersion,
    VaultExists,
    VaultInUse,
    VaultNotFound,
    WrongPassphrase,
)
from vbedesk.model import Incident
from vbedesk.storage import schema
from vbedesk.storage.engine import connect
from vbedesk.storage.keys import KeyFile
from vbedesk.storage.secrets import KeyringStore, SecretStoreUnavailable, backend_name
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import BACKUP_DIR, Vault, synced_folder_marker


def test_create_writes_an_encrypted_database_and_a_key_file(vault_dir: Path) -> None:
    vault, recovery = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    vault.close()
    db = (vault_dir / "vault.db").read_bytes()
    assert not db.startswith(b"SQLite format 3")
    assert len(db) % 4096 == 0
    keyfile = KeyFile.load(vault_dir / "vault.key")
    assert keyfile.vault_id == vault.vault_id
    assert len(recovery.split("-")) == 11
    # Plain SQLite cannot read it.
    plain = sqlite3.connect(vault_dir / "vault.db")
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM sqlite_master").fetchall()
    plain.close()
    assert not (vault_dir / "vault.db.new").exists()


def test_every_connection_has_the_required_pragmas(service: VaultService) -> None:
    with service.vault.raw_connection() as raw:

        def value(pragma: str) -> object:
            return raw.execute(f"PRAGMA {pragma}").fetchone()[0]

        assert value("temp_store") == 2
        assert value("journal_mode") == "wal"
        assert value("synchronous") == 2
        assert value("foreign_keys") == 1
        assert value("secure_delete") == 1
        assert value("cache_size") == -65536
        assert str(value("cipher_version")).startswith("4.")
        assert str(value("cipher_log_level")) == "NONE"


def test_create_refuses_an_existing_vault_and_changes_nothing(demo_vault: DemoVault) -> None:
    before = snapshot(demo_vault.folder)
    with pytest.raises(VaultExists):
        Vault.create(demo_vault.folder, "another passphrase here", kdf=fast_kdf())
    assert snapshot(demo_vault.folder) == before


def test_open_with_the_right_passphrase_and_count(demo_vault: DemoVault) -> None:
    with Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault:
        assert VaultService(vault).incidents.count() == 80


@pytest.mark.parametrize(
    "how",
    ["passphrase", "empty passphrase", "recovery key of another vault", "data key of another"],
)
def test_a_wrong_secret_is_one_clear_error_and_changes_no_file(
    demo_vault: DemoVault, tmp_path: Path, how: str
) -> None:
    other, other_recovery = Vault.create(tmp_path / "other", PASSPHRASE, kdf=fast_kdf())
    other_key = other.data_key
    other.close()
    before = snapshot(demo_vault.folder)
    cases: dict[str, dict[str, Any]] = {
        "passphrase": {"passphrase": "wrong passphrase"},
        "empty passphrase": {"passphrase": ""},
        "recovery key of another vault": {"recovery_key": other_recovery},
        "data key of another": {"data_key": other_key},
    }
    with pytest.raises(WrongPassphrase) as info:
        Vault.open(demo_vault.folder, **cases[how])
    assert "Traceback" not in str(info.value)
    assert snapshot(demo_vault.folder) == before
    # ...and the right passphrase still works afterwards.
    Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase).close()


def test_a_damaged_header_is_refused_and_not_reinitialised(demo_vault: DemoVault) -> None:
    db = demo_vault.folder / "vault.db"
    raw = bytearray(db.read_bytes())
    raw[40] ^= 0xFF
    db.write_bytes(bytes(raw))
    before = snapshot(demo_vault.folder)
    with pytest.raises(WrongPassphrase):
        Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    assert snapshot(demo_vault.folder) == before


def test_missing_vault_is_refused_without_creating_anything(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound):
        Vault.open(tmp_path / "nowhere", passphrase=PASSPHRASE)
    assert not (tmp_path / "nowhere").exists()


def page_hashes(db: Path, page_size: int = 4096) -> list[str]:
    """The SHA-256 of every page of an (encrypted) database file, in order."""
    data = db.read_bytes()
    assert len(data) % page_size == 0
    return [
        hashlib.sha256(data[at : at + page_size]).hexdigest()
        for at in range(0, len(data), page_size)
    ]


def changed_pages(before: list[str], after: list[str]) -> list[int]:
    assert len(after) == len(before)  # no page added or dropped
    return [n for n, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]


def test_passphrase_change_rewraps_only(demo_vault: DemoVault) -> None:
    db = demo_vault.folder / "vault.db"
    vault = Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    vault.close()
    db_before = db.read_bytes()
    first = page_hashes(db)
    # The control: an open and a close alone rewrite only the page of the generation counter
    # (a page written again is encrypted with a new IV, so all of its bytes change).
    Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase).close()
    opened_and_closed = page_hashes(db)
    generation_pages = changed_pages(first, opened_and_closed)
    assert 1 <= len(generation_pages) <= 2 < len(first), generation_pages
    vault = Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    vault.change_passphrase("a brand new passphrase", kdf=fast_kdf())
    vault.close()
    # The database itself was not re-encrypted: the change wrote the pages an open and a
    # close write, and every other page is byte for byte as it was.
    assert changed_pages(opened_and_closed, page_hashes(db)) == generation_pages
    with pytest.raises(WrongPassphrase):
        Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    Vault.open(demo_vault.folder, passphrase="a brand new passphrase").close()
    Vault.open(demo_vault.folder, recovery_key=demo_vault.recovery_key).close()
    assert {p.name for p in demo_vault.folder.iterdir()} >= {"vault.db", "vault.key"}
    assert not list(demo_vault.folder.glob("vault.key.*"))
    # Nor did opening it with the new passphrase or the recovery key re-encrypt it.
    assert len(db.read_bytes()) == len(db_before)
    assert changed_pages(opened_and_closed, page_hashes(db)) == generation_pages


def test_recovery_key_opens_without_the_key_file_and_sets_a_new_passphrase(
    demo_vault: DemoVault,
) -> None:
    (demo_vault.folder / "vault.key").unlink()
    with pytest.raises(DamagedData):
        Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    # A typo in the recovery key is caught by its check before anything is opened.
    groups = demo_vault.recovery_key.split("-")
    groups[3] = groups[3][::-1] if groups[3] != groups[3][::-1] else "ZZZZZ"
    with pytest.raises(InputRefused):
        Vault.open(demo_vault.folder, recovery_key="-".join(groups))
    vault = Vault.open(demo_vault.folder, recovery_key=demo_vault.recovery_key.lower())
    vault.change_passphrase("set after recovery", kdf=fast_kdf())
    vault.close()
    with Vault.open(demo_vault.folder, passphrase="set after recovery") as again:
        assert VaultService(again).incidents.count() == 80


def test_second_open_is_refused_while_the_first_holds_the_lock(demo_vault: DemoVault) -> None:
    first = Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    try:
        with pytest.raises(VaultInUse):
            Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    finally:
        first.close()
    Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase).close()


def test_a_lock_left_by_a_killed_process_is_not_stale(demo_vault: DemoVault) -> None:
    import signal
    import subprocess
    import sys

    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from vbedesk.storage.vault import Vault\n"
        "v = Vault.open(Path(sys.argv[1]), passphrase=sys.argv[2])\n"
        "print('open', flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, str(demo_vault.folder), demo_vault.passphrase],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "open"
            with pytest.raises(VaultInUse):
                Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    # The OS released the dead process's lock: the vault opens at once.
    Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase).close()


@pytest.mark.parametrize("name", ["OneDrive - Stockholms stad", "Dropbox", "Google Drive"])
def test_synced_folders_are_refused(tmp_path: Path, name: str) -> None:
    target = tmp_path / name / "vault"
    assert synced_folder_marker(target) == name
    with pytest.raises(InputRefused):
        Vault.create(target, PASSPHRASE, kdf=fast_kdf())
    assert not target.exists()


def test_local_folders_are_not_mistaken_for_synced_ones(tmp_path: Path) -> None:
    assert synced_folder_marker(tmp_path / "AppData" / "Local" / "VBE Desk" / "vault") is None


def test_a_newer_schema_is_refused_and_left_untouched(demo_vault: DemoVault) -> None:
    vault = Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    with vault.require_engine().begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    vault.close()
    before = snapshot(demo_vault.folder)
    with pytest.raises(NewerVersion):
        Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase)
    assert snapshot(demo_vault.folder) == before


def test_an_older_schema_is_copied_aside_then_upgraded(tmp_path: Path) -> None:
    """A vault at the first revision (as released) opens at the head revision."""
    vault, _recovery = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf())
    service = VaultService(vault)
    service.incidents.add(
        Incident(
            received_on=date(2021, 3, 2),
            incident_types=frozenset({"KLISTERMARKEN"}),
            environment="HOGER",
            description="klistermärken vid busshållplatsen",
        )
    )
    engine = vault.require_engine()
    with engine.begin() as conn:
        # Go back to revision 0001 exactly as that release left it.
        for trigger in ("incident_fts_ai", "incident_fts_ad", "incident_fts_au"):
            conn.execute(text(f"DROP TRIGGER {trigger}"))
        conn.execute(text("DROP TABLE incident_fts"))
        for table in ("draft", "routine_definition", "case_log", "imported_file", "disclosure"):
            conn.execute(text(f"DROP TABLE {table}"))
        for index in ("ix_incident_year_area", "ix_incident_year_unit", "ix_incident_year_day"):
            conn.execute(text(f"DROP INDEX {index}"))
        for table, column in (
            ("action_plan", "state"),
            ("action_plan", "decided_on"),
            ("action_plan", "diarienummer"),
            ("activity", "retired_on"),
            ("unit", "valid_from"),
            ("unit", "valid_to"),
            ("course", "retired_on"),
        ):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    vault.close()
    with Vault.open(tmp_path / "v", passphrase=PASSPHRASE) as upgraded:
        svc = VaultService(upgraded)
        assert svc.info().schema_version == schema.head_revision()
        from vbedesk.model import IncidentFilter

        assert svc.incidents.count(IncidentFilter(text="busshållplatsen")) == 1
    copies = list((tmp_path / "v" / BACKUP_DIR).glob("pre-migration-0001-*.db"))
    assert len(copies) == 1
    # The copy is the encrypted database as it was: readable with the same key only.
    raw = connect(copies[0], _key_of(tmp_path / "v"), wal=False)
    try:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    finally:
        raw.close()


def _key_of(folder: Path) -> bytes:
    return KeyFile.load(folder / "vault.key").unwrap(PASSPHRASE)


def test_marker_text_is_nowhere_on_disk_in_clear(
    service: VaultService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    marker = "MARKÖR-7f3a9c-hemlig"
    for n in range(30):
        service.incidents.add(
            Incident(
                received_on=date(2021, 5, 1 + n % 28),
                incident_types=frozenset({"KLOTTER"}),
                environment="VANSTER",
                description=f"{marker} klotter nummer {n} på väggen",
                organisation=marker,
            )
        )
    from vbedesk.model import IncidentFilter

    assert service.incidents.count(IncidentFilter(text="MARKÖR")) == 30
    needles = [marker.encode("utf-8"), marker.encode("utf-16-le"), b"7f3a9c"]
    # While open (WAL and shared memory present) and after closing.
    for phase in ("open", "closed"):
        files = [p for p in list(service.vault.folder.rglob("*")) + list(temp.rglob("*"))]
        assert any(p.name.endswith("-wal") for p in files) or phase == "closed"
        for path in files:
            if path.is_file():
                data = path.read_bytes()
                for needle in needles:
                    assert needle not in data, f"{needle!r} in clear in {path.name} ({phase})"
        service.vault.close()


def test_direct_sqlcipher_reads_need_the_key(service: VaultService) -> None:
    db = service.vault.folder / "vault.db"
    service.vault.close()
    conn = sqlcipher3.connect(str(db))
    conn.execute("PRAGMA cipher_log_level = NONE")
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def test_an_interrupted_key_file_save_is_repaired_at_the_next_open(
    demo_vault: DemoVault,
) -> None:
    key = demo_vault.folder / "vault.key"
    prev = demo_vault.folder / "vault.key.prev"
    # The state a crash leaves between keeping the previous version and the rename:
    # the previous version beside a current file that did not make it to disk.
    prev.write_bytes(key.read_bytes())
    key.write_bytes(b"{ half a key file")
    Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase).close()
    assert not prev.exists()
    assert KeyFile.load(key).unwrap(demo_vault.passphrase)


@pytest.mark.parametrize("name", ["a#b", "what?", "100% sure", "Hässelby vault"])
def test_folder_names_with_uri_characters(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    vault, _recovery = Vault.create(folder, PASSPHRASE, kdf=fast_kdf())
    vault.close()
    assert sorted(p.name for p in folder.iterdir()) == ["vault.db", "vault.key", "vault.lock"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    Vault.open(folder, passphrase=PASSPHRASE).close()


# -- remember on this computer ------------------------------------------------------------


def _memory_store() -> KeyringStore:
    from tests.test_secrets import MemoryKeyring

    backend = MemoryKeyring()
    return KeyringStore(backend, allowed=frozenset({backend_name(backend)}))


def test_remembered_key_opens_without_the_passphrase(demo_vault: DemoVault) -> None:
    store = _memory_store()
    assert Vault.open_remembered(demo_vault.folder, store) is None  # nothing stored yet
    with Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault:
        vault.remember(store)
    again = Vault.open_remembered(demo_vault.folder, store)
    assert again is not None
    again.forget(store)
    again.close()
    assert Vault.open_remembered(demo_vault.folder, store) is None


def test_a_stale_remembered_key_falls_back_and_is_forgotten(
    demo_vault: DemoVault, tmp_path: Path
) -> None:
    store = _memory_store()
    other, _recovery = Vault.create(tmp_path / "other", PASSPHRASE, kdf=fast_kdf())
    vault_id = KeyFile.load(demo_vault.folder / "vault.key").vault_id
    store.set(vault_id, other.data_key)  # e.g. the vault was restored under a new key
    other.close()
    before = snapshot(demo_vault.folder)
    assert Vault.open_remembered(demo_vault.folder, store) is None
    assert snapshot(demo_vault.folder) == before
    assert store.get(vault_id) is None


def test_remember_is_refused_on_an_insecure_keyring(demo_vault: DemoVault) -> None:
    from keyring.backends import fail

    store = KeyringStore(fail.Keyring())
    assert not store.is_available()
    with (
        Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault,
        pytest.raises(SecretStoreUnavailable),
    ):
        vault.remember(store)
    assert Vault.open_remembered(demo_vault.folder, store) is None


def test_the_database_and_its_side_files_are_private(tmp_path: Path) -> None:
    """vault.db, its -wal and -shm are 0o600 like the key file, whatever the umask."""
    import os
    import stat

    old_umask = os.umask(0o022)
    try:
        vault, _recovery = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf())
        VaultService(vault).incidents.add(
            Incident(
                received_on=date(2021, 3, 2),
                incident_types=frozenset({"KLISTERMARKEN"}),
                environment="HOGER",
            )
        )
        folder = tmp_path / "v"
        modes = {
            name: stat.S_IMODE((folder / name).stat().st_mode)
            for name in ("vault.db", "vault.db-wal", "vault.db-shm", "vault.key")
        }
        vault.close()
    finally:
        os.umask(old_umask)
    assert modes == dict.fromkeys(modes, 0o600)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
