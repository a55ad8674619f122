"""The call wizard, the Routine page and the routine in Settings, driven as a user would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, fast_kdf
from tests.ui.conftest import JOUR, StepClock, UiVault
from vbedesk.routine import shipped_content
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.app import AppController
from vbedesk.ui.dialogs.case_log_view import CaseLogDialog
from vbedesk.ui.dialogs.incident_form import IncidentFormDialog
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.dialogs.wizard import DRAFT_KIND, CallWizardDialog, open_wizard
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.pages.overview import OverviewPage
from vbedesk.ui.pages.routine import RoutinePage
from vbedesk.ui.pages.settings_page import SettingsPage


def _show(qtbot: QtBot, widget: QWidget, size: tuple[int, int] = (1180, 780)) -> None:
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)


def _wizard(qtbot: QtBot, service: VaultService) -> CallWizardDialog:
    wizard = CallWizardDialog(service, clock=StepClock())
    _show(qtbot, wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=5000)
    return wizard


def _key(
    qtbot: QtBot,
    wizard: CallWizardDialog,
    key: Qt.Key,
    mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A key press where the keyboard focus is (the wizard itself when nothing has it)."""
    target = wizard.focusWidget() or wizard
    qtbot.keyClick(target, key, mods)


DIGITS = {n: getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)}


def _walk(qtbot: QtBot, wizard: CallWizardDialog, moves: list[object]) -> None:
    """Moves: a digit answers (or ticks), "enter" continues."""
    for move in moves:
        if move == "enter":
            _key(qtbot, wizard, Qt.Key.Key_Return)
        else:
            assert isinstance(move, int)
            _key(qtbot, wizard, DIGITS[move])


