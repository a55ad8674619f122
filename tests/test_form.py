"""The form loop: blank form → filled as a user would → import → the same values in the vault."""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject
from reportlab.pdfgen.canvas import Canvas

from vbedesk.formimport import (
    MAX_FORM_BYTES,
    REJECTION_MESSAGES,
    FormReading,
    Imported,
    NeedsReview,
    Rejected,
    Skipped,
    content_hash,
)
from vbedesk.incidents import incident_to_dict
from vbedesk.reports.form import (
    build_blank_form,
    field_values_for,
    form_field_names,
    read_filled_form,
)
from vbedesk.storage.service import VaultService
from vbedesk.taxonomy import Taxonomies, load_taxonomies

from .conftest import PASSPHRASE, run_cli

FULL: dict[str, object] = {
    "received_on": "2024-05-03",
    "occurred_on": "2024-05-01",
    "occurred_time": "21:15",
    "occurred_until": "2024-05-02",
    "area": "RACKSTA",
    "place_type": "CENTRUM_TORG",
    "reporting_unit": "FRITID_KULTUR",
    "reporter_role": "MEDARBETARE",
    "incident_types": ["AFFISCHER", "KLISTERMARKEN"],
    "environment": "HOGER",
    "organisation": "Nordiska motståndsrörelsen",
    "concerns_individual": True,
    "age_band": "UNDER_18",
    "description": "Klistermärken på busskuren vid torget.\nTvå affischer i tunnelbanan, "
    "borttagna av städ. Åtgärd: fastighetsägaren kontaktad (é, ü, €).",
    "actions_taken": ["FASTIGHETSAGARE_KONTAKTAD", "MATERIAL_AVLAGSNAT"],
    "consent": "EJ_AKTUELLT",
}


@pytest.fixture(scope="module")
def taxonomies() -> Taxonomies:
    return load_taxonomies()


@pytest.fixture(scope="module")
def blank(taxonomies: Taxonomies) -> bytes:
    return build_blank_form(taxonomies, "sv")


