"""Utbildningsstatus: the share of relevant staff who completed each course, per unit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable, Spacer

from vbedesk.i18n import _
from vbedesk.model import Course, TrainingCount, Unit
from vbedesk.reports.charts import bar_chart
from vbedesk.reports.pdf import CONTENT_WIDTH, ReportInfo, build_pdf, heading, para, styles, tables
from vbedesk.reports.pdf import title_block as _title_block


def _share(completed: int, relevant: int) -> str:
    return "–" if relevant == 0 else f"{completed / relevant:.0%}"


def build_training_report(
    units: Sequence[Unit],
    courses: Sequence[Course],
    counts: Sequence[TrainingCount],
    *,
    district: str,
    created: date,
) -> bytes:
    """Newest count per unit and course (``counts`` as ``training_counts(latest_only=True)``)."""
    s = styles()
    info = ReportInfo(title=_("Training status"), district=district, created=created)
    latest: dict[tuple[str, str], TrainingCount] = {}
    for count in sorted(counts, key=lambda tc: tc.as_of):
        latest[(count.unit_code, count.course_code)] = count
    unit_names = {u.code: u.name for u in units}
    story: list[Flowable] = list(_title_block(info))
    story += heading(_("Per course"))
    course_rows = []
    for course in courses:
        mine = [tc for (_u, k), tc in latest.items() if k == course.code]
        done = sum(tc.completed for tc in mine)
        relevant = sum(tc.relevant_staff for tc in mine)
        course_rows.append(
            [
                para(course.name, s.cell),
                para(course.provider, s.cell),
                str(done),
                str(relevant),
                _share(done, relevant),
            ]
        )
    story += tables(
        [_("Course"), _("Provider"), _("Completed"), _("Relevant staff"), _("Share")],
        course_rows,
        [170, CONTENT_WIDTH - 170 - 210, 60, 80, 70],
        extra_style=[("ALIGN", (2, 0), (-1, -1), "RIGHT")],
    )
    story += heading(_("Per unit and course"))
    rows = []
    for unit in units:
        for course in courses:
            found = latest.get((unit.code, course.code))
            if found is None:
                continue
            c = found
            rows.append(
                [
                    para(unit.name, s.cell),
                    para(course.name, s.cell),
                    str(c.completed),
                    str(c.relevant_staff),
                    _share(c.completed, c.relevant_staff),
                    c.as_of.isoformat(),
                ]
            )
    story += tables(
        [_("Unit"), _("Course"), _("Completed"), _("Relevant"), _("Share"), _("As of")],
        rows,
        [125, CONTENT_WIDTH - 125 - 245, 55, 55, 50, 85 - 0],
        extra_style=[("ALIGN", (2, 0), (4, -1), "RIGHT")],
    )
    story.append(Spacer(1, 8))
    shown_units = [u for u in units if any((u.code, k.code) in latest for k in courses)]
    series = []
    for course in courses:
        values: list[float | None] = []
        for unit in shown_units:
            tc = latest.get((unit.code, course.code))
            share = None if tc is None else tc.share_completed
            values.append(None if share is None else round(share * 100, 1))
        series.append((course.name, values))
    story.append(
        bar_chart(
            _("Share completed per unit (%)"),
            [unit_names.get(u.code, u.code) for u in shown_units],
            series,
            value_max=100,
        )
    )
    return build_pdf(story, info)
