"""A full disk during a save, an import and a backup: a clear error, nothing half written.

The disk is made full with a file size limit (``RLIMIT_FSIZE``) around the operation, with
``SIGXFSZ`` ignored, so that every write past the limit fails with ``EFBIG`` exactly where
a full disk fails with ``ENOSPC``. The limit is the process's own and lifted right after;
nothing is written to stdout or stderr inside it (pytest captures them into files).
"""

from __future__ import annotations

import errno
import io
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlcipher3
from pypdf import PdfReader, PdfWriter

from tests.conftest import PASSPHRASE, DemoVault, fast_kdf
from vbedesk.errors import DamagedData, DiskFull, WrongPassphrase
from vbedesk.formimport import Imported
from vbedesk.incidents import incident_to_dict, incidents_from_jsonl
from vbedesk.model import FollowUp, Incident, Period, PeriodKind
from vbedesk.reports.form import build_blank_form, field_values_for, read_filled_form
from vbedesk.storage import engine
from vbedesk.storage.backup import verify_backup
from vbedesk.storage.service import VaultService
from vbedesk.storage.tables import IncidentRow
from vbedesk.storage.vault import Vault

BACKUP_PASSPHRASE = "a long backup passphrase for tests"
WAL_HEADER = 32
WAL_FRAME = 24 + 4096


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """No file of this process can grow past ``limit`` bytes: writes fail with EFBIG."""
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def _empty_wal(service: VaultService) -> None:
    """Move every page home and empty the WAL: the next transaction writes from offset 0."""
    with service.vault.raw_connection() as raw:
        row = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert row[0] == 0  # not busy
    assert (service.vault.folder / "vault.db-wal").stat().st_size == 0


#: No byte can be written at all; or the WAL header and two frames fit, then the disk is full.
LIMITS = {"nothing-fits": 0, "two-pages-fit": WAL_HEADER + 2 * WAL_FRAME}


def _incident(text: str) -> Incident:
    return Incident(
        received_on=date(2021, 6, 1),
        incident_types=frozenset({"HOT"}),
        environment="OKLAR",
        description=text,
    )


def _state(service: VaultService) -> tuple[int, int, list[str]]:
    info = service.info()
    descriptions = sorted(i.description for i in service.incidents.iter_all())
    return info.counts["incidents"], info.counts["audit_rows"], descriptions


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".probe-" in p.name or ".partial-" in p.name)


@pytest.mark.parametrize("limit", LIMITS.values(), ids=LIMITS.keys())
def test_incident_save_on_a_full_disk(service: VaultService, limit: int) -> None:
    for n in range(3):
        service.incidents.add(_incident(f"earlier {n}"))
    before = _state(service)
    incident = _incident("Klotter på skolans fasad, anmält till fastighetsägaren.")
    kept = replace(incident)
    _empty_wal(service)

    with file_size_limit(limit), pytest.raises(DiskFull) as caught:
        service.incidents.add(incident)

    assert str(caught.value) == DiskFull.message
    assert "fasad" not in str(caught.value)
    # Rolled back: the vault is sound and holds exactly what it held before.
    assert service.check().ok
    assert _state(service) == before
    assert _leftovers(service.vault.folder) == []
    # The user's input is untouched and saves once there is room again.
    assert incident == kept
    saved = service.incidents.add(incident).incident
    assert service.incidents.get(saved.id or 0).description == incident.description
    assert service.incidents.count() == before[0] + 1
    assert service.check().ok


@pytest.mark.parametrize("limit", LIMITS.values(), ids=LIMITS.keys())
def test_import_on_a_full_disk(service: VaultService, limit: int) -> None:
    service.incidents.add(_incident("earlier"))
    lines = [json.dumps(incident_to_dict(_incident(f"imported {k}"))) for k in range(300)]
    batch = incidents_from_jsonl("\n".join(lines), service.taxonomies)
    kept = list(batch)
    before = _state(service)
    _empty_wal(service)

    with file_size_limit(limit), pytest.raises(DiskFull):
        service.incidents.import_many(batch, source="import.jsonl")

    assert service.check().ok
    assert _state(service) == before  # all or nothing: not one record of the 300
    assert batch == kept
    ids = service.incidents.import_many(batch, source="import.jsonl")
    assert len(ids) == 300
    assert service.incidents.count() == before[0] + 300
    assert service.check().ok


