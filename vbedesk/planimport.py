"""Import of last year's action plan from Word (.docx), Excel (.xlsx) or CSV into a draft.

The coordinator's plan lives in a Word document like the 2021 plan: the plan's section
headings, each followed by a table Aktivitet / Ansvarig enhetschef / Tidplan / Uppföljning.
``read_plan`` turns such a file (or a spreadsheet with the same columns plus a section
column) into a ``PlanDraft`` without saving anything; ``review_text`` shows what would be
saved. Every refusal is an ``InputRefused`` subclass with a message and no file content.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _, ngettext
from vbedesk.plans import STANDARD_SECTIONS, ActivityDraft, PlanDraft, SectionDraft

#: A plan is a few hundred kB; anything larger is refused before it is parsed.
MAX_PLAN_BYTES = 20 * 1024 * 1024
#: The sum of the declared uncompressed sizes of a .docx/.xlsx (a zip): against zip bombs.
#: The zip reader never inflates an entry past its declared size, so the sum bounds the work.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
#: An encrypted Word or Excel file (and the old .doc/.xls) is an OLE compound file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUFFIXES = (".docx", ".xlsx", ".csv")


class PlanFileRefused(InputRefused):
    """The plan file cannot be imported; nothing was saved."""

    message = N_("The plan file cannot be imported; nothing was saved.")


class UnsupportedPlanFile(PlanFileRefused):
    message = N_("Only Word (.docx), Excel (.xlsx) and CSV files can be imported as a plan.")


class PlanFileTooLarge(PlanFileRefused):
    message = N_(
        "The file is larger than 20 MB (or unpacks to more than 100 MB); a plan is much smaller."
    )


class PlanFileEncrypted(PlanFileRefused):
    message = N_(
        "The file is protected by a password or in an old format (.doc, .xls): "
        "save it as .docx or .xlsx without a password and import it again."
    )


class PlanFileDamaged(PlanFileRefused):
    message = N_("The file is damaged or incomplete; nothing was imported.")


class NoActivityTable(PlanFileRefused):
    message = N_(
        "The file has no activity table (columns Aktivitet, Ansvarig enhetschef, Tidplan, "
        "Uppföljning)."
    )


class WrongPlanColumns(PlanFileRefused):
    message = N_(
        "The tables do not have the plan's columns: Aktivitet, Ansvarig enhetschef, Tidplan "
        "and Uppföljning (and, in a spreadsheet, Avsnitt)."
    )


class TableWithoutSection(PlanFileRefused):
    message = N_(
        "An activity table stands under no heading of the plan's four sections "
        "(förebyggande, förhindrande, föreningsbidrag och lokaler, kompetenshöjande)."
    )


class UnknownPlanSection(PlanFileRefused):
    message = N_(
        "Row {row}: the section is none of the plan's four (förebyggande, förhindrande, "
        "föreningsbidrag och lokaler, kompetenshöjande)."
    )


# --- words -----------------------------------------------------------------------------------

FIELDS = ("text", "responsible", "timeline", "followup")
SECTION_FIELD = "section"
#: Header words, compared on the cell's first word without a trailing colon.
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "text": ("aktivitet", "aktiviteter"),
    "responsible": ("ansvarig", "ansvariga"),
    "timeline": ("tidplan", "tidsplan"),
    "followup": ("uppföljning",),
    SECTION_FIELD: ("avsnitt", "sektion"),
}
#: Words every section title shares, which tell no section from another.
_COMMON_WORDS = frozenset({"aktiviteter", "aktivitet", "och", "eller", "av", "arbete", "om"})
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """White space collapsed to single spaces, none at the ends."""
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


_SECTION_WORDS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (code, frozenset(_words(title)) - _COMMON_WORDS) for code, title in STANDARD_SECTIONS
)


def section_code(heading: str) -> str | None:
    """The standard section a heading names by its words, or None (ambiguous or none).

    "Förebyggande arbete" and "Förebyggande aktiviteter:" are FOREBYGGANDE; "Tidig
    upptäckt" or "Avhopparverksamhet" name no section (a sub-heading inside one).
    """
    words = set(_words(heading))
    scores = [(len(words & names), code) for code, names in _SECTION_WORDS]
    best = max(score for score, _code in scores)
    winners = [code for score, code in scores if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _header_field(cell: str) -> str | None:
    words = _words(cell)
    if not words:
        return None
    for field, names in _HEADER_WORDS.items():
        if words[0] in names:
            return field
    return None


def _header(row: Sequence[str], wanted: Sequence[str]) -> dict[str, int] | None:
    """Column index per field if ``row`` is a header row holding every ``wanted`` field."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        field = _header_field(cell)
        if field is not None and field not in columns:
            columns[field] = index
    return columns if all(field in columns for field in wanted) else None


