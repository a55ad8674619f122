"""Backups: create, verify, restore, and a corpus of damaged, foreign and future files."""

from __future__ import annotations

import getpass
import os
import random
import re
import shutil
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from argon2.low_level import Type, hash_secret_raw

import vbedesk
from tests.conftest import PASSPHRASE, fast_kdf, snapshot
from tests.paths import REPO
from vbedesk.errors import (
    DamagedData,
    InputRefused,
    NewerVersion,
    NotABackup,
    VbedeskError,
    WrongPassphrase,
)
from vbedesk.model import IncidentFilter
from vbedesk.storage import backup, schema
from vbedesk.storage.backup import (
    DEFAULT_KDF,
    MAGIC,
    PAGE_SIZE,
    VERSION_1_BYTE,
    VERSION_BYTE,
    BackupManifest,
    create_backup,
    header_kdf,
    restore_backup,
    verify_backup,
)
from vbedesk.storage.bootstrap import create_demo_vault
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

BACKUP_PASS = "backup passphrase for the tests"
NEW_PASS = "passphrase of the restored vault"
# A word no demo text contains; the guard has nothing to say about it.
MARKER = "kanelbullemarkering"

Dump = dict[str, list[tuple[Any, ...]]]


# -- helpers -----------------------------------------------------------------------------


def documented_kdf(salt: bytes) -> tuple[int, int, int]:
    """(time cost, memory KiB, parallelism) read from a header as docs/backup-format.md says."""
    if salt[4] == 0x01:
        return 3, 65536, 4
    assert salt[4] == 0x02, "not format 1 or 2"
    return salt[5], 2 ** salt[6], salt[7]


def documented_key(passphrase: str, salt: bytes) -> bytes:
    """The key derivation exactly as docs/backup-format.md gives it, with argon2-cffi only."""
    time_cost, memory_kib, parallelism = documented_kdf(salt)
    return hash_secret_raw(
        secret=unicodedata.normalize("NFC", passphrase).encode("utf-8"),
        salt=salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        type=Type.ID,
    )


def open_plain(path: Path, key: bytes) -> Any:
    """A connection made with the driver alone, as the city's IT would (no vbedesk code)."""
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def user_tables(conn: Any) -> list[str]:
    return sorted(
        str(r[1])
        for r in conn.execute("PRAGMA main.table_list")
        if r[2] == "table" and not str(r[1]).startswith("sqlite_") and r[1] != "backup_manifest"
    )


def dump(conn: Any) -> Dump:
    """Every row of every user table, sorted, to compare two databases row by row."""
    return {
        table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
        for table in user_tables(conn)
    }


#: The header of the tests' backups up to the random bytes: format 2, time cost 1,
#: 2**6 = 64 KiB, parallelism 1 (``fast_kdf()``).
TEST_HEAD = MAGIC + bytes([VERSION_BYTE, 1, 6, 1])


def rewrite(
    src: Path,
    dst: Path,
    *,
    head: bytes = TEST_HEAD,
    after: str = "",
    passphrase: str = BACKUP_PASS,
) -> None:
    """A new backup file made honestly from ``src`` with standard tools and the documented
    key derivation: a new salt starting with ``head`` (and so another key), then ``after``
    run on the copy."""
    work = dst.with_name(dst.name + ".src")
    shutil.copyfile(src, work)
    salt = head + os.urandom(16 - len(head))
    # A version byte other than 01 and 02 has no known parameters: the key is derived as
    # if it were format 2 (any key will do, since a reader must refuse it before deriving).
    known = salt[4] in (VERSION_1_BYTE, VERSION_BYTE)
    new_key = documented_key(passphrase, salt if known else TEST_HEAD + salt[len(TEST_HEAD) :])
    conn = open_plain(work, documented_key(passphrase, src.read_bytes()[:16]))
    try:
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS b KEY ?", (str(dst), f"x'{new_key.hex()}{salt.hex()}'"))
        conn.execute("SELECT sqlcipher_export('b')").fetchall()
        conn.execute(f"PRAGMA b.user_version = {user_version}")
        if after:
            conn.executescript(after)
        conn.execute("DETACH DATABASE b")
    finally:
        conn.close()
    work.unlink()
    for suffix in ("-journal", "-wal", "-shm"):
        assert not Path(f"{dst}{suffix}").exists()
    assert dst.read_bytes()[:16] == salt


