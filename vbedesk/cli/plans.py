"""The action plan from the command line: plans, activities and their follow-ups.

``plan import`` reads last year's plan from Word, Excel or CSV (``vbedesk/planimport.py``),
prints the review, and saves it only with ``--yes``.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

from vbedesk.i18n import _

from .common import EXIT_OK, Parser, day_option, open_service, out

if TYPE_CHECKING:
    from vbedesk.storage.service import VaultService

    from .common import Subcommands


def _section_id(service: VaultService, plan_id: int, title: str) -> int:
    """The section of the plan whose title ``title`` names (see ``plans.match_section``)."""
    from vbedesk.plans import match_section

    sections = service.plans.sections(plan_id)
    found = sections[match_section([s.title for s in sections], title)]
    assert found.id is not None
    return found.id


def plan_document(service: VaultService, year: int) -> dict[str, object]:
    """The plan of ``year`` as ``plan show --format json`` prints it (retired activities
    left out, white space normalised)."""
    from vbedesk.plans import normalised

    with service.store.read():
        plan = service.plans.of_year(year)
        assert plan.id is not None
        sections = []
        for section in service.plans.sections(plan.id):
            assert section.id is not None
            activities = [
                {
                    "id": act.id,
                    "text": normalised(act.text),
                    "responsible": normalised(act.responsible),
                    "timeline": normalised(act.timeline),
                    "follow_up": normalised(act.followup),
                }
                for act in service.plans.activities(section.id)
                if act.retired_on is None
            ]
            sections.append({"title": normalised(section.title), "activities": activities})
    return {"year": plan.year, "state": plan.state.value, "sections": sections}


def cmd_plan_import(args: argparse.Namespace) -> int:
    """Last year's plan from Word, Excel or CSV: the review always, the plan with ``--yes``."""
    from pathlib import Path

    from vbedesk.planimport import read_plan, review_text
    from vbedesk.plans import default_title

    with open_service(args) as service:
        district = service.settings().district
        title = default_title(district, args.year)
        draft = read_plan(Path(args.file), args.year, district, title=title)  # never writes
        out(review_text(draft))
        if not args.yes:
            out(_("Nothing was saved. Run the command again with --yes to save this plan."))
            return EXIT_OK
        plan = service.plans.create(args.year, draft=draft, accept_findings=args.accept_findings)
    out(_("Saved as plan {id}.").format(id=plan.id))
    return EXIT_OK


def cmd_plan_create(args: argparse.Namespace) -> int:
    with open_service(args) as service:
        plan = service.plans.create(args.year, copy_from=args.copy_from)
    out(str(plan.id))
    return EXIT_OK


def cmd_plan_show(args: argparse.Namespace) -> int:
    from vbedesk.plans import PlanState, normalised

    with open_service(args) as service:
        if args.format == "json":
            out(json.dumps(plan_document(service, args.year), ensure_ascii=False, indent=2))
            return EXIT_OK
        with service.store.read():
            plan = service.plans.of_year(args.year)
            assert plan.id is not None
            out(plan.title)
            if plan.state is PlanState.DECIDED:
                out(
                    _("Decided {day}, diarienummer {dnr}").format(
                        day=plan.decided_on, dnr=plan.diarienummer or "-"
                    )
                )
            else:
                out(_("Draft (not decided)"))
            for section in service.plans.sections(plan.id):
                assert section.id is not None
                out()
                out(normalised(section.title))
                for act in service.plans.activities(section.id):
                    cells = (act.text, act.responsible, act.timeline, act.followup)
                    line = f"  {act.id:>4}  " + " | ".join(normalised(c) or "-" for c in cells)
                    if act.retired_on is not None:
                        line += "  " + _("(retired {day})").format(day=act.retired_on)
                    out(line)
    return EXIT_OK


def cmd_plan_decide(args: argparse.Namespace) -> int:
    day = day_option(args.on, "--on")
    with open_service(args) as service:
        plan = service.plans.of_year(args.year)
        assert plan.id is not None
        service.plans.decide(plan.id, day, args.dnr)
    out(_("The plan for {year} is decided ({day}).").format(year=args.year, day=day))
    return EXIT_OK


def cmd_activity_add(args: argparse.Namespace) -> int:
    from vbedesk.plans import ActivityDraft

    draft = ActivityDraft(
        text=args.text,
        responsible=args.responsible or "",
        timeline=args.timeline or "",
        followup=args.follow_up or "",
    )
    with open_service(args) as service:
        plan = service.plans.of_year(args.year)
        assert plan.id is not None
        section_id = _section_id(service, plan.id, args.section)
        act = service.plans.add_activity(section_id, draft, accept_findings=args.accept_findings)
    out(str(act.id))
    return EXIT_OK


