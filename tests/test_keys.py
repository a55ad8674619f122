"""Tests of the key file: Argon2id derivation, AES-GCM wrapping, tamper detection, saving."""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vbedesk.errors import DamagedData, NewerVersion, WrongPassphrase
from vbedesk.storage.keys import (
    KdfParams,
    KeyFile,
    calibrate,
    derive_key,
    load_with_fallback,
    new_data_key,
)

PASS = "korrekt häst batteri häftklammer"
VAULT = "9f1c2d3e-0000-4000-8000-00000000abcd"


def fast() -> KdfParams:
    return KdfParams.insecure_for_tests(time_cost=1, memory_kib=64, parallelism=1)


@pytest.fixture
def data_key() -> bytes:
    return new_data_key()


@pytest.fixture
def keyfile(data_key: bytes) -> KeyFile:
    return KeyFile.create(data_key, PASS, VAULT, fast())


# -- derivation ---------------------------------------------------------------------------


def test_derive_key_is_deterministic_and_32_bytes() -> None:
    params = fast()
    first = derive_key(PASS, params)
    assert len(first) == 32
    assert derive_key(PASS, params) == first


def test_derive_key_is_sensitive_to_every_input() -> None:
    base = KdfParams(1, 64, 1, b"s" * 16)
    reference = derive_key(PASS, base)
    variants = [
        derive_key(PASS + " ", base),
        derive_key(PASS, KdfParams(2, 64, 1, b"s" * 16)),
        derive_key(PASS, KdfParams(1, 72, 1, b"s" * 16)),
        derive_key(PASS, KdfParams(1, 64, 2, b"s" * 16)),
        derive_key(PASS, KdfParams(1, 64, 1, b"t" + b"s" * 15)),
    ]
    assert len({reference, *variants}) == len(variants) + 1


def test_derive_key_normalises_the_passphrase_to_nfc() -> None:
    params = fast()
    composed = unicodedata.normalize("NFC", "Åsa är här")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert derive_key(composed, params) == derive_key(decomposed, params)


def test_derive_key_is_argon2id_v19_over_utf8() -> None:
    # Cross-check with the high-level argon2 API: the same raw hash inside an encoded hash.
    from argon2 import PasswordHasher
    from argon2.low_level import Type

    params = KdfParams(1, 64, 1, b"0123456789abcdef")
    hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, hash_len=32, type=Type.ID)
    encoded = hasher.hash("Åsa", salt=params.salt)
    assert encoded.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    raw_b64 = encoded.rsplit("$", 1)[1]
    raw = base64.b64decode(raw_b64 + "=" * (-len(raw_b64) % 4))
    assert derive_key("Åsa", params) == raw


def test_fresh_params_have_new_16_byte_salts() -> None:
    salts = {KdfParams.fresh(2, 8192, 1).salt for _ in range(5)}
    assert len(salts) == 5
    assert all(len(s) == 16 for s in salts)


def test_new_data_key_is_random_32_bytes() -> None:
    keys = {new_data_key() for _ in range(10)}
    assert len(keys) == 10 and all(len(k) == 32 for k in keys)


# -- the floor ----------------------------------------------------------------------------


def test_creating_below_the_floor_is_refused(data_key: bytes) -> None:
    with pytest.raises(ValueError):
        KeyFile.create(data_key, PASS, VAULT, KdfParams.fresh(3, 4096, 1))
    with pytest.raises(ValueError):
        KdfParams.fresh(0, 65536, 1)
    # Only the explicit test constructor may go below it (still Argon2id, just smaller).
    small = KdfParams.insecure_for_tests(time_cost=1, memory_kib=64, parallelism=1)
    assert KeyFile.create(data_key, PASS, VAULT, small).unwrap(PASS) == data_key


@pytest.mark.parametrize(
    ("time_cost", "memory_kib", "parallelism", "salt"),
    [
        (1, 64, 0, b"s" * 16),
        (1, 7, 1, b"s" * 16),
        (1, 64, 16, b"s" * 16),  # memory < 8 * parallelism
        (1, 2**40, 1, b"s" * 16),
        (10**6, 64, 1, b"s" * 16),
        (1, 64, 1, b"short"),
        (True, 64, 1, b"s" * 16),
    ],
)
def test_params_argon2_cannot_run_are_refused(
    time_cost: int, memory_kib: int, parallelism: int, salt: bytes
) -> None:
    with pytest.raises(ValueError):
        KdfParams(time_cost, memory_kib, parallelism, salt)


def test_calibrate() -> None:
    first = calibrate()
    assert first.time_cost >= 2
    assert (first.memory_kib, first.parallelism) == (65536, 2)
    first.check_floor()
    second = calibrate()
    assert (second.time_cost, second.memory_kib, second.parallelism) == (
        first.time_cost,
        first.memory_kib,
        first.parallelism,
    )
    assert second.salt != first.salt
    with pytest.raises(ValueError):
        calibrate(0)


