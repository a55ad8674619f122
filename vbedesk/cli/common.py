"""What every command shares: output, exit codes, secrets, input, opening the vault, errors.

Exit codes: 0 success, 1 unexpected error, 2 usage, 3 input refused, 4 wrong passphrase
or damaged data, 5 vault in use.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vbedesk.errors import InputRefused, VbedeskError
from vbedesk.i18n import N_, _

if TYPE_CHECKING:
    from vbedesk.storage.secrets import KeyringStore
    from vbedesk.storage.service import VaultService

    #: What ``add_subparsers`` returns: each area's ``add_parser`` adds its commands to it.
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_CRYPTO = 4
EXIT_IN_USE = 5

MAX_INPUT_BYTES = 50 * 1024 * 1024


class UsageError(VbedeskError):
    exit_code = EXIT_USAGE
    message = N_("Usage error.")


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with ``EXIT_USAGE``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"vbedesk: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def out(text: str = "") -> None:
    print(text)


def err(text: str) -> None:
    print(text, file=sys.stderr)


# -- secrets and input ---------------------------------------------------------------------
def _read_secret_file(path: str) -> str:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError:
        raise UsageError(N_("Cannot read the passphrase file {path}."), path=path) from None
    return raw.rstrip("\r\n")


def secret(
    args: argparse.Namespace,
    env_var: str,
    prompt: str,
    *,
    confirm: bool = False,
    file_attr: str = "passphrase_file",
) -> str:
    """A secret from the environment, a file, or the terminal (as borg and restic do)."""
    value = os.environ.get(env_var)
    if value:
        return value
    path = getattr(args, file_attr, None)
    if path:
        return _read_secret_file(path)
    if not sys.stdin.isatty():
        raise UsageError(
            N_("No passphrase: set {var}, use --passphrase-file, or run in a terminal."),
            var=env_var,
        )
    first = getpass.getpass(_(prompt) + " ")
    if confirm:
        second = getpass.getpass(_("Repeat:") + " ")
        if first != second:
            raise InputRefused(N_("The two passphrases differ."))
    return first


def new_passphrase(args: argparse.Namespace, prompt: str = N_("New passphrase:")) -> str:
    """A new passphrase, asked twice at a terminal, and strong enough (else refused)."""
    from vbedesk.storage.bootstrap import check_passphrase

    new = secret(
        args, "VBEDESK_NEW_PASSPHRASE", prompt, confirm=True, file_attr="new_passphrase_file"
    )
    check_passphrase(new)
    return new


def read_input(source: str | None) -> str:
    """The UTF-8 text of the file ``source`` or of stdin (``-``), at most 50 MB."""
    if source in (None, "-"):
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise InputRefused(N_("The file is larger than 50 MB."))
            data = path.read_bytes()
        except OSError:
            raise InputRefused(N_("Cannot read {path}."), path=source) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputRefused(N_("The input is larger than 50 MB."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputRefused(N_("The input is not UTF-8 text.")) from None


# -- the vault -----------------------------------------------------------------------------
def vault_dir(args: argparse.Namespace) -> Path:
    """The folder of ``--vault``, or the default vault folder."""
    from vbedesk.storage.access import default_folder

    return Path(args.vault).expanduser() if args.vault else default_folder()


def keyring() -> KeyringStore:
    """The system keyring, read only for the rollback counter's copy (see ``Vault.open``).

    The command line never reads the remembered key itself: it always asks for the
    passphrase. Where the desktop program remembers the key, the keyring also holds the
    generation of the last session, so ``check`` catches a whole folder put back.
    """
    from vbedesk.storage.secrets import KeyringStore

    return KeyringStore()


@contextmanager
def open_service(args: argparse.Namespace) -> Iterator[VaultService]:
    """The vault of ``--vault`` as a service for one command, closed when the block ends.

    Opened with the passphrase through ``storage.access``, as the window opens it. A
    missing vault is refused before the passphrase is asked.
    """
    from vbedesk.errors import VaultNotFound
    from vbedesk.storage import access

    folder = vault_dir(args)
    if not access.vault_exists(folder):
        raise VaultNotFound(path=str(folder))
    passphrase = secret(args, "VBEDESK_PASSPHRASE", N_("Passphrase:"))
    with closing(access.open_with_passphrase(folder, passphrase, store=keyring())) as service:
        yield service


# -- the window ----------------------------------------------------------------------------
def display_available() -> bool:
    """False on a Linux or BSD machine without a display, where Qt would abort the process."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# -- running a command ---------------------------------------------------------------------
def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command; an expected failure is its message and exit code."""
    try:
        code: int = args.func(args)
        return code
    except VbedeskError as exc:
        message = _(exc.message)
        err("vbedesk: " + (message.format(**exc.params) if exc.params else message))
        return exc.exit_code
    except KeyboardInterrupt:
        err("vbedesk: " + _("Interrupted."))
        return EXIT_UNEXPECTED
    except Exception as exc:  # the user gets a message, never a traceback
        # The class name only: an exception's text may quote data.
        err("vbedesk: " + _("Unexpected error ({kind}).").format(kind=type(exc).__name__))
        return EXIT_UNEXPECTED


def day_option(text: str, option: str) -> date:
    """The date given to ``option`` (YYYY-MM-DD); a refusal naming the option otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputRefused(
            N_("The field {field} must be a date written YYYY-MM-DD."), field=option
        ) from None
