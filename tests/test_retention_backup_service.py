"""The service methods under the backups and gallring pages, without widgets."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.conftest import fast_kdf, snapshot
from vbedesk.errors import InputRefused, WrongPassphrase
from vbedesk.model import Incident
from vbedesk.storage.backup import (
    backup_name,
    default_backup_dir,
    list_backups,
    surplus_generations,
    verify_backup,
)
from vbedesk.storage.files import FileExists
from vbedesk.storage.service import NotFound, VaultService
from vbedesk.storage.services.backups import restore_file, verify_file
from vbedesk.storage.vault import Vault

BACKUP_PASS = "a long backup sentence for the safe"


def _incident(received: date, retain: date | None = None, text: str = "Klotter.") -> Incident:
    return Incident(
        received_on=received,
        environment="OKLAR",
        incident_types=frozenset({"KLOTTER"}),
        description=text,
        retain_until=retain,
    )


def test_retention_due_is_strictly_before_today(service: VaultService) -> None:
    today = date(2026, 6, 1)
    due = service.incidents.add(_incident(date(2020, 1, 1), date(2026, 5, 31))).incident.id
    on_the_day = service.incidents.add(_incident(date(2020, 1, 1), date(2026, 6, 1))).incident.id
    # Without a date of its own: received + the retention period from the settings (5 years).
    default = service.incidents.add(_incident(date(2021, 5, 31))).incident
    assert default.retain_until == date(2026, 5, 31)
    rows = service.retention.due(today)
    assert [r.id for r in rows] == sorted([due, default.id])  # type: ignore[type-var]
    assert on_the_day not in [r.id for r in rows]
    assert service.retention.count_due(today) == 2
    assert rows[0].incident_types == ("KLOTTER",)


def test_delete_incidents_takes_their_drafts_and_logs_ids_only(service: VaultService) -> None:
    a = service.incidents.add(_incident(date(2020, 1, 1), text="Hemlig text ett.")).incident.id
    b = service.incidents.add(_incident(date(2020, 1, 2))).incident.id
    keep = service.incidents.add(_incident(date(2020, 1, 3))).incident.id
    assert a is not None and b is not None and keep is not None
    service.drafts.save("incident", str(a), {"description": "Hemlig text ett, ändrad."})
    service.drafts.save("incident", str(keep), {"description": "kvar"})
    assert service.incidents.delete_many([b, a, a], "gallring") == 2
    assert [d.ref for d in service.drafts.all("incident")] == [str(keep)]
    entry = service.audit_entries(1)[0]
    assert entry.action == "incident.gallring" and entry.entity_id == "2"
    assert entry.detail == f"gallring; count=2; ids={a},{b}"
    assert service.check().ok
    with pytest.raises(InputRefused):
        service.incidents.delete_many([])
    with pytest.raises(NotFound):
        service.incidents.delete_many([keep, 424242])
    assert service.incidents.count() == 1


def test_export_incidents_refuses_bad_input_and_writes_nothing(
    service: VaultService, tmp_path: Path
) -> None:
    a = service.incidents.add(_incident(date(2020, 1, 1))).incident.id
    assert a is not None
    with pytest.raises(InputRefused):
        service.incidents.export([a], tmp_path / "x.xml", "xml")
    with pytest.raises(InputRefused):
        service.incidents.export([], tmp_path / "x.csv", "csv")
    with pytest.raises(NotFound):
        service.incidents.export([a, 999], tmp_path / "x.csv", "csv")
    taken = tmp_path / "taken.json"
    taken.write_text("x", encoding="utf-8")
    with pytest.raises(FileExists):
        service.incidents.export([a], taken, "json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.json", "vault"]
    assert taken.read_text(encoding="utf-8") == "x"
    assert service.disclosures.all() == []


def test_retention_due_comes_in_pages_oldest_date_first(service: VaultService) -> None:
    today = date(2026, 6, 1)
    ids = service.incidents.import_many(
        [_incident(date(2019, 1, 1), date(2026, 1, 1 + n % 28)) for n in range(7)]
    )
    pages = [service.retention.due(today, offset=o, limit=3) for o in (0, 3, 6, 9)]
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    rows = [r for page in pages for r in page]
    assert sorted(r.id for r in rows) == sorted(ids)
    keys = [(r.retain_until, r.id) for r in rows]
    assert keys == sorted(keys)


def test_export_retention_due_streams_every_due_incident(
    service: VaultService, tmp_path: Path
) -> None:
    today = date(2026, 6, 1)
    due = service.incidents.import_many(
        [_incident(date(2019, 1, 1), date(2026, 1, 1)) for _ in range(5)]
    )
    service.incidents.add(_incident(date(2025, 1, 1), date(2030, 1, 1)))
    entry, count = service.retention.export_due(today, tmp_path / "due.json", "json")
    assert count == 5 and "(5)" in entry.title
    exported = json.loads((tmp_path / "due.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in exported] == sorted(due)
    assert service.disclosures.all()[-1].path == str((tmp_path / "due.json").resolve())
    # Bad input and nothing due: refused, no file, nothing registered.
    with pytest.raises(InputRefused):
        service.retention.export_due(today, tmp_path / "x.xml", "xml")
    with pytest.raises(InputRefused):
        service.retention.export_due(date(2000, 1, 1), tmp_path / "none.csv", "csv")
    assert not (tmp_path / "none.csv").exists() and len(service.disclosures.all()) == 1


def test_delete_retention_due_deletes_exactly_the_due_in_sql(service: VaultService) -> None:
    today = date(2026, 6, 1)
    old = [_incident(date(2019, 1, 1), date(2026, 1, 1), text="Hemlig text.")] * 3
    new = [_incident(date(2025, 1, 1), date(2030, 1, 1))]
    ids = service.incidents.import_many(old + new + old[:1] + new + old[:1])
    due = [ids[0], ids[1], ids[2], ids[4], ids[6]]
    kept = [ids[3], ids[5]]
    service.drafts.save("incident", str(ids[4]), {"description": "Hemlig text."})
    service.drafts.save("incident", str(kept[0]), {"description": "kvar"})
    assert service.retention.delete_due(today, "gallring") == 5
    assert sorted(i.id for i in service.incidents.iter_all()) == kept  # type: ignore[type-var]
    assert [d.ref for d in service.drafts.all("incident")] == [str(kept[0])]
    entry = service.audit_entries(1)[0]
    assert entry.action == "incident.gallring" and entry.entity_id == "5"
    assert entry.detail == f"gallring; count=5; ids={due[0]}-{due[2]},{due[3]},{due[4]}"
    assert "Hemlig" not in entry.detail
    assert service.check().ok
    # Nothing due any more: refused, nothing changes, no second audit row.
    with pytest.raises(InputRefused):
        service.retention.delete_due(today)
    assert service.incidents.count() == 2
    assert len([e for e in service.audit_entries(50) if e.action == "incident.gallring"]) == 1


def test_create_backup_audits_and_registers(service: VaultService, tmp_path: Path) -> None:
    out = tmp_path / "b.vbdk"
    manifest = service.backups.create(out, BACKUP_PASS, kdf=fast_kdf())
    assert verify_backup(out, BACKUP_PASS) == manifest
    assert [d.kind for d in service.disclosures.all()] == ["backup"]
    status = service.backups.status()
    assert status.last is not None and status.last.tzinfo is UTC and status.skipped is None
    service.backups.record_skipped()
    assert service.backups.status().skipped is not None
    with pytest.raises(InputRefused):  # an existing file is never written over
        service.backups.create(out, BACKUP_PASS, kdf=fast_kdf())
    assert len(service.disclosures.all()) == 1


def test_the_automatic_backup_goes_to_the_backup_folder(service: VaultService) -> None:
    assert service.backups.folder() == default_backup_dir(service.vault.folder)
    assert service.backups.folder().parent == service.vault.folder.parent
    out = service.backups.create_automatic(BACKUP_PASS, kdf=fast_kdf())
    files = list_backups(service.backups.folder())
    assert [f.path for f in files] == [out] and files[0].automatic
    assert service.audit_entries(2)[-1].detail == "automatic"


NEW_VAULT_PASS = "the restored vault has its own sentence"


def test_verify_file_needs_no_open_vault_and_writes_nothing(
    service: VaultService, tmp_path: Path
) -> None:
    out = tmp_path / "b" / "b.vbdk"
    out.parent.mkdir()
    manifest = service.backups.create(out, BACKUP_PASS, kdf=fast_kdf())
    service.close()
    before = snapshot(out.parent)
    assert verify_file(out, BACKUP_PASS) == manifest
    with pytest.raises(WrongPassphrase):
        verify_file(out, "not the backup passphrase")
    assert snapshot(out.parent) == before


def test_restore_file_is_audited_in_the_restored_vault_and_the_open_one(
    service: VaultService, tmp_path: Path
) -> None:
    out = tmp_path / "b.vbdk"
    manifest = service.backups.create(out, BACKUP_PASS, kdf=fast_kdf())
    target = tmp_path / "restored"
    steps: list[str] = []
    result = restore_file(
        out,
        BACKUP_PASS,
        target,
        new_passphrase=NEW_VAULT_PASS,
        kdf=fast_kdf(),
        progress=steps.append,
        also_record_in=service,
    )
    assert steps == ["verify", "restore", "rename", "open"]
    assert result.folder == target and result.manifest == manifest
    assert len(result.recovery_key.split("-")) == 11
    expected = ("backup.restore", "backup", "b.vbdk", f"generation {manifest.generation}")
    [here] = service.audit_entries(1)
    assert (here.action, here.entity, here.entity_id, here.detail) == expected
    # The restored vault was closed again; it holds the same row, and its chain is sound.
    with Vault.open(target, passphrase=NEW_VAULT_PASS) as vault:
        restored = VaultService(vault)
        [there] = restored.audit_entries(1)
        assert (there.action, there.entity, there.entity_id, there.detail) == expected
        assert restored.check().ok
    with Vault.open(target, recovery_key=result.recovery_key) as vault:
        assert vault.vault_id == service.vault_id


def test_restore_file_without_an_open_vault_records_in_the_restored_one(
    service: VaultService, tmp_path: Path
) -> None:
    """The command line's case: no vault is open while it restores."""
    out = tmp_path / "b.vbdk"
    before = [e.id for e in service.audit_entries(100)]  # what the backup holds
    service.backups.create(out, BACKUP_PASS, kdf=fast_kdf())
    service.close()
    result = restore_file(
        out, BACKUP_PASS, tmp_path / "restored", new_passphrase=NEW_VAULT_PASS, kdf=fast_kdf()
    )
    with Vault.open(result.folder, passphrase=NEW_VAULT_PASS) as vault:
        entries = VaultService(vault).audit_entries(100)
    assert [e.id for e in entries[1:]] == before  # the backup's history, then the restore
    assert entries[0].action == "backup.restore"


