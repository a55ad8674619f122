"""The follow-up export: the spreadsheet (and CSV) opened back and checked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from vbedesk.model import (
    ActionPlan,
    Activity,
    FollowUp,
    Period,
    PeriodKind,
    PlanSection,
)
from vbedesk.reports.followup import ActivityLine, FollowUpReportData, SectionLines
from vbedesk.reports.followup_xlsx import (
    HEADERS,
    build_followup_csv,
    build_followup_workbook,
    safe_text,
)
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.taxonomy import load_taxonomies

from .conftest import PASSPHRASE, DemoVault, run_cli

VB2021 = Period(2021, PeriodKind.VB)
T12021 = Period(2021, PeriodKind.T1)
TODAY = date(2026, 1, 15)


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    service = VaultService(Vault.open(demo_vault.folder, passphrase=PASSPHRASE))
    yield service
    if service.vault.is_open:
        service.vault.close()


def _first_activities(service: VaultService) -> list[Activity]:
    plan = service.plans.all()[0]
    assert plan.id is not None
    section = service.plans.sections(plan.id)[0]
    assert section.id is not None
    return service.plans.activities(section.id)


def _data(service: VaultService, period: Period) -> FollowUpReportData:
    plan = service.plans.all()[0]
    sections = [
        SectionLines(section, [ActivityLine(a, f) for a, f in lines])
        for section, lines in service.plans.followup_rows(period)
    ]
    return FollowUpReportData(plan, period, sections)


def test_the_workbook_has_every_activity_with_the_periods_latest_comment(
    demo: VaultService,
) -> None:
    first, second = _first_activities(demo)[:2]
    assert first.id is not None and second.id is not None
    demo.plans.add_followup(
        FollowUp(first.id, VB2021, "PAGAR", "Planerad till hösten.", date(2021, 9, 1))
    )
    demo.plans.add_followup(
        FollowUp(first.id, VB2021, "GENOMFORD", "Två träffar i Vällingby.", date(2021, 12, 1))
    )
    demo.plans.add_followup(FollowUp(second.id, T12021, "PAGAR", "Endast T1.", date(2021, 4, 20)))
    demo.plans.add_followup(
        FollowUp(second.id, VB2021, "SKJUTS_FRAM", '=HYPERLINK("http://x","y")', date(2021, 12, 2))
    )

    data = build_followup_workbook(
        _data(demo, VB2021),
        demo.taxonomies.activity_statuses,
        district="Hässelby-Vällingby",
        created=TODAY,
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["followup", "info"]
    ws = wb["followup"]
    assert [c.value for c in ws[1]] == list(HEADERS)  # English msgids in tests
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    total = sum(len(lines) for _, lines in demo.plans.followup_rows(VB2021))
    assert len(rows) == total == 16
    by_text = {row[1]: row for row in rows}
    done = by_text[first.text]
    assert done[0] == "Förebyggande aktiviteter"
    assert done[2] == first.responsible
    assert done[3] == first.timeline and done[4] == first.followup
    assert done[5] == demo.taxonomies.activity_statuses.label("GENOMFORD", "en")  # the latest
    assert done[6] == "Två träffar i Vällingby."
    assert done[7].date() == date(2021, 12, 1)
    later = by_text[second.text]
    assert later[5] == demo.taxonomies.activity_statuses.label("SKJUTS_FRAM", "en")
    assert later[6] == '\'=HYPERLINK("http://x","y")'  # never a formula
    assert ws.cell(row=rows.index(later) + 2, column=7).data_type == "s"
    untouched = [row for row in rows if row[1] not in (first.text, second.text)]
    assert all(row[5] == "Not noted" and row[6] in ("", None) for row in untouched)
    info = {row[0]: row[1] for row in wb["info"].iter_rows(min_row=2, values_only=True)}
    assert info["Period"] == "VB 2021"
    assert info["Created"] == "2026-01-15"
    assert wb.properties.creator is not None and wb.properties.creator.startswith("VBE Desk")


def test_no_cell_is_a_formula_whatever_the_text() -> None:
    statuses = load_taxonomies().activity_statuses
    plan = ActionPlan(2021, "Plan", "Hässelby-Vällingby", id=1)
    section = PlanSection(1, 1, "FOREBYGGANDE", "=Sektion", id=1)
    texts = ["=1+1", "+46 8 123", "-2", "@SUM(A1)", "\tx", "'=a", "vanlig"]
    lines = [
        ActivityLine(
            Activity(1, n, text, text, text, text, id=n),
            FollowUp(n, VB2021, "PAGAR", text, date(2021, 5, 1), id=n),
        )
        for n, text in enumerate(texts, start=1)
    ]
    report = FollowUpReportData(plan, VB2021, [SectionLines(section, lines)])
    wb = load_workbook(
        io.BytesIO(build_followup_workbook(report, statuses, district="D", created=TODAY))
    )
    for row in wb["followup"].iter_rows(min_row=2):
        for cell in row[:7]:
            assert cell.data_type == "s"
            assert not str(cell.value).startswith(("=", "+", "-", "@", "\t"))
    assert safe_text("vanlig") == "vanlig"
    assert safe_text("=1+1") == "'=1+1"
    rows = list(
        csv.reader(
            io.StringIO(build_followup_csv(report, statuses).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == list(HEADERS)
    assert rows[1][:2] == ["'=Sektion", "'=1+1"]
    assert all(not c.startswith(("=", "+", "-", "@")) for row in rows for c in row)


def test_cli_export_followup_records_a_disclosure(demo_vault: DemoVault, tmp_path: Path) -> None:
    env = {"VBEDESK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}
    base = ("--vault", str(demo_vault.folder), "export", "followup", "--period", "VB 2021")
    out = tmp_path / "uppfoljning.xlsx"
    result = run_cli(*base, "--out", str(out), "--recipient", "Nämnden", "--purpose", "VB", env=env)
    assert result.returncode == 0, result.stderr
    assert "disclosure register" in result.stderr
    wb = load_workbook(out)
    assert wb["followup"].max_row == 17
    again = run_cli(*base, "--out", str(out), env=env)
    assert again.returncode == 3 and "already exists" in again.stderr
    as_csv = tmp_path / "uppfoljning.csv"
    assert run_cli(*base, "--out", str(as_csv), env=env).returncode == 0
    assert as_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    none = run_cli(
        "--vault", str(demo_vault.folder), "export", "followup", "--period", "VB 2030",
        "--out", str(tmp_path / "x.xlsx"), env=env,
    )  # fmt: skip
    assert none.returncode == 3 and "no action plan" in none.stderr
    assert not (tmp_path / "x.xlsx").exists()
    assert not list(tmp_path.glob(".*.tmp"))

    service = VaultService(Vault.open(demo_vault.folder, passphrase=PASSPHRASE))
    try:
        register = service.disclosures.all()
    finally:
        service.vault.close()
    assert [(d.kind, Path(d.path).name) for d in register] == [
        ("xlsx", "uppfoljning.xlsx"),
        ("csv", "uppfoljning.csv"),
    ]
    assert register[0].recipient == "Nämnden" and register[0].purpose == "VB"
