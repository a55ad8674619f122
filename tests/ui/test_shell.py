"""The shell over real vaults: first run, unlock, remember-me, locking, settings, overview."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, DemoVault, fast_kdf, snapshot
from tests.ui.conftest import FakeClock, UiVault
from vbedesk import cli
from vbedesk.errors import InputRefused
from vbedesk.model import IncidentFilter
from vbedesk.settings import Settings
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui import tasks
from vbedesk.ui.app import AppController
from vbedesk.ui.dialogs.first_run import FirstRunDialog, passphrase_strength
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.main_window import MainWindow, page_classes
from vbedesk.ui.page import Page
from vbedesk.ui.pages.overview import OverviewPage, next_followup
from vbedesk.ui.pages.settings_page import SettingsPage
from vbedesk.ui.qt_i18n import install_translators, remove_translators

WRONG = "Wrong passphrase, or the file's header is damaged."
STRONG = "tre gröna äpplen på bordet"  # typed with insert(): QTest types ASCII only


class DraftPage(Page):
    """A page with one text field that keeps its input as a draft before a lock."""

    page_id = "draft-test"

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.edit = QLineEdit()
        self.edit.setAccessibleName("Draft text")
        QVBoxLayout(self).addWidget(self.edit)

    def title(self) -> str:
        return "Draft"

    def save_draft(self) -> None:
        if self.edit.text():
            self.service.drafts.save("test", "1", {"text": self.edit.text()})


#: ``make_controller(folder, **AppController's keyword arguments)``.
MakeController = Callable[..., AppController]


@pytest.fixture
def make_controller(
    qtbot: QtBot, memory_store: KeyringStore, qsettings: QSettings
) -> Iterator[MakeController]:
    made: list[AppController] = []

    def build(folder: Path, **kwargs: Any) -> AppController:
        kwargs.setdefault("store", memory_store)
        kwargs.setdefault("qsettings", qsettings)
        kwargs.setdefault("kdf", fast_kdf())
        controller = AppController(folder, **kwargs)
        made.append(controller)
        return controller

    yield build
    for controller in made:
        controller.shutdown()
    QCoreApplication.sendPostedEvents(None, 0)


def _unlock(qtbot: QtBot, controller: AppController, passphrase: str) -> MainWindow:
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    dialog.passphrase_edit.setText(passphrase)
    with qtbot.waitSignal(controller.window_shown, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    return window


def _submit_and_wait(qtbot: QtBot, dialog: UnlockDialog) -> None:
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.is_busy and dialog.busy_bar.isVisible()  # the KDF runs off the GUI thread
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=10_000)


# -- first run ----------------------------------------------------------------------------
def test_first_run_creates_the_vault_and_insists_on_the_recovery_group(
    qtbot: QtBot, tmp_path: Path, make_controller: MakeController
) -> None:
    folder = tmp_path / "new-vault"
    controller = make_controller(folder)
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, FirstRunDialog) and dialog.isVisible()
    assert dialog.folder() == folder and dialog.folder_error.isHidden()

    # A synced folder is refused with the reason.
    dialog.folder_edit.setText(str(tmp_path / "OneDrive - Stockholms stad" / "vault"))
    assert not dialog.next_button.isEnabled()
    assert "OneDrive - Stockholms stad" in dialog.folder_error.text()
    dialog.folder_edit.setText(str(folder))
    assert dialog.next_button.isEnabled()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.current_page() == FirstRunDialog.PAGE_PASSPHRASE

    # A weak passphrase is explained and cannot be used.
    fields = dialog.passphrase_fields
    qtbot.keyClicks(fields.first, "kort")
    qtbot.keyClicks(fields.second, "kort")
    assert not dialog.next_button.isEnabled()
    assert "12 characters" in fields.problems_label.text()
    assert fields.meter.value() <= 1
    fields.first.setText(STRONG)
    fields.second.setText(STRONG + "x")
    assert not dialog.next_button.isEnabled()
    assert fields.match_label.text() == "The two passphrases differ."
    fields.second.setText(STRONG)
    assert dialog.next_button.isEnabled() and fields.meter.value() >= 3

    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.current_page() == FirstRunDialog.PAGE_RECOVERY, timeout=10_000)
    assert Vault.exists(folder)
    key = dialog.key_label.text()
    assert len(key.split("-")) == 11
    assert dialog.key_label.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction
    assert f"group {dialog.group_number}" in dialog.group_prompt.text().replace("&", "")
    assert not fields.first.text()  # the passphrase does not linger in the widget

    # Escape and a wrong group do not get past the key.
    dialog.reject()
    assert dialog.isVisible()
    wrong = "ZZZZZ" if dialog.group(dialog.group_number) != "ZZZZZ" else "00000"
    qtbot.keyClicks(dialog.group_edit, wrong)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and controller.window is None
    assert f"not group {dialog.group_number}" in dialog.group_error.text()

    right = dialog.group(dialog.group_number)
    dialog.group_edit.clear()
    qtbot.keyClicks(dialog.group_edit, right.lower())
    with qtbot.waitSignal(controller.window_shown, timeout=5000):
        qtbot.keyClick(dialog.group_edit, Qt.Key.Key_Return)
    window = controller.window
    assert window is not None and window.isVisible()
    assert window.page_ids()[0] == "overview" and window.page_ids()[-1] == "settings"

    # The vault on disk opens with the new passphrase and with the key that was shown.
    controller.shutdown()
    Vault.open(folder, passphrase=STRONG).close()
    Vault.open(folder, recovery_key=key).close()


def test_passphrase_strength_grows_with_length() -> None:
    assert passphrase_strength("") == 0
    assert passphrase_strength("abc") == 0
    assert passphrase_strength("abcdefgh") == 1
    assert passphrase_strength("ett två tre fyra") == 3
    assert passphrase_strength("tre gröna äpplen på bordet i köket") == 4


# -- unlock -------------------------------------------------------------------------------
def test_a_wrong_passphrase_is_one_message_and_changes_no_file(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController
) -> None:
    before = snapshot(ui_vault.folder)
    controller = make_controller(ui_vault.folder)
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog) and controller.window is None
    assert dialog.vault_label.text() == "Vault: vault"

    qtbot.keyClicks(dialog.passphrase_edit, "not the passphrase at all")
    _submit_and_wait(qtbot, dialog)
    assert dialog.error_label.isVisible() and dialog.error_label.text() == WRONG
    assert dialog.passphrase_edit.text() == ""
    assert snapshot(ui_vault.folder) == before

    dialog.set_mode(UnlockDialog.MODE_RECOVERY)
    dialog.recovery_edit.setText("A" * 55)
    dialog.new_passphrase.first.setText(STRONG)
    dialog.new_passphrase.second.setText(STRONG)
    _submit_and_wait(qtbot, dialog)
    assert "typo" in dialog.error_label.text()
    assert snapshot(ui_vault.folder) == before

    dialog.set_mode(UnlockDialog.MODE_PASSPHRASE)
    window = _unlock(qtbot, controller, ui_vault.passphrase)
    assert window.isVisible()
    assert controller.dialog is None or not controller.dialog.isVisible()


def test_the_recovery_key_opens_and_sets_a_new_passphrase(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController
) -> None:
    controller = make_controller(ui_vault.folder)
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    qtbot.mouseClick(dialog.mode_button, Qt.MouseButton.LeftButton)
    assert dialog.mode() == UnlockDialog.MODE_RECOVERY
    assert not dialog.unlock_button.isEnabled()
    dialog.recovery_edit.setText(ui_vault.recovery_key.lower())
    dialog.new_passphrase.first.setText("kort")
    dialog.new_passphrase.second.setText("kort")
    assert not dialog.unlock_button.isEnabled()
    dialog.new_passphrase.first.setText(STRONG)
    dialog.new_passphrase.second.setText(STRONG)
    with qtbot.waitSignal(controller.window_shown, timeout=10_000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    controller.shutdown()
    Vault.open(ui_vault.folder, passphrase=STRONG).close()
    with pytest.raises(Exception, match="Wrong passphrase"):
        Vault.open(ui_vault.folder, passphrase=ui_vault.passphrase)


def test_a_vault_open_elsewhere_is_refused_clearly(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController
) -> None:
    other = Vault.open(ui_vault.folder, passphrase=ui_vault.passphrase)  # "another process"
    try:
        controller = make_controller(ui_vault.folder)
        controller.start()
        dialog = controller.dialog
        assert isinstance(dialog, UnlockDialog)
        dialog.passphrase_edit.setText(ui_vault.passphrase)
        _submit_and_wait(qtbot, dialog)
        assert dialog.error_label.text() == "The vault is open in another VBE Desk process."
        assert controller.window is None
    finally:
        other.close()
    window = _unlock(qtbot, controller, ui_vault.passphrase)
    assert window.isVisible()


def test_remember_me_opens_the_next_start_without_the_passphrase(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController, memory_store: KeyringStore
) -> None:
    first = make_controller(ui_vault.folder)
    first.start()
    dialog = first.dialog
    assert isinstance(dialog, UnlockDialog)
    assert dialog.remember_check.isEnabled() and not dialog.remember_check.isChecked()
    dialog.remember_check.setChecked(True)
    _unlock(qtbot, first, ui_vault.passphrase)
    first.shutdown()

    second = make_controller(ui_vault.folder)
    second.start()
    assert second.window is not None and second.window.isVisible()
    assert second.dialog is None
    # After a lock the passphrase is asked for again: the keyring does not undo a lock.
    second.lock()
    assert isinstance(second.dialog, UnlockDialog) and second.dialog.remember_check.isChecked()
    assert second.window is None
    # Unticking forgets the key.
    second.dialog.remember_check.setChecked(False)
    _unlock(qtbot, second, ui_vault.passphrase)
    second.shutdown()
    third = make_controller(ui_vault.folder)
    third.start()
    assert isinstance(third.dialog, UnlockDialog) and third.window is None


def test_without_a_secure_keyring_remembering_is_off_with_the_reason(
    qtbot: QtBot, ui_vault: UiVault, no_keyring: KeyringStore
) -> None:
    dialog = UnlockDialog(ui_vault.folder, no_keyring, kdf=fast_kdf())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.remember_check.isEnabled()
    assert "No secure keyring" in dialog.remember_check.toolTip()
    assert dialog.remember_reason.isVisible()
    assert "No secure keyring" in dialog.remember_reason.text()


# -- locking ------------------------------------------------------------------------------
def test_ctrl_l_saves_drafts_destroys_the_window_and_asks_again(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController
) -> None:
    controller = make_controller(ui_vault.folder, classes=[DraftPage, *page_classes()])
    controller.start()
    window = _unlock(qtbot, controller, ui_vault.passphrase)
    qtbot.waitExposed(window)
    page = window.page("draft-test")
    assert isinstance(page, DraftPage)
    page.edit.setText("halvfärdig anteckning")
    page.edit.setFocus()
    QApplication.clipboard().setText("kopierat ur valvet")
    box = QMessageBox(window)
    box.setText("a dialog that must not hold up the lock")
    box.open()
    service = controller.service
    assert service is not None

    with qtbot.waitSignal(controller.locked, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    assert not shiboken6.isValid(box)
    assert controller.window is None and controller.service is None
    assert not service.vault.is_open
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog) and dialog.isVisible()
    assert QApplication.clipboard().text() == ""
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [dialog]

    window = _unlock(qtbot, controller, ui_vault.passphrase)
    assert controller.service is not None
    assert [d.payload for d in controller.service.drafts.all("test")] == [
        {"text": "halvfärdig anteckning"}
    ]


def test_the_quick_hide_key_locks_and_minimises(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController
) -> None:
    controller = make_controller(ui_vault.folder)
    controller.start()
    window = _unlock(qtbot, controller, ui_vault.passphrase)
    qtbot.waitExposed(window)
    with qtbot.waitSignal(controller.locked, timeout=5000):
        qtbot.keyClick(
            window,
            Qt.Key.Key_L,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog) and dialog.isMinimized()


def test_auto_lock_follows_the_wall_clock(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController, clock: FakeClock
) -> None:
    controller = make_controller(ui_vault.folder, clock=clock)
    controller.start()
    window = _unlock(qtbot, controller, ui_vault.passphrase)
    idle = controller.idle
    assert idle is not None and idle.minutes == 5
    assert window.lock_status.text() == "Locks in 05:00"
    clock.advance(4 * 60)
    idle.tick()
    assert window.lock_status.text() == "Locks in 01:00"
    assert controller.window is window
    # Input restarts the count; then the machine "sleeps" past the limit.
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    idle.tick()
    assert window.lock_status.text() == "Locks in 05:00"
    clock.advance(5 * 60 + 1)
    with qtbot.waitSignal(controller.locked, timeout=2000):
        idle.tick()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    assert isinstance(controller.dialog, UnlockDialog)


# -- pages --------------------------------------------------------------------------------
def test_settings_round_trip_through_the_settings_page(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController, qsettings: QSettings
) -> None:
    controller = make_controller(ui_vault.folder)
    controller.start()
    window = _unlock(qtbot, controller, ui_vault.passphrase)
    page = window.show_page("settings")
    assert isinstance(page, SettingsPage) and window.current_page() is page
    assert page.view.district_edit.text() == Settings().district
    page.view.autolock_spin.setValue(12)
    page.view.threshold_spin.setValue(4)
    page.view.language_combo.setCurrentIndex(page.view.language_combo.findData("en"))
    page.view.district_edit.setText("   ")  # refused by the service: 1 to 100 characters
    qtbot.mouseClick(page.view.save_button, Qt.MouseButton.LeftButton)
    assert page.view.errors["district"].isVisible()
    assert "1 to 100 characters" in page.view.errors["district"].text()
    assert page.view.errors["autolock_minutes"].isHidden()
    page.view.district_edit.setText("Rinkeby-Kista")
    qtbot.mouseClick(page.view.save_button, Qt.MouseButton.LeftButton)
    assert page.view.errors["district"].isHidden() and page.view.saved_label.text() == "Saved."
    assert controller.idle is not None and controller.idle.minutes == 12
    assert qsettings.value("ui/language") == "en"
    assert not page.view.remember_check.isChecked() and page.view.remember_check.isEnabled()
    page.view.remember_check.setChecked(True)
    controller.shutdown()

    reopened = Vault.open(ui_vault.folder, passphrase=ui_vault.passphrase)
    try:
        settings = VaultService(reopened).settings()
    finally:
        reopened.close()
    assert (settings.district, settings.autolock_minutes) == ("Rinkeby-Kista", 12)
    assert (settings.small_cell_threshold, settings.language) == (4, "en")
    assert settings.retention_years == Settings().retention_years
    # The keyring switch took effect: the next start needs no passphrase.
    again = make_controller(ui_vault.folder)
    again.start()
    assert again.window is not None


def test_the_overview_shows_the_demo_counts(qtbot: QtBot, demo_vault: DemoVault) -> None:
    vault = Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    try:
        service = VaultService(vault)
        page = OverviewPage(service, today=lambda: date(2021, 6, 1))
        qtbot.addWidget(page)
        in_2021 = service.incidents.count(IncidentFilter(year=2021))
        open_now = service.incidents.count(IncidentFilter(status="NY")) + service.incidents.count(
            IncidentFilter(status="PAGAR")
        )
        by_year = service.info().incidents_by_year
        assert in_2021 > 0 and open_now > 0
        assert page.year_count_label.text() == str(in_2021)
        assert page.open_count_label.text() == str(open_now)
        assert page.per_year_label.text() == f"2021: {by_year[2021]}, 2020: {by_year[2020]}"
        assert page.next_followup_label.text() == "T2 2021 on 2021-08-31 (in 91 days)"
        assert page.created_label.text() == date.today().isoformat()
        assert page.generation_label.text() == str(service.info().generation)
    finally:
        vault.close()


def test_next_followup_walks_through_the_year() -> None:
    settings = Settings()
    assert str(next_followup(date(2022, 1, 10), settings).due) == "2022-04-30"
    assert next_followup(date(2022, 4, 30), settings).kind.value == "T1"
    assert next_followup(date(2022, 5, 1), settings).kind.value == "T2"
    assert str(next_followup(date(2022, 9, 1), settings).due) == "2022-12-31"


def test_the_window_lists_the_pages_that_exist(
    qtbot: QtBot, ui_vault: UiVault, memory_store: KeyringStore
) -> None:
    vault = Vault.open(ui_vault.folder, passphrase=ui_vault.passphrase)
    try:
        window = MainWindow(VaultService(vault), memory_store)
        qtbot.addWidget(window)
        ids = window.page_ids()
        assert ids[0] == "overview" and ids[-1] == "settings"
        assert set(ids) <= {
            "overview",
            "incidents",
            "routine",
            "plan",
            "training",
            "situation",
            "reports",
            "contacts",
            "backups",
            "retention",
            "settings",
        }
        assert window.nav.count() == len(ids)
        for row, page in enumerate(window.pages()):
            assert window.nav.item(row).text() == page.title()
        assert window.lock_action.shortcut().toString() == "Ctrl+L"
        assert window.vault_status.text() == "Vault: vault"
        assert window.backup_status.text() == "Latest backup: never"
        window.nav.setCurrentRow(len(ids) - 1)
        assert window.current_page() is window.page("settings")
    finally:
        vault.close()


def test_the_navigation_fits_its_longest_title_at_any_font(
    qtbot: QtBot, ui_vault: UiVault, memory_store: KeyringStore
) -> None:
    from PySide6.QtGui import QFont

    vault = Vault.open(ui_vault.folder, passphrase=ui_vault.passphrase)
    try:
        window = MainWindow(VaultService(vault), memory_store)
        qtbot.addWidget(window)
        titles = [window.nav.item(r).text() for r in range(window.nav.count())]

        def longest() -> int:
            return max(window.nav.fontMetrics().horizontalAdvance(t) for t in titles)

        normal = window.nav.width()
        assert MainWindow.NAV_MIN_WIDTH <= normal <= MainWindow.NAV_MAX_WIDTH
        assert normal > longest()
        large = QFont(window.font())
        large.setPointSize(22)
        window.setFont(large)  # a FontChange: the navigation follows
        assert window.nav.width() > normal
        assert window.nav.width() > longest() or window.nav.width() == MainWindow.NAV_MAX_WIDTH
        assert window.nav.width() <= MainWindow.NAV_MAX_WIDTH
    finally:
        vault.close()


# -- infrastructure -----------------------------------------------------------------------
def test_run_task_delivers_on_the_gui_thread(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    seen: dict[str, object] = {}

    def job() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["done"] = (result, threading.get_ident())

    task = tasks.run_task(job, done)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["done"] == (42, gui) and seen["worker"] != gui

    def refuse() -> None:
        raise InputRefused()

    errors: list[tuple[BaseException, int]] = []
    tasks.run_task(refuse, None, lambda exc: errors.append((exc, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0][0], InputRefused) and errors[0][1] == gui


def _is_finished(task: tasks.Task) -> Callable[[], bool]:
    """A condition for ``qtbot.waitUntil`` that holds ``task`` only while it is waited on."""
    return lambda: task.is_finished


def test_a_finished_task_is_released_on_the_gui_thread_once_the_worker_is_idle(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outcome can arrive while the worker is still returning from the emit: the task
    and its signal object are kept until the worker is idle, then let go on this thread."""
    import weakref

    busy_at_each_look: list[bool] = []  # whether the worker ran a job when the reaper looked
    reap = tasks._reap

    def looking_reap() -> None:
        busy_at_each_look.append(tasks.pool().activeThreadCount() > 0)
        reap()

    monkeypatch.setattr(tasks, "_reap", looking_reap)
    gate = threading.Event()
    first = tasks.run_task(lambda: 1)
    second = tasks.run_task(lambda: gate.wait(10))  # keeps the worker busy
    qtbot.waitUntil(_is_finished(first), timeout=5000)
    signals = weakref.ref(first._signals)
    first_ref = weakref.ref(first)
    del first
    looked = len(busy_at_each_look)
    qtbot.waitUntil(lambda: len(busy_at_each_look) >= looked + 3, timeout=5000)
    assert all(busy_at_each_look[looked:])  # three more looks, each while the worker ran
    assert first_ref() is not None and signals() is not None  # the worker is not idle yet
    gate.set()
    qtbot.waitUntil(_is_finished(second), timeout=5000)
    del second
    qtbot.waitUntil(lambda: first_ref() is None, timeout=5000)  # released here, on this thread
    assert tasks._finished == []


