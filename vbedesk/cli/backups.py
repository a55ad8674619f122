"""Encrypted backups: create one of the vault, verify a file, restore one into a new vault."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vbedesk.i18n import N_, _

from .common import EXIT_OK, Parser, new_passphrase, open_service, out, secret

if TYPE_CHECKING:
    from vbedesk.storage.services.backups import BackupManifest

    from .common import Subcommands


def _backup_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    return secret(
        args,
        "VBEDESK_BACKUP_PASSPHRASE",
        N_("Backup passphrase:"),
        confirm=confirm,
        file_attr="backup_passphrase_file",
    )


def _print_manifest(manifest: BackupManifest) -> None:
    out(_("Created: {when}").format(when=manifest.created.isoformat(sep=" ")))
    out(_("Schema version: {v}").format(v=manifest.schema_version))
    out(_("Generation: {n}").format(n=manifest.generation))
    for table, n in sorted(manifest.counts.items()):
        out(f"  {table}: {n}")


def cmd_backup_create(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        passphrase = _backup_passphrase(args, confirm=True)
        manifest = service.backups.create(Path(args.out).expanduser(), passphrase)
    out(_("Backup written and verified: {path}").format(path=args.out))
    _print_manifest(manifest)
    return EXIT_OK


def cmd_backup_verify(args: argparse.Namespace) -> int:
    from vbedesk.storage.services.backups import verify_file

    passphrase = _backup_passphrase(args)
    manifest = verify_file(Path(args.file), passphrase)
    out(_("The backup is intact: {path}").format(path=args.file))
    _print_manifest(manifest)
    return EXIT_OK


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from vbedesk.storage.services.backups import restore_file

    passphrase = _backup_passphrase(args)
    new = new_passphrase(args, N_("Passphrase for the restored vault:"))
    # Audited in the restored vault, as the window's restore is; it is closed again.
    restored = restore_file(
        Path(args.file), passphrase, Path(args.to).expanduser(), new_passphrase=new
    )
    out(_("Restored into a new vault: {path}").format(path=args.to))
    out(_("Recovery key of the restored vault (shown once):"))
    out("    " + restored.recovery_key)
    return EXIT_OK


def add_parser(sub: Subcommands) -> None:
    bk = sub.add_parser("backup", help=_("encrypted backups")).add_subparsers(
        dest="backup_command", required=True, parser_class=Parser
    )
    bc = bk.add_parser("create", help=_("write a verified backup"))
    bc.add_argument("--out", required=True, metavar="FILE")
    bc.set_defaults(func=cmd_backup_create)
    bv = bk.add_parser("verify", help=_("check a backup without restoring"))
    bv.add_argument("file")
    bv.set_defaults(func=cmd_backup_verify)
    br = bk.add_parser("restore", help=_("restore into a new vault folder"))
    br.add_argument("file")
    br.add_argument("--to", required=True, metavar="DIR")
    br.set_defaults(func=cmd_backup_restore)
