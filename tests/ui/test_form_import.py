"""Filled-in forms into Händelser: dropped or chosen, reviewed, saved, skipped or rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from tests.test_form import BAD_FILES, FULL, filled
from vbedesk.formimport import Imported, NeedsReview, Ready, Rejected, Skipped
from vbedesk.reports.form import build_blank_form
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.form_import import FormImportDialog, ImportModel
from vbedesk.ui.pages.incidents import IncidentsPage

WINDOW = (1280, 800)


@pytest.fixture
def page(qtbot: QtBot, demo: VaultService) -> IncidentsPage:
    page = IncidentsPage(demo)
    page._draft_offered = True  # no draft question in these tests
    qtbot.addWidget(page)
    page.resize(*WINDOW)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture(scope="module")
def blank() -> bytes:
    from vbedesk.taxonomy import load_taxonomies

    return build_blank_form(load_taxonomies(), "sv")


def _drop(page: IncidentsPage, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(20, 20),  # Qt 6 takes a QPoint here and a QPointF for the drop
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(page, drop)


def _review(qtbot: QtBot, page: IncidentsPage, paths: list[Path]) -> FormImportDialog:
    _drop(page, paths)
    qtbot.waitUntil(lambda: page.import_dialog is not None, timeout=30_000)
    dialog = page.import_dialog
    assert isinstance(dialog, FormImportDialog) and dialog.isVisible()
    return dialog


def _import(qtbot: QtBot, dialog: FormImportDialog) -> list[int]:
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as signal:
        dialog.import_button.click()
    ids = signal.args[0]
    assert isinstance(ids, list)
    return ids


def _cell(dialog: FormImportDialog, row: int, column: int) -> str:
    return dialog.model.text(row, column)


def test_a_dropped_form_is_reviewed_then_saved_and_shown(
    qtbot: QtBot, page: IncidentsPage, demo: VaultService, blank: bytes, tmp_path: Path
) -> None:
    before = demo.incidents.count()
    form = tmp_path / "fritid.pdf"
    form.write_bytes(filled(blank))
    dialog = _review(qtbot, page, [form])
    # Read and checked, but nothing saved yet.
    assert demo.incidents.count() == before
    assert isinstance(dialog.items()[0].result, Ready)
    assert _cell(dialog, 0, ImportModel.COL_OUTCOME) == "Ready to import"
    dialog.show_item(0)
    shown = dialog.description.toPlainText()
    assert shown == FULL["description"]
    organisation = [
        dialog.fields.itemAt(r, dialog.fields.ItemRole.FieldRole).widget().text()  # type: ignore[union-attr]
        for r in range(dialog.fields.rowCount())
    ]
    assert "Nordiska motståndsrörelsen" in organisation and "Råcksta" in organisation
    assert dialog.import_button.isEnabled()

    ids = _import(qtbot, dialog)
    assert len(ids) == 1 and demo.incidents.count() == before + 1
    assert _cell(dialog, 0, ImportModel.COL_OUTCOME) == "Imported"
    assert demo.incidents.get(ids[0]).description == FULL["description"]
    # The table shows the new incident, selected (once its row has arrived).
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    assert page.selected_id() == ids[0]


def test_the_same_file_again_is_skipped(
    qtbot: QtBot, page: IncidentsPage, demo: VaultService, blank: bytes, tmp_path: Path
) -> None:
    form = tmp_path / "a.pdf"
    form.write_bytes(filled(blank))
    dialog = _review(qtbot, page, [form])
    _import(qtbot, dialog)
    dialog.close()
    qtbot.waitUntil(lambda: page.import_dialog is None)
    count = demo.incidents.count()
    copy = tmp_path / "copy-of-a.pdf"
    copy.write_bytes(form.read_bytes())
    again = _review(qtbot, page, [copy])
    assert isinstance(again.items()[0].result, Skipped)
    assert _cell(again, 0, ImportModel.COL_OUTCOME) == "Skipped"
    assert "Already imported" in _cell(again, 0, ImportModel.COL_DETAIL)
    assert not again.import_button.isEnabled()
    assert "1 skipped (already imported)" in again.summary.text()
    assert demo.incidents.count() == count


@pytest.mark.parametrize("case", ["not a PDF", "truncated PDF", "encrypted PDF", "oversized file"])
def test_a_bad_file_is_rejected_with_its_reason_and_nothing_saved(
    qtbot: QtBot,
    page: IncidentsPage,
    demo: VaultService,
    blank: bytes,
    tmp_path: Path,
    case: str,
) -> None:
    make, reason, words = BAD_FILES[case]
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(make(filled(blank)))
    before = demo.incidents.count()
    audit_before = len(demo.audit_entries(10_000))
    dialog = _review(qtbot, page, [bad])
    result = dialog.items()[0].result
    assert isinstance(result, Rejected) and result.reason == reason
    assert _cell(dialog, 0, ImportModel.COL_OUTCOME) == "Rejected"
    assert words in _cell(dialog, 0, ImportModel.COL_DETAIL)
    assert not dialog.import_button.isEnabled()
    assert dialog.import_now() is None
    assert demo.incidents.count() == before
    assert len(demo.audit_entries(10_000)) == audit_before


def test_good_and_bad_files_together(
    qtbot: QtBot, page: IncidentsPage, demo: VaultService, blank: bytes, tmp_path: Path
) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(filled(blank))
    text = tmp_path / "notes.txt"
    text.write_text("Händelse;datum\n", encoding="utf-8")
    folder = tmp_path / "a-folder.pdf"
    folder.mkdir()
    dialog = _review(qtbot, page, [good, text, folder])
    outcomes = [_cell(dialog, r, ImportModel.COL_OUTCOME) for r in range(3)]
    assert outcomes == ["Ready to import", "Rejected", "Rejected"]
    assert "not a PDF" in _cell(dialog, 1, ImportModel.COL_DETAIL)
    assert "cannot be read" in _cell(dialog, 2, ImportModel.COL_DETAIL)
    before = demo.incidents.count()
    assert len(_import(qtbot, dialog)) == 1
    assert demo.incidents.count() == before + 1


def test_a_personnummer_needs_review_and_is_saved_only_when_confirmed(
    qtbot: QtBot, page: IncidentsPage, demo: VaultService, blank: bytes, tmp_path: Path
) -> None:
    form = tmp_path / "flagged.pdf"
    form.write_bytes(filled(blank, description="Eleven har personnummer 19121212-1212."))
    dialog = _review(qtbot, page, [form])
    result = dialog.items()[0].result
    assert isinstance(result, NeedsReview)
    assert _cell(dialog, 0, ImportModel.COL_OUTCOME) == "Needs review"
    assert "1 possible personal identifier" in _cell(dialog, 0, ImportModel.COL_DETAIL)
    dialog.show_item(0)
    assert any(f.blocking for f in dialog.description.findings())
    assert "personnummer" in dialog.findings_label.text().lower()
    assert "19121212" not in dialog.findings_label.text()
    assert not dialog.import_button.isEnabled()  # left out until confirmed
    before = demo.incidents.count()

    dialog.choose_box.click()  # "import this file" → the save-anyway question
    box = dialog.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert not dialog.items()[0].chosen and not dialog.import_button.isEnabled()

    dialog.choose_box.click()
    box = dialog.confirm_box
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert dialog.items()[0].chosen
    ids = _import(qtbot, dialog)
    assert demo.incidents.count() == before + 1
    assert isinstance(dialog.items()[0].result, Imported)
    assert "19121212-1212" in demo.incidents.get(ids[0]).description
    actions = [(e.action, e.detail) for e in demo.audit_entries(3)]
    assert ("incident.import", "form,accepted-findings") in actions


def test_leaving_a_ready_file_out(
    qtbot: QtBot, page: IncidentsPage, demo: VaultService, blank: bytes, tmp_path: Path
) -> None:
    form = tmp_path / "a.pdf"
    form.write_bytes(filled(blank))
    dialog = _review(qtbot, page, [form])
    dialog.choose_box.click()  # uncheck
    assert _cell(dialog, 0, ImportModel.COL_OUTCOME) == "Left out"
    assert not dialog.import_button.isEnabled()
    before = demo.incidents.count()
    dialog.close_button.click()
    assert demo.incidents.count() == before


def test_the_import_button_opens_a_file_dialog_for_pdf_files(
    qtbot: QtBot, page: IncidentsPage, blank: bytes, tmp_path: Path
) -> None:
    form = tmp_path / "chosen.pdf"
    form.write_bytes(filled(blank))
    page.view.import_button.click()
    dialog = page.import_file_dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.fileMode() == QFileDialog.FileMode.ExistingFiles
    assert any("*.pdf" in f for f in dialog.nameFilters())
    dialog.filesSelected.emit([str(form)])
    dialog.close()
    qtbot.waitUntil(lambda: page.import_dialog is not None, timeout=30_000)
    assert page.import_dialog is not None
    assert page.import_dialog.items()[0].filename == "chosen.pdf"


def test_a_drag_without_local_files_is_refused(page: IncidentsPage) -> None:
    mime = QMimeData()
    mime.setText("Klistermärken vid torget")
    enter = QDragEnterEvent(
        QPoint(20, 20),  # Qt 6 takes a QPoint here and a QPointF for the drop
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(page, enter)
    assert not enter.isAccepted()
