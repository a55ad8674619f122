"""The recovery sheet (nyckelbrev): the recovery key, the vault id, the date, instructions."""

from __future__ import annotations

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


def build_recovery_sheet(recovery_key: str, vault_id: str, *, created: date) -> bytes:
    """A one-page sheet to print and keep in the safe; nothing else from the vault is on it.

    The key is not in the PDF's metadata (title and subject only name the sheet).
    """
    s = styles()
    info = ReportInfo(
        title=_("Recovery sheet"),
        district="VBE Desk",
        created=created,
        classification=_("Strictly confidential — keep in a locked safe. Do not copy or scan."),
    )
    # As large as fits on one line: a key broken over lines is easy to mistype.
    size = 15.0
    while size > 7 and stringWidth(recovery_key, FONT_BOLD, size) > CONTENT_WIDTH * 0.92:
        size -= 0.5
    key_style = ParagraphStyle(
        "key", parent=s.body, fontName=FONT_BOLD, fontSize=size, leading=size * 1.5, spaceBefore=6
    )
    story: list[Flowable] = [
        para(_("Recovery sheet"), s.title),
        para(_("VBE Desk — recovery key of a vault"), s.body),
        Spacer(1, 8),
    ]
    story += tables(
        [_("Vault id"), _("Date")],
        [[vault_id, created.isoformat()]],
        [300, 120],
    )
    story += heading(_("Recovery key"))
    story.append(para(recovery_key, key_style))
    story += heading(_("Instructions"))
    for line in (
        _(
            "The recovery key opens the vault if the passphrase is forgotten or the key file "
            "is lost. Whoever holds this sheet and a copy of the vault can read it."
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
    ):
        story.append(para("• " + line, s.body))
    return build_pdf(story, info)
