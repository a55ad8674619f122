"""The overview page: incidents this year, open ones, the next follow-up (GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from vbedesk.i18n import _
from vbedesk.model import IncidentFilter, PeriodKind
from vbedesk.settings import Settings
from vbedesk.storage.service import VaultService
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

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.district_label)
        layout.addWidget(work)
        layout.addWidget(vault)
        layout.addStretch(1)
        self.refresh()

    def title(self) -> str:
        return _("Overview")

    def refresh(self) -> None:
        today = self._today()
        settings = self.service.settings()
        info = self.service.info()
        self.district_label.setText(_("District: {name}").format(name=settings.district))
        self._year_caption.setText(_("Incidents {year}:").format(year=today.year))
        self.year_count_label.setText(
            str(self.service.count_incidents(IncidentFilter(year=today.year)))
        )
        open_count = sum(
            self.service.count_incidents(IncidentFilter(status=status)) for status in OPEN_STATUSES
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
