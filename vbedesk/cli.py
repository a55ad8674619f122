"""The command line: every capability of the program, headless, over the service layer.

This module is a composition root: it alone (with ``__main__``) may import every layer.
Exit codes: 0 success, 1 unexpected error, 2 usage, 3 input refused, 4 wrong passphrase
or damaged data, 5 vault in use.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from vbedesk import __version__, guard
from vbedesk.errors import InputRefused, VbedeskError
from vbedesk.i18n import N_, _, detect_language, set_language
from vbedesk.incidents import (
    incident_from_mapping,
    incident_to_dict,
    incidents_from_csv,
    incidents_from_jsonl,
    incidents_to_csv,
)
from vbedesk.model import Incident, IncidentFilter

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_CRYPTO = 4
EXIT_IN_USE = 5

MAX_INPUT_BYTES = 50 * 1024 * 1024

log = logging.getLogger("vbedesk")


class UsageError(VbedeskError):
    exit_code = EXIT_USAGE
    message = N_("Usage error.")


class GuiUnavailable(VbedeskError):
    message = N_("The window cannot start here ({kind}); the command line still works.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"vbedesk: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _out(text: str = "") -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


# -- secrets -------------------------------------------------------------------------------
def _read_secret_file(path: str) -> str:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError:
        raise UsageError(N_("Cannot read the passphrase file {path}."), path=path) from None
    return raw.rstrip("\r\n")


def _secret(
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


# -- vault access --------------------------------------------------------------------------
def _vault_dir(args: argparse.Namespace) -> Path:
    from vbedesk.storage.vault import default_vault_dir

    return Path(args.vault).expanduser() if args.vault else default_vault_dir()


def _open_service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from vbedesk.storage.service import VaultService
    from vbedesk.storage.vault import Vault, VaultNotFound

    folder = _vault_dir(args)
    if not Vault.exists(folder):
        raise VaultNotFound(path=str(folder))
    passphrase = _secret(args, "VBEDESK_PASSPHRASE", N_("Passphrase:"))
    return VaultService(Vault.open(folder, passphrase=passphrase, store=_keyring()))


def _keyring():  # type: ignore[no-untyped-def]
    """The system keyring, read only for the rollback counter's copy (see ``Vault.open``).

    The command line never reads the remembered key itself: it always asks for the
    passphrase. Where the desktop program remembers the key, the keyring also holds the
    generation of the last session, so ``check`` catches a whole folder put back.
    """
    from vbedesk.storage.secrets import KeyringStore

    return KeyringStore()


def _print_summary(service) -> None:  # type: ignore[no-untyped-def]
    info = service.info()
    _out(_("Vault: {path}").format(path=info.path))
    _out(_("Vault id: {id}").format(id=info.vault_id))
    _out(_("Created: {when}").format(when=info.created_at.isoformat(sep=" ")))
    _out(_("Schema version: {v}").format(v=info.schema_version))
    _out(_("SQLCipher: {v}").format(v=info.sqlcipher_version))
    _out(_("Generation: {n}").format(n=info.generation))
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
        _out(f"  {_(label)}: {info.counts.get(key, 0)}")
    if info.incidents_by_year:
        years = ", ".join(f"{y}: {n}" for y, n in info.incidents_by_year.items())
        _out("  " + _("Incidents per year: {years}").format(years=years))


# -- commands ------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    from vbedesk.storage.bootstrap import create_vault

    folder = _vault_dir(args)
    passphrase = _secret(args, "VBEDESK_PASSPHRASE", N_("New passphrase:"), confirm=True)
    service, recovery = create_vault(folder, passphrase)
    try:
        _out(_("Created a new vault in {path}.").format(path=folder))
        _out()
        _out(_("Recovery key (shown once; print it or write it down and keep it in the safe):"))
        _out()
        _out("    " + recovery)
        _out()
        _out(_("It opens the vault if the passphrase is forgotten or the key file is lost."))
    finally:
        service.vault.close()
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from vbedesk.storage.bootstrap import DEMO_PASSPHRASE, create_demo_vault
    from vbedesk.storage.service import VaultService
    from vbedesk.storage.vault import Vault

    folder = Path(args.vault).expanduser() if args.vault else _demo_dir()
    passphrase = os.environ.get("VBEDESK_PASSPHRASE") or DEMO_PASSPHRASE
    if Vault.exists(folder):
        service = VaultService(Vault.open(folder, passphrase=passphrase))
        _out(_("The demo vault already exists; opened it."))
    else:
        service, _recovery = create_demo_vault(folder, passphrase)
        _out(_("Created the demo vault from the 2021 action plan and synthetic incidents."))
    try:
        _print_summary(service)
        _out()
        _out(_("Passphrase of the demo vault: {p}").format(p=passphrase))
        _out(
            _("Try: vbedesk --vault {path} incident list --year 2021").format(
                path=shlex.quote(str(folder))
            )
        )
    finally:
        service.vault.close()
    if getattr(args, "open", False):
        _out(_("Opening the window; the passphrase is shown in the unlock dialog."))
        hint = _("Demo vault with synthetic data. Its passphrase is: {p}").format(p=passphrase)
        return _run_gui(folder, args, hint=hint)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    return _run_gui(_vault_dir(args), args)


def _run_gui(folder: Path, args: argparse.Namespace, hint: str = "") -> int:
    if not _display_available():
        raise GuiUnavailable(kind=_("no display"))
    try:
        from vbedesk.ui.app import run
    except ImportError as exc:
        raise GuiUnavailable(kind=type(exc).__name__) from None
    return run(folder, language=args.lang, hint=hint)


def _display_available() -> bool:
    """False on a Linux or BSD machine without a display, where Qt would abort the process."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _demo_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path("VBE Desk", appauthor=False, roaming=False) / "demo-vault"


