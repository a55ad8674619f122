"""Fuzz suite: the program's outside inputs, generated and mutated with Hypothesis.

Incident JSONL and CSV imports, filled-in PDF forms (bytes of a real form filled as a
viewer would, then damaged, or filled with generated values), routine definitions
(mutations of the shipped TOML), taxonomy files and settings. For every input the
program either takes it or refuses it with one of its own error classes and a message
that renders in English and Swedish; no other exception escapes, and a refusal writes
nothing (incident count, audit chain, kept routine versions and settings unchanged).

Example counts: ``pytest --hypothesis-show-statistics``; the outcome counts per input
kind are printed at the end of the module (``pytest -s``).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import string
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from tests.conftest import PASSPHRASE, fast_kdf, run_cli
from vbedesk.errors import InputRefused, VbedeskError
from vbedesk.formimport import FormReading, Imported, NeedsReview, Ready, Rejected, Skipped
from vbedesk.i18n import _, set_language
from vbedesk.incidents import FIELDS, incidents_from_csv, incidents_from_jsonl
from vbedesk.model import Incident
from vbedesk.paths import resource_path
from vbedesk.reports.form import build_blank_form, field_values_for, read_filled_form
from vbedesk.routine import check_definition, parse_definition, shipped_content
from vbedesk.settings import SPECS, Settings, validate_setting
from vbedesk.storage.bootstrap import create_vault
from vbedesk.storage.service import VaultService
from vbedesk.taxonomy import TAXONOMY_NAMES, Taxonomies, load_taxonomies

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the shared tree
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SLOW_FUZZ = settings(FUZZ, max_examples=50)  # a PDF per example

# Outcome counts per input kind, printed when the module ends.
OUTCOMES: dict[str, Counter[str]] = {}
# A word in the generated free text that no refusal may repeat (no incident text in
# error messages).
MARKER = "Kanelbullemarkering"


def record(kind: str, outcome: str) -> None:
    OUTCOMES.setdefault(kind, Counter())[outcome] += 1


@pytest.fixture(scope="module", autouse=True)
def _print_outcomes() -> Iterator[None]:
    yield
    for kind, counts in sorted(OUTCOMES.items()):
        print(f"\n[fuzz] {kind}: {sum(counts.values())} runs")
        for outcome, n in counts.most_common():
            print(f"[fuzz]   {outcome:<40} {n:>5}")


@pytest.fixture(scope="module")
def fuzz_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VaultService]:
    """One real vault for the whole module (Hypothesis runs many examples per test)."""
    service, _recovery = create_vault(
        tmp_path_factory.mktemp("fuzz") / "vault", PASSPHRASE, kdf=fast_kdf()
    )
    yield service
    service.vault.close()


@pytest.fixture(scope="module")
def taxonomies() -> Taxonomies:
    return load_taxonomies()


# -- what every refusal must be ------------------------------------------------------------


def state(service: VaultService) -> tuple[object, ...]:
    """What a refused input must leave as it was."""
    newest = service.audit_entries(limit=1)
    return (
        service.incidents.count(),
        newest[0].id if newest else None,
        tuple(service.routines.versions()),
        service.settings(),
    )


def clear_message(exc: VbedeskError) -> str:
    """The refusal as the user sees it, in both languages: never empty, never a format
    error, never the free text of the input."""
    shown = ""
    try:
        for language in ("sv", "en"):
            set_language(language)
            text = _(exc.message)
            shown = text.format(**exc.params) if exc.params else text
            assert shown.strip(), exc.message
            assert MARKER not in shown
    finally:
        set_language("en")
    return shown


def refused(
    kind: str, exc: VbedeskError, service: VaultService, before: tuple[object, ...]
) -> None:
    assert isinstance(exc, InputRefused), type(exc)
    clear_message(exc)
    assert state(service) == before, f"{kind}: a refusal changed the vault"
    record(kind, type(exc).__name__)


# -- incidents: JSON lines and CSV ---------------------------------------------------------

CODES = {
    "area": ["RACKSTA", "VALLINGBY", "Bromma", ""],
    "place_type": ["CENTRUM_TORG", "SKOLA", "x"],
    "reporting_unit": ["FRITID_KULTUR", "POLIS", "?"],
    "reporter_role": ["MEDARBETARE", "nope"],
    "environment": ["HOGER", "VANSTER", "ISLAMISTISK", "hoger", ""],
    "age_band": ["UNDER_18", "VUXEN", "18"],
    "consent": ["EJ_AKTUELLT", "JA"],
    "status": ["NY", "AVSLUTAD", "KLAR"],
}
SETS = {
    "incident_types": ["AFFISCHER", "KLISTERMARKEN", "KLOTTER", "HOT", "UNKNOWN"],
    "actions_taken": ["MATERIAL_AVLAGSNAT", "FASTIGHETSAGARE_KONTAKTAD", "X"],
}
DATES = ["2024-05-03", "2024-02-29", "2023-02-29", "2999-01-01", "1900-01-01", "2024-5-3", ""]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def plausible(field: str) -> st.SearchStrategy[object]:
    """Values near the valid ones for ``field`` (the random ones come from json_values)."""
    if field in CODES:
        return st.sampled_from(CODES[field])
    if field in SETS:
        return st.lists(st.sampled_from(SETS[field]), max_size=3)
    if field in ("received_on", "occurred_on", "occurred_until", "feedback_on", "retain_until"):
        return st.sampled_from(DATES) | st.dates().map(date.isoformat)
    if field == "occurred_time":
        return st.sampled_from(["21:15", "24:00", "9:5", "12:60", "kväll"])
    if field == "concerns_individual":
        return st.sampled_from([True, False, "ja", 1, 0])
    if field in ("description", "organisation"):
        return st.text(max_size=60).map(lambda t: f"{t} {MARKER}") | st.sampled_from(
            ["Ring 070-123 45 67", "personnummer 19121212-1212", "=SUM(A1)", "x" * 20_001]
        )
    return st.integers(-2, 10**6)  # id


BASE_RECORD: dict[str, object] = {
    "received_on": "2024-05-03",
    "incident_types": ["AFFISCHER"],
    "environment": "HOGER",
    "description": f"Affischer vid torget. {MARKER}",
}

field_names = st.sampled_from([*FIELDS, "id"])
records = st.builds(
    lambda changes, drop: {k: v for k, v in {**BASE_RECORD, **changes}.items() if k not in drop},
    # Mostly values near the valid ones (so that some records pass), sometimes any JSON.
    st.lists(field_names | st.text(max_size=10), max_size=3, unique=True).flatmap(
        lambda names: st.fixed_dictionaries(
            {n: st.one_of(plausible(n), plausible(n), plausible(n), json_values) for n in names}
        )
    ),
    st.sets(st.sampled_from(["received_on", "incident_types", "environment"]), max_size=1),
)
# Lines no parser should choke on: deep nesting, huge numbers, odd JSON constants.
hostile_lines = st.sampled_from(
    [
        "[" * 5000 + "]" * 5000,
        '{"id": ' + "9" * 5000 + "}",
        '{"received_on": ' + "1" * 4400 + "}",
        "{" * 3000,
        '{"id": NaN}',
        '{"id": Infinity}',
        "\ufeff{}",
        "\u2028",
        '{"received_on": "2024-05-03", "received_on": "2024-05-04"}',
    ]
)
jsonl_lines = (
    records.map(lambda r: json.dumps(r, ensure_ascii=False))
    | hostile_lines
    | st.text(max_size=60)
    | json_values.map(json.dumps)
)


def import_text(
    kind: str,
    service: VaultService,
    text: str,
    parser: Callable[[str, Taxonomies], list[Incident]],
) -> None:
    """As ``vbedesk incident import`` does it: parse all, then import all or nothing."""
    before = state(service)
    try:
        incidents = parser(text, service.taxonomies)
        if not incidents:
            record(kind, "no incidents (nothing to import)")
            assert state(service) == before
            return
        ids = service.incidents.import_many(incidents, source="fuzz")
    except VbedeskError as exc:
        refused(kind, exc, service, before)
        return
    assert service.incidents.count() == before[0] + len(ids)  # type: ignore[operator]
    record(kind, "imported")


@FUZZ
@given(lines=st.lists(jsonl_lines, min_size=1, max_size=4))
def test_jsonl_import_takes_or_refuses_cleanly(
    fuzz_service: VaultService, lines: list[str]
) -> None:
    import_text("incidents JSONL", fuzz_service, "\n".join(lines), incidents_from_jsonl)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


csv_documents = (
    st.lists(st.sampled_from(FIELDS) | st.text(max_size=8), min_size=0, max_size=6, unique=True)
    .flatmap(
        lambda extra: st.tuples(
            st.just(["received_on", "incident_types", "environment", "description", *extra]),
            st.lists(records, min_size=0, max_size=3),
            st.integers(-1, 2),
        )
    )
    .map(
        lambda doc: csv_text(
            doc[0],
            [[csv_cell(r.get(c)) for c in doc[0]][: len(doc[0]) + doc[2]] for r in doc[1]],
        )
    )
)
csv_inputs = (
    csv_documents
    | st.text(max_size=200)
    | st.sampled_from(
        [
            "received_on,incident_types,environment\n2024-05-03,AFFISCHER,HOGER\x00\n",
            'received_on,incident_types,environment\n"2024-05-03' + "x" * 140_000 + "\n",
            "received_on,received_on\n",
            "\ufeff",
        ]
    )
)


@FUZZ
@given(text=csv_inputs)
def test_csv_import_takes_or_refuses_cleanly(fuzz_service: VaultService, text: str) -> None:
    import_text("incidents CSV", fuzz_service, text, incidents_from_csv)


# -- filled-in PDF forms -------------------------------------------------------------------

FULL_FORM: dict[str, object] = {
    "received_on": "2024-05-03",
    "occurred_on": "2024-05-01",
    "occurred_time": "21:15",
    "area": "RACKSTA",
    "incident_types": ["AFFISCHER", "KLISTERMARKEN"],
    "environment": "HOGER",
    "concerns_individual": True,
    "description": "Klistermärken på busskuren vid torget.",
    "actions_taken": ["MATERIAL_AVLAGSNAT"],
}


def fill(blank: bytes, values: dict[str, str]) -> bytes:
    """Fill the form as a viewer does (as tests/test_form.py)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    writer.update_page_form_field_values(None, values, auto_regenerate=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def blank(taxonomies: Taxonomies) -> bytes:
    return build_blank_form(taxonomies, "sv")


@pytest.fixture(scope="module")
def filled_form(blank: bytes) -> bytes:
    data = fill(blank, field_values_for(FULL_FORM))
    assert read_filled_form(data, load_taxonomies()).ok
    return data


def import_form(kind: str, service: VaultService, data: bytes) -> None:
    before = state(service)
    reading = read_filled_form(data, service.taxonomies, "fuzz.pdf")  # documented: never raises
    assert isinstance(reading, FormReading)
    result = service.forms.import_form(data, "fuzz.pdf", reader=read_filled_form)
    if isinstance(result, Imported):
        assert service.incidents.count() == before[0] + 1  # type: ignore[operator]
    else:
        assert isinstance(result, Rejected | NeedsReview | Skipped | Ready), result
        assert state(service) == before, f"{kind}: {type(result).__name__} changed the vault"
        if isinstance(result, Rejected):
            for language in ("sv", "en"):
                set_language(language)
                assert result.text().strip()
                assert MARKER not in result.text()
            set_language("en")
    label = type(result).__name__
    record(kind, f"{label}: {result.reason}" if isinstance(result, Rejected) else label)


pdf_damage = st.one_of(
    st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=12
    ).map(lambda flips: ("flip", flips)),
    st.floats(0, 1, exclude_max=True).map(lambda at: ("truncate", at)),
    st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=64)).map(
        lambda ins: ("insert", ins)
    ),
    st.tuples(
        st.sampled_from(
            [b"/V ", b"/T ", b"/Yes", b"/AcroForm", b"/Fields", b"xref", b"obj", b"stream"]
        ),
        st.binary(min_size=0, max_size=8),
    ).map(lambda rep: ("token", rep)),
)


