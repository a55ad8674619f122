"""Every control has a name and the keyboard reaches it: all pages of the window, the dialogs.

Works over whatever pages the build has (``MainWindow.pages()``), so a new page is
checked the day it lands. A control counts as named when Qt's own accessibility
interface reports a name for it: an accessible name, a label buddy, or a button's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.conftest import PASSPHRASE, DemoVault
from tests.ui.conftest import UiVault, page_shown
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.dialogs.first_run import FirstRunDialog
from vbedesk.ui.dialogs.incident_form import IncidentFormDialog
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.main_window import MainWindow

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QAbstractSlider,
)
#: Enough Tab presses to go round any page twice; more means focus never came back.
MAX_TABS = 400


def describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton | QLineEdit) else ""
    return f"{type(widget).__name__}({widget.objectName() or text or '?'})"


def is_part_of_another(widget: QWidget) -> bool:
    """Inner pieces Qt builds into a composite control (a spin box's line edit, a
    combo box's list, a calendar's buttons): the composite carries the name."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox) or type(parent).__name__ in (
            "QCalendarWidget",
            "QDateTimeEdit",
        ):
            return True
        parent = parent.parentWidget()
    return widget.focusProxy() is not None


def controls(root: QWidget, *, visible_only: bool) -> list[QWidget]:
    """The focusable interactive widgets under ``root`` (the window's own pieces as well)."""
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or is_part_of_another(widget):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if visible_only and not (widget.isVisibleTo(root) and widget.isEnabled()):
            continue
        found.append(widget)
    return found


def accessible_name(widget: QWidget) -> str:
    """What a screen reader says for ``widget``: its accessible name, else the text of
    the label whose buddy it is, else (for a button) its own text. A combo box's current
    item or a line edit's placeholder does not count: it says what is chosen, not what."""
    name = widget.accessibleName()
    if not name.strip():
        buddies = [w for w in widget.window().findChildren(QLabel) if w.buddy() is widget]
        name = buddies[0].text() if buddies else ""
    if not name.strip() and isinstance(widget, QAbstractButton):
        name = widget.text()
    return name.replace("&", "").strip()


def unnamed(root: QWidget) -> list[str]:
    return [describe(w) for w in controls(root, visible_only=False) if not accessible_name(w)]


def focused_control() -> QWidget | None:
    """The control holding focus (a spin box, not its inner line edit)."""
    widget = QApplication.focusWidget()
    while widget is not None:
        parent = widget.parentWidget()
        if parent is None or parent.focusProxy() is not widget:
            return widget
        widget = parent
    return None


def tab_cycle(qtbot: QtBot, start: QWidget, scope: QWidget) -> tuple[list[QWidget], bool]:
    """Press Tab from ``start`` until focus comes back to it; (focus order, came back).

    A date field takes Tab through its day, month and year first: focus staying put for a
    few presses is fine, for many it is a trap."""
    start.window().activateWindow()
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: focused_control() is start, timeout=5000)
    order: list[QWidget] = []
    stuck = 0
    for _press in range(MAX_TABS):
        before = focused_control()
        focus = QApplication.focusWidget()
        assert before is not None and focus is not None, "focus was lost"
        QTest.keyClick(focus, Qt.Key.Key_Tab)
        now = focused_control()
        stuck = stuck + 1 if now is before else 0
        if stuck > 8:
            return order, False
        if now is start and order:
            return order, True
        inside = now is not None and now is not start and scope.isAncestorOf(now)
        if inside and (not order or order[-1] is not now):
            order.append(now)  # type: ignore[arg-type]
    return order, False


def reached(order: list[QWidget], widget: QWidget) -> bool:
    return any(w is widget or widget.isAncestorOf(w) or w.focusProxy() is widget for w in order)


def check_keyboard(qtbot: QtBot, start: QWidget, scope: QWidget, where: str) -> None:
    order, came_back = tab_cycle(qtbot, start, scope)
    assert came_back, (
        f"{where}: Tab never returns to the start (a trap after {describe_last(order)})"
    )
    missed = [
        describe(w)
        for w in controls(scope, visible_only=True)
        if w is not start and not reached(order, w)
    ]
    assert not missed, f"{where}: Tab never reaches {missed}"


def describe_last(order: list[QWidget]) -> str:
    return describe(order[-1]) if order else "the start"


@pytest.fixture
def demo(demo_vault: DemoVault) -> Iterator[VaultService]:
    vault = Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    yield VaultService(vault)
    vault.close()


