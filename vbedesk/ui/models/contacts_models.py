"""Table models for the contacts and the legal references, marking the unverified (GUI thread)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QIcon

from vbedesk.i18n import _
from vbedesk.model import Contact, LegalReference
from vbedesk.ui.models.plan_models import DISPLAY, TOOLTIP, RowTableModel

#: Amber behind an unverified row; text and icon say it too (colour is never the only sign).
UNVERIFIED_BACKGROUND = QColor("#fff1c2")
UNVERIFIED_TEXT = QColor("#1a1a1a")
INACTIVE_TEXT = QColor("#6e6e6e")


def not_verified_text() -> str:
    return _("not verified")


class ContactsModel(RowTableModel[Contact]):
    """Name, phone, hours, note and the date the number was last verified."""

    COL_NAME, COL_PHONE, COL_HOURS, COL_NOTE, COL_VERIFIED = range(5)

    def __init__(
        self,
        rows: Sequence[Contact] = (),
        warning_icon: QIcon | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(rows, parent)
        self.warning_icon = warning_icon

    def headers(self) -> Sequence[str]:
        return (_("Name"), _("Phone"), _("Hours"), _("Note"), _("Last verified"))

    @staticmethod
    def is_marked(row: Contact) -> bool:
        return row.verified_on is None

    def cell(self, row: Contact, column: int, role: int) -> Any:
        unverified = row.verified_on is None
        if role in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_NAME:
                return row.name if row.active else _("{name} (inactive)").format(name=row.name)
            if column == self.COL_PHONE:
                return row.phone
            if column == self.COL_HOURS:
                return row.hours
            if column == self.COL_NOTE:
                return row.note
            if column == self.COL_VERIFIED:
                return (
                    not_verified_text() if row.verified_on is None else row.verified_on.isoformat()
                )
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_VERIFIED and unverified:
            return self.warning_icon
        if role == Qt.ItemDataRole.BackgroundRole and unverified:
            return QBrush(UNVERIFIED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.active:
                return QBrush(INACTIVE_TEXT)
            if unverified:
                return QBrush(UNVERIFIED_TEXT)
        if role == TOOLTIP:
            if not row.active:
                return _("Inactive: not shown by the routine.")
            if unverified:
                return _("The number has not been verified: check it before use.")
        return None


class LegalReferencesModel(RowTableModel[LegalReference]):
    """Title, citation and note of each legal reference, with whether it is verified."""

    COL_TITLE, COL_CITATION, COL_NOTE, COL_VERIFIED = range(4)

    def __init__(
        self,
        rows: Sequence[LegalReference] = (),
        warning_icon: QIcon | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(rows, parent)
        self.warning_icon = warning_icon

    def headers(self) -> Sequence[str]:
        return (_("Title"), _("Citation"), _("Note"), _("Verified"))

    @staticmethod
    def is_marked(row: LegalReference) -> bool:
        return not row.verified

    def cell(self, row: LegalReference, column: int, role: int) -> Any:
        unverified = not row.verified
        if role in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.COL_TITLE:
                return row.title
            if column == self.COL_CITATION:
                return row.citation
            if column == self.COL_NOTE:
                return row.note
            if column == self.COL_VERIFIED:
                return not_verified_text() if unverified else _("verified")
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_VERIFIED and unverified:
            return self.warning_icon
        if role == Qt.ItemDataRole.BackgroundRole and unverified:
            return QBrush(UNVERIFIED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and unverified:
            return QBrush(UNVERIFIED_TEXT)
        if role == TOOLTIP and unverified:
            return _("The reference has not been verified against the source: check it before use.")
        return None
