"""The settings page: the vault's settings and "remember on this computer" (GUI thread).

The page is the controller between ``SettingsView`` (``settings_view``: widgets and
layout) and ``SettingsPresenter`` (``settings_presenter``: saving, the routine file, the
keyring; no widgets).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QVBoxLayout, QWidget

from vbedesk.errors import InputRefused, VbedeskError
from vbedesk.i18n import _
from vbedesk.routine import RoutineInvalid
from vbedesk.settings import Settings
from vbedesk.storage.secrets import KeyringStore
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.page import Page
from vbedesk.ui.pages.settings_presenter import SettingsPresenter
from vbedesk.ui.pages.settings_view import SettingsView


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
        self.presenter = SettingsPresenter(service, self.store)
        self._loaded: Settings | None = None
        self.routine_dialog: QFileDialog | None = None
        self.view = SettingsView()
        QVBoxLayout(self).addWidget(self.view)

        self.view.save_button.clicked.connect(self.save)
        self.view.revert_button.clicked.connect(self.load)
        self.view.remember_check.toggled.connect(self._remember_toggled)
        self.view.routine_button.clicked.connect(self.choose_routine_file)
        self.load()

    def title(self) -> str:
        return _("Settings")

    def refresh(self) -> None:
        self.load()

    # -- form ----------------------------------------------------------------------------
    def load(self) -> None:
        """Show the stored settings (dropping unsaved edits)."""
        settings = self.presenter.settings()
        self._loaded = settings
        self.view.show_settings(settings)
        self._load_keyring()
        self._show_routine()

    def save(self) -> bool:
        """Save every changed setting; a refused one keeps its input and shows why."""
        outcome = self.presenter.save(self.view.values())
        for key in self.view.errors:
            refused = outcome.refused.get(key)
            self.view.show_error(key, "" if refused is None else error_text(refused))
        self._loaded = outcome.settings
        if outcome.ok:
            self.view.saved_label.setText(_("Saved.") if outcome.saved else _("Nothing to save."))
            self.view.district_edit.setText(outcome.settings.district)
        else:
            self.view.saved_label.setText(_("Some settings were not saved; see the messages."))
        if outcome.saved:
            self.settings_saved.emit(outcome.settings)
        return outcome.ok

    # -- the routine ---------------------------------------------------------------------
    def _show_routine(self) -> None:
        try:
            definition = self.presenter.active_routine()
        except Exception as exc:  # the page must still open
            self.view.routine_label.setText(error_text(exc))
            return
        self.view.routine_label.setText(
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
        try:
            definition = self.presenter.load_routine_file(path)
        except RoutineInvalid as exc:
            problems = [p.text() for p in exc.problems]
            self.view.show_routine_result(error_text(exc), ok=False, problems=problems)
            return False
        except InputRefused as exc:
            self.view.show_routine_result(error_text(exc), ok=False)
            return False
        self._show_routine()
        self.view.show_routine_result(
            _("Routine {id} version {version} is now in use.").format(
                id=definition.id, version=definition.version
            ),
            ok=True,
        )
        return True

    # -- keyring -------------------------------------------------------------------------
    def _load_keyring(self) -> None:
        state = self.presenter.keyring()
        self.view.show_keyring(
            available=state.available, remembered=state.remembered, reason=state.reason
        )

    def _remember_toggled(self, checked: bool) -> None:
        try:
            self.presenter.set_remembered(checked)
        except VbedeskError as exc:
            self.view.show_keyring_error(error_text(exc))
            self.view.set_remembered(False)
        else:
            self.view.show_keyring_error("")