def cmd_info(args: argparse.Namespace) -> int:
    service = _open_service(args)
    try:
        _print_summary(service)
    finally:
        service.vault.close()
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from vbedesk.storage.service import check_lines

    service = _open_service(args)
    try:
        if args.accept_old_copy and service.accept_old_copy():
            _out(_("The older copy is accepted as the vault from now on."))
        report = service.check()
    finally:
        service.vault.close()
    for line in check_lines(report):
        _out(line)
    if report.ok:
        return EXIT_OK
    if report.only_older_copy:
        _err(
            _(
                "The vault is an older copy than the one last used. If that is intended, run"
                " 'vbedesk check --accept-old-copy'; otherwise find the newer copy."
            )
        )
        return EXIT_CRYPTO
    _err(_("The vault failed its checks; restore from a backup and keep this copy."))
    return EXIT_CRYPTO


def cmd_passphrase(args: argparse.Namespace) -> int:
    from vbedesk.storage.bootstrap import check_passphrase
    from vbedesk.storage.service import VaultService
    from vbedesk.storage.vault import Vault, VaultNotFound

    folder = _vault_dir(args)
    if not Vault.exists(folder):
        raise VaultNotFound(path=str(folder))
    if args.recovery_key:
        recovery = _secret(
            args, "VBEDESK_RECOVERY_KEY", N_("Recovery key:"), file_attr="recovery_key_file"
        )
        vault = Vault.open(folder, recovery_key=recovery, store=_keyring())
    else:
        vault = _open_service(args).vault
    try:
        new = _secret(
            args,
            "VBEDESK_NEW_PASSPHRASE",
            N_("New passphrase:"),
            confirm=True,
            file_attr="new_passphrase_file",
        )
        check_passphrase(new)
        vault.change_passphrase(new)
        VaultService(vault).record_event("vault.passphrase", "vault", vault.vault_id)
    finally:
        vault.close()
    _out(_("The passphrase was changed. The recovery key is unchanged."))
    return EXIT_OK


def _read_input(source: str | None) -> str:
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


