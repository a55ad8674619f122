"""Units, courses and the training counts per unit."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.model import (
    Course,
    TrainingCount,
    Unit,
)
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    CourseRow,
    TrainingCountRow,
    UnitRow,
)


class TrainingService(AreaService):
    """Units, courses and the training counts per unit."""

    AREAS = (Area.TRAINING,)

    def add_course(self, course: Course) -> Course:
        with self._write() as s:
            row = CourseRow(
                code=course.code, name=course.name, provider=course.provider, url=course.url
            )
            s.add(row)
            s.flush()
            audit.append(s, "course.add", "course", course.code)
            return replace(course, id=row.id)

    def add_unit(self, unit: Unit) -> Unit:
        with self._write() as s:
            row = UnitRow(code=unit.code, name=unit.name)
            s.add(row)
            s.flush()
            audit.append(s, "unit.add", "unit", unit.code)
            return replace(unit, id=row.id)

    def courses(self) -> list[Course]:
        with self._read() as s:
            return [
                Course(id=r.id, code=r.code, name=r.name, provider=r.provider, url=r.url)
                for r in s.execute(select(CourseRow).order_by(CourseRow.id)).scalars()
            ]

    def units(self) -> list[Unit]:
        with self._read() as s:
            return [
                Unit(id=r.id, code=r.code, name=r.name)
                for r in s.execute(select(UnitRow).order_by(UnitRow.id)).scalars()
            ]

    def add_count(self, count: TrainingCount) -> TrainingCount:
        if count.relevant_staff < 0 or count.completed < 0:
            raise InputRefused(N_("Staff counts cannot be negative."))
        if count.completed > count.relevant_staff:
            raise InputRefused(N_("More staff completed than are relevant."))
        with self._write() as s:
            unit_id = s.scalar(select(UnitRow.id).where(UnitRow.code == count.unit_code))
            course_id = s.scalar(select(CourseRow.id).where(CourseRow.code == count.course_code))
            if unit_id is None:
                raise InputRefused(N_("Unknown unit {value!r}."), value=count.unit_code[:40])
            if course_id is None:
                raise InputRefused(N_("Unknown course {value!r}."), value=count.course_code[:40])
            existing = s.scalar(
                select(TrainingCountRow).where(
                    TrainingCountRow.unit_id == unit_id,
                    TrainingCountRow.course_id == course_id,
                    TrainingCountRow.as_of == count.as_of,
                )
            )
            if existing is not None:
                existing.relevant_staff = count.relevant_staff
                existing.completed = count.completed
                row = existing
            else:
                row = TrainingCountRow(
                    unit_id=unit_id,
                    course_id=course_id,
                    relevant_staff=count.relevant_staff,
                    completed=count.completed,
                    as_of=count.as_of,
                )
                s.add(row)
            s.flush()
            audit.append(s, "training.count", "training_count", row.id, count.as_of.isoformat())
            return replace(count, id=row.id)

    def counts(self, *, latest_only: bool = False) -> list[TrainingCount]:
        """All counts (history), or the newest per unit and course."""
        with self._read() as s:
            stmt = (
                select(TrainingCountRow, UnitRow.code, CourseRow.code)
                .join(UnitRow, UnitRow.id == TrainingCountRow.unit_id)
                .join(CourseRow, CourseRow.id == TrainingCountRow.course_id)
                .order_by(UnitRow.id, CourseRow.id, TrainingCountRow.as_of)
            )
            result = [
                TrainingCount(
                    id=r.id,
                    unit_code=u,
                    course_code=c,
                    relevant_staff=r.relevant_staff,
                    completed=r.completed,
                    as_of=r.as_of,
                )
                for r, u, c in s.execute(stmt)
            ]
        if latest_only:
            newest: dict[tuple[str, str], TrainingCount] = {}
            for tc in result:
                newest[(tc.unit_code, tc.course_code)] = tc
            result = list(newest.values())
        return result
