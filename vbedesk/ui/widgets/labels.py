"""The heading of a dialog's page (GUI thread).

A dialog that shows before the vault is open cannot use ``ui.page.heading_font``: that
module loads the storage layer, which the unlock and first-run dialogs show before.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def heading_label(text: str) -> QLabel:
    """A wrapping heading: bold, 1.4 times the system font, so it follows the system size."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label