def damage(data: bytes, how: tuple[str, Any]) -> bytes:
    kind, arg = how
    if kind == "flip":
        out = bytearray(data)
        for where, xor in arg:
            out[int(where * len(out))] ^= xor
        return bytes(out)
    if kind == "truncate":
        return data[: int(arg * len(data))]
    if kind == "insert":
        at = int(arg[0] * len(data))
        return data[:at] + arg[1] + data[at:]
    token, replacement = arg
    return data.replace(token, replacement, 1 + len(replacement) % 3)


@SLOW_FUZZ
@given(how=pdf_damage)
def test_damaged_filled_form_is_rejected_or_read(
    fuzz_service: VaultService, filled_form: bytes, how: tuple[str, Any]
) -> None:
    import_form("PDF form (damaged bytes)", fuzz_service, damage(filled_form, how))


FORM_FIELDS = (
    "received_on",
    "occurred_on",
    "occurred_time",
    "occurred_until",
    "area",
    "environment",
    "incident_types",
    "organisation",
    "description",
    "age_band",
    "feedback_on",
)
form_values = st.lists(st.sampled_from(FORM_FIELDS), max_size=3, unique=True).flatmap(
    lambda names: st.fixed_dictionaries(
        {n: st.one_of(plausible(n), st.none(), st.text(max_size=40)) for n in names}
    )
)


