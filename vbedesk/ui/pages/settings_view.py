"""The widgets and layout of the settings page, without behaviour (GUI thread).

``SettingsView``: the vault's settings with an error line under each, "this computer"
(the keyring), and the routine in use. ``SettingsPage`` drives it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from vbedesk.i18n import _
from vbedesk.settings import SPEC_BY_KEY, Settings
from vbedesk.ui.messages import warning_colour
from vbedesk.ui.page import heading_font

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


class SettingsView(QWidget):
    """The settings page's widgets; ``values()`` reads the form, ``show_settings`` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(_("Settings"))
        heading_font(heading, 1.5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the page's layout gives the margins
        layout.addWidget(heading)
        layout.addWidget(self._settings_group())
        layout.addLayout(self._buttons())
        layout.addWidget(self._computer_group())
        layout.addWidget(self._routine_group())
        layout.addStretch(1)

    # -- building ------------------------------------------------------------------------
    def _settings_group(self) -> QGroupBox:
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

        #: The error line under each setting, by key.
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
        return general

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton(_("&Save settings"))
        self.save_button.setAccessibleName(_("Save settings"))
        self.revert_button = QPushButton(_("&Undo changes"))
        self.revert_button.setAccessibleName(_("Undo changes"))
        self.saved_label = QLabel()
        self.saved_label.setAccessibleName(_("Save status"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.saved_label, 1)
        return buttons

    def _computer_group(self) -> QGroupBox:
        computer = QGroupBox(_("This computer"))
        self.remember_check = QCheckBox(_("&Remember the key on this computer"))
        self.remember_check.setAccessibleName(_("Remember the key on this computer"))
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
        box = QVBoxLayout(computer)
        box.addWidget(self.remember_check)
        box.addWidget(self.keyring_label)
        box.addWidget(self.keyring_error)
        box.addWidget(explain)
        return computer

    def _routine_group(self) -> QGroupBox:
        group = QGroupBox(_("Routine"))
        self.routine_label = QLabel()
        self.routine_label.setWordWrap(True)
        self.routine_label.setAccessibleName(_("The routine in use"))
        self.routine_button = QPushButton(_("Load a revised r&outine…"))
        self.routine_button.setAccessibleName(_("Load a revised routine"))
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
        row = QHBoxLayout()
        row.addWidget(self.routine_label, 1)
        row.addWidget(self.routine_button)
        box = QVBoxLayout(group)
        box.addLayout(row)
        box.addWidget(self.routine_message)
        box.addWidget(self.routine_problems)
        return group

    # -- the form --------------------------------------------------------------------------
    def values(self) -> dict[str, object]:
        """Each setting's input, by key (as typed: the service validates)."""
        return {
            "district": self.district_edit.text(),
            "autolock_minutes": self.autolock_spin.value(),
            "retention_years": self.retention_spin.value(),
            "small_cell_threshold": self.threshold_spin.value(),
            "language": self.language_combo.currentData(),
            "backup_folder": self.backup_folder_edit.text(),
            "backup_generations": self.generations_spin.value(),
        }

    def show_settings(self, settings: Settings) -> None:
        """``settings`` in the form, with no error and no save status."""
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

    def show_error(self, key: str, text: str) -> None:
        """The refusal of setting ``key`` under it (an empty text hides it)."""
        error = self.errors[key]
        error.setText(text)
        error.setVisible(bool(text))

    # -- this computer ---------------------------------------------------------------------
    def show_keyring(self, *, available: bool, remembered: bool, reason: str) -> None:
        self.set_remembered(remembered)
        self.remember_check.setEnabled(available)
        self.keyring_label.setText(reason)
        self.remember_check.setToolTip(reason)
        self.keyring_error.hide()

    def set_remembered(self, remembered: bool) -> None:
        """Tick or clear "remember" without a ``toggled``."""
        self.remember_check.blockSignals(True)
        self.remember_check.setChecked(remembered)
        self.remember_check.blockSignals(False)

    def show_keyring_error(self, text: str) -> None:
        self.keyring_error.setText(text)
        self.keyring_error.setVisible(bool(text))

    # -- the routine -----------------------------------------------------------------------
    def show_routine_result(
        self, text: str, *, ok: bool, problems: list[str] | None = None
    ) -> None:
        """What loading a routine file gave; the problems of a refused one, one a line."""
        self.routine_message.setText(text)
        self.routine_message.setStyleSheet("" if ok else f"color: {warning_colour()};")
        self.routine_message.setAccessibleDescription(text)
        self.routine_message.show()
        self.routine_problems.setPlainText("\n".join(problems or []))
        self.routine_problems.setVisible(bool(problems))
