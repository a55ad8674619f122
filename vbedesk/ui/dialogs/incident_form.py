"""The incident form (domain.md §2, the anonymised blankett) as a dialog (GUI thread).

Opened with ``open()``; a stored incident is announced with ``saved(int)``. The fields are
``IncidentFormView`` (``incident_form_view``); what the form does with them is
``IncidentFormPresenter`` (``incident_form_presenter``): validation and the identifier
guard run in the service, their refusals are shown in the dialog and nothing is stored.
This dialog connects the two and owns the draft timer. Unsaved input is kept as an
encrypted draft two seconds after an edit, when the dialog is closed without saving, and
before a lock (``save_draft_now``); the form of a call hands its input to the call
(``draft_kept``), which keeps it in its draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QVBoxLayout, QWidget

from vbedesk import guard
from vbedesk.i18n import _
from vbedesk.incidents import incident_to_dict
from vbedesk.model import Incident
from vbedesk.routine import CaseLog
from vbedesk.storage.service import VaultService
from vbedesk.ui.dialogs.incident_form_presenter import (
    DRAFT_KIND,
    NEW_REF,
    IncidentFormPresenter,
    Saved,
)
from vbedesk.ui.dialogs.incident_form_view import IncidentFormView
from vbedesk.ui.messages import ask_save_anyway

__all__ = ["DRAFT_KIND", "NEW_REF", "IncidentFormDialog"]

#: Milliseconds after the last edit before the draft is written.
DRAFT_DELAY_MS = 2000


class IncidentFormDialog(QDialog):
    """Register or edit one incident; every field of domain.md §2."""

    #: The id of the incident just stored.
    saved = Signal(int)
    #: The case log stored together with a new incident (a call's end, ``case_log=``).
    case_log_saved = Signal(object)
    #: Unsaved input of a call's form (``case_log=``): the call keeps it in its own draft.
    draft_kept = Signal(object)
    #: The call's form was cancelled: the call forgets the input it kept.
    draft_dropped = Signal()

    def __init__(
        self,
        service: VaultService,
        incident: Incident | None = None,
        parent: QWidget | None = None,
        *,
        draft: Mapping[str, Any] | None = None,
        case_log: CaseLog | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.presenter = IncidentFormPresenter(
            service, incident, case_log=case_log, hand_over=self._hand_over
        )
        self.confirm_box: QMessageBox | None = None
        self.setWindowTitle(self.presenter.title())
        self.setAccessibleName(self.windowTitle())
        self.view = IncidentFormView(
            service.taxonomies,
            case_logs=self.presenter.case_log_lines(),
            for_call=case_log is not None,
        )
        QVBoxLayout(self).addWidget(self.view)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft_now)
        # Buttons are connected directly: Enter in a field never stores the form by accident.
        self.view.save_button.clicked.connect(self.save)
        self.view.save_anyway_button.clicked.connect(self.ask_save_anyway)
        self.view.cancel_button.clicked.connect(self.cancel)
        self.view.case_log_activated.connect(self.open_case_log)
        self.view.changed.connect(self._changed)
        if incident is not None:
            self.load(incident)
        if draft is not None:
            self.view.load_values(draft)
        self.resize(1000, 760)
        self.view.received_on.setFocus()

    # -- reading and writing the form -------------------------------------------------------
    @property
    def incident(self) -> Incident | None:
        return self.presenter.incident

    def load(self, incident: Incident) -> None:
        """Show ``incident`` in the fields."""
        self.view.load_values(incident_to_dict(incident))

    def values(self) -> dict[str, Any]:
        """The fields as JSON-ready values (the shape of ``incident_to_dict``); unvalidated."""
        return self.presenter.complete(self.view.values())

    def _changed(self) -> None:
        self.presenter.dirty = True
        self._draft_timer.start()

    def is_dirty(self) -> bool:
        """True when there are edits not yet kept as a draft or stored."""
        return self.presenter.dirty

    def findings(self) -> list[guard.Finding]:
        """The findings shown in the description now."""
        return self.view.description.edit.findings()

    # -- drafts ----------------------------------------------------------------------------
    def save_draft_now(self) -> None:
        """Keep the unsaved input as an encrypted draft (nothing happens without edits)."""
        self._draft_timer.stop()
        refusal = self.presenter.keep_draft(self.view.values())
        if refusal:
            self.view.show_message(refusal)

    def _hand_over(self, values: dict[str, Any] | None) -> None:
        """A call's form: the input goes to the call (None: the user cancelled)."""
        if values is None:
            self.draft_dropped.emit()
        else:
            self.draft_kept.emit(values)

    def cancel(self) -> None:
        """Close without saving and forget the draft (the user chose to drop the input)."""
        self._draft_timer.stop()
        self.presenter.cancel()
        self.reject()

    def reject(self) -> None:
        # Escape, the window's close button or a lock: the input is kept as a draft.
        self.save_draft_now()
        super().reject()

    # -- saving ------------------------------------------------------------------------------
    def save(self, *, accept_findings: bool = False) -> bool:
        """Validate and store; on refusal show why in the dialog and store nothing."""
        self.view.description.edit.rescan()
        saved = self.presenter.save(self.view.values(), accept_findings=accept_findings)
        if saved.incident_id is None:
            self._show_refusal(saved)
            return False
        self._draft_timer.stop()
        if saved.case_log is not None:
            self.case_log_saved.emit(saved.case_log)
        self.saved.emit(saved.incident_id)
        self.accept()
        return True

    def _show_refusal(self, saved: Saved) -> None:
        view = self.view
        if saved.held_back:
            view.description.edit.set_findings(list(saved.description_findings))
            view.show_message(saved.refusal)
            view.save_anyway_button.setVisible(True)
            view.description.edit.setFocus()
            return
        view.save_anyway_button.setVisible(False)
        view.show_message(saved.refusal)
        if saved.field is not None:
            view.field_widget(saved.field).setFocus()

    def ask_save_anyway(self) -> None:
        """Ask once more before storing a text with identifiers; the answer comes later."""
        self.confirm_box = ask_save_anyway(
            self,
            _(
                "The text looks like it contains personal identifiers. Save only if you are "
                "sure that nobody can be identified."
            ),
            self._save_anyway_answered,
            no_text=_("Go back and edit"),
        )

    def _save_anyway_answered(self, yes: bool) -> None:
        self.confirm_box = None
        if yes:
            self.save(accept_findings=True)

    def open_case_log(self, case_log_id: int) -> None:
        """A call behind the stored incident, read-only."""
        from vbedesk.ui.dialogs.case_log_view import open_case_log

        open_case_log(self.service, case_log_id, self)
