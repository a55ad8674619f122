"""The lock matrix: the keyring cases of 'remember on this computer', and every automatic
lock path (idle time, the OS suspending the program, the quick-hide key) over every kind of
unsaved work (an incident form, a call mid-way, a call's incident form).

After each lock no window, dialog or widget with vault data is left: the unlock dialog is
the only visible top-level window and no live text widget holds the typed marker. After
unlocking, the unsaved work is offered back and nothing typed is lost.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from keyring.errors import KeyringError
from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, fast_kdf
from tests.test_secrets import MemoryKeyring
from tests.ui.conftest import FakeClock, UiVault
from vbedesk.storage.keys import KeyFile
from vbedesk.storage.secrets import KeyringStore, backend_name
from vbedesk.storage.vault import KEY_NAME
from vbedesk.ui.app import AppController
from vbedesk.ui.dialogs.incident_form import IncidentFormDialog
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.dialogs.wizard import FORM_KEY, CallWizardDialog, open_wizard
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.pages.incidents import IncidentsPage
from vbedesk.ui.pages.overview import OverviewPage

#: Typed into every field of unsaved work; must be gone from every widget after a lock.
MARKER = "ZQXLOCK" + secrets.token_hex(4).upper()

MakeController = Callable[..., AppController]


class BrokenKeyring(MemoryKeyring):
    """A keyring that works until ``broken``, then fails every call, quoting the value."""

    broken = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise KeyringError(f"cannot read {self.data.get((service, username))!r}")
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.broken:
            raise KeyringError(f"cannot write {password!r}")
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        if self.broken:
            raise KeyringError("cannot delete")
        super().delete_password(service, username)


@pytest.fixture
def make_controller(
    qtbot: QtBot, memory_store: KeyringStore, qsettings: QSettings
) -> Iterator[MakeController]:
    made: list[AppController] = []

    def build(folder: Path, **kwargs: object) -> AppController:
        kwargs.setdefault("store", memory_store)
        kwargs.setdefault("qsettings", qsettings)
        kwargs.setdefault("kdf", fast_kdf())
        controller = AppController(folder, **kwargs)  # type: ignore[arg-type]
        made.append(controller)
        return controller

    yield build
    for controller in made:
        controller.shutdown()
    QCoreApplication.sendPostedEvents(None, 0)


def _vault_id(folder: Path) -> str:
    return KeyFile.load(folder / KEY_NAME).vault_id


def _unlock(qtbot: QtBot, controller: AppController, *, remember: bool | None = None) -> MainWindow:
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog) and dialog.isVisible()
    if remember is not None:
        dialog.remember_check.setChecked(remember)
    dialog.passphrase_edit.setText(PASSPHRASE)
    with qtbot.waitSignal(controller.window_shown, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    window = blocker.args[0]
    assert isinstance(window, MainWindow)
    qtbot.waitExposed(window)
    return window


# -- the keyring matrix --------------------------------------------------------------------
def test_keyring_secure_backend_remembers_the_key(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController, memory_store: KeyringStore
) -> None:
    first = make_controller(ui_vault.folder)
    first.start()
    dialog = first.dialog
    assert isinstance(dialog, UnlockDialog)
    assert dialog.remember_check.isEnabled() and dialog.remember_reason.isHidden()
    _unlock(qtbot, first, remember=True)
    assert memory_store.get(_vault_id(ui_vault.folder)) is not None
    first.shutdown()

    second = make_controller(ui_vault.folder)
    second.start()
    assert second.dialog is None
    assert second.window is not None and second.window.isVisible()


def test_keyring_fail_backend_disables_remembering_with_the_reason(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController, no_keyring: KeyringStore
) -> None:
    controller = make_controller(ui_vault.folder, store=no_keyring)
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    assert not dialog.remember_check.isEnabled() and not dialog.remember_check.isChecked()
    assert dialog.remember_reason.isVisible()
    assert "No secure keyring" in dialog.remember_reason.text()
    assert "keyring.backends.fail.Keyring" in dialog.remember_reason.text()
    window = _unlock(qtbot, controller)
    assert window.isVisible()
    # The settings page says the same, and remembering cannot be switched on there.
    settings = window.show_page("settings")
    remember = getattr(getattr(settings, "view", None), "remember_check", None)
    assert isinstance(remember, QAbstractButton) and not remember.isEnabled()
    controller.shutdown()
    again = make_controller(ui_vault.folder, store=no_keyring)
    again.start()
    assert isinstance(again.dialog, UnlockDialog) and again.window is None


def test_keyring_that_raises_falls_back_to_the_passphrase_without_a_crash(
    qtbot: QtBot,
    ui_vault: UiVault,
    make_controller: MakeController,
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = BrokenKeyring()
    store = KeyringStore(backend, allowed=frozenset({backend_name(backend)}))
    first = make_controller(ui_vault.folder, store=store)
    first.start()
    _unlock(qtbot, first, remember=True)
    vault_id = _vault_id(ui_vault.folder)
    stored_value = backend.data[(KeyringStore.SERVICE, vault_id)]
    first.shutdown()

    backend.broken = True  # the keyring daemon died, or the entry cannot be read
    caplog.set_level(logging.DEBUG)
    second = make_controller(ui_vault.folder, store=store)
    second.start()  # get raises: the passphrase is asked for
    dialog = second.dialog
    assert isinstance(dialog, UnlockDialog) and dialog.isVisible()
    assert second.window is None
    assert not dialog.remember_check.isChecked()
    # Unlocking with "remember" ticked: set raises too, and the window still opens.
    window = _unlock(qtbot, second, remember=True)
    assert window.isVisible() and second.service is not None
    # A lock and a second unlock work the same (delete raises when unticked).
    second.lock()
    window = _unlock(qtbot, second, remember=False)
    assert window.isVisible()
    assert "Keyring read failed (KeyringError)" in caplog.text
    assert "Keyring write failed (KeyringError)" in caplog.text
    assert stored_value not in caplog.text  # the error's text (with the key) is never logged


def test_keyring_stale_entry_asks_for_the_passphrase_and_is_removed(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController
) -> None:
    backend = MemoryKeyring()
    store = KeyringStore(backend, allowed=frozenset({backend_name(backend)}))
    vault_id = _vault_id(ui_vault.folder)
    entry = (KeyringStore.SERVICE, vault_id)
    # A key that no longer opens this vault (a vault made anew with the same id, say).
    backend.data[entry] = "v1:" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    controller = make_controller(ui_vault.folder, store=store)
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog) and dialog.isVisible()
    assert controller.window is None
    assert entry not in backend.data  # the stale entry was removed
    assert not dialog.remember_check.isChecked()
    window = _unlock(qtbot, controller, remember=True)
    assert window.isVisible()
    assert store.get(vault_id) is not None  # remembered again, now with the right key
    controller.shutdown()
    again = make_controller(ui_vault.folder, store=store)
    again.start()
    assert again.window is not None and again.dialog is None


# -- the automatic lock paths over unsaved work ----------------------------------------------
def _open_form(qtbot: QtBot, window: MainWindow) -> QWidget:
    page = window.show_page("incidents")
    assert isinstance(page, IncidentsPage)
    form = page.new_incident()
    assert isinstance(form, IncidentFormDialog)
    qtbot.waitExposed(form)
    form.view.environment.setCurrentIndex(form.view.environment.findData("HOGER"))
    form.view.description.edit.setFocus()
    qtbot.keyClicks(form.view.description.edit, f"Klotter {MARKER} vid entren")
    assert form.is_dirty()
    _copy(form.view.description.edit)
    return form


def _copy(edit: QPlainTextEdit | QTextEdit) -> None:
    """Copy what was typed (Ctrl+C): the lock must clear the clipboard too."""
    edit.selectAll()
    edit.copy()
    assert MARKER in QApplication.clipboard().text()


def _walk(qtbot: QtBot, wizard: CallWizardDialog, moves: list[object]) -> None:
    for move in moves:
        target = wizard.focusWidget() or wizard
        if move == "enter":
            qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            assert isinstance(move, int)
            qtbot.keyClick(target, getattr(Qt.Key, f"Key_{move}"))


def _open_wizard(qtbot: QtBot, window: MainWindow) -> CallWizardDialog:
    wizard = window.open_call()
    assert isinstance(wizard, CallWizardDialog)
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow, timeout=5000)
    return wizard


def _open_call(qtbot: QtBot, window: MainWindow) -> QWidget:
    wizard = _open_wizard(qtbot, window)
    _walk(qtbot, wizard, ["enter", 1, "enter"])  # N0, N1 yes → A1, → N2
    assert wizard.current.id == "N2"
    wizard.view.notes.edit.setFocus()
    qtbot.keyClicks(wizard.view.notes.edit, f"uppringaren {MARKER} var lugn")
    _copy(wizard.view.notes.edit)
    return wizard


def _open_call_form(qtbot: QtBot, window: MainWindow) -> QWidget:
    wizard = _open_wizard(qtbot, window)
    _walk(qtbot, wizard, ["enter", 2, 3, 1, "enter", "enter", "enter", "enter", 5, "enter", 3])
    assert wizard.session.finished
    form = wizard.complete_incident()
    assert isinstance(form, IncidentFormDialog)
    qtbot.waitExposed(form)
    form.view.environment.setCurrentIndex(form.view.environment.findData("HOGER"))
    form.view.incident_types.item(0).setCheckState(Qt.CheckState.Checked)
    form.view.description.edit.setFocus()
    qtbot.keyClicks(form.view.description.edit, f"Affischer {MARKER} i tunneln")
    assert form.is_dirty()
    _copy(form.view.description.edit)
    return form


WORK: dict[str, Callable[[QtBot, MainWindow], QWidget]] = {
    "incident form": _open_form,
    "call": _open_call,
    "call's incident form": _open_call_form,
}


def _trigger(
    qtbot: QtBot, how: str, controller: AppController, focus: QWidget, clock: FakeClock
) -> None:
    if how == "idle":
        idle = controller.idle
        assert idle is not None
        clock.advance(idle.minutes * 60 + 1)
        idle.tick()
    elif how == "suspend":
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationSuspended)
    else:  # the quick-hide key, pressed in the dialog in front (a modal one, too)
        target = QApplication.focusWidget() or focus
        qtbot.keyClick(
            target,
            Qt.Key.Key_L,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )


def _texts_holding(marker: str) -> list[str]:
    """Every live widget whose text holds ``marker`` (class names, for the message)."""
    found = []
    for widget in QApplication.allWidgets():
        if not shiboken6.isValid(widget):
            continue
        text = ""
        if isinstance(widget, QLineEdit | QLabel):
            text = widget.text()
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            text = widget.toPlainText()
        if marker in text or marker in widget.windowTitle() or marker in widget.toolTip():
            found.append(type(widget).__name__)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("work", list(WORK))
@pytest.mark.parametrize("how", ["idle", "suspend", "quick hide"])
def test_an_automatic_lock_leaves_nothing_shown_and_the_work_comes_back(
    qtbot: QtBot,
    ui_vault: UiVault,
    make_controller: MakeController,
    clock: FakeClock,
    how: str,
    work: str,
) -> None:
    controller = make_controller(ui_vault.folder, clock=clock)
    controller.start()
    window = _unlock(qtbot, controller)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    focus = WORK[work](qtbot, window)
    assert _texts_holding(MARKER)  # the marker is on screen before the lock

    with qtbot.waitSignal(controller.locked, timeout=5000):
        _trigger(qtbot, how, controller, focus, clock)
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    assert not shiboken6.isValid(focus)
    dialog = controller.dialog
    assert isinstance(dialog, UnlockDialog)
    assert controller.window is None and controller.service is None
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [dialog]
    assert dialog.isMinimized() == (how == "quick hide")
    assert _texts_holding(MARKER) == []
    assert MARKER not in QApplication.clipboard().text()

    if dialog.isMinimized():
        dialog.showNormal()
    window = _unlock(qtbot, controller)
    if work == "incident form":
        page = window.show_page("incidents")
        assert isinstance(page, IncidentsPage)
        box = page.draft_box
        assert box is not None and box.isVisible()
        page.resume_button.click()
        form = page.form
        assert isinstance(form, IncidentFormDialog) and form.isVisible()
        assert form.view.description.text() == f"Klotter {MARKER} vid entren"
        assert form.view.environment.currentData() == "HOGER"
        return
    overview = window.page("overview")
    assert isinstance(overview, OverviewPage)
    window.show_page("overview")
    assert overview.resume_call_button.isVisible()
    overview.resume_call_button.click()
    resumed = open_wizard(window)
    assert isinstance(resumed, CallWizardDialog)
    if work == "call":
        assert resumed.current.id == "N2"
        assert resumed.view.notes.text() == f"uppringaren {MARKER} var lugn"
        return
    # The call's form opens again with everything typed in it.
    assert resumed.session.finished
    assert isinstance(resumed.incident_form, IncidentFormDialog)
    form = resumed.incident_form
    qtbot.waitExposed(form)
    assert form.view.description.text() == f"Affischer {MARKER} i tunneln"
    assert form.view.environment.currentData() == "HOGER"
    assert form.view.incident_types.codes()
    assert set(form.view.actions_taken.codes()) == set(resumed.prefill()["actions_taken"])
    # Saving it now stores the incident with the call's case log, and the draft goes.
    with qtbot.waitSignal(resumed.call_saved, timeout=5000) as saved:
        form.view.save_button.click()
    service = controller.service
    assert service is not None
    _log_id, incident_id = saved.args
    assert MARKER in service.incidents.get(incident_id).description
    assert service.drafts.all("call") == []


def test_the_call_keeps_its_form_input_in_its_draft(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController
) -> None:
    """Regression: the form a call opens kept no draft, so a lock lost what was typed."""
    controller = make_controller(ui_vault.folder)
    controller.start()
    window = _unlock(qtbot, controller)
    window.activateWindow()
    form = _open_call_form(qtbot, window)
    assert isinstance(form, IncidentFormDialog)
    form.save_draft_now()  # what the form's timer does two seconds after an edit
    service = controller.service
    assert service is not None
    [draft] = service.drafts.all("call")
    assert MARKER in draft.payload[FORM_KEY]["description"]
    assert service.drafts.all("incident") == []  # the call's form keeps no draft of its own
    # Cancel drops the form's input (not the call).
    form.cancel()
    [draft] = service.drafts.all("call")
    assert FORM_KEY not in draft.payload
    assert draft.payload["current_step"]


def _answers_to_fetch_more(model: QAbstractItemModel) -> list[bool]:
    """What ``model`` answers from now on when a view asks whether to fetch more rows."""
    answers: list[bool] = []
    ask = model.canFetchMore

    def spy(parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        answer = ask(parent)
        answers.append(answer)
        return answer

    model.canFetchMore = spy  # type: ignore[method-assign]
    return answers


def test_a_table_reloaded_just_before_a_lock_does_not_read_the_closed_vault(
    qtbot: QtBot, ui_vault: UiVault
) -> None:
    """Regression: an incident saved, then a lock before the event loop ran again: the
    table view fetched its rows afterwards from the closed vault ("The vault is locked."
    raised inside Qt's event loop)."""
    from datetime import date

    from vbedesk.model import Incident
    from vbedesk.storage.service import VaultService
    from vbedesk.storage.vault import Vault
    from vbedesk.ui.pages.retention import RetentionPage

    vault = Vault.open(ui_vault.folder, passphrase=PASSPHRASE)
    service = VaultService(vault)
    for n in range(3):
        service.incidents.add(
            Incident(
                received_on=date(2020, 1, 1 + n),
                incident_types=frozenset(service.taxonomies.incident_types.codes()[:1]),
                environment="HOGER",
                description=f"rad {n} {MARKER}",
                retain_until=date(2021, 1, 1),
            )
        )
    incidents = IncidentsPage(service)
    retention = RetentionPage(service)
    for page in (incidents, retention):
        qtbot.addWidget(page)
        page.resize(1000, 700)
        page.show()
        qtbot.waitExposed(page)
        page.refresh()
    qtbot.waitUntil(lambda: incidents.model.rowCount() == 3, timeout=2000)
    incidents.model.reload()  # what saving an incident does: rows are fetched later
    retention.refresh()
    vault.close()  # the lock comes first
    # The views lay out and ask for rows: nothing may be read or raised.
    asked = [_answers_to_fetch_more(incidents.model), _answers_to_fetch_more(retention.model)]
    qtbot.waitUntil(lambda: all(asked), timeout=2000)
    assert asked == [[False] * len(asked[0]), [False] * len(asked[1])]
    # The reload's outcome (read on the reads' thread) arrives after the lock: dropped.
    qtbot.waitUntil(lambda: not incidents.model.is_loading(), timeout=2000)
    assert incidents.model.rowCount() == 0
    assert not incidents.model.canFetchMore()


def test_a_lock_just_after_a_background_job_ends_shows_and_raises_nothing(
    qtbot: QtBot, ui_vault: UiVault, make_controller: MakeController, tmp_path: Path
) -> None:
    """Regression: a job (here: writing a report) that ended just before a lock delivered
    its outcome after the vault was closed: the page read the closed vault."""
    from vbedesk.reports.catalog import Kind
    from vbedesk.ui import tasks
    from vbedesk.ui.pages.reports import ReportsPage

    controller = make_controller(ui_vault.folder)
    controller.start()
    window = _unlock(qtbot, controller)
    reports = window.show_page("reports")
    assert isinstance(reports, ReportsPage)
    reports.set_kind(Kind.BLANK_FORM)
    with qtbot.waitSignal(reports.preview_ready, timeout=60_000):
        assert reports.generate() is not None
    output = reports.output
    assert output is not None
    target = tmp_path / "blankett.pdf"
    reports.save_to(target, output, "Enheterna", "Blankett")
    assert tasks.wait_for_tasks(30_000)  # the file is written; its outcome is queued
    with qtbot.waitSignal(controller.locked, timeout=5000):
        controller.lock()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    qtbot.waitUntil(lambda: not tasks._running, timeout=5000)  # the outcome is delivered
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [controller.dialog]
    assert target.exists()
    window = _unlock(qtbot, controller)
    service = controller.service
    assert service is not None
    assert [d.path for d in service.disclosures.all()] == [str(target)]
