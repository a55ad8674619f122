"""PDF reports and the statistics workbook from the demo vault, parsed back and rendered."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from openpyxl import load_workbook

from tests.conftest import PASSPHRASE, DemoVault, run_cli
from tests.test_statistics import determined_cells
from vbedesk.demo import plan_2021
from vbedesk.model import FollowUp, Period
from vbedesk.reports.charts import LABEL_WIDTH, bar_chart, line_chart, to_svg
from vbedesk.reports.followup import (
    COLUMN_WIDTHS,
    ActivityLine,
    FollowUpReportData,
    SectionLines,
    build_followup_report,
)
from vbedesk.reports.incident import build_incident_report
from vbedesk.reports.lagesbild import build_lagesbild_report, dimension_tables
from vbedesk.reports.pdf import MARGIN
from vbedesk.reports.recovery_sheet import build_recovery_sheet
from vbedesk.reports.training import build_training_report
from vbedesk.reports.xlsx import build_statistics_workbook
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

TODAY = date(2026, 1, 15)
COMMENT = "Genomförd under hösten; två träffar i Vällingby centrum med fältassistenterna."


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    service = VaultService(Vault.open(demo_vault.folder, passphrase=PASSPHRASE))
    yield service
    if service.vault.is_open:
        service.vault.close()


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def render_first_page(data: bytes, name: str, tmp_path: Path, screenshots: Path) -> Path:
    """Page 1 as PNG with pdftoppm, also kept as ``report-<name>.png`` in ``screenshots``."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    stem = tmp_path / f"report-{name}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    png = stem.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000  # a page with content, not a blank one
    shutil.copyfile(png, screenshots / png.name)
    return png


def followup_data(service: VaultService, period: Period) -> FollowUpReportData:
    plan = next(p for p in service.plans.all() if p.year == period.year)
    assert plan.id is not None
    sections = []
    for section in service.plans.sections(plan.id):
        assert section.id is not None
        lines = []
        for act in service.plans.activities(section.id):
            assert act.id is not None
            found = service.plans.followups(act.id, period)
            lines.append(ActivityLine(act, found[-1] if found else None))
        sections.append(SectionLines(section, lines))
    return FollowUpReportData(plan, period, sections)


