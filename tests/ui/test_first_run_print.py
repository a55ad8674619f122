"""The first-run dialog's recovery sheet: printed through a QPrinter, or saved as PDF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from pytestqt.qtbot import QtBot

from tests.conftest import fast_kdf
from vbedesk.ui.dialogs.first_run import FirstRunDialog

STRONG = "tre gröna äpplen på bordet"
#: What may appear on the sheet besides the key and the vault id (words of the template).
SHEET_WORDS = ("Recovery sheet", "Vault id", "Recovery key", "Instructions", "safe")


@pytest.fixture
def created(qtbot: QtBot, tmp_path: Path) -> Iterator[FirstRunDialog]:
    """A first-run dialog that has just created a vault and shows its recovery key."""
    dialog = FirstRunDialog(tmp_path / "vault", kdf=fast_kdf())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._next()
    dialog.passphrase_fields.first.setText(STRONG)
    dialog.passphrase_fields.second.setText(STRONG)
    dialog._next()
    qtbot.waitUntil(lambda: dialog.current_page() == FirstRunDialog.PAGE_RECOVERY, timeout=10_000)
    yield dialog
    dialog.abandon()


def _text(pdf: Path) -> str:
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    # Qt's PDF puts tabs between words; one space each is what a reader sees.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_printing_puts_the_key_and_the_vault_id_on_one_page(
    created: FirstRunDialog, tmp_path: Path
) -> None:
    assert created.print_button.isVisible() and created.save_pdf_button.isVisible()
    key = created.key_label.text()
    vault_id = created.service.vault.vault_id if created.service else ""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    created.print_to(printer)
    # The id as printed must read back exactly (a hexadecimal id with "ff" in it once came
    # out as a ligature): check every id shape, not only this vault's random one.
    from datetime import date

    from vbedesk.ui.recovery_print import print_recovery_sheet

    other = tmp_path / "ligatures.pdf"
    printer2 = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer2.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer2.setOutputFileName(str(other))
    print_recovery_sheet(printer2, key, "ff00fi11fl22ffi3", created=date(2026, 1, 2))
    assert "ff00fi11fl22ffi3" in _text(other)
    text = _text(out)
    assert key in text
    assert vault_id in text
    assert "Recovery sheet" in text and "Instructions" in text
    # Nothing else from the vault: not the passphrase, not the folder.
    assert "äpplen" not in text and str(tmp_path) not in text
    assert "sent to the printer" in created.sheet_label.text()
    assert created.service is not None
    entry = created.service.disclosures.all()[-1]
    assert (entry.kind, entry.title, entry.path) == ("print", "Recovery sheet", str(out))
    # The print queue's document name names the sheet, never the key.
    assert printer.docName() == "Recovery sheet"


def test_the_print_button_opens_the_print_dialog_without_blocking(
    created: FirstRunDialog,
) -> None:
    dialog = created.print_sheet()
    assert isinstance(dialog, QPrintDialog)
    assert dialog.isVisible()
    dialog.reject()
    assert created.current_page() == FirstRunDialog.PAGE_RECOVERY


def test_save_as_pdf_writes_the_sheet_and_registers_it(
    qtbot: QtBot, created: FirstRunDialog, tmp_path: Path
) -> None:
    key = created.key_label.text()
    service = created.service
    assert service is not None
    out = tmp_path / "sheet.pdf"
    created.save_pdf(out)
    qtbot.waitUntil(lambda: "Saved as" in created.sheet_label.text(), timeout=20_000)
    text = _text(out)
    assert key in text
    assert service.vault.vault_id in text
    assert service.disclosures.all()[-1].path == str(out.resolve())
    assert service.disclosures.all()[-1].kind == "pdf"
    # An existing file is never overwritten.
    before = out.read_bytes()
    created.save_pdf(out)
    qtbot.waitUntil(lambda: created.group_error.isVisible(), timeout=20_000)
    assert "sheet.pdf" in created.group_error.text()
    assert out.read_bytes() == before
