"""Validated Incident objects from outside input (mappings, JSON lines, CSV) and back."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime, time

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.model import Incident
from vbedesk.taxonomy import Taxonomies, Taxonomy, clip

FIELDS: tuple[str, ...] = (
    "received_on",
    "occurred_on",
    "occurred_time",
    "occurred_until",
    "area",
    "place_type",
    "reporting_unit",
    "reporter_role",
    "incident_types",
    "environment",
    "organisation",
    "concerns_individual",
    "age_band",
    "description",
    "actions_taken",
    "consent",
    "feedback_on",
    "status",
    "retain_until",
)
REQUIRED: tuple[str, ...] = ("received_on", "incident_types", "environment")
DESCRIPTION_MAX = 20_000
ORGANISATION_MAX = 200
SET_SEPARATOR = ";"

_DATE_FIELDS = ("received_on", "occurred_on", "occurred_until", "feedback_on", "retain_until")
_CODE_FIELDS = {
    "area": "areas",
    "place_type": "place_types",
    "reporting_unit": "reporting_units",
    "reporter_role": "reporter_roles",
    "environment": "environments",
    "age_band": "age_bands",
    "consent": "consent",
    "status": "incident_statuses",
}
_CODE_SET_FIELDS = {"incident_types": "incident_types", "actions_taken": "actions"}
_ACCEPTED_KEYS = frozenset((*FIELDS, "id"))
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^\d{2}:\d{2}$")
_TRUE = frozenset({"ja", "true", "1"})
_FALSE = frozenset({"nej", "false", "0"})

# Each refusal in two forms: alone, and for a record of a JSONL/CSV batch with its line.
_MESSAGES: dict[str, tuple[str, str]] = {
    "not_mapping": (
        N_("An incident must be an object with named fields."),
        N_("Line {line}: an incident must be an object with named fields."),
    ),
    "unknown_field": (
        N_("Unknown field name(s): {fields}."),
        N_("Line {line}: unknown field name(s): {fields}."),
    ),
    "missing": (
        N_("The field {field} is required."),
        N_("Line {line}: the field {field} is required."),
    ),
    "unknown_code": (
        N_("Unknown code {value!r} for {field}."),
        N_("Line {line}: unknown code {value!r} for {field}."),
    ),
    "type_code": (
        N_("The field {field} must be a code written as text."),
        N_("Line {line}: the field {field} must be a code written as text."),
    ),
    "type_codes": (
        N_("The field {field} must be a list of codes."),
        N_("Line {line}: the field {field} must be a list of codes."),
    ),
    "empty_codes": (
        N_("The field {field} needs at least one code."),
        N_("Line {line}: the field {field} needs at least one code."),
    ),
    "type_text": (
        N_("The field {field} must be text."),
        N_("Line {line}: the field {field} must be text."),
    ),
    "type_bool": (
        N_("The field {field} must be true or false."),
        N_("Line {line}: the field {field} must be true or false (ja/nej, true/false, 1/0)."),
    ),
    "type_id": (
        N_("The field {field} must be a positive whole number."),
        N_("Line {line}: the field {field} must be a positive whole number."),
    ),
    "type_date": (
        N_("The field {field} must be a date written YYYY-MM-DD."),
        N_("Line {line}: the field {field} must be a date written YYYY-MM-DD."),
    ),
    "bad_date": (
        N_("Invalid date {value!r} for {field}; write an existing date as YYYY-MM-DD."),
        N_(
            "Line {line}: invalid date {value!r} for {field}; write an existing date as YYYY-MM-DD."
        ),
    ),
    "bad_time": (
        N_("Invalid time {value!r} for {field}; write hours and minutes as HH:MM."),
        N_("Line {line}: invalid time {value!r} for {field}; write hours and minutes as HH:MM."),
    ),
    "future": (
        N_("The date {value} in {field} lies in the future."),
        N_("Line {line}: the date {value} in {field} lies in the future."),
    ),
    "before": (
        N_("The date in {field} must not be before {other}."),
        N_("Line {line}: the date in {field} must not be before {other}."),
    ),
    "needs": (
        N_("The field {field} can only be filled in together with {other}."),
        N_("Line {line}: the field {field} can only be filled in together with {other}."),
    ),
    "too_long": (
        N_("The text in {field} is too long: {length} characters, at most {limit}."),
        N_("Line {line}: the text in {field} is too long: {length} characters, at most {limit}."),
    ),
}


def _refuse(kind: str, line: int | None, **params: object) -> InputRefused:
    alone, with_line = _MESSAGES[kind]
    if line is None:
        return InputRefused(alone, **params)
    return InputRefused(with_line, line=line, **params)


class _Parser:
    """Turns one mapping into an Incident; ``line`` is set for records of a batch."""

    def __init__(self, taxonomies: Taxonomies, today: date | None, line: int | None) -> None:
        self.taxonomies = taxonomies
        self.today = today if today is not None else date.today()
        self.line = line

    def refuse(self, kind: str, **params: object) -> InputRefused:
        return _refuse(kind, self.line, **params)

    def parse(self, data: object) -> Incident:
        if not isinstance(data, Mapping):
            raise self.refuse("not_mapping")
        unknown = sorted(clip(key) for key in data if key not in _ACCEPTED_KEYS)
        if unknown:
            raise self.refuse("unknown_field", field=unknown[0], fields=", ".join(unknown))
        # None (JSON null, an empty CSV cell) means the field was left out.
        values = {key: value for key, value in data.items() if value is not None}
        for name in REQUIRED:
            if name not in values:
                raise self.refuse("missing", field=name)

        dates = {name: self.date_value(values, name) for name in _DATE_FIELDS}
        codes = {name: self.code(values, name, tax) for name, tax in _CODE_FIELDS.items()}
        code_sets = {
            name: self.code_set(values, name, tax) for name, tax in _CODE_SET_FIELDS.items()
        }
        if not code_sets["incident_types"]:
            raise self.refuse("empty_codes", field="incident_types")
        occurred_time = self.time_value(values, "occurred_time")
        description = self.text(values, "description", DESCRIPTION_MAX) or ""
        organisation = self.text(values, "organisation", ORGANISATION_MAX)
        if organisation is not None and not organisation.strip():
            organisation = None
        concerns_individual = self.boolean(values, "concerns_individual")
        incident_id = self.identifier(values, "id")

        received_on = dates["received_on"]
        assert received_on is not None  # required above
        self.not_future(received_on, "received_on")
        occurred_on, occurred_until = dates["occurred_on"], dates["occurred_until"]
        if occurred_on is not None:
            self.not_future(occurred_on, "occurred_on")
        elif occurred_until is not None:
            raise self.refuse("needs", field="occurred_until", other="occurred_on")
        elif occurred_time is not None:
            raise self.refuse("needs", field="occurred_time", other="occurred_on")
        if occurred_on is not None and occurred_until is not None and occurred_until < occurred_on:
            raise self.refuse("before", field="occurred_until", other="occurred_on")
        for later in ("feedback_on", "retain_until"):
            value = dates[later]
            if value is not None and value < received_on:
                raise self.refuse("before", field=later, other="received_on")

        return Incident(
            received_on=received_on,
            incident_types=code_sets["incident_types"],
            environment=codes["environment"] or "",
            occurred_on=occurred_on,
            occurred_time=occurred_time,
            occurred_until=occurred_until,
            area=codes["area"],
            place_type=codes["place_type"],
            reporting_unit=codes["reporting_unit"],
            reporter_role=codes["reporter_role"],
            organisation=organisation,
            concerns_individual=concerns_individual,
            age_band=codes["age_band"],
            description=description,
            actions_taken=code_sets["actions_taken"],
            consent=codes["consent"],
            feedback_on=dates["feedback_on"],
            status=codes["status"] or "NY",
            retain_until=dates["retain_until"],
            id=incident_id,
        )

    def taxonomy(self, name: str) -> Taxonomy:
        taxonomy: Taxonomy = getattr(self.taxonomies, name)
        return taxonomy

    def date_value(self, values: Mapping[str, object], name: str) -> date | None:
        value = values.get(name)
        if value is None:
            return None
        if isinstance(value, datetime):
            raise self.refuse("type_date", field=name)
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise self.refuse("type_date", field=name)
        if _DATE_RE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.refuse("bad_date", field=name, value=clip(value))

    def time_value(self, values: Mapping[str, object], name: str) -> time | None:
        value = values.get(name)
        if value is None:
            return None
        if isinstance(value, time):
            if value.second or value.microsecond or value.tzinfo is not None:
                raise self.refuse("bad_time", field=name, value=clip(value))
            return value
        if isinstance(value, str) and _TIME_RE.match(value):
            try:
                return time.fromisoformat(value)
            except ValueError:
                pass
        raise self.refuse("bad_time", field=name, value=clip(value))

    def code(self, values: Mapping[str, object], name: str, taxonomy: str) -> str | None:
        value = values.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.refuse("type_code", field=name)
        if value not in self.taxonomy(taxonomy):
            raise self.refuse("unknown_code", field=name, value=clip(value))
        return value

    def code_set(self, values: Mapping[str, object], name: str, taxonomy: str) -> frozenset[str]:
        value = values.get(name)
        if value is None:
            return frozenset()
        if not isinstance(value, list | tuple | set | frozenset):
            raise self.refuse("type_codes", field=name)
        known = self.taxonomy(taxonomy)
        for item in value:
            if not isinstance(item, str):
                raise self.refuse("type_codes", field=name)
            if item not in known:
                raise self.refuse("unknown_code", field=name, value=clip(item))
        return frozenset(value)

    def text(self, values: Mapping[str, object], name: str, limit: int) -> str | None:
        # Never put the text itself into a refusal: it may hold what the guard looks for.
        value = values.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.refuse("type_text", field=name)
        if len(value) > limit:
            raise self.refuse("too_long", field=name, length=len(value), limit=limit)
        return value

    def boolean(self, values: Mapping[str, object], name: str) -> bool:
        value = values.get(name, False)
        if not isinstance(value, bool):
            raise self.refuse("type_bool", field=name)
        return value

    def identifier(self, values: Mapping[str, object], name: str) -> int | None:
        value = values.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.refuse("type_id", field=name)
        return value

    def not_future(self, value: date, name: str) -> None:
        if value > self.today:
            raise self.refuse("future", field=name, value=value.isoformat())


def incident_from_mapping(
    data: Mapping[str, object], taxonomies: Taxonomies, *, today: date | None = None
) -> Incident:
    """A validated Incident from the fields of ``FIELDS`` (and ``id``); refuses anything else.

    Dates are ISO ``YYYY-MM-DD`` strings (or ``date``), the time ``HH:MM``, code sets lists.
    ``today`` (default: the real date) is the latest date accepted for past events.
    """
    return _Parser(taxonomies, today, None).parse(data)


def validate_incident(
    incident: Incident, taxonomies: Taxonomies, *, today: date | None = None
) -> Incident:
    """The same checks for an Incident built in code; returns it (organisation "" as None)."""
    data: dict[str, object] = {name: getattr(incident, name) for name in FIELDS}
    data["id"] = incident.id
    checked = _Parser(taxonomies, today, None).parse(data)
    return replace(
        checked,
        is_demo=incident.is_demo,
        created_at=incident.created_at,
        updated_at=incident.updated_at,
    )


def incident_to_dict(incident: Incident) -> dict[str, object]:
    """JSON-ready fields of ``incident`` in ``FIELDS`` order (``id`` first when set)."""
    result: dict[str, object] = {}
    if incident.id is not None:
        result["id"] = incident.id
    for name in FIELDS:
        value = getattr(incident, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, time):
            value = value.strftime("%H:%M")
        elif isinstance(value, frozenset | set):
            value = sorted(value)
        result[name] = value
    return result


def incidents_from_jsonl(
    text: str, taxonomies: Taxonomies, *, today: date | None = None
) -> list[Incident]:
    """One incident per JSON line; blank lines skipped; the first bad line refuses all."""
    incidents: list[Incident] = []
    # Split on "\n" only: str.splitlines() would also split at U+2028 inside a JSON string.
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            # ValueError: bad JSON, and also a number too long to convert (over 4300
            # digits); RecursionError: arrays or objects nested thousands deep.
            raise InputRefused(N_("Line {line} is not valid JSON."), line=number) from None
        incidents.append(_Parser(taxonomies, today, number).parse(data))
    return incidents


def incidents_from_csv(
    text: str, taxonomies: Taxonomies, *, today: date | None = None
) -> list[Incident]:
    """Incidents from CSV with a header row of ``FIELDS`` (a subset; the required ones present).

    Comma-separated; code sets separated by ";"; booleans ja/nej, true/false or 1/0;
    an empty cell leaves the field out. The first bad row refuses the whole file.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputRefused(N_("The CSV text has no header row."), line=1)
        columns = [cell.strip() for cell in header]
        unknown = sorted(clip(name) for name in columns if name not in FIELDS)
        if unknown:
            raise _refuse("unknown_field", 1, field=unknown[0], fields=", ".join(unknown))
        for name in columns:
            if columns.count(name) > 1:
                raise InputRefused(
                    N_("Line {line}: the column {field} appears twice."), line=1, field=name
                )
        for name in REQUIRED:
            if name not in columns:
                raise InputRefused(
                    N_("Line {line}: the required column {field} is missing."), line=1, field=name
                )
        incidents: list[Incident] = []
        end_of_previous = reader.line_num
        for row in reader:
            number = end_of_previous + 1
            end_of_previous = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise InputRefused(
                    N_("Line {line} has {count} cells; the header has {expected}."),
                    line=number,
                    count=len(row),
                    expected=len(columns),
                )
            data = _csv_record(dict(zip(columns, row, strict=True)), number)
            incidents.append(_Parser(taxonomies, today, number).parse(data))
    except csv.Error:
        raise InputRefused(N_("Line {line} is not valid CSV."), line=reader.line_num or 1) from None
    return incidents


