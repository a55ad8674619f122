"""Units, courses and the training counts per unit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vbedesk import guard
from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.model import (
    Course,
    TrainingCount,
    Unit,
)
from vbedesk.plans import normalised, section_code
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    CourseRow,
    TrainingCountRow,
    UnitRow,
)

_NAME_LIMIT = 200


class NameTaken(InputRefused):
    message = N_("The name {name!r} is already taken.")


class AlreadyRetired(InputRefused):
    message = N_("{name!r} is already retired.")


class RetiredForCount(InputRefused):
    message = N_("{name!r} is retired from {day}; it takes no counts from that day.")


def _name(value: str, *, accept: bool) -> str:
    """A unit's or course's name: not empty, not too long, through the identifier guard."""
    name = normalised(value)
    if not name:
        raise InputRefused(N_("The field {field} must not be empty."), field="name")
    if len(name) > _NAME_LIMIT:
        raise InputRefused(
            N_("The field {field} is too long (at most {limit} characters)."),
            field="name",
            limit=_NAME_LIMIT,
        )
    guard.guarded({"name": name}, accept=accept)
    return name


def _free_name(s: Session, table: type[UnitRow] | type[CourseRow], name: str, own: int) -> None:
    rows = s.execute(select(table.id, table.name)).all()
    if any(i != own and n.casefold() == name.casefold() for i, n in rows):
        raise NameTaken(name=name[:80])


def _new_code(s: Session, table: type[UnitRow] | type[CourseRow], name: str) -> str:
    return section_code(name, list(s.execute(select(table.code)).scalars()))


def _unit(r: UnitRow) -> Unit:
    return Unit(id=r.id, code=r.code, name=r.name, valid_from=r.valid_from, valid_to=r.valid_to)


def _course(r: CourseRow) -> Course:
    return Course(
        id=r.id, code=r.code, name=r.name, provider=r.provider, url=r.url, retired_on=r.retired_on
    )


def unit_valid_on(unit: Unit, day: date) -> bool:
    """Whether the unit exists on ``day`` (from ``valid_from``, until its ``valid_to``)."""
    started = unit.valid_from is None or unit.valid_from <= day
    return started and (unit.valid_to is None or day < unit.valid_to)


def course_valid_on(course: Course, day: date) -> bool:
    return course.retired_on is None or day < course.retired_on


class TrainingService(AreaService):
    """Units, courses and the training counts per unit.

    A count keeps the unit and course it was made for (by id): a renamed unit's counts show
    under its name of now, and a retired unit or course takes no new counts from the day it
    was retired but keeps its history (``units()``/``courses()`` list them all; pass ``on``
    for those that take counts on a day).
    """

    AREAS = (Area.TRAINING,)

    # -- units ---------------------------------------------------------------------------
    def create_unit(
        self, name: str, *, valid_from: date | None = None, accept_findings: bool = False
    ) -> Unit:
        """A new unit, its code made from its name; a name already taken is refused."""
        clean = _name(name, accept=accept_findings)
        with self._write() as s:
            _free_name(s, UnitRow, clean, 0)
            row = UnitRow(code=_new_code(s, UnitRow, clean), name=clean, valid_from=valid_from)
            s.add(row)
            s.flush()
            audit.append(s, "unit.add", "unit", row.code)
            return _unit(row)

    def rename_unit(self, unit_id: int, name: str, *, accept_findings: bool = False) -> Unit:
        """The unit's new name; its code, and so its counts, stay."""
        clean = _name(name, accept=accept_findings)
        with self._write() as s:
            row = self._unit_row(s, unit_id)
            _free_name(s, UnitRow, clean, row.id)
            row.name = clean
            audit.append(s, "unit.rename", "unit", row.code, "name")
            return _unit(row)

    def retire_unit(self, unit_id: int, on: date) -> Unit:
        """The unit takes no counts from ``on``; its earlier counts stay."""
        with self._write() as s:
            row = self._unit_row(s, unit_id)
            if row.valid_to is not None:
                raise AlreadyRetired(name=row.name[:80])
            if row.valid_from is not None and on <= row.valid_from:
                raise InputRefused(
                    N_("The unit is valid from {day}; retire it after that day."),
                    day=row.valid_from.isoformat(),
                )
            row.valid_to = on
            audit.append(s, "unit.retire", "unit", row.code, on.isoformat())
            return _unit(row)

    @staticmethod
    def _unit_row(s: Session, unit_id: int) -> UnitRow:
        row = s.get(UnitRow, unit_id)
        if row is None:
            raise InputRefused(N_("Unknown unit {value!r}."), value=str(unit_id)[:40])
        return row

    # -- courses -------------------------------------------------------------------------
    def create_course(
        self, name: str, *, provider: str = "", url: str = "", accept_findings: bool = False
    ) -> Course:
        """A new course, its code made from its name; a name already taken is refused."""
        clean = _name(name, accept=accept_findings)
        with self._write() as s:
            _free_name(s, CourseRow, clean, 0)
            row = CourseRow(
                code=_new_code(s, CourseRow, clean),
                name=clean,
                provider=provider.strip(),
                url=url.strip(),
            )
            s.add(row)
            s.flush()
            audit.append(s, "course.add", "course", row.code)
            return _course(row)

    def rename_course(self, course_id: int, name: str, *, accept_findings: bool = False) -> Course:
        clean = _name(name, accept=accept_findings)
        with self._write() as s:
            row = self._course_row(s, course_id)
            _free_name(s, CourseRow, clean, row.id)
            row.name = clean
            audit.append(s, "course.rename", "course", row.code, "name")
            return _course(row)

    def retire_course(self, course_id: int, on: date) -> Course:
        """The course takes no counts from ``on``; its earlier counts stay."""
        with self._write() as s:
            row = self._course_row(s, course_id)
            if row.retired_on is not None:
                raise AlreadyRetired(name=row.name[:80])
            row.retired_on = on
            audit.append(s, "course.retire", "course", row.code, on.isoformat())
            return _course(row)

    @staticmethod
    def _course_row(s: Session, course_id: int) -> CourseRow:
        row = s.get(CourseRow, course_id)
        if row is None:
            raise InputRefused(N_("Unknown course {value!r}."), value=str(course_id)[:40])
        return row

    # -- loading the shipped reference data and counts ------------------------------------

    def add_course(self, course: Course) -> Course:
        with self._write() as s:
            row = CourseRow(
                code=course.code,
                name=course.name,
                provider=course.provider,
                url=course.url,
                retired_on=course.retired_on,
            )
            s.add(row)
            s.flush()
            audit.append(s, "course.add", "course", course.code)
            return replace(course, id=row.id)

    def add_unit(self, unit: Unit) -> Unit:
        with self._write() as s:
            row = UnitRow(
                code=unit.code, name=unit.name, valid_from=unit.valid_from, valid_to=unit.valid_to
            )
            s.add(row)
            s.flush()
            audit.append(s, "unit.add", "unit", unit.code)
            return replace(unit, id=row.id)

    def courses(self, *, on: date | None = None) -> list[Course]:
        """Every course (the history's), or with ``on`` those that take counts that day."""
        with self._read() as s:
            rows = s.execute(select(CourseRow).order_by(CourseRow.id)).scalars()
            found = [_course(r) for r in rows]
        return found if on is None else [c for c in found if course_valid_on(c, on)]

    def units(self, *, on: date | None = None) -> list[Unit]:
        """Every unit (the history's), or with ``on`` those that take counts that day."""
        with self._read() as s:
            found = [_unit(r) for r in s.execute(select(UnitRow).order_by(UnitRow.id)).scalars()]
        return found if on is None else [u for u in found if unit_valid_on(u, on)]

    def add_count(self, count: TrainingCount) -> TrainingCount:
        if count.relevant_staff < 0 or count.completed < 0:
            raise InputRefused(N_("Staff counts cannot be negative."))
        if count.completed > count.relevant_staff:
            raise InputRefused(N_("More staff completed than are relevant."))
        with self._write() as s:
            unit = s.scalar(select(UnitRow).where(UnitRow.code == count.unit_code))
            course = s.scalar(select(CourseRow).where(CourseRow.code == count.course_code))
            if unit is None:
                raise InputRefused(N_("Unknown unit {value!r}."), value=count.unit_code[:40])
            if course is None:
                raise InputRefused(N_("Unknown course {value!r}."), value=count.course_code[:40])
            if not unit_valid_on(_unit(unit), count.as_of):
                if unit.valid_to is None or count.as_of < unit.valid_to:
                    raise InputRefused(
                        N_("The unit {name!r} is valid only from {day}."),
                        name=unit.name[:80],
                        day=str(unit.valid_from),
                    )
                raise RetiredForCount(name=unit.name[:80], day=unit.valid_to.isoformat())
            if course.retired_on is not None and count.as_of >= course.retired_on:
                raise RetiredForCount(name=course.name[:80], day=course.retired_on.isoformat())
            unit_id, course_id = unit.id, course.id
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

    def counts(self, *, latest_only: bool = False, on: date | None = None) -> list[TrainingCount]:
        """All counts (history), or the newest per unit and course; with ``on`` only those
        made on or before that day (the state of an earlier date). Each count names the unit
        and course it was made for, retired or renamed since."""
        with self._read() as s:
            stmt = (
                select(TrainingCountRow, UnitRow.code, CourseRow.code)
                .join(UnitRow, UnitRow.id == TrainingCountRow.unit_id)
                .join(CourseRow, CourseRow.id == TrainingCountRow.course_id)
                .order_by(UnitRow.id, CourseRow.id, TrainingCountRow.as_of)
            )
            if on is not None:
                stmt = stmt.where(TrainingCountRow.as_of <= on)
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
