"""First run: where the vault lives, its passphrase, and the recovery key confirmed (GUI thread).

``FirstRunFlow`` is the dialog's behaviour without a widget (the page shown, what the
buttons offer, whether a folder or a typed group is accepted, when the dialog may close),
as Electrum keeps its wizard's state apart from the Qt pages; ``FirstRunView``
(``first_run_view.py``) lays the pages out; ``FirstRunDialog`` joins them and runs the
creation (``storage.access.create``) and the recovery sheet on the worker thread
(``ui.tasks``). The recovery key is shown large, never put on the clipboard, and one named
group of it must be typed back before the program continues, so that it was really
written down.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from vbedesk.i18n import _
from vbedesk.recovery import GROUPS
from vbedesk.storage import access
from vbedesk.storage.keys import KdfParams
from vbedesk.ui.dialogs.first_run_view import (
    PAGE_FOLDER,
    PAGE_PASSPHRASE,
    PAGE_RECOVERY,
    Buttons,
    FirstRunView,
)
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.tasks import run_task
from vbedesk.ui.widgets.fields import error_label, show_error
from vbedesk.ui.widgets.labels import heading_label
from vbedesk.ui.widgets.passphrase import STRENGTH_NAMES, PassphraseFields, passphrase_strength

if TYPE_CHECKING:  # loaded when used: the unlock dialog imports this module at start
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from vbedesk.storage.service import VaultService

# The shared pieces other dialogs have imported from here.
__all__ = [
    "STRENGTH_NAMES",
    "FirstRunDialog",
    "FirstRunFlow",
    "PassphraseFields",
    "error_label",
    "heading_label",
    "passphrase_strength",
    "show_error",
]


def folder_path(text: str) -> Path:
    """The folder a typed path names."""
    return Path(text.strip()).expanduser()


class FirstRunFlow:
    """The first run's state and rules, without widgets (tested on its own)."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()  # noqa: S311 - picks a group to type, not a secret
        self.page = PAGE_FOLDER
        self.busy = False
        #: The new vault, open, from its creation until it is handed over (or abandoned).
        self.service: VaultService | None = None
        self.recovery_key = ""
        #: The group of the key to type back (1-based), chosen when the vault is created.
        self.group_number = 0

    @staticmethod
    def folder_problem(text: str) -> str | None:
        """Why the vault cannot be created in the typed folder, or None when it can."""
        if not text.strip():
            return _("Choose a folder.")
        folder = folder_path(text)
        marker = access.synced_folder_marker(folder)
        if marker:
            return _(
                "This folder seems to be synced by {marker}. The vault must live on the local "
                "disk only, never in a synced folder: choose another one."
            ).format(marker=marker)
        if access.folder_has_vault(folder):
            return _("A vault already exists in this folder; nothing will be changed there.")
        if folder.exists() and not folder.is_dir():
            return _("This is a file, not a folder.")
        return None

    def buttons(self, *, folder_ok: bool, passphrase_ok: bool) -> Buttons:
        """What the buttons offer on the current page."""
        if self.page == PAGE_FOLDER:
            text, enabled = _("&Next >"), folder_ok
        elif self.page == PAGE_PASSPHRASE:
            text, enabled = _("C&reate the vault"), not self.busy and passphrase_ok
        else:
            text, enabled = _("&Start"), True
        return Buttons(
            back_visible=self.page == PAGE_PASSPHRASE,
            back_enabled=not self.busy,
            cancel_visible=self.page != PAGE_RECOVERY,
            cancel_enabled=not self.busy,
            next_text=text,
            next_enabled=enabled,
        )

    def created(self, service: VaultService, recovery_key: str) -> None:
        """The vault exists: keep it until the key is confirmed, and choose the group."""
        self.service, self.recovery_key = service, recovery_key
        self.group_number = self._rng.randint(1, GROUPS)
        self.page = PAGE_RECOVERY

    def group(self, number: int) -> str:
        """Group ``number`` (1-based) of the recovery key just shown."""
        return self.recovery_key.split("-")[number - 1]

    def group_matches(self, typed: str) -> bool:
        """Whether ``typed`` is the requested group (case, spaces and hyphens aside)."""
        if self.service is None:
            return False
        cleaned = typed.strip().replace(" ", "").replace("-", "").upper()
        return cleaned == self.group(self.group_number)

    def hand_over(self) -> VaultService:
        """The confirmed vault's service, given away: the key is forgotten here."""
        service = self.service
        assert service is not None
        self.service = None
        self.recovery_key = ""
        return service

    def close_refusal(self) -> str | None:
        """None when the dialog may close; else why not ("" to refuse without a word)."""
        if self.busy:
            return ""  # the vault is being written; it cannot be left half done
        if self.page == PAGE_RECOVERY and self.service is not None:
            return _("The vault is created. Confirm the recovery key before you continue.")
        return None

    def abandon(self) -> None:
        """The program quits before the key is confirmed: the new vault is closed, kept."""
        if self.service is not None and self.service.is_open:
            self.service.close()
        self.service = None
        self.recovery_key = ""


