"""The incident form's widgets and layout, without behaviour (GUI thread).

``IncidentFormView`` holds every field of domain.md §2, the message line and the buttons,
and turns the fields into JSON-ready values (the shape of ``incident_to_dict``) and back.
It decides nothing: ``changed`` says the user edited a field (never while values are
loaded), and ``IncidentFormDialog`` connects the buttons; what any of it does is
``IncidentFormPresenter``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import N_, _, language
from vbedesk.incidents import ORGANISATION_MAX
from vbedesk.taxonomy import Taxonomies, Taxonomy
from vbedesk.ui.messages import warning_colour
from vbedesk.ui.widgets.fields import date_edit, pydate, qdate
from vbedesk.ui.widgets.guarded_text import GuardedTextField
from vbedesk.ui.widgets.layouts import chain_tabs

DESCRIPTION_HINT = N_(
    "Do not write names, personal identity numbers, addresses, school/class or unique features."
)
#: The fields that are a choice of one code.
COMBO_FIELDS = (
    "area",
    "place_type",
    "reporting_unit",
    "reporter_role",
    "environment",
    "age_band",
    "consent",
    "status",
)


class _Optional(QWidget):
    """A value that may be left out: a check box "set" enables the field ``edit`` (named
    for assistive technology by the caller) beside it."""

    changed = Signal()

    def __init__(self, name: str, edit: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(_("Set"))
        self.check.setAccessibleName(_("{field} is set").format(field=name))
        edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(edit)
        layout.addStretch(1)
        self.setFocusProxy(self.check)
        self.check.toggled.connect(edit.setEnabled)
        self.check.toggled.connect(self.changed)


class OptionalDateEdit(_Optional):
    """A date that may be left out: a check box "set" enables the calendar field."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        edit = date_edit(name)
        super().__init__(name, edit, parent)
        self.edit = edit
        self.edit.dateChanged.connect(self.changed)

    def value(self) -> date | None:
        return pydate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(qdate(value))


