"""The overview page: incidents this year, open ones, the next follow-up (GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vbedesk.i18n import _, ngettext
from vbedesk.model import IncidentFilter, PeriodKind
from vbedesk.settings import Settings
from vbedesk.storage.service import VaultService
from vbedesk.ui.messages import warning_colour
from vbedesk.ui.page import Page

OPEN_STATUSES = ("NY", "PAGAR")


@dataclass(frozen=True)
class NextFollowUp:
    kind: PeriodKind
    year: int
    due: date

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def _month_day(value: str, year: int) -> date:
    month, day = (int(part) for part in value.split("-"))
    return date(year, month, day)


def next_followup(today: date, settings: Settings) -> NextFollowUp:
    """The next follow-up occasion due on or after ``today``: T1, T2 or VB (31 December)."""
    year = today.year
    occasions = [
        NextFollowUp(PeriodKind.T1, year, _month_day(settings.t1_end, year)),
        NextFollowUp(PeriodKind.T2, year, _month_day(settings.t2_end, year)),
        NextFollowUp(PeriodKind.VB, year, date(year, 12, 31)),
    ]
    return next(o for o in sorted(occasions, key=lambda o: o.due) if o.due >= today)


def _value_label(name: str) -> QLabel:
    label = QLabel()
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    font = label.font()
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


class OverviewPage(Page):
    """What needs attention, at a glance; reloaded every time the page is shown."""

    page_id = "overview"

    def __init__(
        self,
        service: VaultService,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(service, parent)
        self._today = today
        heading = QLabel(_("Overview"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setWeight(QFont.Weight.Bold)
        heading.setFont(font)
        heading.setAccessibleName(_("Overview"))

        self.district_label = QLabel()
        self.district_label.setAccessibleName(_("District"))

        work = QGroupBox(_("Incidents and follow-up"))
        form = QFormLayout(work)
        self.year_count_label = _value_label(_("Incidents this year"))
        self.open_count_label = _value_label(_("Open incidents"))
        self.per_year_label = _value_label(_("Incidents per year"))
        self.per_year_label.setWordWrap(True)
        self.next_followup_label = _value_label(_("Next follow-up"))
        self._year_caption = QLabel()
        form.addRow(self._year_caption, self.year_count_label)
        form.addRow(_("Open (new or in progress):"), self.open_count_label)
        form.addRow(_("Incidents per year:"), self.per_year_label)
        form.addRow(_("Next follow-up due:"), self.next_followup_label)

        vault = QGroupBox(_("The vault"))
        vform = QFormLayout(vault)
        self.created_label = _value_label(_("Vault created"))
        self.generation_label = _value_label(_("Generation"))
        self.generation_label.setToolTip(_("How many times the vault has been opened."))
        vform.addRow(_("Created:"), self.created_label)
        vform.addRow(_("Generation:"), self.generation_label)
        self.backup_label = _value_label(_("Latest backup"))
        self.retention_label = _value_label(_("Due for gallring"))
        vform.addRow(_("Latest backup:"), self.backup_label)
        vform.addRow(_("Due for gallring:"), self.retention_label)

        calls = QGroupBox(_("Calls"))
        self.call_button = QPushButton(_("&Call through the routine (Ctrl+R)"))
        self.call_button.setAccessibleName(_("Call through the routine"))
        self.call_button.clicked.connect(self.open_call)
        self.resume_call_button = QPushButton(_("&Resume the call"))
        self.resume_call_button.setAccessibleName(_("Resume the call"))
        self.resume_call_button.clicked.connect(self.resume_call)
        self.call_draft_label = QLabel()
        self.call_draft_label.setWordWrap(True)
        self.call_draft_label.setAccessibleName(_("Unfinished call"))
        self.call_draft_label.setStyleSheet("font-weight: bold;")
        call_row = QHBoxLayout(calls)
        call_row.addWidget(self.call_button)
        call_row.addWidget(self.resume_call_button)
        call_row.addWidget(self.call_draft_label, 1)

        # Shown only when the database was found older than the last session.
        self.rollback_box = QGroupBox(_("An older copy of the vault is open"))
        self.rollback_box.setAccessibleName(_("An older copy of the vault is open"))
        self.rollback_label = QLabel()
        self.rollback_label.setWordWrap(True)
        self.rollback_label.setStyleSheet(f"color: {warning_colour()}; font-weight: bold;")
        self.accept_copy_button = QPushButton(_("&Keep working with this copy"))
        self.accept_copy_button.setAccessibleName(_("Keep working with this copy"))
        self.accept_copy_button.clicked.connect(self.accept_old_copy)
        rollback_row = QVBoxLayout(self.rollback_box)
        rollback_row.addWidget(self.rollback_label)
        rollback_row.addWidget(self.accept_copy_button, 0, Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.district_label)
        layout.addWidget(self.rollback_box)
        layout.addWidget(calls)
        layout.addWidget(work)
        layout.addWidget(vault)
        layout.addStretch(1)
        self.refresh()

    def title(self) -> str:
        return _("Overview")

    def open_call(self) -> object:
        from vbedesk.ui.dialogs.wizard import open_call

        return open_call(self.service, self.window())

    def resume_call(self) -> object:
        from vbedesk.ui.dialogs.wizard import resume_call

        wizard = resume_call(self.service, self.window())
        if wizard is not None:
            wizard.finished.connect(self._call_closed)
        return wizard

    def _call_closed(self, _result: int) -> None:
        if self.isVisible() and self.service.is_open:
            self._show_call_draft()

    def _show_call_draft(self) -> None:
        """Offer a call left half-done (a crash, a lock, a closed window)."""
        from vbedesk.ui.dialogs.wizard import call_draft, draft_summary

        draft = call_draft(self.service)
        self.resume_call_button.setVisible(draft is not None)
        self.call_draft_label.setVisible(draft is not None)
        self.call_draft_label.setText(draft_summary(draft) if draft is not None else "")

    def accept_old_copy(self) -> None:
        """The coordinator knows this copy is older (a restore she made) and keeps it."""
        answer = QMessageBox.question(
            self,
            _("Keep working with this copy"),
            _(
                "Work saved after this copy was made is not in it. Keep working with this "
                "copy from now on?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.service.accept_old_copy()
            self._show_rollback()

    def _show_rollback(self) -> None:
        found = self.service.rollback_suspected()
        self.rollback_box.setVisible(found is not None)
        if found is not None:
            self.rollback_label.setText(
                _(
                    "This vault's database is older than the one used last time (generation "
                    "{found}, expected at least {expected}): an old copy has been put back, by "
                    "a restore, a sync program or a copied folder. Work saved later is missing. "
                    "If you did not restore it on purpose, lock the program and find the newer "
                    "copy."
                ).format(found=found.found, expected=found.expected)
            )

    def refresh(self) -> None:
        today = self._today()
        self._show_call_draft()
        self._show_rollback()
        settings = self.service.settings()
        info = self.service.info()
        self.district_label.setText(_("District: {name}").format(name=settings.district))
        self._year_caption.setText(_("Incidents {year}:").format(year=today.year))
        self.year_count_label.setText(
            str(self.service.incidents.count(IncidentFilter(year=today.year)))
        )
        open_count = sum(
            self.service.incidents.count(IncidentFilter(status=status)) for status in OPEN_STATUSES
        )
        self.open_count_label.setText(str(open_count))
        years = sorted(info.incidents_by_year.items(), reverse=True)
        self.per_year_label.setText(
            ", ".join(f"{year}: {count}" for year, count in years) if years else _("none yet")
        )
        upcoming = next_followup(today, settings)
        self.next_followup_label.setText(
            _("{period} {year} on {due} (in {days} days)").format(
                period=upcoming.kind.value,
                year=upcoming.year,
                due=upcoming.due.isoformat(),
                days=upcoming.days_left(today),
            )
        )
        self.created_label.setText(info.created_at.date().isoformat())
        self.generation_label.setText(str(info.generation))
        last = self.service.backups.status().last
        self.backup_label.setText(
            _("never")
            if last is None
            else last.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
        )
        due = self.service.retention.count_due(today)
        self.retention_label.setText(
            ngettext(
                "{n} incident past its retention date",
                "{n} incidents past their retention date",
                due,
            ).format(n=due)
        )
