"""Tamper suite: seeded random byte flips, truncations and appends on the files at rest.

Three targets, each mutated copy opened the way the program opens it:

* the vault database (``vault.db``): ``Vault.open`` with the passphrase or the recovery
  key, then ``VaultService.check`` and reads;
* the key file (``vault.key``): ``Vault.open`` with the passphrase, then with the
  recovery key (which must open whatever happened to the key file);
* a backup (``*.vbdk``): ``verify_backup``, and ``restore_backup`` for every third one.

Each mutation has an expected outcome worked out from where it lands, independently of
the code under test (the page layout of SQLCipher 4, the JSON of the key file, the
backup's header). A mutation is never accepted silently: it is refused with its one
class, detected by ``check``, or shown harmless by proof (the key file's JSON document
or decoded bytes are unchanged, and so is every row of the vault). The counts per target
and outcome are printed (``pytest -s``) for docs/reliability.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import random
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSPHRASE, fast_kdf, snapshot
from vbedesk.errors import DamagedData, NewerVersion, NotABackup, VbedeskError, WrongPassphrase
from vbedesk.storage.backup import PAGE_SIZE, restore_backup, verify_backup
from vbedesk.storage.bootstrap import create_demo_vault
from vbedesk.storage.keys import MAX_MEMORY_KIB, MAX_PARALLELISM, MAX_TIME_COST, KeyFile
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import DB_NAME, KEY_NAME, Vault

pytestmark = pytest.mark.slow

SEED = 20261128
BACKUP_PASS = "tamper suite backup passphrase"
NEW_PASS = "passphrase of the restored vault"
# SQLCipher 4 defaults, used by the vault and the backup alike: 4096-byte pages, the
# first 16 bytes of the file are the salt, and the last 80 bytes of every page are the
# reserve (16-byte IV + 64-byte HMAC-SHA512 over page number, content and IV).
SALT_BYTES = 16
RESERVE_BYTES = 80
GENERATION_WARNING = "generation seal does not match"

# Outcomes (also the row labels of the report).
WRONG_AT_OPEN = "WrongPassphrase at open"
DAMAGED_AT_OPEN = "DamagedData at open"
NEWER_AT_OPEN = "NewerVersion at open"
DAMAGED_AT_CHECK = "DamagedData at check"
SEAL_RENEWED = "accepted: generation seal failed, renewed (harmless)"
SAME_KEYFILE = "accepted: same key file content (harmless)"
ACCEPTED = "accepted"

Dump = dict[str, list[tuple[Any, ...]]]


# -- mutations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """One change of a file's bytes: ``flip`` XORs ``value`` into the byte at ``at``;
    ``truncate`` keeps the first ``at`` bytes; ``append`` adds ``extra``."""

    kind: str
    at: int = 0
    value: int = 0
    extra: bytes = b""

    def apply(self, data: bytes) -> bytes:
        if self.kind == "flip":
            return data[: self.at] + bytes([data[self.at] ^ self.value]) + data[self.at + 1 :]
        if self.kind == "truncate":
            return data[: self.at]
        return data + self.extra

    def label(self) -> str:
        if self.kind == "flip":
            return f"flip byte {self.at} ^ {self.value:#04x}"
        if self.kind == "truncate":
            return f"truncate to {self.at} bytes"
        return f"append {len(self.extra)} bytes"


def _flip(rng: random.Random, at: int) -> Mutation:
    return Mutation("flip", at, rng.randrange(1, 256))


def _append(rng: random.Random, length: int) -> Mutation:
    # Every fourth append is zeros (a file system's zero fill), the others random bytes.
    extra = bytes(length) if rng.random() < 0.25 else rng.randbytes(length)
    return Mutation("append", extra=extra)


def page_file_mutations(
    seed: int, size: int, *, flips: int, cuts: int, appends: int
) -> list[Mutation]:
    """Mutations of a SQLCipher file of ``size`` bytes: every region gets some.

    Flips: a quarter in page 1 (salt included), a tenth in the reserve (IV, HMAC) of a
    random page, the rest anywhere in pages 2 and later. Cuts and appends: the edge
    lengths first (empty, inside the salt, one page, one byte short), then random ones.
    """
    rng = random.Random(seed)
    pages = size // PAGE_SIZE
    found: list[Mutation] = [_flip(rng, rng.randrange(SALT_BYTES)) for _ in range(4)]
    found += [_flip(rng, rng.randrange(SALT_BYTES, PAGE_SIZE)) for _ in range(flips // 4 - 4)]
    found += [
        _flip(rng, rng.randrange(pages) * PAGE_SIZE + PAGE_SIZE - rng.randrange(1, 81))
        for _ in range(flips // 10)
    ]
    found += [_flip(rng, rng.randrange(PAGE_SIZE, size)) for _ in range(flips - len(found))]
    edge_cuts = [0, 1, SALT_BYTES - 1, PAGE_SIZE - 1, PAGE_SIZE, size - PAGE_SIZE, size - 1]
    found += [Mutation("truncate", n) for n in edge_cuts]
    found += [Mutation("truncate", rng.randrange(size)) for _ in range(cuts - len(edge_cuts))]
    edge_appends = [1, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1]
    found += [_append(rng, n) for n in edge_appends]
    found += [_append(rng, rng.randrange(1, 3 * PAGE_SIZE)) for _ in range(appends - 4)]
    return found


def keyfile_mutations(
    seed: int, data: bytes, *, flips: int, cuts: int, appends: int
) -> list[Mutation]:
    rng = random.Random(seed)
    # Half random bytes XORed in, half single bits of ASCII (those keep the JSON readable
    # more often, and so reach the wrap's authentication instead of the parser).
    found = [_flip(rng, rng.randrange(len(data))) for _ in range(flips // 2)]
    found += [
        Mutation("flip", rng.randrange(len(data)), 1 << rng.randrange(7))
        for _ in range(flips - len(found))
    ]
    edge_cuts = [0, 1, len(data) // 2, len(data) - 2, len(data) - 1]
    found += [Mutation("truncate", n) for n in edge_cuts]
    found += [Mutation("truncate", rng.randrange(len(data))) for _ in range(cuts - len(edge_cuts))]
    edge_appends = [b"\n", b" \t\r\n", b"{}", b"\x00", b'{"version": 2}']
    found += [Mutation("append", extra=extra) for extra in edge_appends]
    found += [_append(rng, rng.randrange(1, 200)) for _ in range(appends - len(edge_appends))]
    return found


# -- the prepared vault and backup, made once ----------------------------------------------


@dataclass(frozen=True)
class Prepared:
    folder: Path
    recovery_key: str
    backup: bytes
    rows: Dump

    @property
    def db(self) -> bytes:
        return (self.folder / DB_NAME).read_bytes()

    @property
    def key(self) -> bytes:
        return (self.folder / KEY_NAME).read_bytes()


def vault_rows(vault: Vault) -> Dump:
    """Every row of every table except the generation counter (every open and close
    moves it), sorted: equal dumps mean equal data."""
    with vault.raw_connection() as raw:
        conn: Any = raw
        tables = sorted(
            str(r[1])
            for r in conn.execute("PRAGMA main.table_list")
            if r[2] == "table" and not str(r[1]).startswith("sqlite_")
        )
        rows = {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    rows["meta"] = [r for r in rows["meta"] if r[0] not in ("generation", "rollback_suspected")]
    return rows


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    root = tmp_path_factory.mktemp("prepared")
    service, recovery = create_demo_vault(root / "vault", PASSPHRASE, kdf=fast_kdf())
    try:
        service.backups.create(root / "demo.vbdk", BACKUP_PASS, kdf=fast_kdf())
        rows = vault_rows(service.vault)
    finally:
        service.vault.close()
    assert sum(len(r) for r in rows.values()) > 100  # a real vault, not an empty one
    return Prepared(root / "vault", recovery, (root / "demo.vbdk").read_bytes(), rows)


@pytest.fixture
def copies(tmp_path: Path, prepared: Prepared) -> Iterator[Any]:
    """A fresh copy of the prepared vault folder per call, removed again after use."""
    made: list[Path] = []

    def fresh(name: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(prepared.folder, folder)
        made.append(folder)
        return folder

    yield fresh
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


def region(m: Mutation) -> str:
    """Where a flip of a SQLCipher file lands (for the report): salt, the rest of page 1,
    the reserve (IV and HMAC) of a page, or the encrypted content of a later page."""
    if m.kind != "flip":
        return m.kind
    if m.at < SALT_BYTES:
        return "flip salt"
    if m.at % PAGE_SIZE >= PAGE_SIZE - RESERVE_BYTES:
        return "flip reserve"
    return "flip page 1" if m.at < PAGE_SIZE else "flip data"


def report(target: str, tally: Counter[tuple[str, str]]) -> None:
    total = sum(tally.values())
    print(f"\n[tamper] {target}: {total} mutations")
    for (kind, outcome), n in sorted(tally.items()):
        print(f"[tamper]   {kind:<13} {outcome:<55} {n:>4}")


# -- the vault database --------------------------------------------------------------------


def expected_for_database(m: Mutation, size: int) -> set[str]:
    if m.kind == "flip":
        # Page 1 holds the salt and the schema header: a wrong key looks exactly like it.
        return {WRONG_AT_OPEN} if m.at < PAGE_SIZE else {DAMAGED_AT_OPEN, DAMAGED_AT_CHECK}
    if m.kind == "truncate" and m.at < PAGE_SIZE:
        return {DAMAGED_AT_OPEN}  # not even one page: damaged whatever the key
    return {DAMAGED_AT_OPEN, DAMAGED_AT_CHECK}


def damaged_page(m: Mutation, size: int) -> int | None:
    """The 1-based page that ``check`` must name, where one page alone is hit."""
    if m.kind == "flip":
        return m.at // PAGE_SIZE + 1
    if m.kind == "append":
        return size // PAGE_SIZE + 1
    return None


def try_backup_of(service: VaultService, out: Path) -> str:
    """A backup of the opened, damaged vault: refused as DamagedData and no file left, or
    written and sound (the damage lies outside the rows a backup copies)."""
    try:
        service.backups.create(out, BACKUP_PASS, kdf=fast_kdf())
    except DamagedData:
        assert not out.exists()
        assert not list(out.parent.glob(f".{out.name}.partial-*"))
        return "backup refused: DamagedData"
    verify_backup(out, BACKUP_PASS)
    out.unlink()
    return "backup written and verified"


def try_database(
    folder: Path, opener: dict[str, str], m: Mutation, size: int, backups: Counter[str]
) -> str:
    before = snapshot(folder)
    try:
        vault = Vault.open(folder, **opener)  # type: ignore[arg-type]
    except (WrongPassphrase, DamagedData) as exc:
        # A refusal at open writes nothing: no new header, no journal left behind.
        assert snapshot(folder) == before, m.label()
        return f"{type(exc).__name__} at open"
    try:
        service = VaultService(vault)
        backups[try_backup_of(service, folder.parent / f"{folder.name}.vbdk")] += 1
        problems = service.check().integrity
        page = damaged_page(m, size)
        if page is not None and problems:
            assert any(
                (p.startswith("cipher: ") and p.endswith(f"page {page}"))
                or f"page page {page} has an invalid size" in p
                for p in problems
            ), (m.label(), problems)
        # Reads after the damage was found: only DamagedData, never a driver error.
        reads = (
            service.info,
            lambda: list(service.incidents.iter_all()),
            service.contacts.all,
            service.audit_entries,
            service.settings,
            service.plans.all,
        )
        for read in reads:
            with suppress(DamagedData):
                read()
    finally:
        vault.close()
    return DAMAGED_AT_CHECK if problems else ACCEPTED


def test_database_mutations(prepared: Prepared, copies: Any) -> None:
    original = prepared.db
    size = len(original)
    assert size % PAGE_SIZE == 0
    mutations = page_file_mutations(SEED, size, flips=110, cuts=25, appends=25)
    openers = [{"passphrase": PASSPHRASE}, {"recovery_key": prepared.recovery_key}]
    tally: Counter[tuple[str, str]] = Counter()
    backups: Counter[str] = Counter()
    wrong: list[str] = []
    for n, m in enumerate(mutations):
        folder = copies(f"db-{n}")
        (folder / DB_NAME).write_bytes(m.apply(original))
        try:
            outcome = try_database(folder, openers[n % 2], m, size, backups)
        except VbedeskError as exc:  # a documented class, but at the wrong moment
            outcome = f"{type(exc).__name__} (unexpected)"
        shutil.rmtree(folder)
        tally[(region(m), outcome)] += 1
        if outcome not in expected_for_database(m, size):
            wrong.append(f"{m.label()}: {outcome}")
    report("vault database", tally)
    print(f"[tamper]   backups of the vaults that opened: {dict(backups)}")
    assert len(mutations) == 160
    assert not wrong, wrong


# -- the key file --------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _v in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _strict_b64(value: object) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _changed_leaves(a: Any, b: Any, path: str = "") -> list[str] | None:
    """Dotted paths of the leaves that differ; ``None`` when the shape differs."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return None
        found: list[str] = []
        for key in a:
            sub = _changed_leaves(a[key], b[key], f"{path}.{key}" if path else key)
            if sub is None:
                return None
            found += sub
        return found
    if isinstance(a, dict) or isinstance(b, dict):
        return None
    return [] if type(a) is type(b) and a == b else [path]