class FirstRunDialog(FirstRunView):
    """Creates the vault; ``created`` carries its open service once the key is confirmed."""

    created = Signal(object)  # VaultService

    def __init__(
        self,
        folder: Path,
        *,
        kdf: KdfParams | None = None,
        rng: random.Random | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(folder, parent)
        self._kdf = kdf
        self.flow = FirstRunFlow(rng)
        self._printer: QPrinter | None = None
        self.folder_edit.textChanged.connect(self._check_folder)
        self.browse_button.clicked.connect(self._browse)
        self.passphrase_fields.changed.connect(self._update_buttons)
        self.group_edit.returnPressed.connect(self._next)
        self.print_button.clicked.connect(self.print_sheet)
        self.save_pdf_button.clicked.connect(self.choose_pdf_file)
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        self.cancel_button.clicked.connect(self.reject)
        self._show_page(PAGE_FOLDER)

    # -- state ---------------------------------------------------------------------------
    @property
    def service(self) -> VaultService | None:
        """The new vault's service until it is handed over with ``created``."""
        return self.flow.service

    @property
    def group_number(self) -> int:
        return self.flow.group_number

    def group(self, number: int) -> str:
        return self.flow.group(number)

    def current_page(self) -> int:
        return self.flow.page

    def folder(self) -> Path:
        return folder_path(self.folder_edit.text())

    def folder_problem(self) -> str | None:
        return self.flow.folder_problem(self.folder_edit.text())

    # -- navigation ----------------------------------------------------------------------
    def _show_page(self, index: int) -> None:
        self.flow.page = index
        self.show_page(index)
        if index == PAGE_FOLDER:
            self._check_folder()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.set_buttons(
            self.flow.buttons(
                folder_ok=self.folder_problem() is None,
                passphrase_ok=self.passphrase_fields.is_acceptable(),
            )
        )

    def _check_folder(self) -> None:
        show_error(self.folder_error, self.folder_problem() or "")
        if self.current_page() == PAGE_FOLDER:
            self._update_buttons()

    def _browse(self) -> None:
        dialog = QFileDialog(self, _("Folder of the vault"), str(self.folder().parent))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        delete_when_finished(dialog)
        dialog.fileSelected.connect(lambda path: self.folder_edit.setText(path))
        dialog.open()

    def _back(self) -> None:
        if self.current_page() == PAGE_PASSPHRASE and not self.flow.busy:
            self._show_page(PAGE_FOLDER)

    def _next(self) -> None:
        page = self.current_page()
        if page == PAGE_FOLDER:
            if self.folder_problem() is None:
                self._show_page(PAGE_PASSPHRASE)
        elif page == PAGE_PASSPHRASE:
            self._create()
        else:
            self.confirm_group(self.group_edit.text())

    # -- creating ------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.flow.busy = busy
        self.busy_bar.setVisible(busy)
        self.passphrase_fields.setEnabled(not busy)
        self._update_buttons()

    def _create(self) -> None:
        if self.flow.busy or not self.passphrase_fields.is_acceptable():
            return
        folder, kdf = self.folder(), self._kdf
        passphrase = self.passphrase_fields.passphrase()
        show_error(self.create_error, "")
        self._set_busy(True)
        run_task(
            lambda: access.create(folder, passphrase, kdf=kdf),
            self._created,
            self._failed,
            self,
            on_dropped=lambda result: result[0].close(),
        )

    def _created(self, result: tuple[VaultService, str]) -> None:
        self.flow.created(*result)
        self.passphrase_fields.clear()
        self._set_busy(False)
        self.key_label.setText(self.flow.recovery_key)
        self.group_prompt.setText(
            _("To confirm that you wrote it down, type &group {n} (counted from the left):").format(
                n=self.group_number
            )
        )
        self._show_page(PAGE_RECOVERY)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.create_error, error_text(exc))

    # -- the recovery sheet --------------------------------------------------------------
    def print_sheet(self) -> QPrintDialog | None:
        """The system's print dialog; the sheet is printed when it is accepted."""
        if self.service is None or not self.flow.recovery_key:
            return None
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setAccessibleName(_("Print recovery sheet"))
        delete_when_finished(dialog)
        dialog.accepted.connect(lambda: self.print_to(printer))
        self._printer = printer
        QDialog.open(dialog)  # QPrintDialog.open() in PySide6 insists on a receiver
        return dialog

    def print_to(self, printer: QPrinter) -> None:
        """Print the sheet of the vault just created on ``printer``."""
        service, key = self.service, self.flow.recovery_key
        if service is None or not key:
            return
        from vbedesk.ui.recovery_print import print_recovery_sheet

        try:
            print_recovery_sheet(printer, key, service.vault_id, created=date.today())
            # Every printout is in the disclosure register, as in Rapporter.
            where = printer.outputFileName() or printer.printerName() or _("printer")
            service.disclosures.record("print", _("Recovery sheet"), where)
        except Exception as exc:  # the printer refused: a message, never a traceback
            show_error(self.group_error, error_text(exc))
            return
        self.sheet_label.setText(_("The recovery sheet was sent to the printer."))

    def choose_pdf_file(self) -> QFileDialog | None:
        if self.service is None:
            return None
        dialog = QFileDialog(
            self, _("Save the recovery sheet"), str(Path.home() / "vbedesk-recovery-sheet.pdf")
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["PDF (*.pdf)"])
        dialog.setDefaultSuffix("pdf")
        delete_when_finished(dialog)
        dialog.fileSelected.connect(lambda path: self.save_pdf(Path(path)))
        dialog.open()
        return dialog

    def save_pdf(self, path: Path) -> None:
        """Write the sheet as PDF (worker thread), entered in the disclosure register."""
        service, key = self.service, self.flow.recovery_key
        if service is None or not key or self.flow.busy:
            return
        title = _("Recovery sheet")
        from vbedesk.reports.recovery_sheet import build_recovery_sheet

        def work() -> Path:
            data = build_recovery_sheet(key, service.vault_id, created=date.today())
            service.disclosures.write(path, data, "pdf", title)
            return path

        self._set_busy(True)
        run_task(work, self._pdf_saved, self._pdf_failed, self)

    def _pdf_saved(self, path: Path) -> None:
        self._set_busy(False)
        self.sheet_label.setText(
            _("Saved as {path}. Print it, then delete the file: the key opens the vault.").format(
                path=path
            )
        )

    def _pdf_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.group_error, error_text(exc))

    # -- confirming ----------------------------------------------------------------------
    def confirm_group(self, typed: str) -> bool:
        """Accept the dialog when ``typed`` is the requested group; otherwise say so."""
        if self.service is None:
            return False
        if not self.flow.group_matches(typed):
            show_error(
                self.group_error,
                _(
                    "That is not group {n}; compare with the key above, character by character."
                ).format(n=self.group_number),
            )
            self.group_edit.selectAll()
            self.group_edit.setFocus()
            return False
        show_error(self.group_error, "")
        service = self.flow.hand_over()  # closing no longer needs a confirmation
        self.key_label.clear()
        self.accept()
        self.created.emit(service)
        return True

    # -- closing -------------------------------------------------------------------------
    def reject(self) -> None:
        refusal = self.flow.close_refusal()
        if refusal is None:
            super().reject()
        elif refusal:
            show_error(self.group_error, refusal)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.current_page() == PAGE_RECOVERY:
            event.accept()
            self.reject()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.flow.close_refusal() is not None:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def abandon(self) -> None:
        """Close without confirming (the program quits): the new vault is closed, kept."""
        self.flow.abandon()
        self.key_label.clear()
        super().reject()
