"""One case log on paper: the routine version followed, the steps with their times and
answers, the outcomes and the coordinator's notes (guarded when they were written)."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, Spacer

from vbedesk.i18n import _, language
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
from vbedesk.routine import CaseLog, RecordedAnswer, RoutineDefinition


def _duration(log: CaseLog) -> str:
    seconds = max(0, int((log.ended_at - log.started_at).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def answer_lines(log: CaseLog, definition: RoutineDefinition) -> list[tuple[str, str, str]]:
    """(time, step text, chosen answers) per recorded move, in the routine's language.

    A step or answer id the definition does not know (it should, since the log names the
    version it followed) is shown as its id rather than dropped.
    """
    lang = language()
    lines = []
    for move in log.answers:
        lines.append((move.at.strftime("%H:%M:%S"), *_move_texts(move, definition, lang)))
    return lines


def _move_texts(move: RecordedAnswer, definition: RoutineDefinition, lang: str) -> tuple[str, str]:
    if not definition.has_step(move.step):
        return move.step, ", ".join(move.choices)
    step = definition.step(move.step)
    if not move.choices:
        return step.text.get(lang), _("done")
    chosen = []
    for choice in move.choices:
        answer = step.answer(choice)
        chosen.append(answer.text.get(lang) if answer else choice)
    return step.text.get(lang), "\n".join(chosen)


def build_caselog_report(
    log: CaseLog, definition: RoutineDefinition, *, district: str, created: date
) -> bytes:
    """The PDF of ``log`` as followed with ``definition`` (its own version)."""
    s = styles()
    lang = language()
    info = ReportInfo(
        title=_("Case log {id}").format(id=log.id),
        district=district,
        created=created,
        subject=_("Case log of a call"),
    )
    story: list[Flowable] = list(title_block(info))
    facts = [
        (_("Routine"), f"{definition.title.get(lang)} ({log.routine_id}, {log.routine_version})"),
        (_("Started"), log.started_at.isoformat(sep=" ", timespec="minutes")),
        (_("Ended"), log.ended_at.isoformat(sep=" ", timespec="minutes")),
        (_("Duration (min:s)"), _duration(log)),
        (_("Incident"), str(log.incident_id) if log.incident_id else "–"),
    ]
    story += tables(
        [_("Field"), _("Value")],
        [[para(k, s.cell_bold), para(v, s.cell)] for k, v in facts],
        [140, CONTENT_WIDTH - 140],
    )
    story += [Spacer(1, 4), para(definition.provenance, s.small)]
    story += heading(_("Steps"))
    story += tables(
        [_("Time"), _("Step"), _("Answer")],
        [
            [para(at, s.cell), para(text, s.cell), para(chosen, s.cell)]
            for at, text, chosen in answer_lines(log, definition)
        ],
        [60, CONTENT_WIDTH - 60 - 150, 150],
    )
    story += heading(_("Outcomes"))
    outcomes = sorted(definition.outcome_label(code, lang) for code in log.outcomes)
    story.append(para("\n".join(outcomes) if outcomes else "–", s.body))
    story += heading(_("Notes"))
    story.append(para(log.notes or "–", s.body))
    return build_pdf(story, info)