def test_the_child_path_by_keyboard_shows_the_contacts_and_ends_in_a_case_log(
    qtbot: QtBot, service: VaultService, screenshot_dir: Path
) -> None:
    service.contacts.verify("SOCIALJOUR", JOUR, date(2026, 3, 1))
    wizard = _wizard(qtbot, service)
    assert "verifiera mot stadens rutin" in wizard.view.provenance_label.text()
    assert wizard.current.id == "N0"
    # N0 action, N1 no (2), N2 yes (1), A2 police report, N3 yes (2), N4 under 18 (1).
    _walk(qtbot, wizard, ["enter", 2, 1, "enter", 2, 1])
    assert wizard.current.id == "A4"
    contacts = wizard.contact_text()
    assert "Hässelby-Vällingby, mottagningen barn och unga" in contacts
    assert f"Socialjouren Stockholm: {JOUR}" in contacts
    assert JOUR in wizard.view.contacts_label.text() and wizard.view.contacts_box.isVisible()
    assert wizard.view.references_box.isVisible() and wizard.view.references_label.text()
    # A4, N5, N6, N7 actions; N8 multi: tick police (1) and continue; A8a; N9 no (3).
    _walk(qtbot, wizard, ["enter", "enter", "enter", "enter"])
    assert wizard.current.id == "N8"
    _walk(qtbot, wizard, [1])
    boxes = [b for b in wizard.view.answer_buttons if isinstance(b, QCheckBox)]
    assert boxes[0].isChecked() and not boxes[-1].isChecked()
    _walk(qtbot, wizard, ["enter"])
    assert wizard.current.id == "A8a"
    _walk(qtbot, wizard, ["enter", 3])
    assert wizard.session.finished and wizard.view.views.currentWidget() is wizard.view.summary_view
    assert {"POLISANMALD", "OROSANMALAN_BARN", "VIDAREBEFORDRAD"} <= wizard.session.outcomes
    assert "Report of concern for a child" in wizard.view.outcomes_label.text()
    table = wizard.view.summary_table
    assert table.rowCount() == len(wizard.session.recorded) == 13
    steps = [table.cell_text(r, 2).split()[0] for r in range(table.rowCount())]
    assert steps[:6] == ["N0", "N1", "N2", "A2", "N3", "N4"]
    assert table.cell_text(5, 3) == "Yes, under 18"
    assert re.fullmatch(r"\+\d\d:\d\d", table.cell_text(1, 1))
    # The draft follows the call until it is stored.
    assert service.drafts.all(DRAFT_KIND)[0].payload["current_step"] == "N10"

    # Enter on the focused "Save and complete the incident" opens the pre-filled form.
    assert wizard.focusWidget() is wizard.view.save_button
    _key(qtbot, wizard, Qt.Key.Key_Return)
    form = wizard.incident_form
    assert isinstance(form, IncidentFormDialog)
    qtbot.waitExposed(form)
    assert form.view.concerns_individual.isChecked()
    assert form.view.age_band.currentData() == "UNDER_18"
    assert {"OROSANMALAN", "POLISANMALAN"} <= set(form.view.actions_taken.codes())
    form.view.environment.setCurrentIndex(form.view.environment.findData("HOGER"))
    form.view.incident_types.item(0).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(wizard.call_saved) as saved:
        form.view.save_button.click()
    log_id, incident_id = saved.args
    logs = service.case_logs.search()
    assert [log.id for log in logs] == [log_id]
    assert logs[0].incident_id == incident_id
    assert {"POLISANMALD", "OROSANMALAN_BARN"} <= logs[0].outcomes
    assert [a.step for a in logs[0].answers][:3] == ["N0", "N1", "N2"]
    incident = service.incidents.get(incident_id)
    assert incident.age_band == "UNDER_18" and incident.concerns_individual
    assert service.drafts.all(DRAFT_KIND) == []
    assert not wizard.isVisible()

    # The incident shows its case log, which opens read-only.
    edit = IncidentFormDialog(service, incident)
    qtbot.addWidget(edit)
    listing = edit.view.case_logs
    assert listing is not None and listing.count() == 1
    listing.itemActivated.emit(listing.item(0))  # Enter or a double click on the row
    viewer = edit.findChild(CaseLogDialog)
    assert isinstance(viewer, CaseLogDialog)
    assert viewer.table.rowCount() == 13 and viewer.notes.isReadOnly()
    assert "Report of concern for a child" in viewer.outcomes_label.text()


def test_a_crash_mid_call_offers_the_same_step_answers_and_notes(
    qtbot: QtBot, service: VaultService, vault_dir: Path
) -> None:
    wizard = CallWizardDialog(service, clock=StepClock())  # not given to qtbot: it dies
    wizard.show()
    qtbot.waitExposed(wizard)
    _walk(qtbot, wizard, ["enter", 2, 3])  # N0, N1 no, N2 no → N3
    assert wizard.current.id == "N3"
    wizard.view.notes.edit.setFocus()
    qtbot.keyClicks(wizard.view.notes.edit, "klotter vid entren")
    wizard.save_draft_now()  # what the notes timer does after a pause
    answers = wizard.session.answers
    # The crash: the window and the service go without closing anything.
    shiboken6.delete(wizard)
    service.vault.close()

    reopened = VaultService(Vault.open(vault_dir, passphrase=PASSPHRASE))
    try:
        page = RoutinePage(reopened)
        _show(qtbot, page, (1100, 720))
        assert page.resume_button.isVisible()
        assert "N3" in page.draft_label.text()
        page.resume_button.click()
        resumed = open_wizard(page)  # the page is the test's top-level window
        assert isinstance(resumed, CallWizardDialog)
        qtbot.addWidget(resumed)
        assert resumed.current.id == "N3"
        assert resumed.session.answers == answers
        assert resumed.view.notes.text() == "klotter vid entren"
        # The overview offers it as well.
        overview = OverviewPage(reopened)
        qtbot.addWidget(overview)
        assert not overview.resume_call_button.isHidden()
        assert "N3" in overview.call_draft_label.text()
        resumed.close()
    finally:
        reopened.vault.close()


