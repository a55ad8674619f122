"""The Utbildning page offers only the units and courses that take a count of its date
(pytest-qt over a real vault); retired ones keep their counts in the tables."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from vbedesk.model import TrainingCount
from vbedesk.storage.service import VaultService
from vbedesk.ui.models.training_models import TrainingCountModel
from vbedesk.ui.pages.training import TrainingPage


def test_a_retired_unit_and_course_are_not_offered_after_retirement_but_keep_their_counts(
    qtbot: QtBot, service: VaultService
) -> None:
    unit = service.training.create_unit("Ungdomsmottagning Rinkeby")
    course = service.training.create_course("Digital radikalisering")
    assert unit.id is not None and course.id is not None
    service.training.add_count(
        TrainingCount(
            unit_code=unit.code,
            course_code=course.code,
            relevant_staff=10,
            completed=4,
            as_of=date(2026, 3, 1),
        )
    )
    service.training.retire_unit(unit.id, date(2026, 7, 1))
    service.training.retire_course(course.id, date(2026, 7, 1))

    page = TrainingPage(service)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    view = page.view

    def offered() -> tuple[set[str], set[str]]:
        units = {view.unit_combo.itemData(i) for i in range(view.unit_combo.count())}
        courses = {view.course_combo.itemData(i) for i in range(view.course_combo.count())}
        return units, courses

    # Before the retirement both take counts; the form offers them.
    view.as_of_edit.setDate(QDate(2026, 6, 30))
    page.set_unit_and_course(unit.code, course.code)
    units, courses = offered()
    assert unit.code in units and course.code in courses
    assert view.unit_combo.currentData() == unit.code
    assert [page.history_model.text(r, 4) for r in range(page.history_model.rowCount())] == [
        "40.0 %"
    ]

    # A count dated from the retirement on cannot name them.
    view.as_of_edit.setFocus()
    view.as_of_edit.setDate(QDate(2026, 7, 1))
    units, courses = offered()
    assert unit.code not in units and course.code not in courses
    assert units == {u.code for u in service.training.units(on=date(2026, 7, 1))}
    assert courses == {c.code for c in service.training.courses(on=date(2026, 7, 1))}
    assert view.unit_combo.currentData() != unit.code

    # The old count still shows, under the unit's and course's names.
    view.show_latest_course(course.code)
    assert view.latest_course_combo.currentData() == course.code
    assert page.latest_model.rowCount() == 1
    assert page.latest_model.text(0, TrainingCountModel.COL_UNIT) == unit.name
    assert page.latest_model.text(0, TrainingCountModel.COL_COURSE) == course.name
    assert page.latest_model.text(0, TrainingCountModel.COL_AS_OF) == "2026-03-01"