# -- wrap and unwrap ----------------------------------------------------------------------


def test_create_and_unwrap(keyfile: KeyFile, data_key: bytes) -> None:
    assert keyfile.vault_id == VAULT
    assert len(keyfile.nonce) == 12
    assert len(keyfile.ciphertext) == 48
    assert data_key not in keyfile.ciphertext
    assert keyfile.unwrap(PASS) == data_key
    assert keyfile.created.endswith("Z")


def test_wrong_passphrase(keyfile: KeyFile) -> None:
    with pytest.raises(WrongPassphrase) as info:
        keyfile.unwrap(PASS + "x")
    assert PASS not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_each_wrap_is_fresh(data_key: bytes) -> None:
    a = KeyFile.create(data_key, PASS, VAULT, fast())
    b = KeyFile.create(data_key, PASS, VAULT, fast())
    assert a.nonce != b.nonce and a.ciphertext != b.ciphertext and a.kdf.salt != b.kdf.salt


def test_wrong_data_key_length_is_refused() -> None:
    with pytest.raises(ValueError):
        KeyFile.create(b"x" * 31, PASS, VAULT, fast())
    with pytest.raises(ValueError):
        KeyFile.create(new_data_key(), PASS, "", fast())


def test_repr_shows_no_wrapped_key(keyfile: KeyFile) -> None:
    text = repr(keyfile)
    assert VAULT in text
    assert base64.b64encode(keyfile.ciphertext).decode() not in text
    assert repr(keyfile.ciphertext) not in text


def test_rewrap(keyfile: KeyFile, data_key: bytes) -> None:
    unwrapped = keyfile.unwrap(PASS)
    new = keyfile.rewrap(unwrapped, "ett helt nytt lösenord", fast())
    assert new.vault_id == keyfile.vault_id
    assert new.unwrap("ett helt nytt lösenord") == data_key
    with pytest.raises(WrongPassphrase):
        new.unwrap(PASS)
    assert keyfile.unwrap(PASS) == data_key  # the old object is unchanged (frozen)


# -- serialisation ------------------------------------------------------------------------


def test_json_layout(keyfile: KeyFile) -> None:
    raw = keyfile.to_bytes()
    doc = json.loads(raw.decode("utf-8"))
    assert list(doc) == sorted(doc)
    assert doc["format"] == "vbedesk-keyfile"
    assert doc["version"] == 1
    assert doc["vault_id"] == VAULT
    assert doc["kdf"] == {
        "algorithm": "argon2id",
        "argon2_version": 19,
        "time_cost": 1,
        "memory_kib": 64,
        "parallelism": 1,
        "salt": base64.b64encode(keyfile.kdf.salt).decode(),
    }
    assert doc["wrap"]["algorithm"] == "AES-256-GCM"
    assert len(base64.b64decode(doc["wrap"]["nonce"])) == 12
    assert KeyFile.from_bytes(raw) == keyfile


def test_associated_data_is_canonical_json_without_wrap(keyfile: KeyFile, data_key: bytes) -> None:
    # Decrypt by hand, following only the documented format.
    doc = json.loads(keyfile.to_bytes())
    wrap = doc.pop("wrap")
    aad = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    kek = derive_key(PASS, keyfile.kdf)
    plain = AESGCM(kek).decrypt(
        base64.b64decode(wrap["nonce"]), base64.b64decode(wrap["ciphertext"]), aad
    )
    assert plain == data_key


def _edit(keyfile: KeyFile, change: Callable[[dict[str, Any]], None]) -> bytes:
    doc = json.loads(keyfile.to_bytes())
    change(doc)
    return json.dumps(doc).encode()


def _flip_b64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


AUTHENTICATED_CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "vault_id": lambda d: d.update(vault_id=d["vault_id"] + "0"),
    "created": lambda d: d.update(created="2020-01-01T00:00:00Z"),
    "salt": lambda d: d["kdf"].update(salt=_flip_b64(d["kdf"]["salt"])),
    "time_cost": lambda d: d["kdf"].update(time_cost=2),
    "memory_kib": lambda d: d["kdf"].update(memory_kib=128),
    "parallelism": lambda d: d["kdf"].update(parallelism=2),
    "nonce": lambda d: d["wrap"].update(nonce=_flip_b64(d["wrap"]["nonce"])),
    "ciphertext": lambda d: d["wrap"].update(ciphertext=_flip_b64(d["wrap"]["ciphertext"])),
}


