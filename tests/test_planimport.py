"""Import of last year's plan: the 2021 plan as Word, Excel and CSV, and every refusal."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest

from tests.paths import PLAN_2021
from vbedesk import demo
from vbedesk.planimport import (
    MAX_PLAN_BYTES,
    NoActivityTable,
    PlanFileDamaged,
    PlanFileEncrypted,
    PlanFileRefused,
    PlanFileTooLarge,
    TableWithoutSection,
    UnknownPlanSection,
    UnsupportedPlanFile,
    WrongPlanColumns,
    read_plan,
    review_text,
    section_code,
)
from vbedesk.plans import PlanDraft

HEADER = ("Aktivitet", "Ansvarig enhetschef", "Tidplan", "Uppföljning")
DISTRICT = "Hässelby-Vällingby"


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    rows: list[list[str]]


Block = Heading | Paragraph | Table


def _clean(text: str) -> str:
    return re.sub(r"</?[bi]>|</?sup>|\*\*|^\*|\*$", "", text).strip()


def plan_blocks() -> list[Block]:
    """The 2021 plan's text file as headings, paragraphs and tables (tab-separated lines).

    Blank lines inside a table do not end it: the plan's PDF page break leaves one there.
    """
    blocks: list[Block] = []
    for line in PLAN_2021.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            cells = [_clean(cell) for cell in line.split("\t")]
            if blocks and isinstance(blocks[-1], Table):
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Table([cells]))
        elif heading := re.match(r"^(#+)\s*(.*)$", line):
            blocks.append(Heading(min(len(heading.group(1)), 9), _clean(heading.group(2))))
        elif line.strip() and line.strip() != "---":
            blocks.append(Paragraph(_clean(line)))
    return blocks


def write_docx(path: Path, blocks: Sequence[Block]) -> Path:
    document = docx.Document()
    document.add_heading("Handlingsplan mot våldsbejakande extremism 2021", level=0)
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        else:
            width = max(len(row) for row in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            for row, cells in zip(table.rows, block.rows, strict=True):
                for cell, text in zip(row.cells, cells, strict=False):
                    cell.text = text
    document.save(str(path))
    return path


def expected() -> tuple[PlanDraft, int]:
    plan = demo.plan_2021()
    return plan, sum(len(section.activities) for section in plan.sections)


def assert_is_the_2021_plan(draft: PlanDraft) -> None:
    plan, count = expected()
    assert count == 16
    assert [s.code for s in draft.sections] == [s.code for s in plan.sections]
    assert [len(s.activities) for s in draft.sections] == [7, 5, 2, 2]
    # Every cell exactly as in the plan (the demo holds the same tables, cell for cell).
    assert draft.sections == plan.sections
    empty = [a for s in draft.sections for a in s.activities if not a.timeline]
    assert len(empty) == 1
    assert empty[0].text.startswith("Alla medarbetare inom vuxenenheten")
    assert empty[0].responsible == "Bitr. enhetschef Arbete och välfärd och vuxenenheten."
    assert empty[0].followup == ""


def test_the_2021_plan_from_word(tmp_path: Path) -> None:
    # The file as converted from the PDF: the föreningsbidrag row is split at the page break.
    blocks = plan_blocks()
    tables = [b for b in blocks if isinstance(b, Table)]
    assert any(row[0].startswith("uthyrning av lokaler") for t in tables for row in t.rows)
    path = write_docx(tmp_path / "plan.docx", blocks)
    before = path.read_bytes()
    draft = read_plan(path, year=2022, district=DISTRICT)
    assert_is_the_2021_plan(draft)
    assert (draft.year, draft.district) == (2022, DISTRICT)
    assert draft.title == "Handlingsplan mot våldsbejakande extremism 2021"
    assert path.read_bytes() == before


def test_a_continuation_row_is_joined_to_the_row_above(tmp_path: Path) -> None:
    blocks = plan_blocks()
    table = next(b for b in blocks if isinstance(b, Table) and b.rows[1][0].startswith("Fält"))
    text, *rest = table.rows[1]
    cut = text.index(" för de som vill")
    table.rows[1:2] = [[text[:cut], *rest], [text[cut + 1 :], "", "", ""]]
    draft = read_plan(write_docx(tmp_path / "plan.docx", blocks), 2022, DISTRICT)
    assert_is_the_2021_plan(draft)


def test_a_row_of_its_own_is_not_joined(tmp_path: Path) -> None:
    blocks: list[Block] = [
        Heading(1, "Förebyggande aktiviteter"),
        Table([list(HEADER), ["Vuxenvandringar.", "", "", ""], ["Hembesök", "", "", ""]]),
    ]
    draft = read_plan(write_docx(tmp_path / "plan.docx", blocks), 2022, DISTRICT)
    assert [a.text for a in draft.sections[0].activities] == ["Vuxenvandringar.", "Hembesök"]


def test_a_sub_heading_inside_a_section_starts_no_new_section(tmp_path: Path) -> None:
    blocks = plan_blocks()
    index, table = next(
        (i, b) for i, b in enumerate(blocks) if isinstance(b, Table) and "Preventions" in str(b)
    )
    # The table split in two under a sub-heading of the highest level, header repeated,
    # and a title row above the second header (recognised by its words, not its place).
    first, second = Table(table.rows[:4]), Table([["Fritid", "", "", ""], *table.rows[:1]])
    second.rows.extend(table.rows[4:])
    blocks[index : index + 1] = [first, Heading(1, "Fritid och skolor"), second]
    draft = read_plan(write_docx(tmp_path / "plan.docx", blocks), 2022, DISTRICT)
    assert_is_the_2021_plan(draft)


def test_headings_map_to_the_standard_sections_by_their_words() -> None:
    assert section_code("Förebyggande arbete") == "FOREBYGGANDE"
    assert section_code("Förhindrande aktiviteter:") == "FORHINDRANDE"
    assert section_code("Föreningsbidrag och upplåtande av lokaler") == "FORENINGSBIDRAG_LOKALER"
    assert section_code("Kompetenshöjande insatser inom förvaltningen") == "KOMPETENSHOJANDE"
    assert section_code("Tidig upptäckt") is None
    assert section_code("Uppföljning") is None
    assert section_code("Förebyggande och förhindrande arbete") is None


def spreadsheet_rows() -> list[list[str]]:
    plan, _count = expected()
    rows = [["Avsnitt", *HEADER]]
    for section in plan.sections:
        for activity in section.activities:
            rows.append(
                [
                    section.title,
                    activity.text,
                    activity.responsible,
                    activity.timeline,
                    activity.followup,
                ]
            )
    return rows


def test_the_2021_plan_from_excel(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Handlingsplan 2021"])
    sheet.append([])
    for row in spreadsheet_rows():
        # Excel keeps a year typed into a cell as a number.
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in row])
    other = workbook.create_sheet("Kontakter")
    other.append(["Namn", "Telefon"])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    assert_is_the_2021_plan(read_plan(path, 2022, DISTRICT))


#: Section names as a coordinator types them in a spreadsheet.
SHORT = {
    "Förebyggande aktiviteter": "Förebyggande",
    "Förhindrande aktiviteter": "förhindrande arbete",
    "Aktiviteter föreningsbidrag och upplåtande av lokaler eller öppna rum": "Föreningsbidrag",
    "Kompetenshöjande aktiviteter": "KOMPETENSHÖJANDE",
}


@pytest.mark.parametrize("delimiter", [";", ","])
def test_the_2021_plan_from_csv_as_swedish_excel_writes_it(tmp_path: Path, delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    rows = spreadsheet_rows()
    writer.writerows(rows[:1])
    previous = ""
    for row in rows[1:]:
        # A section named once, on its first row, as a coordinator types it.
        writer.writerow(["" if row[0] == previous else SHORT[row[0]], *row[1:]])
        previous = row[0]
    path = tmp_path / "plan.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbfAvsnitt" + delimiter.encode())
    assert_is_the_2021_plan(read_plan(path, 2022, DISTRICT))


def test_a_csv_row_of_an_unknown_section_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Avsnitt;" + ";".join(HEADER) + "\r\nLägesbild;Något;;;\r\n", "utf-8-sig")
    with pytest.raises(UnknownPlanSection) as refused:
        read_plan(path, 2022, DISTRICT)
    assert str(refused.value).startswith("Row 2: the section is none of the plan's four")


def test_the_review_shows_what_will_be_saved(tmp_path: Path) -> None:
    draft = read_plan(write_docx(tmp_path / "plan.docx", plan_blocks()), 2022, DISTRICT)
    text = review_text(draft)
    lines = text.splitlines()
    assert lines[:2] == [
        "Plan 2022: Handlingsplan mot våldsbejakande extremism 2021",
        "16 activities in 4 sections",
    ]
    assert "Förebyggande aktiviteter (7 activities)" in lines
    assert (
        "Aktiviteter föreningsbidrag och upplåtande av lokaler eller öppna rum (2 activities)"
        in lines
    )
    assert "  5. Vuxenvandringar i samverkan med civilsamhället" in lines
    at = lines.index(
        "  4. Alla medarbetare inom vuxenenheten och försörjningsstödsenheten "
        "(Arbete och välfärd) utbildas inom Våldsbejakande extremism (webbutbildning)"
    )
    assert lines[at + 1 : at + 4] == [
        "     Responsible: Bitr. enhetschef Arbete och välfärd och vuxenenheten.",
        "     Timeline: –",
        "     Follow-up: –",
    ]


# --- refusals ----------------------------------------------------------------------------


def refused(path: Path) -> PlanFileRefused:
    before = path.read_bytes()
    with pytest.raises(PlanFileRefused) as caught:
        read_plan(path, 2022, DISTRICT)
    assert path.read_bytes() == before
    return caught.value


def test_a_word_file_without_tables_is_refused(tmp_path: Path) -> None:
    blocks = [b for b in plan_blocks() if not isinstance(b, Table)]
    error = refused(write_docx(tmp_path / "plan.docx", blocks))
    assert isinstance(error, NoActivityTable)
    assert str(error).startswith("The file has no activity table")


def test_a_word_file_with_other_columns_is_refused(tmp_path: Path) -> None:
    blocks: list[Block] = [
        Heading(2, "Förebyggande aktiviteter"),
        Table([["Aktivitet", "Datum", "Kommentar"], ["Vuxenvandring", "2021-05-03", "Klar"]]),
    ]
    error = refused(write_docx(tmp_path / "plan.docx", blocks))
    assert isinstance(error, WrongPlanColumns)
    assert "Aktivitet, Ansvarig enhetschef, Tidplan and Uppföljning" in str(error)


def test_an_activity_table_under_no_section_heading_is_refused(tmp_path: Path) -> None:
    blocks: list[Block] = [Heading(1, "Inledning"), Table([list(HEADER), ["A", "B", "C", "D"]])]
    assert isinstance(refused(write_docx(tmp_path / "plan.docx", blocks)), TableWithoutSection)


def test_an_encrypted_word_file_is_refused(tmp_path: Path) -> None:
    # Word saves a password-protected .docx as an OLE compound file, not as a zip.
    path = tmp_path / "plan.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    error = refused(path)
    assert isinstance(error, PlanFileEncrypted)
    assert "password" in str(error)


def test_a_truncated_word_file_is_refused(tmp_path: Path) -> None:
    whole = write_docx(tmp_path / "whole.docx", plan_blocks()).read_bytes()
    path = tmp_path / "plan.docx"
    path.write_bytes(whole[: len(whole) // 2])
    error = refused(path)
    assert isinstance(error, PlanFileDamaged)
    assert str(error) == "The file is damaged or incomplete; nothing was imported."


def test_a_20_mb_word_file_is_refused_unread(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "plan.docx", plan_blocks())
    with path.open("ab") as fh:
        fh.truncate(MAX_PLAN_BYTES + 1)
    assert path.stat().st_size > 20 * 1024 * 1024
    error = refused(path)
    assert isinstance(error, PlanFileTooLarge)
    assert "larger than 20 MB" in str(error)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(101 * 1024 * 1024))
    assert path.stat().st_size < MAX_PLAN_BYTES
    assert isinstance(refused(path), PlanFileTooLarge)


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert isinstance(refused(path), UnsupportedPlanFile)