def test_a_long_task_shows_its_progress_dialog_after_a_delay(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    gate = threading.Event()
    started = threading.Event()

    def job() -> bool:
        started.set()
        return gate.wait(10)

    task = tasks.run_task(job, parent=parent, progress_text="Skriver PDF…")
    qtbot.waitUntil(started.is_set, timeout=5000)
    QCoreApplication.processEvents()  # what is due now has run
    assert task._progress is None  # the job runs, and no dialog yet: it waits for the delay
    qtbot.waitUntil(lambda: task._progress is not None, timeout=3000)
    assert task._progress is not None and task._progress.labelText() == "Skriver PDF…"
    gate.set()
    qtbot.waitUntil(lambda: task.is_finished, timeout=5000)
    assert task._progress is None


def test_qt_speaks_swedish_through_both_catalogs(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_translators(app, "sv")
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Avbryt"
        from vbedesk.i18n import _

        swedish = _("Wrong passphrase, or the file's header is damaged.")
        assert swedish != WRONG  # the gettext catalog has it
        assert QCoreApplication.translate("any", WRONG) == swedish
    finally:
        remove_translators(app, translators)
        from vbedesk.i18n import set_language

        set_language("en")


def test_the_command_line_opens_the_window_by_default() -> None:
    parser = cli.build_parser()
    assert parser.parse_args([]).func is cli.cmd_gui
    assert parser.parse_args(["gui"]).func is cli.cmd_gui
    assert parser.parse_args(["--vault", "x", "gui"]).vault == "x"
    assert parser.parse_args(["demo", "--open"]).open is True