@pytest.mark.parametrize("fraction", [0.0, 0.5], ids=["nothing-fits", "half-fits"])
def test_backup_on_a_full_disk(service: VaultService, tmp_path: Path, fraction: float) -> None:
    for n in range(50):
        service.incidents.add(_incident(f"to back up {n}"))
    folder = tmp_path / "backups"
    folder.mkdir()
    out = folder / "vbedesk-2026-11-28-120000.vbdk"
    before = _state(service)
    size = (service.vault.folder / "vault.db").stat().st_size
    limit = int(size * fraction)

    with file_size_limit(limit), pytest.raises(DiskFull):
        service.backups.create(out, BACKUP_PASSPHRASE, kdf=fast_kdf())

    # No file carries the final name, and the temporary one is gone too.
    assert sorted(p.name for p in folder.iterdir()) == []
    assert service.check().ok
    assert _state(service) == before  # not recorded as written
    manifest = service.backups.create(out, BACKUP_PASSPHRASE, kdf=fast_kdf())
    assert verify_backup(out, BACKUP_PASSPHRASE) == manifest
    assert manifest.counts[IncidentRow.__tablename__] == before[0]


def test_the_probe_tells_a_full_disk_from_a_disk_with_room(service: VaultService) -> None:
    """The I/O error of SQLite is DiskFull only when the file system refuses to grow."""
    target = service.vault.folder / "vault.db"
    assert not engine.write_refused(target)
    with file_size_limit(0):
        refused = engine.write_refused(target)
    assert refused
    assert _leftovers(service.vault.folder) == []


def test_an_io_error_with_room_on_the_disk_is_still_damage(service: VaultService) -> None:
    target = service.vault.folder / "vault.db"
    io_error = sqlcipher3.OperationalError("disk I/O error")
    io_error.sqlite_errorcode = engine.SQLITE_IOERR
    with pytest.raises(DamagedData), engine.damage_as_error(target):
        raise io_error
    with pytest.raises(DiskFull), file_size_limit(0), engine.damage_as_error(target):
        raise io_error
    full = sqlcipher3.OperationalError("database or disk is full")
    full.sqlite_errorcode = engine.SQLITE_FULL
    with pytest.raises(DiskFull), engine.damage_as_error():
        raise full
    with pytest.raises(DiskFull), engine.damage_as_error():
        raise OSError(errno.ENOSPC, "No space left on device")
    assert _leftovers(service.vault.folder) == []