def test_back_keeps_the_notes_of_later_steps(qtbot: QtBot, service: VaultService) -> None:
    wizard = _wizard(qtbot, service)
    _walk(qtbot, wizard, ["enter"])
    wizard.view.notes.edit.setPlainText("n1 anteckning")
    _walk(qtbot, wizard, [2])  # focus is on the first answer again after a render
    assert wizard.current.id == "N2"
    wizard.view.notes.edit.setPlainText("n2 anteckning")
    _key(qtbot, wizard, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert wizard.current.id == "N1"
    assert wizard.view.notes.text() == "n1 anteckning"
    _walk(qtbot, wizard, [2])
    assert wizard.current.id == "N2"
    assert wizard.view.notes.text() == "n2 anteckning"
    # A multi-choice question refuses Continue with nothing ticked, and says so.
    _walk(qtbot, wizard, [3, 1, "enter", "enter", "enter"])  # N2 no, N3 no, N5–N7
    assert wizard.current.id == "N8"
    before = len(wizard.session.recorded)
    _key(qtbot, wizard, Qt.Key.Key_Return)
    assert wizard.view.message.text() == "Tick at least one answer."
    assert len(wizard.session.recorded) == before
    # "None" cannot be combined: ticking it unticks the others.
    _walk(qtbot, wizard, [1, 2, 5])
    assert wizard.checked_answers() == ["INGEN"]
    wizard.reject()
    assert service.drafts.all(DRAFT_KIND)[0].payload["step_notes"] == {
        "N1": "n1 anteckning",
        "N2": "n2 anteckning",
    }


def test_the_case_log_alone_is_refused_with_an_identifier_in_the_notes(
    qtbot: QtBot, service: VaultService
) -> None:
    wizard = _wizard(qtbot, service)
    _walk(qtbot, wizard, ["enter"])
    wizard.view.notes.edit.setPlainText("ring 070-123 45 67")
    _walk(qtbot, wizard, [2, 3, 1, "enter", "enter", "enter", "enter", 5, "enter", 3])
    assert wizard.session.finished
    assert not wizard.save_case_log_only()
    assert "personal identifiers" in wizard.view.summary_message.text()
    assert wizard.view.save_anyway_button.isVisible()
    assert service.case_logs.search() == []
    assert service.drafts.all(DRAFT_KIND) != []
    # Saved after the explicit confirmation.
    assert wizard.save_case_log_only(accept_findings=True)
    stored = service.case_logs.search()
    assert len(stored) == 1 and stored[0].incident_id is None
    assert "LAGESBILD_ENDAST" in stored[0].outcomes


def test_routine_page_lists_searches_and_shows_case_logs(
    qtbot: QtBot, service: VaultService
) -> None:
    for note in ("propaganda vid skolan", "klistermärken i tunneln"):
        wizard = _wizard(qtbot, service)
        _walk(qtbot, wizard, ["enter"])
        wizard.view.notes.edit.setPlainText(note)
        _walk(qtbot, wizard, [2, 3, 1, "enter", "enter", "enter", "enter", 5, "enter", 3])
        assert wizard.save_case_log_only()
    page = RoutinePage(service)
    _show(qtbot, page, (1100, 720))
    assert page.table.rowCount() == 2
    assert "stockholm-oro-handelse" in page.routine_label.text()
    assert "verifiera mot stadens rutin" in page.provenance_label.text()
    assert "2025.1" in page.versions_label.text()
    assert not page.resume_button.isVisible()
    page.search_edit.setText("tunneln")
    assert page.table.rowCount() == 1
    item = page.table.item(0, 3)
    assert item is not None and item.text() == "Situation picture only"
    viewer = page.view_selected()
    assert isinstance(viewer, CaseLogDialog)
    assert "tunneln" in viewer.notes.toPlainText()
    page.search_edit.setText("finns inte")
    assert page.table.rowCount() == 0 and not page.view_button.isEnabled()
    assert page.view_selected() is None


def test_settings_refuses_a_routine_with_a_cycle_naming_the_step(
    qtbot: QtBot, service: VaultService, tmp_path: Path
) -> None:
    page = SettingsPage(service)
    _show(qtbot, page, (1000, 900))
    assert "2025.1" in page.view.routine_label.text()
    broken = shipped_content().replace('version = "2025.1"', 'version = "2026.9"')
    broken = broken.replace('next = "N6"', 'next = "N1"')  # N5 → N1: a loop
    path = tmp_path / "rutin.toml"
    path.write_text(broken, encoding="utf-8")
    assert not page.load_routine_file(path)
    assert page.view.routine_message.isVisible()
    assert "problem" in page.view.routine_message.text()
    assert "Step N1: the routine loops back" in page.view.routine_problems.toPlainText()
    assert page.view.routine_problems.isVisible()
    assert [v.version for v in service.routines.versions()] == ["2025.1"]
    assert service.routines.active().version == "2025.1"

    binary = tmp_path / "rutin.bin"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert not page.load_routine_file(binary)
    assert "UTF-8" in page.view.routine_message.text()
    assert not page.load_routine_file(tmp_path / "saknas.toml")
    assert [v.version for v in service.routines.versions()] == ["2025.1"]

    revised = shipped_content().replace('version = "2025.1"', 'version = "2026.1"')
    path.write_text(revised, encoding="utf-8")
    assert page.load_routine_file(path)
    assert "2026.1 is now in use" in page.view.routine_message.text()
    assert "2026.1" in page.view.routine_label.text()
    assert service.routines.active().version == "2026.1"
    dialog = page.choose_routine_file()
    assert dialog.isVisible()
    dialog.reject()


# -- the lock path -----------------------------------------------------------------------
@pytest.fixture
def controller(
    qtbot: QtBot, memory_store: KeyringStore, qsettings: QSettings, ui_vault: UiVault
) -> Iterator[AppController]:
    made = AppController(ui_vault.folder, memory_store, qsettings=qsettings, kdf=fast_kdf())
    yield made
    made.shutdown()
    QCoreApplication.sendPostedEvents(None, 0)


def _unlock(qtbot: QtBot, controller: AppController) -> MainWindow:
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase_edit.setText(PASSPHRASE)
    with qtbot.waitSignal(controller.window_shown, timeout=10_000) as blocker:
        dialog.unlock_button.click()
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    return window


def test_a_lock_mid_call_hides_everything_and_the_call_resumes_after_unlock(
    qtbot: QtBot, controller: AppController
) -> None:
    controller.start()
    window = _unlock(qtbot, controller)
    qtbot.waitExposed(window)
    assert window.page_ids()[:3] == ["overview", "incidents", "routine"]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    wizard = open_wizard(window)
    assert isinstance(wizard, CallWizardDialog)
    qtbot.waitExposed(wizard)
    _walk(qtbot, wizard, ["enter", 1, "enter"])  # N0, N1 yes → A1 (112), → N2
    assert wizard.current.id == "N2"
    wizard.view.notes.edit.setPlainText("uppringaren var lugn")
    answers = wizard.session.answers

    with qtbot.waitSignal(controller.locked, timeout=5000):
        controller.lock()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    assert not shiboken6.isValid(wizard)
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [controller.dialog]

    window = _unlock(qtbot, controller)
    overview = window.page("overview")
    assert isinstance(overview, OverviewPage)
    assert overview.resume_call_button.isVisible()
    overview.resume_call_button.click()
    resumed = open_wizard(window)
    assert isinstance(resumed, CallWizardDialog)
    assert resumed.current.id == "N2"
    assert resumed.session.answers == answers
    assert resumed.view.notes.text() == "uppringaren var lugn"
    # Ctrl+R again brings the open call forward instead of starting another.
    assert window.open_call() is resumed
