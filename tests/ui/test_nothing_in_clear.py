"""Nothing in clear: a whole session through the real widgets leaves no free text unencrypted.

A unique marker is typed into incident descriptions, a call's notes and its incident form,
a follow-up comment and an incident form left open at the lock. The session creates the
vault through the first-run dialog, writes a report (which leaves the encryption on
purpose: it goes to a folder outside the scanned set, and its disclosure is checked), makes
a backup and locks. Temp files (``TMPDIR``, ``tempfile.tempdir``), ``HOME`` and the XDG
folders, the QSettings files (the program's own and Qt's, e.g. the file dialog's), a log
file that takes every record at DEBUG (SQLAlchemy's statement log included), and Qt's
messages all point into ``tmp_path``. Then every file there (except the
report folder) is scanned for the marker as bytes: UTF-8 and UTF-16 (both byte orders),
in any letter case.
"""

from __future__ import annotations

import io
import logging
import secrets
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from tests.conftest import fast_kdf
from vbedesk.demo import plan_2021
from vbedesk.reports.catalog import Kind
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.vault import Vault
from vbedesk.ui.app import AppController
from vbedesk.ui.dialogs.backup_dialogs import NewBackupDialog
from vbedesk.ui.dialogs.disclosure_notice import DisclosureNoticeDialog
from vbedesk.ui.dialogs.first_run import FirstRunDialog
from vbedesk.ui.dialogs.incident_form import IncidentFormDialog
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.dialogs.wizard import CallWizardDialog
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.pages.backups import BackupsPage
from vbedesk.ui.pages.incidents import IncidentsPage
from vbedesk.ui.pages.plan import PlanPage
from vbedesk.ui.pages.reports import ReportsPage

if TYPE_CHECKING:
    from pytestqt.logging import _QtMessageCapture  # the type of the qtlog fixture

#: Letters only, so that the identifier guard has nothing to say about it.
MARKER = "ZQXMARKER" + "".join(secrets.choice(string.ascii_uppercase) for _ in range(10))
STRONG = "tre grona applen pa bordet i koket"
BACKUP_PASS = "a long backup sentence for the safe"


def needles(marker: str) -> list[bytes]:
    """The marker's byte forms, lower-cased (the haystack is lower-cased too)."""
    low = marker.lower()
    return [low.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def holds(data: bytes, marker: str) -> bool:
    """Whether ``data`` holds ``marker`` in UTF-8 or UTF-16, in any letter case."""
    low = data.lower()  # ASCII letters only: also lower-cases the UTF-16 code units
    return any(needle in low for needle in needles(marker))


@dataclass
class Scan:
    files: int
    size: int
    hits: list[str]


class Watch:
    """Scans ``root`` at checkpoints of the session: files that exist only for a while
    (a WAL, a ``.partial``, a temp file) are caught while they are there."""

    def __init__(self, root: Path, marker: str, skip: tuple[Path, ...]) -> None:
        self.root, self.marker, self.skip = root, marker, skip
        self.paths: set[str] = set()
        self.hits: set[str] = set()
        self.checkpoints = 0
        self.bytes_read = 0

    def look(self) -> Scan:
        found = scan(self.root, self.marker, skip=self.skip)
        self.checkpoints += 1
        self.bytes_read += found.size
        self.paths |= {
            str(p.relative_to(self.root))
            for p in self.root.rglob("*")
            if p.is_file() and not any(p.is_relative_to(s) for s in self.skip)
        }
        self.hits |= set(found.hits)
        return found


def scan(root: Path, marker: str, *, skip: tuple[Path, ...] = ()) -> Scan:
    files = size = 0
    hits = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink() or any(path.is_relative_to(s) for s in skip):
            continue
        data = path.read_bytes()
        files += 1
        size += len(data)
        if holds(data, marker):
            hits.append(str(path.relative_to(root)))
    return Scan(files, size, hits)


def test_the_scanner_finds_the_marker_in_every_form(tmp_path: Path) -> None:
    forms = {
        "utf8.txt": MARKER.encode(),
        "lower.bin": b"\x00\x01" + MARKER.lower().encode() + b"\xff",
        "utf16le.bin": ("x" + MARKER.title()).encode("utf-16-le"),
        "utf16be.bin": MARKER.encode("utf-16-be"),
    }
    for name, data in forms.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "clean.bin").write_bytes(b"ZQXMARKE" + secrets.token_bytes(64))
    found = scan(tmp_path, MARKER)
    assert found.files == 5
    assert sorted(found.hits) == sorted(forms)


