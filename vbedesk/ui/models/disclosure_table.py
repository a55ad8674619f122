"""The disclosure register as a table: what left the vault, when, where, why (GUI thread)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from vbedesk.disclosure import Disclosure
from vbedesk.i18n import _
from vbedesk.ui.models.plan_models import DISPLAY, RowTableModel


class DisclosureModel(RowTableModel[Disclosure]):
    """Newest first; times in the computer's local time zone."""

    COL_WHEN, COL_WHAT, COL_KIND, COL_WHERE, COL_RECIPIENT, COL_PURPOSE = range(6)

    def headers(self) -> Sequence[str]:
        return (_("When"), _("What"), _("Format"), _("Where"), _("Recipient"), _("Purpose"))

    def cell(self, row: Disclosure, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_WHERE:
            return row.path
        if role not in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column == self.COL_WHEN:
            return row.at.astimezone().strftime("%Y-%m-%d %H:%M")
        if column == self.COL_WHAT:
            return row.title
        if column == self.COL_KIND:
            return _("printout") if row.kind == "print" else row.kind
        if column == self.COL_WHERE:
            return row.path
        if column == self.COL_RECIPIENT:
            return row.recipient
        if column == self.COL_PURPOSE:
            return row.purpose
        return None