def _looks_like_header(row: Sequence[str]) -> bool:
    """A row that names an activity column, whatever the others are."""
    return any(_header_field(cell) == "text" for cell in row)


# --- tables ----------------------------------------------------------------------------------

_CONTINUING_END = (",", ";", "-", "–", "/", "(", "&")


def _continues(previous: ActivityDraft, text: str) -> bool:
    """Whether ``text`` (a row with only its first cell) carries on the previous row's text.

    Documents converted from PDF split a long cell at the page break into a second row
    whose other cells are empty and whose text starts in lower case or mid-sentence.
    """
    first = text[0]
    return first.islower() or not first.isalnum() or previous.text.endswith(_CONTINUING_END)


@dataclass(frozen=True)
class _Table:
    """One table (or sheet) of plain cell texts, with what section it stands under."""

    rows: tuple[tuple[str, ...], ...]
    section: str | None = None


def _cell(row: Sequence[str], index: int | None) -> str:
    return normalise(row[index]) if index is not None and index < len(row) else ""


def _activities(
    rows: Iterable[Sequence[str]], columns: dict[str, int]
) -> Iterator[tuple[int, str, ActivityDraft]]:
    """(row number, section cell, activity) of every activity row, continuations joined."""
    pending: tuple[int, str, ActivityDraft] | None = None
    for number, row in enumerate(rows, start=1):
        text, responsible, timeline, followup = (_cell(row, columns[f]) for f in FIELDS)
        section = _cell(row, columns.get(SECTION_FIELD))
        if not (text or responsible or timeline or followup):
            continue
        rest_empty = not (responsible or timeline or followup or section)
        if pending is not None and text and rest_empty and _continues(pending[2], text):
            at, in_section, activity = pending
            joined = ActivityDraft(
                f"{activity.text} {text}",
                activity.responsible,
                activity.timeline,
                activity.followup,
            )
            pending = (at, in_section, joined)
            continue
        if pending is not None:
            yield pending
        pending = (number, section, ActivityDraft(text, responsible, timeline, followup))
    if pending is not None:
        yield pending


def _collect(tables: Sequence[_Table], spreadsheet: bool) -> dict[str, list[ActivityDraft]]:
    """The activities per section code of every activity table; other tables left alone."""
    wanted = (*FIELDS, SECTION_FIELD) if spreadsheet else FIELDS
    found: dict[str, list[ActivityDraft]] = {code: [] for code, _title in STANDARD_SECTIONS}
    any_table = False
    near_miss = False
    for table in tables:
        start, columns = next(
            (
                (index, header)
                for index, row in enumerate(table.rows)
                if (header := _header(row, wanted)) is not None
            ),
            (0, None),
        )
        if columns is None:
            near_miss = near_miss or any(_looks_like_header(row) for row in table.rows)
            continue
        any_table = True
        if not spreadsheet and table.section is None:
            raise TableWithoutSection()
        current = table.section
        for number, section, activity in _activities(table.rows[start + 1 :], columns):
            if spreadsheet and section:
                current = section_code(section)
                if current is None:
                    raise UnknownPlanSection(row=start + 1 + number)
            if current is None:
                raise UnknownPlanSection(row=start + 1 + number)
            found[current].append(activity)
    if not any_table:
        raise WrongPlanColumns() if near_miss else NoActivityTable()
    return found


# --- files -----------------------------------------------------------------------------------


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PlanFileDamaged() from exc
    if size > MAX_PLAN_BYTES:
        raise PlanFileTooLarge()