@SLOW_FUZZ
@given(values=form_values)
def test_generated_form_values_are_imported_or_rejected(
    fuzz_service: VaultService, blank: bytes, values: dict[str, object]
) -> None:
    merged = {**FULL_FORM, **values}
    fields = {k: v for k, v in merged.items() if v is not None and not (k in SETS and not v)}
    text_safe = {k: (v if isinstance(v, list) else str(v)[:2000]) for k, v in fields.items()}
    import_form(
        "PDF form (generated values)", fuzz_service, fill(blank, field_values_for(text_safe))
    )


# -- routine definitions -------------------------------------------------------------------

SHIPPED = shipped_content()
SHIPPED_LINES = SHIPPED.split("\n")
toml_values = st.sampled_from(
    ['""', '"A8a"', '"NOPE"', "[]", '["POLIS"]', "true", "1", "{}", "{ x = 1 }", '"end"', '"multi"']
)
line_edits = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "value", "text", "next", "drop"]),
        st.integers(0, len(SHIPPED_LINES) - 1),
        toml_values,
        st.text(max_size=20),
    ),
    min_size=1,
    max_size=4,
)


def edit_lines(lines: list[str], edits: list[tuple[str, int, str, str]]) -> str:
    out = list(lines)
    for op, at, value, text in edits:
        if op == "drop":
            # Remove one ``key = …`` line of a structural key (the n-th one of that key).
            key = ("next", "then", "id", "kind", "start", "code")[at % 6]
            places = [n for n, line in enumerate(out) if line.startswith(f"{key} =")]
            if places:
                del out[places[at % len(places)]]
            continue
        at %= max(len(out), 1)
        if not out:
            break
        line = out[at]
        if op == "delete":
            del out[at]
        elif op == "duplicate":
            out.insert(at, line)
        elif op == "value" and "=" in line:
            out[at] = line.split("=", 1)[0] + "= " + value
        elif op == "next":
            out.insert(at, f"next = {value}")
        else:
            out[at] = text
    return "\n".join(out)


def nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "a = " + "[" * depth + "]" * depth
    return "a = " + "{ b = " * depth + "1" + " }" * depth


routine_texts = (
    line_edits.map(lambda edits: edit_lines(SHIPPED_LINES, edits))
    | st.text(max_size=200)
    | st.tuples(st.integers(500, 3000), st.sampled_from(["array", "table"])).map(
        lambda d: nested(*d)
    )
)


@FUZZ
@given(content=routine_texts)
def test_routine_file_is_loaded_or_refused_cleanly(
    fuzz_service: VaultService, content: str
) -> None:
    kind = "routine definition"
    context = fuzz_service.routines.context()
    problems = check_definition(content, context)  # a list, never an exception
    before = state(fuzz_service)
    try:
        definition = fuzz_service.routines.load(content)
    except VbedeskError as exc:
        assert problems or "already kept" in exc.message, exc.message
        refused(kind, exc, fuzz_service, before)
        return
    assert not problems
    assert parse_definition(content, context).id == definition.id
    assert fuzz_service.routines.active().version == definition.version
    record(kind, "loaded")


# -- taxonomy files ------------------------------------------------------------------------

TAXONOMY_DIR = resource_path("taxonomies")


@pytest.fixture(scope="module")
def taxonomy_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("taxonomies")
    for name in TAXONOMY_NAMES:
        shutil.copyfile(TAXONOMY_DIR / f"{name}.toml", folder / f"{name}.toml")
    return folder


