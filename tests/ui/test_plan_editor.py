"""The Handlingsplan editor from an empty vault, by keyboard (pytest-qt, a real vault)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from vbedesk.i18n import set_language
from vbedesk.model import Period
from vbedesk.plans import PlanState
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.plan_dialogs import ActivityDialog, DecideDialog, NewPlanDialog
from vbedesk.ui.models.plan_models import PlanTableModel
from vbedesk.ui.pages.plan import PlanPage

WINDOW = (1280, 800)


def _page(qtbot: QtBot, service: VaultService) -> PlanPage:
    page = PlanPage(service)
    qtbot.addWidget(page)
    page.resize(*WINDOW)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(page.isActiveWindow)
    return page


def _press(qtbot: QtBot, button: QPushButton) -> None:
    """Tab's target pressed with Enter, as a keyboard user does."""
    assert button.isEnabled() and button.focusPolicy() & Qt.FocusPolicy.TabFocus
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)


def _dialog(qtbot: QtBot, page: PlanPage) -> QWidget:
    qtbot.waitUntil(lambda: page.editor.dialog is not None and page.editor.dialog.isActiveWindow())
    assert page.editor.dialog is not None
    return page.editor.dialog


def _tab_to(qtbot: QtBot, target: QWidget) -> None:
    """Tab from the focused control until ``target`` has the focus (at most 12 presses)."""
    for _n in range(12):
        if QApplication.focusWidget() is target:
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is target


def _add_activity(qtbot: QtBot, page: PlanPage, row: int, cells: tuple[str, str, str, str]) -> None:
    page.view.plan_table.selectRow(row)
    _press(qtbot, page.view.add_button)
    dialog = _dialog(qtbot, page)
    assert isinstance(dialog, ActivityDialog)
    assert QApplication.focusWidget() is dialog.text.edit
    for field, text in zip(dialog.fields(), cells, strict=True):
        _tab_to(qtbot, field.edit)
        qtbot.keyClicks(field.edit, text)
    _tab_to(qtbot, dialog.save_button)
    with qtbot.waitSignal(page.editor.edited, timeout=2000):
        qtbot.keyClick(dialog.save_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.editor.dialog is None)


def _activities(page: PlanPage) -> list[str]:
    return [line.activity.text for line in page.plan_model.rows() if line.activity]


def _create_2026(qtbot: QtBot, page: PlanPage) -> None:
    assert "No action plan" in page.view.heading.text()
    assert not page.view.add_button.isEnabled() and not page.view.decide_button.isEnabled()
    _press(qtbot, page.view.new_plan_button)
    dialog = _dialog(qtbot, page)
    assert isinstance(dialog, NewPlanDialog)
    assert dialog.start_combo.count() == 1  # nothing to copy from yet
    dialog.year_spin.selectAll()
    qtbot.keyClicks(dialog.year_spin, "2026")
    with qtbot.waitSignal(page.editor.edited, timeout=2000):
        qtbot.keyClick(dialog.year_spin, Qt.Key.Key_Return)  # the default button
    assert [p.year for p in page.service.plans.all()] == [2026]
    assert page.view.plan_combo.currentText() == "2026"
    assert [size for _title, size in page.plan_model.section_sizes()] == [0, 0, 0, 0]


def test_the_2026_plan_from_an_empty_vault_by_keyboard(qtbot: QtBot, service: VaultService) -> None:
    page = _page(qtbot, service)
    _create_2026(qtbot, page)

    # An activity in each section (each section's heading row selected in turn).
    for n in range(4):
        sections = [r for r, line in enumerate(page.plan_model.rows()) if line.is_section]
        _add_activity(qtbot, page, sections[n], (f"Aktivitet {n + 1}", "Enhetschef", "2026", "VB"))
    _add_activity(qtbot, page, 0, ("Aktivitet 1b", "Enhetschef fritid", "hosten 2026", "T1, VB"))
    assert [size for _title, size in page.plan_model.section_sizes()] == [2, 1, 1, 1]
    assert _activities(page)[:2] == ["Aktivitet 1", "Aktivitet 1b"]
    added = page.selected_activity()  # the new activity is selected
    assert added is not None and added.text == "Aktivitet 1b" and added.timeline == "hosten 2026"

    # Reorder: the new one up, then up is no longer possible (first in its section).
    _press(qtbot, page.view.up_button)
    assert _activities(page)[:2] == ["Aktivitet 1b", "Aktivitet 1"]
    assert page.selected_activity() is not None and not page.view.up_button.isEnabled()
    assert page.view.down_button.isEnabled()

    # Retire "Aktivitet 1" after the confirmation (Cancel first: nothing happens).
    page.view.plan_table.selectRow(2)
    to_retire = page.selected_activity()
    assert to_retire is not None and to_retire.text == "Aktivitet 1"
    retired_id = to_retire.id
    _press(qtbot, page.view.retire_button)
    assert page.editor.confirm_box is not None
    page.editor.confirm_box.button(QMessageBox.StandardButton.Cancel).click()
    assert service.plans.activity(retired_id or 0).retired_on is None
    _press(qtbot, page.view.retire_button)
    box = page.editor.confirm_box
    assert box is not None and "Aktivitet 1" in box.text()
    with qtbot.waitSignal(page.editor.edited, timeout=2000):
        qtbot.keyClick(box.button(QMessageBox.StandardButton.Yes), Qt.Key.Key_Space)
    assert service.plans.activity(retired_id or 0).retired_on == date.today()
    row = page.plan_model.activity_row(retired_id or 0)
    assert "Retired (utgår)" in page.plan_model.text(row, PlanTableModel.COL_STATUS)
    assert not page.view.retire_button.isEnabled()

    # Decide the plan.
    _press(qtbot, page.view.decide_button)
    dialog = _dialog(qtbot, page)
    assert isinstance(dialog, DecideDialog)
    _tab_to(qtbot, dialog.dnr_edit)
    qtbot.keyClicks(dialog.dnr_edit, "HVN 2026/12")
    with qtbot.waitSignal(page.editor.edited, timeout=2000):
        qtbot.keyClick(dialog.dnr_edit, Qt.Key.Key_Return)
    plan = service.plans.of_year(2026)
    assert plan.state == PlanState.DECIDED and plan.diarienummer == "HVN 2026/12"
    assert plan.decided_on == date.today()
    assert page.view.state_label.text() == f"Decided {date.today().isoformat()}, HVN 2026/12"
    assert not page.view.decide_button.isEnabled()

    # Follow one up for T1 with the follow-up panel.
    page.set_period(Period.parse("T1 2026"))
    first = page.plan_model.activity_row(added.id or 0)
    page.view.plan_table.selectRow(first)
    panel = page.view.followup
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("PAGAR"))
    panel.comment_edit.setPlainText("Två skolor i gång")
    _press(qtbot, panel.save_button)
    followups = service.plans.followups(added.id or 0, Period.parse("T1 2026"))
    assert [(f.status, f.comment) for f in followups] == [("PAGAR", "Två skolor i gång")]
    assert page.plan_model.text(first, PlanTableModel.COL_STATUS) == "In progress"


