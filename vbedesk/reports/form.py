"""The fillable anonymised form (AcroForm, reportlab) and reading it back once filled (pypdf)."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from vbedesk import __version__
from vbedesk.formimport import MAX_FORM_BYTES, FormReading, Rejected, content_hash
from vbedesk.i18n import N_, _
from vbedesk.reports.pdf import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from vbedesk.taxonomy import LANGUAGES, Taxonomies, Taxonomy

FORM_SUBJECT = "vbedesk-form/1"
"""Written into the PDF's metadata: which form (and version) a file was made from."""

DATE_FIELDS = ("received_on", "occurred_on", "occurred_until")
TEXT_FIELDS = (*DATE_FIELDS, "occurred_time", "organisation", "description")
CHOICE_FIELDS: dict[str, str] = {
    "area": "areas",
    "place_type": "place_types",
    "reporting_unit": "reporting_units",
    "reporter_role": "reporter_roles",
    "environment": "environments",
    "age_band": "age_bands",
    "consent": "consent",
}
"""Single choices (combo boxes): field name → taxonomy."""
CHECKBOX_SETS: dict[str, tuple[str, str]] = {
    "incident_types": ("type_", "incident_types"),
    "actions_taken": ("action_", "actions"),
}
"""Sets of check boxes: incident field → (prefix of the box names, taxonomy)."""
FLAG_FIELDS = ("concerns_individual",)
REQUIRED_FORM_FIELDS = ("received_on", "environment")
"""Fields whose absence means the PDF is some other form."""

_FIELD_FONT = "Helvetica"  # form fields: the standard 14 fonts only (WinAnsi has å ä ö é)
_PAGE_WIDTH, _PAGE_HEIGHT = A4
_MARGIN = 18 * mm
_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_FIELD_H = 17.0
_BOX = 10.0
_GAP = 10.0
_HALF = (_WIDTH - _GAP) / 2
_THIRD = (_WIDTH - 2 * _GAP) / 3
_QUARTER = (_WIDTH - 3 * _GAP) / 4
_PAGES = 2
_WARN_BG = colors.HexColor("#fbeaea")
_WARN_BORDER = colors.HexColor("#b3261e")
_RULE = colors.HexColor("#9aa5b1")
_MUTED = colors.HexColor("#44505c")
_FIELD_BG = colors.HexColor("#f4f7fb")

NO_IDENTIFIERS = N_(
    "Do not write names, personal identity numbers (personnummer), addresses, school or "
    "class, or unique features. Describe what happened, not who it was."
)

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# The blank form
# --------------------------------------------------------------------------------------------


