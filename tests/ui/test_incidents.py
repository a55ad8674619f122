"""The incidents page, the incident form and the guarded text field, driven as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE
from vbedesk.guard import FindingKind
from vbedesk.model import IncidentFilter
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.dialogs.incident_form import DRAFT_KIND, IncidentFormDialog
from vbedesk.ui.models.incident_table import IncidentTableModel
from vbedesk.ui.pages.incidents import IncidentsPage
from vbedesk.ui.widgets.fields import pydate
from vbedesk.ui.widgets.guarded_text import GuardedTextField

PAGE_SIZE = (1100, 720)
PNR = "811218-9876"


def _show(qtbot: QtBot, widget: QWidget, size: tuple[int, int] = PAGE_SIZE) -> None:
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)


def _settled(qtbot: QtBot, page: IncidentsPage) -> IncidentsPage:
    """Until the table's rows (read on the reads' thread) have arrived and are shown."""
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    return page


def _page(qtbot: QtBot, service: VaultService) -> IncidentsPage:
    page = IncidentsPage(service)
    _show(qtbot, page)
    page.refresh()
    return _settled(qtbot, page)


def _fill_required(form: IncidentFormDialog) -> None:
    form.view.environment.setCurrentIndex(form.view.environment.findData("HOGER"))
    item = form.view.incident_types.item(0)
    item.setCheckState(Qt.CheckState.Checked)
    form.view.area.setCurrentIndex(form.view.area.findData("VALLINGBY"))


def _type_description(qtbot: QtBot, form: IncidentFormDialog, text: str) -> None:
    """Text goes in as typing would (QTest types ASCII only, so the rest is inserted)."""
    edit = form.view.description.edit
    edit.setFocus()
    ascii_tail = text[len(text.rstrip("0123456789-. ")) :]
    edit.insertPlainText(text[: len(text) - len(ascii_tail)])
    qtbot.keyClicks(edit, ascii_tail)


def test_a_personnummer_is_caught_then_removed_saved_and_found(
    qtbot: QtBot, service: VaultService
) -> None:
    page = _page(qtbot, service)
    assert page.view.count_label.text() == "0 incidents"
    qtbot.mouseClick(page.view.new_button, Qt.MouseButton.LeftButton)
    form = page.form
    assert form is not None and form.isVisible()
    _fill_required(form)
    _type_description(qtbot, form, f"Klistermärken vid hållplatsen, lämnade av {PNR}")

    # The guard runs by itself shortly after typing stops.
    qtbot.waitUntil(lambda: bool(form.findings()), timeout=2000)
    [finding] = form.findings()
    assert finding.kind == FindingKind.PERSONNUMMER
    [selection] = form.view.description.edit.extraSelections()
    assert selection.cursor.selectedText() == PNR  # the highlight covers exactly the number
    explanation = form.view.description.explanation
    assert explanation.isVisible()
    assert "personal identity number" in explanation.text()
    assert f"Line 1, column {finding.column}" in explanation.text()
    assert PNR not in explanation.text()  # the value is never repeated

    qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    assert service.incidents.count() == 0
    assert form.isVisible()
    assert form.view.message.isVisible() and "personal identifiers" in form.view.message.text()
    assert PNR not in form.view.message.text()
    assert form.view.save_anyway_button.isVisible()

    # Remove the number: the highlight and the explanation go away.
    form.view.description.edit.setPlainText("Klistermärken vid hållplatsen.")
    qtbot.waitUntil(lambda: not form.findings(), timeout=2000)
    assert form.view.description.edit.extraSelections() == []
    assert not explanation.isVisible()

    with qtbot.waitSignal(form.saved) as saved:
        qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    incident_id = saved.args[0]
    assert not form.isVisible()
    stored = service.incidents.get(incident_id)
    assert stored.description == "Klistermärken vid hållplatsen."
    assert stored.environment == "HOGER" and stored.area == "VALLINGBY"
    assert service.drafts.all(DRAFT_KIND) == []

    # In the table, selected, and found by a search.
    _settled(qtbot, page)
    assert page.model.total() == 1
    assert page.view.count_label.text() == "1 incident"
    assert page.selected_id() == incident_id
    with qtbot.waitSignal(page.model.total_changed, timeout=2000) as found:
        qtbot.keyClicks(page.view.search_edit, "hallplats")  # no match: diacritics are kept
    assert found.args == [0]
    page.view.search_edit.clear()
    with qtbot.waitSignal(page.model.total_changed, timeout=2000) as found:
        page.view.search_edit.insert("hållplats")
    assert found.args == [1]
    page.model.fetchMore(QModelIndex())  # the first page came with the count
    assert page.model.incident_at(0).id == incident_id  # type: ignore[union-attr]


def test_a_validation_error_is_shown_and_nothing_is_saved(
    qtbot: QtBot, service: VaultService
) -> None:
    page = _page(qtbot, service)
    form = page.new_incident()
    assert form is not None
    form.view.environment.setCurrentIndex(form.view.environment.findData("HOGER"))
    qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    assert form.view.message.isVisible()
    assert form.view.message.text() == "The field Types of incident needs at least one code."
    assert form.isVisible() and not form.view.save_anyway_button.isVisible()
    assert service.incidents.count() == 0

    form.view.incident_types.item(1).setCheckState(Qt.CheckState.Checked)
    form.view.environment.setCurrentIndex(0)  # "(choose)"
    qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    assert form.view.message.text() == "The field Environment is required."
    assert form.focusWidget() is form.view.environment
    assert service.incidents.count() == 0

    form.view.environment.setCurrentIndex(form.view.environment.findData("ISLAMISTISK"))
    form.view.occurred_on.set_value(pydate(form.view.received_on.date()).replace(year=2020))
    form.view.occurred_until.set_value(pydate(form.view.received_on.date()).replace(year=2019))
    qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    message = form.view.message.text()
    assert "Occurred until" in message and "Occurred on" in message
    assert service.incidents.count() == 0


def test_save_anyway_asks_first_and_then_stores_the_text(
    qtbot: QtBot, service: VaultService
) -> None:
    page = _page(qtbot, service)
    form = page.new_incident()
    assert form is not None
    _fill_required(form)
    form.view.description.set_text(f"Hot mot anställd, uppgav {PNR}.")
    qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    assert form.view.save_anyway_button.isVisible()

    # "Go back and edit": nothing stored.
    qtbot.mouseClick(form.view.save_anyway_button, Qt.MouseButton.LeftButton)
    box = form.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert service.incidents.count() == 0 and form.isVisible()

    qtbot.mouseClick(form.view.save_anyway_button, Qt.MouseButton.LeftButton)
    box = form.confirm_box
    assert isinstance(box, QMessageBox)
    with qtbot.waitSignal(form.saved) as saved:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert PNR in service.incidents.get(saved.args[0]).description
    assert _settled(qtbot, page).model.total() == 1


def test_a_warning_is_shown_but_does_not_block(qtbot: QtBot, service: VaultService) -> None:
    page = _page(qtbot, service)
    form = page.new_incident()
    assert form is not None
    _fill_required(form)
    form.view.description.set_text("Affischer på Drottninggatan 12 vid centrum.")
    [finding] = form.findings()
    assert not finding.blocking
    assert "street address" in form.view.description.explanation.text()
    assert "does not block" in form.view.description.explanation.text()
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    assert service.incidents.count() == 1


def test_highlights_use_qt_positions_beyond_the_bmp(qtbot: QtBot) -> None:
    field = GuardedTextField("Description")
    qtbot.addWidget(field)
    field.set_text(f"Klotter 😀 och {PNR}")
    [selection] = field.edit.extraSelections()
    assert selection.cursor.selectedText() == PNR
    assert "column 15" in field.explanation_text()


def test_a_draft_survives_a_lock_and_is_offered_again(qtbot: QtBot, service: VaultService) -> None:
    folder = service.vault.folder
    page = _page(qtbot, service)
    form = page.new_incident()
    assert form is not None
    _fill_required(form)
    text = "Flygblad i trapphuset, oklart vem som delat ut."
    form.view.description.edit.insertPlainText(text)
    assert form.is_dirty()
    page.save_draft()  # what the main window does before a lock
    assert not form.is_dirty()
    [draft] = service.drafts.all(DRAFT_KIND)
    assert draft.ref == "new" and draft.payload["description"] == text
    form.reject()  # the lock closes open dialogs; the draft stays
    page.close()
    service.vault.close()

    vault = Vault.open(folder, passphrase=PASSPHRASE)
    try:
        reopened = VaultService(vault)
        page2 = _page(qtbot, reopened)  # refresh() offers the draft
        box = page2.draft_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert box.text() == "Resume unsaved incident?"
        page2.resume_button.click()
        resumed = page2.form
        assert resumed is not None and resumed.isVisible()
        assert resumed.view.description.text() == text
        assert resumed.view.environment.currentData() == "HOGER"
        assert resumed.view.area.currentData() == "VALLINGBY"
        with qtbot.waitSignal(resumed.saved):
            qtbot.mouseClick(resumed.view.save_button, Qt.MouseButton.LeftButton)
        assert reopened.drafts.all(DRAFT_KIND) == []
        assert reopened.incidents.count() == 1
    finally:
        vault.close()


def test_the_form_autosaves_a_draft_after_edits(qtbot: QtBot, service: VaultService) -> None:
    page = _page(qtbot, service)
    form = page.new_incident()
    assert form is not None
    form.view.organisation.setText("Nordiska motståndsrörelsen")
    qtbot.waitUntil(lambda: bool(service.drafts.all(DRAFT_KIND)), timeout=4000)
    assert service.drafts.all(DRAFT_KIND)[0].payload["organisation"] == "Nordiska motståndsrörelsen"
    qtbot.mouseClick(form.view.cancel_button, Qt.MouseButton.LeftButton)  # Cancel drops it
    assert service.drafts.all(DRAFT_KIND) == []
    assert page.form is None


def test_enter_on_a_row_opens_it_for_editing_and_the_table_updates(
    qtbot: QtBot, demo: VaultService
) -> None:
    page = _page(qtbot, demo)
    assert page.model.total() == 80
    assert page.view.table.verticalHeader().sectionResizeMode(0).name == "Fixed"
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)  # the view fetches the first page
    assert page.model.rowCount() == 80
    page.view.table.setFocus()
    page.view.table.selectRow(0)
    row = page.model.incident_at(0)
    assert row is not None
    incident = demo.incidents.get(row.id)
    assert page.view.edit_button.isEnabled()
    qtbot.keyClick(page.view.table, Qt.Key.Key_Return)
    form = page.form
    assert form is not None and form.windowTitle() == f"Incident {incident.id}"
    assert form.view.description.text() == incident.description
    assert form.view.environment.currentData() == incident.environment
    assert sorted(form.view.incident_types.codes()) == sorted(incident.incident_types)
    form.view.status.setCurrentIndex(form.view.status.findData("AVSLUTAD"))
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    assert demo.incidents.get(row.id).status == "AVSLUTAD"
    assert _settled(qtbot, page).model.total() == 80
    assert page.selected_id() == row.id  # the saved incident, selected when it arrived

    # Filters from the bar reach the model; the status filter finds the edited one.
    page.view.status_combo.setCurrentIndex(page.view.status_combo.findData("AVSLUTAD"))
    assert page.model.filter() == IncidentFilter(status="AVSLUTAD")
    assert page.view.count_label.text() == "Searching…"  # not the old list's count
    _settled(qtbot, page)
    assert page.model.total() == demo.incidents.count(IncidentFilter(status="AVSLUTAD"))
    page.view.year_combo.setCurrentIndex(page.view.year_combo.findData(incident.received_on.year))
    assert page.model.filter().year == incident.received_on.year
    _settled(qtbot, page).model.fetchMore(QModelIndex())
    _settled(qtbot, page)
    assert page.model.row_of(row.id) is not None

    # The types column cannot be sorted: the indicator goes back to the real order.
    header = page.view.table.horizontalHeader()
    header.setSortIndicator(IncidentTableModel.COL_TYPES, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == IncidentTableModel.COL_RECEIVED


def _ready_for_the_picture(qtbot: QtBot, widget: QWidget, shown: Callable[[], bool]) -> None:
    """Until ``widget`` is the active window (drawn as such) and shows ``shown``."""
    qtbot.waitUntil(lambda: widget.isActiveWindow() and shown())


def test_screenshots(qtbot: QtBot, demo: VaultService, screenshot_dir: Path) -> None:
    page = _page(qtbot, demo)
    _ready_for_the_picture(qtbot, page, lambda: page.model.rowCount() > 2)
    assert page.grab().save(str(screenshot_dir / "main-incidents.png"))

    page.view.table.selectRow(2)
    form = page.edit_selected()
    assert form is not None
    qtbot.waitExposed(form)
    _ready_for_the_picture(qtbot, form, form.isVisible)
    assert form.grab().save(str(screenshot_dir / "incident-form.png"))
    form.reject()

    form = page.new_incident()
    assert form is not None
    qtbot.waitExposed(form)
    _fill_required(form)
    form.view.description.set_text(
        f"Klistermärken vid busshållplatsen.\nEn förälder uppgav {PNR} som kontakt."
    )
    qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
    # Held back: the form shows why, and offers to save anyway.
    view = form.view
    _ready_for_the_picture(
        qtbot, form, lambda: view.message.isVisible() and view.save_anyway_button.isVisible()
    )
    assert form.grab().save(str(screenshot_dir / "incident-form-finding.png"))
    form.cancel()