def test_an_activity_is_edited_with_enter_on_its_line(qtbot: QtBot, service: VaultService) -> None:
    page = _page(qtbot, service)
    _create_2026(qtbot, page)
    _add_activity(qtbot, page, 0, ("Samverkan", "Enhetschef", "2026", "VB"))
    activity = page.selected_activity()
    assert activity is not None
    page.view.plan_table.setFocus()
    qtbot.keyClick(page.view.plan_table, Qt.Key.Key_Return)
    dialog = _dialog(qtbot, page)
    assert isinstance(dialog, ActivityDialog) and dialog.text.text() == "Samverkan"
    dialog.timeline.edit.selectAll()
    qtbot.keyClicks(dialog.timeline.edit, "hosten")
    with qtbot.waitSignal(page.editor.edited, timeout=2000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # &Save
    assert service.plans.activity(activity.id or 0).timeline == "hosten"
    assert page.plan_model.text(page.plan_model.activity_row(activity.id or 0), 2) == "hosten"


def test_an_identifier_in_an_activity_is_refused_and_the_plan_unchanged(
    qtbot: QtBot, service: VaultService
) -> None:
    page = _page(qtbot, service)
    _create_2026(qtbot, page)
    entries = len(service.audit_entries(1000))
    page.view.plan_table.selectRow(0)
    _press(qtbot, page.view.add_button)
    dialog = _dialog(qtbot, page)
    assert isinstance(dialog, ActivityDialog)
    qtbot.keyClicks(dialog.text.edit, "Samtal med 19121212-1212")
    qtbot.keyClicks(dialog.responsible.edit, "Enhetschef")
    dialog.save_button.click()
    box = page.editor.confirm_box
    assert box is not None and box.isVisible()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert dialog.error.isVisible() and "personal identifier" in dialog.error.text()
    assert dialog.text.explanation.isVisible()  # the finding is marked in its field
    box.button(QMessageBox.StandardButton.No).click()
    assert page.editor.confirm_box is None
    assert page.editor.dialog is dialog and dialog.isVisible()  # the input is kept
    assert dialog.text.text() == "Samtal med 19121212-1212"
    assert page.plan_model.section_sizes()[0][1] == 0
    assert all(not service.plans.activities(s.id or 0) for s in service.plans.sections(1))
    assert len(service.audit_entries(1000)) == entries
    dialog.reject()


def test_screenshots_of_the_editor_and_the_activity_dialog(
    qtbot: QtBot, service: VaultService, screenshot_dir: Path
) -> None:
    set_language("sv")
    page = _page(qtbot, service)
    page.view.new_plan_button.click()
    new_plan = _dialog(qtbot, page)
    assert isinstance(new_plan, NewPlanDialog)
    new_plan.year_spin.setValue(2026)
    new_plan.save_button.click()
    cells = [
        ("Samverkan med skolor om värdegrundsarbete", "Enhetschef fritid", "2026", "T1, T2, VB"),
        ("Trygghetsvandringar i Vällingby centrum", "Enhetschef trygghet", "Våren", "T1, VB"),
        ("Utbildning om våldsbejakande extremism", "Enhetschef socialtjänst", "Hösten", "VB"),
    ]
    for n, texts in enumerate(cells):
        sections = [r for r, line in enumerate(page.plan_model.rows()) if line.is_section]
        page.view.plan_table.selectRow(sections[0 if n < 2 else 3])
        page.view.add_button.click()
        dialog = _dialog(qtbot, page)
        assert isinstance(dialog, ActivityDialog)
        for field, text in zip(dialog.fields(), texts, strict=True):
            field.set_text(text)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: page.editor.dialog is None)
    page.view.plan_table.selectRow(1)
    page.activateWindow()  # the offscreen platform gives it back to no window after a dialog
    qtbot.waitUntil(lambda: page.view.edit_button.isEnabled() and page.isActiveWindow())
    assert page.grab().save(str(screenshot_dir / "plan-editor.png"))
    page.view.edit_button.click()
    dialog = _dialog(qtbot, page)
    assert isinstance(dialog, ActivityDialog)
    dialog.responsible.set_text("Enhetschef fritid, 070-123 45 67")  # scanned at once
    assert dialog.responsible.explanation.isVisible()
    assert dialog.grab().save(str(screenshot_dir / "plan-activity-dialog.png"))
    dialog.reject()