@pytest.mark.parametrize("name", sorted(AUTHENTICATED_CHANGES))
def test_tampering_with_an_authenticated_field_fails_unwrap(keyfile: KeyFile, name: str) -> None:
    tampered = KeyFile.from_bytes(_edit(keyfile, AUTHENTICATED_CHANGES[name]))
    with pytest.raises(WrongPassphrase):
        tampered.unwrap(PASS)


def _set_version(value: object) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.update(version=value)


STRUCTURAL_DAMAGE: dict[str, Callable[[dict[str, Any]], None]] = {
    "format-marker": lambda d: d.update(format="vbedesk-backup"),
    "no-format": lambda d: d.pop("format"),
    "version-0": _set_version(0),
    "version-str": _set_version("1"),
    "version-bool": _set_version(True),
    "no-version": lambda d: d.pop("version"),
    "extra-member": lambda d: d.update(comment="hi"),
    "no-wrap": lambda d: d.pop("wrap"),
    "vault_id-int": lambda d: d.update(vault_id=7),
    "vault_id-empty": lambda d: d.update(vault_id=""),
    "created-not-a-date": lambda d: d.update(created="yesterday"),
    "kdf-algorithm": lambda d: d["kdf"].update(algorithm="argon2i"),
    "argon2-version": lambda d: d["kdf"].update(argon2_version=16),
    "time_cost-str": lambda d: d["kdf"].update(time_cost="1"),
    "time_cost-float": lambda d: d["kdf"].update(time_cost=1.0),
    "memory-absurd": lambda d: d["kdf"].update(memory_kib=2**40),
    "salt-not-base64": lambda d: d["kdf"].update(salt="***"),
    "salt-short": lambda d: d["kdf"].update(salt=base64.b64encode(b"1234").decode()),
    "wrap-algorithm": lambda d: d["wrap"].update(algorithm="ChaCha20-Poly1305"),
    "nonce-length": lambda d: d["wrap"].update(nonce=base64.b64encode(b"n" * 16).decode()),
    "ciphertext-short": lambda d: d["wrap"].update(ciphertext=base64.b64encode(b"c" * 40).decode()),
}


@pytest.mark.parametrize("name", sorted(STRUCTURAL_DAMAGE))
def test_structural_damage_is_damaged_data(keyfile: KeyFile, name: str) -> None:
    with pytest.raises(DamagedData) as info:
        KeyFile.from_bytes(_edit(keyfile, STRUCTURAL_DAMAGE[name]))
    assert str(info.value) == "The key file is damaged."


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json at all",
        b"[]",
        b'"vbedesk-keyfile"',
        b"\xff\xfe{}",
        b"[" * 100_000,
    ],
    ids=["empty", "text", "list", "string", "not-utf8", "deep"],
)
def test_garbage_is_damaged_data(raw: bytes) -> None:
    with pytest.raises(DamagedData):
        KeyFile.from_bytes(raw)


def test_truncated_file_is_damaged_data(keyfile: KeyFile) -> None:
    raw = keyfile.to_bytes()
    for cut in (1, len(raw) // 2, len(raw) - 3):
        with pytest.raises(DamagedData):
            KeyFile.from_bytes(raw[:cut])


def test_duplicate_members_are_damaged_data(keyfile: KeyFile) -> None:
    raw = keyfile.to_bytes().decode()
    doubled = raw.replace('"vault_id"', '"vault_id": "other", "vault_id"', 1)
    with pytest.raises(DamagedData):
        KeyFile.from_bytes(doubled.encode())


def test_newer_version_is_refused(keyfile: KeyFile) -> None:
    with pytest.raises(NewerVersion):
        KeyFile.from_bytes(_edit(keyfile, _set_version(2)))
    # A newer file may have a layout this version does not know.
    newer = json.dumps({"format": "vbedesk-keyfile", "version": 7, "anything": []}).encode()
    with pytest.raises(NewerVersion):
        KeyFile.from_bytes(newer)


# -- files --------------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "vault.key")


def test_save_and_load(tmp_path: Path, keyfile: KeyFile, data_key: bytes) -> None:
    path = tmp_path / "vault.key"
    keyfile.save(path, data_key, PASS)
    assert _leftovers(tmp_path) == []
    assert path.read_bytes() == keyfile.to_bytes()
    assert KeyFile.load(path).unwrap(PASS) == data_key
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_save_is_0600_whatever_the_umask(tmp_path: Path, keyfile: KeyFile, data_key: bytes) -> None:
    old = os.umask(0)
    try:
        keyfile.save(tmp_path / "vault.key", data_key, PASS)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "vault.key").stat().st_mode) == 0o600


