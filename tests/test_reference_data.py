"""Reference data in a real vault: units, courses and contacts added, renamed, retired, audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from pypdf import PdfReader

from vbedesk.errors import InputRefused
from vbedesk.guard import IdentifiersFound, is_phone_number
from vbedesk.model import TrainingCount
from vbedesk.reports.training import build_training_report
from vbedesk.storage.service import VaultService


def _contents(service: VaultService) -> tuple[object, ...]:
    """Everything a reference-data use case may change, the audit log included."""
    audit = [(e.action, e.entity_id, e.detail) for e in service.audit_entries(limit=100_000)]
    return (
        service.training.units(),
        service.training.courses(),
        service.training.counts(),
        service.contacts.all(),
        audit,
    )


def _actions(service: VaultService, n: int) -> list[tuple[str, str, str]]:
    return [(e.action, e.entity_id, e.detail) for e in service.audit_entries(limit=n)]


def _count(unit: str, course: str, completed: int, day: date) -> TrainingCount:
    return TrainingCount(unit, course, relevant_staff=20, completed=completed, as_of=day)


def test_a_unit_is_added_renamed_and_retired_with_each_change_audited(
    service: VaultService,
) -> None:
    unit = service.training.create_unit("  Öppen förskola  Rinkeby ")
    assert (unit.code, unit.name, unit.valid_to) == (
        "OPPEN_FORSKOLA_RINKEBY",
        "Öppen förskola Rinkeby",
        None,
    )
    assert unit.id is not None
    renamed = service.training.rename_unit(unit.id, "Öppna förskolan")
    assert (renamed.code, renamed.name) == (unit.code, "Öppna förskolan")
    retired = service.training.retire_unit(unit.id, date(2026, 7, 1))
    assert retired.valid_to == date(2026, 7, 1)
    assert _actions(service, 3) == [
        ("unit.retire", unit.code, "2026-07-01"),
        ("unit.rename", unit.code, "name"),
        ("unit.add", unit.code, ""),
    ]
    assert unit.code in {u.code for u in service.training.units()}
    assert unit.code in {u.code for u in service.training.units(on=date(2026, 6, 30))}
    assert unit.code not in {u.code for u in service.training.units(on=date(2026, 7, 1))}
    # A second unit of the same name gets its own code once the name is free again.
    other = service.training.create_unit("Öppen förskola Rinkeby")
    assert other.code == "OPPEN_FORSKOLA_RINKEBY_2"


def test_a_course_is_added_renamed_and_retired(service: VaultService) -> None:
    course = service.training.create_course("Samtal om extremism", provider="CVE")
    assert (course.code, course.provider, course.retired_on) == ("SAMTAL_OM_EXTREMISM", "CVE", None)
    assert course.id is not None
    service.training.rename_course(course.id, "Samtal om våldsbejakande extremism")
    retired = service.training.retire_course(course.id, date(2026, 12, 31))
    assert (retired.name, retired.retired_on) == (
        "Samtal om våldsbejakande extremism",
        date(2026, 12, 31),
    )
    assert [a for a, _id, _d in _actions(service, 3)] == [
        "course.retire",
        "course.rename",
        "course.add",
    ]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: s.training.create_unit("förskola"), id="unit name taken"),
        pytest.param(lambda s: s.training.create_unit("   "), id="unit name empty"),
        pytest.param(lambda s: s.training.create_unit("x" * 201), id="unit name too long"),
        pytest.param(lambda s: s.training.rename_unit(9999, "Ny"), id="unknown unit"),
        pytest.param(lambda s: s.training.rename_unit(1, "Fritid och kultur"), id="rename taken"),
        pytest.param(lambda s: s.training.retire_unit(9999, date(2026, 1, 1)), id="retire unknown"),
        pytest.param(
            lambda s: s.training.create_course(
                "WEBBASERAD grundutbildning om våldsbejakande extremism"
            ),
            id="course name taken",
        ),
        pytest.param(lambda s: s.training.rename_course(9999, "Ny"), id="unknown course"),
        pytest.param(
            lambda s: s.training.retire_course(9999, date(2026, 1, 1)), id="retire unknown course"
        ),
        pytest.param(lambda s: s.contacts.create("Fältassistenterna", "12345"), id="bad phone"),
        pytest.param(lambda s: s.contacts.create("Fält", "08-508 25 000 ring"), id="phone text"),
        pytest.param(lambda s: s.contacts.create("Polisen, EJ akut", "114 14"), id="contact taken"),
        pytest.param(lambda s: s.contacts.create("", "114 14"), id="contact name empty"),
        pytest.param(lambda s: s.contacts.edit(9999, hours="dygnet runt"), id="unknown contact"),
        pytest.param(lambda s: s.contacts.edit(1, phone="0"), id="edit bad phone"),
        pytest.param(
            lambda s: s.contacts.verify("SOCIALJOUR", "abc", date(2026, 1, 1)),
            id="verify bad phone",
        ),
        pytest.param(lambda s: s.contacts.retire(9999), id="retire unknown contact"),
    ],
)
def test_a_refused_change_leaves_the_vault_as_it_was(
    service: VaultService, change: Callable[[VaultService], object]
) -> None:
    before = _contents(service)
    with pytest.raises(InputRefused):
        change(service)
    assert _contents(service) == before


def test_a_retired_item_refuses_to_be_retired_again(service: VaultService) -> None:
    unit = service.training.create_unit("Stadsdelsförvaltningens kansli")
    assert unit.id is not None
    service.training.retire_unit(unit.id, date(2026, 1, 1))
    before = _contents(service)
    with pytest.raises(InputRefused):
        service.training.retire_unit(unit.id, date(2026, 2, 1))
    assert _contents(service) == before


def test_a_free_text_with_an_identifier_is_refused_and_nothing_saved(
    service: VaultService,
) -> None:
    before = _contents(service)
    with pytest.raises(IdentifiersFound):
        service.training.create_unit("Enhet för 811218-9876")
    with pytest.raises(IdentifiersFound):
        service.contacts.create("Fältgruppen", "08-508 25 000", note="Fråga 811218-9876")
    assert _contents(service) == before


def test_a_unit_renamed_and_then_retired_keeps_its_old_counts(service: VaultService) -> None:
    course = service.training.courses()[0].code
    unit = service.training.create_unit("Ungdomsmottagningen")
    assert unit.id is not None
    service.training.add_count(_count(unit.code, course, 8, date(2026, 2, 1)))
    service.training.rename_unit(unit.id, "Ungdomsmottagning Rinkeby")
    service.training.add_count(_count(unit.code, course, 12, date(2026, 5, 1)))
    service.training.retire_unit(unit.id, date(2026, 7, 1))

    # The count rows keep the unit they were made for; none moves or disappears.
    history = [c for c in service.training.counts() if c.unit_code == unit.code]
    assert [(c.completed, c.as_of) for c in history] == [
        (8, date(2026, 2, 1)),
        (12, date(2026, 5, 1)),
    ]
    # A retired unit takes no new counts from the day it was retired, only earlier ones.
    before = _contents(service)
    with pytest.raises(InputRefused):
        service.training.add_count(_count(unit.code, course, 13, date(2026, 7, 1)))
    assert _contents(service) == before
    service.training.add_count(_count(unit.code, course, 10, date(2026, 3, 1)))

    # A report of an earlier date shows the unit with its count of then.
    earlier = service.training.counts(latest_only=True, on=date(2026, 4, 1))
    assert [(c.completed, c.as_of) for c in earlier if c.unit_code == unit.code] == [
        (10, date(2026, 3, 1))
    ]
    pdf = build_training_report(
        service.training.units(),
        service.training.courses(),
        earlier,
        district="Rinkeby-Kista",
        created=date(2026, 4, 1),
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ungdomsmottagning Rinkeby" in text and "2026-03-01" in text


def test_a_retired_course_disappears_from_new_counts_but_not_from_history(
    service: VaultService,
) -> None:
    unit = service.training.units()[0].code
    course = service.training.create_course("Digital radikalisering")
    assert course.id is not None
    service.training.add_count(_count(unit, course.code, 5, date(2026, 3, 1)))
    service.training.retire_course(course.id, date(2026, 6, 1))

    assert course.code not in {c.code for c in service.training.courses(on=date(2026, 6, 1))}
    assert course.code in {c.code for c in service.training.courses()}
    before = _contents(service)
    with pytest.raises(InputRefused):
        service.training.add_count(_count(unit, course.code, 6, date(2026, 6, 2)))
    assert _contents(service) == before
    history = [c for c in service.training.counts() if c.course_code == course.code]
    assert [(c.unit_code, c.completed) for c in history] == [(unit, 5)]
    latest = service.training.counts(latest_only=True)
    assert any(c.course_code == course.code for c in latest)


def test_a_contact_is_added_edited_verified_and_retired(service: VaultService) -> None:
    contact = service.contacts.create(
        "Fältgruppen Rinkeby", "08-508 25 000", hours="vardagar 9–17", note="Fråga efter jour"
    )
    assert contact.id is not None
    assert (contact.code, contact.active, contact.verified_on) == (
        "FALTGRUPPEN_RINKEBY",
        True,
        None,
    )
    verified = service.contacts.verify(contact.code, contact.phone, date(2026, 3, 1))
    assert verified.verified_on == date(2026, 3, 1)
    # A new number must be verified again; hours alone do not undo the verification.
    same = service.contacts.edit(contact.id, hours="vardagar 8–16")
    assert (same.hours, same.verified_on) == ("vardagar 8–16", date(2026, 3, 1))
    moved = service.contacts.edit(contact.id, phone="010-568 70 00")
    assert (moved.phone, moved.verified_on) == ("010-568 70 00", None)
    retired = service.contacts.retire(contact.id)
    assert retired.active is False
    assert service.contacts.get(contact.id) == retired
    assert _actions(service, 5) == [
        ("contact.retire", contact.code, ""),
        ("contact.edit", contact.code, "phone"),
        ("contact.edit", contact.code, "hours"),
        ("contact.verify", contact.code, "2026-03-01"),
        ("contact.add", contact.code, ""),
    ]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("112", True),
        ("114 14", True),
        ("08-508 25 000", True),
        ("+46 8 508 25 000", True),
        ("070-123 45 67", True),
        ("12345", False),
        ("08-508 25 000 ring", False),
        ("", False),
    ],
)
def test_contact_numbers_are_phone_numbers_or_short_numbers(number: str, valid: bool) -> None:
    assert is_phone_number(number) is valid