class OptionalTimeEdit(_Optional):
    """A time of day that may be left out (HH:mm)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        edit = QTimeEdit(QTime(12, 0))
        edit.setDisplayFormat("HH:mm")
        edit.setAccessibleName(name)
        super().__init__(name, edit, parent)
        self.edit = edit
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


def _day(values: Mapping[str, Any], name: str) -> date | None:
    raw = values.get(name)
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class IncidentFormView(QWidget):
    """The form's fields, the list of a stored incident's calls, the message, the buttons."""

    #: The user edited a field.
    changed = Signal()
    #: A case log in the list was activated (its id).
    case_log_activated = Signal(int)

    def __init__(
        self,
        taxonomies: Taxonomies,
        *,
        case_logs: Sequence[tuple[int, str]] = (),
        for_call: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._loading = False
        self._build_fields(taxonomies)
        self._build_buttons()
        self.case_logs = self._case_log_list(case_logs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._layout_fields(for_call), 3)
        description_label = QLabel(_("Description:"))
        description_label.setBuddy(self.description.edit)
        self.description.edit.setMinimumHeight(90)
        layout.addWidget(description_label)
        layout.addWidget(self.description, 2)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._set_tab_order()
        self._connect_changes()

    # -- building ------------------------------------------------------------------------
    def _build_fields(self, tax: Taxonomies) -> None:
        not_set = _("(not set)")
        self.received_on = date_edit(_("Received"))
        self.received_on.setMaximumDate(qdate(date.today()))
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

    def _build_buttons(self) -> None:
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

    def _case_log_list(self, case_logs: Sequence[tuple[int, str]]) -> QListWidget | None:
        """The case logs of a stored incident's calls, or None when it has none."""
        if not case_logs:
            return None
        listing = QListWidget()
        listing.setAccessibleName(_("Case logs of calls"))
        for log_id, text in case_logs:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, log_id)
            listing.addItem(item)
        listing.setCurrentRow(0)
        listing.itemActivated.connect(
            lambda item: self.case_log_activated.emit(int(item.data(Qt.ItemDataRole.UserRole)))
        )
        return listing

    def _layout_fields(self, for_call: bool) -> QHBoxLayout:
        """The fields in a column of labelled rows, the code lists beside them."""
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
        if self.case_logs is not None:
            logs_label = QLabel(_("Case &logs of calls:"))
            logs_label.setBuddy(self.case_logs)
            right.addWidget(logs_label)
            right.addWidget(self.case_logs, 1)
        elif for_call:
            note = QLabel(_("Saved together with the case log of the call."))
            note.setWordWrap(True)
            right.addWidget(note)

        top = QHBoxLayout()
        top.addLayout(left, 0)
        top.addSpacing(16)
        top.addLayout(right, 1)
        return top

    def _set_tab_order(self) -> None:
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
        chain_tabs(chain)

    def _connect_changes(self) -> None:
        for name in COMBO_FIELDS:
            self._combo(name).currentIndexChanged.connect(self._changed)
        optionals: list[OptionalDateEdit | OptionalTimeEdit] = [
            self.occurred_on,
            self.occurred_time,
            self.occurred_until,
            self.feedback_on,
            self.retain_until,
        ]
        for optional in optionals:
            optional.changed.connect(self._changed)
        self.received_on.dateChanged.connect(self._changed)
        self.organisation.textChanged.connect(self._changed)
        self.concerns_individual.toggled.connect(self._changed)
        self.incident_types.itemChanged.connect(self._changed)
        self.actions_taken.itemChanged.connect(self._changed)
        self.description.edit.textChanged.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _combo(self, name: str) -> QComboBox:
        combo = getattr(self, name)
        assert isinstance(combo, QComboBox)
        return combo

    # -- values --------------------------------------------------------------------------
    def load_values(self, values: Mapping[str, Any]) -> None:
        """Fill the fields from JSON-ready values (a stored incident or a draft)."""
        self._loading = True
        try:
            received = _day(values, "received_on")
            if received is not None:
                self.received_on.setDate(qdate(received))
            self.occurred_on.set_value(_day(values, "occurred_on"))
            raw_time = values.get("occurred_time")
            try:
                at = time.fromisoformat(raw_time) if isinstance(raw_time, str) else None
            except ValueError:
                at = None
            self.occurred_time.set_value(at)
            self.occurred_until.set_value(_day(values, "occurred_until"))
            for name in COMBO_FIELDS:
                code = values.get(name)
                set_combo_code(self._combo(name), code if isinstance(code, str) else None)
            organisation = values.get("organisation")
            self.organisation.setText(organisation if isinstance(organisation, str) else "")
            self.concerns_individual.setChecked(values.get("concerns_individual") is True)
            self.feedback_on.set_value(_day(values, "feedback_on"))
            self.retain_until.set_value(_day(values, "retain_until"))
            self.incident_types.set_codes(values.get("incident_types"))
            self.actions_taken.set_codes(values.get("actions_taken"))
            description = values.get("description")
            self.description.set_text(description if isinstance(description, str) else "")
        finally:
            self._loading = False

    def values(self) -> dict[str, Any]:
        """The fields as JSON-ready values (the shape of ``incident_to_dict``); unvalidated."""
        at = self.occurred_time.value()
        organisation = self.organisation.text()
        return {
            "received_on": pydate(self.received_on.date()).isoformat(),
            "occurred_on": _iso(self.occurred_on.value()),
            "occurred_time": None if at is None else at.strftime("%H:%M"),
            "occurred_until": _iso(self.occurred_until.value()),
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
            "feedback_on": _iso(self.feedback_on.value()),
            "status": self.status.currentData(),
            "retain_until": _iso(self.retain_until.value()),
        }

    # -- showing -------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.setAccessibleDescription(text)

    def field_widget(self, name: str) -> QWidget:
        """The widget of the field ``name`` (a key of ``values()``)."""
        widget = self.description.edit if name == "description" else getattr(self, name)
        assert isinstance(widget, QWidget)
        return widget
