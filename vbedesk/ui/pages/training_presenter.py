"""What the Utbildning page decides, without widgets: the latest counts per course, the
history of a unit and course, entering a count.

Tested over a real vault without a window; ``TrainingPage`` (GUI thread) shows its answers.
"""

from __future__ import annotations

from datetime import date

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.model import Course, TrainingCount, Unit
from vbedesk.storage.service import VaultService


class NoUnitOrCourse(InputRefused):
    """A count that names no unit or no course."""

    message = N_("Choose a unit and a course.")


class TrainingPresenter:
    """The units, courses and counts as the page shows them."""

    def __init__(self, service: VaultService) -> None:
        self.service = service
        self.units: list[Unit] = []
        self.courses: list[Course] = []
        self._unit_order: dict[str, int] = {}

    def reload(self) -> None:
        """Read the units and courses again (their order is the vault's)."""
        self.units = self.service.training.units()
        self.courses = self.service.training.courses()
        self._unit_order = {u.code: n for n, u in enumerate(self.units)}

    def choices(self, day: date) -> tuple[list[Unit], list[Course]]:
        """The units and courses that take a count dated ``day`` (retired ones do not; their
        counts stay in ``units``/``courses`` and the history)."""
        training = self.service.training
        return training.units(on=day), training.courses(on=day)

    def unit_names(self) -> dict[str, str]:
        return {u.code: u.name for u in self.units}

    def course_names(self) -> dict[str, str]:
        return {c.code: c.name for c in self.courses}

    def latest(self, course_code: str | None) -> list[TrainingCount]:
        """The latest count of each unit for the course, in the units' order."""
        return sorted(
            (
                t
                for t in self.service.training.counts(latest_only=True)
                if t.course_code == course_code
            ),
            key=lambda t: self._unit_order.get(t.unit_code, 0),
        )

    def history(self, unit_code: str | None, course_code: str | None) -> list[TrainingCount]:
        """Every count of the unit for the course, newest first."""
        history = [
            t
            for t in self.service.training.counts()
            if t.unit_code == unit_code and t.course_code == course_code
        ]
        return sorted(history, key=lambda t: t.as_of, reverse=True)

    def add_count(
        self,
        unit_code: str | None,
        course_code: str | None,
        *,
        relevant: int,
        completed: int,
        as_of: date,
    ) -> TrainingCount:
        """Store a count; ``NoUnitOrCourse`` or the service's refusal (``InputRefused``, e.g.
        more completed than relevant) when it cannot be, and then nothing is stored."""
        if not unit_code or not course_code:
            raise NoUnitOrCourse()
        count = TrainingCount(
            unit_code=str(unit_code),
            course_code=str(course_code),
            relevant_staff=relevant,
            completed=completed,
            as_of=as_of,
        )
        return self.service.training.add_count(count)
