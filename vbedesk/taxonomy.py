"""Code lists (taxonomies) loaded and validated from the TOML files in resources/taxonomies."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.paths import resource_path

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
LANGUAGES = ("sv", "en")
REPORTING_UNIT_GROUPS = ("internal", "external")

_TERM_KEYS = frozenset({"code", "sv", "en", "group", "valid_from", "valid_to", "note"})
_FILE_KEYS = frozenset({"name", "term"})
_CLIP = 40


def clip(value: object) -> str:
    """``value`` as text cut to 40 characters, for error messages."""
    return str(value)[:_CLIP]


class TaxonomyError(InputRefused):
    """A broken data file in ``resources/``; the message names the file and the entry."""

    message = N_("The data file {file} is broken at {entry}.")


@dataclass(frozen=True)
class Term:
    """One code of a taxonomy with its Swedish and English label."""

    code: str
    sv: str
    en: str
    group: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    note: str | None = None

    def label(self, language: str = "sv") -> str:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language: {language!r}")
        return self.sv if language == "sv" else self.en

    def is_valid_on(self, day: date) -> bool:
        """Whether the term was in use on ``day`` (open ends count as always)."""
        after_start = self.valid_from is None or self.valid_from <= day
        before_end = self.valid_to is None or day <= self.valid_to
        return after_start and before_end


@dataclass(frozen=True)
class Taxonomy:
    """A named, ordered list of terms; codes are stable, labels are text."""

    name: str
    terms: tuple[Term, ...]
    _index: dict[str, Term] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {term.code: term for term in self.terms})

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._index

    def __len__(self) -> int:
        return len(self.terms)

    def codes(self) -> tuple[str, ...]:
        return tuple(term.code for term in self.terms)

    def get(self, code: str) -> Term:
        """The term with ``code``; an unknown code is refused naming this taxonomy."""
        return self._index[self.check(code, self.name)]

    def label(self, code: str, language: str = "sv") -> str:
        """The label of ``code``; an unknown code is shown as itself (old records stay readable)."""
        term = self._index.get(code)
        if term is None:
            if language not in LANGUAGES:
                raise ValueError(f"unsupported language: {language!r}")
            return code
        return term.label(language)

    def check(self, code: str, field: str) -> str:
        """Return ``code`` if known; else refuse it, naming ``field`` and the value."""
        if not isinstance(code, str) or code not in self._index:
            raise InputRefused(
                N_("Unknown code {value!r} for {field}."), field=field, value=clip(code)
            )
        return code

    def in_group(self, group: str) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.group == group)


@dataclass(frozen=True)
class Taxonomies:
    """Every taxonomy the program uses, one attribute per file in ``resources/taxonomies``."""

    areas: Taxonomy
    place_types: Taxonomy
    reporting_units: Taxonomy
    reporter_roles: Taxonomy
    incident_types: Taxonomy
    environments: Taxonomy
    age_bands: Taxonomy
    actions: Taxonomy
    consent: Taxonomy
    incident_statuses: Taxonomy
    activity_statuses: Taxonomy
    boards: Taxonomy

    def of_incident_fields(self) -> dict[str, Taxonomy]:
        """The taxonomy of each coded field of an incident, by field name."""
        return {
            "area": self.areas,
            "place_type": self.place_types,
            "reporting_unit": self.reporting_units,
            "reporter_role": self.reporter_roles,
            "environment": self.environments,
            "age_band": self.age_bands,
            "consent": self.consent,
            "status": self.incident_statuses,
            "incident_types": self.incident_types,
            "actions_taken": self.actions,
        }


TAXONOMY_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Taxonomies))


# --- reading data files -------------------------------------------------------------------

ValueKind = Literal["string", "date", "boolean", "integer"]


def read_toml(path: Path) -> dict[str, object]:
    """The parsed content of a TOML data file; a missing or malformed file is a TaxonomyError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise TaxonomyError(
            N_("The data file {file} is missing."), file=path.name, entry="-"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(
            N_("The data file {file} is not valid TOML: {detail}."),
            file=path.name,
            entry=_toml_location(str(exc)),
            detail=str(exc)[:120],
        ) from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise TaxonomyError(
            N_("The data file {file} is not valid TOML: {detail}."),
            file=path.name,
            entry="-",
            detail="nested too deeply",
        ) from None
    except UnicodeDecodeError:
        raise TaxonomyError(
            N_("The data file {file} is not UTF-8 text."), file=path.name, entry="-"
        ) from None
    except OSError:
        raise TaxonomyError(
            N_("The data file {file} cannot be read."), file=path.name, entry="-"
        ) from None


def _toml_location(detail: str) -> str:
    match = re.search(r"at line (\d+)", detail)
    return f"line {match.group(1)}" if match else "-"


def table_list(data: Mapping[str, object], key: str, file: str) -> list[Mapping[str, object]]:
    """The array of tables ``[[key]]`` of a data file; absent means empty."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TaxonomyError(
            N_("In {file}, {entry}: the key {key} has the wrong type; expected {expected}."),
            file=file,
            entry=key,
            key=key,
            expected="array of tables",
        )
    return value


def refuse_unknown_keys(
    data: Mapping[str, object], allowed: frozenset[str], file: str, entry: str
) -> None:
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        raise TaxonomyError(
            N_("In {file}, {entry}: unknown key {key!r}."),
            file=file,
            entry=entry,
            key=clip(unknown[0]),
        )


class DataEntry:
    """Typed access to one table of a data file; each problem names the file and the entry."""

    def __init__(
        self, table: Mapping[str, object], file: str, entry: str, allowed: frozenset[str]
    ) -> None:
        self.table = table
        self.file = file
        self.entry = entry
        refuse_unknown_keys(table, allowed, file, entry)

    def _refuse_type(self, key: str, expected: ValueKind) -> TaxonomyError:
        return TaxonomyError(
            N_("In {file}, {entry}: the key {key} has the wrong type; expected {expected}."),
            file=self.file,
            entry=self.entry,
            key=key,
            expected=expected,
        )

    def _missing(self, key: str) -> TaxonomyError:
        return TaxonomyError(
            N_("In {file}, {entry}: the key {key} is missing."),
            file=self.file,
            entry=self.entry,
            key=key,
        )

    def text(self, key: str, *, required: bool = True, allow_empty: bool = False) -> str:
        """A string value; an optional absent key gives ``""``."""
        value = self.table.get(key)
        if value is None:
            if required:
                raise self._missing(key)
            return ""
        if not isinstance(value, str):
            raise self._refuse_type(key, "string")
        if required and not allow_empty and not value.strip():
            raise TaxonomyError(
                N_("In {file}, {entry}: the key {key} must not be empty."),
                file=self.file,
                entry=self.entry,
                key=key,
            )
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.text(key, required=False)
        return value if key in self.table else None

    def code(self, key: str = "code") -> str:
        value = self.text(key)
        if not CODE_RE.match(value):
            raise TaxonomyError(
                N_(
                    "In {file}, {entry}: the code {code!r} is not valid; "
                    "use capital letters A-Z, digits and _."
                ),
                file=self.file,
                entry=self.entry,
                code=clip(value),
            )
        return value

    def date_value(self, key: str, *, required: bool = False) -> date | None:
        value = self.table.get(key)
        if value is None:
            if required:
                raise self._missing(key)
            return None
        if not isinstance(value, date) or isinstance(value, datetime):
            raise self._refuse_type(key, "date")
        return value

    def boolean(self, key: str, *, default: bool | None = None) -> bool:
        value = self.table.get(key)
        if value is None:
            if default is None:
                raise self._missing(key)
            return default
        if not isinstance(value, bool):
            raise self._refuse_type(key, "boolean")
        return value

    def integer(self, key: str, *, minimum: int | None = None) -> int:
        value = self.table.get(key)
        if value is None:
            raise self._missing(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._refuse_type(key, "integer")
        if minimum is not None and value < minimum:
            raise TaxonomyError(
                N_("In {file}, {entry}: the key {key} must be at least {minimum}."),
                file=self.file,
                entry=self.entry,
                key=key,
                minimum=minimum,
            )
        return value


def refuse_duplicate(code: str, seen: set[str], file: str, entry: str) -> None:
    """Add ``code`` to ``seen``; refuse it if it is already there."""
    if code in seen:
        raise TaxonomyError(
            N_("In {file}, {entry}: the code {code} appears twice."),
            file=file,
            entry=entry,
            code=code,
        )
    seen.add(code)


def entry_name(kind: str, position: int, table: Mapping[str, object], key: str = "code") -> str:
    """``term 3 (HOGER)``: how an error names the entry, by position and code if it has one."""
    code = table.get(key)
    return f"{kind} {position} ({clip(code)})" if isinstance(code, str) else f"{kind} {position}"


# --- taxonomies ---------------------------------------------------------------------------


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate one taxonomy file (``name = …`` then ``[[term]]`` tables)."""
    file = path.name
    data = read_toml(path)
    refuse_unknown_keys(data, _FILE_KEYS, file, "the file")
    name = data.get("name")
    if not isinstance(name, str) or name != path.stem:
        raise TaxonomyError(
            N_("In {file}, {entry}: the name must be {expected!r}, not {value!r}."),
            file=file,
            entry="name",
            expected=path.stem,
            value=clip(name),
        )
    tables = table_list(data, "term", file)
    if not tables:
        raise TaxonomyError(N_("In {file}, {entry}: there are no terms."), file=file, entry="term")
    terms: list[Term] = []
    seen: set[str] = set()
    for position, table in enumerate(tables, start=1):
        entry = DataEntry(table, file, entry_name("term", position, table), _TERM_KEYS)
        code = entry.code()
        refuse_duplicate(code, seen, file, entry.entry)
        term = Term(
            code=code,
            sv=entry.text("sv"),
            en=entry.text("en"),
            group=entry.optional_text("group"),
            valid_from=entry.date_value("valid_from"),
            valid_to=entry.date_value("valid_to"),
            note=entry.optional_text("note"),
        )
        if term.group is not None and not term.group.strip():
            raise TaxonomyError(
                N_("In {file}, {entry}: the key {key} must not be empty."),
                file=file,
                entry=entry.entry,
                key="group",
            )
        if term.valid_from and term.valid_to and term.valid_from > term.valid_to:
            raise TaxonomyError(
                N_("In {file}, {entry}: valid_from {valid_from} is after valid_to {valid_to}."),
                file=file,
                entry=entry.entry,
                valid_from=term.valid_from.isoformat(),
                valid_to=term.valid_to.isoformat(),
            )
        terms.append(term)
    return Taxonomy(name=name, terms=tuple(terms))


def _check_reporting_units(taxonomy: Taxonomy, file: str) -> None:
    for position, term in enumerate(taxonomy.terms, start=1):
        if term.group not in REPORTING_UNIT_GROUPS:
            raise TaxonomyError(
                N_("In {file}, {entry}: group must be one of {allowed}."),
                file=file,
                entry=f"term {position} ({term.code})",
                allowed=", ".join(REPORTING_UNIT_GROUPS),
            )


def _load_directory(directory: Path) -> Taxonomies:
    loaded: dict[str, Taxonomy] = {}
    for name in TAXONOMY_NAMES:
        loaded[name] = load_taxonomy(directory / f"{name}.toml")
    _check_reporting_units(loaded["reporting_units"], "reporting_units.toml")
    return Taxonomies(**loaded)


@cache
def _default_taxonomies() -> Taxonomies:
    return _load_directory(resource_path("taxonomies"))


def load_taxonomies(directory: Path | None = None) -> Taxonomies:
    """All taxonomies from ``directory`` (default ``resources/taxonomies``, loaded once)."""
    if directory is None:
        return _default_taxonomies()
    return _load_directory(directory)
