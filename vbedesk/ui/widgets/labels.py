"""The heading of a dialog's page, the label of a recovery key (GUI thread).

A dialog that shows before the vault is open cannot use ``ui.page.heading_font``: that
module loads the storage layer, which the unlock and first-run dialogs show before.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
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


def recovery_key_label(name: str, scale: float) -> QLabel:
    """An empty label for a recovery key: bold, fixed-width, ``scale`` times the system's
    fixed font (10 points at least), centred; it cannot be selected or copied."""
    label = QLabel()
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 10.0) * scale)
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    label.setAccessibleName(name)
    return label