def fill(blank: bytes, values: Mapping[str, str]) -> bytes:
    """Fill the form as a viewer does: field values, check boxes "/Yes", appearances kept."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    writer.update_page_form_field_values(None, dict(values), auto_regenerate=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def filled(blank: bytes, **changes: object) -> bytes:
    data = {**FULL, **changes}
    return fill(blank, field_values_for({k: v for k, v in data.items() if v is not None}))


def _import(service: VaultService, data: bytes, name: str = "form.pdf", **kw: bool) -> object:
    return service.forms.import_form(data, name, reader=read_filled_form, **kw)


# -- the blank form -------------------------------------------------------------------------


def test_blank_form_has_every_field_and_the_warning(blank: bytes, taxonomies: Taxonomies) -> None:
    reader = PdfReader(io.BytesIO(blank))
    fields = reader.get_fields()
    assert fields is not None
    assert set(fields) == form_field_names(taxonomies)
    acroform = reader.root_object["/AcroForm"]
    assert isinstance(acroform, DictionaryObject)
    assert acroform["/NeedAppearances"] == True  # noqa: E712
    assert fields["description"]["/Ff"] & 4096  # multi-line
    assert "/MaxLen" not in fields["description"]  # free text, not 100 characters
    assert fields["type_HOT"]["/FT"] == "/Btn"
    assert fields["area"]["/FT"] == "/Ch"
    options = {str(pair[0]): str(pair[1]) for pair in fields["area"]["/Opt"]}
    assert options["RACKSTA"] == "Råcksta"  # codes exported, Swedish labels shown
    assert set(options) - {""} == set(taxonomies.areas.codes())
    text = "".join(page.extract_text() for page in reader.pages)
    assert "personnummer" in text
    assert "Do not write names" in text
    assert "Återvändare" in text and "Fastighetsägare kontaktad" in text
    assert reader.metadata is not None and reader.metadata.subject == "vbedesk-form/1"


def test_blank_form_in_english_labels(taxonomies: Taxonomies) -> None:
    fields = PdfReader(io.BytesIO(build_blank_form(taxonomies, "en"))).get_fields()
    assert fields is not None
    options = {str(pair[0]): str(pair[1]) for pair in fields["area"]["/Opt"]}
    assert options["ANNAN"] == taxonomies.areas.label("ANNAN", "en")


# -- the round trip -------------------------------------------------------------------------


def test_round_trip_gives_the_same_values_in_the_vault(service: VaultService, blank: bytes) -> None:
    data = filled(blank)
    result = _import(service, data, "unit-7.pdf")
    assert isinstance(result, Imported), result
    assert result.sha256 == content_hash(data)
    assert result.incident.id is not None
    stored = incident_to_dict(service.incidents.get(result.incident.id))
    for name, value in FULL.items():
        expected = sorted(value) if isinstance(value, list) else value
        assert stored[name] == expected, name
    assert stored["status"] == "NY"
    assert stored["retain_until"] is not None  # the vault's retention applies
    actions = [e.action for e in service.audit_entries(5)]
    assert "incident.import" in actions


def test_minimal_form_and_empty_fields(service: VaultService, blank: bytes) -> None:
    values = field_values_for(
        {"received_on": "2024-01-10", "incident_types": ["KLOTTER"], "environment": "OKLAR"}
    )
    result = _import(service, fill(blank, values))
    assert isinstance(result, Imported), result
    inc = result.incident
    assert inc.area is None and inc.occurred_on is None and inc.description == ""
    assert inc.concerns_individual is False and inc.actions_taken == frozenset()


def test_a_viewer_that_stores_the_label_of_a_choice(service: VaultService, blank: bytes) -> None:
    result = _import(service, filled(blank, area="Hässelby strand", environment="Oklar"))
    assert isinstance(result, Imported), result
    assert result.incident.area == "HASSELBY_STRAND"
    assert result.incident.environment == "OKLAR"


def test_carriage_returns_become_newlines(service: VaultService, blank: bytes) -> None:
    result = _import(service, filled(blank, description="Rad ett\rRad två\r\nRad tre"))
    assert isinstance(result, Imported), result
    assert result.incident.description == "Rad ett\nRad två\nRad tre"


# -- the identifier guard -------------------------------------------------------------------


def test_a_personnummer_in_the_description_needs_review(
    service: VaultService, blank: bytes
) -> None:
    data = filled(blank, description="Eleven har personnummer 19121212-1212, se bilaga.")
    result = _import(service, data)
    assert isinstance(result, NeedsReview), result
    kinds = {f.kind.value for field, f in result.findings if f.blocking}
    assert kinds == {"personnummer"}
    assert result.findings[0][0] == "description"
    assert result.incident.id is None
    assert service.incidents.count() == 0
    # Nothing recorded: the same file is held for review again, and can be accepted.
    assert isinstance(_import(service, data), NeedsReview)
    accepted = _import(service, data, accept_findings=True)
    assert isinstance(accepted, Imported)
    assert service.incidents.count() == 1


# -- skipped --------------------------------------------------------------------------------


def test_the_same_file_twice_is_skipped(service: VaultService, blank: bytes) -> None:
    data = filled(blank)
    first = _import(service, data, "a.pdf")
    assert isinstance(first, Imported)
    second = _import(service, data, "copy-of-a.pdf")
    assert isinstance(second, Skipped), second
    assert second.incident_id == first.incident.id
    assert second.filename == "copy-of-a.pdf"
    assert service.incidents.count() == 1


# -- rejections -----------------------------------------------------------------------------


def _plain_pdf() -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(72, 720, "Ingen blankett")
    c.showPage()
    c.save()
    return buf.getvalue()


def _other_form() -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf)
    c.acroForm.textfield(name="namn", x=72, y=700, width=200, height=20)
    c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt("hemligt", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD_FILES: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    # name: (make from a filled form, reason, a word of the message)
    "not a PDF": (lambda ok: "Händelse;datum\n".encode() * 20, "not_pdf", "not a PDF"),
    "empty file": (lambda ok: b"", "not_pdf", "not a PDF"),
    "truncated PDF": (lambda ok: ok[: len(ok) // 2], "damaged", "damaged"),
    "garbage after a header": (
        lambda ok: b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n",
        "damaged",
        "damaged",
    ),
    "encrypted PDF": (_encrypted, "encrypted", "encrypted"),
    "PDF with no form": (lambda ok: _plain_pdf(), "no_form", "no form"),
    "another form": (lambda ok: _other_form(), "not_our_form", "not a VBE Desk form"),
    "oversized file": (
        lambda ok: ok + b"\n%" + b"x" * (MAX_FORM_BYTES - len(ok)) + b"\n%%EOF\n",
        "too_large",
        "10 MB",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_rejected_with_their_reason(
    service: VaultService, blank: bytes, case: str
) -> None:
    make, reason, words = BAD_FILES[case]
    good = filled(blank)
    result = _import(service, make(good), f"{case}.pdf")
    assert isinstance(result, Rejected), result
    assert result.reason == reason
    assert result.filename == f"{case}.pdf"
    assert result.text() == REJECTION_MESSAGES[reason]  # the message of this reason, in English
    assert words in result.text()
    assert service.incidents.count() == 0
    # The control: the undamaged form the bad file was made from passes the same path, so a
    # reader that refuses everything (as "damaged", say) fails this test.
    accepted = _import(service, good, "good.pdf")
    assert isinstance(accepted, Imported), accepted
    assert service.incidents.count() == 1


INVALID_FIELDS: dict[str, tuple[dict[str, object], str]] = {
    "unknown choice value": ({"area": "Bromma"}, "Unknown code 'Bromma' for area."),
    "date that is not a date": (
        {"occurred_on": "3 maj 2024"},
        "Invalid date '3 maj 2024' for occurred_on",
    ),
    "impossible date": ({"received_on": "2024-02-30"}, "for received_on"),
    "missing required field": (
        {"received_on": None},
        "The field received_on is required.",
    ),
    "no incident type ticked": (
        {"incident_types": None},
        "The field incident_types is required.",
    ),
    "time that is not a time": ({"occurred_time": "kvällen"}, "Invalid time"),
    "date in the future": ({"received_on": "2999-01-01"}, "lies in the future"),
}


@pytest.mark.parametrize("case", sorted(INVALID_FIELDS))
def test_invalid_fields_are_rejected_naming_the_field(
    service: VaultService, blank: bytes, case: str
) -> None:
    changes, message = INVALID_FIELDS[case]
    result = _import(service, filled(blank, **changes))
    assert isinstance(result, Rejected), result
    assert result.reason == "invalid"
    assert message in result.text()
    assert service.incidents.count() == 0


def test_an_unknown_checkbox_state_is_not_ticked(taxonomies: Taxonomies, blank: bytes) -> None:
    values = field_values_for(FULL)
    values["type_HOT"] = "/On"  # not the box's on state: a viewer shows it empty
    reading = read_filled_form(fill(blank, values), taxonomies)
    assert reading.ok
    assert "HOT" not in reading.values["incident_types"]  # type: ignore[operator]


def test_every_rejection_reason_has_a_message() -> None:
    texts = {}
    for reason, msgid in REJECTION_MESSAGES.items():
        text = Rejected("f.pdf", reason, {"field": "area"}).text()
        assert text == msgid.format(field="area"), reason  # its own message, filled in
        assert "{" not in text and "}" not in text, reason
        texts[reason] = text
    assert len(set(texts.values())) == len(texts)  # no two reasons read the same
    assert "area" in texts["bad_value"]
    # A refusal's own message (as the incident rules give it) wins over the reason's.
    own = Rejected("f.pdf", "invalid", {"field": "area"}, message="Unknown code for {field}.")
    assert own.text() == "Unknown code for area."


# What byte damage can make of a form: a PDF that is broken, or one whose fields are lost.
DAMAGE_REASONS = {"not_pdf", "damaged", "no_form", "not_our_form", "bad_value"}


def test_damaged_variants_never_raise(taxonomies: Taxonomies, blank: bytes) -> None:
    """Random byte damage anywhere: a reading or a rejection, never an exception."""
    good = filled(blank)
    # The control: the undamaged form is read, with its values, by the same reader.
    control = read_filled_form(good, taxonomies, "good.pdf")
    assert control.ok, control.rejection
    assert control.sha256 == content_hash(good)
    assert control.values["area"] == FULL["area"]
    assert control.values["description"] == FULL["description"]
    rng = random.Random(20240503)
    outcomes = []
    for _ in range(60):
        data = bytearray(good)
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        reading = read_filled_form(bytes(data), taxonomies, "damaged.pdf")
        assert isinstance(reading, FormReading)
        assert reading.sha256 == content_hash(bytes(data))
        if reading.rejection is None:
            assert reading.values, "a reading without a rejection has the form's values"
            outcomes.append("read")
        else:
            assert reading.rejection.reason in DAMAGE_REASONS, reading.rejection
            assert reading.rejection.filename == "damaged.pdf"
            assert reading.rejection.text() == REJECTION_MESSAGES[reading.rejection.reason]
            outcomes.append(reading.rejection.reason)
    # Most damage hits page content a reader can skip; some hits the form and is refused.
    assert "read" in outcomes
    assert set(outcomes) - {"read"}, "no variant was refused"


# -- the command line -----------------------------------------------------------------------


def test_cli_form_blank_and_import(service: VaultService, blank: bytes, tmp_path: Path) -> None:
    folder = service.vault.folder
    service.vault.close()
    env = {"VBEDESK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}
    out = tmp_path / "blankett.pdf"
    made = run_cli("--vault", str(folder), "form", "blank", "--out", str(out), env=env)
    assert made.returncode == 0, made.stderr
    fields = PdfReader(out).get_fields()
    assert fields is not None and "description" in fields
    again = run_cli("--vault", str(folder), "form", "blank", "--out", str(out), env=env)
    assert again.returncode == 3  # never overwritten

    good = tmp_path / "good.pdf"
    good.write_bytes(filled(out.read_bytes()))
    review = tmp_path / "review.pdf"
    review.write_bytes(filled(blank, description="Ring 070-123 45 67 eller 19121212-1212."))
    junk = tmp_path / "junk.pdf"
    junk.write_text("not a pdf")
    result = run_cli(
        "--vault", str(folder), "form", "import", str(good), str(review), str(junk),
        str(tmp_path / "missing.pdf"), env=env,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("good.pdf: imported as incident ")
    assert lines[1].startswith("review.pdf: needs review: ")
    assert "personal identity number" in lines[1] or "personnummer" in lines[1]
    assert "(description 1:" in lines[1]
    assert lines[2] == "junk.pdf: rejected: The file is not a PDF."
    assert lines[3] == "missing.pdf: rejected: The file cannot be read."
    assert "Ring" not in result.stdout + result.stderr  # no form text in the output

    twice = run_cli("--vault", str(folder), "form", "import", str(good), env=env)
    assert twice.returncode == 0, twice.stderr
    assert twice.stdout.strip() == "good.pdf: skipped, already imported"

    from vbedesk.storage.vault import Vault

    reopened = VaultService(Vault.open(folder, passphrase=PASSPHRASE))
    try:
        assert reopened.incidents.count() == 1
        register = reopened.disclosures.all()
        assert [d.kind for d in register] == ["pdf"]
        assert register[0].path == str(out.resolve())
    finally:
        reopened.vault.close()