taxonomy_edits = st.tuples(
    st.sampled_from(TAXONOMY_NAMES),
    st.one_of(
        line_edits.map(lambda e: ("lines", e)),
        st.text(max_size=120).map(lambda t: ("text", t)),
        st.binary(max_size=60).map(lambda b: ("bytes", b)),
        st.tuples(st.integers(500, 3000), st.sampled_from(["array", "table"])).map(
            lambda d: ("nested", d)
        ),
    ),
)


@FUZZ
@given(edit=taxonomy_edits)
def test_taxonomy_file_is_loaded_or_refused_cleanly(
    taxonomy_copy: Path, edit: tuple[str, tuple[str, Any]]
) -> None:
    name, (how, arg) = edit
    path = taxonomy_copy / f"{name}.toml"
    original = (TAXONOMY_DIR / f"{name}.toml").read_bytes()
    if how == "lines":
        path.write_text(edit_lines(original.decode("utf-8").split("\n"), arg), encoding="utf-8")
    elif how == "text":
        path.write_text(arg, encoding="utf-8")
    elif how == "bytes":
        path.write_bytes(original[: len(original) // 2] + arg)
    else:
        path.write_text(nested(*arg), encoding="utf-8")
    try:
        loaded = load_taxonomies(taxonomy_copy)
    except VbedeskError as exc:
        assert isinstance(exc, InputRefused)
        clear_message(exc)
        record("taxonomy file", type(exc).__name__)
    else:
        assert all(len(getattr(loaded, n)) > 0 for n in TAXONOMY_NAMES)
        record("taxonomy file", "loaded")
    finally:
        path.write_bytes(original)


# -- settings ------------------------------------------------------------------------------

setting_keys = st.sampled_from([spec.key for spec in SPECS]) | st.text(max_size=20)
setting_values = (
    json_scalars
    | st.sampled_from(["04-30", "02-29", "13-01", "4-30", " 7 ", "0", "31", "sv", "en", "de"])
    | st.text(alphabet=string.digits + "-+ _", max_size=8)
    | st.lists(st.integers(), max_size=2)
)


@FUZZ
@given(key=setting_keys, value=setting_values)
def test_setting_is_saved_or_refused_cleanly(
    fuzz_service: VaultService, key: str, value: object
) -> None:
    before = state(fuzz_service)
    try:
        after = fuzz_service.set_setting(key, value)
    except VbedeskError as exc:
        refused("settings", exc, fuzz_service, before)
        return
    stored = getattr(after, key)
    spec = next(s for s in SPECS if s.key == key)
    assert type(stored) is spec.kind
    assert validate_setting(key, stored) == stored  # what was kept is valid as it is
    assert isinstance(fuzz_service.settings(), Settings)
    if key in ("t1_end", "t2_end"):
        month, day = (int(part) for part in str(stored).split("-"))
        date(2024, month, day)
    record("settings", "saved")


# -- regression tests for faults the suite found -------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("[" * 5000 + "]" * 5000, id="array-nested-5000-deep"),
        pytest.param('{"a": ' * 3000 + "1" + "}" * 3000, id="object-nested-3000-deep"),
    ],
)
def test_jsonl_line_nested_thousands_deep_is_refused_not_a_crash(
    service: VaultService, line: str
) -> None:
    """Fault: json.loads raised RecursionError, which escaped the JSONL import."""
    good = json.dumps(BASE_RECORD)
    with pytest.raises(InputRefused) as info:
        incidents_from_jsonl(f"{good}\n{line}\n", service.taxonomies)
    assert info.value.params == {"line": 2}
    assert clear_message(info.value) == "Line 2 is not valid JSON."
    assert service.incidents.count() == 0


