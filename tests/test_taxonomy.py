"""The shipped taxonomies load with the expected codes; broken files are refused clearly."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from vbedesk.errors import InputRefused
from vbedesk.paths import resource_path
from vbedesk.taxonomy import (
    TAXONOMY_NAMES,
    Taxonomy,
    TaxonomyError,
    Term,
    load_taxonomies,
    load_taxonomy,
)

EXPECTED_CODES: dict[str, tuple[str, ...]] = {
    "areas": (
        "HASSELBY_GARD",
        "HASSELBY_STRAND",
        "HASSELBY_VILLASTAD",
        "GRIMSTA",
        "KALVESTA",
        "NALSTA",
        "RACKSTA",
        "VINSTA",
        "VALLINGBY",
        "ANNAN",
        "DIGITALT",
    ),
    "place_types": (
        "FORSKOLA",
        "SKOLA",
        "FRITIDSGARD",
        "PARK_LEKPLATS",
        "CENTRUM_TORG",
        "KOLLEKTIVTRAFIK",
        "BOSTADSOMRADE",
        "IDROTTSANLAGGNING",
        "BIBLIOTEK_KULTUR",
        "VARD_OMSORGSBOENDE",
        "FORVALTNINGENS_LOKALER",
        "DIGITALT",
        "ANNAN",
    ),
    "reporting_units": (
        "FORSKOLA",
        "FRITID_KULTUR",
        "IFO_BARN_UNGA",
        "IFO_VUXEN",
        "EKONOMISKT_BISTAND",
        "SOCIALPSYKIATRI",
        "FUNKTIONSNEDSATTNING",
        "ALDREOMSORG",
        "STADSMILJO",
        "FALTASSISTENTER",
        "ADMINISTRATION",
        "SKOLA",
        "POLIS",
        "BOSTADSBOLAG",
        "CIVILSAMHALLE",
        "INVANARE",
        "ANNAN_FORVALTNING",
    ),
    "reporter_roles": ("CHEF", "MEDARBETARE", "EXTERN_SAMVERKANSPART", "INVANARE"),
    "incident_types": (
        "KLISTERMARKEN",
        "AFFISCHER",
        "KLOTTER",
        "FLYGBLAD",
        "MANIFESTATION",
        "DIGITAL_PROPAGANDA",
        "HOT",
        "KRANKNING",
        "VALD",
        "SKADEGORELSE",
        "REKRYTERING",
        "RESA_KONFLIKTOMRADE",
        "ATERVANDARE",
        "ORO_INDIVID",
        "LOKALER_BIDRAG",
        "EVENEMANG",
        "ANNAN",
    ),
    "environments": (
        "HOGER",
        "VANSTER",
        "ISLAMISTISK",
        "BLANDAD",
        "KONSPIRATION",
        "MISOGYN",
        "VALDSFIXERING",
        "OKLAR",
        "ANNAN",
    ),
    "age_bands": ("UNDER_18", "MELLAN_18_25", "OVER_25", "OKAND"),
    "actions": (
        "LARM_112",
        "POLISANMALAN",
        "OROSANMALAN",
        "CHEF_INFORMERAD",
        "MATERIAL_AVLAGSNAT",
        "FASTIGHETSAGARE_KONTAKTAD",
        "CENTRAL_SAMORDNARE_INFORMERAD",
        "LOKALPOLIS_INFORMERAD",
        "CVE_KONSULTERAD",
        "STOD_MED_SAMTYCKE",
    ),
    "consent": ("JA", "NEJ", "EJ_AKTUELLT"),
    "incident_statuses": ("NY", "PAGAR", "AVSLUTAD"),
    "activity_statuses": ("EJ_PABORJAD", "PAGAR", "GENOMFORD", "SKJUTS_FRAM", "UTGAR"),
    "boards": (
        "RINKEBY_KISTA",
        "SPANGA_TENSTA",
        "HASSELBY_VALLINGBY",
        "BROMMA",
        "KUNGSHOLMEN",
        "NORRMALM",
        "OSTERMALM",
        "SODERMALM",
        "ENSKEDE_ARSTA_VANTOR",
        "SKARPNACK",
        "FARSTA",
        "HAGERSTEN_ALVSJO",
        "SKARHOLMEN",
        "JARVA",
        "NORRA_INNERSTADEN",
    ),
}


def test_every_taxonomy_file_is_covered() -> None:
    assert set(TAXONOMY_NAMES) == set(EXPECTED_CODES)
    shipped = {path.stem for path in resource_path("taxonomies").glob("*.toml")}
    assert shipped == set(EXPECTED_CODES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_shipped_taxonomy_has_expected_codes(name: str) -> None:
    taxonomy = load_taxonomy(resource_path("taxonomies", f"{name}.toml"))
    assert taxonomy.name == name
    assert taxonomy.codes() == EXPECTED_CODES[name]
    assert len(taxonomy) == len(EXPECTED_CODES[name])
    for term in taxonomy.terms:
        assert term.sv.strip() and term.en.strip()


def test_load_taxonomies_default_is_cached_and_complete() -> None:
    first = load_taxonomies()
    assert load_taxonomies() is first
    for name, codes in EXPECTED_CODES.items():
        assert getattr(first, name).codes() == codes


def test_areas_labels_are_the_stadsdelar() -> None:
    areas = load_taxonomies().areas
    assert areas.label("HASSELBY_GARD") == "Hässelby gård"
    assert areas.label("KALVESTA") == "Kälvesta"
    assert areas.label("RACKSTA") == "Råcksta"
    assert areas.label("VALLINGBY") == "Vällingby"
    assert areas.label("DIGITALT", "en") == "Online"


def test_environment_labels_show_old_and_new_names() -> None:
    environments = load_taxonomies().environments
    assert environments.label("HOGER") == "Högerextremism (tidigare vit makt-miljön)"
    assert environments.label("VANSTER") == "Vänsterextremism (tidigare autonoma miljön)"
    assert "tidigare" in environments.label("ISLAMISTISK")
    assert environments.label("HOGER", "en").startswith("Right-wing extremism")


def test_reporting_units_are_grouped() -> None:
    units = load_taxonomies().reporting_units
    internal = [term.code for term in units.in_group("internal")]
    external = [term.code for term in units.in_group("external")]
    assert len(internal) == 11
    assert external == [
        "SKOLA",
        "POLIS",
        "BOSTADSBOLAG",
        "CIVILSAMHALLE",
        "INVANARE",
        "ANNAN_FORVALTNING",
    ]


def test_boards_are_dated() -> None:
    boards = load_taxonomies().boards
    on_2021 = [term.code for term in boards.terms if term.is_valid_on(date(2021, 6, 1))]
    on_2023 = [term.code for term in boards.terms if term.is_valid_on(date(2023, 7, 1))]
    assert len(on_2021) == 13
    assert len(on_2023) == 11
    assert "JARVA" not in on_2021 and "JARVA" in on_2023
    assert "NORRA_INNERSTADEN" in on_2023 and "NORRMALM" not in on_2023
    assert boards.get("RINKEBY_KISTA").valid_to == date(2023, 6, 30)
    assert boards.get("JARVA").valid_from == date(2023, 7, 1)
    assert "HASSELBY_VALLINGBY" in on_2021 and "HASSELBY_VALLINGBY" in on_2023


def test_check_get_and_label() -> None:
    statuses = load_taxonomies().incident_statuses
    assert statuses.check("NY", "status") == "NY"
    assert statuses.get("PAGAR").sv == "Pågår"
    assert statuses.label("AVSLUTAD", "en") == "Closed"
    assert "NY" in statuses and "XY" not in statuses
    # An unknown code is shown as itself so that an old record stays readable.
    assert statuses.label("GAMMAL") == "GAMMAL"
    with pytest.raises(ValueError):
        statuses.label("NY", "de")


def test_check_refuses_unknown_code_naming_field_and_truncated_value() -> None:
    areas = load_taxonomies().areas
    value = "X" * 100
    with pytest.raises(InputRefused) as info:
        areas.check(value, "area")
    assert info.value.params["field"] == "area"
    assert info.value.params["value"] == "X" * 40
    assert "area" in str(info.value)
    assert "X" * 41 not in str(info.value)
    with pytest.raises(InputRefused) as info:
        areas.get("SOLNA")
    assert "SOLNA" in str(info.value)


def test_taxonomy_equality_ignores_index() -> None:
    terms = (Term("A", "a", "a"), Term("B", "b", "b"))
    assert Taxonomy("x", terms) == Taxonomy("x", terms)
    assert Taxonomy("x", terms).codes() == ("A", "B")


# --- broken files ------------------------------------------------------------------------

GOOD_TERM = 'code = "GRIMSTA"\nsv = "Grimsta"\nen = "Grimsta"\n'

BROKEN: dict[str, tuple[str, str]] = {
    # case: (file content, text expected in the entry)
    "toml_syntax": ('name = "areas"\n[[term]]\ncode = "A\n', "line"),
    "name_missing": (f"[[term]]\n{GOOD_TERM}", "name"),
    "name_wrong": (f'name = "place_types"\n[[term]]\n{GOOD_TERM}', "name"),
    "no_terms": ('name = "areas"\n', "term"),
    "unknown_top_key": (f'name = "areas"\ncolour = "red"\n[[term]]\n{GOOD_TERM}', "the file"),
    "bad_code": ('name = "areas"\n[[term]]\ncode = "grimsta"\nsv = "G"\nen = "G"\n', "term 1"),
    "code_missing": ('name = "areas"\n[[term]]\nsv = "G"\nen = "G"\n', "term 1"),
    "duplicate_code": (
        f'name = "areas"\n[[term]]\n{GOOD_TERM}[[term]]\n{GOOD_TERM}',
        "term 2 (GRIMSTA)",
    ),
    "missing_sv": ('name = "areas"\n[[term]]\ncode = "GRIMSTA"\nen = "Grimsta"\n', "GRIMSTA"),
    "empty_en": (
        'name = "areas"\n[[term]]\ncode = "GRIMSTA"\nsv = "Grimsta"\nen = "  "\n',
        "GRIMSTA",
    ),
    "from_after_to": (
        f'name = "areas"\n[[term]]\n{GOOD_TERM}valid_from = 2023-07-01\nvalid_to = 2023-06-30\n',
        "GRIMSTA",
    ),
    "date_as_text": (f'name = "areas"\n[[term]]\n{GOOD_TERM}valid_to = "2023-06-30"\n', "GRIMSTA"),
    "unknown_term_key": (f'name = "areas"\n[[term]]\n{GOOD_TERM}colour = "red"\n', "GRIMSTA"),
    "label_not_text": ('name = "areas"\n[[term]]\ncode = "GRIMSTA"\nsv = 1\nen = "G"\n', "GRIMSTA"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_taxonomy_file_is_refused(tmp_path: Path, case: str) -> None:
    content, entry = BROKEN[case]
    path = tmp_path / "areas.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    error = info.value
    assert error.params["file"] == "areas.toml"
    assert entry in str(error.params["entry"])
    assert "areas.toml" in str(error)
    assert entry in str(error)
    assert str(tmp_path) not in str(error)  # the file's name, never the machine path


def test_missing_taxonomy_file_is_refused(tmp_path: Path) -> None:
    for name in TAXONOMY_NAMES:
        if name != "consent":
            shutil.copy(resource_path("taxonomies", f"{name}.toml"), tmp_path)
    with pytest.raises(TaxonomyError) as info:
        load_taxonomies(tmp_path)
    assert info.value.params["file"] == "consent.toml"
    assert "consent.toml" in str(info.value)


def test_reporting_unit_without_valid_group_is_refused(tmp_path: Path) -> None:
    for name in TAXONOMY_NAMES:
        shutil.copy(resource_path("taxonomies", f"{name}.toml"), tmp_path)
    path = tmp_path / "reporting_units.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('group = "external"', 'group = "extern"', 1),
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyError) as info:
        load_taxonomies(tmp_path)
    assert info.value.params["file"] == "reporting_units.toml"
    assert info.value.params["entry"] == "term 12 (SKOLA)"


def test_copied_directory_loads_like_the_default(tmp_path: Path) -> None:
    for name in TAXONOMY_NAMES:
        shutil.copy(resource_path("taxonomies", f"{name}.toml"), tmp_path)
    assert load_taxonomies(tmp_path) == load_taxonomies()
