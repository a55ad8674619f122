"""Tests of the anonymity guard: what it finds, where, and what it must leave alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from tests.paths import PLAN_2021
from vbedesk.guard import (
    _WORD_NAMES,
    BLOCKING_KINDS,
    Finding,
    FindingKind,
    _names,
    has_blocking,
    kind_label,
    scan,
)
from vbedesk.paths import resource_path

K = FindingKind


def make_id(date: dt.date, serial: int, *, coordination: bool = False) -> tuple[str, str]:
    """A valid (century, 'YYMMDDNNNN') pair for ``date``; day + 60 when ``coordination``."""
    day = date.day + 60 if coordination else date.day
    body = f"{date:%y%m}{day:02d}{serial:03d}"
    return f"{date:%Y}"[:2], body + luhn.calc_check_digit(body)


def write(century: str, ten: str, form: str) -> str:
    """Write a 10-digit number in one of the five written forms."""
    return {
        "YYMMDD-NNNN": f"{ten[:6]}-{ten[6:]}",
        "YYMMDD+NNNN": f"{ten[:6]}+{ten[6:]}",
        "YYMMDDNNNN": ten,
        "YYYYMMDDNNNN": century + ten,
        "YYYYMMDD-NNNN": f"{century}{ten[:6]}-{ten[6:]}",
    }[form]


def only(text: str) -> Finding:
    findings = scan(text)
    assert len(findings) == 1, findings
    return findings[0]


def value(text: str, finding: Finding) -> str:
    return text[finding.start : finding.end]


# --- personnummer and samordningsnummer -------------------------------------------------------

FORMS = ["YYMMDD-NNNN", "YYMMDD+NNNN", "YYMMDDNNNN", "YYYYMMDDNNNN", "YYYYMMDD-NNNN"]


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("880320-0016", K.PERSONNUMMER),
        ("880320+0016", K.PERSONNUMMER),
        ("8803200016", K.PERSONNUMMER),
        ("198803200016", K.PERSONNUMMER),
        ("19880320-0016", K.PERSONNUMMER),
        ("880320\u20130016", K.PERSONNUMMER),  # an en dash, as word processors write it
    ],
)
def test_personnummer_found_in_every_written_form(number: str, kind: FindingKind) -> None:
    text = f"Anmälan gällde {number} enligt blanketten."
    finding = only(text)
    assert finding.kind is kind
    assert value(text, finding) == number
    assert (finding.line, finding.column) == (1, len("Anmälan gällde ") + 1)
    assert finding.blocking


@pytest.mark.parametrize("number", ["880320-0018", "8803200017", "198803200015"])
def test_personnummer_with_wrong_check_digit_is_not_found(number: str) -> None:
    assert scan(f"Nummer {number} i texten") == []


def test_impossible_dates_are_not_personnummer() -> None:
    for body in ("880230123", "881301123", "880000123", "880132123"):
        number = body + luhn.calc_check_digit(body)
        assert scan(f"Nummer {number[:6]}-{number[6:]} här") == [], number


def test_samordningsnummer_found_and_classified() -> None:
    century, ten = make_id(dt.date(1990, 5, 17), 238, coordination=True)
    assert ten[4:6] == "77"
    for form in ("YYMMDD-NNNN", "YYMMDDNNNN", "YYYYMMDD-NNNN"):
        number = write(century, ten, form)
        text = f"Samordningsnummer:\n  {number}."
        finding = only(text)
        assert finding.kind is K.SAMORDNINGSNUMMER
        assert value(text, finding) == number
        assert (finding.line, finding.column) == (2, 3)
        assert finding.blocking


def test_samordningsnummer_needs_a_real_date() -> None:
    body = "880290123"  # 30 February + 60
    number = body + luhn.calc_check_digit(body)
    assert scan(f"Nummer {number}") == []


def test_personnummer_that_also_reads_as_phone_number_is_one_finding() -> None:
    body = "070123456"  # 23 January 2007, and shaped like a mobile number
    number = body + luhn.calc_check_digit(body)
    assert phonenumbers.is_valid_number(phonenumbers.parse(number, "SE"))
    text = f"Uppgiven siffra {number} i ärendet"
    finding = only(text)
    assert finding.kind is K.PERSONNUMMER


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "070-123 45 67",
        "08-527 44 290",
        "+46 70 123 45 67",
        "0701234567",
        "0046 70 123 45 67",
        "+46701234567",
        "+46 (0)70 123 45 67",
        "(08) 527 44 290",
        "70 123 45 67",
        "010-568 70 00",
        "073 - 123 45 67",
        "+44 20 7946 0958",
    ],
)
def test_phone_number_found(number: str) -> None:
    text = f"Ring honom på {number}, helst på kvällen."
    finding = only(text)
    assert finding.kind is K.PHONE
    assert value(text, finding) == number
    assert finding.column == len("Ring honom på ") + 1
    assert finding.blocking


def test_phone_number_position_on_later_line() -> None:
    text = "Första raden.\nAndra raden.\n\tKontakt: 070-123 45 67"
    finding = only(text)
    assert finding.kind is K.PHONE
    assert (finding.line, finding.column) == (3, len("\tKontakt: ") + 1)


def test_phone_numbers_side_by_side_and_after_a_year() -> None:
    text = "Nummer 070-123 45 67 08-527 44 290 och 2021 073-765 43 21"
    found = [(f.kind, value(text, f)) for f in scan(text)]
    assert found == [
        (K.PHONE, "070-123 45 67"),
        (K.PHONE, "08-527 44 290"),
        (K.PHONE, "073-765 43 21"),
    ]


@pytest.mark.parametrize("number", ["112", "114 14", "11414"])
def test_public_service_numbers_are_not_flagged(number: str) -> None:
    # They are not valid Swedish subscriber numbers either, which is why they pass.
    assert not phonenumbers.is_valid_number(phonenumbers.parse(number, "SE"))
    assert scan(f"Ring {number} vid akut fara, annars {number} igen.") == []


# --- e-mail, street, plate --------------------------------------------------------------------


def test_email_found() -> None:
    text = "Skrivet av\nhandläggare, mejl anna.b-lind+vbe@stad.stockholm.se."
    finding = only(text)
    assert finding.kind is K.EMAIL
    assert value(text, finding) == "anna.b-lind+vbe@stad.stockholm.se"
    assert (finding.line, finding.column) == (2, len("handläggare, mejl ") + 1)
    assert finding.blocking


@pytest.mark.parametrize(
    "address",
    [
        "Vällingbyvägen 12",
        "Storgatan 5B",
        "Storgatan 5 B",
        "Kvarngränd 3",
        "Solbacken 14",
        "Tallstigen 2",
        "Råcksta torg 1",
        "Drottning Kristinas väg 45",
        "Hässelbytorget 7",
        "Lillsjöleden 21",
        "Björkslingan 9",
        "Karl XII:s torg 1",
        "Sveavägen 44",
        "Ekallén 8",
    ],
)
def test_street_address_found(address: str) -> None:
    text = f"Klistermärken satt vid {address} i morse."
    finding = only(text)
    assert finding.kind is K.STREET_ADDRESS
    assert value(text, finding) == address
    assert finding.column == len("Klistermärken satt vid ") + 1
    assert not finding.blocking


@pytest.mark.parametrize(
    "text",
    [
        "Handlingsplan 2021 antogs.",
        "Förändringen 2 är klar.",
        "Storgatan var avstängd.",
        "Vägen 3 km bort.",
        "Storgatan 12/3 stängdes.",
    ],
)
def test_street_like_words_without_address_are_not_found(text: str) -> None:
    assert scan(text) == []


def test_a_name_with_a_number_is_not_a_street() -> None:
    text = "Sedan kom Kalle 12 minuter sent."
    finding = only(text)
    assert (finding.kind, value(text, finding)) == (K.NAME, "Kalle")


@pytest.mark.parametrize("plate", ["ABC 123", "ABC123", "ABC 12A", "XYZ 98P"])
def test_registration_plate_found(plate: str) -> None:
    text = f"En bil\nmed registreringsnummer {plate} stod där."
    finding = only(text)
    assert finding.kind is K.REG_PLATE
    assert value(text, finding) == plate
    assert (finding.line, finding.column) == (2, len("med registreringsnummer ") + 1)
    assert not finding.blocking


@pytest.mark.parametrize(
    "text",
    [
        "ABI 123",  # I is never used
        "AQC 123",  # nor Q
        "AVC 123",  # nor V
        "ÅBC 123",  # nor Å, Ä, Ö
        "ABC 12O",  # the last letter is never O
        "abc 123",
        "ABCD 123",
        "ABC 1234",
        "SEK 500",
        "EUR 100",
    ],
)
def test_not_registration_plates(text: str) -> None:
    assert scan(f"Det stod {text} på lappen.") == []


# --- names ------------------------------------------------------------------------------------


def test_first_name_found() -> None:
    text = "Mötet hölls i går.\nDär sa Karin att hon sett klistermärken."
    finding = only(text)
    assert finding.kind is K.NAME
    assert value(text, finding) == "Karin"
    assert (finding.line, finding.column) == (2, len("Där sa ") + 1)
    assert not finding.blocking


def test_surname_found() -> None:
    text = "Anmälan kom från familjen Lundqvist i området."
    finding = only(text)
    assert finding.kind is K.NAME
    assert value(text, finding) == "Lundqvist"
    assert (finding.line, finding.column) == (1, len("Anmälan kom från familjen ") + 1)


@pytest.mark.parametrize(
    "name",
    ["Eva Lindqvist", "Per Andersson", "Stig Björk", "Bo Berg", "Ann-Christin", "Lars-Erik"],
)
def test_full_names_are_one_finding(name: str) -> None:
    text = f"{name} ringde in. Senare kom {name} tillbaka."
    findings = scan(text)
    assert [(f.kind, value(text, f)) for f in findings] == [(K.NAME, name)] * 2


@pytest.mark.parametrize(
    "name", ["Eva", "Mona", "Mohammed", "Fatima", "Ahmed", "Yılmaz", "Hodžić", "Öberg", "Åsa"]
)
def test_plain_names_found_even_first_in_a_sentence(name: str) -> None:
    text = f"{name} kom till mötet."
    assert value(text, only(text)) == name


def test_names_are_matched_case_sensitively() -> None:
    assert scan("eva och ANDERSSON och karin") == []


def test_genitive_of_a_name_is_found() -> None:
    text = "Vi pratade om Annas skola och Anderssons bil."
    assert [value(text, f) for f in scan(text)] == ["Annas", "Anderssons"]


@pytest.mark.parametrize(
    "text",
    [
        "Per vecka kommer två anmälningar.",
        "Alla ärenden utgår från individens behov.",
        "Bo kvar i området är vanligt.",
        "Stig in och sätt dig.",
        "Björk och tall växer i parken.",
        "Berg och dalar.",
        "Strand och bad stängdes.",
        "Dan efter var lugn.",
        "Said is an English word.",
        "Hans mamma ringde.",
        "Inga insatser behövdes.",
        "Max tio deltagare per grupp.",
        "Ström saknades i lokalen.",
        "- Alla medarbetare ska gå utbildningen.",
        "Uppföljning:\tAlla enheter",
        "Vi bor i Hässelby strand och Hässelby Strand, inte på stranden.",
        "Ansökan lämnades 31 August 2021.",
    ],
)
def test_names_that_are_words_are_not_found_as_words(text: str) -> None:
    assert scan(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Igår träffade jag Per på fritidsgården.", "Per"),
        ("Samtalet med Bo var kort.", "Bo"),
        ("Enligt Stig var det lugnt.", "Stig"),
        ("Familjen Björk flyttade.", "Björk"),
        ("Hon heter Alla och är ny.", "Alla"),
    ],
)
def test_names_that_are_words_are_found_mid_sentence(text: str, name: str) -> None:
    assert value(text, only(text)) == name


def test_every_word_name_is_in_the_name_lists() -> None:
    lists = _names()
    assert lists >= _WORD_NAMES, sorted(_WORD_NAMES - lists)
    for word in ("Per", "Stig", "Björk", "Berg", "Strand", "Alla", "Bo", "Said", "Dan"):
        assert word in _WORD_NAMES
    for name in ("Eva", "Mona", "Anna"):
        assert name in lists
        assert name not in _WORD_NAMES


def test_name_lists_are_large_enough() -> None:
    total = 0
    for file in ("first_names.txt", "surnames.txt"):
        lines = resource_path("names", file).read_text(encoding="utf-8").splitlines()
        names = {line.split("#", 1)[0].strip() for line in lines} - {""}
        assert all(n[0].isupper() for n in names), file
        total += len(names)
    assert total >= 500


# --- what must not be flagged -----------------------------------------------------------------

NOT_IDENTIFIERS = [
    "2021-05-03",
    "20210503",
    "3 maj 2021",
    "14:30",
    "kl. 9.15",
    "155-943/2015",
    "Dnr 155-943/2015",
    "(1990:52)",
    "2001:453",
    "2025:400",
    "2021",
    "VB 2021",
    "T1 2022",
    "12 500 kr",
    "1 000 000 kronor",
    "14 kap. 1 §",
    "OSL 10 kap. 28 §",
    "prop. 2019/20:123",
    "Ds 2014:4",
    "s 22-23",
    "(6-16)",
    "09–15",
    "03-05-2021",
    "2021-2024",
    "Hässelby gård",
    "Hässelby strand",
    "Hässelby villastad",
    "Grimsta",
    "Kälvesta",
    "Nälsta",
    "Råcksta",
    "Vinsta",
    "Vällingby",
    "Säkerhetspolisen",
    "Segerstedtinstitutet",
    "CVE",
    "SIG",
    "BVC",
    "LVU",
    "LVM",
    "RVC",
]


@pytest.mark.parametrize("text", NOT_IDENTIFIERS)
def test_not_identifiers(text: str) -> None:
    assert scan(text) == []
    assert scan(f"Enligt underlaget, {text}, gäller detta.") == []


def test_not_identifiers_all_together() -> None:
    assert scan("; ".join(NOT_IDENTIFIERS) + "\n" + " ".join(NOT_IDENTIFIERS)) == []


def test_the_2021_plan_gives_no_findings() -> None:
    assert PLAN_2021.is_file(), f"the 2021 plan is missing: tests/data/{PLAN_2021.name}"
    text = PLAN_2021.read_text(encoding="utf-8")
    assert len(text) > 20_000
    assert scan(text) == []


# --- the public API ---------------------------------------------------------------------------


def test_blocking_kinds() -> None:
    assert {K.PERSONNUMMER, K.SAMORDNINGSNUMMER, K.PHONE, K.EMAIL} == BLOCKING_KINDS


def test_kind_labels_are_english_msgids() -> None:
    assert kind_label(K.PERSONNUMMER) == "personal identity number (personnummer)"
    assert kind_label(K.SAMORDNINGSNUMMER) == "coordination number (samordningsnummer)"
    labels = {kind_label(kind) for kind in FindingKind}
    assert len(labels) == len(FindingKind)


def test_findings_sorted_and_blocking_reported() -> None:
    text = "Karin (070-123 45 67) bor på Storgatan 5 och har bil ABC 123, pnr 880320-0016."
    findings = scan(text)
    assert [f.kind for f in findings] == [
        K.NAME,
        K.PHONE,
        K.STREET_ADDRESS,
        K.REG_PLATE,
        K.PERSONNUMMER,
    ]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert has_blocking(findings)
    assert not has_blocking(f for f in findings if f.kind in {K.NAME, K.REG_PLATE})
    assert not has_blocking([])


def test_repr_and_str_do_not_contain_the_value() -> None:
    text = "Kontakt 070-987 65 43 och 880320-0016 och anna@example.se"
    findings = scan(text)
    assert len(findings) == 3
    for finding in findings:
        digits = "".join(c for c in value(text, finding) if c.isdigit())
        for shown in (repr(finding), str(finding)):
            assert value(text, finding) not in shown
            assert "anna" not in shown
            if digits:
                assert digits not in shown
                assert digits[-4:] not in shown
        assert finding.kind.value in repr(finding)


def test_empty_text() -> None:
    assert scan("") == []


# --- properties -------------------------------------------------------------------------------

# Birth dates for which each written form is unambiguous about the century.
DATE_RANGES = {
    "YYMMDD-NNNN": (dt.date(1927, 1, 1), dt.date(2025, 12, 31)),
    "YYMMDD+NNNN": (dt.date(1890, 1, 1), dt.date(1925, 12, 31)),
    "YYMMDDNNNN": (dt.date(1927, 1, 1), dt.date(2025, 12, 31)),
    "YYYYMMDDNNNN": (dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    "YYYYMMDD-NNNN": (dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
}


@st.composite
def written_ids(draw: st.DrawFn) -> tuple[str, FindingKind]:
    form = draw(st.sampled_from(FORMS))
    low, high = DATE_RANGES[form]
    date = draw(st.dates(min_value=low, max_value=high))
    coordination = draw(st.booleans())
    century, ten = make_id(date, draw(st.integers(0, 999)), coordination=coordination)
    kind = K.SAMORDNINGSNUMMER if coordination else K.PERSONNUMMER
    return write(century, ten, form), kind


surrounding = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    written_ids(),
    surrounding,
    surrounding,
    st.sampled_from([" ", "\n", " (", ": ", "\t"]),
    st.sampled_from([" ", "\n", ".", ", ", ")"]),
)
def test_generated_ids_are_always_found(
    written: tuple[str, FindingKind], before: str, after: str, left: str, right: str
) -> None:
    number, kind = written
    text = before + left + number + right + after
    start = len(before) + len(left)
    findings = scan(text)
    assert (kind, start, start + len(number)) in {(f.kind, f.start, f.end) for f in findings}
    assert has_blocking(findings)


CONTEXTS = ["{}", "Händelsen inträffade {} i Vinsta.", "({})", "Se {}, s. 4."]


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.sampled_from(CONTEXTS))
def test_generated_dates_are_never_found(date: dt.date, context: str) -> None:
    assert scan(context.format(date.isoformat())) == []
    assert scan(context.format(f"{date:%Y%m%d}")) == []


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 999),
    st.integers(0, 999),
    st.integers(1900, 2099),
    st.sampled_from([*CONTEXTS, "Dnr {}"]),
)
def test_generated_diarienummer_are_never_found(a: int, b: int, year: int, context: str) -> None:
    assert scan(context.format(f"{a:03d}-{b:03d}/{year}")) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(1900, 2099), st.integers(1, 2000), st.sampled_from([*CONTEXTS, "SFS {}"]))
def test_generated_sfs_numbers_are_never_found(year: int, number: int, context: str) -> None:
    assert scan(context.format(f"{year}:{number}")) == []


@pytest.mark.parametrize(
    "text",
    [
        "Eleven 850709 9805 sågs i korridoren.",
        "Nummer: 19850709 9805.",
        "Nummer (850709\u00a09805) noterat.",
    ],
)
def test_space_separated_personnummer_is_found(text: str) -> None:
    """Regression: a space between date and serial used to hide a valid personnummer."""
    kinds = [f.kind for f in scan(text)]
    assert kinds == [FindingKind.PERSONNUMMER]


def test_space_separated_invalid_check_digit_is_not_flagged() -> None:
    assert not any(f.kind == FindingKind.PERSONNUMMER for f in scan("Ärende 850709 9806 avslutat."))


def test_guard_figures_script_reports_full_recall_and_no_false_positives() -> None:
    """benchmarks/guard_figures.py on a small seeded corpus: every form found, no look-alike."""
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "guard_figures.py"
    spec = importlib.util.spec_from_file_location("guard_figures", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recall, fp_rate = module.figures(count=700, seed=7)
    assert set(recall) >= {"10 digits, hyphen", "10 digits, plus", "10 digits, space"}
    assert set(recall) >= {"10 digits, none", "12 digits, hyphen", "12 digits, none"}
    assert all(value == 1.0 for value in recall.values()), recall
    for kind in ("date", "diarienummer", "diarienummer (dotted)", "SFS number"):
        assert fp_rate[kind] == 0.0, (kind, fp_rate)
