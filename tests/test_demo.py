"""The shipped plan, training demo, contacts, legal references and synthetic incidents."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from tests.paths import PLAN_2021
from vbedesk import demo
from vbedesk.incidents import validate_incident
from vbedesk.paths import resource_path
from vbedesk.taxonomy import TaxonomyError, load_taxonomies

SPLIT_FIRST = "Implementera de nya stadsövergripande rutinerna för såväl föreningsbidrag som"
SPLIT_SECOND = "uthyrning av lokaler som de är beslutade av stadsledningskontoret."


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not PLAN_2021.is_file():
        pytest.fail(
            f"The 2021 plan is missing: tests/data/{PLAN_2021.name}; the demo plan is checked "
            "against it and this test must not pass without it."
        )
    return PLAN_2021.read_text(encoding="utf-8").split("\n")


def _table_rows(lines: list[str]) -> set[tuple[str, ...]]:
    return {tuple(line.split("\t")) for line in lines if line.count("\t") == 3}


# --- the plan -----------------------------------------------------------------------------


def test_plan_head_and_sections() -> None:
    plan = demo.plan_2021()
    assert plan.year == 2021
    assert plan.district == "Hässelby-Vällingby"
    assert plan.title == (
        "Hässelby-Vällingby stadsdelsnämnds handlingsplan mot våldsbejakande extremism 2021"
    )
    assert [(s.code, s.title, len(s.activities)) for s in plan.sections] == [
        ("FOREBYGGANDE", "Förebyggande aktiviteter", 7),
        ("FORHINDRANDE", "Förhindrande aktiviteter", 5),
        (
            "FORENINGSBIDRAG_LOKALER",
            "Aktiviteter föreningsbidrag och upplåtande av lokaler eller öppna rum",
            2,
        ),
        ("KOMPETENSHOJANDE", "Kompetenshöjande aktiviteter", 2),
    ]


def test_every_activity_is_a_row_of_the_seed(seed_lines: list[str]) -> None:
    rows = _table_rows(seed_lines)
    seed_text = "\n".join(seed_lines)
    checked = 0
    for section in demo.plan_2021().sections:
        for activity in section.activities:
            row = (activity.text, activity.responsible, activity.timeline, activity.followup)
            if activity.text.startswith(SPLIT_FIRST):
                # The one repair: the row the plan splits across a page break, joined.
                assert activity.text == f"{SPLIT_FIRST} {SPLIT_SECOND}"
                assert (SPLIT_FIRST, *row[1:]) in rows
                assert (SPLIT_SECOND, "", "", "") in rows
                assert SPLIT_FIRST in seed_text and SPLIT_SECOND in seed_text
            else:
                assert all(cell in seed_text for cell in row)
                assert row in rows, f"not a row of the seed: {activity.text[:60]!r}"
            checked += 1
    assert checked == 16


def test_plan_keeps_the_seeds_own_spelling_and_empty_cells() -> None:
    activities = [a for s in demo.plan_2021().sections for a in s.activities]
    assert activities[0].responsible == "Preventions-samordnare"
    assert activities[0].followup == "VB 2021 VB 2022"
    assert "”Trygghetsplan för fritid”" in activities[2].text
    assert any(a.responsible == "Förenings- samordnare" for a in activities)
    assert any(a.responsible == "Förenings-samordnare" for a in activities)
    empty = [a for a in activities if a.text.startswith("Alla medarbetare inom vuxenenheten")]
    assert len(empty) == 1
    assert empty[0].timeline == "" and empty[0].followup == ""
    assert empty[0].responsible == "Bitr. enhetschef Arbete och välfärd och vuxenenheten."
    assert [a.timeline for a in activities if a.timeline == ""] == [""]


def test_broken_plan_names_file_and_entry(tmp_path: Path) -> None:
    text = resource_path("demo", "plan_2021.toml").read_text(encoding="utf-8")
    broken = text.replace('responsible = "Avdelningschefer"\n', "", 1)
    path = tmp_path / "plan_2021.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        demo.plan_2021(path)
    assert info.value.params["file"] == "plan_2021.toml"
    assert info.value.params["entry"] == "section 4 (KOMPETENSHOJANDE), activity 1"
    assert info.value.params["key"] == "responsible"


# --- training -----------------------------------------------------------------------------


def test_courses() -> None:
    courses = {course.code: course for course in demo.courses()}
    assert list(courses) == ["GRUND_VBE", "FORDJUPNING_VIT_MAKT"]
    assert "grundutbildning" in courses["GRUND_VBE"].name
    assert "utbildningsportal" in courses["GRUND_VBE"].provider
    deeper = courses["FORDJUPNING_VIT_MAKT"]
    assert "vit makt" in deeper.name and "2021" in deeper.name
    assert "Segerstedtinstitutet" in deeper.provider
    assert "Göteborgs universitet" in deeper.provider


def test_units_are_the_internal_reporting_units() -> None:
    internal = load_taxonomies().reporting_units.in_group("internal")
    assert [(u.code, u.name) for u in demo.units()] == [(t.code, t.sv) for t in internal]


def test_training_counts_increase_over_2021() -> None:
    counts = demo.training_counts()
    dates = [date(2021, 4, 30), date(2021, 8, 31), date(2021, 12, 31)]
    assert {c.as_of for c in counts} == set(dates)
    series: dict[tuple[str, str], list[int]] = defaultdict(list)
    for count in sorted(counts, key=lambda c: c.as_of):
        assert 0 <= count.completed <= count.relevant_staff
        series[(count.unit_code, count.course_code)].append(count.completed)
    unit_codes = {u.code for u in demo.units()}
    assert {unit for unit, _ in series} == unit_codes
    for key, values in series.items():
        assert len(values) == 3, key
        assert values == sorted(values) and values[0] < values[-1], key
    # The deeper course was only being made in spring 2021.
    assert all(
        c.completed == 0
        for c in counts
        if c.course_code == "FORDJUPNING_VIT_MAKT" and c.as_of == dates[0]
    )


def test_training_file_is_marked_synthetic() -> None:
    text = resource_path("demo", "training.toml").read_text(encoding="utf-8")
    assert text.startswith("# SYNTHETIC DEMO DATA")


def test_training_count_for_unknown_unit_is_refused(tmp_path: Path) -> None:
    text = resource_path("demo", "training.toml").read_text(encoding="utf-8")
    path = tmp_path / "training.toml"
    path.write_text(text.replace('unit_code = "STADSMILJO"', 'unit_code = "PARKER"', 1), "utf-8")
    with pytest.raises(TaxonomyError) as info:
        demo.training_counts(path)
    assert info.value.params["file"] == "training.toml"
    assert str(info.value.params["entry"]).startswith("count ")


# --- contacts and legal references --------------------------------------------------------


def test_contacts() -> None:
    contacts = {c.code: c for c in demo.contacts()}
    assert contacts["LARM_112"].phone == "112"
    assert contacts["POLIS_11414"].phone == "114 14"
    cve = contacts["CVE_STODTELEFON"]
    assert (cve.phone, cve.hours) == ("08-527 44 290", "vardagar 09–15")
    assert contacts["SAPO_VAXEL"].phone == "010-568 70 00"
    assert "inaktuellt" in contacts["SAPO_VAXEL"].note
    for code in ("SOCIALJOUR", "KONTAKTCENTER", "MOTTAGNING_BARN_UNGA"):
        assert contacts[code].phone == ""
        assert contacts[code].active
    # Nobody has verified a number yet: the program shows them all as unverified.
    assert all(c.verified_on is None for c in contacts.values())
    active = [c for c in contacts.values() if c.active]
    assert all("Rädda Barnen" not in c.name for c in active)
    assert contacts["RADDA_BARNEN_OROSTELEFON"].active is False
    assert contacts["RADDA_BARNEN_OROSTELEFON"].phone == ""


def test_legal_references() -> None:
    references = {r.code: r for r in demo.legal_references()}
    assert references["SOL_2001_14_1"].citation == "Socialtjänstlagen (2001:453) 14 kap. 1 §"
    assert references["SOL_2001_14_1"].verified
    assert "2025:400" in references["SOL_2025_ANMALAN"].citation
    assert "10 kap. 28 §" in references["OSL_10_28"].citation
    assert "26 kap. 1 §" in references["OSL_26_1"].citation
    unverified = {code for code, r in references.items() if not r.verified}
    assert unverified == {"SOL_2025_ANMALAN", "OSL_10_23", "OSL_12_2"}
    for code in unverified:
        assert references[code].note.startswith("ej verifierad")
    for code, reference in references.items():
        if reference.verified:
            assert "ej verifierad" not in reference.note, code


@pytest.mark.parametrize(
    ("loader", "name", "original", "replacement", "entry"),
    [
        (
            demo.contacts,
            "contacts.toml",
            'name = "Polisen, ej akut"\n',
            "",
            "contact 2 (POLIS_11414)",
        ),
        (demo.contacts, "contacts.toml", "active = false", 'active = "nej"', "contact 8"),
        (
            demo.contacts,
            "contacts.toml",
            'code = "SOCIALJOUR"',
            'code = "CVE_STODTELEFON"',
            "contact 5 (CVE_STODTELEFON)",
        ),
        (
            demo.legal_references,
            "legal_references.toml",
            'citation = "Offentlighets- och sekretesslagen (2009:400) 26 kap. 1 §"\n',
            "",
            "reference 3 (OSL_26_1)",
        ),
        (
            demo.legal_references,
            "legal_references.toml",
            'code = "SOL_2001_14_1"\n',
            'code = "SOL_2001_14_1"\nsource = "x"\n',
            "reference 1 (SOL_2001_14_1)",
        ),
    ],
)
def test_broken_contacts_and_references_name_file_and_entry(
    tmp_path: Path,
    loader: object,
    name: str,
    original: str,
    replacement: str,
    entry: str,
) -> None:
    text = resource_path(name).read_text(encoding="utf-8")
    assert original in text
    path = tmp_path / name
    path.write_text(text.replace(original, replacement, 1), encoding="utf-8")
    assert callable(loader)
    with pytest.raises(TaxonomyError) as info:
        loader(path)
    assert info.value.params["file"] == name
    assert str(info.value.params["entry"]).startswith(entry)
    assert name in str(info.value)


# --- synthetic incidents ------------------------------------------------------------------


def test_synthetic_incidents_are_deterministic() -> None:
    first = demo.synthetic_incidents()
    assert first == demo.synthetic_incidents()
    assert first == demo.synthetic_incidents(80, 2021)
    assert first != demo.synthetic_incidents(seed=2022)
    assert len(demo.synthetic_incidents(count=5)) == 5


def test_synthetic_incidents_spread_over_both_years() -> None:
    incidents = demo.synthetic_incidents()
    assert len(incidents) == 80
    days = [i.received_on for i in incidents]
    assert min(days) >= date(2020, 1, 1) and max(days) <= date(2021, 12, 31)
    years = Counter(day.year for day in days)
    assert set(years) == {2020, 2021}
    assert min(years.values()) >= 30
    assert len({i.area for i in incidents}) >= 8
    assert len({i.environment for i in incidents}) >= 5
    assert len({i.reporting_unit for i in incidents}) >= 6
    assert len({i.reporter_role for i in incidents}) >= 3
    assert {i.status for i in incidents} == {"NY", "PAGAR", "AVSLUTAD"}


def test_synthetic_incidents_show_more_propaganda_than_violence() -> None:
    types = Counter(t for i in demo.synthetic_incidents() for t in i.incident_types)
    street = types["KLISTERMARKEN"] + types["KLOTTER"] + types["AFFISCHER"]
    assert street > 5 * types["VALD"]
    assert types["KLISTERMARKEN"] > types["HOT"]


def test_synthetic_incidents_are_valid_demo_records() -> None:
    taxonomies = load_taxonomies()
    for incident in demo.synthetic_incidents():
        assert incident.is_demo
        assert validate_incident(incident, taxonomies) == incident
        assert incident.organisation is None


def test_synthetic_descriptions_hold_nothing_identifying() -> None:
    for incident in demo.synthetic_incidents(count=200, seed=7):
        text = incident.description
        assert text and len(text) < 300
        assert not re.search(r"\d", text), text  # no phone, personnummer, plate or number
        assert "@" not in text
        assert not re.search(r"(gatan|vägen|gränd)\b", text), text  # no street address
        # Capital letters only at sentence starts or in the acronym CVE: no names.
        for word in re.findall(r"(?<![.!?]\s)(?<!^)\b[A-ZÅÄÖ]\w*", text):
            assert word == "CVE", (word, text)
