"""One incident on paper: the anonymised form's fields with their labels."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable

from vbedesk.i18n import N_, _, language
from vbedesk.model import Incident
from vbedesk.reports.pdf import CONTENT_WIDTH, ReportInfo, build_pdf, para, styles, tables
from vbedesk.reports.pdf import title_block as _title_block
from vbedesk.taxonomy import Taxonomies

FIELD_LABELS = (
    ("received_on", N_("Received")),
    ("occurred_on", N_("Occurred")),
    ("occurred_time", N_("Time")),
    ("occurred_until", N_("Occurred until")),
    ("area", N_("Area")),
    ("place_type", N_("Type of place")),
    ("reporting_unit", N_("Reporting unit")),
    ("reporter_role", N_("Reporter's role")),
    ("incident_types", N_("Incident types")),
    ("environment", N_("Environment")),
    ("organisation", N_("Organisation")),
    ("concerns_individual", N_("Concerns an individual")),
    ("age_band", N_("Age band")),
    ("description", N_("Description")),
    ("actions_taken", N_("Actions taken")),
    ("consent", N_("Consent")),
    ("feedback_on", N_("Feedback given")),
    ("status", N_("Status")),
    ("retain_until", N_("Retain until (gallring)")),
)
"""The form's fields in the form's order; nothing else of the record is printed."""


def incident_values(incident: Incident, taxonomies: Taxonomies) -> list[tuple[str, str]]:
    """(label, shown value) per field, codes as labels in the current language."""
    lang = language()
    taxonomy_of = taxonomies.of_incident_fields()
    result = []
    for name, label in FIELD_LABELS:
        value = getattr(incident, name)
        tax = taxonomy_of.get(name)
        if isinstance(value, frozenset):
            codes = [c for c in (tax.codes() if tax else ()) if c in value]
            codes += sorted(value - set(codes))
            shown = "\n".join(tax.label(c, lang) if tax else c for c in codes)
        elif isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif value is None:
            shown = ""
        elif tax is not None:
            shown = tax.label(str(value), lang)
        elif hasattr(value, "isoformat"):
            shown = value.isoformat() if name != "occurred_time" else value.strftime("%H:%M")
        else:
            shown = str(value)
        result.append((_(label), shown))
    return result


def build_incident_report(
    incident: Incident, taxonomies: Taxonomies, *, district: str, created: date
) -> bytes:
    s = styles()
    info = ReportInfo(
        title=_("Incident {id}").format(id=incident.id),
        district=district,
        created=created,
        subject=_("Anonymised incident"),
    )
    story: list[Flowable] = list(_title_block(info))
    if incident.is_demo:
        story.append(para(_("Synthetic demo data."), s.small))
    rows = [
        [para(label, s.cell_bold), para(value, s.cell)]
        for label, value in incident_values(incident, taxonomies)
    ]
    story += tables([_("Field"), _("Value")], rows, [140, CONTENT_WIDTH - 140])
    return build_pdf(story, info)