def set_byte(at: int, value: int) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        return data[:at] + bytes([value]) + data[at + 1 :]

    return mutate


# -- the source vault and its backup, made once ------------------------------------------


@dataclass(frozen=True)
class Source:
    folder: Path
    backup: Path
    manifest: BackupManifest
    rows: Dump
    generation: int
    created_before: datetime


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    root = tmp_path_factory.mktemp("source")
    svc, _recovery = create_demo_vault(root / "v", PASSPHRASE, kdf=fast_kdf())
    try:
        template = svc.incidents.list_full(limit=1)[0]
        svc.incidents.add(
            replace(template, id=None, description=f"Klotter med {MARKER} vid entrén.")
        )
        started = datetime.now(UTC).replace(microsecond=0)
        out = root / "backups" / "demo.vbdk"
        out.parent.mkdir()
        manifest = create_backup(svc.vault, out, BACKUP_PASS, kdf=fast_kdf())
        with svc.vault.raw_connection() as raw:
            rows = dump(raw)
            generation = int(
                raw.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
            )
    finally:
        svc.vault.close()
    return Source(root / "v", out, manifest, rows, generation, started)


@pytest.fixture
def vault(source: Source) -> Iterator[Vault]:
    """The source vault, open (closed again at the end of the test)."""
    opened = Vault.open(source.folder, passphrase=PASSPHRASE)
    yield opened
    if opened.is_open:
        opened.close()


# -- create and verify -------------------------------------------------------------------


def test_create_writes_a_verified_backup_whose_manifest_matches_the_vault(
    source: Source,
) -> None:
    m = source.manifest
    assert m.format_version == 2
    assert m.schema_version == schema.head_revision()
    assert m.program_version == vbedesk.__version__
    assert m.generation == source.generation
    assert source.created_before <= m.created <= datetime.now(UTC) + timedelta(seconds=1)
    assert m.counts == {table: len(rows) for table, rows in source.rows.items()}
    assert m.counts["incident"] > 50
    assert "incident_fts_data" not in m.counts and "incident_fts" not in m.counts
    # Only the backup in its folder: no partial file, no journal.
    assert sorted(p.name for p in source.backup.parent.iterdir()) == ["demo.vbdk"]

    data = source.backup.read_bytes()
    assert data[:8] == TEST_HEAD  # the parameters of fast_kdf() in the header
    assert len(data) % PAGE_SIZE == 0
    if os.name != "nt":
        assert source.backup.stat().st_mode & 0o777 == 0o600

    before = snapshot(source.backup.parent)
    assert verify_backup(source.backup, BACKUP_PASS) == m
    assert snapshot(source.backup.parent) == before


def test_backup_opens_with_standard_tools_and_the_documented_derivation(source: Source) -> None:
    salt = source.backup.read_bytes()[:16]
    conn = open_plain(source.backup, documented_key(BACKUP_PASS, salt))
    try:
        manifest = dict(conn.execute("SELECT key, value FROM backup_manifest").fetchall())
        assert conn.execute("PRAGMA cipher_page_size").fetchone()[0] == str(PAGE_SIZE)
        assert conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA512"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == int(schema.head_revision())
        assert dump(conn) == source.rows
    finally:
        conn.close()
    assert manifest["format"] == "vbedesk-backup"
    assert manifest["format_version"] == "2"
    assert manifest["schema_version"] == schema.head_revision()
    assert manifest["vault_id"] == source.manifest.vault_id
    assert manifest["count:incident"] == str(len(source.rows["incident"]))


FORMAT_DOC = REPO / "docs" / "backup-format.md"


