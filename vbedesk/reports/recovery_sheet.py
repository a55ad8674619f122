"""The recovery sheet (nyckelbrev): the recovery key, the vault id, the date, instructions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from vbedesk.i18n import _
from vbedesk.reports.pdf import (
    CONTENT_WIDTH,
    FONT_BOLD,
    ReportInfo,
    build_pdf,
    heading,
    para,
    styles,
    tables,
)


@dataclass(frozen=True)
class RecoverySheet:
    """The words of the recovery sheet, shared by the PDF and the printed page.

    Nothing else from the vault is on it: the key, the vault id, the date, instructions.
    """

    title: str
    subtitle: str
    classification: str
    vault_id: str
    created: date
    recovery_key: str
    instructions: tuple[str, ...]
    headers: tuple[str, str] = ("", "")
    key_heading: str = ""
    instructions_heading: str = ""


def recovery_sheet(recovery_key: str, vault_id: str, *, created: date) -> RecoverySheet:
    """The sheet's content in the current language."""
    return RecoverySheet(
        title=_("Recovery sheet"),
        subtitle=_("VBE Desk — recovery key of a vault"),
        classification=_("Strictly confidential — keep in a locked safe. Do not copy or scan."),
        vault_id=vault_id,
        created=created,
        recovery_key=recovery_key,
        headers=(_("Vault id"), _("Date")),
        key_heading=_("Recovery key"),
        instructions_heading=_("Instructions"),
        instructions=(
            _(
                "The recovery key opens the vault if the passphrase is forgotten or the key "
                "file is lost. Whoever holds this sheet and a copy of the vault can read it."
            ),
            _(
                "Keep this sheet in a locked safe, apart from the computer. Do not photograph, "
                "scan or e-mail it, and do not store it on the computer."
            ),
            _(
                "To use it: open VBE Desk, choose “Use the recovery key”, type the key exactly "
                "as printed (the groups are checked for typing errors) and set a new passphrase."
            ),
            _("After using the key, print a new recovery sheet and destroy this one."),
            _("The vault id tells which vault the key belongs to."),
        ),
    )


def build_recovery_sheet(recovery_key: str, vault_id: str, *, created: date) -> bytes:
    """A one-page sheet to print and keep in the safe; nothing else from the vault is on it.

    The key is not in the PDF's metadata (title and subject only name the sheet).
    """
    sheet = recovery_sheet(recovery_key, vault_id, created=created)
    s = styles()
    info = ReportInfo(
        title=sheet.title,
        district="VBE Desk",
        created=created,
        classification=sheet.classification,
    )
    # As large as fits on one line: a key broken over lines is easy to mistype.
    size = 15.0
    while size > 7 and stringWidth(recovery_key, FONT_BOLD, size) > CONTENT_WIDTH * 0.92:
        size -= 0.5
    key_style = ParagraphStyle(
        "key", parent=s.body, fontName=FONT_BOLD, fontSize=size, leading=size * 1.5, spaceBefore=6
    )
    story: list[Flowable] = [
        para(sheet.title, s.title),
        para(sheet.subtitle, s.body),
        Spacer(1, 8),
    ]
    story += tables(
        list(sheet.headers),
        [[vault_id, created.isoformat()]],
        [300, 120],
    )
    story += heading(sheet.key_heading)
    story.append(para(recovery_key, key_style))
    story += heading(sheet.instructions_heading)
    for line in sheet.instructions:
        story.append(para("• " + line, s.body))
    return build_pdf(story, info)
