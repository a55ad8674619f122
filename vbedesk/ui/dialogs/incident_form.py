"""The incident form (domain.md §2, the anonymised blankett) as a dialog (GUI thread).

Opened with ``open()``; a stored incident is announced with ``saved(int)``. Validation
and the identifier guard run in the service; their refusals are shown in the dialog and
nothing is stored. Unsaved input is kept as an encrypted draft two seconds after an edit,
when the dialog is closed without saving, and before a lock (``save_draft_now``); the
form of a call hands its input to the call (``draft_kept``), which keeps it in its draft.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from vbedesk import guard
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _, language
from vbedesk.incidents import ORGANISATION_MAX, incident_from_mapping, incident_to_dict
from vbedesk.model import Incident
from vbedesk.routine import CaseLog
from vbedesk.storage.service import IdentifiersFound, VaultService
from vbedesk.taxonomy import Taxonomy
from vbedesk.ui.messages import ask_save_anyway, warning_colour
from vbedesk.ui.widgets.guarded_text import GuardedTextField, explain

DRAFT_KIND = "incident"
NEW_REF = "new"
#: Milliseconds after the last edit before the draft is written.
DRAFT_DELAY_MS = 2000
DATE_FORMAT = "yyyy-MM-dd"
DESCRIPTION_HINT = N_(
    "Do not write names, personal identity numbers, addresses, school/class or unique features."
)

#: How the service's messages name each field, for the user.
FIELD_LABELS: dict[str, str] = {
    "received_on": N_("Received"),
    "occurred_on": N_("Occurred on"),
    "occurred_time": N_("Time"),
    "occurred_until": N_("Occurred until"),
    "area": N_("Area"),
    "place_type": N_("Type of place"),
    "reporting_unit": N_("Reporting unit"),
    "reporter_role": N_("Reporter's role"),
    "incident_types": N_("Types of incident"),
    "environment": N_("Environment"),
    "organisation": N_("Organisation"),
    "concerns_individual": N_("Concerns an individual"),
    "age_band": N_("Age band"),
    "description": N_("Description"),
    "actions_taken": N_("Actions taken"),
    "consent": N_("Consent"),
    "feedback_on": N_("Feedback given on"),
    "status": N_("Status"),
    "retain_until": N_("Retain until"),
}


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def draft_ref(incident_id: int | None) -> str:
    """The draft's key: the incident id, or "new" for an incident not stored yet."""
    return NEW_REF if incident_id is None else str(incident_id)


