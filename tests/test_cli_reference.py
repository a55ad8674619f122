"""Units, courses and contacts from the command line, end to end in child processes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import PASSPHRASE, fast_kdf, run_cli
from vbedesk.storage.bootstrap import create_vault
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

OK, REFUSED = 0, 3
ENV = {"VBEDESK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}


def _empty_vault(folder: Path) -> Path:
    service, _recovery = create_vault(folder, PASSPHRASE, kdf=fast_kdf())
    service.vault.close()
    return folder


def _contents(folder: Path) -> tuple[object, ...]:
    with Vault.open(folder, passphrase=PASSPHRASE) as vault:
        svc = VaultService(vault)
        audit = [(e.action, e.entity_id, e.detail) for e in svc.audit_entries(limit=100_000)]
        return (svc.training.units(), svc.training.courses(), svc.contacts.all(), audit)


def _cli(folder: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("--vault", str(folder), *args, env=ENV)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def _listed(folder: Path, area: str) -> dict[int, dict[str, object]]:
    code, stdout, stderr = _cli(folder, area, "list", "--format", "json")
    assert code == OK, stderr
    items = json.loads(stdout)
    assert isinstance(items, list)
    return {int(item["id"]): item for item in items}


def test_units_and_courses_from_the_command_line(tmp_path: Path) -> None:
    folder = _empty_vault(tmp_path / "v")
    code, stdout, stderr = _cli(folder, "unit", "add", "Öppen förskola")
    assert code == OK, stderr
    unit = int(stdout.strip())
    assert _listed(folder, "unit")[unit]["name"] == "Öppen förskola"
    assert _listed(folder, "unit")[unit]["code"] == "OPPEN_FORSKOLA"
    assert _cli(folder, "unit", "rename", str(unit), "Öppna förskolan")[0] == OK
    assert _cli(folder, "unit", "retire", str(unit), "--on", "2026-07-01")[0] == OK
    listed = _listed(folder, "unit")[unit]
    assert (listed["name"], listed["valid_to"]) == ("Öppna förskolan", "2026-07-01")
    code, stdout, _err = _cli(folder, "unit", "list")
    assert code == OK and "Öppna förskolan" in stdout and "valid_to=2026-07-01" in stdout

    code, stdout, stderr = _cli(folder, "course", "add", "Digital radikalisering")
    assert code == OK, stderr
    course = int(stdout.strip())
    assert _cli(folder, "course", "rename", str(course), "Radikalisering på nätet")[0] == OK
    assert _cli(folder, "course", "retire", str(course), "--on", "2026-12-31")[0] == OK
    listed = _listed(folder, "course")[course]
    assert (listed["name"], listed["retired_on"]) == ("Radikalisering på nätet", "2026-12-31")

    before = _contents(folder)
    for refused in (
        ("unit", "add", "förskola"),
        ("unit", "rename", "9999", "Ny enhet"),
        ("unit", "retire", str(unit), "--on", "2026-08-01"),
        ("unit", "retire", "1", "--on", "1 juli"),
        ("unit", "add", "Enhet 811218-9876"),
        ("course", "add", "radikalisering på nätet"),
        ("course", "rename", "9999", "Ny kurs"),
        ("course", "retire", str(course)),
    ):
        code, _out, stderr = _cli(folder, *refused)
        assert code == REFUSED and stderr.startswith("vbedesk: "), refused
    assert _contents(folder) == before


def test_contacts_from_the_command_line(tmp_path: Path) -> None:
    folder = _empty_vault(tmp_path / "v")
    code, stdout, stderr = _cli(
        folder,
        *("contact", "add", "--name", "Fältgruppen Rinkeby", "--phone", "08-508 25 000"),
        *("--hours", "vardagar 9–17", "--note", "Fråga efter jouren"),
    )
    assert code == OK, stderr
    contact = int(stdout.strip())
    listed = _listed(folder, "contact")[contact]
    assert (listed["name"], listed["phone"], listed["hours"], listed["verified_on"]) == (
        "Fältgruppen Rinkeby",
        "08-508 25 000",
        "vardagar 9–17",
        None,
    )
    assert _cli(folder, "contact", "verify", str(contact), "--on", "2026-03-01")[0] == OK
    assert _listed(folder, "contact")[contact]["verified_on"] == "2026-03-01"
    code, _out, stderr = _cli(folder, "contact", "edit", str(contact), "--phone", "010-568 70 00")
    assert code == OK, stderr
    listed = _listed(folder, "contact")[contact]
    assert (listed["phone"], listed["verified_on"]) == ("010-568 70 00", None)

    before = _contents(folder)
    for refused in (
        ("contact", "add", "--name", "Fältgruppen Kista", "--phone", "12345"),
        ("contact", "add", "--name", "fältgruppen rinkeby", "--phone", "114 14"),
        ("contact", "add", "--name", "Skolan", "--phone", "112", "--note", "Ring 070-123 45 67"),
        ("contact", "edit", str(contact), "--phone", "ring mig"),
        ("contact", "edit", "9999", "--hours", "dygnet runt"),
        ("contact", "verify", str(contact), "--on", "igår"),
        ("contact", "verify", "9999", "--on", "2026-03-01"),
        ("contact", "retire", "9999"),
    ):
        code, _out, stderr = _cli(folder, *refused)
        assert code == REFUSED and stderr.startswith("vbedesk: "), refused
    assert _contents(folder) == before

    assert _cli(folder, "contact", "retire", str(contact))[0] == OK
    assert _listed(folder, "contact")[contact]["active"] is False
    code, stdout, _err = _cli(folder, "contact", "list")
    assert code == OK and "Fältgruppen Rinkeby" in stdout and "(retired)" in stdout
