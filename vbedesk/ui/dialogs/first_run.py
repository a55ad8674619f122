"""First run: where the vault lives, its passphrase, and the recovery key confirmed (GUI thread).

The key derivation and the creation run on the worker thread (``ui.tasks``). The recovery
key is shown large, never put on the clipboard, and one named group of it must be typed
back before the program continues, so that it was really written down.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _
from vbedesk.passphrase import MIN_LENGTH, passphrase_problems
from vbedesk.recovery import GROUPS
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.vault import Vault, synced_folder_marker
from vbedesk.ui.messages import delete_when_finished, error_text, warning_colour
from vbedesk.ui.tasks import run_task

if TYPE_CHECKING:  # loaded when used: the unlock dialog imports this module at start
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from vbedesk.storage.service import VaultService

STRENGTH_NAMES = ("Too weak", "Weak", "Fair", "Good", "Strong")


def passphrase_strength(passphrase: str) -> int:
    """0 (refused) to 4 (strong), for the meter; acceptance is ``passphrase_problems``."""
    if not passphrase:
        return 0
    if passphrase_problems(passphrase):
        return 1 if len(passphrase) >= MIN_LENGTH // 2 else 0
    length = len(passphrase)
    words = len(passphrase.split())
    if length >= 24 or (length >= 18 and words >= 4):
        return 4
    if length >= 16:
        return 3
    return 2


def error_label(name: str) -> QLabel:
    """A wrapping label for refusals, hidden until there is something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {warning_colour()}; font-weight: bold;")
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def heading_label(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class PassphraseFields(QWidget):
    """A new passphrase typed twice, with a strength meter and the reasons for a refusal."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(_("New passphrase"))
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(_("Repeat the new passphrase"))
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setAccessibleName(_("Passphrase strength"))
        self.meter.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setAccessibleName(_("Why the passphrase is refused"))
        self.match_label = QLabel()
        self.match_label.setAccessibleName(_("Whether the passphrases match"))
        first_label = QLabel(_("&New passphrase:"))
        first_label.setBuddy(self.first)
        second_label = QLabel(_("&Repeat it:"))
        second_label.setBuddy(self.second)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(first_label, self.first)
        form.addRow(_("Strength:"), self.meter)
        form.addRow("", self.problems_label)
        form.addRow(second_label, self.second)
        form.addRow("", self.match_label)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def passphrase(self) -> str:
        return self.first.text()

    def problems(self) -> list[str]:
        """Translated reasons the passphrase cannot be used yet (empty when it can)."""
        reasons = [_(p) for p in passphrase_problems(self.first.text())]
        if not reasons and self.first.text() != self.second.text():
            reasons.append(_("The two passphrases differ."))
        return reasons

    def is_acceptable(self) -> bool:
        return not self.problems()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _update(self) -> None:
        text = self.first.text()
        score = passphrase_strength(text)
        self.meter.setValue(score)
        self.meter.setFormat(_(STRENGTH_NAMES[score]))
        self.meter.setAccessibleDescription(_(STRENGTH_NAMES[score]))
        problems = [_(p) for p in passphrase_problems(text)] if text else []
        self.problems_label.setText("\n".join(problems))
        self.problems_label.setVisible(bool(problems))
        if self.second.text():
            same = self.second.text() == text
            self.match_label.setText(_("They match.") if same else _("The two passphrases differ."))
        else:
            self.match_label.setText("")
        self.changed.emit()


class FirstRunDialog(QDialog):
    """Creates the vault; ``created`` carries its open service once the key is confirmed."""

    created = Signal(object)  # VaultService

    PAGE_FOLDER, PAGE_PASSPHRASE, PAGE_RECOVERY = range(3)

    def __init__(
        self,
        folder: Path,
        *,
        kdf: KdfParams | None = None,
        rng: random.Random | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._kdf = kdf
        self._rng = rng or random.Random()  # noqa: S311 - picks a group to type, not a secret
        self.service: VaultService | None = None
        self._recovery_key = ""
        self.group_number = 0
        self._busy = False
        self._printer: QPrinter | None = None
        self.setWindowTitle(_("VBE Desk: a new vault"))
        self.setAccessibleName(_("Create a new vault"))
        self.setModal(True)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._folder_page(folder))
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._recovery_page())

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setAccessibleName(_("Creating the vault"))
        self.busy_bar.setFormat(_("Creating the vault…"))
        self.busy_bar.hide()

        self.back_button = QPushButton(_("< &Back"))
        self.back_button.setAccessibleName(_("Back"))
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton(_("&Next >"))
        self.next_button.setAccessibleName(_("Next"))
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._next)
        self.cancel_button = QPushButton(_("&Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy_bar, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(640, 460)
        self._show_page(self.PAGE_FOLDER)

    # -- pages ---------------------------------------------------------------------------
    def _folder_page(self, folder: Path) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "VBE Desk keeps everything in one encrypted vault on this computer. "
                "Choose where it lives; the suggested folder is on the local disk and is "
                "not synced to a cloud service."
            )
        )
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(str(folder))
        self.folder_edit.setAccessibleName(_("Folder of the vault"))
        self.folder_edit.textChanged.connect(self._check_folder)
        folder_label = QLabel(_("&Folder:"))
        folder_label.setBuddy(self.folder_edit)
        self.browse_button = QPushButton(_("&Choose…"))
        self.browse_button.setAccessibleName(_("Choose a folder"))
        self.browse_button.clicked.connect(self._browse)
        self.folder_error = error_label(_("Problem with the folder"))
        row = QHBoxLayout()
        row.addWidget(folder_label)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Where the vault lives")))
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.folder_error)
        layout.addStretch(1)
        return page

    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Choose a passphrase: a short sentence of ordinary words that you can remember "
                "is strong and easy to type. At least {n} characters."
            ).format(n=MIN_LENGTH)
        )
        intro.setWordWrap(True)
        self.passphrase_fields = PassphraseFields()
        self.passphrase_fields.changed.connect(self._update_buttons)
        self.create_error = error_label(_("Why the vault was not created"))
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Passphrase")))
        layout.addWidget(intro)
        layout.addWidget(self.passphrase_fields)
        layout.addWidget(self.create_error)
        layout.addStretch(1)
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "This is the recovery key. It opens the vault if the passphrase is forgotten. "
                "Write it down on paper now and keep it in the safe: it is shown only this once "
                "and cannot be copied."
            )
        )
        intro.setWordWrap(True)
        self.key_label = QLabel()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.6)
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.key_label.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.key_label.setAccessibleName(_("Recovery key"))
        self.key_label.setStyleSheet(
            "QLabel { border: 1px solid palette(mid); padding: 12px; background: palette(base); }"
        )
        self.group_prompt = QLabel()
        self.group_prompt.setWordWrap(True)
        self.group_edit = QLineEdit()
        self.group_edit.setMaxLength(12)
        self.group_edit.setAccessibleName(_("The requested group of the recovery key"))
        self.group_prompt.setBuddy(self.group_edit)
        self.group_edit.returnPressed.connect(self._next)
        self.group_error = error_label(_("The group does not match"))
        self.print_button = QPushButton(_("&Print recovery sheet…"))
        self.print_button.setAccessibleName(_("Print recovery sheet"))
        self.print_button.setToolTip(
            _("A one-page sheet with the key, the vault id and instructions, for the safe.")
        )
        self.print_button.clicked.connect(self.print_sheet)
        self.save_pdf_button = QPushButton(_("Save as P&DF…"))
        self.save_pdf_button.setAccessibleName(_("Save the recovery sheet as PDF"))
        self.save_pdf_button.clicked.connect(self.choose_pdf_file)
        self.sheet_label = QLabel()
        self.sheet_label.setWordWrap(True)
        self.sheet_label.setAccessibleName(_("Recovery sheet"))
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.print_button)
        sheet_row.addWidget(self.save_pdf_button)
        sheet_row.addWidget(self.sheet_label, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(heading_label(_("Recovery key")))
        layout.addWidget(intro)
        layout.addWidget(self.key_label)
        layout.addLayout(sheet_row)
        layout.addWidget(self.group_prompt)
        layout.addWidget(self.group_edit)
        layout.addWidget(self.group_error)
        layout.addStretch(1)
        return page

    # -- navigation ----------------------------------------------------------------------
    def current_page(self) -> int:
        return self.pages.currentIndex()

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        if index == self.PAGE_FOLDER:
            self._check_folder()
            self.folder_edit.setFocus()
        elif index == self.PAGE_PASSPHRASE:
            self.passphrase_fields.first.setFocus()
        else:
            self.group_edit.setFocus()
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.current_page()
        self.back_button.setVisible(page == self.PAGE_PASSPHRASE)
        self.back_button.setEnabled(not self._busy)
        self.cancel_button.setVisible(page != self.PAGE_RECOVERY)
        self.cancel_button.setEnabled(not self._busy)
        if page == self.PAGE_FOLDER:
            self.next_button.setText(_("&Next >"))
            self.next_button.setEnabled(self.folder_problem() is None)
        elif page == self.PAGE_PASSPHRASE:
            self.next_button.setText(_("C&reate the vault"))
            self.next_button.setEnabled(not self._busy and self.passphrase_fields.is_acceptable())
        else:
            self.next_button.setText(_("&Start"))
            self.next_button.setEnabled(True)
        self.next_button.setAccessibleName(self.next_button.text().replace("&", ""))

    def folder_problem(self) -> str | None:
        text = self.folder_edit.text().strip()
        if not text:
            return _("Choose a folder.")
        folder = self.folder()
        marker = synced_folder_marker(folder)
        if marker:
            return _(
                "This folder seems to be synced by {marker}. The vault must live on the local "
                "disk only, never in a synced folder: choose another one."
            ).format(marker=marker)
        if Vault.exists(folder) or Vault.key_path(folder).exists():
            return _("A vault already exists in this folder; nothing will be changed there.")
        if folder.exists() and not folder.is_dir():
            return _("This is a file, not a folder.")
        return None

    def _check_folder(self) -> None:
        show_error(self.folder_error, self.folder_problem() or "")
        if self.current_page() == self.PAGE_FOLDER:
            self._update_buttons()

    def _browse(self) -> None:
        dialog = QFileDialog(self, _("Folder of the vault"), str(self.folder().parent))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        delete_when_finished(dialog)
        dialog.fileSelected.connect(lambda path: self.folder_edit.setText(path))
        dialog.open()

    def _back(self) -> None:
        if self.current_page() == self.PAGE_PASSPHRASE and not self._busy:
            self._show_page(self.PAGE_FOLDER)

    def _next(self) -> None:
        page = self.current_page()
        if page == self.PAGE_FOLDER:
            if self.folder_problem() is None:
                self._show_page(self.PAGE_PASSPHRASE)
        elif page == self.PAGE_PASSPHRASE:
            self._create()
        else:
            self.confirm_group(self.group_edit.text())

    # -- creating ------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        self.passphrase_fields.setEnabled(not busy)
        self._update_buttons()

    def _create(self) -> None:
        if self._busy or not self.passphrase_fields.is_acceptable():
            return
        folder = self.folder()
        passphrase = self.passphrase_fields.passphrase()
        kdf = self._kdf
        show_error(self.create_error, "")
        self._set_busy(True)
        from vbedesk.storage.bootstrap import create_vault

        run_task(
            lambda: create_vault(folder, passphrase, kdf=kdf),
            self._created,
            self._failed,
            self,
            on_dropped=lambda result: result[0].vault.close(),
        )

    def _created(self, result: tuple[VaultService, str]) -> None:
        self.service, self._recovery_key = result
        self.passphrase_fields.clear()
        self._set_busy(False)
        self.group_number = self._rng.randint(1, GROUPS)
        self.key_label.setText(self._recovery_key)
        self.group_prompt.setText(
            _("To confirm that you wrote it down, type &group {n} (counted from the left):").format(
                n=self.group_number
            )
        )
        self._show_page(self.PAGE_RECOVERY)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.create_error, error_text(exc))

    # -- the recovery sheet --------------------------------------------------------------
    def print_sheet(self) -> QPrintDialog | None:
        """The system's print dialog; the sheet is printed when it is accepted."""
        if self.service is None or not self._recovery_key:
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
        if self.service is None or not self._recovery_key:
            return
        from vbedesk.ui.recovery_print import print_recovery_sheet

        try:
            print_recovery_sheet(
                printer, self._recovery_key, self.service.vault_id, created=date.today()
            )
            # Every printout is in the disclosure register, as in Rapporter.
            where = printer.outputFileName() or printer.printerName() or _("printer")
            self.service.disclosures.record("print", _("Recovery sheet"), where)
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
        service, key = self.service, self._recovery_key
        if service is None or not key or self._busy:
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

    def group(self, number: int) -> str:
        """Group ``number`` (1-based) of the recovery key just shown."""
        return self._recovery_key.split("-")[number - 1]

    def confirm_group(self, typed: str) -> bool:
        """Accept the dialog when ``typed`` is the requested group; otherwise say so."""
        if self.service is None:
            return False
        cleaned = typed.strip().replace(" ", "").replace("-", "").upper()
        if cleaned != self.group(self.group_number):
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
        service = self.service
        self.service = None  # handed over: closing no longer needs a confirmation
        self._recovery_key = ""
        self.key_label.clear()
        self.accept()
        self.created.emit(service)
        return True

    # -- closing -------------------------------------------------------------------------
    def reject(self) -> None:
        if self._busy:
            return  # the vault is being written; it cannot be left half done
        if self.current_page() == self.PAGE_RECOVERY and self.service is not None:
            show_error(
                self.group_error,
                _("The vault is created. Confirm the recovery key before you continue."),
            )
            return
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.current_page() == self.PAGE_RECOVERY:
            event.accept()
            self.reject()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy or (self.current_page() == self.PAGE_RECOVERY and self.service is not None):
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def abandon(self) -> None:
        """Close without confirming (the program quits): the new vault is closed, kept."""
        if self.service is not None and self.service.is_open:
            self.service.vault.close()
        self.service = None
        self._recovery_key = ""
        self.key_label.clear()
        super().reject()