def cmd_activity_edit(args: argparse.Namespace) -> int:
    with open_service(args) as service, service.store.write():
        # One unit of work: a refused text leaves the activity where it was.
        act = service.plans.activity(args.id)
        if args.section is not None:
            section = service.plans.section(act.section_id)
            target = _section_id(service, section.plan_id, args.section)
            if target != act.section_id:
                service.plans.move_activity(act.id or 0, section_id=target)
        service.plans.edit_activity(
            args.id,
            text=args.text,
            responsible=args.responsible,
            timeline=args.timeline,
            followup=args.follow_up,
            accept_findings=args.accept_findings,
        )
    out(_("Activity {id} saved.").format(id=args.id))
    return EXIT_OK


def cmd_activity_retire(args: argparse.Namespace) -> int:
    day = date.today() if args.on is None else day_option(args.on, "--on")
    with open_service(args) as service:
        service.plans.retire_activity(args.id, day)
    out(_("Activity {id} is retired from {day}.").format(id=args.id, day=day))
    return EXIT_OK


def cmd_followup_add(args: argparse.Namespace) -> int:
    from vbedesk.model import FollowUp, Period

    followup = FollowUp(
        activity_id=args.activity,
        period=Period.parse(args.period),
        status=args.status,
        comment=args.comment or "",
        noted_on=date.today(),
    )
    with open_service(args) as service:
        saved = service.plans.add_followup(followup, accept_findings=args.accept_findings)
    out(str(saved.id))
    return EXIT_OK


def _activity_fields(p: argparse.ArgumentParser, *, required_text: bool) -> None:
    p.add_argument("--text", required=required_text, help=_("the activity (Aktivitet)"))
    p.add_argument("--responsible", help=_("the responsible role (Ansvarig)"))
    p.add_argument("--timeline", help=_("when (Tidplan)"))
    p.add_argument("--follow-up", dest="follow_up", help=_("follow-up occasions (Uppföljning)"))
    p.add_argument("--accept-findings", action="store_true")


def add_parser(sub: Subcommands) -> None:
    plan = sub.add_parser("plan", help=_("the year's action plan")).add_subparsers(
        dest="plan_command", required=True, parser_class=Parser
    )
    pc = plan.add_parser("create", help=_("create the plan of a year; prints its id"))
    pc.add_argument("--year", type=int, required=True)
    pc.add_argument("--copy-from", type=int, metavar="YEAR", help=_("copy the plan of YEAR"))
    pc.set_defaults(func=cmd_plan_create)
    pi = plan.add_parser(
        "import", help=_("last year's plan from .docx, .xlsx or .csv: a review, saved with --yes")
    )
    pi.add_argument("file", metavar="FILE")
    pi.add_argument("--year", type=int, required=True)
    pi.add_argument("--yes", action="store_true", help=_("save the plan shown in the review"))
    pi.add_argument("--accept-findings", action="store_true")
    pi.set_defaults(func=cmd_plan_import)
    ps = plan.add_parser("show", help=_("print the plan of a year"))
    ps.add_argument("--year", type=int, required=True)
    ps.add_argument("--format", choices=("table", "json"), default="table")
    ps.set_defaults(func=cmd_plan_show)
    pd = plan.add_parser("decide", help=_("record the decision of the plan"))
    pd.add_argument("--year", type=int, required=True)
    pd.add_argument("--on", required=True, metavar="DATE", help=_("the decision date"))
    pd.add_argument("--dnr", default="", metavar="TEXT", help=_("the diarienummer"))
    pd.set_defaults(func=cmd_plan_decide)

    act = sub.add_parser("activity", help=_("activities of the plan")).add_subparsers(
        dest="activity_command", required=True, parser_class=Parser
    )
    aa = act.add_parser("add", help=_("add an activity to a section; prints its id"))
    aa.add_argument("--year", type=int, required=True)
    aa.add_argument("--section", required=True, metavar="TITLE", help=_("the section's title"))
    _activity_fields(aa, required_text=True)
    aa.set_defaults(func=cmd_activity_add)
    ae = act.add_parser("edit", help=_("change an activity or move it to another section"))
    ae.add_argument("id", type=int)
    ae.add_argument("--section", metavar="TITLE", help=_("the section's title"))
    _activity_fields(ae, required_text=False)
    ae.set_defaults(func=cmd_activity_edit)
    ar = act.add_parser("retire", help=_("retire an activity (utgår); its history stays"))
    ar.add_argument("id", type=int)
    ar.add_argument("--on", metavar="DATE", help=_("from this date (default today)"))
    ar.set_defaults(func=cmd_activity_retire)

    fol = sub.add_parser("followup", help=_("follow-ups of activities")).add_subparsers(
        dest="followup_command", required=True, parser_class=Parser
    )
    fa = fol.add_parser("add", help=_("note an activity's status for a period; prints its id"))
    fa.add_argument("--activity", type=int, required=True)
    fa.add_argument("--period", required=True, help=_('e.g. "T1 2026"'))
    fa.add_argument("--status", required=True, metavar="CODE")
    fa.add_argument("--comment")
    fa.add_argument("--accept-findings", action="store_true")
    fa.set_defaults(func=cmd_followup_add)