@pytest.fixture
def window(qtbot: QtBot, demo: VaultService, memory_store: KeyringStore) -> MainWindow:
    window = MainWindow(demo, memory_store)
    qtbot.addWidget(window)
    window.resize(1300, 860)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    return window


def test_every_control_on_every_page_has_a_name(qtbot: QtBot, window: MainWindow) -> None:
    assert len(window.pages()) >= 3  # at least Översikt, Händelser (or another), Inställningar
    problems = {}
    for page in window.pages():
        window.show_page(page.page_id)
        qtbot.waitUntil(lambda p=page: window.current_page() is p)  # type: ignore[misc]
        missing = unnamed(page)
        if missing:
            problems[page.page_id] = missing
    problems_window = [
        describe(w)
        for w in controls(window, visible_only=False)
        if not any(p.isAncestorOf(w) for p in window.pages()) and not accessible_name(w)
    ]
    if problems_window:
        problems["window"] = problems_window
    assert not problems, f"controls without an accessible name or label: {problems}"


def test_tab_goes_round_every_page_and_comes_back(qtbot: QtBot, window: MainWindow) -> None:
    for page in window.pages():
        window.show_page(page.page_id)
        qtbot.waitUntil(page_shown(window, page.page_id))
        check_keyboard(qtbot, window.nav, page, page.page_id)
    # The navigation list moves between pages with the arrow keys.
    window.show_page(window.pages()[0].page_id)
    window.nav.setFocus()
    QTest.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_page() is window.pages()[1]


def test_the_focused_control_is_visible_on_every_page(qtbot: QtBot, window: MainWindow) -> None:
    """Visible focus: the style draws a focus frame, so no control hides it with NoFocus
    while still taking key presses, and every page's first control is reachable."""
    for page in window.pages():
        window.show_page(page.page_id)
        window.nav.setFocus()
        QTest.keyClick(window.nav, Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None and page.isAncestorOf(focused), page.page_id
        assert focused.isVisible()


def _check_dialog(qtbot: QtBot, dialog: QDialog, where: str) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    assert not unnamed(dialog), f"{where}: {unnamed(dialog)}"
    first = controls(dialog, visible_only=True)[0]
    check_keyboard(qtbot, first, dialog, where)


def test_the_first_run_dialog_by_keyboard(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = FirstRunDialog(tmp_path / "new-vault")
    _check_dialog(qtbot, dialog, "first run, folder")
    for page in (dialog.PAGE_PASSPHRASE,):
        dialog._show_page(page)
        first = controls(dialog, visible_only=True)[0]
        check_keyboard(qtbot, first, dialog, "first run, passphrase")
    dialog.reject()


def test_the_unlock_dialog_by_keyboard(
    qtbot: QtBot, ui_vault: UiVault, memory_store: KeyringStore
) -> None:
    dialog = UnlockDialog(ui_vault.folder, memory_store)
    _check_dialog(qtbot, dialog, "unlock, passphrase")
    dialog.toggle_mode()
    check_keyboard(qtbot, dialog.recovery_edit, dialog, "unlock, recovery key")


def test_the_incident_form_by_keyboard(qtbot: QtBot, demo: VaultService) -> None:
    form = IncidentFormDialog(demo, None)
    _check_dialog(qtbot, form, "incident form (new)")
    form.reject()
    some = demo.incidents.list_full(limit=1)[0]
    assert some.id is not None
    edit = IncidentFormDialog(demo, demo.incidents.get(some.id))
    _check_dialog(qtbot, edit, "incident form (edit)")
    edit.reject()


def test_the_checks_catch_an_unnamed_control_and_a_tab_trap(qtbot: QtBot) -> None:
    """The checks above are not vacuous: a nameless field and a text box eating Tab fail."""
    from PySide6.QtWidgets import QVBoxLayout

    box = QWidget()
    qtbot.addWidget(box)
    named = QLineEdit()
    named.setAccessibleName("Named")
    nameless = QLineEdit()
    trap = QPlainTextEdit()
    trap.setAccessibleName("Notes")
    layout = QVBoxLayout(box)
    for widget in (named, nameless, trap):
        layout.addWidget(widget)
    box.show()
    qtbot.waitExposed(box)
    assert unnamed(box) == ["QLineEdit(?)"]
    label = QLabel("&Name:")
    label.setBuddy(nameless)
    layout.addWidget(label)
    assert unnamed(box) == []
    order, came_back = tab_cycle(qtbot, named, box)
    assert not came_back and order[-1] is trap
    trap.setTabChangesFocus(True)
    order, came_back = tab_cycle(qtbot, named, box)
    assert came_back and order == [nameless, trap]
