"""Unlocking the vault with the passphrase or the recovery key (GUI thread).

The key derivation and the opening run on the worker thread (``ui.tasks``) while a busy
bar shows, through ``storage.access`` as on the command line. Every wrong secret gives the
same message; a vault open in another VBE Desk gives its own. After the recovery key a new
passphrase must be set (audited, as ``vbedesk passphrase --recovery-key`` does).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import WrongPassphrase
from vbedesk.i18n import _
from vbedesk.storage import access
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.secrets import KeyringStore
from vbedesk.ui.messages import error_text
from vbedesk.ui.tasks import run_task
from vbedesk.ui.widgets.fields import error_label, show_error
from vbedesk.ui.widgets.labels import heading_label
from vbedesk.ui.widgets.passphrase import PassphraseFields

if TYPE_CHECKING:  # loaded after the dialog shows (ui.app.preload_window_modules)
    from vbedesk.storage.service import VaultService


class UnlockDialog(QDialog):
    """Asks for the passphrase (or the recovery key); ``unlocked`` carries the open service."""

    unlocked = Signal(object)  # VaultService

    MODE_PASSPHRASE, MODE_RECOVERY = range(2)

    def __init__(
        self,
        folder: Path,
        store: KeyringStore,
        *,
        hint: str = "",
        kdf: KdfParams | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.store = store
        self._kdf = kdf
        self._busy = False
        self.setWindowTitle(_("VBE Desk: locked"))
        self.setAccessibleName(_("Unlock the vault"))

        title = heading_label(_("Unlock the vault"))
        self.vault_label = QLabel(_("Vault: {name}").format(name=folder.name))
        self.vault_label.setToolTip(str(folder))
        self.vault_label.setAccessibleName(_("Vault"))
        self.hint_label = QLabel(hint)
        self.hint_label.setWordWrap(True)
        self.hint_label.setAccessibleName(_("Hint"))
        self.hint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_label.setStyleSheet(
            "QLabel { background: #fff4ce; color: #3b2f00; padding: 6px; border-radius: 3px; }"
        )
        self.hint_label.setVisible(bool(hint))

        self.modes = QStackedWidget()
        self.modes.addWidget(self._passphrase_mode())
        self.modes.addWidget(self._recovery_mode())

        self.remember_check = QCheckBox(_("&Remember on this computer"))
        self.remember_check.setAccessibleName(_("Remember on this computer"))
        self.remember_reason = QLabel()
        self.remember_reason.setWordWrap(True)
        self.remember_reason.setAccessibleName(_("Why remembering is not possible"))
        self._setup_remember()

        self.error_label = error_label(_("Why the vault did not open"))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setAccessibleName(_("Opening the vault"))
        self.busy_bar.setFormat(_("Opening…"))
        self.busy_bar.hide()

        self.mode_button = QPushButton(_("Use the reco&very key"))
        self.mode_button.setAccessibleName(_("Use the recovery key"))
        self.mode_button.clicked.connect(self.toggle_mode)
        self.unlock_button = QPushButton(_("&Unlock"))
        self.unlock_button.setAccessibleName(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)
        self.quit_button = QPushButton(_("&Quit"))
        self.quit_button.setAccessibleName(_("Quit VBE Desk"))
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mode_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.vault_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.modes)
        layout.addWidget(self.remember_check)
        layout.addWidget(self.remember_reason)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy_bar)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumSize(560, 330)  # wrapped labels: room for a reason and an error
        self.set_mode(self.MODE_PASSPHRASE)

    # -- building ------------------------------------------------------------------------
    def _passphrase_mode(self) -> QWidget:
        page = QWidget()
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName(_("Passphrase"))
        self.passphrase_edit.returnPressed.connect(self.submit)
        label = QLabel(_("&Passphrase:"))
        label.setBuddy(self.passphrase_edit)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(label, self.passphrase_edit)
        return page

    def _recovery_mode(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Type the recovery key from the recovery sheet (groups of five characters; "
                "hyphens and spaces do not matter), then choose a new passphrase."
            )
        )
        intro.setWordWrap(True)
        self.recovery_edit = QLineEdit()
        self.recovery_edit.setAccessibleName(_("Recovery key"))
        self.recovery_edit.setPlaceholderText("XXXXX-XXXXX-XXXXX-…")
        label = QLabel(_("Recovery &key:"))
        label.setBuddy(self.recovery_edit)
        self.new_passphrase = PassphraseFields()
        self.new_passphrase.changed.connect(self._update_buttons)
        self.recovery_edit.textChanged.connect(self._update_buttons)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(label, self.recovery_edit)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.new_passphrase)
        return page

    def _setup_remember(self) -> None:
        if not self.store.is_available():
            self.remember_check.setChecked(False)
            self.remember_check.setEnabled(False)
            reason = self.store.describe(_)
            self.remember_check.setToolTip(reason)
            self.remember_reason.setText(reason)
            self.remember_reason.show()
            return
        self.remember_check.setEnabled(True)
        self.remember_check.setToolTip(self.store.describe(_))
        self.remember_reason.hide()
        self.remember_check.setChecked(access.is_remembered(self.folder, self.store))

    # -- modes ---------------------------------------------------------------------------
    def mode(self) -> int:
        return self.modes.currentIndex()

    def set_mode(self, mode: int) -> None:
        self.modes.setCurrentIndex(mode)
        # The stack takes the height of the page shown, not of the tallest one.
        for index in range(self.modes.count()):
            policy = QSizePolicy.Policy.Preferred if index == mode else QSizePolicy.Policy.Ignored
            page = self.modes.widget(index)
            assert page is not None
            page.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.modes.updateGeometry()
        show_error(self.error_label, "")
        if mode == self.MODE_PASSPHRASE:
            self.mode_button.setText(_("Use the reco&very key"))
            self.unlock_button.setText(_("&Unlock"))
            self.passphrase_edit.setFocus()
        else:
            self.mode_button.setText(_("Use the &passphrase"))
            self.unlock_button.setText(_("&Unlock and set the passphrase"))
            self.recovery_edit.setFocus()
        self.mode_button.setAccessibleName(self.mode_button.text().replace("&", ""))
        self.unlock_button.setAccessibleName(self.unlock_button.text().replace("&", ""))
        self._update_buttons()

    def toggle_mode(self) -> None:
        if not self._busy:
            self.set_mode(1 - self.mode())

    def _update_buttons(self) -> None:
        if self.mode() == self.MODE_RECOVERY:
            ready = bool(self.recovery_edit.text().strip()) and self.new_passphrase.is_acceptable()
        else:
            ready = True
        self.unlock_button.setEnabled(ready and not self._busy)
        self.mode_button.setEnabled(not self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        self.modes.setEnabled(not busy)
        self.remember_check.setEnabled(not busy and self.store.is_available())
        self._update_buttons()

    @property
    def is_busy(self) -> bool:
        return self._busy

    # -- opening -------------------------------------------------------------------------
    def submit(self) -> None:
        """Start opening the vault on the worker thread."""
        if self._busy:
            return
        folder, store, kdf = self.folder, self.store, self._kdf
        # The box cannot change while the vault opens: it is disabled while busy.
        remember = self.remember_check.isChecked() if store.is_available() else None
        show_error(self.error_label, "")
        if self.mode() == self.MODE_PASSPHRASE:
            passphrase = self.passphrase_edit.text()
            if not passphrase:
                show_error(self.error_label, _("Type the passphrase."))
                self.passphrase_edit.setFocus()
                return
            job = lambda: access.open_with_passphrase(  # noqa: E731
                folder, passphrase, store=store, remember=remember
            )
        else:
            if not self.new_passphrase.is_acceptable():
                show_error(self.error_label, "\n".join(self.new_passphrase.problems()))
                return
            recovery_key = self.recovery_edit.text()
            new_passphrase = self.new_passphrase.passphrase()
            job = lambda: access.recover(  # noqa: E731
                folder, recovery_key, new_passphrase, kdf=kdf, store=store, remember=remember
            )
        self._set_busy(True)
        run_task(job, self._opened, self._failed, self, on_dropped=lambda s: s.close())

    def _opened(self, service: VaultService) -> None:
        self._set_busy(False)
        self.passphrase_edit.clear()
        self.recovery_edit.clear()
        self.new_passphrase.clear()
        self.accept()
        self.unlocked.emit(service)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self.error_label, error_text(exc))
        if isinstance(exc, WrongPassphrase):
            self.passphrase_edit.clear()
        target = self.passphrase_edit if self.mode() == self.MODE_PASSPHRASE else self.recovery_edit
        target.setFocus()

    def reject(self) -> None:
        if self._busy:
            return  # the outcome arrives in a moment; closing now would leak an open vault
        super().reject()