# -- the session ------------------------------------------------------------------------------
@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temp files, Qt's settings files, the home and XDG folders and a DEBUG log file, all
    under ``tmp_path``."""
    temp = tmp_path / "tmp"
    config = tmp_path / "config"
    home = tmp_path / "home"
    for folder in (temp, config, home):
        folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    default_config = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.GenericConfigLocation
    )
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(config))
    # The program logs to stderr only; here every record also goes to a file to be scanned.
    # SQLAlchemy's statement log is switched on too (the engine hides the parameters).
    handler = logging.FileHandler(tmp_path / "vbedesk.log", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s %(args)s"))
    root = logging.getLogger()
    sql = logging.getLogger("sqlalchemy.engine")
    old_levels = (root.level, sql.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql.setLevel(logging.INFO)
    try:
        yield tmp_path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_levels[0])
        sql.setLevel(old_levels[1])
        handler.close()
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, default_config)


def _first_run(qtbot: QtBot, controller: AppController, folder: Path) -> MainWindow:
    controller.start()
    dialog = controller.dialog
    assert isinstance(dialog, FirstRunDialog)
    dialog.folder_edit.setText(str(folder))
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.passphrase_fields.first, STRONG)
    qtbot.keyClicks(dialog.passphrase_fields.second, STRONG)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.current_page() == FirstRunDialog.PAGE_RECOVERY, timeout=10_000)
    qtbot.keyClicks(dialog.group_edit, dialog.group(dialog.group_number))
    with qtbot.waitSignal(controller.window_shown, timeout=10_000) as shown:
        qtbot.keyClick(dialog.group_edit, Qt.Key.Key_Return)
    window = shown.args[0]
    assert isinstance(window, MainWindow)
    qtbot.waitExposed(window)
    return window


def _type(qtbot: QtBot, edit: object, text: str) -> None:
    edit.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, text)


def _new_incident(qtbot: QtBot, page: IncidentsPage, text: str) -> IncidentFormDialog:
    form = page.new_incident()
    assert isinstance(form, IncidentFormDialog)
    qtbot.waitExposed(form)
    form.view.environment.setCurrentIndex(form.view.environment.findData("HOGER"))
    form.view.incident_types.item(0).setCheckState(Qt.CheckState.Checked)
    _type(qtbot, form.view.description.edit, text)
    return form


def _walk(qtbot: QtBot, wizard: CallWizardDialog, moves: list[object]) -> None:
    for move in moves:
        target = wizard.focusWidget() or wizard
        if move == "enter":
            qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(target, getattr(Qt.Key, f"Key_{move}"))


@pytest.mark.slow
def test_a_whole_session_leaves_the_marker_nowhere_in_clear(
    qtbot: QtBot, sandbox: Path, memory_store: KeyringStore, qtlog: _QtMessageCapture
) -> None:
    tmp_path = sandbox
    folder = tmp_path / "vault"
    outside = tmp_path / "reports-outside"  # reports leave the encryption on purpose
    outside.mkdir()
    qsettings = QSettings(str(tmp_path / "config" / "vbedesk.ini"), QSettings.Format.IniFormat)
    controller = AppController(
        tmp_path / "suggested", memory_store, qsettings=qsettings, kdf=fast_kdf()
    )
    typed: dict[str, int] = {}
    watch = Watch(tmp_path, MARKER, (outside,))
    try:
        window = _first_run(qtbot, controller, folder)
        service = controller.service
        assert service is not None and service.vault.folder == folder

        # Two incidents through the form: one saved at once, one after its draft was kept.
        incidents = window.show_page("incidents")
        assert isinstance(incidents, IncidentsPage)
        form = _new_incident(qtbot, incidents, f"Klotter med {MARKER} vid entren")
        with qtbot.waitSignal(form.saved) as saved:
            qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
        first_id = saved.args[0]
        form = _new_incident(qtbot, incidents, f"Flygblad {MARKER.lower()} i trapphuset")
        form.save_draft_now()  # what its timer does after a pause
        assert service.drafts.all("incident")
        with qtbot.waitSignal(form.saved):
            qtbot.mouseClick(form.view.save_button, Qt.MouseButton.LeftButton)
        typed["incident descriptions"] = 2
        watch.look()

        # A call through the wizard, notes with the marker, ending in a case log + incident.
        window.activateWindow()
        wizard = window.open_call()
        assert isinstance(wizard, CallWizardDialog)
        qtbot.waitExposed(wizard)
        wizard.activateWindow()
        qtbot.waitUntil(wizard.isActiveWindow, timeout=5000)
        _walk(qtbot, wizard, ["enter"])
        _type(qtbot, wizard.view.notes.edit, f"uppringaren {MARKER} var lugn")
        wizard.view.answer_buttons[0].setFocus()  # back to the answers (Tab would do the same)
        _walk(qtbot, wizard, [2, 3, 1, "enter", "enter", "enter", "enter", 5, "enter", 3])
        assert wizard.session.finished
        call_form = wizard.complete_incident()
        assert isinstance(call_form, IncidentFormDialog)
        qtbot.waitExposed(call_form)
        call_form.view.environment.setCurrentIndex(call_form.view.environment.findData("HOGER"))
        call_form.view.incident_types.item(0).setCheckState(Qt.CheckState.Checked)
        _type(qtbot, call_form.view.description.edit, f"Samtal om {MARKER}")
        call_form.save_draft_now()  # into the call's draft
        with qtbot.waitSignal(wizard.call_saved, timeout=5000) as stored:
            call_form.view.save_button.click()
        log_id, call_incident = stored.args
        assert MARKER in service.case_logs.search()[0].notes and log_id and call_incident
        typed["call notes and the call's incident form"] = 2
        watch.look()

        # A follow-up comment on the Plan page (the plan itself comes from the demo data).
        service.plans.create(2021, draft=plan_2021())
        plan = window.show_page("plan")
        assert isinstance(plan, PlanPage)
        plan.refresh()
        plan.select_plan(2021)
        current = plan.current_plan()
        assert current is not None and current.id is not None
        section = service.plans.sections(current.id)[0]
        assert section.id is not None
        activity = service.plans.activities(section.id)[0]
        assert activity.id is not None
        plan.select_activity(activity.id)
        assert plan.selected_activity() == activity
        plan.view.followup.status_combo.setCurrentIndex(1)
        _type(qtbot, plan.view.followup.comment_edit, f"Genomfort {MARKER} med skolan")
        assert plan.save_followup()
        typed["follow-up comment"] = 1
        watch.look()

        # A report with free text (the incident): previewed, then saved outside, registered.
        reports = window.show_page("reports")
        assert isinstance(reports, ReportsPage)
        reports.set_kind(Kind.INCIDENT)
        reports.view.incident_spin.setValue(first_id)
        with qtbot.waitSignal(reports.preview_ready, timeout=60_000):
            assert reports.generate() is not None
        notice = reports.save_as()
        assert isinstance(notice, DisclosureNoticeDialog)
        notice.recipient_edit.setText("Polisen")
        notice.purpose_edit.setText("Samverkan")
        notice.continue_button.click()
        chooser = reports.file_dialog
        assert isinstance(chooser, QFileDialog)
        target = outside / "incident.pdf"
        with qtbot.waitSignal(reports.disclosed, timeout=30_000):
            chooser.fileSelected.emit(str(target))
            chooser.close()
        [entry] = service.disclosures.all()
        assert entry.path == str(target.resolve()) or entry.path == str(target)
        assert (entry.recipient, entry.purpose) == ("Polisen", "Samverkan")
        report_text = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages
        )
        assert MARKER in report_text  # the report carries free text: it stays outside the scan
        watch.look()

        # A backup through the dialog.
        backups = window.show_page("backups")
        assert isinstance(backups, BackupsPage)
        backups.set_folder(str(tmp_path / "backups"))
        dialog = backups.create_backup()
        assert isinstance(dialog, NewBackupDialog)
        dialog.fields.first.setText(BACKUP_PASS)
        dialog.fields.second.setText(BACKUP_PASS)
        with qtbot.waitSignal(backups.backup_written, timeout=60_000):
            dialog.ok_button.click()
        assert len(list((tmp_path / "backups").glob("*.vbdk"))) == 1
        watch.look()

        # An incident form left open with the marker, then the lock (kept as a draft).
        open_form = _new_incident(qtbot, window.show_page("incidents"), f"Halvklar {MARKER}")  # type: ignore[arg-type]
        assert open_form.is_dirty()
        typed["incident form open at the lock"] = 1
        watch.look()
        with qtbot.waitSignal(controller.locked, timeout=5000):
            controller.lock()
        assert isinstance(controller.dialog, UnlockDialog)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget is not controller.dialog:
                assert not widget.isVisible()
    finally:
        controller.shutdown()
        QCoreApplication.sendPostedEvents(None, 0)
        qsettings.sync()

    # Everything was really stored (encrypted): the vault opens and holds the marker.
    vault = Vault.open(folder, passphrase=STRONG)
    try:
        from vbedesk.storage.service import VaultService

        reopened = VaultService(vault)
        assert reopened.incidents.count() == 3
        [draft] = reopened.drafts.all("incident")
        assert MARKER in draft.payload["description"]
    finally:
        vault.close()

    found = watch.look()
    assert found.hits == [] and watch.hits == set()
    assert watch.checkpoints == 7
    # The database, its key file and lock, the backup, the two settings files, the log.
    assert found.files >= 7 and found.size > 0
    for part in (
        "vault/vault.db",
        "vault/vault.key",
        "config/vbedesk.ini",
        "config/QtProject.conf",  # the file dialog's history: folders, never content
        "vbedesk.log",
    ):
        assert (tmp_path / part).is_file(), part
    assert len(list((tmp_path / "backups").glob("*.vbdk"))) == 1
    assert (tmp_path / "vbedesk.log").stat().st_size > 0  # records were written and scanned
    assert not holds("\n".join(r.message for r in qtlog.records).encode(), MARKER)
    print(
        f"\nnothing-in-clear: {found.files} files, {found.size} bytes at the end; "
        f"{len(watch.paths)} distinct files, {watch.bytes_read} bytes over "
        f"{watch.checkpoints} checkpoints ({', '.join(sorted(watch.paths))}); "
        f"marker typed into {sum(typed.values())} fields ({', '.join(typed)})"
    )
