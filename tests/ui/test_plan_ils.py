"""Follow-up for the city's system (ILS-webb) from the Handlingsplan page: one activity's
status and comment as text on the clipboard, the period's activities as CSV (pytest-qt over
the demo vault)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from tests.conftest import DemoVault
from tests.ui.test_shell import MakeController, _unlock
from tests.ui.test_shell import make_controller as make_controller  # the fixture, for the lock
from vbedesk.i18n import _, set_language
from vbedesk.model import Activity, FollowUp, Period
from vbedesk.reports.followup_xlsx import HEADERS
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.disclosure_notice import DisclosureNoticeDialog
from vbedesk.ui.pages.plan import PlanPage
from vbedesk.ui.pages.plan_presenter import ils_text

T1 = Period.parse("T1 2021")


def _page(qtbot: QtBot, service: VaultService) -> PlanPage:
    page = PlanPage(service)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.set_period(T1)
    return page


def _activities(page: PlanPage) -> list[Activity]:
    return [line.activity for line in page.plan_model.rows() if line.activity is not None]


def _followed_up(service: VaultService, activity: Activity) -> FollowUp:
    assert activity.id is not None
    service.plans.add_followup(
        FollowUp(activity.id, T1, "PAGAR", "Första träffen hölls.", date(2021, 3, 1))
    )
    return service.plans.add_followup(
        FollowUp(activity.id, T1, "GENOMFORD", "Två träffar i Vällingby.", date(2021, 4, 20))
    )


def test_the_text_names_the_activity_status_comment_and_date(demo: VaultService) -> None:
    statuses = demo.taxonomies.activity_statuses
    activity = Activity(1, 1, "Trygghetsvandring", "Enhetschef", "Vår", "T1", id=7)
    followup = FollowUp(7, T1, "GENOMFORD", "Två träffar i Vällingby.", date(2021, 4, 20))
    assert ils_text(activity, T1, followup, statuses) == (
        "Activity: Trygghetsvandring\n"
        "Status (T1 2021): Done\n"
        "Comment: Två träffar i Vällingby.\n"
        "Noted: 2021-04-20"
    )
    assert ils_text(activity, T1, None, statuses) == (
        "Activity: Trygghetsvandring\nStatus (T1 2021): No follow-up noted"
    )
    set_language("sv")
    try:
        assert ils_text(activity, T1, followup, statuses) == (
            "Aktivitet: Trygghetsvandring\n"
            "Status (T1 2021): Genomförd\n"
            "Kommentar: Två träffar i Vällingby.\n"
            "Noterad: 2021-04-20"
        )
        assert ils_text(activity, T1, None, statuses).endswith(
            "Status (T1 2021): Ingen uppföljning noterad"
        )
    finally:
        set_language("en")


def test_the_button_puts_the_newest_followup_on_the_clipboard(
    qtbot: QtBot, demo: VaultService
) -> None:
    page = _page(qtbot, demo)
    panel = page.view.followup
    assert not panel.copy_ils_button.isEnabled()  # nothing selected
    first, second = _activities(page)[:2]
    assert first.id is not None and second.id is not None
    newest = _followed_up(demo, first)
    page.refresh()
    page.select_activity(first.id)
    QApplication.clipboard().clear()

    # By keyboard: the button has the focus, Space presses it.
    panel.copy_ils_button.setFocus()
    qtbot.keyClick(panel.copy_ils_button, Qt.Key.Key_Space)
    expected = ils_text(first, T1, newest, demo.taxonomies.activity_statuses)
    assert QApplication.clipboard().text() == expected
    assert expected.splitlines()[1:] == [
        "Status (T1 2021): Done",
        "Comment: Två träffar i Vällingby.",
        "Noted: 2021-04-20",
    ]
    assert "clipboard" in panel.ils_status.text()

    # An activity without a follow-up in the period says so.
    page.select_activity(second.id)
    qtbot.mouseClick(panel.copy_ils_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == (
        f"Activity: {second.text}\nStatus (T1 2021): No follow-up noted"
    )


def test_the_period_is_exported_as_csv_and_registered(
    qtbot: QtBot, demo: VaultService, tmp_path: Path
) -> None:
    page = _page(qtbot, demo)
    activities = _activities(page)
    _followed_up(demo, activities[0])
    page.refresh()
    button = page.view.followup.export_period_button
    assert button.isEnabled()
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)

    notice = page.saving.notice
    assert isinstance(notice, DisclosureNoticeDialog) and notice.isVisible()
    assert "T1 2021" in notice.notice.text()
    assert demo.disclosures.all() == []  # nothing written before the notice is accepted
    notice.recipient_edit.setText("Stadsledningskontoret")
    notice.purpose_edit.setText("ILS-webb T1")
    notice.continue_button.click()
    dialog = page.saving.file_dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    target = tmp_path / "uppfoljning-T1-2021.csv"
    with qtbot.waitSignal(page.period_exported, timeout=60_000) as exported:
        dialog.fileSelected.emit(str(target))  # what the dialog emits when a name is chosen
        dialog.close()

    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel reads å ä ö
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [_(h) for h in HEADERS]
    assert len(rows) == 1 + len(activities)
    by_text = {row[1]: row for row in rows[1:]}
    done = by_text[activities[0].text]
    assert done[5:] == ["Done", "Två träffar i Vällingby.", "2021-04-20"]
    assert by_text[activities[1].text][5:] == ["Not noted", "", ""]
    [entry] = demo.disclosures.all()
    assert (entry.id, entry.kind, entry.recipient, entry.purpose) == (
        exported.args[0],
        "csv",
        "Stadsledningskontoret",
        "ILS-webb T1",
    )
    assert entry.path == str(target.resolve())
    assert str(target) in page.view.followup.ils_status.text()


def test_the_copied_text_is_cleared_at_the_lock(
    qtbot: QtBot, demo_vault: DemoVault, make_controller: MakeController
) -> None:
    controller = make_controller(demo_vault.folder)
    controller.start()
    window = _unlock(qtbot, controller, demo_vault.passphrase)
    qtbot.waitExposed(window)
    page = window.page("plan")
    assert isinstance(page, PlanPage)
    window.show_page("plan")
    activity = _activities(page)[0]
    assert activity.id is not None
    page.select_activity(activity.id)
    button = page.view.followup.copy_ils_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the click gives the button the focus
    assert QApplication.clipboard().text().startswith(f"Activity: {activity.text}")

    with qtbot.waitSignal(controller.locked, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == ""
