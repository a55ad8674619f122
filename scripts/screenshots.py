"""Screenshots of the dialogs and the main window on every page, offscreen, into docs/screenshots.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--lang sv|en]``.
Builds a demo vault in a temporary folder (fast test key derivation: the pictures show
nothing secret) and saves ``widget.grab()`` of each view as PNG.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from vbedesk.storage.bootstrap import DEMO_PASSPHRASE, create_demo_vault
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.ui.app import keep_none_alive
from vbedesk.ui.dialogs.first_run import FirstRunDialog
from vbedesk.ui.dialogs.unlock import UnlockDialog
from vbedesk.ui.main_window import MainWindow
from vbedesk.ui.qt_i18n import install_translators

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
WINDOW = (1280, 800)


def _settle(app: QApplication, ms: int = 150) -> None:
    from PySide6.QtCore import QDeadlineTimer

    deadline = QDeadlineTimer(ms)
    while not deadline.hasExpired():
        app.processEvents()


def _save(app: QApplication, widget: QWidget, name: str, out: Path = OUT) -> Path:
    _settle(app)
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path}")
    return path


def _wait(app: QApplication, condition: Callable[[], object], timeout_ms: int = 30_000) -> None:
    from PySide6.QtCore import QDeadlineTimer

    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise SystemExit("timed out waiting for the background job")
        app.processEvents()


def _reports_and_import(app: QApplication, window: MainWindow, root: Path) -> None:
    """Rapporter with the lägesbild previewed; the review of imported forms in Händelser."""
    import io

    from pypdf import PdfReader, PdfWriter

    from vbedesk.reports.catalog import Kind
    from vbedesk.reports.form import build_blank_form, field_values_for
    from vbedesk.ui.pages.incidents import IncidentsPage
    from vbedesk.ui.pages.reports import ReportsPage

    reports = window.show_page("reports")
    assert isinstance(reports, ReportsPage)
    reports.set_kind(Kind.LAGESBILD)
    reports.view.year_spin.setValue(2021)
    reports.view.analysis.edit.setPlainText(
        "Klistermärken och klotter ökade i Vällingby centrum under hösten. Fastighetsägarna "
        "tar bort materialet inom en vecka; samverkan med kommunpolisen fortsätter."
    )
    reports.generate()
    _wait(app, lambda: reports.output is not None)
    _save(app, window, "main-reports")

    service = window.service
    blank = build_blank_form(service.taxonomies, "sv")

    def filled(name: str, **values: object) -> Path:
        base: dict[str, object] = {
            "received_on": "2021-10-04",
            "occurred_on": "2021-10-02",
            "area": "VALLINGBY",
            "place_type": "CENTRUM_TORG",
            "reporting_unit": "FRITID_KULTUR",
            "reporter_role": "MEDARBETARE",
            "incident_types": ["KLISTERMARKEN"],
            "environment": "HOGER",
            "description": "Klistermärken på busskuren vid torget, borttagna av fastighetsägaren.",
            "actions_taken": ["MATERIAL_AVLAGSNAT"],
            "consent": "EJ_AKTUELLT",
        }
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
        writer.update_page_form_field_values(
            None, field_values_for({**base, **values}), auto_regenerate=True
        )
        path = root / name
        with path.open("wb") as fh:
            writer.write(fh)
        return path

    files = [
        filled("fritidsgarden-oktober.pdf"),
        filled(
            "skolan-november.pdf",
            received_on="2021-11-15",
            description="Eleven (personnummer 19121212-1212) berättade om flygbladen.",
            incident_types=["FLYGBLAD"],
        ),
        root / "anteckningar.pdf",
    ]
    files[2].write_text("Inte en PDF\n", encoding="utf-8")
    incidents = window.show_page("incidents")
    assert isinstance(incidents, IncidentsPage)
    incidents.import_files(files)
    _wait(app, lambda: incidents.import_dialog is not None)
    dialog = incidents.import_dialog
    assert dialog is not None
    dialog.table.selectRow(1)
    _save(app, dialog, "import-review")
    dialog.close()


def _situation_backups_retention(app: QApplication, window: MainWindow, root: Path) -> None:
    """Lägesbild with its charts drawn; Säkerhetskopior with backups listed; Gallring."""
    from datetime import UTC, datetime, timedelta

    from vbedesk.storage.backup import backup_name
    from vbedesk.ui.dialogs.backup_dialogs import RestoreDialog
    from vbedesk.ui.pages.backups import BackupsPage
    from vbedesk.ui.pages.situation import SituationPage

    situation = window.show_page("situation")
    assert isinstance(situation, SituationPage)
    _wait(app, lambda: situation.view is not None and not situation.is_busy())
    _save(app, window, "main-situation")

    service = window.service
    folder = root / "Säkerhetskopior"
    folder.mkdir()
    passphrase = "en lång mening för säkerhetskopian"  # noqa: S105 - a demo picture
    now = datetime.now(UTC)
    for days in (3, 2, 1):
        when = now - timedelta(days=days)
        out = folder / backup_name(when, automatic=True)
        service.backups.create(out, passphrase, automatic=True)
        os.utime(out, (when.timestamp(), when.timestamp()))  # as if written on those days
    service.backups.create(folder / backup_name(now), passphrase)
    service.set_setting("backup_generations", 2)
    backups = window.show_page("backups")
    assert isinstance(backups, BackupsPage)
    backups.set_folder(str(folder))
    window.update_backup_status()
    _save(app, window, "main-backups")
    dialog = backups.restore_selected()
    assert isinstance(dialog, RestoreDialog)
    dialog.view.backup_passphrase.setText(passphrase)
    dialog.check()
    _wait(app, lambda: dialog.current_page() == RestoreDialog.PAGE_TARGET)
    _save(app, dialog, "backup-restore")
    dialog.reject()
    backups.check_vault()
    _wait(app, lambda: backups.view.check_button.isEnabled())
    _save(app, window, "backups-check")

    window.show_page("retention")
    _save(app, window, "main-retention")


def _wizard(app: QApplication, window: MainWindow) -> None:
    """The call wizard: a question, an action with its contacts, the summary; then Rutin."""
    from vbedesk.ui.dialogs.wizard import CallWizardDialog, start_call

    wizard = start_call(window.service, window)
    assert isinstance(wizard, CallWizardDialog)
    wizard.resize(1180, 780)
    wizard.choose(None)  # N0: the call is taken
    _save(app, wizard, "wizard-question")  # N1: acute danger?
    for move in ("NEJ", "JA", None, "JA", "JA"):  # N1, N2, A2, N3, N4 under 18
        wizard.choose(move)
    wizard.view.notes.set_text("Uppringaren: rektor. Eleven går i årskurs 8.")
    _save(app, wizard, "wizard-action")  # A4: orosanmälan with the numbers to call
    for choice in (None, None, None, None, ["POLIS"], None, "NEJ"):
        wizard.choose(choice)
    _save(app, wizard, "wizard-summary")
    wizard.save_case_log_only(accept_findings=True)
    window.show_page("routine")
    _save(app, window, "main-routine")


def dark_palette() -> QPalette:
    """A dark palette as a desktop in dark mode hands to Qt (Fusion's colour roles)."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#2f2f2f",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a",
        QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#6cb4ff",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Light: "#505050",
        QPalette.ColorRole.Midlight: "#404040",
        QPalette.ColorRole.Mid: "#303030",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


#: The views shown in a dark palette and with a large system font.
APPEARANCE_PAGES = (
    "overview",
    "incidents",
    "plan",
    "situation",
    "contacts",
    "retention",
    "settings",
)


def _appearance(app: QApplication, service: VaultService, store: KeyringStore, out: Path) -> None:
    """The main pages and the incident form with a dark palette (Fusion) and a 16 pt font."""
    from vbedesk.ui.dialogs.incident_form import IncidentFormDialog

    style, palette, font = app.style().name(), app.palette(), app.font()
    large = QFont(font)
    large.setPointSize(16)
    for variant, apply in (
        ("dark", lambda: (app.setStyle("Fusion"), app.setPalette(dark_palette()))),
        ("large-font", lambda: (app.setStyle(style), app.setPalette(palette), app.setFont(large))),
    ):
        apply()
        window = MainWindow(service, store)
        window.resize(*WINDOW)
        window.show()
        window.set_lock_remaining(4 * 60 + 37)
        for page_id in APPEARANCE_PAGES:
            if page_id in window.page_ids():
                shown = window.show_page(page_id)
                busy = getattr(shown, "is_busy", None)  # the lägesbild draws off the GUI thread
                if busy is not None:
                    _wait(app, lambda busy=busy: not busy())  # type: ignore[misc]
                _save(app, window, f"{variant}-{page_id}", out)
        some = service.incidents.list_full(limit=1)[0]
        assert some.id is not None
        form = IncidentFormDialog(service, service.incidents.get(some.id), window)
        form.show()
        _save(app, form, f"{variant}-incident-form", out)
        form.reject()
        window.dispose()
        _settle(app)
    app.setStyle(style)
    app.setPalette(palette)
    app.setFont(font)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", choices=("sv", "en"), default="sv")
    parser.add_argument(
        "--hidpi",
        type=Path,
        metavar="DIR",
        help="only the dark and large-font views at QT_SCALE_FACTOR=2, into DIR (to look at)",
    )
    args = parser.parse_args(argv)
    if args.hidpi:
        os.environ["QT_SCALE_FACTOR"] = "2"
        args.hidpi.mkdir(parents=True, exist_ok=True)
    keep_none_alive()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName("VBE Desk screenshots")
    translators = install_translators(app, args.lang)
    OUT.mkdir(parents=True, exist_ok=True)
    kdf = KdfParams.insecure_for_tests()
    store = KeyringStore()  # whatever this machine has: usually none, as on a fresh PC
    with tempfile.TemporaryDirectory(prefix="vbedesk-shots-") as tmp:
        root = Path(tmp)
        settings = QSettings(str(root / "shots.ini"), QSettings.Format.IniFormat)
        if args.hidpi:
            folder = root / "demo-vault"
            service, _recovery = create_demo_vault(folder, DEMO_PASSPHRASE, kdf=kdf)
            try:
                _appearance(app, service, store, args.hidpi)
            finally:
                service.vault.close()
            del translators
            return 0

        # First run: the passphrase page, then the recovery key.
        first = FirstRunDialog(root / "Ny valv", kdf=kdf, rng=random.Random(4))  # noqa: S311
        first.show()
        first.folder_edit.setText(str(root / "VBE Desk" / "valv"))
        first._next()
        first.passphrase_fields.first.setText("tre gröna äpplen på bordet")
        first.passphrase_fields.second.setText("tre gröna äpplen på")
        _save(app, first, "first-run")
        first.passphrase_fields.second.setText("tre gröna äpplen på bordet")
        first._next()
        _wait(app, lambda: first.current_page() == FirstRunDialog.PAGE_RECOVERY)
        _save(app, first, "recovery")
        first.abandon()
        first.deleteLater()

        # Unlock of the demo vault, after a wrong passphrase.
        folder = root / "demo-vault"
        service, _recovery = create_demo_vault(folder, DEMO_PASSPHRASE, kdf=kdf)
        service.vault.close()
        unlock = UnlockDialog(
            folder,
            store,
            hint=f"Demovalv med påhittade uppgifter. Lösenfrasen är: {DEMO_PASSPHRASE}",
            kdf=kdf,
        )
        unlock.show()
        unlock.passphrase_edit.setText("fel lösenfras")
        unlock.submit()
        _wait(app, lambda: not unlock.is_busy)
        _save(app, unlock, "unlock")
        unlock.deleteLater()

        # The main window on every page.
        vault = Vault.open(folder, passphrase=DEMO_PASSPHRASE)
        try:
            window = MainWindow(VaultService(vault), store, qsettings=settings)
            window.resize(*WINDOW)
            window.show()
            window.set_lock_remaining(4 * 60 + 37)
            for page_id in window.page_ids():
                window.show_page(page_id)
                name = "main-overview" if page_id == "overview" else f"main-{page_id}"
                _save(app, window, name)
                if page_id == "settings":
                    _save(app, window, "settings")
            _reports_and_import(app, window, root)
            _situation_backups_retention(app, window, root)
            _wizard(app, window)
            window.dispose()
            _settle(app)
            _appearance(app, VaultService(vault), store, OUT)
        finally:
            vault.close()
    del translators
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