def test_the_documented_worked_example_derives_its_key() -> None:
    """docs/backup-format.md's worked example: its header, passphrase and key agree with
    the documented recipe and with the program's own derivation."""
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    example = doc[doc.index("### Worked example") :]
    header = re.search(r"```\n((?:[0-9A-F]{2} ?\s*){16})\n", example)
    passphrase = re.search(r"backup passphrase\s+`([^`]+)`", example)
    key = re.search(r"```\n([0-9a-f]{64})\n```", example)
    assert header and passphrase and key, "the worked example lost its parts"
    salt = bytes.fromhex(header.group(1))
    assert documented_kdf(salt) == DEFAULT_KDF
    assert documented_key(passphrase.group(1), salt).hex() == key.group(1)
    assert backup._derive(passphrase.group(1), salt).hex() == key.group(1)
    assert f"PRAGMA key = \"x'{key.group(1)}'\";" in example


def test_the_documented_python_recipe_opens_the_backup(
    source: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The page's Python snippet, run as it stands (the passphrase typed in)."""
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    recipe = doc[doc.index("```python\nimport getpass") + len("```python\n") :]
    recipe = recipe[: recipe.index("```")]
    shutil.copyfile(source.backup, tmp_path / "backup.vbdk")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": BACKUP_PASS)
    exec(compile(recipe, str(FORMAT_DOC), "exec"), {})  # noqa: S102 - our own documentation
    printed = capsys.readouterr().out.strip()
    match = re.fullmatch(r"PRAGMA key = \"x'([0-9a-f]{64})'\";", printed)
    assert match, printed
    conn = open_plain(tmp_path / "backup.vbdk", bytes.fromhex(match.group(1)))
    try:
        assert dump(conn) == source.rows
    finally:
        conn.close()


def test_production_key_derivation_is_the_default(vault: Vault, tmp_path: Path) -> None:
    out = tmp_path / "prod.vbdk"
    manifest = create_backup(vault, out, BACKUP_PASS)
    assert DEFAULT_KDF == (3, 65536, 4)
    # Format 2: time cost 3, memory 2**16 KiB, parallelism 4, then 8 random bytes.
    assert out.read_bytes()[:8] == MAGIC + bytes([0x02, 3, 16, 4])
    assert documented_kdf(out.read_bytes()[:16]) == DEFAULT_KDF
    assert verify_backup(out, BACKUP_PASS) == manifest
    conn = open_plain(out, documented_key(BACKUP_PASS, out.read_bytes()[:16]))
    try:
        assert (
            conn.execute("SELECT count(*) FROM incident").fetchone()[0]
            == (manifest.counts["incident"])
        )
    finally:
        conn.close()


def test_a_format_1_backup_is_still_read_and_restored(source: Source, tmp_path: Path) -> None:
    """Format 1 (version byte 01, the fixed parameters, 11 random bytes) as earlier
    versions wrote it."""
    old = tmp_path / "format-1.vbdk"
    rewrite(
        source.backup,
        old,
        head=MAGIC + bytes([VERSION_1_BYTE]),
        after="UPDATE b.backup_manifest SET value = '1' WHERE key = 'format_version'",
    )
    manifest = verify_backup(old, BACKUP_PASS)
    assert manifest.format_version == 1
    assert manifest.counts == source.manifest.counts
    restored, _recovery = restore_backup(
        old, BACKUP_PASS, tmp_path / "restored", new_passphrase=NEW_PASS, kdf=fast_kdf()
    )
    try:
        assert VaultService(restored).incidents.count() == source.manifest.counts["incident"]
    finally:
        restored.close()


@pytest.mark.parametrize(
    ("costs", "why"),
    [
        ((1, 64, 1), "below the floor"),  # not from KdfParams.insecure_for_tests()
        ((3, 65000, 2), "a backup takes"),  # memory not a power of two
        ((11, 65536, 2), "a backup takes"),  # time cost above 10
        ((3, 2**21, 2), "a backup takes"),  # memory above 1 GiB
    ],
)
def test_create_refuses_parameters_outside_the_format(
    vault: Vault, tmp_path: Path, costs: tuple[int, int, int], why: str
) -> None:
    with pytest.raises(ValueError, match=why):
        create_backup(vault, tmp_path / "b.vbdk", BACKUP_PASS, kdf=KdfParams.fresh(*costs))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="does not exist") as info:
        verify_backup(tmp_path / "missing.vbdk", BACKUP_PASS)
    assert type(info.value) is InputRefused
    with pytest.raises(NotABackup):
        verify_backup(tmp_path, BACKUP_PASS)
    assert list(tmp_path.iterdir()) == []


