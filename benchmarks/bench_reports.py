"""Report speed: a lägesbild over 100,000 incidents and a 50-page follow-up (targets 1 s, 2 s)."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from vbedesk.model import ActionPlan, Activity, FollowUp, Period, PlanSection
from vbedesk.reports.followup import (
    ActivityLine,
    FollowUpReportData,
    SectionLines,
    build_followup_report,
)
from vbedesk.reports.lagesbild import build_lagesbild_report
from vbedesk.storage.bootstrap import create_vault
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.tables import IncidentRow, IncidentTypeRow
from vbedesk.storage.vault import now_utc

N_INCIDENTS = 100_000


def fill(service, n: int) -> None:  # type: ignore[no-untyped-def]
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        service, _ = create_vault(
            Path(tmp) / "v", "bench passphrase 1234", kdf=KdfParams.insecure_for_tests()
        )
        try:
            t0 = time.perf_counter()
            fill(service, N_INCIDENTS)
            setup = time.perf_counter() - t0
            t0 = time.perf_counter()
            situation = service.situation(2021)
            t_sql = time.perf_counter() - t0
            t0 = time.perf_counter()
            pdf = build_lagesbild_report(
                situation,
                "Analys.",
                service.taxonomies,
                threshold=3,
                district="Hässelby-Vällingby",
                created=date.today(),
            )
            t_pdf = time.perf_counter() - t0
            statuses = service.taxonomies.activity_statuses
        finally:
            service.vault.close()
    data = followup_data(50)
    t0 = time.perf_counter()
    fpdf = build_followup_report(
        data, statuses, district="Hässelby-Vällingby", created=date.today()
    )
    t_follow = time.perf_counter() - t0
    import io

    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(fpdf)).pages)
    lpages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    print(f"setup: {N_INCIDENTS} incidents inserted in {setup:.2f} s (not measured)")
    print(f"{'case':<40}{'seconds':>10}{'target':>10}{'ratio':>8}")
    total = t_sql + t_pdf
    print(f"{'lägesbild: situation() SQL':<40}{t_sql:>10.3f}")
    print(f"{'lägesbild: PDF (' + str(lpages) + ' pages)':<40}{t_pdf:>10.3f}")
    print(f"{'lägesbild over 100,000 incidents':<40}{total:>10.3f}{1.0:>10.1f}{total / 1.0:>8.2f}")
    print(
        f"{'follow-up (' + str(pages) + ' pages)':<40}{t_follow:>10.3f}{2.0:>10.1f}{t_follow / 2.0:>8.2f}"
    )


if __name__ == "__main__":
    main()
