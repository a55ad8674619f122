#!/usr/bin/env python3
"""Report speed: a lägesbild over 100,000 incidents and a 50-page follow-up (targets 1 s, 2 s).

    python3 run.py bench reports                   # 100,000 incidents, 50 pages
    python3 run.py bench reports --incidents 5000 --repeat 3

Prints a Markdown table. The lägesbild's counts (``VaultService.situation``) are set
against raw sqlcipher3 running the same statements in one transaction on the same file,
with the same key and pragmas, sampled in turns; the PDFs against bare reportlab laying
out the same tables (no charts, headers or footers). Whole reports are timed from the
open vault to the PDF bytes, which is what the Rapporter page waits for.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdf
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import insert

from benchmarks.bench_vault import median_ms, paired_ms
from vbedesk.model import ActionPlan, Activity, FollowUp, Period, PlanSection
from vbedesk.reports.followup import (
    ActivityLine,
    FollowUpReportData,
    SectionLines,
    build_followup_report,
)
from vbedesk.reports.lagesbild import build_lagesbild_report
from vbedesk.reports.pdf import FONT, register_fonts
from vbedesk.statistics import Situation
from vbedesk.storage.bootstrap import create_vault
from vbedesk.storage.engine import connect
from vbedesk.storage.keys import KdfParams, KeyFile
from vbedesk.storage.service import VaultService
from vbedesk.storage.tables import IncidentRow, IncidentTypeRow
from vbedesk.storage.vault import now_utc

PASSPHRASE = "bench passphrase 1234"
YEAR = 2021


def fill(service: VaultService, n: int) -> None:
    """Insert ``n`` synthetic incidents over 2020–2021 directly (setup, not measured)."""
    tax = service.taxonomies
    rng = random.Random(7)
    envs, areas = tax.environments.codes(), tax.areas.codes()
    units, types = tax.reporting_units.codes(), tax.incident_types.codes()
    now = now_utc()
    rows, type_rows = [], []
    for i in range(1, n + 1):
        day = date(rng.choice((2020, 2021)), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(
            {
                "id": i,
                "received_on": day,
                "received_year": day.year,
                "area": rng.choice(areas),
                "reporting_unit": rng.choice(units),
                "environment": rng.choice(envs),
                "description": "",
                "status": "NY",
                "concerns_individual": False,
                "is_demo": True,
                "created_at": now,
                "updated_at": now,
            }
        )
        type_rows.append({"incident_id": i, "code": rng.choice(types)})
    with service._write() as s:  # benchmark setup only
        s.execute(insert(IncidentRow), rows)
        s.execute(insert(IncidentTypeRow), type_rows)


def followup_data(pages: int) -> FollowUpReportData:
    """A plan large enough for about ``pages`` pages (about 9 activity rows a page)."""
    plan = ActionPlan(
        year=2021, title="Handlingsplan mot våldsbejakande extremism", district="X", id=1
    )
    period = Period.parse("VB 2021")
    sections = []
    n = 0
    for k in range(pages // 5 + 1):
        section = PlanSection(
            plan_id=1, position=k, code=f"S{k}", title=f"Avsnitt {k} – åtgärder", id=k
        )
        lines = []
        for pos in range(50):
            n += 1
            act = Activity(
                section_id=k,
                position=pos,
                text=f"Aktivitet {n}: samverkan med skola, fritidsgård och polis i Vällingby "
                "kring förebyggande arbete mot våldsbejakande extremism.",
                responsible="Bitr. enhetschef förebyggande arbete",
                timeline="2021",
                followup="VB 2021",
                id=n,
            )
            fu = FollowUp(
                n, period, "PAGAR", "Pågår enligt plan; nästa avstämning i maj.", date(2021, 12, 1)
            )
            lines.append(ActivityLine(act, fu))
        sections.append(SectionLines(section, lines))
    return FollowUpReportData(plan, period, sections)


#: The statements ``situation()`` runs, written out by hand for the raw side.
_COUNT_BY = (
    "SELECT received_year, {column}, count(*) FROM incident "
    "WHERE received_year IN (?, ?) GROUP BY received_year, {column}"
)
RAW_SITUATION = (
    *(
        _COUNT_BY.format(column=column)
        for column in ("environment", "area", "reporting_unit", "received_on")
    ),
    (
        "SELECT incident.received_year, incident_type.code, count(*) FROM incident "
        "JOIN incident_type ON incident_type.incident_id = incident.id "
        "WHERE incident.received_year IN (?, ?) "
        "GROUP BY incident.received_year, incident_type.code"
    ),
)


def bare_pdf(tables: list[list[list[str]]]) -> bytes:
    """The same tables laid out by bare reportlab: the baseline of the PDF builders."""
    register_fonts()
    style = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
    story = []
    for rows in tables:
        cells = [[Paragraph(text, style) for text in row] for row in rows]
        table = Table(cells, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
        story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def followup_tables(data: FollowUpReportData) -> list[list[list[str]]]:
    header = ["Aktivitet", "Ansvarig", "Tidplan", "Uppföljning", "Status", "Kommentar"]
    return [
        [header]
        + [
            [
                line.activity.text,
                line.activity.responsible or "",
                line.activity.timeline or "",
                line.activity.followup or "",
                line.followup.status if line.followup else "",
                line.followup.comment if line.followup else "",
            ]
            for line in section.lines
        ]
        for section in data.sections
    ]


def situation_tables(situation: Situation) -> list[list[list[str]]]:
    return [
        [["Kod", str(situation.year - 1), str(situation.year)]]
        + [[code, str(old), str(new)] for code, (old, new) in sorted(counts.items())]
        for counts in situation.counts.values()
    ]


def pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--pages", type=int, default=50, help="about how long the follow-up is")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rows: list[tuple[str, float, float | None, float | None, str]] = []
    with tempfile.TemporaryDirectory(prefix="vbedesk-bench-reports-") as tmp:
        folder = Path(tmp) / "v"
        service, _ = create_vault(folder, PASSPHRASE, kdf=KdfParams.insecure_for_tests())
        data_key = KeyFile.load(folder / "vault.key").unwrap(PASSPHRASE)
        try:
            t0 = time.perf_counter()
            fill(service, args.incidents)
            setup = time.perf_counter() - t0
            raw = connect(folder / "vault.db", data_key)

            def raw_situation() -> None:
                raw.execute("BEGIN")
                for sql in RAW_SITUATION:
                    raw.execute(sql, (YEAR - 1, YEAR)).fetchall()
                raw.execute("COMMIT")

            rows.append(
                (
                    "lägesbild: counts (SQL)",
                    *paired_ms(
                        lambda: service.situation.for_year(YEAR), raw_situation, args.repeat
                    ),
                    "",
                )
            )
            situation = service.situation.for_year(YEAR)
            taxonomies = service.taxonomies

            def lagesbild_pdf() -> bytes:
                return build_lagesbild_report(
                    situation,
                    "Analys.",
                    taxonomies,
                    threshold=3,
                    district="Hässelby-Vällingby",
                    created=date.today(),
                )

            tables = situation_tables(situation)
            timed = paired_ms(lagesbild_pdf, lambda: bare_pdf(tables), args.repeat)
            lpages = pages(lagesbild_pdf())
            rows.append((f"lägesbild: PDF ({lpages} pages)", *timed, ""))

            def whole_lagesbild() -> None:
                build_lagesbild_report(
                    service.situation.for_year(YEAR),
                    service.situation.analysis(YEAR),
                    taxonomies,
                    threshold=3,
                    district="Hässelby-Vällingby",
                    created=date.today(),
                )

            whole = median_ms(whole_lagesbild, args.repeat)
            rows.append(
                (f"lägesbild over {args.incidents:,} incidents", whole, None, None, "< 1,000 ms")
            )
            statuses = taxonomies.activity_statuses
            raw.close()
        finally:
            service.vault.close()

    data = followup_data(args.pages)

    def followup_pdf() -> bytes:
        return build_followup_report(
            data, statuses, district="Hässelby-Vällingby", created=date.today()
        )

    ftables = followup_tables(data)
    timed = paired_ms(followup_pdf, lambda: bare_pdf(ftables), args.repeat)
    fpages = pages(followup_pdf())
    rows.append((f"follow-up ({fpages} pages)", *timed, "< 2,000 ms"))

    print(
        f"VBE Desk report benchmark: {args.incidents:,} incidents ({setup:.1f} s to insert, "
        f"not measured); medians of {args.repeat} runs, program and baseline in turns"
    )
    print()
    print("| case | program (ms) | baseline (ms) | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for name, prog, base, ratio, target in rows:
        if base is None or ratio is None:
            print(f"| {name} | {prog:,.1f} | — | — | {target} |")
        else:
            print(f"| {name} | {prog:,.1f} | {base:,.1f} | {ratio:.2f} | {target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