def test_incident_text_is_not_in_the_backup_in_clear(source: Source) -> None:
    data = source.backup.read_bytes()
    assert MARKER.encode("utf-8") not in data
    assert MARKER.encode("utf-16-le") not in data
    assert any(MARKER in str(row) for row in source.rows["incident"])


def test_create_refuses_an_existing_file_and_overwrites_nothing(
    vault: Vault, tmp_path: Path
) -> None:
    out = tmp_path / "taken.vbdk"
    out.write_bytes(b"somebody else's file")
    before = snapshot(tmp_path)
    with pytest.raises(InputRefused, match="already exists"):
        create_backup(vault, out, BACKUP_PASS, kdf=fast_kdf())
    assert snapshot(tmp_path) == before


def test_create_refuses_a_missing_folder(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="does not exist"):
        create_backup(vault, tmp_path / "nowhere" / "b.vbdk", BACKUP_PASS, kdf=fast_kdf())
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("passphrase", ["short", "elevenchars", " " * 20, "  eleven chr  "])
def test_create_refuses_a_short_passphrase(vault: Vault, tmp_path: Path, passphrase: str) -> None:
    with pytest.raises(InputRefused, match="at least 12 characters"):
        create_backup(vault, tmp_path / "b.vbdk", passphrase, kdf=fast_kdf())
    assert list(tmp_path.iterdir()) == []


def test_refusals_never_repeat_the_passphrase(vault: Vault, tmp_path: Path) -> None:
    secret = "tiny"
    with pytest.raises(VbedeskError) as info:
        create_backup(vault, tmp_path / "b.vbdk", secret, kdf=fast_kdf())
    assert secret not in str(info.value)


@pytest.mark.parametrize("stop_before", ["export", "verify", "rename"])
def test_cancel_leaves_no_file_behind(vault: Vault, tmp_path: Path, stop_before: str) -> None:
    order = ["export", "verify", "rename"]
    steps: list[str] = []
    with pytest.raises(InputRefused, match="The backup was cancelled"):
        create_backup(
            vault,
            tmp_path / "b.vbdk",
            BACKUP_PASS,
            progress=steps.append,
            cancel=lambda: len(steps) == order.index(stop_before),
            kdf=fast_kdf(),
        )
    assert steps == order[: order.index(stop_before)]
    assert list(tmp_path.iterdir()) == []