def test_jsonl_number_over_4300_digits_is_refused_not_a_crash(service: VaultService) -> None:
    """Fault: a number longer than Python's int conversion limit raised a bare ValueError."""
    with pytest.raises(InputRefused) as info:
        incidents_from_jsonl('{"id": ' + "9" * 5000 + "}", service.taxonomies)
    assert clear_message(info.value) == "Line 1 is not valid JSON."


@pytest.mark.parametrize(
    "payload", ["[" * 5000 + "]" * 5000, '{"id": ' + "9" * 5000 + "}"], ids=["deep", "long-number"]
)
def test_cli_incident_add_refuses_hostile_json_with_a_message(payload: str) -> None:
    """Fault: the same two inputs made ``vbedesk incident add`` report an unexpected error."""
    result = run_cli("incident", "add", "-", env={"LANG": "en_GB.UTF-8"}, stdin=payload)
    assert result.returncode == 3, result.stderr
    assert "Expected one JSON object." in result.stderr
    assert "Unexpected error" not in result.stderr


def test_routine_multi_answer_without_next_is_reported_not_a_crash(service: VaultService) -> None:
    """Fault: a multi-choice answer with no ``next`` made the validator raise KeyError ''."""
    content = SHIPPED.replace('next = "A8a"\n', "", 1)
    assert content != SHIPPED
    problems = check_definition(content, service.routines.context())
    assert [p.text() for p in problems] == [
        "Step N8: answer 'POLIS' has no next step.",
        "Step A8a: no path from the start leads here (unreachable).",
    ]
    before = service.routines.versions()
    with pytest.raises(InputRefused):
        service.routines.load(content)
    assert service.routines.versions() == before


@pytest.mark.parametrize("kind", ["array", "table"])
def test_routine_file_nested_thousands_deep_is_refused_not_a_crash(
    service: VaultService, kind: str
) -> None:
    """Fault: tomllib raised RecursionError, which escaped the routine validator."""
    problems = check_definition(nested(3000, kind))
    assert [p.text() for p in problems] == ["The file is not valid TOML: nested too deeply."]
    kept = service.routines.versions()  # the shipped routine a new vault keeps
    with pytest.raises(InputRefused):
        service.routines.load(nested(3000, kind))
    assert service.routines.versions() == kept


def test_taxonomy_file_nested_thousands_deep_is_refused_not_a_crash(tmp_path: Path) -> None:
    """Fault: tomllib raised RecursionError, which escaped the taxonomy reader."""
    for name in TAXONOMY_NAMES:
        shutil.copyfile(TAXONOMY_DIR / f"{name}.toml", tmp_path / f"{name}.toml")
    (tmp_path / "areas.toml").write_text(nested(3000, "array"), encoding="utf-8")
    with pytest.raises(InputRefused) as info:
        load_taxonomies(tmp_path)
    assert (
        clear_message(info.value)
        == "The data file areas.toml is not valid TOML: nested too deeply."
    )
