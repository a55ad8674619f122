"""The program's error classes: each carries a user message and the CLI exit code.

Messages are English msgids marked with ``N_`` and translated where they are shown.
They never contain user data (no incident text, no passphrase, no key).
"""

from __future__ import annotations

from vbedesk.i18n import N_


class VbedeskError(Exception):
    """Base class of expected failures; ``message`` is shown to the user, translated."""

    exit_code = 1
    message = N_("An unexpected error occurred.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(self.message.format(**params) if params else self.message)


class InputRefused(VbedeskError):
    """Input that fails validation (a bad field, an unknown code, a finding not accepted)."""

    exit_code = 3
    message = N_("The input was refused.")


class NotABackup(InputRefused):
    message = N_("The file is not a VBE Desk backup.")


class NewerVersion(InputRefused):
    message = N_("The file was written by a newer version of VBE Desk; update the program first.")


class WrongPassphrase(VbedeskError):
    """Wrong passphrase or key, or a damaged header: cryptographically the same thing."""

    exit_code = 4
    message = N_("Wrong passphrase, or the file's header is damaged.")


class DamagedData(VbedeskError):
    """The key was right but the content fails an integrity check."""

    exit_code = 4
    message = N_("The data is damaged or has been tampered with.")


class VaultInUse(VbedeskError):
    exit_code = 5
    message = N_("The vault is open in another VBE Desk process.")


class VaultNotFound(InputRefused):
    message = N_("No vault found in {path}.")


class VaultExists(InputRefused):
    message = N_("A vault already exists in {path}; nothing was changed.")


class DiskFull(VbedeskError):
    """A write failed for lack of space (or a file size limit); the transaction was undone."""

    message = N_("The disk is full: nothing was saved. Free some space and try again.")


class VaultLocked(InputRefused):
    """The vault was locked (or is locking): no unit of work starts on it any more."""

    message = N_("The vault is locked.")


class Cancelled(InputRefused):
    """A long job stopped at the coordinator's request or because the vault locked."""

    message = N_("Cancelled: nothing was changed.")
