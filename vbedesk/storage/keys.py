"""Key file: the vault's data key wrapped with AES-256-GCM under an Argon2id passphrase key.

Envelope encryption (as LUKS, Bitwarden and Tella Desktop do): a random 256-bit data key
encrypts the database; this module keeps it on disk wrapped under a key-encryption key
derived from the passphrase. Changing the passphrase rewraps the data key; the database is
untouched.

The key file is UTF-8 JSON with sorted keys::

    {"created": "2026-05-09T07:35:25Z",
     "format": "vbedesk-keyfile",
     "kdf": {"algorithm": "argon2id", "argon2_version": 19, "memory_kib": 65536,
             "parallelism": 2, "salt": "<base64, 16 bytes>", "time_cost": 3},
     "vault_id": "...",
     "version": 1,
     "wrap": {"algorithm": "AES-256-GCM", "ciphertext": "<base64, 48 bytes>",
              "nonce": "<base64, 12 bytes>"}}

The AES-GCM associated data is the canonical JSON (sorted keys, no spaces, ASCII) of every
member except ``"wrap"``: changing the vault id, the creation time or any KDF parameter
makes the unwrap fail. Such a change and a wrong passphrase cannot be told apart, so both
raise ``WrongPassphrase``. A file that is not structurally a version-1 key file raises
``DamagedData``; a later format version raises ``NewerVersion``.

Nothing here logs, and no exception text holds a passphrase, a key or key material.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2.exceptions import HashingError
from argon2.low_level import ARGON2_VERSION, Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vbedesk.errors import DamagedData, NewerVersion, WrongPassphrase
from vbedesk.i18n import N_
from vbedesk.storage.files import fsync_dir

FORMAT = "vbedesk-keyfile"
FORMAT_VERSION = 1
KDF_ALGORITHM = "argon2id"
WRAP_ALGORITHM = "AES-256-GCM"
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
#: HKDF info of the key that seals the generation counter (never the data key itself).
GENERATION_INFO = b"vbedesk generation seal v1"

# Floor for creating a key file (reading accepts any authenticated parameters in range).
MIN_MEMORY_KIB = 8192
MIN_TIME_COST = 1
# Calibration: a two-core machine class, 64 MiB, time cost raised to about the target.
CALIBRATION_MEMORY_KIB = 65536
CALIBRATION_PARALLELISM = 2
CALIBRATION_MIN_TIME_COST = 3  # RFC 9106 second recommendation at 64 MiB
# Sanity ceilings when reading: a damaged or hostile file must not make the opener try to
# allocate terabytes or spin for hours before the tag check can refuse it.
MAX_MEMORY_KIB = 4 * 1024 * 1024  # 4 GiB
MAX_TIME_COST = 256
MAX_PARALLELISM = 64
MAX_SALT_BYTES = 64
MAX_KEYFILE_BYTES = 64 * 1024

DAMAGED = N_("The key file is damaged.")


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _require_key(data_key: bytes) -> None:
    if not isinstance(data_key, bytes) or len(data_key) != KEY_BYTES:
        raise ValueError(f"the data key must be {KEY_BYTES} bytes")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters and salt, as stored in (and authenticated by) the key file.

    Constructing one checks only what Argon2 itself can run with sane ceilings, because
    reading must accept whatever authenticated parameters a file holds. The security floor
    (``MIN_MEMORY_KIB``, ``MIN_TIME_COST``) is enforced when a key file is *created*.
    """

    time_cost: int
    memory_kib: int
    parallelism: int
    salt: bytes = field(repr=False)
    # Set only by insecure_for_tests(): lets tests create key files below the floor.
    below_floor_ok: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("time_cost", "memory_kib", "parallelism"):
            if type(getattr(self, name)) is not int:
                raise ValueError(f"{name} must be an int")
        if not isinstance(self.salt, bytes):
            raise ValueError("salt must be bytes")
        if not 1 <= self.parallelism <= MAX_PARALLELISM:
            raise ValueError("parallelism out of range")
        if not 1 <= self.time_cost <= MAX_TIME_COST:
            raise ValueError("time_cost out of range")
        if not 8 * self.parallelism <= self.memory_kib <= MAX_MEMORY_KIB:
            raise ValueError("memory_kib out of range")
        if not SALT_BYTES <= len(self.salt) <= MAX_SALT_BYTES:
            raise ValueError("salt length out of range")

    @classmethod
    def fresh(cls, time_cost: int, memory_kib: int, parallelism: int) -> KdfParams:
        """Parameters with a new random 16-byte salt."""
        return cls(time_cost, memory_kib, parallelism, secrets.token_bytes(SALT_BYTES))

    @classmethod
    def insecure_for_tests(
        cls, time_cost: int = 1, memory_kib: int = 64, parallelism: int = 1
    ) -> KdfParams:
        """Tiny parameters that exist only to keep tests fast. Never use them for a vault.

        It is still Argon2id, just smaller. Creating a key file with them is allowed only
        because reading already has to accept whatever authenticated parameters a file
        holds; the floor protects real vaults from a wrong call, not from an attacker.
        """
        return cls(
            time_cost, memory_kib, parallelism, secrets.token_bytes(SALT_BYTES), below_floor_ok=True
        )

    def check_floor(self) -> None:
        """Raise ``ValueError`` when these parameters are too weak to create a key file."""
        if self.below_floor_ok:
            return
        if self.memory_kib < MIN_MEMORY_KIB or self.time_cost < MIN_TIME_COST:
            raise ValueError(
                f"KDF parameters below the floor (memory_kib >= {MIN_MEMORY_KIB}, "
                f"time_cost >= {MIN_TIME_COST}); use calibrate()"
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": KDF_ALGORITHM,
            "argon2_version": ARGON2_VERSION,
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
            "salt": base64.b64encode(self.salt).decode("ascii"),
        }


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    """The 32-byte key-encryption key: Argon2id over the NFC-normalised UTF-8 passphrase."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hash_secret_raw(
        secret=secret,
        salt=params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
        version=ARGON2_VERSION,
    )


def _timed_derivation(time_cost: int) -> float:
    params = KdfParams.fresh(time_cost, CALIBRATION_MEMORY_KIB, CALIBRATION_PARALLELISM)
    start = time.perf_counter()
    derive_key("calibration", params)
    return time.perf_counter() - start


@functools.cache
def _calibrated_costs(target_seconds: float) -> tuple[int, int, int]:
    """(time_cost, memory_kib, parallelism) that take about ``target_seconds`` here."""
    _timed_derivation(1)  # warm-up: first allocation and thread start are slower
    per_pass = max(_timed_derivation(1), 1e-4)
    time_cost = max(CALIBRATION_MIN_TIME_COST, round(target_seconds / per_pass))
    time_cost = min(time_cost, MAX_TIME_COST)
    elapsed = _timed_derivation(time_cost)
    # One correction if the linear estimate was off by more than 15 %; only ever raise.
    if elapsed < 0.85 * target_seconds:
        time_cost = min(
            MAX_TIME_COST, max(time_cost + 1, round(time_cost * target_seconds / elapsed))
        )
    return time_cost, CALIBRATION_MEMORY_KIB, CALIBRATION_PARALLELISM


def calibrate(target_seconds: float = 0.5) -> KdfParams:
    """Argon2id parameters taking about ``target_seconds`` on this machine, with a fresh salt.

    64 MiB and two lanes are fixed; the time cost (at least 2) is measured once per process
    and target, then cached. Every call returns a new salt.
    """
    if not target_seconds > 0:
        raise ValueError("target_seconds must be positive")
    return KdfParams.fresh(*_calibrated_costs(float(target_seconds)))


def new_data_key() -> bytes:
    """A new random 256-bit data key."""
    return secrets.token_bytes(KEY_BYTES)


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _damaged() -> DamagedData:
    return DamagedData(DAMAGED)


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("duplicate member")
        result[key] = value
    return result


def _reject_constant(_name: str) -> Any:
    raise ValueError("non-finite number")


def _member(obj: dict[str, Any], name: str, kind: type) -> Any:
    value = obj.get(name)
    if type(value) is not kind:
        raise _damaged()
    return value


def _b64(obj: dict[str, Any], name: str) -> bytes:
    try:
        return base64.b64decode(_member(obj, name, str), validate=True)
    except (binascii.Error, ValueError):
        raise _damaged() from None


@dataclass(frozen=True)
class KeyFile:
    """One wrapped data key, exactly as stored on disk."""

    vault_id: str
    kdf: KdfParams
    nonce: bytes = field(repr=False)
    ciphertext: bytes = field(repr=False)
    created: str  # ISO 8601 UTC, when this wrap was written
    #: The vault database's generation when it was last closed or opened, sealed with a
    #: key derived from the data key; ``None`` in key files written before it existed.
    generation: int | None = None
    generation_mac: bytes = field(default=b"", repr=False)

    # -- cryptography ------------------------------------------------------------------

    def _header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "vault_id": self.vault_id,
            "created": self.created,
            "kdf": self.kdf.to_json(),
        }

    def _associated_data(self) -> bytes:
        return _canonical(self._header())

    @classmethod
    def create(cls, data_key: bytes, passphrase: str, vault_id: str, params: KdfParams) -> KeyFile:
        """Wrap ``data_key`` under ``passphrase``; refuses parameters below the floor."""
        _require_key(data_key)
        params.check_floor()
        if not isinstance(vault_id, str) or not vault_id:
            raise ValueError("vault_id must be a non-empty string")
        header_only = cls(vault_id, params, b"", b"", _utc_now())
        nonce = secrets.token_bytes(NONCE_BYTES)
        kek = derive_key(passphrase, params)
        ciphertext = AESGCM(kek).encrypt(nonce, data_key, header_only._associated_data())
        return cls(vault_id, params, nonce, ciphertext, header_only.created)

    def unwrap(self, passphrase: str) -> bytes:
        """The data key; ``WrongPassphrase`` if the passphrase or the header is wrong."""
        try:
            kek = derive_key(passphrase, self.kdf)
        except HashingError:
            raise _damaged() from None
        try:
            data_key = AESGCM(kek).decrypt(self.nonce, self.ciphertext, self._associated_data())
        except InvalidTag:
            raise WrongPassphrase() from None
        if len(data_key) != KEY_BYTES:
            raise _damaged()
        return data_key

    def rewrap(self, data_key: bytes, new_passphrase: str, params: KdfParams) -> KeyFile:
        """A new key file for the same vault: ``data_key`` under ``new_passphrase``.

        The caller must pass the data key it unwrapped from this file (this object cannot
        check it without the old passphrase). The database is untouched.
        """
        return KeyFile.create(data_key, new_passphrase, self.vault_id, params)

    # -- generation counter (rollback detection) ----------------------------------------

    def with_generation(self, value: int, data_key: bytes) -> KeyFile:
        """This key file carrying the database generation ``value``, sealed."""
        _require_key(data_key)
        if type(value) is not int or value < 0:
            raise ValueError("generation must be a non-negative int")
        mac = generation_seal(data_key, self.vault_id, value)
        return replace(self, generation=value, generation_mac=mac)

    def sealed_generation(self, data_key: bytes) -> int | None:
        """The generation if present and sealed by this data key, else ``None``."""
        if self.generation is None:
            return None
        sealed = generation_sealed(data_key, self.vault_id, self.generation, self.generation_mac)
        return self.generation if sealed else None

    def save_generation(self, path: Path) -> None:
        """Rewrite ``path`` with this key file whose wrap is already on disk (no passphrase).

        Only the generation differs from the file in place, so the wrap needs no new
        proof: the written bytes are re-read, parsed and compared, then renamed over
        ``path`` atomically. A crash leaves either the old or the new file, both valid.
        """
        path = Path(path)
        on_disk = KeyFile.load(path)
        if (on_disk.nonce, on_disk.ciphertext, on_disk.kdf) != (
            self.nonce,
            self.ciphertext,
            self.kdf,
        ):
            raise _damaged()
        tmp = _sibling(path, ".tmp")
        content = self.to_bytes()
        _write_durably(tmp, content)
        try:
            if _read_limited(tmp) != content or KeyFile.load(tmp) != self:
                raise _damaged()
        except (DamagedData, NewerVersion, OSError):
            tmp.unlink(missing_ok=True)
            raise _damaged() from None
        tmp.replace(path)
        fsync_dir(path.parent)

    # -- serialisation -----------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """JSON with sorted keys (UTF-8; non-ASCII escaped), as written to disk."""
        document = self._header()
        document["wrap"] = {
            "algorithm": WRAP_ALGORITHM,
            "nonce": base64.b64encode(self.nonce).decode("ascii"),
            "ciphertext": base64.b64encode(self.ciphertext).decode("ascii"),
        }
        if self.generation is not None:
            document["generation"] = {
                "value": self.generation,
                "mac": base64.b64encode(self.generation_mac).decode("ascii"),
            }
        return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode(
            "utf-8"
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        """Parse a key file; ``DamagedData`` if malformed, ``NewerVersion`` if from later."""
        if len(raw) > MAX_KEYFILE_BYTES:
            raise _damaged()
        try:
            document = json.loads(
                raw.decode("utf-8"),
                object_pairs_hook=_reject_duplicates,
                parse_constant=_reject_constant,
            )
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _damaged() from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise _damaged()
        version = document.get("version")
        if type(version) is not int or version < 1:
            raise _damaged()
        if version > FORMAT_VERSION:
            raise NewerVersion()
        if set(document) - {"generation"} != {
            "format",
            "version",
            "vault_id",
            "created",
            "kdf",
            "wrap",
        }:
            raise _damaged()

        vault_id = _member(document, "vault_id", str)
        created = _member(document, "created", str)
        try:
            datetime.fromisoformat(created)
        except ValueError:
            raise _damaged() from None
        if not vault_id:
            raise _damaged()

        kdf = _member(document, "kdf", dict)
        if set(kdf) != {
            "algorithm",
            "argon2_version",
            "time_cost",
            "memory_kib",
            "parallelism",
            "salt",
        }:
            raise _damaged()
        if (
            kdf["algorithm"] != KDF_ALGORITHM
            or _member(kdf, "argon2_version", int) != ARGON2_VERSION
        ):
            raise _damaged()
        try:
            params = KdfParams(
                _member(kdf, "time_cost", int),
                _member(kdf, "memory_kib", int),
                _member(kdf, "parallelism", int),
                _b64(kdf, "salt"),
            )
        except ValueError:
            raise _damaged() from None

        wrap = _member(document, "wrap", dict)
        if set(wrap) != {"algorithm", "nonce", "ciphertext"} or wrap["algorithm"] != WRAP_ALGORITHM:
            raise _damaged()
        nonce = _b64(wrap, "nonce")
        ciphertext = _b64(wrap, "ciphertext")
        if len(nonce) != NONCE_BYTES or len(ciphertext) != KEY_BYTES + TAG_BYTES:
            raise _damaged()
        generation: int | None = None
        generation_mac = b""
        if "generation" in document:
            sealed = _member(document, "generation", dict)
            if set(sealed) != {"value", "mac"}:
                raise _damaged()
            generation = _member(sealed, "value", int)
            generation_mac = _b64(sealed, "mac")
            if generation < 0 or len(generation_mac) != hashlib.sha256().digest_size:
                raise _damaged()
        return cls(vault_id, params, nonce, ciphertext, created, generation, generation_mac)

    # -- files -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """Read and parse ``path``; ``FileNotFoundError`` if it does not exist."""
        return cls.from_bytes(_read_limited(path))

    def save(self, path: Path, data_key: bytes, passphrase: str) -> None:
        """Write this key file to ``path`` crash-safely and atomically, verified.

        1. Write ``<path>.tmp`` beside it (0o600), fsync; re-read it and check that it
           parses and unwraps with ``passphrase`` to ``data_key`` (else delete it and raise
           ``DamagedData``).
        2. If ``path`` holds a readable key file, keep a copy as ``<path>.prev`` (written
           the same way) until the new one is in place and verified. An unreadable
           ``path`` is not copied, so a good ``.prev`` left by an earlier crash survives.
        3. Rename the tmp onto ``path`` (``os.replace``, atomic), fsync the folder,
           re-read ``path`` and compare it byte for byte with what was verified, then
           delete ``.prev``.
        """
        _require_key(data_key)
        path = Path(path)
        tmp = _sibling(path, ".tmp")
        prev = _sibling(path, ".prev")
        content = self.to_bytes()

        _write_durably(tmp, content)
        try:
            ok = hmac.compare_digest(KeyFile.load(tmp).unwrap(passphrase), data_key)
        except (DamagedData, WrongPassphrase, NewerVersion, OSError):
            ok = False
        if not ok:
            tmp.unlink(missing_ok=True)
            raise _damaged()

        current = _readable_keyfile_bytes(path)
        if current is not None:
            prev_tmp = _sibling(path, ".prev.tmp")
            _write_durably(prev_tmp, current)
            prev_tmp.replace(prev)
            fsync_dir(path.parent)

        tmp.replace(path)
        fsync_dir(path.parent)

        # Byte equality with the content just verified by parse + unwrap is the same proof
        # without a second Argon2 run; the parse guards against a short read.
        try:
            written = _read_limited(path)
            KeyFile.from_bytes(written)
        except (DamagedData, NewerVersion, OSError):
            raise _damaged() from None
        if written != content:
            raise _damaged()
        prev.unlink(missing_ok=True)
        fsync_dir(path.parent)


def load_with_fallback(path: Path) -> list[KeyFile]:
    """The loadable key files for ``path``, in the order to try them: ``path``, ``<path>.prev``.

    ``save`` keeps the previous version as ``.prev`` until the new one is in place and
    verified. A ``.prev`` therefore survives only an interrupted save (a crash or power
    loss), and if the storage lost the freshly renamed file, it is the only good copy.
    The opener tries each candidate with the passphrase (``path`` first); the old
    passphrase may be the one that works if the crash interrupted a passphrase change.
    After a successful open it should save again, which removes ``.prev``.

    A missing or damaged file is skipped; an empty list means neither is usable (the
    recovery key is then the way in). ``NewerVersion`` from ``path`` is raised, never
    skipped: the file is intact, and an older copy must not silently stand in for it.
    """
    path = Path(path)
    candidates: list[KeyFile] = []
    for index, candidate in enumerate((path, _sibling(path, ".prev"))):
        try:
            candidates.append(KeyFile.load(candidate))
        except (FileNotFoundError, DamagedData):
            continue
        except NewerVersion:
            if index == 0:
                raise
    return candidates


# -- file helpers ----------------------------------------------------------------------


def generation_sealed(data_key: bytes, vault_id: str, value: int, seal: bytes) -> bool:
    """Whether ``seal`` is the seal of generation ``value`` under ``data_key``."""
    return hmac.compare_digest(generation_seal(data_key, vault_id, value), seal)


def generation_seal(data_key: bytes, vault_id: str, value: int) -> bytes:
    """The seal of generation ``value``: only a holder of the data key can make it.

    The key file and the keyring copy carry the same seal (HMAC-SHA-256 under a key
    derived from the data key with HKDF), so neither can be raised or forged by hand.
    """
    seal_key = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=GENERATION_INFO
    ).derive(data_key)
    message = f"{FORMAT}:{vault_id}:generation:{value}".encode()
    return hmac.new(seal_key, message, hashlib.sha256).digest()


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _read_limited(path: Path) -> bytes:
    with Path(path).open("rb") as fh:
        raw = fh.read(MAX_KEYFILE_BYTES + 1)
    if len(raw) > MAX_KEYFILE_BYTES:
        raise _damaged()
    return raw


def _readable_keyfile_bytes(path: Path) -> bytes | None:
    """The bytes of ``path`` if it exists and parses as a key file, else ``None``."""
    try:
        raw = _read_limited(path)
        KeyFile.from_bytes(raw)
    except (OSError, DamagedData, NewerVersion):
        return None
    return raw


def _write_durably(path: Path, content: bytes) -> None:
    """Create ``path`` afresh with mode 0o600, write ``content``, flush and fsync."""
    path.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            if os.name != "nt":
                os.fchmod(fh.fileno(), 0o600)  # whatever the umask did
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


__all__ = [
    "MAX_MEMORY_KIB",
    "MIN_MEMORY_KIB",
    "MIN_TIME_COST",
    "KdfParams",
    "KeyFile",
    "calibrate",
    "derive_key",
    "load_with_fallback",
    "new_data_key",
]