def _csv_record(cells: Mapping[str, str], line: int) -> dict[str, object]:
    """Typed values for the parser: code sets as lists, booleans as bool, empty cells left out."""
    record: dict[str, object] = {}
    for name, cell in cells.items():
        if name in ("description", "organisation"):
            # Free text is kept exactly as written; only an empty cell leaves it out.
            if cell:
                record[name] = _unescape_cell(cell)
            continue
        value = cell.strip()
        if not value:
            continue
        if name in _CODE_SET_FIELDS:
            record[name] = [part.strip() for part in value.split(SET_SEPARATOR) if part.strip()]
        elif name == "concerns_individual":
            lowered = value.lower()
            if lowered not in _TRUE | _FALSE:
                raise _refuse("type_bool", line, field=name)
            record[name] = lowered in _TRUE
        else:
            record[name] = value
    return record


def incidents_to_csv(incidents: Iterable[Incident]) -> str:
    """CSV with a header of ``FIELDS`` that ``incidents_from_csv`` reads back unchanged.

    Free text that a spreadsheet would run as a formula gets a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for incident in incidents:
        data = incident_to_dict(incident)
        row: list[str] = []
        for name in FIELDS:
            value = data[name]
            if value is None:
                row.append("")
            elif isinstance(value, bool):
                row.append("ja" if value else "nej")
            elif isinstance(value, list):
                row.append(SET_SEPARATOR.join(str(item) for item in value))
            elif name in ("description", "organisation"):
                row.append(_escape_cell(str(value)))
            else:
                row.append(str(value))
        writer.writerow(row)
    return buffer.getvalue()


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*_FORMULA_STARTS, "'")


def _escape_cell(text: str) -> str:
    """Free text made inert for spreadsheets: a leading apostrophe before a formula start."""
    return "'" + text if text.startswith(_ESCAPED_STARTS) else text


def _unescape_cell(text: str) -> str:
    """The inverse of ``_escape_cell``, so that an exported file imports unchanged."""
    if text.startswith("'") and text[1:].startswith(_ESCAPED_STARTS):
        return text[1:]
    return text


def default_retain_until(received_on: date, retention_years: int) -> date:
    """The same day ``retention_years`` later; 29 February becomes 28 February."""
    if retention_years < 0:
        raise ValueError("retention_years must not be negative")
    year = received_on.year + retention_years
    try:
        return received_on.replace(year=year)
    except ValueError:
        return received_on.replace(year=year, day=28)


#: The incident's free-text fields: what the identifier guard reads before a save.
FREE_TEXT_FIELDS: tuple[str, ...] = ("description", "organisation")


def free_texts(incident: Incident) -> dict[str, str | None]:
    """The incident's free texts by field, for ``guard.guarded``."""
    return {name: getattr(incident, name) for name in FREE_TEXT_FIELDS}


#: The formats incidents leave the vault in: the CLI's listing and the gallring export.
EXPORT_FORMATS: tuple[str, ...] = ("csv", "json")


def incidents_to_json(incidents: Iterable[Incident]) -> str:
    """A JSON array of ``incident_to_dict`` objects, as ``incident list --format json``
    prints and the gallring export writes."""
    return json.dumps([incident_to_dict(i) for i in incidents], ensure_ascii=False, indent=1)


def export_bytes(incidents: Iterable[Incident], fmt: str) -> tuple[bytes, int]:
    """The file of an export in ``fmt`` and how many incidents it holds.

    CSV in UTF-8 with a BOM (what Swedish Excel opens as UTF-8), JSON in UTF-8 ending in a
    newline. An unknown format is refused before anything is read.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputRefused(N_("Unknown export format {value!r}."), value=fmt[:10])
    count = 0

    def counted() -> Iterator[Incident]:
        nonlocal count
        for incident in incidents:
            count += 1
            yield incident

    if fmt == "csv":
        return incidents_to_csv(counted()).encode("utf-8-sig"), count
    return (incidents_to_json(counted()) + "\n").encode("utf-8"), count
