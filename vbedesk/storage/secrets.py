"""'Remember on this computer': the data key in the OS keyring, opt-in, secure backends only.

Only an allow-listed backend (Windows Credential Locker, macOS Keychain, Secret Service,
libsecret, KWallet) is ever used. On any other backend (``fail``, ``null``, a plaintext file
keyring from ``keyrings.alt``, anything unknown) remembering is refused: there is no
plaintext fallback, unlike Vorta's database keyring. Reading never fails loudly: a missing,
malformed or unreadable entry just means "ask for the passphrase".

The keyring entry is service ``vbedesk``, username the vault id, and the password
``"v1:" + base64(data_key)``. While the key is remembered, a second entry (username
``<vault id>:generation``, password ``"g1:<value>:" + base64(seal)``) keeps a copy of the
rollback counter outside the vault folder (see ``Vault``): a whole folder put back from an
old copy, key file included, is then still caught. Logs name only error classes, never a
value.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Callable

import keyring
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.errors import PasswordDeleteError

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_

log = logging.getLogger(__name__)

KEY_BYTES = 32
VALUE_PREFIX = "v1:"
BACKUP_PREFIX = "b1:"
GENERATION_PREFIX = "g1:"
#: An HMAC-SHA-256 seal (``keys.generation_seal``).
SEAL_BYTES = 32

SECURE_BACKENDS: frozenset[str] = frozenset(
    {
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
    }
)

NO_SECURE_KEYRING = N_("No secure keyring on this computer (backend: {name}).")
STORED_IN_KEYRING = N_("Stored in the system keyring ({name}).")


class SecretStoreUnavailable(InputRefused):
    """Remembering the key was refused: no secure keyring, or the keyring failed."""

    message = N_(
        "The key cannot be remembered on this computer: no secure system keyring is available."
    )


def backend_name(backend: object) -> str:
    """The fully qualified class name of ``backend``, as the allow list spells it."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _encode(data_key: bytes) -> str:
    return VALUE_PREFIX + base64.b64encode(data_key).decode("ascii")


