"""The contacts page: numbers with their verification, and the legal references (GUI thread)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from vbedesk.errors import InputRefused
from vbedesk.i18n import _
from vbedesk.model import Contact
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import delete_when_finished, error_text
from vbedesk.ui.models.contacts_models import ContactsModel, LegalReferencesModel
from vbedesk.ui.page import Page, heading_font
from vbedesk.ui.widgets.fields import error_label, show_error
from vbedesk.ui.widgets.tables import WrappingTableView


class VerifyContactDialog(QDialog):
    """Asks for the number as checked today (prefilled; correct it if it changed)."""

    #: The number the user confirmed.
    number_confirmed = Signal(str)

    def __init__(self, contact: Contact, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contact = contact
        self.setWindowTitle(_("Mark verified"))
        intro = QLabel(
            _(
                "Call or look up {name} and confirm the number as it is today. Correct it "
                "if it has changed."
            ).format(name=contact.name)
        )
        intro.setWordWrap(True)
        self.phone_edit = QLineEdit(contact.phone)
        self.phone_edit.setAccessibleName(_("Verified phone number"))
        self.phone_edit.setMaxLength(40)
        self.error = error_label(_("Verification error"))
        form = QFormLayout()
        form.addRow(_("Phone:"), self.phone_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Mark verified"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(440, self.sizeHint().height())

    def _accept(self) -> None:
        number = self.phone_edit.text().strip()
        if not number:
            show_error(self.error, _("Enter the phone number."))
            return
        self.number_confirmed.emit(number)
        self.accept()


class ContactsPage(Page):
    """Kontakter: the numbers the routine shows, marked until verified, and the law."""

    page_id = "contacts"

    #: A contact was marked verified (its code).
    contact_verified = Signal(str)

    def __init__(self, service: VaultService, parent: QWidget | None = None) -> None:
        super().__init__(service, parent)
        self.verify_dialog: VerifyContactDialog | None = None
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

        heading = QLabel(_("Contacts"))
        heading_font(heading, 1.3)
        legend = QLabel(
            _(
                "Rows marked “not verified” (amber, with a warning sign) have not been checked: "
                "verify the number before you rely on it. Inactive contacts are grey."
            )
        )
        legend.setWordWrap(True)

        self.contacts_model = ContactsModel((), warning, self)
        self.contacts_view = WrappingTableView(self.contacts_model, _("Contacts"))
        self.contacts_view.set_column_modes(
            stretch=(ContactsModel.COL_NAME, ContactsModel.COL_NOTE),
            widths={ContactsModel.COL_PHONE: 130, ContactsModel.COL_HOURS: 130},
        )
        self.verify_button = QPushButton(_("Mark verified…"))
        self.verify_button.setAccessibleName(_("Mark the selected contact verified"))
        self.verify_button.setEnabled(False)
        self.error = error_label(_("Contacts error"))

        self.references_model = LegalReferencesModel((), warning, self)
        self.references_view = WrappingTableView(self.references_model, _("Legal references"))
        self.references_view.set_column_modes(
            stretch=(LegalReferencesModel.COL_TITLE, LegalReferencesModel.COL_NOTE),
            widths={LegalReferencesModel.COL_CITATION: 220},
        )

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.contacts_view, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.error, 1)
        actions.addStretch(0)
        actions.addWidget(self.verify_button)
        top_layout.addLayout(actions)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        refs_heading = QLabel(_("Legal references"))
        heading_font(refs_heading, 1.2)
        bottom_layout.addWidget(refs_heading)
        bottom_layout.addWidget(self.references_view, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setSizes([420, 320])

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(legend)
        layout.addWidget(splitter, 1)

        self.setTabOrder(self.contacts_view, self.verify_button)
        self.setTabOrder(self.verify_button, self.references_view)
        self.contacts_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.contacts_view.activated.connect(lambda *_: self.ask_verify())
        self.verify_button.clicked.connect(self.ask_verify)
        self.refresh()

    # -- Page ---------------------------------------------------------------------------------
    def title(self) -> str:
        return _("Contacts")

    def refresh(self) -> None:
        selected = self.selected_contact()
        self.contacts_model.set_rows(self.service.contacts.all())
        self.references_model.set_rows(self.service.legal.all())
        if selected is not None:
            self.select_contact(selected.code)
        self._selection_changed()

    # -- selection -----------------------------------------------------------------------------
    def selected_contact(self) -> Contact | None:
        rows = self.contacts_view.selectionModel().selectedRows()
        return self.contacts_model.row_at(rows[0].row()) if rows else None

    def select_contact(self, code: str) -> None:
        for row, contact in enumerate(self.contacts_model.rows()):
            if contact.code == code:
                self.contacts_view.selectRow(row)

    def _selection_changed(
        self, _selected: QItemSelection | None = None, _deselected: QItemSelection | None = None
    ) -> None:
        self.verify_button.setEnabled(self.selected_contact() is not None)

    # -- verification --------------------------------------------------------------------------
    def ask_verify(self) -> None:
        """Open the (window-modal) dialog for the selected contact's number."""
        contact = self.selected_contact()
        if contact is None:
            show_error(self.error, _("Select a contact first."))
            return
        dialog = VerifyContactDialog(contact, self)
        dialog.number_confirmed.connect(lambda number: self.verify(contact.code, number))
        dialog.finished.connect(self._dialog_closed)
        delete_when_finished(dialog)
        self.verify_dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        self.verify_dialog = None

    def verify(self, code: str, phone: str, on: date | None = None) -> bool:
        try:
            self.service.contacts.verify(code, phone, on or date.today())
        except InputRefused as exc:
            show_error(self.error, error_text(exc))
            return False
        show_error(self.error, "")
        self.refresh()
        self.contact_verified.emit(code)
        return True