def text_positions(data: bytes) -> list[tuple[int, float, float, str]]:
    """(page, x, y, text) of every text fragment."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: list[tuple[int, float, float, str]] = []
    for n, page in enumerate(reader.pages):

        def visit(text: str, cm: list[float], tm: list[float], *_: object, n: int = n) -> None:
            if text.strip():
                found.append((n, cm[4] + tm[4], cm[5] + tm[5], text))

        page.extract_text(visitor_text=visit)
    return found


# -- follow-up -------------------------------------------------------------------------------
def test_followup_report_has_every_activity_as_in_the_seed(
    demo: VaultService, seed_text: str, tmp_path: Path, screenshot_dir: Path
) -> None:
    period = Period.parse("VB 2021")
    first = demo.plans.activities(demo.plans.sections(demo.plans.all()[0].id or 0)[0].id or 0)[0]
    assert first.id is not None
    demo.plans.add_followup(FollowUp(first.id, period, "GENOMFORD", COMMENT, date(2021, 12, 20)))
    data = build_followup_report(
        followup_data(demo, period),
        demo.taxonomies.activity_statuses,
        district="Hässelby-Vällingby",
        created=TODAY,
    )
    text = words(pdf_text(data))
    plan = plan_2021()
    activities = [a for s in plan.sections for a in s.activities]
    assert len(activities) == 16
    seed = words(seed_text)
    for act in activities:
        # The demo is the seed (cells there may run over lines: tests/test_demo.py checks
        # the full texts) …
        assert " ".join(act.text.split()[:6]) in seed
        assert words(act.text) in text, act.text[:40]  # … and the report shows it unchanged
        # A cell may wrap after a hyphen ("Preventions-" / "samordnare").
        assert words(act.responsible).replace("- ", "-") in text.replace("- ", "-")
    for section in plan.sections:
        assert section.title in text
    assert words(COMMENT) in text
    assert demo.taxonomies.activity_statuses.label("GENOMFORD", "en") in text
    assert "VB 2021" in text
    assert "Hässelby-Vällingby" in text
    assert "Page 1 of" in text
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert meta is not None and meta.author == "Hässelby-Vällingby"
    render_first_page(data, "followup", tmp_path, screenshot_dir)


def test_the_activity_without_timeline_shows_it_empty(demo: VaultService) -> None:
    period = Period.parse("VB 2021")
    data = build_followup_report(
        followup_data(demo, period),
        demo.taxonomies.activity_statuses,
        district="Hässelby-Vällingby",
        created=TODAY,
    )
    empty = next(a for s in plan_2021().sections for a in s.activities if not a.timeline)
    with_timeline = next(a for s in plan_2021().sections for a in s.activities if a.timeline)
    frags = text_positions(data)
    left = MARGIN + sum(COLUMN_WIDTHS[:2])
    timeline_x = (left, left + COLUMN_WIDTHS[2])

    def timeline_cell(act_text: str) -> list[str]:
        start = next(
            (p, y) for p, x, y, t in frags if t.strip() and act_text.startswith(t.strip()[:25])
        )
        page, y = start
        return [
            t
            for p, x, yy, t in frags
            if p == page and timeline_x[0] - 1 <= x < timeline_x[1] and abs(yy - y) < 2
        ]

    assert [t.strip() for t in timeline_cell(with_timeline.text)] == [with_timeline.timeline]
    assert timeline_cell(empty.text) == []


# -- lägesbild -------------------------------------------------------------------------------
def test_lagesbild_suppresses_small_cells(
    demo: VaultService, tmp_path: Path, screenshot_dir: Path
) -> None:
    demo.situation.set_analysis(
        2021, "Fler klistermärken i Vällingby centrum än året före; åtgärdat."
    )
    situation = demo.situation.for_year(2021)
    assert situation.totals == (40, 40)
    threshold = demo.settings().small_cell_threshold
    assert threshold == 3
    data = build_lagesbild_report(
        situation,
        demo.situation.analysis(2021),
        demo.taxonomies,
        threshold=threshold,
        district="Hässelby-Vällingby",
        created=TODAY,
    )
    text = pdf_text(data)
    assert "Fler klistermärken i Vällingby centrum än året före; åtgärdat." in words(text)
    assert "<3" in text
    flat = words(text)
    for dim in dimension_tables(situation, demo.taxonomies, threshold):
        table = dim.table
        assert determined_cells(table) == []
        for i, label in enumerate(dim.labels):
            shown = [table.cell_label(i, 0), table.cell_label(i, 1)]
            for j, value in enumerate(table.cells[i]):
                if 0 < value < threshold:
                    assert shown[j] == "<3"
            # The row as printed: label then both shown values, no hidden number.
            assert f"{label} {shown[0]} {shown[1]}" in flat
    # Area labels in Swedish from the taxonomy, å/ä/ö intact.
    areas = " ".join(demo.taxonomies.areas.label(c, "sv") for c in demo.taxonomies.areas.codes())
    assert "Hässelby gård" in areas and "Råcksta" in areas
    assert "lägesbild" in text
    render_first_page(data, "lagesbild", tmp_path, screenshot_dir)


def test_lagesbild_in_swedish_labels_keeps_swedish_characters(demo: VaultService) -> None:
    from vbedesk.i18n import set_language

    situation = demo.situation.for_year(2021)
    set_language("sv")  # taxonomy labels follow the language; the catalog may lag behind
    try:
        data = build_lagesbild_report(
            situation,
            "",
            demo.taxonomies,
            threshold=3,
            district="Hässelby-Vällingby",
            created=TODAY,
        )
    finally:
        set_language("en")
    text = pdf_text(data)
    for code in demo.taxonomies.areas.codes():
        label = demo.taxonomies.areas.label(code, "sv")
        assert label in text
    assert "Hässelby gård" in text and "Råcksta" in text and "Kälvesta" in text


def test_situation_is_aggregated_per_dimension(demo: VaultService) -> None:
    situation = demo.situation.for_year(2021)
    for dimension in ("environment", "area", "reporting_unit", "month"):
        counts = situation.dimension(dimension)
        assert sum(v[0] for v in counts.values()) == situation.totals[0]
        assert sum(v[1] for v in counts.values()) == situation.totals[1]
    types = situation.dimension("incident_type")
    assert sum(v[1] for v in types.values()) >= situation.totals[1]
    by_year = demo.info().incidents_by_year
    assert situation.totals == (by_year.get(2020, 0), by_year.get(2021, 0))
    assert demo.situation.for_year(1999).totals == (0, 0)


# -- training, incident, recovery sheet ----------------------------------------------------------
def test_training_report(demo: VaultService, tmp_path: Path, screenshot_dir: Path) -> None:
    units, courses = demo.training.units(), demo.training.courses()
    counts = demo.training.counts(latest_only=True)
    assert counts
    data = build_training_report(
        units, courses, counts, district="Hässelby-Vällingby", created=TODAY
    )
    text = words(pdf_text(data))
    for course in courses:
        assert words(course.name) in text
    sample = counts[0]
    if sample.relevant_staff:
        assert f"{sample.completed / sample.relevant_staff:.0%}" in text
    render_first_page(data, "training", tmp_path, screenshot_dir)


def test_incident_report_shows_the_form_only(
    demo: VaultService, tmp_path: Path, screenshot_dir: Path
) -> None:
    row = demo.incidents.list_full(limit=1)[0]
    assert row.id is not None
    incident = demo.incidents.get(row.id)
    data = build_incident_report(
        incident, demo.taxonomies, district="Hässelby-Vällingby", created=TODAY
    )
    text = words(pdf_text(data))
    assert incident.received_on.isoformat() in text
    assert demo.taxonomies.environments.label(incident.environment, "en") in text
    if incident.description:
        assert words(incident.description)[:60] in text
    render_first_page(data, "incident", tmp_path, screenshot_dir)


def test_recovery_sheet_has_the_key_and_nothing_else(
    demo_vault: DemoVault, tmp_path: Path, screenshot_dir: Path
) -> None:
    data = build_recovery_sheet(demo_vault.recovery_key, "c3f5fb980ae5", created=TODAY)
    text = words(pdf_text(data))
    assert demo_vault.recovery_key in text
    assert "c3f5fb980ae5" in text and TODAY.isoformat() in text
    assert "Hässelby" not in text  # no data from the vault
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert demo_vault.recovery_key not in str(reader.metadata)
    render_first_page(data, "recovery-sheet", tmp_path, screenshot_dir)


# -- charts ----------------------------------------------------------------------------------
SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(root: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_charts_render_to_svg_without_clip_paths() -> None:
    bars = bar_chart("Område", ["Hässelby gård", "Vällingby"], [("2021", [3, None])])
    lines = line_chart("Månad", ["jan", "feb"], [("2020", [1, 2]), ("2021", [None, 4])])
    for drawing in (bars, lines):
        svg = to_svg(drawing)
        assert svg.startswith(b"<?xml")
        assert b"clip" not in svg.lower()

    # The bar chart: its title, both category labels, the value axis 0-4 and one bar (3);
    # the hidden count (None) is not drawn.
    root = ElementTree.fromstring(to_svg(bars))  # noqa: S314 (our own drawing)
    assert root.tag == f"{SVG}svg"
    texts = svg_texts(root)
    assert texts[-1] == "Område"
    assert {"Hässelby gård", "Vällingby"} <= set(texts)
    assert [t for t in texts if t.isdigit()] == ["0", "1", "2", "3", "4"]
    (bar,) = [r for r in root.iter(f"{SVG}rect") if "fill: rgb(56%,66%,76%)" in r.get("style", "")]
    plot_width = bars.width - LABEL_WIDTH - 15
    assert float(bar.get("width", "0")) == pytest.approx(plot_width * 3 / 4)

    # The line chart: title, months, a legend for two series, and one line per series: two
    # points for 2020 (1, 2), one for 2021 (the gap of None left out), at the right heights.
    root = ElementTree.fromstring(to_svg(lines))  # noqa: S314 (our own drawing)
    texts = svg_texts(root)
    assert {"Månad", "jan", "feb", "2020", "2021"} <= set(texts)
    polylines = [p.get("points", "") for p in root.iter(f"{SVG}polyline")]
    points = [[float(xy.split()[1]) for xy in pts.split(",")] for pts in polylines]
    bottom, top = 30, lines.height - 40  # the plot area of line_chart, values 0-5
    assert [[(y - bottom) / (top - bottom) * 5 for y in ys] for ys in points] == [
        pytest.approx([1, 2]),
        pytest.approx([4]),
    ]


# -- spreadsheet -----------------------------------------------------------------------------
def test_statistics_workbook(demo: VaultService) -> None:
    situation = demo.situation.for_year(2021)
    data = build_statistics_workbook(
        situation, demo.taxonomies, threshold=3, district="Hässelby-Vällingby", created=TODAY
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "info",
        "environment",
        "incident_type",
        "area",
        "reporting_unit",
        "month",
    ]
    assert wb.properties.creator.startswith("VBE Desk")
    tables = {d.dimension: d for d in dimension_tables(situation, demo.taxonomies, 3)}
    for name, dim in tables.items():
        ws = wb[name]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        for i, code in enumerate(dim.codes):
            assert rows[i][0] == code
            for j in range(2):
                value, shown = rows[i][2 + j], dim.table.cell_label(i, j)
                assert str(value) == shown
                assert not (isinstance(value, int) and 0 < value < 3)
    env = wb["environment"]
    total = next(r for r in env.iter_rows(values_only=True) if r[1] == "Total")
    assert total[2:] == (40, 40)


# -- the command line ------------------------------------------------------------------------
def test_cli_writes_reports_and_registers_them(demo_vault: DemoVault, tmp_path: Path) -> None:
    env = {"VBEDESK_PASSPHRASE": PASSPHRASE}
    base = ["--lang", "en", "--vault", str(demo_vault.folder)]
    outputs = {
        "followup.pdf": ["report", "followup", "--period", "VB 2021"],
        "lagesbild.pdf": ["report", "lagesbild", "--year", "2021"],
        "training.pdf": ["report", "training"],
        "incident.pdf": ["report", "incident", "1"],
        "stats.xlsx": ["export", "statistics", "--year", "2021"],
    }
    for name, args in outputs.items():
        out = tmp_path / name
        result = run_cli(*base, *args, "--out", str(out), "--purpose", "nämnd", env=env)
        assert result.returncode == 0, result.stderr
        assert "leaves the encryption" in result.stderr
        assert out.stat().st_size > 1000
        assert not list(tmp_path.glob(f".{name}*.tmp"))
    assert pdf_text((tmp_path / "followup.pdf").read_bytes())
    again = run_cli(
        *base, *outputs["training.pdf"], "--out", str(tmp_path / "training.pdf"), env=env
    )
    assert again.returncode == 3
    assert "already exists" in again.stderr
    service = VaultService(Vault.open(demo_vault.folder, passphrase=PASSPHRASE))
    try:
        register = service.disclosures.all()
        actions = [e.action for e in service.audit_entries(50)]
    finally:
        service.vault.close()
    assert [Path(d.path).name for d in register] == list(outputs)
    assert [d.kind for d in register] == ["pdf"] * 4 + ["xlsx"]
    assert all(d.purpose == "nämnd" for d in register)
    assert actions.count("disclosure") == 5


def test_cli_refuses_unknown_plan_year(demo_vault: DemoVault, tmp_path: Path) -> None:
    env = {"VBEDESK_PASSPHRASE": PASSPHRASE}
    out = tmp_path / "x.pdf"
    result = run_cli(
        "--vault",
        str(demo_vault.folder),
        "report",
        "followup",
        "--period",
        "T1 1999",
        "--out",
        str(out),
        env=env,
    )
    assert result.returncode == 3
    assert not out.exists()
