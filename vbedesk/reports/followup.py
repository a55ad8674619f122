"""Uppföljning av handlingsplan: the plan's activities with status and comment for a period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable, Spacer

from vbedesk.i18n import _, language
from vbedesk.model import ActionPlan, Activity, FollowUp, Period, PlanSection
from vbedesk.reports.charts import bar_chart
from vbedesk.reports.pdf import (
    CONTENT_WIDTH,
    ReportInfo,
    build_pdf,
    heading,
    para,
    styles,
    tables,
    title_block,
)
from vbedesk.taxonomy import Taxonomy

COLUMN_WIDTHS = (140.0, 106.0, 50.0, 46.0, 50.0, CONTENT_WIDTH - 392.0)
"""Activity, responsible, timeline, follow-up, status, comment (A4 portrait)."""


@dataclass(frozen=True)
class ActivityLine:
    """An activity and its newest follow-up in the period (``None`` when none is noted)."""

    activity: Activity
    followup: FollowUp | None = None


@dataclass(frozen=True)
class SectionLines:
    section: PlanSection
    lines: Sequence[ActivityLine]


@dataclass(frozen=True)
class FollowUpReportData:
    """Everything the follow-up report shows, as the service layer gives it."""

    plan: ActionPlan
    period: Period
    sections: Sequence[SectionLines]


def status_summary(data: FollowUpReportData) -> Counter[str]:
    """Activities per status code; ``""`` counts activities without a follow-up."""
    return Counter(
        (line.followup.status if line.followup else "")
        for section in data.sections
        for line in section.lines
    )


def followup_status(statuses: Taxonomy, code: str) -> str:
    """A follow-up's status as the report shows it; "No follow-up noted" without one."""
    return statuses.label(code, language()) if code else _("No follow-up noted")


def build_followup_report(
    data: FollowUpReportData,
    statuses: Taxonomy,
    *,
    district: str,
    created: date,
) -> bytes:
    """The follow-up report as PDF bytes."""
    s = styles()
    info = ReportInfo(
        title=_("Follow-up of the action plan"),
        district=district,
        period=str(data.period),
        created=created,
        subject=data.plan.title,
    )
    story: list[Flowable] = [*title_block(info), para(data.plan.title, s.body)]

    def status_label(code: str) -> str:
        return followup_status(statuses, code)

    summary = status_summary(data)
    order = [c for c in statuses.codes() if c in summary] + [
        c for c in summary if c not in statuses.codes()
    ]
    story += heading(_("Status summary"))
    total = sum(summary.values())
    rows = [
        [para(status_label(code), s.cell), str(summary[code]), f"{summary[code] / total:.0%}"]
        for code in order
    ]
    rows.append([para(_("Total"), s.cell_bold), str(total), "100%" if total else "–"])
    story += tables(
        [_("Status"), _("Activities"), _("Share")],
        rows,
        [CONTENT_WIDTH - 160, 80, 80],
        extra_style=[("ALIGN", (1, 0), (-1, -1), "RIGHT")],
        total_row=True,
    )
    story.append(Spacer(1, 6))
    story.append(
        bar_chart(
            _("Activities by status, {period}").format(period=data.period),
            [status_label(code) for code in order],
            [(str(data.period), [summary[code] for code in order])],
        )
    )
    header = [
        _("Activity"),
        _("Responsible"),
        _("Timeline"),
        _("Follow-up"),
        _("Status"),
        _("Comment ({period})").format(period=data.period),
    ]
    widths = COLUMN_WIDTHS
    for section in data.sections:
        story += heading(section.section.title)
        section_rows = []
        for line in section.lines:
            act, fu = line.activity, line.followup
            section_rows.append(
                [
                    para(act.text, s.cell),
                    para(act.responsible, s.cell),
                    para(act.timeline, s.cell),
                    para(act.followup, s.cell),
                    para(status_label(fu.status) if fu else "", s.cell),
                    para(fu.comment if fu else "", s.cell),
                ]
            )
        story += tables([para(h, s.cell_bold) for h in header], section_rows, widths)
    return build_pdf(story, info)