def _print_findings(findings: Sequence[tuple[str, guard.Finding]], stream: TextIO) -> None:
    for field_name, f in findings:
        level = _("blocks") if f.blocking else _("warning")
        print(
            _("{field} line {line}, column {column}: {kind} ({level})").format(
                field=field_name,
                line=f.line,
                column=f.column,
                kind=_(guard.kind_label(f.kind)),
                level=level,
            ),
            file=stream,
        )


def cmd_incident_add(args: argparse.Namespace) -> int:
    from vbedesk.storage.service import IdentifiersFound, VaultService

    raw = _read_input(args.file)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputRefused(
            N_("Not valid JSON (line {line}, column {column})."), line=exc.lineno, column=exc.colno
        ) from None
    except (ValueError, RecursionError):  # a number over 4300 digits; nesting thousands deep
        raise InputRefused(N_("Expected one JSON object.")) from None
    if not isinstance(data, dict):
        raise InputRefused(N_("Expected one JSON object."))
    service = _open_service(args)
    try:
        incident = incident_from_mapping(data, service.taxonomies)
        try:
            result = service.incidents.add(incident, accept_findings=args.accept_findings)
        except IdentifiersFound:
            _print_findings(service.incidents.scan(incident), sys.stderr)
            raise
    finally:
        service.vault.close()
    _print_findings(result.findings, sys.stderr)
    _out(_("Saved incident {id}.").format(id=result.incident.id))
    return EXIT_OK


def cmd_incident_import(args: argparse.Namespace) -> int:
    from vbedesk.storage.service import IdentifiersFound

    raw = _read_input(args.file)
    is_csv = args.file.lower().endswith(".csv") if args.file else False
    service = _open_service(args)
    try:
        parser: Callable[..., list[Incident]] = (
            incidents_from_csv if is_csv else incidents_from_jsonl
        )
        incidents = parser(raw, service.taxonomies)
        if not incidents:
            raise InputRefused(N_("The file holds no incidents."))
        try:
            ids = service.incidents.import_many(incidents, source=Path(args.file).name[:40])
        except IdentifiersFound as exc:
            _err(_("Record {n}:").format(n=exc.record))
            raise
    finally:
        service.vault.close()
    _out(_("Imported {n} incidents.").format(n=len(ids)))
    return EXIT_OK


TABLE_COLUMNS = ("id", "received_on", "area", "environment", "incident_types", "status")


