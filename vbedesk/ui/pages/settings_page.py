"""The settings page: the vault's settings and "remember on this computer" (GUI thread)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import InputRefused, VbedeskError
from vbedesk.i18n import N_, _
from vbedesk.settings import SPEC_BY_KEY, Settings
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import delete_when_finished, error_text, warning_colour
from vbedesk.ui.page import Page

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


def _spin(key: str) -> QSpinBox:
    spec = SPEC_BY_KEY[key]
    spin = QSpinBox()
    spin.setRange(spec.minimum or 0, spec.maximum or 999)
    spin.setAccessibleName(_(spec.label))
    spin.setMinimumWidth(120)
    spin.setMaximumWidth(180)
    return spin


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {warning_colour()};")
    label.setAccessibleName(name)
    label.hide()
    return label


class SettingsPage(Page):
    """Form screen with ``load()``/``save()``; each changed setting is saved on its own."""

    page_id = "settings"

    #: The settings as saved (for the auto-lock, the language mirror).
    settings_saved = Signal(object)

    def __init__(
        self,
        service: VaultService,
        parent: QWidget | None = None,
        *,
        store: KeyringStore | None = None,
    ) -> None:
        super().__init__(service, parent)
        self.store = store if store is not None else KeyringStore()
        self._loaded: Settings | None = None

        self.district_edit = QLineEdit()
        self.district_edit.setMaxLength(100)
        self.district_edit.setAccessibleName(_(SPEC_BY_KEY["district"].label))
        self.district_edit.setMaximumWidth(420)
        self.autolock_spin = _spin("autolock_minutes")
        self.autolock_spin.setSuffix(" " + _("min"))
        self.retention_spin = _spin("retention_years")
        self.retention_spin.setSuffix(" " + _("years"))
        self.threshold_spin = _spin("small_cell_threshold")
        self.generations_spin = _spin("backup_generations")
        self.backup_folder_edit = QLineEdit()
        self.backup_folder_edit.setMaxLength(1000)
        self.backup_folder_edit.setAccessibleName(_(SPEC_BY_KEY["backup_folder"].label))
        self.backup_folder_edit.setPlaceholderText(_("Default: beside the vault folder"))
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(_("Language"))
        self.language_combo.setMaximumWidth(180)
        for code in SPEC_BY_KEY["language"].choices:
            self.language_combo.addItem(LANGUAGE_NAMES.get(code, code), code)

        self.errors: dict[str, QLabel] = {}
        general = QGroupBox(_("Settings of this vault"))
        form = QFormLayout(general)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows: list[tuple[str, str, QWidget]] = [
            ("district", _("&District:"), self.district_edit),
            ("autolock_minutes", _("&Lock after idle time:"), self.autolock_spin),
            ("retention_years", _("&Retention before gallring:"), self.retention_spin),
            ("small_cell_threshold", _("S&mall-cell threshold:"), self.threshold_spin),
            ("language", _("Lan&guage:"), self.language_combo),
            ("backup_folder", _("&Backup folder:"), self.backup_folder_edit),
            ("backup_generations", _("Automatic backups to &keep:"), self.generations_spin),
        ]
        for key, caption, widget in rows:
            label = QLabel(caption)
            label.setBuddy(widget)
            error = _error_label(_("Error: {setting}").format(setting=_(SPEC_BY_KEY[key].label)))
            self.errors[key] = error
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            box.addWidget(error)
            form.addRow(label, box)
        self.language_note = QLabel(_("A new language takes effect at the next start."))
        self.language_note.setWordWrap(True)
        form.addRow("", self.language_note)

        self.save_button = QPushButton(_("&Save settings"))
        self.save_button.setAccessibleName(_("Save settings"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(_("&Undo changes"))
        self.revert_button.setAccessibleName(_("Undo changes"))
        self.revert_button.clicked.connect(self.load)
        self.saved_label = QLabel()
        self.saved_label.setAccessibleName(_("Save status"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.saved_label, 1)

        computer = QGroupBox(_("This computer"))
        cform = QVBoxLayout(computer)
        self.remember_check = QCheckBox(_("&Remember the key on this computer"))
        self.remember_check.setAccessibleName(_("Remember the key on this computer"))
        self.remember_check.toggled.connect(self._remember_toggled)
        self.keyring_label = QLabel()
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setAccessibleName(_("System keyring"))
        self.keyring_error = _error_label(_("Keyring error"))
        explain = QLabel(
            _(
                "When remembered, the vault opens without the passphrase when the program "
                "starts on this computer and this Windows account. After a lock the "
                "passphrase is always asked for."
            )
        )
        explain.setWordWrap(True)
        cform.addWidget(self.remember_check)
        cform.addWidget(self.keyring_label)
        cform.addWidget(self.keyring_error)
        cform.addWidget(explain)

        heading = QLabel(_("Settings"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(general)
        layout.addLayout(buttons)
        layout.addWidget(computer)
        layout.addWidget(self._routine_group())
        layout.addStretch(1)
        self.load()

    def title(self) -> str:
        return _("Settings")

    # -- the routine ---------------------------------------------------------------------
    def _routine_group(self) -> QGroupBox:
        group = QGroupBox(_("Routine"))
        self.routine_label = QLabel()
        self.routine_label.setWordWrap(True)
        self.routine_label.setAccessibleName(_("The routine in use"))
        self.routine_button = QPushButton(_("Load a revised r&outine…"))
        self.routine_button.setAccessibleName(_("Load a revised routine"))
        self.routine_button.clicked.connect(self.choose_routine_file)
        self.routine_message = QLabel()
        self.routine_message.setWordWrap(True)
        self.routine_message.setAccessibleName(_("Routine load result"))
        self.routine_message.hide()
        self.routine_problems = QPlainTextEdit()
        self.routine_problems.setReadOnly(True)
        self.routine_problems.setTabChangesFocus(True)
        self.routine_problems.setAccessibleName(_("Problems in the routine file"))
        self.routine_problems.setMaximumHeight(130)
        self.routine_problems.hide()
        self.routine_dialog: QFileDialog | None = None
        row = QHBoxLayout()
        row.addWidget(self.routine_label, 1)
        row.addWidget(self.routine_button)
        box = QVBoxLayout(group)
        box.addLayout(row)
        box.addWidget(self.routine_message)
        box.addWidget(self.routine_problems)
        return group

    def _show_routine(self) -> None:
        try:
            definition = self.service.routines.active()
        except Exception as exc:  # the page must still open
            self.routine_label.setText(error_text(exc))
            return
        self.routine_label.setText(
            _("In use: {id}, version {version}").format(
                id=definition.id, version=definition.version
            )
        )

    def choose_routine_file(self) -> QFileDialog:
        """Ask for the revised routine file (without blocking: a lock can close it)."""
        dialog = QFileDialog(self, _("Load a revised routine"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(_("Routine files (*.toml)"))
        delete_when_finished(dialog)
        dialog.fileSelected.connect(lambda name: self.load_routine_file(Path(name)))
        self.routine_dialog = dialog
        dialog.open()
        return dialog

    def load_routine_file(self, path: Path) -> bool:
        """Validate the file through the service and put it in use; a refusal names the step."""
        from vbedesk.routine import RoutineInvalid

        try:
            if path.stat().st_size > 1_000_000:
                raise InputRefused(N_("The routine file is too large."))
            content = path.read_text(encoding="utf-8")
            definition = self.service.routines.load(content)
        except RoutineInvalid as exc:
            self._routine_result(error_text(exc), ok=False)
            self.routine_problems.setPlainText("\n".join(p.text() for p in exc.problems))
            self.routine_problems.show()
            return False
        except InputRefused as exc:
            self._routine_result(error_text(exc), ok=False)
            return False
        except (OSError, UnicodeDecodeError):
            self._routine_result(_("The file could not be read as a UTF-8 text file."), ok=False)
            return False
        self._show_routine()
        self._routine_result(
            _("Routine {id} version {version} is now in use.").format(
                id=definition.id, version=definition.version
            ),
            ok=True,
        )
        return True

    def _routine_result(self, text: str, *, ok: bool) -> None:
        self.routine_message.setText(text)
        self.routine_message.setStyleSheet("" if ok else f"color: {warning_colour()};")
        self.routine_message.setAccessibleDescription(text)
        self.routine_message.show()
        self.routine_problems.hide()

    def refresh(self) -> None:
        self.load()

    # -- form ----------------------------------------------------------------------------
    def _values(self) -> dict[str, object]:
        return {
            "district": self.district_edit.text(),
            "autolock_minutes": self.autolock_spin.value(),
            "retention_years": self.retention_spin.value(),
            "small_cell_threshold": self.threshold_spin.value(),
            "language": self.language_combo.currentData(),
            "backup_folder": self.backup_folder_edit.text(),
            "backup_generations": self.generations_spin.value(),
        }

    def load(self) -> None:
        """Show the stored settings (dropping unsaved edits)."""
        settings = self.service.settings()
        self._loaded = settings
        self.district_edit.setText(settings.district)
        self.autolock_spin.setValue(settings.autolock_minutes)
        self.retention_spin.setValue(settings.retention_years)
        self.threshold_spin.setValue(settings.small_cell_threshold)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))
        self.backup_folder_edit.setText(settings.backup_folder)
        self.generations_spin.setValue(settings.backup_generations)
        for label in self.errors.values():
            label.hide()
        self.saved_label.clear()
        self._load_keyring()
        self._show_routine()

    def save(self) -> bool:
        """Save every changed setting; a refused one keeps its input and shows why."""
        current = self.service.settings()
        ok = True
        saved = 0
        for key, value in self._values().items():
            error = self.errors[key]
            if str(getattr(current, key)) == str(value).strip():
                error.hide()
                continue
            try:
                current = self.service.set_setting(key, value)
            except InputRefused as exc:
                error.setText(error_text(exc))
                error.show()
                ok = False
            else:
                error.hide()
                saved += 1
        self._loaded = current
        if ok:
            self.saved_label.setText(_("Saved.") if saved else _("Nothing to save."))
            self.district_edit.setText(current.district)
        else:
            self.saved_label.setText(_("Some settings were not saved; see the messages."))
        if saved:
            self.settings_saved.emit(current)
        return ok

    # -- keyring -------------------------------------------------------------------------
    def _load_keyring(self) -> None:
        available = self.store.is_available()
        remembered = available and self.store.get(self.service.vault_id) is not None
        self.remember_check.blockSignals(True)
        self.remember_check.setChecked(remembered)
        self.remember_check.blockSignals(False)
        self.remember_check.setEnabled(available)
        reason = self.store.describe(_)
        self.keyring_label.setText(reason)
        self.remember_check.setToolTip(reason)
        self.keyring_error.hide()

    def _remember_toggled(self, checked: bool) -> None:
        try:
            if checked:
                self.service.remember(self.store)
            else:
                self.service.forget(self.store)
        except VbedeskError as exc:
            self.keyring_error.setText(error_text(exc))
            self.keyring_error.show()
            self.remember_check.blockSignals(True)
            self.remember_check.setChecked(False)
            self.remember_check.blockSignals(False)
        else:
            self.keyring_error.hide()
