"""The way into a vault: find, create, open and recover one; each open returns its service.

The window and the command line open vaults only here, so that opening, the recovery-key
path (which sets a new passphrase, audited) and "remember on this computer" are one piece
of code. Every function returns an open ``VaultService`` (the vault's one gateway) or
raises an expected error of ``vbedesk.errors``; a wrong passphrase or recovery key
changes no file.

Light to import: SQLAlchemy, alembic and the services load when a vault is first opened
or created, not with this module, since the unlock dialog imports it and shows before
them (docs/performance.md); ``preload`` imports them ahead of time on a worker thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from vbedesk.errors import VbedeskError
from vbedesk.storage.keys import KdfParams, KeyFile
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.vault import Vault, default_vault_dir, synced_folder_marker

if TYPE_CHECKING:
    from vbedesk.storage.service import VaultService

__all__ = [
    "create",
    "default_folder",
    "folder_has_vault",
    "is_remembered",
    "open_remembered",
    "open_with_passphrase",
    "preload",
    "recover",
    "synced_folder_marker",
    "vault_exists",
]

log = logging.getLogger(__name__)


# -- finding -------------------------------------------------------------------------------
def default_folder() -> Path:
    """Where the vault lives unless told otherwise: local (never roaming) app data."""
    return default_vault_dir()


def vault_exists(folder: Path) -> bool:
    """Whether ``folder`` holds a vault database (what opening needs)."""
    return Vault.exists(folder.expanduser())


def folder_has_vault(folder: Path) -> bool:
    """Whether ``folder`` holds a vault database or a key file: creating there is refused."""
    folder = folder.expanduser()
    return Vault.exists(folder) or Vault.key_path(folder).exists()


def is_remembered(folder: Path, store: KeyringStore) -> bool:
    """Whether the keyring keeps a data key for the vault in ``folder`` (not checked)."""
    try:
        vault_id = KeyFile.load(Vault.key_path(folder.expanduser())).vault_id
    except (OSError, VbedeskError):
        return False
    return store.get(vault_id) is not None


# -- creating ------------------------------------------------------------------------------
def create(
    folder: Path, passphrase: str, *, kdf: KdfParams | None = None
) -> tuple[VaultService, str]:
    """A new vault with the shipped reference data, open; and its recovery key (show once).

    Refuses a weak passphrase, a synced folder and a folder that already holds a vault.
    """
    from vbedesk.storage.bootstrap import create_vault

    return create_vault(folder.expanduser(), passphrase, kdf=kdf)


# -- opening -------------------------------------------------------------------------------
def open_with_passphrase(
    folder: Path,
    passphrase: str,
    *,
    store: KeyringStore | None = None,
    remember: bool | None = None,
) -> VaultService:
    """Open with the passphrase.

    ``store`` is the system keyring: it holds the rollback counter's copy while the key is
    remembered (``Vault.open``). ``remember`` True keeps the data key there, False removes
    it, None leaves the keyring as it is; a keyring failure only logs (the vault is open).
    """
    service = _service(Vault.open(folder, passphrase=passphrase, store=store))
    _keep_key(service, store, remember)
    return service


def open_remembered(folder: Path, store: KeyringStore) -> VaultService | None:
    """Open with the data key the keyring keeps, or ``None``: ask for the passphrase.

    A missing, unreadable or stale entry gives ``None`` (a stale one is removed); a vault
    in use or damaged raises as an open with the passphrase would.
    """
    vault = Vault.open_remembered(folder, store)
    return None if vault is None else _service(vault)


def recover(
    folder: Path,
    recovery_key: str,
    new_passphrase: str,
    *,
    kdf: KdfParams | None = None,
    store: KeyringStore | None = None,
    remember: bool | None = None,
) -> VaultService:
    """Open with the recovery key and set ``new_passphrase`` (audited as a passphrase change).

    Works without the key file (lost or damaged): a new one is written. A weak new
    passphrase is refused before the vault is opened; a wrong or mistyped recovery key
    opens nothing and changes no file. ``store`` and ``remember`` as for
    ``open_with_passphrase``.
    """
    from vbedesk.storage.bootstrap import check_passphrase

    check_passphrase(new_passphrase)
    service = _service(Vault.open(folder, recovery_key=recovery_key, store=store))
    try:
        service.change_passphrase(new_passphrase, kdf=kdf)
    except BaseException:
        service.close()
        raise
    _keep_key(service, store, remember)
    return service


def preload() -> None:
    """Import what opening and creating need (alembic, SQLAlchemy, the services) now.

    For a worker thread while a dialog waits for typing; imports only.
    """
    from vbedesk.storage import (
        bootstrap,  # noqa: F401
        schema,  # noqa: F401  (alembic, the slowest)
    )


# -- helpers -------------------------------------------------------------------------------
def _service(vault: Vault) -> VaultService:
    """The service over ``vault``; the vault is closed again if that fails."""
    try:
        from vbedesk.storage.service import VaultService

        return VaultService(vault)
    except BaseException:
        vault.close()
        raise


def _keep_key(service: VaultService, store: KeyringStore | None, remember: bool | None) -> None:
    """Remember or forget the data key on a secure keyring; a failure only logs."""
    if store is None or remember is None or not store.is_available():
        return
    try:
        if remember:
            service.vault.remember(store)
        else:
            service.vault.forget(store)
    except VbedeskError as exc:
        log.warning("remembering the key failed (%s); it is not remembered", type(exc).__name__)
