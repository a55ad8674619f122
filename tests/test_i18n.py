"""The Swedish catalog: complete, faithful to its placeholders, and in step with the source.

The messages are extracted from ``vbedesk/`` here, with the same function the maintainer
script uses, so a string added to the code without a Swedish translation fails this suite.
Fix such a failure with ``.venv/bin/python scripts/update_translations.py`` and translate
the new entries in ``resources/locale/sv/LC_MESSAGES/vbedesk.po``.
"""

from __future__ import annotations

import gettext
import importlib.util
import io
import string
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from vbedesk.i18n import _, detect_language, language, set_language

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "update_translations.py"
LOCALE = REPO / "resources" / "locale"
SV_PO = LOCALE / "sv" / "LC_MESSAGES" / "vbedesk.po"
POT = LOCALE / "vbedesk.pot"
FIX = "run .venv/bin/python scripts/update_translations.py and translate the new entries"


# -- helpers ---------------------------------------------------------------------------------
@cache
def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_translations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _extracted() -> Catalog:
    """Every ``_()``, ``N_()`` and ``ngettext()`` string in ``vbedesk/``, as of now."""
    catalog: Catalog = _script().extract()
    return catalog


@cache
def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale, domain="vbedesk")


def _sv() -> Catalog:
    return _read(SV_PO, "sv")


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _singular(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def _strings(message: Message) -> list[str]:
    """The translation's forms (one for a simple message, one per plural form otherwise)."""
    if isinstance(message.string, tuple | list):
        return list(message.string)
    return [message.string or ""]


def _ids(catalog: Catalog) -> set[str]:
    return {_singular(m) for m in _messages(catalog)}


def _placeholders(text: str) -> set[str]:
    """The ``{name!conv:spec}`` fields of a ``str.format`` template, as written."""
    fields: set[str] = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        field = "{" + name
        if conversion:
            field += "!" + conversion
        if spec:
            field += ":" + spec
        fields.add(field + "}")
    return fields


def _listing(items: Iterable[str]) -> str:
    return "\n".join(f"  {item!r}" for item in sorted(items))


# -- (a) every user-visible string has a Swedish translation ------------------------------------
def test_extraction_finds_the_strings() -> None:
    ids = _ids(_extracted())
    assert len(ids) > 100
    assert {"Incidents", "Wrong passphrase, or the file's header is damaged."} <= ids


def test_every_user_visible_string_has_a_swedish_translation() -> None:
    sv = _sv()
    missing = []
    for message in _messages(_extracted()):
        entry = sv.get(message.id, context=message.context)
        if entry is None or entry.fuzzy or not all(form.strip() for form in _strings(entry)):
            missing.append(_singular(message))
    assert not missing, (
        f"{len(missing)} user-visible string(s) lack a Swedish translation ({FIX}):\n"
        + _listing(missing)
    )


def test_the_swedish_catalog_has_no_fuzzy_or_empty_entries() -> None:
    bad = [
        _singular(m)
        for m in _messages(_sv())
        if m.fuzzy or not all(form.strip() for form in _strings(m))
    ]
    assert not bad, "fuzzy or empty Swedish entries:\n" + _listing(bad)


# -- (b) translations keep their placeholders --------------------------------------------------
def test_every_translation_keeps_exactly_the_placeholders_of_its_msgid() -> None:
    problems = []
    for message in _messages(_sv()):
        ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
        try:
            wanted = [_placeholders(msgid) for msgid in ids]
        except ValueError as exc:
            problems.append(f"{ids[0]!r}: the msgid is not a valid template ({exc})")
            continue
        for form in _strings(message):
            if not form:
                continue
            try:
                got = _placeholders(form)
            except ValueError as exc:
                problems.append(f"{ids[0]!r}: {form!r} is not a valid template ({exc})")
                continue
            if got not in wanted:
                problems.append(
                    f"{ids[0]!r}: {form!r} has {sorted(got)}, wants {sorted(wanted[0])}"
                )
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_the_placeholder_check_sees_conversions_and_names() -> None:
    assert _placeholders("Unknown code {value!r} for {field}.") == {"{value!r}", "{field}"}
    assert _placeholders("{n:>3} and {{literal}}") == {"{n:>3}"}
    assert _placeholders("Okänd kod {value} för {field}.") != _placeholders(
        "Unknown code {value!r} for {field}."
    )


# -- (c) switching the language ---------------------------------------------------------------
def test_set_language_switches_between_swedish_and_english() -> None:
    set_language("sv")
    assert language() == "sv"
    assert _("Incidents") == "Händelser"
    set_language("en")
    assert language() == "en"
    assert _("Incidents") == "Incidents"


@pytest.mark.parametrize(
    ("msgid", "swedish"),
    [
        ("Incidents", "Händelser"),
        ("Activities", "Aktiviteter"),
        (
            "Wrong passphrase, or the file's header is damaged.",
            "Fel lösenfras, eller så är filens huvud skadat.",
        ),
    ],
)
def test_fixed_translations(msgid: str, swedish: str) -> None:
    set_language("sv")
    assert _(msgid) == swedish


def test_an_unknown_string_falls_back_to_english() -> None:
    set_language("sv")
    assert _("a string that is in no catalog") == "a string that is in no catalog"


def test_an_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        set_language("de")


def test_swedish_plural_forms() -> None:
    catalog = _sv()
    assert catalog.num_plurals == 2
    assert catalog.plural_expr == "(n != 1)"
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    compiled = gettext.GNUTranslations(buf)
    # ``plural`` is set from the catalog's header when it is read; typeshed does not know it.
    plural = compiled.plural  # type: ignore[attr-defined]
    assert [plural(n) for n in (0, 1, 2, 5)] == [1, 0, 1, 1]


# -- (d) the language from the environment --------------------------------------------------------
@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "C"}, "sv"),
        ({}, "sv"),
        ({"LANG": ""}, "sv"),
        ({"LC_ALL": "sv_SE.UTF-8", "LANG": "en_GB.UTF-8"}, "sv"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "sv_SE.UTF-8"}, "en"),
    ],
)
def test_detect_language(environ: dict[str, str], expected: str) -> None:
    assert detect_language(environ) == expected


def test_detect_language_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert detect_language() == "sv"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert detect_language() == "en"


# -- (e) the template and the catalog are in step with the source -------------------------------
def test_the_template_is_up_to_date_with_the_source() -> None:
    source, template = _ids(_extracted()), _ids(_read(POT))
    assert source == template, (
        f"resources/locale/vbedesk.pot is out of date; {FIX}.\n"
        f"In the source, not in the template:\n{_listing(source - template)}\n"
        f"In the template, no longer in the source:\n{_listing(template - source)}"
    )


def test_the_swedish_catalog_holds_no_strings_that_left_the_source() -> None:
    stale = _ids(_sv()) - _ids(_extracted())
    assert not stale, f"stale Swedish entries; {FIX}:\n" + _listing(stale)