class _Layout:
    """Draws the form top-down on a canvas; ``y`` is the top of what comes next."""

    def __init__(self, canvas: Canvas, language: str) -> None:
        self.c = canvas
        self.form = canvas.acroForm
        self.language = language
        self.y = _PAGE_HEIGHT - _MARGIN
        self.page = 1

    # -- static text --------------------------------------------------------------------
    def text(self, x: float, y: float, value: str, size: float = 8.5, font: str = FONT) -> None:
        self.c.setFont(font, size)
        self.c.setFillColor(colors.black)
        self.c.drawString(x, y, value)

    def wrapped(
        self, value: str, x: float, width: float, size: float, font: str = FONT
    ) -> list[str]:
        """``value`` broken into lines that fit ``width``."""
        lines: list[str] = []
        current = ""
        for word in value.split():
            candidate = f"{current} {word}".strip()
            if self.c.stringWidth(candidate, font, size) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines

    def paragraph(
        self, value: str, size: float, *, drop: float, step: float, font: str = FONT
    ) -> None:
        """``value`` wrapped to the full width, each line ``drop`` below the top, ``step`` apart."""
        for line in self.wrapped(value, _MARGIN, _WIDTH, size, font):
            self.text(_MARGIN, self.y - drop, line, size, font)
            self.y -= step

    def heading(self, value: str) -> None:
        self.y -= 8
        self.text(_MARGIN, self.y - 11, value, 11, FONT_BOLD)
        self.c.setStrokeColor(_RULE)
        self.c.setLineWidth(0.5)
        self.c.line(_MARGIN, self.y - 15, _PAGE_WIDTH - _MARGIN, self.y - 15)
        self.y -= 21

    # -- fields -------------------------------------------------------------------------
    def _label(self, x: float, label: str) -> None:
        self.text(x, self.y - 8, label, 7.5, FONT)

    def text_field(
        self,
        name: str,
        label: str,
        x: float,
        width: float,
        *,
        maxlen: int | None,
        tooltip: str = "",
        height: float = _FIELD_H,
        multiline: bool = False,
    ) -> float:
        """A labelled text field at the current line; returns the height used."""
        self._label(x, label)
        self.form.textfield(
            name=name,
            tooltip=tooltip or label,
            x=x,
            y=self.y - 11 - height,
            width=width,
            height=height,
            value="",
            maxlen=maxlen,
            fontName=_FIELD_FONT,
            fontSize=9,
            borderWidth=0.6,
            borderColor=_RULE,
            fillColor=_FIELD_BG,
            textColor=colors.black,
            fieldFlags="multiline" if multiline else "",
            annotationFlags="print",
        )
        return 11 + height

    def choice_field(
        self, name: str, label: str, taxonomy: Taxonomy, x: float, width: float
    ) -> float:
        """A labelled combo box of the taxonomy's labels (export values are the codes)."""
        self._label(x, label)
        options: list[tuple[str, str]] = [(" ", "")]
        options += [(term.label(self.language), term.code) for term in taxonomy.terms]
        self.form.choice(
            name=name,
            tooltip=label,
            value=" ",
            options=options,
            x=x,
            y=self.y - 11 - _FIELD_H,
            width=width,
            height=_FIELD_H,
            fontName=_FIELD_FONT,
            fontSize=8.5,
            borderWidth=0.6,
            borderColor=_RULE,
            fillColor=_FIELD_BG,
            textColor=colors.black,
            fieldFlags="combo",
            annotationFlags="print",
        )
        return 11 + _FIELD_H

    def checkbox(self, name: str, label: str, x: float, y: float) -> None:
        self.form.checkbox(
            name=name,
            tooltip=label,
            x=x,
            y=y,
            size=_BOX,
            buttonStyle="check",
            borderWidth=0.6,
            borderColor=_RULE,
            fillColor=colors.white,
            textColor=colors.black,
            fieldFlags="",
            annotationFlags="print",
            forceBorder=True,
        )
        self.text(x + _BOX + 4, y + 2, label, 8.5)

    def checkbox_grid(self, prefix: str, taxonomy: Taxonomy, columns: int) -> None:
        rows = -(-len(taxonomy.terms) // columns)
        col_width = _WIDTH / columns
        for i, term in enumerate(taxonomy.terms):
            col, row = divmod(i, rows)
            x = _MARGIN + col * col_width
            y = self.y - (row + 1) * 15
            self.checkbox(prefix + term.code, term.label(self.language), x, y)
        self.y -= rows * 15 + 4

    # -- page ---------------------------------------------------------------------------
    def footer(self, pages: int, district: str) -> None:
        self.c.setStrokeColor(_RULE)
        self.c.setLineWidth(0.4)
        self.c.line(_MARGIN, 14 * mm, _PAGE_WIDTH - _MARGIN, 14 * mm)
        self.c.setFillColor(_MUTED)
        self.c.setFont(FONT_ITALIC, 7.5)
        left = f"{district} · " + _("VBE Desk form, version {version}").format(version=1)
        self.c.drawString(_MARGIN, 10 * mm, left)
        self.c.setFont(FONT, 8)
        self.c.drawRightString(
            _PAGE_WIDTH - _MARGIN,
            10 * mm,
            _("Page {page} of {pages}").format(page=self.page, pages=pages),
        )

    def new_page(self, pages: int, district: str) -> None:
        self.footer(pages, district)
        self.c.showPage()
        self.page += 1
        self.y = _PAGE_HEIGHT - _MARGIN


def _warning_box(lay: _Layout, value: str) -> None:
    size = 9.5
    lines = lay.wrapped(value, _MARGIN + 8, _WIDTH - 16, size, FONT_BOLD)
    height = 10 + 12.5 * len(lines)
    c = lay.c
    c.setFillColor(_WARN_BG)
    c.setStrokeColor(_WARN_BORDER)
    c.setLineWidth(1.2)
    c.rect(_MARGIN, lay.y - height, _WIDTH, height, stroke=1, fill=1)
    c.setFillColor(_WARN_BORDER)
    c.setFont(FONT_BOLD, size)
    for n, line in enumerate(lines):
        c.drawString(_MARGIN + 8, lay.y - 15 - 12.5 * n, line)
    lay.y -= height + 6


def build_blank_form(
    taxonomies: Taxonomies, language: str = "sv", *, district: str = "Hässelby-Vällingby"
) -> bytes:
    """The blank fillable form as PDF bytes; codes as export values, labels in ``language``."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1, lang=language)
    title = _("Form for unidentified information (blankett för oidentifierad information)")
    c.setTitle(title)
    c.setAuthor(district)
    c.setSubject(FORM_SUBJECT)
    c.setCreator(f"VBE Desk {__version__}")
    c.setProducer(f"VBE Desk {__version__} (reportlab)")
    # Viewers draw the filled values themselves and wrap the description's lines.
    c.acroForm.extras["NeedAppearances"] = "true"
    lay = _Layout(c, language)
    _introduction(lay, title, district)
    _when_and_where(lay, taxonomies)
    _who_reports(lay, taxonomies)
    _what_happened(lay, taxonomies)
    _individual(lay, taxonomies)
    _description(lay)
    lay.new_page(_PAGES, district)
    _actions_and_address(lay, taxonomies)
    lay.footer(_PAGES, district)
    c.showPage()
    c.save()
    return buf.getvalue()


def _introduction(lay: _Layout, title: str, district: str) -> None:
    """Title, addressee, the warning against identifiers and how to fill the form in."""
    lay.paragraph(title, 15, drop=14, step=18, font=FONT_BOLD)
    lay.text(
        _MARGIN,
        lay.y - 10,
        _("{district}: to the local coordinator against violent extremism").format(
            district=district
        ),
        9.5,
    )
    lay.y -= 18
    _warning_box(lay, _(NO_IDENTIFIERS))
    lay.paragraph(
        _(
            "Fill in the form on the computer, save it and send it to the coordinator. "
            "Dates as YYYY-MM-DD, time as HH:MM. Fields marked * are required."
        ),
        8.5,
        drop=9,
        step=11,
    )


def _when_and_where(lay: _Layout, taxonomies: Taxonomies) -> None:
    lay.heading(_("When and where"))
    x = [_MARGIN + i * (_QUARTER + _GAP) for i in range(4)]
    lay.text_field("received_on", _("Received on *"), x[0], _QUARTER, maxlen=10)
    lay.text_field("occurred_on", _("Occurred on"), x[1], _QUARTER, maxlen=10)
    lay.text_field("occurred_time", _("Time (HH:MM)"), x[2], _QUARTER, maxlen=5)
    used = lay.text_field("occurred_until", _("Occurred until"), x[3], _QUARTER, maxlen=10)
    lay.y -= used + 6
    lay.choice_field("area", _("Area"), taxonomies.areas, _MARGIN, _HALF)
    used = lay.choice_field(
        "place_type", _("Type of place"), taxonomies.place_types, _MARGIN + _HALF + _GAP, _HALF
    )
    lay.y -= used + 2


def _who_reports(lay: _Layout, taxonomies: Taxonomies) -> None:
    lay.heading(_("Who reports"))
    lay.choice_field(
        "reporting_unit", _("Reporting unit"), taxonomies.reporting_units, _MARGIN, _HALF
    )
    used = lay.choice_field(
        "reporter_role", _("Role of the reporter"), taxonomies.reporter_roles,
        _MARGIN + _HALF + _GAP, _HALF,
    )  # fmt: skip
    lay.y -= used + 2


def _what_happened(lay: _Layout, taxonomies: Taxonomies) -> None:
    lay.heading(_("What happened"))
    lay.text(_MARGIN, lay.y - 8, _("Type of incident * (one or more)"), 7.5)
    lay.y -= 10
    lay.checkbox_grid(CHECKBOX_SETS["incident_types"][0], taxonomies.incident_types, 3)
    lay.y -= 4
    used = lay.choice_field(
        "environment", _("Environment (ideology) *"), taxonomies.environments, _MARGIN, _WIDTH
    )
    lay.y -= used + 6
    used = lay.text_field(
        "organisation",
        _("Organisation (only a publicly known one)"),
        _MARGIN,
        _WIDTH,
        maxlen=200,
    )
    lay.y -= used + 2


def _individual(lay: _Layout, taxonomies: Taxonomies) -> None:
    lay.heading(_("Individual"))
    lay.checkbox("concerns_individual", _("Concerns an individual"), _MARGIN, lay.y - 11 - 14)
    lay.choice_field(
        "age_band", _("Age band"), taxonomies.age_bands, _MARGIN + _THIRD + _GAP, _THIRD
    )
    used = lay.choice_field(
        "consent", _("Consent"), taxonomies.consent, _MARGIN + 2 * (_THIRD + _GAP), _THIRD
    )
    lay.y -= used + 2


def _description(lay: _Layout) -> None:
    """The warning again, in red, above the free text that fills the rest of page 1."""
    lay.heading(_("Description"))
    for line in lay.wrapped(_(NO_IDENTIFIERS), _MARGIN, _WIDTH, 8.5, FONT_BOLD):
        lay.c.setFillColor(_WARN_BORDER)
        lay.c.setFont(FONT_BOLD, 8.5)
        lay.c.drawString(_MARGIN, lay.y - 9, line)
        lay.y -= 11
    used = lay.text_field(
        "description",
        _("What happened? Where, roughly, and what was seen or heard."),
        _MARGIN,
        _WIDTH,
        maxlen=None,
        height=max(150.0, lay.y - 11 - 22 * mm),
        multiline=True,
    )
    lay.y -= used + 4


def _actions_and_address(lay: _Layout, taxonomies: Taxonomies) -> None:
    lay.heading(_("Actions taken"))
    lay.checkbox_grid(CHECKBOX_SETS["actions_taken"][0], taxonomies.actions, 2)
    lay.heading(_("Send to"))
    lay.paragraph(
        _(
            "Save the filled-in form and send it to the local coordinator against violent "
            "extremism by the internal route agreed for your unit. In an emergency, call 112 "
            "first."
        ),
        9,
        drop=10,
        step=12,
    )


def form_field_names(taxonomies: Taxonomies) -> frozenset[str]:
    """Every field name of the blank form."""
    names = {*TEXT_FIELDS, *CHOICE_FIELDS, *FLAG_FIELDS}
    for prefix, tax in CHECKBOX_SETS.values():
        names |= {prefix + code for code in getattr(taxonomies, tax).codes()}
    return frozenset(names)


# --------------------------------------------------------------------------------------------
# Reading a filled-in form
# --------------------------------------------------------------------------------------------


class _Refusal(Exception):
    def __init__(self, reason: str, params: Mapping[str, object]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def _reject(filename: str, sha: str, reason: str, **params: object) -> FormReading:
    return FormReading(sha, rejection=Rejected(filename, reason, params, sha256=sha))


def _looks_like_pdf(data: bytes) -> bool:
    # The header may follow some bytes of junk (viewers accept up to 1024).
    return b"%PDF-" in data[:1024]


def _complete(data: bytes) -> bool:
    # A PDF ends with %%EOF (after an optional newline or some trailing junk).
    return b"%%EOF" in data[-1024:]


def _text(name: str, value: object) -> str | None:
    """A field's value as text; ``None`` for empty or absent."""
    if value is None:
        return None
    if isinstance(value, bytes) or not isinstance(value, str):
        raise _Refusal("bad_value", {"field": name})
    return str(value)


def _choice(name: str, value: object, taxonomy: Taxonomy) -> str | None:
    """A combo box's code; a label (as some viewers store) becomes its code.

    An unknown value is passed on as it is, for the incident's validation to refuse.
    """
    text = _text(name, value)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if text in taxonomy:
        return text
    for term in taxonomy.terms:
        if text in (term.sv, term.en):
            return term.code
    return text


def _checked(name: str, field: Mapping[str, Any]) -> bool:
    value = field.get("/V")
    if value is None:
        return False
    if not isinstance(value, str):
        raise _Refusal("bad_value", {"field": name})
    states = [str(s) for s in field.get("/_States_", []) if isinstance(s, str)]
    on_states = {s for s in states if s != "/Off"} or {"/Yes"}
    return str(value) in on_states


def _values(fields: Mapping[str, Mapping[str, Any]], taxonomies: Taxonomies) -> dict[str, object]:
    """The incident fields of a filled-in form (empty fields left out)."""
    values: dict[str, object] = {}
    for name in TEXT_FIELDS:
        text = _text(name, fields.get(name, {}).get("/V"))
        if text is None:
            continue
        if name == "description":
            # Viewers store line breaks as CR; the vault keeps LF.
            text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        else:
            text = text.strip()
        if text:
            values[name] = text
    for name, tax in CHOICE_FIELDS.items():
        code = _choice(name, fields.get(name, {}).get("/V"), getattr(taxonomies, tax))
        if code is not None:
            values[name] = code
    for name, (prefix, tax) in CHECKBOX_SETS.items():
        codes = [
            code
            for code in getattr(taxonomies, tax).codes()
            if prefix + code in fields and _checked(prefix + code, fields[prefix + code])
        ]
        if codes:
            values[name] = codes
    for name in FLAG_FIELDS:
        if name in fields:
            values[name] = _checked(name, fields[name])
    return values


def read_filled_form(data: bytes, taxonomies: Taxonomies, filename: str = "") -> FormReading:
    """The values of a filled-in form, or a rejection with its reason; never raises.

    The values are raw (codes unchecked, dates as text): ``vbedesk.formimport.
    incident_from_reading`` validates them as any other incident input.
    """
    if len(data) > MAX_FORM_BYTES:
        return _reject(filename, "", "too_large")
    sha = content_hash(data)
    if not _looks_like_pdf(data):
        return _reject(filename, sha, "not_pdf")
    if not _complete(data):
        return _reject(filename, sha, "damaged")
    from pypdf import PdfReader

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # repaired-xref chatter is not the user's business
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return _reject(filename, sha, "encrypted")
        fields = reader.get_fields()
        if not fields:
            return _reject(filename, sha, "no_form")
        if not all(name in fields for name in REQUIRED_FORM_FIELDS):
            return _reject(filename, sha, "not_our_form")
        values = _values(fields, taxonomies)
    except _Refusal as refusal:
        return _reject(filename, sha, refusal.reason, **refusal.params)
    except Exception as exc:  # pypdf raises many kinds on broken files: all are "damaged"
        log.info("form not readable: %s", type(exc).__name__)
        return _reject(filename, sha, "damaged")
    finally:
        pypdf_log.setLevel(level)
    return FormReading(sha, values)


def field_values_for(data: Mapping[str, object]) -> dict[str, str]:
    """Form field values for an incident's fields (as a test or a viewer would fill them).

    Sets become ticked boxes (``/Yes``), ``True`` a ticked flag; other values their text.
    """
    result: dict[str, str] = {}
    for name, value in data.items():
        if name in CHECKBOX_SETS:
            prefix = CHECKBOX_SETS[name][0]
            assert isinstance(value, Sequence)
            for code in value:
                result[prefix + str(code)] = "/Yes"
        elif name in FLAG_FIELDS:
            result[name] = "/Yes" if value else "/Off"
        elif value is not None:
            result[name] = str(value)
    return result