def cmd_incident_list(args: argparse.Namespace) -> int:
    service = _open_service(args)
    try:
        incidents = list(service.incidents.iter_all(IncidentFilter(year=args.year)))
    finally:
        service.vault.close()
    if args.format == "json":
        _out(json.dumps([incident_to_dict(i) for i in incidents], ensure_ascii=False, indent=1))
    elif args.format == "csv":
        sys.stdout.write(incidents_to_csv(incidents))
    else:
        rows = [
            [
                str(i.id),
                i.received_on.isoformat(),
                i.area or "",
                i.environment,
                ",".join(sorted(i.incident_types)),
                i.status,
            ]
            for i in incidents
        ]
        widths = [max([len(h)] + [len(r[n]) for r in rows]) for n, h in enumerate(TABLE_COLUMNS)]
        _out("  ".join(h.ljust(w) for h, w in zip(TABLE_COLUMNS, widths, strict=True)))
        for r in rows:
            _out("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        _out(_("{n} incidents").format(n=len(rows)))
    return EXIT_OK


def cmd_incident_show(args: argparse.Namespace) -> int:
    service = _open_service(args)
    try:
        incident = service.incidents.get(args.id)
        taxonomies = service.taxonomies
    finally:
        service.vault.close()
    data = incident_to_dict(incident)
    if args.format == "json":
        _out(json.dumps(data, ensure_ascii=False, indent=1))
        return EXIT_OK
    from vbedesk.i18n import language

    lang = language()
    label_sources = {
        "area": taxonomies.areas,
        "place_type": taxonomies.place_types,
        "reporting_unit": taxonomies.reporting_units,
        "reporter_role": taxonomies.reporter_roles,
        "environment": taxonomies.environments,
        "age_band": taxonomies.age_bands,
        "consent": taxonomies.consent,
        "status": taxonomies.incident_statuses,
        "incident_types": taxonomies.incident_types,
        "actions_taken": taxonomies.actions,
    }
    for key, value in data.items():
        tax = label_sources.get(key)
        if tax is not None and isinstance(value, list):
            value = ", ".join(tax.label(v, lang) for v in value)
        elif tax is not None and isinstance(value, str):
            value = tax.label(value, lang)
        _out(f"{key}: {'' if value is None else value}")
    return EXIT_OK


def cmd_scan_text(args: argparse.Namespace) -> int:
    text = _read_input(args.file)
    findings = guard.scan(text)
    for f in findings:
        level = _("blocks") if f.blocking else _("warning")
        _out(f"{f.line}:{f.column}\t{_(guard.kind_label(f.kind))}\t{level}")
    if findings:
        _err(_("{n} possible identifiers found.").format(n=len(findings)))
        return EXIT_REFUSED
    _out(_("No identifiers found."))
    return EXIT_OK


def _backup_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    return _secret(
        args,
        "VBEDESK_BACKUP_PASSPHRASE",
        N_("Backup passphrase:"),
        confirm=confirm,
        file_attr="backup_passphrase_file",
    )


def _print_manifest(manifest) -> None:  # type: ignore[no-untyped-def]
    _out(_("Created: {when}").format(when=manifest.created.isoformat(sep=" ")))
    _out(_("Schema version: {v}").format(v=manifest.schema_version))
    _out(_("Generation: {n}").format(n=manifest.generation))
    for table, n in sorted(manifest.counts.items()):
        _out(f"  {table}: {n}")


def cmd_backup_create(args: argparse.Namespace) -> int:
    service = _open_service(args)
    try:
        passphrase = _backup_passphrase(args, confirm=True)
        manifest = service.backups.create(Path(args.out).expanduser(), passphrase)
    finally:
        service.vault.close()
    _out(_("Backup written and verified: {path}").format(path=args.out))
    _print_manifest(manifest)
    return EXIT_OK


def cmd_backup_verify(args: argparse.Namespace) -> int:
    from vbedesk.storage.backup import verify_backup

    passphrase = _backup_passphrase(args)
    manifest = verify_backup(Path(args.file), passphrase)
    _out(_("The backup is intact: {path}").format(path=args.file))
    _print_manifest(manifest)
    return EXIT_OK


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from vbedesk.storage.backup import restore_backup
    from vbedesk.storage.bootstrap import check_passphrase

    passphrase = _backup_passphrase(args)
    new = _secret(
        args,
        "VBEDESK_NEW_PASSPHRASE",
        N_("Passphrase for the restored vault:"),
        confirm=True,
        file_attr="new_passphrase_file",
    )
    check_passphrase(new)
    vault, recovery = restore_backup(
        Path(args.file), passphrase, Path(args.to).expanduser(), new_passphrase=new
    )
    vault.close()
    _out(_("Restored into a new vault: {path}").format(path=args.to))
    _out(_("Recovery key of the restored vault (shown once):"))
    _out("    " + recovery)
    return EXIT_OK


def cmd_selftest(args: argparse.Namespace) -> int:
    """Check this installation on a throwaway vault (``vbedesk.ui.selftest``); 1 on failure."""
    from vbedesk.ui import selftest

    if not _display_available():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the window step needs no screen
    _out(_("VBE Desk {version}: self-test").format(version=__version__))
    outcomes = selftest.run(sys.stdout)
    failed = sum(not o.ok for o in outcomes)
    if failed:
        _err(_("Self-test failed: {n} of {total} steps.").format(n=failed, total=len(outcomes)))
        return EXIT_UNEXPECTED
    _out(_("Self-test passed: all {total} steps.").format(total=len(outcomes)))
    return EXIT_OK


# -- reports and exports -------------------------------------------------------------------
def _write_out(service, path: Path, data: bytes, kind: str, title: str, args) -> None:  # type: ignore[no-untyped-def]
    """Write ``data`` to the new file ``path`` and register it (the service writes it)."""
    if path.exists():
        raise InputRefused(
            N_("The file {path} already exists; choose another name."), path=str(path)
        )
    if not path.parent.is_dir():
        raise InputRefused(N_("The folder {path} does not exist."), path=str(path.parent))
    _err(
        _("Note: {path} leaves the encryption; it is recorded in the disclosure register.").format(
            path=path
        )
    )
    service.disclosures.write(
        path, data, kind, title, recipient=args.recipient or "", purpose=args.purpose or ""
    )
    _out(_("Written: {path}").format(path=path))


def _write_output(service, args: argparse.Namespace, request) -> int:  # type: ignore[no-untyped-def]
    """Build ``request`` (``vbedesk.reports.catalog``, as the program does) and write it out."""
    from datetime import date

    from vbedesk.reports.catalog import build

    try:
        output = build(service, request, created=date.today())
        _write_out(service, _out_path(args), output.data, output.file_kind, output.title, args)
    finally:
        service.vault.close()
    return EXIT_OK


def _out_path(args: argparse.Namespace) -> Path:
    return Path(args.out).expanduser()


def cmd_report_followup(args: argparse.Namespace) -> int:
    from vbedesk.model import Period
    from vbedesk.reports.catalog import Kind, Request

    period = Period.parse(args.period)
    return _write_output(_open_service(args), args, Request(Kind.FOLLOWUP, period=period))


def cmd_report_lagesbild(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return _write_output(_open_service(args), args, Request(Kind.LAGESBILD, year=args.year))


def cmd_report_training(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return _write_output(_open_service(args), args, Request(Kind.TRAINING))


def cmd_report_incident(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return _write_output(_open_service(args), args, Request(Kind.INCIDENT, item_id=args.id))


def cmd_report_caselog(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    return _write_output(_open_service(args), args, Request(Kind.CASELOG, item_id=args.id))


def cmd_export_statistics(args: argparse.Namespace) -> int:
    from vbedesk.reports.catalog import Kind, Request

    request = Request(Kind.STATISTICS_XLSX, year=args.year)
    return _write_output(_open_service(args), args, request)


# -- the routine and case logs -------------------------------------------------------------
def cmd_routine_check(args: argparse.Namespace) -> int:
    """Validate a routine file against the shipped contacts, references and code lists."""
    from vbedesk.routine import check_definition, parse_definition, shipped_context

    content = _read_input(args.file)
    problems = check_definition(content, shipped_context())
    if problems:
        for problem in problems:
            _out(f"{problem.step}: {problem.text()}")
        _err(_("The routine has {n} problem(s).").format(n=len(problems)))
        return EXIT_REFUSED
    definition = parse_definition(content)
    _out(
        _("The routine {id} version {version} is valid ({n} steps).").format(
            id=definition.id, version=definition.version, n=len(definition.steps)
        )
    )
    return EXIT_OK


def cmd_routine_show(args: argparse.Namespace) -> int:
    """The routine in use as an outline: the vault's with --vault, else the shipped one."""
    from vbedesk.i18n import language
    from vbedesk.routine import load_shipped, outline

    if args.vault:
        service = _open_service(args)
        try:
            definition = service.routines.active()
        finally:
            service.vault.close()
    else:
        definition = load_shipped()
    _out(outline(definition, args.outline_lang or language()).rstrip("\n"))
    return EXIT_OK


def cmd_routine_load(args: argparse.Namespace) -> int:
    from vbedesk.routine import RoutineInvalid

    content = _read_input(args.file)
    service = _open_service(args)
    try:
        try:
            definition = service.routines.load(content)
        except RoutineInvalid as exc:
            for problem in exc.problems:
                _out(f"{problem.step}: {problem.text()}")
            raise
    finally:
        service.vault.close()
    _out(
        _("Loaded routine {id} version {version}; it is now in use.").format(
            id=definition.id, version=definition.version
        )
    )
    return EXIT_OK


def cmd_caselog_list(args: argparse.Namespace) -> int:
    service = _open_service(args)
    try:
        logs = service.case_logs.search(args.text)
    finally:
        service.vault.close()
    for log in logs:
        _out(
            "  ".join(
                [
                    str(log.id),
                    log.started_at.isoformat(sep=" ", timespec="minutes"),
                    f"{log.routine_id} {log.routine_version}",
                    ",".join(sorted(log.outcomes)) or "-",
                    _("incident {id}").format(id=log.incident_id) if log.incident_id else "-",
                ]
            )
        )
    _out(_("{n} case logs").format(n=len(logs)))
    return EXIT_OK


def cmd_caselog_show(args: argparse.Namespace) -> int:
    service = _open_service(args)
    try:
        log = service.case_logs.get(args.id)
    finally:
        service.vault.close()
    _out(_("Case log {id}").format(id=log.id))
    _out(
        _("Routine: {id} version {version}").format(id=log.routine_id, version=log.routine_version)
    )
    _out(_("Started: {when}").format(when=log.started_at.isoformat(sep=" ")))
    _out(_("Ended: {when}").format(when=log.ended_at.isoformat(sep=" ")))
    _out(_("Outcomes: {codes}").format(codes=", ".join(sorted(log.outcomes)) or "-"))
    _out(_("Incident: {id}").format(id=log.incident_id if log.incident_id else "-"))
    _out(_("Answers:"))
    for answer in log.answers:
        chosen = ", ".join(answer.choices) or _("done")
        _out(f"  {answer.at.isoformat(sep=' ', timespec='seconds')}  {answer.step}: {chosen}")
    _out(_("Notes:"))
    _out(log.notes)
    return EXIT_OK


# -- the form loop and the follow-up export ------------------------------------------------
def cmd_form_blank(args: argparse.Namespace) -> int:
    """The blank fillable form for the units; recorded as a disclosure like every PDF."""
    from vbedesk.reports.catalog import Kind, Request

    request = Request(Kind.BLANK_FORM, form_language=args.form_lang)
    return _write_output(_open_service(args), args, request)


def _form_outcome_line(result) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    """One line per file, and whether it counts as done (imported or skipped)."""
    from vbedesk.formimport import Imported, NeedsReview, Skipped

    name = result.filename
    if isinstance(result, Imported):
        return _("{file}: imported as incident {id}").format(file=name, id=result.incident.id), True
    if isinstance(result, Skipped):
        return _("{file}: skipped, already imported").format(file=name), True
    if isinstance(result, NeedsReview):
        places = ", ".join(
            f"{_(guard.kind_label(f.kind))} ({field} {f.line}:{f.column})"
            for field, f in result.findings
            if f.blocking
        )
        return _("{file}: needs review: {findings}").format(file=name, findings=places), False
    return _("{file}: rejected: {reason}").format(file=name, reason=result.text()), False


def cmd_form_import(args: argparse.Namespace) -> int:
    """Import filled-in forms, one line per file; exit 3 when any needs review or is rejected."""
    from vbedesk.formimport import Rejected, read_form_file
    from vbedesk.reports.form import read_filled_form

    service = _open_service(args)
    all_done = True
    try:
        for source in args.files:
            path = Path(source).expanduser()
            data = read_form_file(path)
            if data is None:
                result: object = Rejected(path.name, "unreadable")
            else:
                result = service.forms.import_form(
                    data,
                    path.name,
                    reader=read_filled_form,
                    accept_findings=args.accept_findings,
                )
            line, done = _form_outcome_line(result)
            all_done = all_done and done
            _out(line)
    finally:
        service.vault.close()
    return EXIT_OK if all_done else EXIT_REFUSED


def cmd_export_followup(args: argparse.Namespace) -> int:
    """The plan's follow-up for a period as a spreadsheet (``.xlsx``) or CSV (``.csv``)."""
    from vbedesk.model import Period
    from vbedesk.reports.catalog import Kind, Request

    period = Period.parse(args.period)
    as_csv = _out_path(args).suffix.lower() == ".csv"
    kind = Kind.FOLLOWUP_CSV if as_csv else Kind.FOLLOWUP_XLSX
    return _write_output(_open_service(args), args, Request(kind, period=period))


# -- parser --------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="vbedesk", description=_("VBE Desk: the coordinator's encrypted desk."))
    p.add_argument("--version", action="version", version=f"vbedesk {__version__}")
    p.add_argument("--vault", metavar="DIR", help=_("the vault folder"))
    p.add_argument("--lang", choices=("sv", "en"), help=_("language of messages"))
    p.add_argument("--passphrase-file", metavar="FILE", help=_("read the passphrase from FILE"))
    p.add_argument("--new-passphrase-file", metavar="FILE", help=argparse.SUPPRESS)
    p.add_argument("--backup-passphrase-file", metavar="FILE", help=argparse.SUPPRESS)
    p.add_argument("--recovery-key-file", metavar="FILE", help=argparse.SUPPRESS)
    # Without a command the window opens (``vbedesk`` alone, as a desktop shortcut runs it).
    sub = p.add_subparsers(dest="command", required=False, parser_class=_Parser)
    p.set_defaults(func=cmd_gui)
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

    inc = sub.add_parser("incident", help=_("incidents")).add_subparsers(
        dest="incident_command", required=True, parser_class=_Parser
    )
    add = inc.add_parser("add", help=_("add one incident from a JSON object"))
    add.add_argument("file", nargs="?", default="-")
    add.add_argument("--accept-findings", action="store_true")
    add.set_defaults(func=cmd_incident_add)
    imp = inc.add_parser("import", help=_("import JSON Lines or CSV, all or nothing"))
    imp.add_argument("file")
    imp.set_defaults(func=cmd_incident_import)
    lst = inc.add_parser("list", help=_("list incidents"))
    lst.add_argument("--year", type=int)
    lst.add_argument("--format", choices=("table", "json", "csv"), default="table")
    lst.set_defaults(func=cmd_incident_list)
    show = inc.add_parser("show", help=_("show one incident"))
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(func=cmd_incident_show)

    rep = sub.add_parser("report", help=_("write a PDF report (leaves the encryption)"))
    rsub = rep.add_subparsers(dest="report", required=True, parser_class=_Parser)

    def _disclosure_args(q: argparse.ArgumentParser) -> None:
        q.add_argument("--out", required=True, metavar="FILE", help=_("the file to write"))
        q.add_argument("--recipient", help=_("who receives the file (for the register)"))
        q.add_argument("--purpose", help=_("why the file is written (for the register)"))

    rf = rsub.add_parser("followup", help=_("follow-up of the action plan for a period"))
    rf.add_argument("--period", required=True, help=_("e.g. T1 2021, T2 2021, VB 2021"))
    _disclosure_args(rf)
    rf.set_defaults(func=cmd_report_followup)
    rl = rsub.add_parser("lagesbild", help=_("situation report for a year, small cells hidden"))
    rl.add_argument("--year", type=int, required=True)
    _disclosure_args(rl)
    rl.set_defaults(func=cmd_report_lagesbild)
    rt = rsub.add_parser("training", help=_("training status per unit and course"))
    _disclosure_args(rt)
    rt.set_defaults(func=cmd_report_training)
    ri = rsub.add_parser("incident", help=_("one anonymised incident"))
    ri.add_argument("id", type=int)
    _disclosure_args(ri)
    ri.set_defaults(func=cmd_report_incident)
    rc = rsub.add_parser("caselog", help=_("one case log of a call"))
    rc.add_argument("id", type=int)
    _disclosure_args(rc)
    rc.set_defaults(func=cmd_report_caselog)
    exp = sub.add_parser("export", help=_("export data (leaves the encryption)"))
    esub = exp.add_subparsers(dest="export", required=True, parser_class=_Parser)
    es = esub.add_parser("statistics", help=_("the lägesbild tables as a spreadsheet"))
    es.add_argument("--year", type=int, required=True)
    _disclosure_args(es)
    es.set_defaults(func=cmd_export_statistics)

    rtn = sub.add_parser("routine", help=_("the concern/incident routine")).add_subparsers(
        dest="routine_command", required=True, parser_class=_Parser
    )
    rc = rtn.add_parser("check", help=_("validate a routine file"))
    rc.add_argument("file")
    rc.set_defaults(func=cmd_routine_check)
    rs = rtn.add_parser("show", help=_("print the routine in use as an outline"))
    rs.add_argument("--lang", dest="outline_lang", choices=("sv", "en"), default=None)
    rs.set_defaults(func=cmd_routine_show)
    rld = rtn.add_parser("load", help=_("validate a revised routine and put it in use"))
    rld.add_argument("file")
    rld.set_defaults(func=cmd_routine_load)
    clg = sub.add_parser("caselog", help=_("case logs of calls")).add_subparsers(
        dest="caselog_command", required=True, parser_class=_Parser
    )
    cl = clg.add_parser("list", help=_("list case logs, newest first"))
    cl.add_argument("--text", help=_("search the notes and outcomes"))
    cl.set_defaults(func=cmd_caselog_list)
    cs = clg.add_parser("show", help=_("show one case log"))
    cs.add_argument("id", type=int)
    cs.set_defaults(func=cmd_caselog_show)

    frm = sub.add_parser("form", help=_("the fillable form for the units")).add_subparsers(
        dest="form_command", required=True, parser_class=_Parser
    )
    fb = frm.add_parser("blank", help=_("write the blank fillable form (PDF)"))
    fb.add_argument(
        "--lang", dest="form_lang", choices=("sv", "en"), default="sv", help=_("labels")
    )
    _disclosure_args(fb)
    fb.set_defaults(func=cmd_form_blank)
    fi = frm.add_parser("import", help=_("import filled-in forms (PDF), one line per file"))
    fi.add_argument("files", nargs="+", metavar="FILE")
    fi.add_argument("--accept-findings", action="store_true")
    fi.set_defaults(func=cmd_form_import)
    ef = esub.add_parser("followup", help=_("the follow-up of a period as .xlsx (or .csv)"))
    ef.add_argument("--period", required=True, help=_("e.g. T1 2021, T2 2021, VB 2021"))
    _disclosure_args(ef)
    ef.set_defaults(func=cmd_export_followup)

    sub.add_parser(
        "selftest", help=_("check this installation on a throwaway vault, step by step")
    ).set_defaults(func=cmd_selftest)
    scan = sub.add_parser("scan-text", help=_("look for personal identifiers in a text"))
    scan.add_argument("file", nargs="?", default="-")
    scan.set_defaults(func=cmd_scan_text)

    bk = sub.add_parser("backup", help=_("encrypted backups")).add_subparsers(
        dest="backup_command", required=True, parser_class=_Parser
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
    return p


def _early_language(argv: Sequence[str]) -> str:
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            return argv[n + 1] if argv[n + 1] in ("sv", "en") else "sv"
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in ("sv", "en") else "sv"
    return detect_language()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_early_language(argv))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except VbedeskError as exc:
        message = _(exc.message)
        _err("vbedesk: " + (message.format(**exc.params) if exc.params else message))
        return exc.exit_code
    except KeyboardInterrupt:
        _err("vbedesk: " + _("Interrupted."))
        return EXIT_UNEXPECTED
    except Exception as exc:  # the user gets a message, never a traceback
        # The class name only: an exception's text may quote data.
        _err("vbedesk: " + _("Unexpected error ({kind}).").format(kind=type(exc).__name__))
        return EXIT_UNEXPECTED