def test_form_import_on_a_full_disk(service: VaultService) -> None:
    """A form that met a full disk is not marked imported: the same file imports later."""
    blank = build_blank_form(service.taxonomies, "sv")
    values = {
        "received_on": "2021-06-01",
        "incident_types": ["KLOTTER"],
        "environment": "OKLAR",
        "description": "Klotter i gångtunneln.",
    }
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    writer.update_page_form_field_values(None, field_values_for(values), auto_regenerate=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    before = _state(service)
    _empty_wal(service)

    with file_size_limit(LIMITS["two-pages-fit"]), pytest.raises(DiskFull):
        service.forms.import_form(data, "form.pdf", reader=read_filled_form)

    assert service.check().ok
    assert _state(service) == before
    result = service.forms.import_form(data, "form.pdf", reader=read_filled_form)
    assert isinstance(result, Imported)
    assert result.incident.description == "Klotter i gångtunneln."


def test_followup_on_a_full_disk(demo_vault: DemoVault) -> None:
    with Vault.open(demo_vault.folder, passphrase=demo_vault.passphrase) as vault:
        service = VaultService(vault)
        activity = service.plans.activities(
            service.plans.sections(service.plans.all()[0].id or 0)[0].id or 0
        )[0]
        period = Period(2021, PeriodKind.T2)
        followup = FollowUp(activity.id or 0, period, "PAGAR", "Halvvägs.", date(2021, 8, 1))
        before = service.plans.followups(activity.id or 0)
        _empty_wal(service)

        with file_size_limit(0), pytest.raises(DiskFull):
            service.plans.add_followup(followup)

        assert service.check().ok
        assert service.plans.followups(activity.id or 0) == before
        saved = service.plans.add_followup(followup)
        assert service.plans.followups(activity.id or 0) == [*before, saved]


def test_passphrase_change_on_a_full_disk(demo_vault: DemoVault) -> None:
    folder = demo_vault.folder
    with Vault.open(folder, passphrase=demo_vault.passphrase) as vault:
        with file_size_limit(0), pytest.raises(DiskFull):
            vault.change_passphrase("the new passphrase", kdf=fast_kdf())
        assert sorted(p.name for p in folder.iterdir() if p.name.startswith("vault.key")) == [
            "vault.key"
        ]
    with pytest.raises(WrongPassphrase):
        Vault.open(folder, passphrase="the new passphrase")
    with Vault.open(folder, passphrase=demo_vault.passphrase) as vault:
        assert VaultService(vault).check().ok
        vault.change_passphrase("the new passphrase", kdf=fast_kdf())
    Vault.open(folder, passphrase="the new passphrase").close()


def _cli_with_file_size_limit(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line in a child process whose files cannot grow past ``limit`` bytes."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    # Not measured by coverage either: its data file could not grow past the limit.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VBEDESK_", "COVERAGE_"))}
    env.update({"VBEDESK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"})
    return subprocess.run(
        [sys.executable, "-m", "vbedesk", *args],
        input="",
        capture_output=True,  # pipes: the limit applies to files only
        text=True,
        env=env,
        timeout=120,
        check=False,
        preexec_fn=limited,
    )


#: Nothing at all fits (opening fails: even a read needs the WAL index); or the WAL index
#: and a few pages fit, so that the vault opens and the import of 500 records fails.
CLI_LIMITS = {"at-open": 0, "during-import": 32768 + 4 * WAL_FRAME}


@pytest.mark.parametrize("limit", CLI_LIMITS.values(), ids=CLI_LIMITS.keys())
def test_the_command_line_says_the_disk_is_full(
    demo_vault: DemoVault, tmp_path: Path, limit: int
) -> None:
    source = tmp_path / "import.jsonl"
    source.write_text(
        "\n".join(json.dumps(incident_to_dict(_incident(f"cli {k}"))) for k in range(500)),
        encoding="utf-8",
    )
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        service = VaultService(vault)
        before = service.incidents.count()
        generation = vault.generation()
        _empty_wal(service)

    result = _cli_with_file_size_limit(
        limit, "--vault", str(demo_vault.folder), "incident", "import", str(source)
    )

    assert result.returncode == DiskFull.exit_code, result.stderr
    assert DiskFull.message in result.stderr
    assert "Traceback" not in result.stderr
    assert "cli " not in result.stderr
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        service = VaultService(vault)
        assert service.check().ok
        assert service.incidents.count() == before
        # Our close and open count 2; a command line that got the vault open counts more.
        assert (vault.generation() - generation > 2) == (limit > 0)
    assert run_cli_import_works(demo_vault, source) == before + 500


def run_cli_import_works(demo_vault: DemoVault, source: Path) -> int:
    """With room again, the same file imports; the vault's incident count after it."""
    result = _cli_with_file_size_limit(
        resource.RLIM_INFINITY, "--vault", str(demo_vault.folder), "incident", "import", str(source)
    )
    assert result.returncode == 0, result.stderr
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        return VaultService(vault).incidents.count()


def test_a_report_written_out_on_a_full_disk(service: VaultService, tmp_path: Path) -> None:
    """A PDF or spreadsheet that does not fit: said, no file, nothing in the register."""
    out = tmp_path / "ut"
    out.mkdir()
    before = service.disclosures.all()
    with file_size_limit(1024), pytest.raises(DiskFull) as caught:
        service.disclosures.write(out / "lägesbild.pdf", bytes(200_000), "pdf", "Lägesbild 2021")
    assert "lägesbild.pdf was not written" in str(caught.value)
    assert list(out.iterdir()) == []
    assert service.disclosures.all() == before
    assert service.check().ok