def test_progress_reports_each_step(vault: Vault, tmp_path: Path) -> None:
    steps: list[str] = []
    create_backup(vault, tmp_path / "b.vbdk", BACKUP_PASS, progress=steps.append, kdf=fast_kdf())
    assert steps == ["export", "verify", "rename"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.vbdk"]


def test_a_failure_midway_deletes_the_partial_file(vault: Vault, tmp_path: Path) -> None:
    seen: list[str] = []

    def progress(step: str) -> None:
        if step == "verify":
            seen.extend(p.name for p in tmp_path.iterdir())
            raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        create_backup(vault, tmp_path / "b.vbdk", BACKUP_PASS, progress=progress, kdf=fast_kdf())
    assert len(seen) == 1 and seen[0].startswith(".b.vbdk.partial-")
    assert list(tmp_path.iterdir()) == []
    # The vault is still usable afterwards (the backup database was detached).
    assert VaultService(vault).incidents.count() > 0


def test_names_with_uri_characters_work(vault: Vault, tmp_path: Path) -> None:
    out = tmp_path / "b#2 100%?.vbdk"
    create_backup(vault, out, BACKUP_PASS, kdf=fast_kdf())
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    verify_backup(out, BACKUP_PASS)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


# -- restore -----------------------------------------------------------------------------


def test_restore_round_trip_keeps_every_row_and_the_schema(source: Source, tmp_path: Path) -> None:
    target = tmp_path / "restored"
    steps: list[str] = []
    restored, recovery = restore_backup(
        source.backup,
        BACKUP_PASS,
        target,
        new_passphrase=NEW_PASS,
        kdf=fast_kdf(),
        progress=steps.append,
    )
    try:
        assert steps == ["verify", "restore", "rename", "open"]
        assert restored.vault_id == source.manifest.vault_id
        with restored.raw_connection() as raw:
            rows = dump(raw)
            tables = {str(r[1]) for r in raw.execute("PRAGMA table_list")}
            user_version = raw.execute("PRAGMA user_version").fetchone()[0]
        assert "backup_manifest" not in tables
        assert user_version == int(source.manifest.schema_version)
        # Opening counts as a generation; everything else is identical, row by row.
        generation = ("generation", str(source.manifest.generation + 1))
        assert generation in rows["meta"]
        strip = [r for r in rows["meta"] if r[0] != "generation"]
        assert strip == [r for r in source.rows["meta"] if r[0] != "generation"]
        assert {t: r for t, r in rows.items() if t != "meta"} == {
            t: r for t, r in source.rows.items() if t != "meta"
        }
        with restored.raw_connection() as raw:
            revision = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert revision == source.manifest.schema_version == schema.head_revision()
        service = VaultService(restored)
        # The full-text index came along and works.
        found = service.incidents.list_full(IncidentFilter(text=MARKER))
        assert len(found) == 1 and MARKER in found[0].description
        data_key = restored.data_key
    finally:
        restored.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["restored"]
    # A new data key: the recovery key opens the restored vault, not the source.
    again = Vault.open(target, recovery_key=recovery)
    assert again.data_key == data_key
    again.close()
    with pytest.raises(WrongPassphrase):
        Vault.open(source.folder, recovery_key=recovery)


def test_restore_into_an_empty_folder(source: Source, tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    restored, _recovery = restore_backup(
        source.backup,
        BACKUP_PASS,
        target,
        new_passphrase=NEW_PASS,
        kdf=fast_kdf(),
    )
    restored.close()
    assert Vault.exists(target)


@pytest.mark.parametrize("occupant", ["vault", "file", "plain file as target"])
def test_restore_never_writes_over_an_existing_target(
    source: Source, tmp_path: Path, occupant: str
) -> None:
    if occupant == "vault":
        target = tmp_path / "existing"
        svc, _ = create_demo_vault(target, PASSPHRASE, kdf=fast_kdf())
        svc.vault.close()
    elif occupant == "file":
        target = tmp_path / "existing"
        target.mkdir()
        (target / "notes.txt").write_text("keep me", encoding="utf-8")
    else:
        target = tmp_path / "existing"
        target.write_text("keep me", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(InputRefused):
        restore_backup(
            source.backup,
            BACKUP_PASS,
            target,
            new_passphrase=NEW_PASS,
            kdf=fast_kdf(),
        )
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]


def test_restore_cancelled_leaves_no_staging_folder(source: Source, tmp_path: Path) -> None:
    steps: list[str] = []
    with pytest.raises(InputRefused, match="cancelled"):
        restore_backup(
            source.backup,
            BACKUP_PASS,
            tmp_path / "restored",
            new_passphrase=NEW_PASS,
            kdf=fast_kdf(),
            progress=steps.append,
            cancel=lambda: "restore" in steps,
        )
    assert list(tmp_path.iterdir()) == []


def test_restore_refuses_a_weak_new_passphrase(source: Source, tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="too weak"):
        restore_backup(
            source.backup,
            BACKUP_PASS,
            tmp_path / "restored",
            new_passphrase="short",
            kdf=fast_kdf(),
        )
    assert list(tmp_path.iterdir()) == []


# -- the corpus: each fault gives exactly its class and changes nothing -------------------


def flip(offset: Callable[[int], int]) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        at = offset(len(data))
        return data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1 :]

    return mutate


def swap_pages(a: int, b: int) -> Callable[[bytes], bytes]:
    """Swap the 1-based pages ``a`` < ``b``."""

    def mutate(data: bytes) -> bytes:
        pages = [data[i : i + PAGE_SIZE] for i in range(0, len(data), PAGE_SIZE)]
        pages[a - 1], pages[b - 1] = pages[b - 1], pages[a - 1]
        return b"".join(pages)

    return mutate


def plaintext_sqlite(_src: Path, dst: Path) -> None:
    """A plain SQLite file, even with a manifest table that claims to be a backup."""
    conn = sqlite3.connect(dst)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE backup_manifest (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO backup_manifest VALUES ('format', 'vbedesk-backup')")
    conn.commit()
    conn.close()


def vault_database(src: Path, dst: Path) -> None:
    """A vault's own database file (encrypted, but under a random salt and the data key)."""
    shutil.copyfile(src.parents[1] / "v" / "vault.db", dst)


def by_rewrite(**kwargs: Any) -> Callable[[Path, Path], None]:
    def build(src: Path, dst: Path) -> None:
        rewrite(src, dst, **kwargs)

    return build


def rng(seed: int) -> random.Random:
    return random.Random(seed)


@dataclass(frozen=True)
class Case:
    """One suspect file: made from the good backup's bytes (``mutate``) or written anew from
    the good backup (``build``), tried with ``passphrase``; ``expected`` is its one class."""

    name: str
    expected: type[VbedeskError]
    mutate: Callable[[bytes], bytes] | None = None
    build: Callable[[Path, Path], None] | None = None
    passphrase: str = BACKUP_PASS


def manifest_edit(sql: str) -> Callable[[Path, Path], None]:
    return by_rewrite(after=sql)


CORPUS = [
    Case("wrong-passphrase", WrongPassphrase, passphrase="not the backup passphrase"),
    Case("flip-header-byte-20", WrongPassphrase, flip(lambda n: 20)),
    Case("flip-header-byte-100", WrongPassphrase, flip(lambda n: 100)),
    Case("flip-salt-random-byte-8", WrongPassphrase, flip(lambda n: 8)),
    Case("flip-middle-of-page-3", DamagedData, flip(lambda n: 2 * PAGE_SIZE + PAGE_SIZE // 2)),
    Case("flip-middle-of-last-page", DamagedData, flip(lambda n: n - PAGE_SIZE // 2)),
    Case("truncated-at-page-boundary", DamagedData, lambda d: d[:-PAGE_SIZE]),
    Case("truncated-mid-page", NotABackup, lambda d: d[: -PAGE_SIZE // 2]),
    Case("appended-page-of-random", DamagedData, lambda d: d + rng(1).randbytes(PAGE_SIZE)),
    Case("appended-100-bytes", NotABackup, lambda d: d + rng(2).randbytes(100)),
    Case("swapped-pages-2-and-4", DamagedData, swap_pages(2, 4)),
    Case("empty-file", NotABackup, lambda d: b""),
    Case("random-100-bytes", NotABackup, lambda d: rng(3).randbytes(100)),
    Case("random-5000-bytes", NotABackup, lambda d: rng(4).randbytes(5000)),
    Case("random-3-pages", NotABackup, lambda d: rng(5).randbytes(3 * PAGE_SIZE)),
    Case("plaintext-sqlite", NotABackup, build=plaintext_sqlite),
    Case("renamed-pdf", NotABackup, lambda d: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".ljust(8192, b"\n")),
    Case("vault-database-file", NotABackup, build=vault_database, passphrase=PASSPHRASE),
    Case("magic-but-no-manifest", NotABackup, build=manifest_edit("DROP TABLE b.backup_manifest")),
    Case(
        "wrong-format-marker",
        NotABackup,
        build=manifest_edit("UPDATE b.backup_manifest SET value = 'x' WHERE key = 'format'"),
    ),
    Case("version-byte-0", NotABackup, build=by_rewrite(head=MAGIC + b"\x00" + TEST_HEAD[5:])),
    Case(
        "future-version-byte-3",
        NewerVersion,
        build=by_rewrite(head=MAGIC + b"\x03" + TEST_HEAD[5:]),
    ),
    # The parameters in the header: out of bounds is refused before Argon2id runs (no
    # 2**48 KiB asked for); a change within bounds gives another key.
    Case("kdf-time-cost-0", DamagedData, set_byte(5, 0)),
    Case("kdf-time-cost-200", DamagedData, set_byte(5, 200)),
    Case("kdf-memory-2-to-the-48", DamagedData, set_byte(6, 48)),
    Case("kdf-memory-2-to-the-21", DamagedData, set_byte(6, 21)),
    Case("kdf-memory-2-to-the-2", DamagedData, set_byte(6, 2)),
    Case("kdf-parallelism-0", DamagedData, set_byte(7, 0)),
    Case("kdf-parallelism-16-over-64-kib", DamagedData, set_byte(7, 16)),
    Case("kdf-time-cost-changed-in-bounds", WrongPassphrase, set_byte(5, 2)),
    Case("version-byte-changed-to-1", WrongPassphrase, set_byte(4, VERSION_1_BYTE)),
    Case(
        "future-format-version-3",
        NewerVersion,
        build=manifest_edit(
            "UPDATE b.backup_manifest SET value = '3' WHERE key = 'format_version'"
        ),
    ),
    Case(
        "unknown-schema-9999",
        NewerVersion,
        build=manifest_edit(
            "UPDATE b.backup_manifest SET value = '9999' WHERE key = 'schema_version'"
        ),
    ),
    Case(
        "manifest-count-changed",
        DamagedData,
        build=manifest_edit(
            "UPDATE b.backup_manifest SET value = value + 1 WHERE key = 'count:incident'"
        ),
    ),
    Case(
        "row-deleted-behind-the-manifest",
        DamagedData,
        build=manifest_edit("DELETE FROM b.unit WHERE rowid = (SELECT max(rowid) FROM b.unit)"),
    ),
]


@pytest.fixture(params=CORPUS, ids=[case.name for case in CORPUS])
def corpus_file(
    request: pytest.FixtureRequest, source: Source, tmp_path: Path
) -> tuple[Path, str, type[VbedeskError]]:
    case: Case = request.param
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "suspect.vbdk"
    if case.build is not None:
        case.build(source.backup, path)
    elif case.mutate is not None:
        path.write_bytes(case.mutate(source.backup.read_bytes()))
    else:
        shutil.copyfile(source.backup, path)
    for leftover in ("-journal", "-wal", "-shm", ".src"):
        assert not Path(f"{path}{leftover}").exists()
    return path, case.passphrase, case.expected


def test_corpus_verify_gives_exactly_its_class_and_changes_nothing(
    corpus_file: tuple[Path, str, type[VbedeskError]],
) -> None:
    path, passphrase, expected = corpus_file
    before = snapshot(path.parent)
    with pytest.raises(VbedeskError) as info:
        verify_backup(path, passphrase)
    assert type(info.value) is expected, info.value
    assert snapshot(path.parent) == before
    # Stable: the same answer the second time.
    with pytest.raises(expected):
        verify_backup(path, passphrase)
    assert snapshot(path.parent) == before


def test_corpus_restore_gives_the_same_class_and_creates_nothing(
    corpus_file: tuple[Path, str, type[VbedeskError]], tmp_path: Path
) -> None:
    path, passphrase, expected = corpus_file
    before = snapshot(path.parent)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(VbedeskError) as info:
        restore_backup(
            path,
            passphrase,
            out / "restored",
            new_passphrase=NEW_PASS,
            kdf=fast_kdf(),
        )
    assert type(info.value) is expected, info.value
    assert snapshot(path.parent) == before
    assert list(out.iterdir()) == []


def test_error_messages_name_no_secret(
    corpus_file: tuple[Path, str, type[VbedeskError]],
) -> None:
    path, passphrase, _expected = corpus_file
    with pytest.raises(VbedeskError) as info:
        verify_backup(path, passphrase)
    text = str(info.value) + repr(info.value.params)
    assert passphrase not in text
    salt = path.read_bytes()[:16]
    if salt[:4] == MAGIC and salt[4] in (VERSION_1_BYTE, VERSION_BYTE):
        try:
            header_kdf(salt)
        except VbedeskError:
            return  # impossible parameters: no key was ever derived
        assert documented_key(passphrase, salt).hex() not in text