class OptionalDateEdit(QWidget):
    """A date that may be left out: a check box "set" enables the calendar field."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(_("Set"))
        self.check.setAccessibleName(_("{field} is set").format(field=name))
        self.edit = QDateEdit(qdate(date.today()))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setAccessibleName(name)
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.setFocusProxy(self.check)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(self.changed)
        self.edit.dateChanged.connect(self.changed)

    def value(self) -> date | None:
        return pydate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(qdate(value))


class OptionalTimeEdit(QWidget):
    """A time of day that may be left out (HH:mm)."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(_("Set"))
        self.check.setAccessibleName(_("{field} is set").format(field=name))
        self.edit = QTimeEdit(QTime(12, 0))
        self.edit.setDisplayFormat("HH:mm")
        self.edit.setAccessibleName(name)
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.setFocusProxy(self.check)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(self.changed)
        self.edit.timeChanged.connect(self.changed)

    def value(self) -> time | None:
        if not self.check.isChecked():
            return None
        t = self.edit.time()
        return time(t.hour(), t.minute())

    def set_value(self, value: time | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setTime(QTime(value.hour, value.minute))


def code_combo(taxonomy: Taxonomy, name: str, empty: str | None) -> QComboBox:
    """A combo of the taxonomy's labels (codes as item data), led by ``empty`` if given."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    if empty is not None:
        combo.addItem(empty, None)
    lang = language()
    for code in taxonomy.codes():
        combo.addItem(taxonomy.label(code, lang), code)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def set_combo_code(combo: QComboBox, code: str | None) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(max(index, 0))


class CodeChecklist(QListWidget):
    """A set of codes as checkable items (Space toggles the current one)."""

    def __init__(self, taxonomy: Taxonomy, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        lang = language()
        for code in taxonomy.codes():
            item = QListWidgetItem(taxonomy.label(code, lang))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setUniformItemSizes(True)

    def codes(self) -> list[str]:
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_codes(self, codes: object) -> None:
        wanted = set(codes) if isinstance(codes, list | tuple | set | frozenset) else set()
        for i in range(self.count()):
            item = self.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


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
        self.incident = incident
        # A call's new incident is stored with its case log; the call keeps its own draft.
        self.case_log = case_log
        self._keeps_drafts = case_log is None
        self.confirm_box: QMessageBox | None = None
        self._dirty = False
        self._loading = False
        tax = service.taxonomies
        not_set = _("(not set)")

        if incident is None or incident.id is None:
            self.setWindowTitle(_("New incident"))
        else:
            self.setWindowTitle(_("Incident {id}").format(id=incident.id))
        self.setAccessibleName(self.windowTitle())

        # -- fields ------------------------------------------------------------------------
        self.received_on = QDateEdit(qdate(date.today()))
        self.received_on.setCalendarPopup(True)
        self.received_on.setDisplayFormat(DATE_FORMAT)
        self.received_on.setMaximumDate(qdate(date.today()))
        self.received_on.setAccessibleName(_("Received"))
        self.occurred_on = OptionalDateEdit(_("Occurred on"))
        self.occurred_time = OptionalTimeEdit(_("Time"))
        self.occurred_until = OptionalDateEdit(_("Occurred until"))
        self.area = code_combo(tax.areas, _("Area"), not_set)
        self.place_type = code_combo(tax.place_types, _("Type of place"), not_set)
        self.reporting_unit = code_combo(tax.reporting_units, _("Reporting unit"), not_set)
        self.reporter_role = code_combo(tax.reporter_roles, _("Reporter's role"), not_set)
        self.environment = code_combo(tax.environments, _("Environment"), _("(choose)"))
        self.organisation = QLineEdit()
        self.organisation.setMaxLength(ORGANISATION_MAX)
        self.organisation.setAccessibleName(_("Organisation"))
        self.organisation.setPlaceholderText(_("Only a publicly known organisation"))
        self.concerns_individual = QCheckBox(_("Concerns an individual"))
        self.concerns_individual.setAccessibleName(_("Concerns an individual"))
        self.age_band = code_combo(tax.age_bands, _("Age band"), not_set)
        self.consent = code_combo(tax.consent, _("Consent"), not_set)
        self.feedback_on = OptionalDateEdit(_("Feedback given on"))
        self.status = code_combo(tax.incident_statuses, _("Status"), None)
        self.retain_until = OptionalDateEdit(_("Retain until"))
        self.retain_until.setToolTip(_("Left out: set from the retention period in Settings."))
        self.incident_types = CodeChecklist(tax.incident_types, _("Types of incident"))
        self.actions_taken = CodeChecklist(tax.actions, _("Actions taken"))
        self.description = GuardedTextField(_("Description"), _(DESCRIPTION_HINT))

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(_("Message"))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.message.setStyleSheet(f"color: {warning_colour()}; font-weight: bold;")
        self.message.setVisible(False)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName(_("Save"))
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_anyway_button = QPushButton(_("Save anyway"))
        self.save_anyway_button.setAccessibleName(_("Save anyway"))
        self.save_anyway_button.setAccessibleDescription(
            _("Store the incident although the text looks like it contains identifiers.")
        )
        self.save_anyway_button.setAutoDefault(False)
        self.buttons.addButton(self.save_anyway_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_anyway_button.setVisible(False)
        self.cancel_button = self.buttons.addButton(
            _("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setAccessibleName(_("Cancel"))
        self.cancel_button.setAutoDefault(False)
        # Buttons are connected directly: Enter in a field never stores the form by accident.
        self.save_button.clicked.connect(self.save)
        self.save_anyway_button.clicked.connect(self.ask_save_anyway)
        self.cancel_button.clicked.connect(self.cancel)

        # -- layout --------------------------------------------------------------------------
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        rows: list[tuple[str, QWidget]] = [
            (_("Received:"), self.received_on),
            (_("Occurred on:"), self.occurred_on),
            (_("Time:"), self.occurred_time),
            (_("Occurred until:"), self.occurred_until),
            (_("Area:"), self.area),
            (_("Type of place:"), self.place_type),
            (_("Reporting unit:"), self.reporting_unit),
            (_("Reporter's role:"), self.reporter_role),
            (_("Environment:"), self.environment),
            (_("Organisation:"), self.organisation),
            ("", self.concerns_individual),
            (_("Age band:"), self.age_band),
            (_("Consent:"), self.consent),
            (_("Feedback given on:"), self.feedback_on),
            (_("Status:"), self.status),
            (_("Retain until:"), self.retain_until),
        ]
        for text, widget in rows:
            if text:
                label = QLabel(text)
                label.setBuddy(widget)
                left.addRow(label, widget)
            else:
                left.addRow(widget)
        self.organisation.setMinimumWidth(280)

        right = QVBoxLayout()
        types_label = QLabel(_("Types of incident (one or more):"))
        types_label.setBuddy(self.incident_types)
        actions_label = QLabel(_("Actions taken:"))
        actions_label.setBuddy(self.actions_taken)
        right.addWidget(types_label)
        right.addWidget(self.incident_types, 3)
        right.addWidget(actions_label)
        right.addWidget(self.actions_taken, 2)
        self.case_logs = self._case_log_list()
        if self.case_logs is not None:
            logs_label = QLabel(_("Case &logs of calls:"))
            logs_label.setBuddy(self.case_logs)
            right.addWidget(logs_label)
            right.addWidget(self.case_logs, 1)
        elif case_log is not None:
            note = QLabel(_("Saved together with the case log of the call."))
            note.setWordWrap(True)
            right.addWidget(note)

        top = QHBoxLayout()
        top.addLayout(left, 0)
        top.addSpacing(16)
        top.addLayout(right, 1)

        description_label = QLabel(_("Description:"))
        description_label.setBuddy(self.description.edit)
        self.description.edit.setMinimumHeight(90)

        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addWidget(description_label)
        layout.addWidget(self.description, 2)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        chain: list[QWidget] = [
            self.received_on,
            self.occurred_on.check,
            self.occurred_on.edit,
            self.occurred_time.check,
            self.occurred_time.edit,
            self.occurred_until.check,
            self.occurred_until.edit,
            self.area,
            self.place_type,
            self.reporting_unit,
            self.reporter_role,
            self.environment,
            self.organisation,
            self.concerns_individual,
            self.age_band,
            self.consent,
            self.feedback_on.check,
            self.feedback_on.edit,
            self.status,
            self.retain_until.check,
            self.retain_until.edit,
            self.incident_types,
            self.actions_taken,
            self.description.edit,
            *([self.case_logs] if self.case_logs is not None else []),
            self.save_button,
            self.save_anyway_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._focus_for: dict[str, QWidget] = {
            "received_on": self.received_on,
            "occurred_on": self.occurred_on,
            "occurred_time": self.occurred_time,
            "occurred_until": self.occurred_until,
            "area": self.area,
            "place_type": self.place_type,
            "reporting_unit": self.reporting_unit,
            "reporter_role": self.reporter_role,
            "incident_types": self.incident_types,
            "environment": self.environment,
            "organisation": self.organisation,
            "age_band": self.age_band,
            "description": self.description.edit,
            "actions_taken": self.actions_taken,
            "consent": self.consent,
            "feedback_on": self.feedback_on,
            "status": self.status,
            "retain_until": self.retain_until,
        }

        # -- drafts ----------------------------------------------------------------------------
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft_now)

        if incident is not None:
            self.load(incident)
        if draft is not None:
            self.load_values(draft)
        self._connect_changes()
        self.resize(1000, 760)
        self.received_on.setFocus()

    # -- reading and writing the form -------------------------------------------------------
    def draft_ref(self) -> str:
        return draft_ref(self.incident.id if self.incident is not None else None)

    def load(self, incident: Incident) -> None:
        """Show ``incident`` in the fields."""
        self.load_values(self._values_of(incident))

    @staticmethod
    def _values_of(incident: Incident) -> dict[str, Any]:
        return incident_to_dict(incident)

    def load_values(self, values: Mapping[str, Any]) -> None:
        """Fill the fields from JSON-ready values (a stored incident or a draft)."""
        self._loading = True
        try:

            def day(name: str) -> date | None:
                raw = values.get(name)
                try:
                    return date.fromisoformat(raw) if isinstance(raw, str) else None
                except ValueError:
                    return None

            received = day("received_on")
            if received is not None:
                self.received_on.setDate(qdate(received))
            self.occurred_on.set_value(day("occurred_on"))
            raw_time = values.get("occurred_time")
            try:
                at = time.fromisoformat(raw_time) if isinstance(raw_time, str) else None
            except ValueError:
                at = None
            self.occurred_time.set_value(at)
            self.occurred_until.set_value(day("occurred_until"))
            for name in (
                "area",
                "place_type",
                "reporting_unit",
                "reporter_role",
                "environment",
                "age_band",
                "consent",
                "status",
            ):
                code = values.get(name)
                set_combo_code(getattr(self, name), code if isinstance(code, str) else None)
            organisation = values.get("organisation")
            self.organisation.setText(organisation if isinstance(organisation, str) else "")
            self.concerns_individual.setChecked(values.get("concerns_individual") is True)
            self.feedback_on.set_value(day("feedback_on"))
            self.retain_until.set_value(day("retain_until"))
            self.incident_types.set_codes(values.get("incident_types"))
            self.actions_taken.set_codes(values.get("actions_taken"))
            description = values.get("description")
            self.description.set_text(description if isinstance(description, str) else "")
        finally:
            self._loading = False

    def values(self) -> dict[str, Any]:
        """The fields as JSON-ready values (the shape of ``incident_to_dict``); unvalidated."""

        def iso(value: date | None) -> str | None:
            return None if value is None else value.isoformat()

        at = self.occurred_time.value()
        organisation = self.organisation.text()
        values: dict[str, Any] = {
            "received_on": pydate(self.received_on.date()).isoformat(),
            "occurred_on": iso(self.occurred_on.value()),
            "occurred_time": None if at is None else at.strftime("%H:%M"),
            "occurred_until": iso(self.occurred_until.value()),
            "area": self.area.currentData(),
            "place_type": self.place_type.currentData(),
            "reporting_unit": self.reporting_unit.currentData(),
            "reporter_role": self.reporter_role.currentData(),
            "incident_types": self.incident_types.codes(),
            "environment": self.environment.currentData(),
            "organisation": organisation if organisation.strip() else None,
            "concerns_individual": self.concerns_individual.isChecked(),
            "age_band": self.age_band.currentData(),
            "description": self.description.text(),
            "actions_taken": self.actions_taken.codes(),
            "consent": self.consent.currentData(),
            "feedback_on": iso(self.feedback_on.value()),
            "status": self.status.currentData(),
            "retain_until": iso(self.retain_until.value()),
        }
        if self.incident is not None and self.incident.id is not None:
            values["id"] = self.incident.id
        return values

    def _connect_changes(self) -> None:
        for combo in (
            self.area,
            self.place_type,
            self.reporting_unit,
            self.reporter_role,
            self.environment,
            self.age_band,
            self.consent,
            self.status,
        ):
            combo.currentIndexChanged.connect(self._changed)
        for optional in (
            self.occurred_on,
            self.occurred_until,
            self.feedback_on,
            self.retain_until,
        ):
            optional.changed.connect(self._changed)
        self.occurred_time.changed.connect(self._changed)
        self.received_on.dateChanged.connect(self._changed)
        self.organisation.textChanged.connect(self._changed)
        self.concerns_individual.toggled.connect(self._changed)
        self.incident_types.itemChanged.connect(self._changed)
        self.actions_taken.itemChanged.connect(self._changed)
        self.description.edit.textChanged.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._dirty = True
        self._draft_timer.start()

    def is_dirty(self) -> bool:
        """True when there are edits not yet kept as a draft or stored."""
        return self._dirty

    # -- drafts ----------------------------------------------------------------------------
    def save_draft_now(self) -> None:
        """Keep the unsaved input as an encrypted draft (nothing happens without edits)."""
        self._draft_timer.stop()
        if not self._dirty:
            return
        if not self._keeps_drafts:
            # A call's form: its input goes into the call's draft (a lock must not lose it).
            self.draft_kept.emit(self.values())
            self._dirty = False
            return
        try:
            self.service.drafts.save(DRAFT_KIND, self.draft_ref(), self.values())
        except InputRefused as exc:
            self.show_message(self.refused_text(exc))
            return
        self._dirty = False

    def cancel(self) -> None:
        """Close without saving and forget the draft (the user chose to drop the input)."""
        self._draft_timer.stop()
        self._dirty = False
        if self._keeps_drafts:
            self.service.drafts.discard(DRAFT_KIND, self.draft_ref())
        else:
            self.draft_dropped.emit()
        self.reject()

    def reject(self) -> None:
        # Escape, the window's close button or a lock: the input is kept as a draft.
        self.save_draft_now()
        super().reject()

    # -- saving ------------------------------------------------------------------------------
    def refused_text(self, exc: InputRefused) -> str:
        """The service's message, with field names as the form shows them."""
        params = dict(exc.params)
        for key in ("field", "other"):
            name = params.get(key)
            if isinstance(name, str) and name in FIELD_LABELS:
                params[key] = _(FIELD_LABELS[name])
        message = _(exc.message)
        return message.format(**params) if params else message

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.setAccessibleDescription(text)

    def build_incident(self) -> Incident:
        """The validated incident in the form; raises ``InputRefused``."""
        values = {k: v for k, v in self.values().items() if v is not None}
        parsed = incident_from_mapping(values, self.service.taxonomies)
        if self.incident is not None:
            parsed = replace(
                parsed,
                is_demo=self.incident.is_demo,
                created_at=self.incident.created_at,
                updated_at=self.incident.updated_at,
            )
        return parsed

    def save(self, *, accept_findings: bool = False) -> bool:
        """Validate and store; on refusal show why in the dialog and store nothing."""
        self.description.edit.rescan()
        try:
            incident = self.build_incident()
            if incident.id is None and self.case_log is not None:
                return self._save_with_case_log(incident, accept_findings)
            if incident.id is None:
                result = self.service.incidents.add(incident, accept_findings=accept_findings)
            else:
                result = self.service.incidents.update(incident, accept_findings=accept_findings)
        except IdentifiersFound as exc:
            self._show_findings(incident, exc)
            return False
        except InputRefused as exc:
            self.save_anyway_button.setVisible(False)
            self.show_message(self.refused_text(exc))
            field = exc.params.get("field")
            widget = self._focus_for.get(field) if isinstance(field, str) else None
            if widget is not None:
                widget.setFocus()
            return False
        stored = result.incident
        assert stored.id is not None
        self._draft_timer.stop()
        self._dirty = False
        self.service.drafts.discard(DRAFT_KIND, self.draft_ref())
        self.incident = stored
        self.saved.emit(stored.id)
        self.accept()
        return True

    def _save_with_case_log(self, incident: Incident, accept_findings: bool) -> bool:
        """Store the call's case log and its new incident in one transaction."""
        assert self.case_log is not None
        try:
            log = self.service.case_logs.save(
                self.case_log, incident, accept_findings=accept_findings
            )
        except IdentifiersFound as exc:
            self._show_findings(incident, exc)
            return False
        except InputRefused as exc:
            self.show_message(self.refused_text(exc))
            return False
        assert log.incident_id is not None
        self._draft_timer.stop()
        self._dirty = False
        self.case_log = None
        self.incident = self.service.incidents.get(log.incident_id)
        self.case_log_saved.emit(log)
        self.saved.emit(log.incident_id)
        self.accept()
        return True

    def _case_log_list(self) -> QListWidget | None:
        """The case logs of a stored incident (opened read-only), or None when it has none."""
        if self.incident is None or self.incident.id is None:
            return None
        logs = self.service.case_logs.for_incident(self.incident.id)
        if not logs:
            return None
        from vbedesk.ui.dialogs.case_log_view import local

        listing = QListWidget()
        listing.setAccessibleName(_("Case logs of calls"))
        for log in logs:
            item = QListWidgetItem(
                _("{when}: routine {version}, {n} answers").format(
                    when=local(log.started_at).strftime("%Y-%m-%d %H:%M"),
                    version=log.routine_version,
                    n=len(log.answers),
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, log.id)
            listing.addItem(item)
        listing.setCurrentRow(0)
        listing.itemActivated.connect(self._open_case_log)
        return listing

    def _open_case_log(self, item: QListWidgetItem) -> None:
        from vbedesk.ui.dialogs.case_log_view import open_case_log

        open_case_log(self.service, int(item.data(Qt.ItemDataRole.UserRole)), self)

    def _show_findings(self, incident: Incident, exc: IdentifiersFound) -> None:
        found = self.service.incidents.scan(incident)
        self.description.edit.set_findings([f for name, f in found if name == "description"])
        lines = [self.refused_text(exc)]
        for name, finding in found:
            if name != "description":
                lines.append(f"{_(FIELD_LABELS.get(name, name))}: {explain(finding)}")
        self.show_message("\n".join(lines))
        self.save_anyway_button.setVisible(True)
        self.description.edit.setFocus()

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

    def findings(self) -> list[guard.Finding]:
        """The findings shown in the description now."""
        return self.description.edit.findings()
