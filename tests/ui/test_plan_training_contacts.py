"""The plan, training and contacts pages over real vaults, driven like a user would (pytest-qt)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, DemoVault
from vbedesk.i18n import set_language
from vbedesk.model import Period
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.models.contacts_models import ContactsModel
from vbedesk.ui.models.plan_models import FollowUpModel, PlanTableModel
from vbedesk.ui.models.training_models import TrainingCountModel
from vbedesk.ui.pages.contacts import ContactsPage
from vbedesk.ui.pages.plan import PlanPage
from vbedesk.ui.pages.training import TrainingPage

WINDOW = (1280, 800)


def _show(qtbot: QtBot, page: QWidget) -> None:
    qtbot.addWidget(page)
    page.resize(*WINDOW)
    page.show()
    qtbot.waitExposed(page)


def _first_activity_row(page: PlanPage) -> int:
    return next(r for r, line in enumerate(page.plan_model.rows()) if not line.is_section)


def _fill_followup(page: PlanPage, qtbot: QtBot, status: str, comment: str) -> None:
    page.view.followup.status_combo.setCurrentIndex(
        page.view.followup.status_combo.findData(status)
    )
    page.view.followup.comment_edit.setFocus()
    # QTest types ASCII only (it asserts on "ö"); the text goes in as a paste would.
    page.view.followup.comment_edit.insertPlainText(comment)
    page.view.followup.date_edit.setDate(QDate(2022, 2, 10))


def test_a_followup_entered_on_the_page_is_shown_and_kept(
    qtbot: QtBot, demo: VaultService, demo_vault: DemoVault
) -> None:
    page = PlanPage(demo)
    _show(qtbot, page)
    assert page.title() == "Action plan" and page.page_id == "plan"
    assert page.view.plan_combo.currentText() == "2021"
    assert page.plan_model.rowCount() == 20
    page.set_period(Period.parse("VB 2021"))
    row = _first_activity_row(page)
    page.view.plan_table.selectRow(row)
    activity = page.selected_activity()
    assert activity is not None and activity.id is not None
    assert page.view.followup.activity_label.text() == activity.text
    _fill_followup(page, qtbot, "GENOMFORD", "Genomfört i alla skolor, även på fritids")
    with qtbot.waitSignal(page.followup_saved, timeout=2000):
        qtbot.mouseClick(page.view.followup.save_button, Qt.MouseButton.LeftButton)
    assert page.view.followup.form_error.isHidden()
    assert page.history_model.rowCount() == 1
    assert page.history_model.text(0, FollowUpModel.COL_STATUS) == "Done"
    assert page.history_model.text(0, FollowUpModel.COL_DATE) == "2022-02-10"
    assert "även på fritids" in page.history_model.text(0, FollowUpModel.COL_COMMENT)
    assert page.plan_model.text(row, PlanTableModel.COL_STATUS) == "Done"
    # The selection survived the reload; another period shows no follow-up.
    assert page.selected_activity() == activity
    page.set_period(Period.parse("T1 2021"))
    assert page.history_model.rowCount() == 0
    assert page.plan_model.text(row, PlanTableModel.COL_STATUS) == ""
    # A second follow-up comes first in the history (newest first).
    page.set_period(Period.parse("VB 2021"))
    _fill_followup(page, qtbot, "PAGAR", "Fortsätter")
    page.view.followup.date_edit.setDate(QDate(2022, 3, 1))
    assert page.save_followup()
    assert [page.history_model.text(r, FollowUpModel.COL_COMMENT) for r in range(2)] == [
        "Fortsätter",
        "Genomfört i alla skolor, även på fritids",
    ]
    demo.vault.close()

    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        stored = VaultService(vault).plans.followups(activity.id, Period.parse("VB 2021"))
    assert [(f.status, f.noted_on) for f in stored] == [
        ("GENOMFORD", date(2022, 2, 10)),
        ("PAGAR", date(2022, 3, 1)),
    ]


def test_a_followup_without_status_or_activity_is_refused_with_a_message(
    qtbot: QtBot, demo: VaultService
) -> None:
    page = PlanPage(demo)
    _show(qtbot, page)
    assert not page.view.followup.form_box.isEnabled()  # nothing selected: the form cannot be used
    assert not page.save_followup()
    assert "Select an activity" in page.view.followup.form_error.text()
    page.view.plan_table.selectRow(_first_activity_row(page))
    page.view.followup.comment_edit.setPlainText("utan status")
    qtbot.mouseClick(page.view.followup.save_button, Qt.MouseButton.LeftButton)
    assert page.view.followup.form_error.isVisible()
    assert page.view.followup.form_error.text() == "Choose a status for the follow-up."
    page.view.followup.status_combo.setCurrentIndex(
        page.view.followup.status_combo.findData("PAGAR")
    )
    page.view.followup.comment_edit.setPlainText("x" * 10_001)
    assert not page.save_followup()
    assert "too long" in page.view.followup.form_error.text()
    activity = page.selected_activity()
    assert activity is not None and demo.plans.followups(activity.id or 0) == []
    assert page.view.followup.comment_edit.toPlainText() == "x" * 10_001  # the input is kept


def test_copy_to_next_year_after_confirmation(qtbot: QtBot, demo: VaultService) -> None:
    page = PlanPage(demo)
    _show(qtbot, page)
    activity = page.plan_model.rows()[_first_activity_row(page)].activity
    assert activity is not None
    page.view.plan_table.selectRow(_first_activity_row(page))
    page.view.followup.status_combo.setCurrentIndex(
        page.view.followup.status_combo.findData("GENOMFORD")
    )
    assert page.save_followup()

    # Cancel first: nothing happens.
    qtbot.mouseClick(page.view.copy_button, Qt.MouseButton.LeftButton)
    box = page.confirm_box
    assert box is not None and box.isVisible() and "2022" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert [p.year for p in demo.plans.all()] == [2021]

    qtbot.mouseClick(page.view.copy_button, Qt.MouseButton.LeftButton)
    assert page.confirm_box is not None
    with qtbot.waitSignal(page.plan_copied, timeout=2000) as blocker:
        page.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert blocker.args == [2022]
    assert [p.year for p in demo.plans.all()] == [2021, 2022]
    assert page.view.plan_combo.currentText() == "2022"
    assert page.period().year == 2022
    assert page.plan_model.section_sizes()[0][1] == 7
    lines = [line for line in page.plan_model.rows() if line.activity is not None]
    assert len(lines) == 16
    assert all(demo.plans.followups(line.activity.id or 0) == [] for line in lines if line.activity)
    assert all(line.status is None for line in lines)
    # A second copy to 2022 is refused with a message.
    page.select_plan(2021)
    qtbot.mouseClick(page.view.copy_button, Qt.MouseButton.LeftButton)
    assert page.confirm_box is not None
    page.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert (
        page.view.copy_error.isVisible()
        and "already a plan for 2022" in page.view.copy_error.text()
    )
    assert len(demo.plans.all()) == 2


def test_training_counts_entered_on_the_page_show_the_share_and_keep_history(
    qtbot: QtBot, service: VaultService
) -> None:
    page = TrainingPage(service)
    _show(qtbot, page)
    assert page.title() == "Training" and page.page_id == "training"
    unit, course = service.training.units()[0], service.training.courses()[0]
    page.set_unit_and_course(unit.code, course.code)
    page.view.relevant_spin.setValue(20)
    page.view.completed_spin.setValue(8)
    page.view.as_of_edit.setDate(QDate(2021, 4, 30))
    assert page.save_count()
    page.view.completed_spin.setValue(12)
    page.view.as_of_edit.setDate(QDate(2021, 8, 31))
    with qtbot.waitSignal(page.count_saved, timeout=2000):
        qtbot.mouseClick(page.view.save_button, Qt.MouseButton.LeftButton)
    latest = [
        r
        for r in range(page.latest_model.rowCount())
        if page.latest_model.text(r, TrainingCountModel.COL_UNIT) == unit.name
        and page.latest_model.text(r, TrainingCountModel.COL_COURSE) == course.name
    ]
    assert len(latest) == 1
    assert page.latest_model.text(latest[0], TrainingCountModel.COL_SHARE) == "60.0 %"
    assert page.latest_model.text(latest[0], TrainingCountModel.COL_AS_OF) == "2021-08-31"
    history = [
        (page.history_model.text(r, TrainingCountModel.COL_AS_OF), page.history_model.text(r, 4))
        for r in range(page.history_model.rowCount())
    ]
    assert history == [("2021-08-31", "60.0 %"), ("2021-04-30", "40.0 %")]

    # More completed than relevant: refused, shown, nothing stored.
    page.view.relevant_spin.setValue(10)
    page.view.completed_spin.setValue(11)
    page.view.as_of_edit.setDate(QDate(2021, 12, 31))
    qtbot.mouseClick(page.view.save_button, Qt.MouseButton.LeftButton)
    assert page.view.form_error.isVisible()
    assert page.view.form_error.text() == "More staff completed than are relevant."
    assert len(service.training.counts()) == 2
    assert page.history_model.rowCount() == 2


def test_training_history_follows_the_selected_latest_row(qtbot: QtBot, demo: VaultService) -> None:
    page = TrainingPage(demo)
    _show(qtbot, page)
    course = page.view.latest_course_combo.currentData()
    latest = [t for t in demo.training.counts(latest_only=True) if t.course_code == course]
    assert page.latest_model.rowCount() == len(latest) > 0
    # The other course has a table of its own.
    page.view.latest_course_combo.setCurrentIndex(1)
    assert all(t.course_code != course for t in page.latest_model.rows())
    page.view.latest_course_combo.setCurrentIndex(0)
    page.view.latest_table.selectRow(0)
    first = page.latest_model.rows()[0]
    assert page.view.unit_combo.currentData() == first.unit_code
    expected = [
        t
        for t in demo.training.counts()
        if (t.unit_code, t.course_code) == (first.unit_code, first.course_code)
    ]
    assert page.history_model.rowCount() == len(expected) >= 1


def test_unverified_contacts_are_marked_until_verified(qtbot: QtBot, service: VaultService) -> None:
    page = ContactsPage(service)
    _show(qtbot, page)
    assert page.title() == "Contacts" and page.page_id == "contacts"
    model = page.contacts_model
    unverified = [r for r, c in enumerate(model.rows()) if c.verified_on is None]
    assert unverified
    row = unverified[0]
    contact = model.rows()[row]
    assert model.text(row, ContactsModel.COL_VERIFIED) == "not verified"
    assert model.data(model.index(row, ContactsModel.COL_VERIFIED), Qt.ItemDataRole.DecorationRole)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None
    refs = page.references_model
    assert any(refs.text(r, 3) == "not verified" for r in range(refs.rowCount())) == any(
        not ref.verified for ref in refs.rows()
    )

    page.contacts_view.selectRow(row)
    assert page.verify_button.isEnabled()
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    dialog = page.verify_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.phone_edit.text() == contact.phone
    dialog.phone_edit.clear()
    qtbot.keyClicks(dialog.phone_edit, "08-123 45 67")
    with qtbot.waitSignal(page.contact_verified, timeout=2000):
        qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Return)
    row = next(r for r, c in enumerate(model.rows()) if c.code == contact.code)
    assert model.text(row, ContactsModel.COL_VERIFIED) == date.today().isoformat()
    assert model.text(row, ContactsModel.COL_PHONE) == "08-123 45 67"
    assert model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(row, 4), Qt.ItemDataRole.DecorationRole) is None
    stored = next(c for c in service.contacts.all() if c.code == contact.code)
    assert stored.verified_on == date.today() and stored.phone == "08-123 45 67"


def test_an_empty_number_is_not_accepted_as_verified(qtbot: QtBot, service: VaultService) -> None:
    page = ContactsPage(service)
    _show(qtbot, page)
    model = page.contacts_model
    before = service.contacts.all()[0]
    assert before.verified_on is None and before.phone  # a shipped number, not yet verified
    page.contacts_view.selectRow(0)
    page.ask_verify()
    dialog = page.verify_dialog
    assert dialog is not None
    dialog.phone_edit.clear()
    with qtbot.assertNotEmitted(page.contact_verified):
        dialog.buttons.accepted.emit()
        assert dialog.isVisible() and dialog.error.text() == "Enter the phone number."
        dialog.reject()
    # Nothing was recorded: the contact is as it was (not verified, its number kept) and
    # the page still marks it.
    assert service.contacts.all()[0] == before
    assert model.text(0, ContactsModel.COL_VERIFIED) == "not verified"
    assert model.text(0, ContactsModel.COL_PHONE) == before.phone
    assert "contact.verify" not in [e.action for e in service.audit_entries(5)]


def _ready_for_the_picture(qtbot: QtBot, page: QWidget, shown: Callable[[], bool]) -> None:
    """Until the page is the active window (its selection drawn as such) and shows ``shown``."""
    qtbot.waitUntil(lambda: page.isActiveWindow() and shown())


def test_screenshots_in_swedish(qtbot: QtBot, demo: VaultService, screenshot_dir: Path) -> None:
    """main-{plan,training,contacts}.png at a realistic window size."""
    set_language("sv")
    plan = PlanPage(demo)
    _show(qtbot, plan)
    activity = plan.plan_model.rows()[3].activity  # ”Trygghetsplan för fritid”
    assert activity is not None and activity.id is not None
    plan.set_period(Period.parse("VB 2021"))
    plan.select_activity(activity.id)
    _fill_followup(plan, qtbot, "GENOMFORD", "Trygghetsplanen är införd på alla fritidsgårdar.")
    assert plan.save_followup()
    plan.select_activity(activity.id)
    _ready_for_the_picture(
        qtbot,
        plan,
        lambda: plan.selected_activity() == activity and plan.history_model.rowCount() == 1,
    )
    assert plan.grab().save(str(screenshot_dir / "main-plan.png"))
    training = TrainingPage(demo)
    _show(qtbot, training)
    training.view.latest_table.selectRow(1)
    second = training.latest_model.rows()[1]
    _ready_for_the_picture(
        qtbot, training, lambda: training.view.unit_combo.currentData() == second.unit_code
    )
    assert training.grab().save(str(screenshot_dir / "main-training.png"))
    contacts = ContactsPage(demo)
    _show(qtbot, contacts)
    contacts.contacts_view.selectRow(0)
    first_contact = contacts.contacts_model.rows()[0]
    _ready_for_the_picture(
        qtbot,
        contacts,
        lambda: contacts.selected_contact() == first_contact and contacts.verify_button.isEnabled(),
    )
    assert contacts.grab().save(str(screenshot_dir / "main-contacts.png"))
