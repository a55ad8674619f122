"""The year's plan from the command line, end to end in child processes."""

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
    """The plans with their sections and activities, the follow-ups and the audit log."""
    with Vault.open(folder, passphrase=PASSPHRASE) as vault:
        svc = VaultService(vault)
        plans = svc.plans.all()
        sections = [s for p in plans for s in svc.plans.sections(p.id or 0)]
        acts = [a for s in sections for a in svc.plans.activities(s.id or 0)]
        followups = [f for a in acts for f in svc.plans.followups(a.id or 0)]
        audit = [(e.action, e.entity_id) for e in svc.audit_entries(limit=100_000)]
        return (plans, sections, acts, followups, audit)


def _cli(folder: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("--vault", str(folder), *args, env=ENV)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def test_a_year_is_set_up_from_the_command_line(tmp_path: Path) -> None:
    folder = _empty_vault(tmp_path / "v")
    code, stdout, stderr = _cli(folder, "plan", "create", "--year", "2026")
    assert code == OK, stderr
    plan_id = int(stdout.strip())

    code, stdout, stderr = _cli(
        folder,
        *("activity", "add", "--year", "2026", "--section", "förebyggande"),
        *("--text", "Samverkan  med\nskolor", "--responsible", "Enhetschef"),
        *("--timeline", "2026", "--follow-up", "T1, T2, VB"),
    )
    assert code == OK, stderr
    first = int(stdout.strip())
    code, stdout, stderr = _cli(
        folder,
        *("activity", "add", "--year", "2026", "--section", "Kompetenshöjande aktiviteter"),
        *("--text", "Utbildning för fritidsledare"),
    )
    assert code == OK, stderr
    second = int(stdout.strip())

    # A refused input exits 3 and leaves the vault as it was.
    before = _contents(folder)
    for refused in (
        ("activity", "add", "--year", "2026", "--section", "okänt avsnitt", "--text", "x"),
        ("activity", "add", "--year", "2025", "--section", "förebyggande", "--text", "x"),
        ("activity", "retire", "9999"),
        ("activity", "edit", str(first), "--text", "Eleven 811218-9876 deltog"),
        ("plan", "decide", "--year", "2026", "--on", "12 februari"),
    ):
        code, _out, stderr = _cli(folder, *refused)
        assert code == REFUSED and stderr.startswith("vbedesk: "), refused
    assert _contents(folder) == before

    code, _out, stderr = _cli(
        folder, "activity", "edit", str(second), "--section", "förhindrande", "--timeline", "VT"
    )
    assert code == OK, stderr
    code, stdout, stderr = _cli(
        folder,
        *("followup", "add", "--activity", str(first), "--period", "T1 2026"),
        *("--status", "PAGAR", "--comment", "Två skolor i gång"),
    )
    assert code == OK and int(stdout.strip()) > 0, stderr
    code, _out, stderr = _cli(
        folder, "plan", "decide", "--year", "2026", "--on", "2026-02-12", "--dnr", "HVN 2026/12"
    )
    assert code == OK, stderr

    code, stdout, stderr = _cli(folder, "plan", "show", "--year", "2026", "--format", "json")
    assert code == OK, stderr
    assert json.loads(stdout) == {
        "year": 2026,
        "state": "BESLUTAD",
        "sections": [
            {
                "title": "Förebyggande aktiviteter",
                "activities": [
                    {
                        "id": first,
                        "text": "Samverkan med skolor",
                        "responsible": "Enhetschef",
                        "timeline": "2026",
                        "follow_up": "T1, T2, VB",
                    }
                ],
            },
            {
                "title": "Förhindrande aktiviteter",
                "activities": [
                    {
                        "id": second,
                        "text": "Utbildning för fritidsledare",
                        "responsible": "",
                        "timeline": "VT",
                        "follow_up": "",
                    }
                ],
            },
            {
                "title": "Aktiviteter föreningsbidrag och upplåtande av lokaler eller öppna rum",
                "activities": [],
            },
            {"title": "Kompetenshöjande aktiviteter", "activities": []},
        ],
    }

    code, _out, stderr = _cli(folder, "activity", "retire", str(second))
    assert code == OK, stderr
    code, stdout, stderr = _cli(folder, "plan", "show", "--year", "2026")
    assert code == OK, stderr
    assert "HVN 2026/12" in stdout and "Samverkan med skolor | Enhetschef" in stdout
    retired_line = next(line for line in stdout.splitlines() if "fritidsledare" in line)
    assert "retired" in retired_line

    with Vault.open(folder, passphrase=PASSPHRASE) as vault:
        svc = VaultService(vault)
        assert svc.plans.get(plan_id).diarienummer == "HVN 2026/12"
        actions = [e.action for e in svc.audit_entries(limit=1000)]
        assert "plan.decide" in actions and actions.count("plan.revise") == 1  # the retire


def test_a_plan_is_copied_from_the_year_before(tmp_path: Path) -> None:
    folder = _empty_vault(tmp_path / "v")
    assert _cli(folder, "plan", "create", "--year", "2025")[0] == OK
    code, _out, stderr = _cli(
        folder, "activity", "add", "--year", "2025", "--section", "förebyggande", "--text", "Ett"
    )
    assert code == OK, stderr
    code, stdout, stderr = _cli(folder, "plan", "create", "--year", "2026", "--copy-from", "2025")
    assert code == OK and stdout.strip().isdigit(), stderr
    code, stdout, _err = _cli(folder, "plan", "show", "--year", "2026", "--format", "json")
    shown = json.loads(stdout)
    assert shown["state"] == "UTKAST"
    assert [a["text"] for a in shown["sections"][0]["activities"]] == ["Ett"]
    before = _contents(folder)
    assert _cli(folder, "plan", "create", "--year", "2026")[0] == REFUSED
    assert _cli(folder, "plan", "create", "--year", "2027", "--copy-from", "2019")[0] == REFUSED
    assert _contents(folder) == before


def test_last_years_plan_is_imported_from_word_after_its_review(tmp_path: Path) -> None:
    from tests.test_planimport import expected, plan_blocks, write_docx

    folder = _empty_vault(tmp_path / "v")
    doc = write_docx(tmp_path / "plan-2021.docx", plan_blocks())
    before = _contents(folder)
    code, stdout, stderr = _cli(folder, "plan", "import", str(doc), "--year", "2026")
    assert code == OK, stderr
    assert "Nothing was saved" in stdout and "16" in stdout  # the review, no plan
    assert _contents(folder) == before
    code, stdout, stderr = _cli(folder, "plan", "import", str(doc), "--year", "2026", "--yes")
    assert code == OK, stderr
    assert stdout.strip().splitlines()[-1].startswith("Saved as plan ")
    code, shown, stderr = _cli(folder, "plan", "show", "--year", "2026", "--format", "json")
    assert code == OK, stderr
    document = json.loads(shown)
    draft, count = expected()
    assert count == 16
    assert [
        [(a["text"], a["responsible"], a["timeline"], a["follow_up"]) for a in s["activities"]]
        for s in document["sections"]
    ] == [
        [(a.text, a.responsible, a.timeline, a.followup) for a in s.activities]
        for s in draft.sections
    ]


def test_a_file_that_is_no_plan_is_refused_and_nothing_is_saved(tmp_path: Path) -> None:
    folder = _empty_vault(tmp_path / "v")
    broken = tmp_path / "plan.docx"
    broken.write_bytes(b"PK\x03\x04 cut off")
    before = _contents(folder)
    code, _stdout, stderr = _cli(folder, "plan", "import", str(broken), "--year", "2026", "--yes")
    assert code == REFUSED and stderr.strip()
    assert _contents(folder) == before
