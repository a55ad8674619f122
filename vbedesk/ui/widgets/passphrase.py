"""A new passphrase typed twice, with a strength meter and the reasons for a refusal (GUI thread).

Used where a passphrase is chosen: the first run, the recovery-key unlock, backups.
Acceptance is the domain's rule (``vbedesk.passphrase``); the meter only guides.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from vbedesk.i18n import N_, _
from vbedesk.passphrase import MIN_LENGTH, passphrase_problems

#: The meter's words, from 0 to 4 (``passphrase_strength``).
STRENGTH_NAMES = (N_("Too weak"), N_("Weak"), N_("Fair"), N_("Good"), N_("Strong"))


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
