"""A plain-text editor that checks for personal identifiers as you type (GUI thread).

The guard (``vbedesk.guard.scan``) runs ~250 ms after the last keystroke; findings are
highlighted in the text and explained below it by kind, line and column. The found text
itself is never repeated anywhere else (not in the explanation, tooltips or logs).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from vbedesk import guard
from vbedesk.i18n import _
from vbedesk.ui.messages import warning_colour

#: Milliseconds of quiet typing before the guard runs.
GUARD_DELAY_MS = 250

_BLOCKING_BACKGROUND = QColor(255, 205, 205)
_BLOCKING_LINE = QColor(190, 0, 0)
_WARNING_BACKGROUND = QColor(255, 236, 179)
_WARNING_LINE = QColor(200, 120, 0)
#: Dark text on the light highlights, so a finding reads on a dark palette too.
_HIGHLIGHT_TEXT = QColor(26, 26, 26)


def qt_offset(text: str, index: int) -> int:
    """The position in Qt's UTF-16 units of the Python str index ``index`` in ``text``."""
    head = text[:index]
    if all(ord(ch) <= 0xFFFF for ch in head):
        return index
    return len(head.encode("utf-16-le")) // 2


def explain(finding: guard.Finding) -> str:
    """One translated sentence about ``finding``: kind and position, never the value."""
    kind = _(guard.kind_label(finding.kind))
    if finding.blocking:
        text = _("Line {line}, column {column}: looks like a {kind}. Remove it before saving.")
    else:
        text = _("Line {line}, column {column}: may be a {kind}. Check it (does not block saving).")
    return text.format(line=finding.line, column=finding.column, kind=kind)


class GuardedTextEdit(QPlainTextEdit):
    """A ``QPlainTextEdit`` whose identifier findings are highlighted as extra selections."""

    #: The findings after a scan (a list of ``guard.Finding``).
    findings_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._findings: list[guard.Finding] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GUARD_DELAY_MS)
        self._timer.timeout.connect(self.rescan)
        self.textChanged.connect(self._timer.start)
        # Tab moves focus to the next control: no keyboard trap in a text field.
        self.setTabChangesFocus(True)

    def findings(self) -> list[guard.Finding]:
        return list(self._findings)

    def scan_pending(self) -> bool:
        """True while an edit waits for its scan."""
        return self._timer.isActive()

    def rescan(self) -> list[guard.Finding]:
        """Run the guard now (also what the debounce timer calls)."""
        self._timer.stop()
        self.set_findings(guard.scan(self.toPlainText()))
        return self.findings()

    def set_findings(self, findings: Sequence[guard.Finding]) -> None:
        """Show ``findings`` (offsets into the current text) as highlights."""
        self._findings = sorted(findings, key=lambda f: f.start)
        self._highlight()
        self.findings_changed.emit(self.findings())

    def _highlight(self) -> None:
        text = self.toPlainText()
        selections = []
        for finding in self._findings:
            fmt = QTextCharFormat()
            fmt.setForeground(QBrush(_HIGHLIGHT_TEXT))
            if finding.blocking:
                fmt.setBackground(QBrush(_BLOCKING_BACKGROUND))
                fmt.setUnderlineColor(_BLOCKING_LINE)
            else:
                fmt.setBackground(QBrush(_WARNING_BACKGROUND))
                fmt.setUnderlineColor(_WARNING_LINE)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setProperty(QTextFormat.Property.UserProperty, finding.kind.value)
            cursor = QTextCursor(self.document())
            cursor.setPosition(qt_offset(text, finding.start))
            cursor.setPosition(qt_offset(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)


class GuardedTextField(QWidget):
    """The editor with a constant hint above it and the explanation of findings below it."""

    def __init__(self, name: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = GuardedTextEdit()
        self.edit.setAccessibleName(name)
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.hint.setStyleSheet("font-style: italic;")
        if hint:
            self.edit.setAccessibleDescription(hint)
            self.edit.setPlaceholderText(hint)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName(_("Identifier check"))
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.explanation.setVisible(False)
        self.explanation.setStyleSheet(f"color: {warning_colour()};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.explanation)
        self.setFocusProxy(self.edit)
        self.edit.findings_changed.connect(self._explain)

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)
        self.edit.rescan()

    def explanation_text(self) -> str:
        return self.explanation.text()

    def _explain(self, findings: list[guard.Finding]) -> None:
        lines = [explain(f) for f in findings]
        self.explanation.setText("\n".join(lines))
        self.explanation.setVisible(bool(lines))
        self.edit.setAccessibleDescription(
            "\n".join([self.hint.text(), *lines]) if lines else self.hint.text()
        )