def _check_zip(path: Path) -> None:
    """Refuse an OLE file (encrypted), a file that is no zip, and a zip bomb, unparsed."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(OLE_MAGIC))
        if head == OLE_MAGIC:
            raise PlanFileEncrypted()
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise PlanFileDamaged() from exc
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise PlanFileTooLarge()


def _docx_tables(path: Path) -> tuple[list[_Table], str]:
    """The document's tables in order, each with the section of the heading above it."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    tables: list[_Table] = []
    section: str | None = None
    title = ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            style = (block.style.name if block.style is not None else "") or ""
            text = normalise(block.text)
            if style.casefold() == "title" and not title:
                title = text
            if text and style.casefold().startswith(("heading", "rubrik")):
                section = section_code(text) or section
        elif isinstance(block, Table):
            rows = tuple(tuple(cell.text for cell in row.cells) for row in block.rows)
            tables.append(_Table(rows, section))
    return tables, title or normalise(document.core_properties.title or "")


def _xlsx_tables(path: Path) -> list[_Table]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [
            _Table(
                tuple(tuple(_value(v) for v in row) for row in sheet.iter_rows(values_only=True))
            )
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def _value(value: object) -> str:
    """A spreadsheet cell as the plan writes it: 2021, not 2021.0; dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _csv_tables(path: Path) -> list[_Table]:
    """Swedish Excel's CSV (semicolons, UTF-8 with BOM, CRLF), or with commas or tabs."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's older "CSV (semikolon)"
    tables = []
    for delimiter in (";", ",", "\t"):
        try:
            rows = tuple(tuple(row) for row in csv.reader(text.splitlines(), delimiter=delimiter))
        except csv.Error as exc:
            raise PlanFileDamaged() from exc
        table = _Table(rows)
        if any(_header(row, (*FIELDS, SECTION_FIELD)) for row in rows):
            return [table]
        tables.append(table)
    return tables


def read_plan(path: Path, year: int, district: str, title: str = "") -> PlanDraft:
    """Last year's plan in ``path`` (.docx, .xlsx or .csv) as a draft for ``year``.

    The draft has the four standard sections in their order, each with the activities of
    the tables under its heading (or of its rows, in a spreadsheet). ``title`` defaults to
    the Word document's title. Raises a ``PlanFileRefused`` subclass; never writes.
    """
    suffix = path.suffix.casefold()
    if suffix not in SUFFIXES:
        raise UnsupportedPlanFile()
    _check_size(path)
    found_title = ""
    try:
        if suffix == ".csv":
            tables = _csv_tables(path)
        else:
            _check_zip(path)
            if suffix == ".docx":
                tables, found_title = _docx_tables(path)
            else:
                tables = _xlsx_tables(path)
    except PlanFileRefused:
        raise
    except Exception as exc:  # python-docx, openpyxl and lxml raise many kinds on bad input
        raise PlanFileDamaged() from exc
    found = _collect(tables, spreadsheet=suffix != ".docx")
    return PlanDraft(
        year=year,
        title=title or found_title,
        district=district,
        sections=tuple(
            SectionDraft(code, name, tuple(found[code])) for code, name in STANDARD_SECTIONS
        ),
    )


def review_text(draft: PlanDraft) -> str:
    """What saving ``draft`` would store: its sections with their counts and activities."""
    total = sum(len(section.activities) for section in draft.sections)
    lines = [
        _("Plan {year}: {title}").format(year=draft.year, title=draft.title or "–"),
        ngettext("{n} activity in {s} sections", "{n} activities in {s} sections", total).format(
            n=total, s=len(draft.sections)
        ),
    ]
    labels = (_("Responsible"), _("Timeline"), _("Follow-up"))
    for section in draft.sections:
        count = len(section.activities)
        lines.append("")
        lines.append(
            ngettext("{title} ({n} activity)", "{title} ({n} activities)", count).format(
                title=section.title, n=count
            )
        )
        for number, activity in enumerate(section.activities, start=1):
            lines.append(f"  {number}. {activity.text}")
            cells = (activity.responsible, activity.timeline, activity.followup)
            lines.extend(
                f"     {label}: {value or '–'}" for label, value in zip(labels, cells, strict=True)
            )
    return "\n".join(lines)
