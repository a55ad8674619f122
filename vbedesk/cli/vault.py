"""The vault as a whole: init, demo, info, check, passphrase, and the window on it (gui)."""

from __future__ import annotations

import argparse
import os
import shlex
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from vbedesk.errors import VbedeskError
from vbedesk.i18n import N_, _

from .common import (
    EXIT_CRYPTO,
    EXIT_OK,
    display_available,
    err,
    keyring,
    new_passphrase,
    open_service,
    out,
    secret,
    vault_dir,
)

if TYPE_CHECKING:
    from vbedesk.storage.service import VaultService

    from .common import Subcommands


class GuiUnavailable(VbedeskError):
    message = N_("The window cannot start here ({kind}); the command line still works.")


def print_summary(service: VaultService) -> None:
    info = service.info()
    out(_("Vault: {path}").format(path=info.path))
    out(_("Vault id: {id}").format(id=info.vault_id))
    out(_("Created: {when}").format(when=info.created_at.isoformat(sep=" ")))
    out(_("Schema version: {v}").format(v=info.schema_version))
    out(_("SQLCipher: {v}").format(v=info.sqlcipher_version))
    out(_("Generation: {n}").format(n=info.generation))
    labels = {
        "incidents": N_("Incidents"),
        "action_plans": N_("Action plans"),
        "activities": N_("Activities"),
        "followups": N_("Follow-ups"),
        "training_counts": N_("Training counts"),
        "contacts": N_("Contacts"),
        "audit_rows": N_("Audit log rows"),
    }
    for key, label in labels.items():
        out(f"  {_(label)}: {info.counts.get(key, 0)}")
    if info.incidents_by_year:
        years = ", ".join(f"{y}: {n}" for y, n in info.incidents_by_year.items())
        out("  " + _("Incidents per year: {years}").format(years=years))


def cmd_init(args: argparse.Namespace) -> int:
    from vbedesk.storage import access

    folder = vault_dir(args)
    passphrase = secret(args, "VBEDESK_PASSPHRASE", N_("New passphrase:"), confirm=True)
    service, recovery = access.create(folder, passphrase)
    with closing(service):
        out(_("Created a new vault in {path}.").format(path=folder))
        out()
        out(_("Recovery key (shown once; print it or write it down and keep it in the safe):"))
        out()
        out("    " + recovery)
        out()
        out(_("It opens the vault if the passphrase is forgotten or the key file is lost."))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from vbedesk.storage import access
    from vbedesk.storage.bootstrap import DEMO_PASSPHRASE, create_demo_vault

    folder = Path(args.vault).expanduser() if args.vault else _demo_dir()
    passphrase = os.environ.get("VBEDESK_PASSPHRASE") or DEMO_PASSPHRASE
    if access.vault_exists(folder):
        service = access.open_with_passphrase(folder, passphrase)
        out(_("The demo vault already exists; opened it."))
    else:
        service, _recovery = create_demo_vault(folder, passphrase)
        out(_("Created the demo vault from the 2021 action plan and synthetic incidents."))
    with closing(service):
        print_summary(service)
        out()
        out(_("Passphrase of the demo vault: {p}").format(p=passphrase))
        out(
            _("Try: vbedesk --vault {path} incident list --year 2021").format(
                path=shlex.quote(str(folder))
            )
        )
    if getattr(args, "open", False):
        out(_("Opening the window; the passphrase is shown in the unlock dialog."))
        hint = _("Demo vault with synthetic data. Its passphrase is: {p}").format(p=passphrase)
        return _run_gui(folder, args, hint=hint)
    return EXIT_OK


def _demo_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path("VBE Desk", appauthor=False, roaming=False) / "demo-vault"


def cmd_gui(args: argparse.Namespace) -> int:
    return _run_gui(vault_dir(args), args)


def _run_gui(folder: Path, args: argparse.Namespace, hint: str = "") -> int:
    if not display_available():
        raise GuiUnavailable(kind=_("no display"))
    try:
        from vbedesk.ui.app import run
    except ImportError as exc:
        raise GuiUnavailable(kind=type(exc).__name__) from None
    return run(folder, language=args.lang, hint=hint)


def cmd_info(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        print_summary(service)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from vbedesk.storage.service import check_lines

    with open_service(args) as service:
        if args.accept_old_copy and service.accept_old_copy():
            out(_("The older copy is accepted as the vault from now on."))
        report = service.check()
    for line in check_lines(report):
        out(line)
    if report.ok:
        return EXIT_OK
    if report.only_older_copy:
        err(
            _(
                "The vault is an older copy than the one last used. If that is intended, run"
                " 'vbedesk check --accept-old-copy'; otherwise find the newer copy."
            )
        )
        return EXIT_CRYPTO
    err(_("The vault failed its checks; restore from a backup and keep this copy."))
    return EXIT_CRYPTO


def cmd_passphrase(args: argparse.Namespace) -> int:
    """A new passphrase, opened with the old one or the recovery key; audited by the service.

    The recovery key goes through ``storage.access.recover``, as the unlock dialog's does.
    """
    if args.recovery_key:
        from vbedesk.errors import VaultNotFound
        from vbedesk.storage import access

        folder = vault_dir(args)
        if not access.vault_exists(folder):  # refused before anything is asked
            raise VaultNotFound(path=str(folder))
        key = secret(
            args, "VBEDESK_RECOVERY_KEY", N_("Recovery key:"), file_attr="recovery_key_file"
        )
        access.recover(folder, key, new_passphrase(args), store=keyring()).close()
    else:
        with open_service(args) as service:
            service.change_passphrase(new_passphrase(args))
    out(_("The passphrase was changed. The recovery key is unchanged."))
    return EXIT_OK


def add_parser(sub: Subcommands) -> None:
    sub.add_parser("gui", help=_("open the window (the default)")).set_defaults(func=cmd_gui)
    sub.add_parser("init", help=_("create a new vault")).set_defaults(func=cmd_init)
    demo_p = sub.add_parser("demo", help=_("create or open the demo vault"))
    demo_p.add_argument(
        "--open", action="store_true", help=_("then open the window on it (passphrase shown)")
    )
    demo_p.set_defaults(func=cmd_demo)
    sub.add_parser("info", help=_("show a summary of the vault")).set_defaults(func=cmd_info)
    check_p = sub.add_parser("check", help=_("run the integrity checks"))
    check_p.add_argument(
        "--accept-old-copy",
        action="store_true",
        help=_("keep working with a database found older than the last session"),
    )
    check_p.set_defaults(func=cmd_check)
    pp = sub.add_parser("passphrase", help=_("change the passphrase"))
    pp.add_argument(
        "--recovery-key", action="store_true", help=_("open with the recovery key instead")
    )
    pp.set_defaults(func=cmd_passphrase)
