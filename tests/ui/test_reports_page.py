"""The Rapporter page over the demo vault: build, preview, notice, save, print, export, analysis."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from vbedesk.demo import plan_2021
from vbedesk.reports.catalog import Kind
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.disclosure_notice import DisclosureNoticeDialog
from vbedesk.ui.pages.reports import ReportsPage
from vbedesk.ui.pages.reports_presenter import ANALYSIS_DRAFT

WINDOW = (1280, 800)
#: A valid personnummer (check digit right): what the guard must flag.
PERSONNUMMER = "19811218-9876"


@pytest.fixture
def page(qtbot: QtBot, demo: VaultService) -> ReportsPage:
    page = ReportsPage(demo)
    qtbot.addWidget(page)
    page.resize(*WINDOW)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    return page


def _generate(qtbot: QtBot, page: ReportsPage) -> PdfReader:
    with qtbot.waitSignal(page.preview_ready, timeout=60_000):
        assert page.generate() is not None
    assert page.output is not None and page.output.file_kind == "pdf"
    return PdfReader(io.BytesIO(page.output.data))


def _text(reader: PdfReader) -> str:
    return "\n".join(p.extract_text() for p in reader.pages)


def _answer_notice(
    qtbot: QtBot, page: ReportsPage, recipient: str = "", purpose: str = "", *, accept: bool = True
) -> None:
    notice = page.notice
    assert isinstance(notice, DisclosureNoticeDialog) and notice.isVisible()
    assert "encryption" in notice.notice.text()
    notice.recipient_edit.setText(recipient)
    notice.purpose_edit.setText(purpose)
    if accept:
        notice.continue_button.click()
    else:
        notice.reject()
    assert page.notice is None


def _choose_file(qtbot: QtBot, page: ReportsPage, path: Path) -> None:
    dialog = page.file_dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    dialog.fileSelected.emit(str(path))  # what the dialog emits when the user picks a name
    dialog.close()


def test_the_page_is_in_the_navigation_after_lagesbild() -> None:
    from vbedesk.ui.main_window import OPTIONAL_PAGES

    names = [module for module, _cls in OPTIONAL_PAGES]
    assert names.index("reports") == names.index("contacts") - 1
    if "situation" in names:
        assert names.index("reports") == names.index("situation") + 1


def test_followup_report_from_the_page_has_every_activity(qtbot: QtBot, page: ReportsPage) -> None:
    page.set_kind(Kind.FOLLOWUP)
    page.view.period_year_spin.setValue(2021)
    page.view.period_kind_combo.setCurrentIndex(page.view.period_kind_combo.findData("VB"))
    reader = _generate(qtbot, page)
    text = " ".join(_text(reader).split())
    plan = plan_2021()
    activities = [a for section in plan.sections for a in section.activities]
    assert len(activities) == 16
    for activity in activities:
        assert " ".join(activity.text.split()) in text, activity.text[:40]
    assert "VB 2021" in text
    assert page.view.preview.page_count() == len(reader.pages) >= 1
    assert page.view.save_button.isEnabled() and page.view.print_button.isEnabled()
    # Nothing has left the vault by building a preview.
    assert page.service.disclosures.all() == []


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Kind.LAGESBILD, "2021"),
        (Kind.TRAINING, "Training status"),
        (Kind.INCIDENT, "Incident 1"),
        (Kind.BLANK_FORM, "personnummer"),
    ],
)
def test_each_report_is_built_and_previewed(
    qtbot: QtBot, page: ReportsPage, kind: Kind, expected: str
) -> None:
    page.set_kind(kind)
    page.view.year_spin.setValue(2021)
    page.view.incident_spin.setValue(1)
    reader = _generate(qtbot, page)
    assert expected in _text(reader)
    assert page.view.preview.page_count() == len(reader.pages)


def test_a_missing_plan_is_a_clear_message_and_no_preview(qtbot: QtBot, page: ReportsPage) -> None:
    page.set_kind(Kind.FOLLOWUP)
    page.view.period_year_spin.setValue(2030)
    task = page.generate()
    assert task is not None
    qtbot.waitUntil(lambda: task.is_finished, timeout=30_000)
    assert "There is no action plan for 2030" in page.view.status.text()
    assert page.output is None and not page.view.save_button.isEnabled()


def test_save_as_shows_the_notice_and_records_recipient_and_purpose(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path
) -> None:
    page.set_kind(Kind.TRAINING)
    _generate(qtbot, page)
    assert page.save_as() is not None
    _answer_notice(qtbot, page, "Nämnden", "Uppföljning T1")
    target = tmp_path / "utbildning.pdf"
    with qtbot.waitSignal(page.disclosed, timeout=30_000):
        _choose_file(qtbot, page, target)
    assert target.read_bytes() == page.output.data if page.output else False
    assert "Training status" in _text(PdfReader(target))
    register = page.service.disclosures.all()
    assert len(register) == 1
    entry = register[0]
    assert (entry.kind, entry.recipient, entry.purpose) == ("pdf", "Nämnden", "Uppföljning T1")
    assert entry.path == str(target.resolve()) and entry.title == "Training status"
    # ... and the register on the page lists it.
    assert page.register_model.rowCount() == 1
    assert page.register_model.text(0, page.register_model.COL_RECIPIENT) == "Nämnden"
    assert page.register_model.text(0, page.register_model.COL_WHERE) == str(target.resolve())
    assert "disclosure register" in page.view.status.text()


def test_cancelling_the_notice_writes_and_records_nothing(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path
) -> None:
    page.set_kind(Kind.TRAINING)
    _generate(qtbot, page)
    page.save_as()
    _answer_notice(qtbot, page, "Someone", accept=False)
    assert page.file_dialog is None
    assert list(tmp_path.glob("*.pdf")) == []
    assert page.service.disclosures.all() == []
    assert "nothing was written" in page.view.status.text()


def test_an_existing_file_is_never_overwritten(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path
) -> None:
    target = tmp_path / "taken.pdf"
    target.write_bytes(b"mine")
    page.set_kind(Kind.TRAINING)
    _generate(qtbot, page)
    page.save_as()
    _answer_notice(qtbot, page)
    _choose_file(qtbot, page, target)
    assert page.task is not None
    qtbot.waitUntil(lambda: page.task is not None and page.task.is_finished, timeout=30_000)
    assert target.read_bytes() == b"mine"
    assert "already a file called taken.pdf" in page.view.status.text()
    assert page.service.disclosures.all() == []


def test_print_goes_through_the_notice_and_the_print_dialog(
    qtbot: QtBot, page: ReportsPage
) -> None:
    page.set_kind(Kind.TRAINING)
    _generate(qtbot, page)
    page.print_report()
    _answer_notice(qtbot, page)
    dialog = page.print_dialog
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible()
    dialog.reject()
    assert "nothing was printed" in page.view.status.text()
    assert page.service.disclosures.all() == []


def test_print_to_a_pdf_printer_prints_every_page_and_records_it(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path
) -> None:
    page.set_kind(Kind.FOLLOWUP)
    page.view.period_year_spin.setValue(2021)
    reader = _generate(qtbot, page)
    assert page.output is not None
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(page.disclosed, timeout=60_000):
        page.print_to(printer, page.output, "Nämnden", "Tryck")
    printed = PdfReader(out)
    assert len(printed.pages) == len(reader.pages)
    entry = page.service.disclosures.all()[-1]
    assert (entry.kind, entry.path, entry.recipient, entry.purpose) == (
        "print",
        str(out),
        "Nämnden",
        "Tryck",
    )


def test_statistics_export_opens_back_with_openpyxl(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path
) -> None:
    page.set_kind(Kind.LAGESBILD)
    page.view.year_spin.setValue(2021)
    assert page.view.export_button.isEnabled()
    page.export()
    _answer_notice(qtbot, page, "Central samordnare", "Årlig sammanställning")
    target = tmp_path / "statistik.xlsx"
    with qtbot.waitSignal(page.disclosed, timeout=60_000):
        _choose_file(qtbot, page, target)
    book = load_workbook(target, read_only=True)
    assert "info" in book.sheetnames and len(book.sheetnames) > 1
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert "2021" in " ".join(cells)
    entry = page.service.disclosures.all()[-1]
    assert (entry.kind, entry.recipient) == ("xlsx", "Central samordnare")


def test_followup_export_as_xlsx_and_as_csv(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path
) -> None:
    page.set_kind(Kind.FOLLOWUP)
    page.view.period_year_spin.setValue(2021)
    first = plan_2021().sections[0].activities[0].text
    for name in ("uppfoljning.xlsx", "uppfoljning.csv"):
        page.export()
        _answer_notice(qtbot, page)
        with qtbot.waitSignal(page.disclosed, timeout=60_000):
            _choose_file(qtbot, page, tmp_path / name)
    book = load_workbook(tmp_path / "uppfoljning.xlsx", read_only=True)
    values = [v for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v]
    assert first in values
    assert first.split("\n")[0] in (tmp_path / "uppfoljning.csv").read_text(encoding="utf-8-sig")
    assert [d.kind for d in page.service.disclosures.all()] == ["xlsx", "csv"]


def test_the_analysis_is_saved_and_printed_in_the_lagesbild(
    qtbot: QtBot, page: ReportsPage
) -> None:
    page.set_kind(Kind.LAGESBILD)
    page.view.year_spin.setValue(2021)
    assert page.view.analysis_box.isVisible()
    text = "Klotter ökade i Vällingby centrum under hösten; samverkan med fastighetsägare."
    page.view.analysis.edit.setPlainText(text)
    assert page.analysis_dirty()
    assert page.save_analysis()
    assert page.service.situation.analysis(2021) == text
    reader = _generate(qtbot, page)
    assert "Klotter ökade i Vällingby centrum" in " ".join(_text(reader).split())


def test_unsaved_analysis_is_saved_before_the_preview(qtbot: QtBot, page: ReportsPage) -> None:
    page.set_kind(Kind.LAGESBILD)
    page.view.year_spin.setValue(2021)
    page.view.analysis.edit.setPlainText("Lugnt år för skolorna i Råcksta.")
    reader = _generate(qtbot, page)
    assert page.service.situation.analysis(2021) == "Lugnt år för skolorna i Råcksta."
    assert "Lugnt år för skolorna i Råcksta." in _text(reader)


def test_a_personnummer_in_the_analysis_is_flagged_and_not_saved(
    qtbot: QtBot, page: ReportsPage
) -> None:
    page.set_kind(Kind.LAGESBILD)
    page.view.year_spin.setValue(2021)
    page.view.analysis.edit.setPlainText(f"Gäller {PERSONNUMMER} i Grimsta.")
    page.view.analysis.edit.rescan()
    assert any(f.blocking for f in page.view.analysis.edit.findings())
    assert "personnummer" in page.view.analysis.explanation_text().lower()
    assert PERSONNUMMER not in page.view.analysis.explanation_text()
    assert not page.save_analysis()
    assert page.service.situation.analysis(2021) == ""
    box = page.save_anyway_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert page.service.situation.analysis(2021) == ""
    # Building the preview does not sneak it out either.
    assert page.generate() is None
    assert page.output is None


def test_save_anyway_keeps_a_flagged_analysis(qtbot: QtBot, page: ReportsPage) -> None:
    page.set_kind(Kind.LAGESBILD)
    page.view.year_spin.setValue(2021)
    page.view.analysis.edit.setPlainText(f"Gäller {PERSONNUMMER}.")
    page.save_analysis()
    box = page.save_anyway_box
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert page.service.situation.analysis(2021) == f"Gäller {PERSONNUMMER}."


def test_unsaved_analysis_becomes_a_draft_and_comes_back(
    qtbot: QtBot, page: ReportsPage, demo: VaultService
) -> None:
    page.set_kind(Kind.LAGESBILD)
    page.view.year_spin.setValue(2021)
    page.view.analysis.edit.setPlainText("Halvfärdig text")
    page.save_draft()  # what the lock asks for
    assert [d.ref for d in demo.drafts.all(ANALYSIS_DRAFT)] == ["2021"]
    again = ReportsPage(demo)
    qtbot.addWidget(again)
    again.view.year_spin.setValue(2021)
    again.refresh()
    assert again.view.analysis.text() == "Halvfärdig text"
    assert "draft" in again.view.analysis_status.text()
    assert demo.situation.analysis(2021) == ""