def expected_for_keyfile(original: bytes, mutated: bytes) -> str:
    """What opening with the passphrase must give, from the key file format alone.

    docs/architecture.md and storage/keys.py: a UTF-8 JSON document; the header (format,
    version, vault id, created, KDF parameters and salt) is the associated data of the
    AES-256-GCM wrap, so any change of it, the nonce or the ciphertext fails the tag
    (WrongPassphrase); a malformed document is DamagedData; a higher version
    NewerVersion. The generation is sealed by an HMAC under the data key: a change fails
    the seal, which is then renewed like a key file without one.
    """
    before = json.loads(original)
    try:
        after = json.loads(mutated.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return DAMAGED_AT_OPEN
    if after == before and _changed_leaves(before, after) == []:
        return SAME_KEYFILE  # whitespace only
    changed = _changed_leaves(before, after)
    if changed is None or len(changed) != 1:
        return DAMAGED_AT_OPEN
    path = changed[0]
    value = after
    for part in path.split("."):
        value = value[part]
    old = before
    for part in path.split("."):
        old = old[part]
    base64_lengths = {"kdf.salt": range(16, 65), "wrap.nonce": [12], "wrap.ciphertext": [48]}
    if path == "version":
        if type(value) is int and value > 1:
            return NEWER_AT_OPEN
        return DAMAGED_AT_OPEN
    if path in ("generation.mac", *base64_lengths):
        decoded = _strict_b64(value)
        if decoded is not None and decoded == _strict_b64(old):
            return SAME_KEYFILE  # only the unused low bits of the last base64 character
        lengths = base64_lengths.get(path, [32])
        if decoded is None or len(decoded) not in lengths:
            return DAMAGED_AT_OPEN
        return SEAL_RENEWED if path == "generation.mac" else WRONG_AT_OPEN
    if path == "generation.value":
        return SEAL_RENEWED if type(value) is int and value >= 0 else DAMAGED_AT_OPEN
    if path == "vault_id":
        return WRONG_AT_OPEN if isinstance(value, str) and value else DAMAGED_AT_OPEN
    if path == "created":
        try:
            datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return DAMAGED_AT_OPEN
        return WRONG_AT_OPEN
    if path in ("kdf.time_cost", "kdf.memory_kib", "kdf.parallelism"):
        kdf = dict(after["kdf"])
        t, mem, p = kdf["time_cost"], kdf["memory_kib"], kdf["parallelism"]
        if not all(type(x) is int for x in (t, mem, p)):
            return DAMAGED_AT_OPEN
        sane = 1 <= t <= MAX_TIME_COST and 1 <= p <= MAX_PARALLELISM and 8 * p <= mem
        return WRONG_AT_OPEN if sane and mem <= MAX_MEMORY_KIB else DAMAGED_AT_OPEN
    return DAMAGED_AT_OPEN  # format, algorithm names, argon2 version: not this format


def try_keyfile(
    folder: Path, prepared: Prepared, m: Mutation, caplog: pytest.LogCaptureFixture
) -> str:
    before = snapshot(folder)
    caplog.clear()
    try:
        vault = Vault.open(folder, passphrase=PASSPHRASE)
    except (WrongPassphrase, DamagedData, NewerVersion) as exc:
        assert snapshot(folder) == before, m.label()
        outcome = f"{type(exc).__name__} at open"
    else:
        try:
            assert vault_rows(vault) == prepared.rows, m.label()
        finally:
            vault.close()
        renewed = any(GENERATION_WARNING in r.getMessage() for r in caplog.records)
        if renewed:
            outcome = SEAL_RENEWED
            # Renewed: the key file in place is whole again and carries a valid seal.
            with Vault.open(folder, passphrase=PASSPHRASE) as again:
                keyfile = KeyFile.load(folder / KEY_NAME)
                assert keyfile.sealed_generation(again.data_key) is not None, m.label()
        else:
            outcome = SAME_KEYFILE
            parsed = KeyFile.from_bytes(m.apply(prepared.key))
            assert parsed == KeyFile.from_bytes(prepared.key), m.label()
    # Whatever happened to the key file, the recovery key opens the unchanged vault.
    with Vault.open(folder, recovery_key=prepared.recovery_key) as vault:
        assert vault_rows(vault) == prepared.rows, m.label()
    return outcome


def test_keyfile_mutations(
    prepared: Prepared, copies: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="vbedesk.storage.vault")
    original = prepared.key
    mutations = keyfile_mutations(SEED + 1, original, flips=90, cuts=15, appends=15)
    tally: Counter[tuple[str, str]] = Counter()
    wrong: list[str] = []
    for n, m in enumerate(mutations):
        folder = copies(f"key-{n}")
        mutated = m.apply(original)
        (folder / KEY_NAME).write_bytes(mutated)
        try:
            outcome = try_keyfile(folder, prepared, m, caplog)
        except VbedeskError as exc:
            outcome = f"{type(exc).__name__} (unexpected)"
        shutil.rmtree(folder)
        tally[(m.kind, outcome)] += 1
        expected = expected_for_keyfile(original, mutated)
        if outcome != expected:
            wrong.append(f"{m.label()}: {outcome}, expected {expected}")
    report("key file", tally)
    assert len(mutations) == 120
    assert not wrong, wrong


# -- backups -------------------------------------------------------------------------------


def expected_for_backup(m: Mutation, data: bytes) -> str:
    """docs/backup-format.md: magic, version byte, the Argon2id parameters (format 2),
    random salt bytes, then a SQLCipher 4 file."""
    if m.kind == "flip":
        if m.at < 4:
            return "NotABackup"
        if m.at == 4:
            version = data[4] ^ m.value
            if version == 0x01:
                return "WrongPassphrase"  # format 1's fixed parameters: another key
            return "NewerVersion" if version > 0x02 else "NotABackup"
        if m.at in (5, 6, 7):
            time_cost, exponent, parallelism = m.apply(data)[5:8]
            in_bounds = (
                1 <= time_cost <= 10
                and 3 <= exponent <= 20
                and 1 <= parallelism <= 16
                and 2**exponent >= 8 * parallelism
            )
            # Out of bounds: refused before Argon2id runs; within: another key.
            return "WrongPassphrase" if in_bounds else "DamagedData"
        return "WrongPassphrase" if m.at < PAGE_SIZE else "DamagedData"
    size = len(m.apply(data))
    if size < PAGE_SIZE or size % PAGE_SIZE:
        return "NotABackup"  # shorter than a page, or not whole pages: refused unread
    return "DamagedData"


def try_backup(folder: Path, path: Path, m: Mutation, restore: bool) -> str:
    before = snapshot(folder)
    try:
        verify_backup(path, BACKUP_PASS)
    except (NotABackup, NewerVersion, WrongPassphrase, DamagedData) as exc:
        outcome = type(exc).__name__
    else:
        outcome = ACCEPTED
    assert snapshot(folder) == before, m.label()
    if restore:
        target = folder / "restored"
        try:
            restore_backup(
                path,
                BACKUP_PASS,
                target,
                new_passphrase=NEW_PASS,
                kdf=fast_kdf(),
            )
        except (NotABackup, NewerVersion, WrongPassphrase, DamagedData) as exc:
            assert type(exc).__name__ == outcome, m.label()
        else:
            raise AssertionError(f"restored a tampered backup: {m.label()}")
        # Nothing was created: no target, no staging folder; the file is unchanged.
        assert snapshot(folder) == before, m.label()
        assert sorted(p.name for p in folder.iterdir()) == [path.name]
    return outcome


def test_backup_mutations(prepared: Prepared, tmp_path: Path) -> None:
    original = prepared.backup
    mutations = page_file_mutations(SEED + 2, len(original), flips=70, cuts=15, appends=15)
    # Byte 4 is the version byte: flipped to each of its three meanings.
    mutations += [Mutation("flip", 4, v) for v in (0xF0, 0xF1, 0x01)]
    tally: Counter[tuple[str, str]] = Counter()
    wrong: list[str] = []
    for n, m in enumerate(mutations):
        folder = tmp_path / f"b-{n}"
        folder.mkdir()
        path = folder / "suspect.vbdk"
        path.write_bytes(m.apply(original))
        try:
            outcome = try_backup(folder, path, m, restore=n % 3 == 0)
        except VbedeskError as exc:
            outcome = f"{type(exc).__name__} (unexpected)"
        shutil.rmtree(folder)
        tally[(region(m), outcome)] += 1
        expected = expected_for_backup(m, original)
        if outcome != expected:
            wrong.append(f"{m.label()}: {outcome}, expected {expected}")
    report("backup", tally)
    assert len(mutations) == 103
    assert not wrong, wrong


# -- regression tests for faults the suite found -------------------------------------------


@pytest.mark.parametrize("length", [0, 1, 15, 4095])
def test_vault_database_cut_inside_its_first_page_is_damaged_and_left_alone(
    prepared: Prepared, copies: Any, length: int
) -> None:
    """Fault: an emptied ``vault.db`` was taken for a new database (a fresh header written
    over it) and the open failed with a driver error (no such table: meta)."""
    folder = copies("cut")
    (folder / DB_NAME).write_bytes(prepared.db[:length])
    before = snapshot(folder)
    for opener in ({"passphrase": PASSPHRASE}, {"recovery_key": prepared.recovery_key}):
        with pytest.raises(DamagedData):
            Vault.open(folder, **opener)  # type: ignore[arg-type]
        assert snapshot(folder) == before


def test_backup_of_a_vault_with_a_damaged_page_is_damaged_data_and_leaves_no_file(
    prepared: Prepared, copies: Any, tmp_path: Path
) -> None:
    """Fault: the export met the page that fails its HMAC and a raw driver error
    (sqlcipher3 DatabaseError "database disk image is malformed") left create_backup."""
    folder = copies("damaged-page")
    data = bytearray(prepared.db)
    data[2 * PAGE_SIZE + 100] ^= 0x01  # page 3: a table's rows
    (folder / DB_NAME).write_bytes(bytes(data))
    out = tmp_path / "backup.vbdk"
    with Vault.open(folder, passphrase=PASSPHRASE) as vault, pytest.raises(DamagedData):
        VaultService(vault).backups.create(out, BACKUP_PASS, kdf=fast_kdf())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged-page"]