def test_surplus_generations_counts_only_automatic_backups(tmp_path: Path) -> None:
    for day in range(1, 5):
        when = datetime(2026, 1, day, tzinfo=UTC)
        (tmp_path / backup_name(when, automatic=True)).write_bytes(b"x")
    (tmp_path / backup_name(datetime(2025, 1, 1, tzinfo=UTC))).write_bytes(b"x")
    (tmp_path / ".hidden.vbdk").write_bytes(b"x")
    (tmp_path / "notes.txt").write_bytes(b"x")
    files = list_backups(tmp_path)
    assert len(files) == 5
    surplus = surplus_generations(files, 2)
    assert [f.path.name[:24] for f in surplus] == [
        backup_name(datetime(2026, 1, 2, tzinfo=UTC), automatic=True)[:24],
        backup_name(datetime(2026, 1, 1, tzinfo=UTC), automatic=True)[:24],
    ]
    assert list_backups(tmp_path / "missing") == []


def test_the_new_settings_are_validated(service: VaultService) -> None:
    assert service.set_setting("auto_backup", True).auto_backup is True
    with pytest.raises(InputRefused, match="on or off"):
        service.set_setting("auto_backup", "yes")
    with pytest.raises(InputRefused):
        service.set_setting("backup_folder", "x" * 1001)
    assert service.set_setting("backup_folder", " /media/usb ").backup_folder == "/media/usb"
    assert service.settings().auto_backup is True