def _decode(value: object) -> bytes | None:
    if not isinstance(value, str) or not value.startswith(VALUE_PREFIX):
        return None
    try:
        data_key = base64.b64decode(value[len(VALUE_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return data_key if len(data_key) == KEY_BYTES else None


class KeyringStore:
    """The data keys of vaults in the OS keyring, if (and only if) it is a secure one."""

    SERVICE = "vbedesk"

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        allowed: frozenset[str] = SECURE_BACKENDS,
    ) -> None:
        if backend is None:
            try:
                backend = keyring.get_keyring()
            except Exception as exc:  # a broken keyring configuration must not stop the app
                log.warning("Keyring detection failed (%s)", type(exc).__name__)
                backend = None
        self._name = backend_name(backend) if backend is not None else "none"
        self._backend: KeyringBackend | None = None
        if isinstance(backend, ChainerBackend):
            # Secure only when the first chained backend is allowed; then use that one
            # directly, so that no write or read ever falls through to a later backend.
            try:
                chained = list(backend.backends)
            except Exception as exc:
                log.warning("Keyring detection failed (%s)", type(exc).__name__)
                chained = []
            if chained:
                self._name = backend_name(chained[0])
                if self._name in allowed:
                    self._backend = chained[0]
        elif backend is not None and self._name in allowed:
            self._backend = backend

    @property
    def backend_name(self) -> str:
        """Fully qualified class name of the backend in use (or refused)."""
        return self._name

    def is_available(self) -> bool:
        """True when a secure backend is present, so the key may be remembered."""
        return self._backend is not None

    def describe(self, translate: Callable[[str], str] = N_) -> str:
        """Why remembering is off, or where the key is kept.

        By default the English text; the UI passes its ``_`` so that the msgid is
        translated before the backend name is filled in.
        """
        message = STORED_IN_KEYRING if self.is_available() else NO_SECURE_KEYRING
        return translate(message).format(name=self._name)

    def _read(self, account: str) -> str | None:
        """The stored text of ``account``: ``None`` when absent, unavailable or on error."""
        if self._backend is None or not account:
            return None
        try:
            return self._backend.get_password(self.SERVICE, account)
        except Exception as exc:  # any backend failure means "not remembered"
            log.warning("Keyring read failed (%s)", type(exc).__name__)
            return None

    def get(self, vault_id: str) -> bytes | None:
        """The remembered data key, or ``None`` (absent, unavailable, malformed or error)."""
        value = self._read(vault_id)
        if value is None:
            return None
        data_key = _decode(value)
        if data_key is None:
            log.warning("Keyring entry for this vault is malformed; ignored")
        return data_key

    def set(self, vault_id: str, data_key: bytes) -> None:
        """Remember ``data_key``; ``SecretStoreUnavailable`` if not secure or if it fails.

        The entry is read back and compared; a backend that silently drops it is refused.
        """
        if not isinstance(data_key, bytes) or len(data_key) != KEY_BYTES:
            raise ValueError(f"the data key must be {KEY_BYTES} bytes")
        if not vault_id:
            raise ValueError("vault_id must be a non-empty string")
        if self._backend is None:
            raise SecretStoreUnavailable()
        try:
            self._backend.set_password(self.SERVICE, vault_id, _encode(data_key))
            stored = _decode(self._backend.get_password(self.SERVICE, vault_id))
        except Exception as exc:
            log.warning("Keyring write failed (%s)", type(exc).__name__)
            raise SecretStoreUnavailable() from None
        if stored is None or not hmac.compare_digest(stored, data_key):
            log.warning("Keyring write did not read back; entry removed")
            self.delete(vault_id)
            raise SecretStoreUnavailable()

    def delete(self, vault_id: str) -> None:
        """Forget the remembered key; silent when absent, unavailable or on error."""
        if self._backend is None:
            return
        try:
            self._backend.delete_password(self.SERVICE, vault_id)
        except PasswordDeleteError:
            pass  # absent
        except Exception as exc:
            log.warning("Keyring delete failed (%s)", type(exc).__name__)

    # -- the backup passphrase (for the automatic backup on close) -----------------------
    @staticmethod
    def _backup_account(vault_id: str) -> str:
        return f"{vault_id}:backup"

    def get_backup_passphrase(self, vault_id: str) -> str | None:
        """The remembered backup passphrase of a vault, or ``None`` (absent or not secure)."""
        value = self._read(self._backup_account(vault_id) if vault_id else "")
        if not isinstance(value, str) or not value.startswith(BACKUP_PREFIX):
            return None
        return value[len(BACKUP_PREFIX) :] or None

    def set_backup_passphrase(self, vault_id: str, passphrase: str) -> None:
        """Remember the backup passphrase; ``SecretStoreUnavailable`` unless secure and kept."""
        if not vault_id or not passphrase:
            raise ValueError("vault_id and passphrase must be non-empty")
        if self._backend is None:
            raise SecretStoreUnavailable()
        account = self._backup_account(vault_id)
        try:
            self._backend.set_password(self.SERVICE, account, BACKUP_PREFIX + passphrase)
            stored = self._backend.get_password(self.SERVICE, account)
        except Exception as exc:
            log.warning("Keyring write failed (%s)", type(exc).__name__)
            raise SecretStoreUnavailable() from None
        if stored != BACKUP_PREFIX + passphrase:
            log.warning("Keyring write did not read back; entry removed")
            self.delete_backup_passphrase(vault_id)
            raise SecretStoreUnavailable()

    def delete_backup_passphrase(self, vault_id: str) -> None:
        """Forget the backup passphrase; silent when absent, unavailable or on error."""
        if vault_id:
            self.delete(self._backup_account(vault_id))

    # -- the rollback counter's copy (see ``GenerationTracker.follow``) ------------
    @staticmethod
    def _generation_account(vault_id: str) -> str:
        return f"{vault_id}:generation"

    def get_generation(self, vault_id: str) -> tuple[int, bytes] | None:
        """The stored generation and its seal, or ``None`` (absent, malformed, error).

        The seal is not checked here: that needs the data key (``Vault``).
        """
        value = self._read(self._generation_account(vault_id) if vault_id else "")
        if value is None:
            return None
        parsed = _decode_generation(value)
        if parsed is None:
            log.warning("Keyring generation entry for this vault is malformed; ignored")
        return parsed

    def set_generation(self, vault_id: str, value: int, seal: bytes) -> bool:
        """Keep the generation ``value`` with its ``seal``; ``False`` if that failed.

        Never raises for a keyring failure: the counter's copy only strengthens the
        rollback warning, and the vault must open and close without it.
        """
        if type(value) is not int or value < 0 or len(seal) != SEAL_BYTES or not vault_id:
            raise ValueError("a non-negative generation, its seal and a vault id are needed")
        if self._backend is None:
            return False
        encoded = f"{GENERATION_PREFIX}{value}:" + base64.b64encode(seal).decode("ascii")
        try:
            self._backend.set_password(self.SERVICE, self._generation_account(vault_id), encoded)
        except Exception as exc:
            log.warning("Keyring write failed (%s)", type(exc).__name__)
            return False
        return True

    def delete_generation(self, vault_id: str) -> None:
        """Drop the counter's copy; silent when absent, unavailable or on error."""
        if vault_id:
            self.delete(self._generation_account(vault_id))


def _decode_generation(value: object) -> tuple[int, bytes] | None:
    if not isinstance(value, str) or not value.startswith(GENERATION_PREFIX):
        return None
    number, _sep, seal_text = value[len(GENERATION_PREFIX) :].partition(":")
    if not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    try:
        seal = base64.b64decode(seal_text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return (int(number), seal) if len(seal) == SEAL_BYTES else None
