"""Parsing outside input into validated incidents: mappings, JSON lines, CSV, and back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time

import pytest

from vbedesk.errors import InputRefused
from vbedesk.incidents import (
    FIELDS,
    default_retain_until,
    incident_from_mapping,
    incident_to_dict,
    incidents_from_csv,
    incidents_from_jsonl,
    incidents_to_csv,
    validate_incident,
)
from vbedesk.model import Incident
from vbedesk.taxonomy import Taxonomies, load_taxonomies

TODAY = date(2022, 1, 15)
# Stands in for what must never reach an error message: free text of the form.
SECRET = "Hemligt-Anna-Andersson-Storgatan-1"

SMALLEST: dict[str, object] = {
    "received_on": "2021-03-02",
    "incident_types": ["KLISTERMARKEN"],
    "environment": "HOGER",
}

FULL: dict[str, object] = {
    "received_on": "2021-03-02",
    "occurred_on": "2021-02-27",
    "occurred_time": "21:30",
    "occurred_until": "2021-03-01",
    "area": "VALLINGBY",
    "place_type": "CENTRUM_TORG",
    "reporting_unit": "STADSMILJO",
    "reporter_role": "CHEF",
    "incident_types": ["AFFISCHER", "KLISTERMARKEN"],
    "environment": "HOGER",
    "organisation": "En känd organisation",
    "concerns_individual": True,
    "age_band": "UNDER_18",
    "description": "Klistermärken med vit makt-symboler vid en busshållplats.",
    "actions_taken": ["CHEF_INFORMERAD", "MATERIAL_AVLAGSNAT", "OROSANMALAN"],
    "consent": "EJ_AKTUELLT",
    "feedback_on": "2021-03-10",
    "status": "AVSLUTAD",
    "retain_until": "2026-03-02",
}


@pytest.fixture(scope="module")
def tax() -> Taxonomies:
    return load_taxonomies()


def with_secret(**changes: object) -> dict[str, object]:
    data = dict(FULL, description=SECRET, organisation=SECRET)
    data.update(changes)
    return data


def test_fields_follow_the_form_order() -> None:
    assert FIELDS[0] == "received_on"
    assert FIELDS[-1] == "retain_until"
    assert len(FIELDS) == 19 == len(set(FIELDS))
    assert FIELDS.index("incident_types") < FIELDS.index("environment")


def test_smallest_object(tax: Taxonomies) -> None:
    incident = incident_from_mapping(SMALLEST, tax, today=TODAY)
    assert incident == Incident(
        received_on=date(2021, 3, 2),
        incident_types=frozenset({"KLISTERMARKEN"}),
        environment="HOGER",
    )
    assert incident.status == "NY"
    assert incident.concerns_individual is False
    assert incident.description == ""
    assert incident.actions_taken == frozenset()


def test_full_object_round_trip(tax: Taxonomies) -> None:
    incident = incident_from_mapping(FULL, tax, today=TODAY)
    assert incident.occurred_time == time(21, 30)
    assert incident.occurred_until == date(2021, 3, 1)
    assert incident.incident_types == frozenset({"AFFISCHER", "KLISTERMARKEN"})
    assert incident.concerns_individual is True
    data = incident_to_dict(incident)
    assert data == FULL
    assert list(data) == list(FIELDS)
    json.dumps(data)  # JSON-ready
    assert incident_from_mapping(data, tax, today=TODAY) == incident


def test_to_dict_includes_id_and_sorts_sets(tax: Taxonomies) -> None:
    incident = replace(
        incident_from_mapping(FULL, tax, today=TODAY),
        id=7,
        actions_taken=frozenset({"OROSANMALAN", "CHEF_INFORMERAD"}),
    )
    data = incident_to_dict(incident)
    assert next(iter(data)) == "id" and data["id"] == 7
    assert data["actions_taken"] == ["CHEF_INFORMERAD", "OROSANMALAN"]
    assert incident_from_mapping(data, tax, today=TODAY) == incident


def test_null_means_left_out(tax: Taxonomies) -> None:
    data = dict(SMALLEST, area=None, description=None, status=None, concerns_individual=None)
    incident = incident_from_mapping(data, tax, today=TODAY)
    assert incident.area is None and incident.description == "" and incident.status == "NY"


BAD_INPUT: dict[str, tuple[dict[str, object], str, str]] = {
    # case: (mapping, field named, text in the message)
    "unknown_area": (with_secret(area="SOLNA"), "area", "Unknown code 'SOLNA'"),
    "unknown_type": (
        with_secret(incident_types=["KLISTERMARKEN", "BOMB"]),
        "incident_types",
        "'BOMB'",
    ),
    "unknown_status": (with_secret(status="KLAR"), "status", "'KLAR'"),
    "unknown_action": (with_secret(actions_taken=["RINGDE"]), "actions_taken", "'RINGDE'"),
    "unknown_field": (with_secret(name="Anna"), "name", "name"),
    "bad_date_format": (with_secret(received_on="02/03/2021"), "received_on", "YYYY-MM-DD"),
    "bad_date_compact": (with_secret(received_on="20210302"), "received_on", "YYYY-MM-DD"),
    "impossible_date": (with_secret(feedback_on="2021-02-30"), "feedback_on", "2021-02-30"),
    "date_as_number": (with_secret(occurred_on=20210227), "occurred_on", "YYYY-MM-DD"),
    "bad_time": (with_secret(occurred_time="25:00"), "occurred_time", "HH:MM"),
    "future_received": (with_secret(received_on="2022-01-16"), "received_on", "future"),
    "future_occurred": (
        with_secret(occurred_on="2022-02-01", occurred_until=None),
        "occurred_on",
        "future",
    ),
    "until_before_on": (with_secret(occurred_until="2021-02-20"), "occurred_until", "occurred_on"),
    "until_without_on": (with_secret(occurred_on=None), "occurred_until", "occurred_on"),
    "feedback_before_received": (with_secret(feedback_on="2021-03-01"), "feedback_on", "received"),
    "retain_before_received": (with_secret(retain_until="2020-01-01"), "retain_until", "received"),
    "missing_received": (with_secret(received_on=None), "received_on", "required"),
    "missing_types": (with_secret(incident_types=None), "incident_types", "required"),
    "empty_types": (with_secret(incident_types=[]), "incident_types", "at least one"),
    "missing_environment": (with_secret(environment=None), "environment", "required"),
    "types_as_string": (with_secret(incident_types="KLOTTER"), "incident_types", "list"),
    "type_code_not_text": (with_secret(incident_types=[1]), "incident_types", "list"),
    "environment_as_list": (with_secret(environment=["HOGER"]), "environment", "code"),
    "bool_as_text": (with_secret(concerns_individual="ja"), "concerns_individual", "true"),
    "description_as_number": (with_secret(description=42), "description", "text"),
    "description_too_long": (
        with_secret(description=SECRET * 1000),
        "description",
        "at most 20000",
    ),
    "organisation_too_long": (
        with_secret(organisation=SECRET * 10),
        "organisation",
        "at most 200",
    ),
    "id_negative": (with_secret(id=-1), "id", "positive"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_naming_the_field(tax: Taxonomies, case: str) -> None:
    data, field, expected = BAD_INPUT[case]
    with pytest.raises(InputRefused) as info:
        incident_from_mapping(data, tax, today=TODAY)
    error = info.value
    assert error.params["field"] == field
    assert field in str(error)
    assert expected in str(error)
    assert "line" not in error.params
    assert SECRET not in str(error)
    assert all(SECRET not in str(value) for value in error.params.values())


def test_values_in_errors_are_truncated(tax: Taxonomies) -> None:
    with pytest.raises(InputRefused) as info:
        incident_from_mapping(dict(SMALLEST, area="Q" * 300), tax, today=TODAY)
    assert info.value.params["value"] == "Q" * 40
    with pytest.raises(InputRefused) as info:
        incident_from_mapping(dict(SMALLEST, **{"W" * 300: 1}), tax, today=TODAY)
    assert info.value.params["field"] == "W" * 40


def test_all_unknown_fields_are_named(tax: Taxonomies) -> None:
    with pytest.raises(InputRefused) as info:
        incident_from_mapping(dict(SMALLEST, place="x", person="y"), tax, today=TODAY)
    assert "person" in str(info.value) and "place" in str(info.value)


def test_not_a_mapping_is_refused(tax: Taxonomies) -> None:
    with pytest.raises(InputRefused):
        incident_from_mapping(["received_on"], tax)  # type: ignore[arg-type]


def test_today_defaults_to_the_real_date(tax: Taxonomies) -> None:
    today = date.today()
    assert incident_from_mapping(dict(SMALLEST, received_on=today.isoformat()), tax)
    with pytest.raises(InputRefused):
        incident_from_mapping(dict(SMALLEST, received_on=date(today.year + 1, 1, 1)), tax)


def test_limits_are_inclusive(tax: Taxonomies) -> None:
    incident = incident_from_mapping(
        dict(SMALLEST, description="a" * 20_000, organisation="b" * 200), tax, today=TODAY
    )
    assert len(incident.description) == 20_000
    assert incident.organisation == "b" * 200


# --- incidents built in code ------------------------------------------------------------


def test_validate_incident_accepts_and_keeps_metadata(tax: Taxonomies) -> None:
    incident = replace(
        incident_from_mapping(FULL, tax, today=TODAY),
        id=3,
        is_demo=True,
        created_at=datetime(2021, 3, 2, 10, 0),
    )
    assert validate_incident(incident, tax, today=TODAY) == incident
    assert validate_incident(incident, tax, today=TODAY).created_at == incident.created_at


def test_validate_incident_normalises_blank_organisation(tax: Taxonomies) -> None:
    incident = Incident(date(2021, 1, 1), frozenset({"KLOTTER"}), "VANSTER", organisation=" ")
    assert validate_incident(incident, tax, today=TODAY).organisation is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"environment": "NAZI"}, "environment"),
        ({"incident_types": frozenset()}, "incident_types"),
        ({"received_on": datetime(2021, 1, 1, 12, 0)}, "received_on"),
        ({"received_on": date(2030, 1, 1)}, "received_on"),
        ({"description": SECRET * 1000}, "description"),
        ({"occurred_time": time(12, 0, 30)}, "occurred_time"),
    ],
)
def test_validate_incident_refuses(tax: Taxonomies, changes: dict[str, object], field: str) -> None:
    base = Incident(
        date(2021, 1, 1),
        frozenset({"KLOTTER"}),
        "VANSTER",
        occurred_on=date(2021, 1, 1),
        description=SECRET,
    )
    with pytest.raises(InputRefused) as info:
        validate_incident(replace(base, **changes), tax, today=TODAY)  # type: ignore[arg-type]
    assert info.value.params["field"] == field
    assert SECRET not in str(info.value)


# --- JSON lines ---------------------------------------------------------------------------


def test_jsonl_reads_lines_and_skips_blank_ones(tax: Taxonomies) -> None:
    text = "\n".join(
        [
            json.dumps(SMALLEST),
            "",
            "   ",
            json.dumps(FULL, ensure_ascii=False),
            json.dumps(dict(SMALLEST, description="rad\u2028ett"), ensure_ascii=False),
        ]
    )
    incidents = incidents_from_jsonl(text + "\r\n", tax, today=TODAY)
    assert len(incidents) == 3
    assert incidents[1] == incident_from_mapping(FULL, tax, today=TODAY)
    assert incidents[2].description == "rad\u2028ett"


def test_jsonl_is_all_or_nothing_with_the_line(tax: Taxonomies) -> None:
    bad = dict(SMALLEST, description=SECRET, area="SOLNA")
    text = "\n".join([json.dumps(SMALLEST), "", json.dumps(bad), json.dumps(SMALLEST)])
    with pytest.raises(InputRefused) as info:
        incidents_from_jsonl(text, tax, today=TODAY)
    assert info.value.params["line"] == 3
    assert info.value.params["field"] == "area"
    assert "Line 3" in str(info.value)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("line", ["{not json", "[1, 2]", '"text"'])
def test_jsonl_refuses_a_line_that_is_not_an_object(tax: Taxonomies, line: str) -> None:
    with pytest.raises(InputRefused) as info:
        incidents_from_jsonl(json.dumps(SMALLEST) + "\n" + line, tax, today=TODAY)
    assert info.value.params["line"] == 2


# --- CSV ----------------------------------------------------------------------------------


def test_csv_round_trip(tax: Taxonomies) -> None:
    full = incident_from_mapping(FULL, tax, today=TODAY)
    tricky = replace(
        full,
        description='Rad ett, med "citat"; semikolon\nrad två\r\nrad tre',
        organisation="A, B och C",
        concerns_individual=False,
        occurred_time=None,
    )
    smallest = incident_from_mapping(SMALLEST, tax, today=TODAY)
    incidents = [full, tricky, smallest]
    text = incidents_to_csv(incidents)
    assert text.splitlines()[0] == ",".join(FIELDS)
    assert incidents_from_csv(text, tax, today=TODAY) == incidents


def test_csv_subset_header_sets_and_booleans(tax: Taxonomies) -> None:
    text = (
        "\ufeffenvironment, received_on ,incident_types,concerns_individual,actions_taken\n"
        "HOGER,2021-03-02,KLOTTER; SKADEGORELSE,Ja,\n"
        "\n"
        "VANSTER,2021-04-01,AFFISCHER,0,MATERIAL_AVLAGSNAT;CHEF_INFORMERAD\n"
        "ISLAMISTISK,2021-05-01,FLYGBLAD,,\n"
        "OKLAR,2021-05-02,FLYGBLAD,TRUE,\n"
    )
    first, second, third, fourth = incidents_from_csv(text, tax, today=TODAY)
    assert first.incident_types == frozenset({"KLOTTER", "SKADEGORELSE"})
    assert first.concerns_individual is True
    assert second.concerns_individual is False
    assert second.actions_taken == frozenset({"MATERIAL_AVLAGSNAT", "CHEF_INFORMERAD"})
    assert third.concerns_individual is False
    assert fourth.concerns_individual is True


def test_csv_is_all_or_nothing_with_the_line(tax: Taxonomies) -> None:
    text = (
        "received_on,incident_types,environment,description\n"
        '2021-03-02,KLOTTER,HOGER,"två\nrader"\n'
        f"2021-03-03,KLOTTER,HOGER,{SECRET}\n"
        f"2021-03-04,KLOTTER,HÖGER,{SECRET}\n"
        "2021-03-05,KLOTTER,HOGER,\n"
    )
    with pytest.raises(InputRefused) as info:
        incidents_from_csv(text, tax, today=TODAY)
    assert info.value.params["line"] == 5
    assert info.value.params["field"] == "environment"
    assert "Line 5" in str(info.value)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("received_on,incident_types\n2021-03-02,KLOTTER\n", 1, "environment"),
        ("received_on,incident_types,environment,name\n", 1, "name"),
        ("received_on,incident_types,environment,area,area\n", 1, "area"),
        ("received_on,incident_types,environment\n2021-03-02,,HOGER\n", 2, "incident_types"),
        (
            (
                "received_on,incident_types,environment,concerns_individual\n"
                "2021-03-02,KLOTTER,HOGER,kanske\n"
            ),
            2,
            "concerns_individual",
        ),
        ("received_on,incident_types,environment\n2021-3-2,KLOTTER,HOGER\n", 2, "received_on"),
    ],
)
def test_csv_refusals_name_line_and_field(
    tax: Taxonomies, text: str, line: int, field: str
) -> None:
    with pytest.raises(InputRefused) as info:
        incidents_from_csv(text, tax, today=TODAY)
    assert info.value.params["line"] == line
    assert info.value.params["field"] == field


def test_csv_refuses_wrong_cell_count_and_empty_text(tax: Taxonomies) -> None:
    with pytest.raises(InputRefused) as info:
        incidents_from_csv(
            "received_on,incident_types,environment\n2021-03-02,KLOTTER\n", tax, today=TODAY
        )
    assert info.value.params["line"] == 2
    with pytest.raises(InputRefused) as info:
        incidents_from_csv("", tax, today=TODAY)
    assert info.value.params["line"] == 1


# --- retention ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "years", "expected"),
    [
        (date(2021, 3, 2), 3, date(2024, 3, 2)),
        (date(2020, 2, 29), 5, date(2025, 2, 28)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2021, 12, 31), 0, date(2021, 12, 31)),
    ],
)
def test_default_retain_until(received: date, years: int, expected: date) -> None:
    assert default_retain_until(received, years) == expected


def test_default_retain_until_refuses_negative_years() -> None:
    with pytest.raises(ValueError):
        default_retain_until(date(2021, 1, 1), -1)


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("x")', "+46 är inte ett nummer", "-1", "@SUM(A1)", "'=redan", "vanlig"]
)
def test_csv_export_defuses_formulas_and_round_trips(text: str) -> None:
    taxonomies = load_taxonomies()
    incident = incident_from_mapping(
        {
            "received_on": "2021-03-02",
            "incident_types": ["KLOTTER"],
            "environment": "HOGER",
            "description": text,
            "organisation": text,
        },
        taxonomies,
    )
    exported = incidents_to_csv([incident])
    first_cell_chars = {row.split(",")[0][:1] for row in exported.splitlines()[1:]}
    assert not any(
        line.split(",")[13].lstrip('"').startswith(("=", "+", "-", "@"))
        for line in exported.splitlines()[1:]
    )
    (back,) = incidents_from_csv(exported, taxonomies)
    assert back.description == text and back.organisation == text
    assert first_cell_chars == {"2"}


def test_a_list_row_converts_its_stored_values_when_read() -> None:
    from vbedesk.model import IncidentListRow

    row = IncidentListRow((7, "2021-03-02", None, "HOGER", "NY", "KLISTERMARKEN;HOT"))
    assert row.id == 7
    assert row.received_on == date(2021, 3, 2)
    assert row.area is None
    assert (row.environment, row.status) == ("HOGER", "NY")
    assert row.incident_types == ("HOT", "KLISTERMARKEN")  # sorted
    assert IncidentListRow((8, "2021-03-02", "VINSTA", "OKLAR", "NY", "")).incident_types == ()
    assert row == IncidentListRow((7, "2021-03-02", None, "HOGER", "NY", "KLISTERMARKEN;HOT"))
    assert "received_on=2021-03-02" in repr(row)
    with pytest.raises(AttributeError):
        row.status = "AVSLUTAD"  # type: ignore[misc]