def test_save_over_an_existing_file_after_rewrap(
    tmp_path: Path, keyfile: KeyFile, data_key: bytes
) -> None:
    path = tmp_path / "vault.key"
    keyfile.save(path, data_key, PASS)
    new = KeyFile.load(path).rewrap(data_key, "nytt", fast())
    new.save(path, data_key, "nytt")
    assert _leftovers(tmp_path) == []
    loaded = KeyFile.load(path)
    assert loaded.unwrap("nytt") == data_key
    with pytest.raises(WrongPassphrase):
        loaded.unwrap(PASS)
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_save_refuses_a_file_that_does_not_unwrap_and_changes_nothing(
    tmp_path: Path, keyfile: KeyFile, data_key: bytes
) -> None:
    path = tmp_path / "vault.key"
    keyfile.save(path, data_key, PASS)
    before = path.read_bytes()
    other = KeyFile.create(new_data_key(), "nytt", VAULT, fast())
    with pytest.raises(DamagedData):
        other.save(path, data_key, "nytt")  # wraps a different key
    with pytest.raises(DamagedData):
        other.save(path, data_key, PASS)  # wrong passphrase for the new file
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        KeyFile.load(tmp_path / "nope.key")
    assert load_with_fallback(tmp_path / "nope.key") == []


def test_load_refuses_a_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "vault.key"
    path.write_bytes(b" " * (1024 * 1024))
    with pytest.raises(DamagedData):
        KeyFile.load(path)


def test_crash_state_is_recovered_from_prev(
    tmp_path: Path, keyfile: KeyFile, data_key: bytes
) -> None:
    path = tmp_path / "vault.key"
    prev = tmp_path / "vault.key.prev"
    prev.write_bytes(keyfile.to_bytes())
    path.write_bytes(keyfile.to_bytes()[:17])  # torn write
    candidates = load_with_fallback(path)
    assert candidates == [keyfile]
    assert candidates[0].unwrap(PASS) == data_key

    path.unlink()  # the renamed file lost altogether
    assert load_with_fallback(path) == [keyfile]

    # Saving again cleans up: the good file is in place and .prev is gone.
    candidates[0].save(path, data_key, PASS)
    assert _leftovers(tmp_path) == []
    assert load_with_fallback(path) == [keyfile]


def test_fallback_order_is_path_then_prev(
    tmp_path: Path, keyfile: KeyFile, data_key: bytes
) -> None:
    path = tmp_path / "vault.key"
    new = keyfile.rewrap(data_key, "nytt", fast())
    path.write_bytes(new.to_bytes())
    (tmp_path / "vault.key.prev").write_bytes(keyfile.to_bytes())
    assert load_with_fallback(path) == [new, keyfile]


def test_fallback_with_nothing_readable(tmp_path: Path, keyfile: KeyFile) -> None:
    path = tmp_path / "vault.key"
    path.write_bytes(b"{broken")
    assert load_with_fallback(path) == []
    (tmp_path / "vault.key.prev").write_bytes(b"")
    assert load_with_fallback(path) == []
    path.write_bytes(_edit(keyfile, _set_version(2)))
    (tmp_path / "vault.key.prev").write_bytes(keyfile.to_bytes())
    with pytest.raises(NewerVersion):
        load_with_fallback(path)  # never silently fall back past a newer file


def _crash_on_rename_onto(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.replace

    def replace(self: Path, dst: Any) -> Path:
        if Path(dst) == target:
            raise OSError("simulated power loss")
        return original(self, dst)

    monkeypatch.setattr(Path, "replace", replace)


def test_crash_before_the_rename_keeps_the_old_file_and_a_prev(
    tmp_path: Path, keyfile: KeyFile, data_key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault.key"
    keyfile.save(path, data_key, PASS)
    new = keyfile.rewrap(data_key, "nytt", fast())
    _crash_on_rename_onto(path, monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        new.save(path, data_key, "nytt")
    monkeypatch.undo()
    assert [c.unwrap(PASS) for c in load_with_fallback(path)] == [data_key, data_key]


def test_a_broken_file_never_replaces_a_good_prev(
    tmp_path: Path, keyfile: KeyFile, data_key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault.key"
    prev = tmp_path / "vault.key.prev"
    prev.write_bytes(keyfile.to_bytes())
    path.write_bytes(b"\x00" * 10)
    _crash_on_rename_onto(path, monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        keyfile.save(path, data_key, PASS)
    monkeypatch.undo()
    assert prev.read_bytes() == keyfile.to_bytes()
    assert load_with_fallback(path) == [keyfile]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_a_planted_tmp_symlink_is_not_followed(
    tmp_path: Path, keyfile: KeyFile, data_key: bytes
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (tmp_path / "vault.key.tmp").symlink_to(victim)
    keyfile.save(tmp_path / "vault.key", data_key, PASS)
    assert victim.read_text() == "untouched"
    assert KeyFile.load(tmp_path / "vault.key").unwrap(PASS) == data_key
