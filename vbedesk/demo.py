"""Shipped data: the 2021 plan, training demo, contacts, legal references, synthetic incidents."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from vbedesk.i18n import N_
from vbedesk.incidents import validate_incident
from vbedesk.model import Contact, Course, Incident, LegalReference, TrainingCount, Unit
from vbedesk.paths import resource_path
from vbedesk.plans import ActivityDraft, PlanDraft, SectionDraft
from vbedesk.taxonomy import (
    DataEntry,
    TaxonomyError,
    entry_name,
    load_taxonomies,
    read_toml,
    refuse_duplicate,
    refuse_unknown_keys,
    table_list,
)

# The demo plan is a plan draft like any other (``vbedesk/plans.py``).
DemoActivity = ActivityDraft
DemoSection = SectionDraft
DemoPlan = PlanDraft


def _path(path: Path | None, *parts: str) -> Path:
    return path if path is not None else resource_path(*parts)


# --- the 2021 plan ------------------------------------------------------------------------


def plan_2021(path: Path | None = None) -> DemoPlan:
    """The 2021 plan of Hässelby-Vällingby with its four activity tables as written."""
    source = _path(path, "demo", "plan_2021.toml")
    file = source.name
    data = read_toml(source)
    head = DataEntry(data, file, "the file", frozenset({"title", "year", "district", "section"}))
    sections: list[DemoSection] = []
    seen: set[str] = set()
    for position, table in enumerate(table_list(data, "section", file), start=1):
        entry = DataEntry(
            table,
            file,
            entry_name("section", position, table),
            frozenset({"code", "title", "activity"}),
        )
        code = entry.code()
        refuse_duplicate(code, seen, file, entry.entry)
        activities = []
        for number, row in enumerate(table_list(table, "activity", file), start=1):
            cells = DataEntry(
                row,
                file,
                f"{entry.entry}, activity {number}",
                frozenset({"text", "responsible", "timeline", "followup"}),
            )
            activities.append(
                DemoActivity(
                    text=cells.text("text"),
                    responsible=cells.text("responsible"),
                    # The plan leaves some cells empty; they stay empty.
                    timeline=cells.text("timeline", required=False),
                    followup=cells.text("followup", required=False),
                )
            )
        sections.append(DemoSection(code, entry.text("title"), tuple(activities)))
    return DemoPlan(
        year=head.integer("year", minimum=2000),
        title=head.text("title"),
        district=head.text("district"),
        sections=tuple(sections),
    )


# --- training -----------------------------------------------------------------------------


def _training_data(path: Path | None) -> tuple[str, dict[str, object]]:
    source = _path(path, "demo", "training.toml")
    data = read_toml(source)
    refuse_unknown_keys(data, frozenset({"course", "unit", "count"}), source.name, "the file")
    return source.name, data


def courses(path: Path | None = None) -> list[Course]:
    """The plan's courses (names, providers and links are data)."""
    file, data = _training_data(path)
    result: list[Course] = []
    seen: set[str] = set()
    for position, table in enumerate(table_list(data, "course", file), start=1):
        entry = DataEntry(
            table,
            file,
            entry_name("course", position, table),
            frozenset({"code", "name", "provider", "url"}),
        )
        code = entry.code()
        refuse_duplicate(code, seen, file, entry.entry)
        result.append(
            Course(
                code=code,
                name=entry.text("name"),
                provider=entry.text("provider", required=False),
                url=entry.text("url", required=False),
            )
        )
    return result


def units(path: Path | None = None) -> list[Unit]:
    """The units whose staff are trained (the internal reporting units)."""
    file, data = _training_data(path)
    result: list[Unit] = []
    seen: set[str] = set()
    for position, table in enumerate(table_list(data, "unit", file), start=1):
        entry = DataEntry(
            table, file, entry_name("unit", position, table), frozenset({"code", "name"})
        )
        code = entry.code()
        refuse_duplicate(code, seen, file, entry.entry)
        result.append(Unit(code=code, name=entry.text("name")))
    return result


def training_counts(path: Path | None = None) -> list[TrainingCount]:
    """Synthetic per-unit completion counts of the demo (three dates of 2021)."""
    file, data = _training_data(path)
    unit_codes = {unit.code for unit in units(path)}
    course_codes = {course.code for course in courses(path)}
    result: list[TrainingCount] = []
    keys = frozenset({"unit_code", "course_code", "relevant_staff", "completed", "as_of"})
    for position, table in enumerate(table_list(data, "count", file), start=1):
        entry = DataEntry(table, file, f"count {position}", keys)
        unit_code = _known(entry, "unit_code", unit_codes)
        course_code = _known(entry, "course_code", course_codes)
        relevant = entry.integer("relevant_staff", minimum=0)
        completed = entry.integer("completed", minimum=0)
        if completed > relevant:
            raise TaxonomyError(
                N_("In {file}, {entry}: completed {completed} exceeds relevant_staff {relevant}."),
                file=file,
                entry=entry.entry,
                completed=completed,
                relevant=relevant,
            )
        as_of = entry.date_value("as_of", required=True)
        assert as_of is not None  # required
        result.append(TrainingCount(unit_code, course_code, relevant, completed, as_of))
    return result


def _known(entry: DataEntry, key: str, codes: set[str]) -> str:
    value = entry.code(key)
    if value not in codes:
        raise TaxonomyError(
            N_("In {file}, {entry}: {key} {code!r} is not defined in the file."),
            file=entry.file,
            entry=entry.entry,
            key=key,
            code=value,
        )
    return value


# --- contacts and legal references (loaded into every new vault) ----------------------------


def contacts(path: Path | None = None) -> list[Contact]:
    """The routine's contacts from ``resources/contacts.toml``; unverified ones have no date."""
    source = _path(path, "contacts.toml")
    file = source.name
    data = read_toml(source)
    refuse_unknown_keys(data, frozenset({"contact"}), file, "the file")
    keys = frozenset({"code", "name", "phone", "hours", "note", "verified_on", "active"})
    result: list[Contact] = []
    seen: set[str] = set()
    for position, table in enumerate(table_list(data, "contact", file), start=1):
        entry = DataEntry(table, file, entry_name("contact", position, table), keys)
        code = entry.code()
        refuse_duplicate(code, seen, file, entry.entry)
        result.append(
            Contact(
                code=code,
                name=entry.text("name"),
                phone=entry.text("phone", required=False),
                hours=entry.text("hours", required=False),
                note=entry.text("note", required=False),
                verified_on=entry.date_value("verified_on"),
                active=entry.boolean("active", default=True),
            )
        )
    return result


def legal_references(path: Path | None = None) -> list[LegalReference]:
    """The law the routine cites, from ``resources/legal_references.toml``."""
    source = _path(path, "legal_references.toml")
    file = source.name
    data = read_toml(source)
    refuse_unknown_keys(data, frozenset({"reference"}), file, "the file")
    keys = frozenset({"code", "title", "citation", "note", "verified"})
    result: list[LegalReference] = []
    seen: set[str] = set()
    for position, table in enumerate(table_list(data, "reference", file), start=1):
        entry = DataEntry(table, file, entry_name("reference", position, table), keys)
        code = entry.code()
        refuse_duplicate(code, seen, file, entry.entry)
        result.append(
            LegalReference(
                code=code,
                title=entry.text("title"),
                citation=entry.text("citation"),
                note=entry.text("note", required=False),
                verified=entry.boolean("verified"),
            )
        )
    return result


# --- synthetic incidents ------------------------------------------------------------------

DEMO_START = date(2020, 1, 1)
DEMO_END = date(2021, 12, 31)

# Weights follow the plan's lägesbild: mostly stickers, graffiti and posters; violence rare.
_TYPE_WEIGHTS: dict[str, float] = {
    "KLISTERMARKEN": 30,
    "KLOTTER": 20,
    "AFFISCHER": 14,
    "DIGITAL_PROPAGANDA": 6,
    "FLYGBLAD": 5,
    "HOT": 5,
    "KRANKNING": 5,
    "ORO_INDIVID": 4,
    "SKADEGORELSE": 3,
    "VALD": 2,
    "MANIFESTATION": 2,
    "REKRYTERING": 2,
    "EVENEMANG": 1,
    "LOKALER_BIDRAG": 1,
    "RESA_KONFLIKTOMRADE": 0.5,
    "ATERVANDARE": 0.5,
    "ANNAN": 1,
}
_ENVIRONMENT_WEIGHTS: dict[str, float] = {
    "HOGER": 40,
    "VANSTER": 15,
    "ISLAMISTISK": 12,
    "BLANDAD": 8,
    "KONSPIRATION": 7,
    "OKLAR": 9,
    "MISOGYN": 4,
    "VALDSFIXERING": 3,
    "ANNAN": 2,
}
_DISTRICT_AREAS = (
    "HASSELBY_GARD",
    "HASSELBY_STRAND",
    "HASSELBY_VILLASTAD",
    "GRIMSTA",
    "KALVESTA",
    "NALSTA",
    "RACKSTA",
    "VINSTA",
    "VALLINGBY",
)
_STREET_TYPES = frozenset({"KLISTERMARKEN", "KLOTTER", "AFFISCHER", "SKADEGORELSE", "FLYGBLAD"})
_INDIVIDUAL_TYPES = frozenset(
    {"HOT", "KRANKNING", "VALD", "ORO_INDIVID", "REKRYTERING", "RESA_KONFLIKTOMRADE", "ATERVANDARE"}
)
_STREET_PLACES = (
    "CENTRUM_TORG",
    "KOLLEKTIVTRAFIK",
    "PARK_LEKPLATS",
    "BOSTADSOMRADE",
    "IDROTTSANLAGGNING",
    "FRITIDSGARD",
    "BIBLIOTEK_KULTUR",
)
_PLACE_PHRASES: dict[str, tuple[str, ...]] = {
    "CENTRUM_TORG": ("på torget i centrum", "vid en entré i centrum"),
    "KOLLEKTIVTRAFIK": ("vid en busshållplats", "i en tunnelbaneuppgång", "på en pendelparkering"),
    "PARK_LEKPLATS": ("i en park", "vid en lekplats"),
    "BOSTADSOMRADE": ("i en gångtunnel i ett bostadsområde", "på en soprumsdörr"),
    "IDROTTSANLAGGNING": ("vid en idrottsplats", "på ett omklädningsrum"),
    "FRITIDSGARD": ("vid entrén till en fritidsgård",),
    "BIBLIOTEK_KULTUR": ("utanför ett bibliotek",),
    "SKOLA": ("på en skolgård",),
    "FORSKOLA": ("vid staketet till en förskola",),
}
_MESSAGES: dict[str, tuple[str, ...]] = {
    "HOGER": ("vit makt-symboler", "högerextrema budskap", "nationalsocialistisk symbolik"),
    "VANSTER": ("vänsterextrema budskap", "uppmaningar till våld mot meningsmotståndare"),
    "ISLAMISTISK": ("islamistiska budskap", "våldsbejakande religiösa budskap"),
    "BLANDAD": ("blandade extremistiska budskap",),
    "KONSPIRATION": ("konspirationsteoretiska budskap",),
    "MISOGYN": ("kvinnofientliga budskap",),
    "VALDSFIXERING": ("våldsförhärligande budskap",),
    "OKLAR": ("otydliga ideologiska budskap",),
    "ANNAN": ("extremistiska budskap",),
}
_TYPE_SENTENCES: dict[str, str] = {
    "KLISTERMARKEN": "Klistermärken med {message} upptäcktes {place}.",
    "KLOTTER": "Klotter med {message} upptäcktes {place}.",
    "AFFISCHER": "Affischer med {message} hade satts upp {place}.",
    "FLYGBLAD": "Flygblad med {message} hittades {place}.",
    "SKADEGORELSE": "Skadegörelse med {message} upptäcktes {place}.",
    "MANIFESTATION": "En mindre grupp höll en kort manifestation med {message}.",
    "DIGITAL_PROPAGANDA": "Material med {message} spreds i en digital kanal som unga använder.",
    "HOT": "En medarbetare utsattes för hotfulla uttalanden med {message}.",
    "KRANKNING": "En besökare uttryckte kränkande åsikter med {message} mot andra.",
    "VALD": "Ett bråk med ideologiska förtecken ledde till att en person skadades lindrigt.",
    "REKRYTERING": "Det finns uppgifter om att unga kontaktas av personer som sprider {message}.",
    "RESA_KONFLIKTOMRADE": "Det finns oro för att en person ska resa till ett konfliktområde.",
    "ATERVANDARE": "Verksamheten har fått veta att en person återvänt från ett konfliktområde.",
    "ORO_INDIVID": "Personal känner oro för att en ungdom söker sig till en våldsbejakande miljö.",
    "LOKALER_BIDRAG": "En förening som söker lokal misstänks inte stå bakom demokratins principer.",
    "EVENEMANG": "Ett planerat evenemang i en lokal kan ha koppling till en extremistisk miljö.",
    "ANNAN": "Verksamheten lämnade information som kan ha betydelse för lägesbilden.",
}
_ACTION_SENTENCES: dict[str, str] = {
    "MATERIAL_AVLAGSNAT": "Materialet togs bort av personalen.",
    "FASTIGHETSAGARE_KONTAKTAD": "Fastighetsägaren kontaktades för sanering.",
    "POLISANMALAN": "Händelsen polisanmäldes.",
    "LARM_112": "Polis larmades via nödnumret.",
    "OROSANMALAN": "En orosanmälan gjordes till socialtjänsten.",
    "STOD_MED_SAMTYCKE": "Stöd erbjöds med samtycke.",
    "LOKALPOLIS_INFORMERAD": "Lokalpolisen informerades.",
    "CVE_KONSULTERAD": "Verksamheten rådgjorde med CVE.",
}
_INTERNAL_UNITS = (
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
)


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _one_of(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def _incident_types(rng: random.Random) -> tuple[str, set[str]]:
    """The main type and the set it leads (a sticker often comes with a poster, …)."""
    main_type = _pick(rng, _TYPE_WEIGHTS)
    types = {main_type}
    if main_type == "KLOTTER" and rng.random() < 0.4:
        types.add("SKADEGORELSE")
    if main_type == "KLISTERMARKEN" and rng.random() < 0.2:
        types.add("AFFISCHER")
    return main_type, types


def _place(rng: random.Random, main_type: str) -> tuple[str, str]:
    """Area and type of place: street material outdoors, the rest in the district's rooms."""
    if main_type == "DIGITAL_PROPAGANDA":
        return "DIGITALT", "DIGITALT"
    area = "ANNAN" if rng.random() < 0.04 else _one_of(rng, _DISTRICT_AREAS)
    if main_type in _STREET_TYPES:
        place_type = _one_of(rng, (*_STREET_PLACES, "SKOLA", "FORSKOLA"))
    else:
        place_type = _one_of(
            rng, ("SKOLA", "FRITIDSGARD", "FORVALTNINGENS_LOKALER", "CENTRUM_TORG")
        )
    return area, place_type


def _reporter(rng: random.Random, main_type: str) -> tuple[str, str]:
    """Reporting unit and the reporter's role."""
    if main_type in _STREET_TYPES:
        unit = _one_of(
            rng,
            (
                "STADSMILJO",
                "FRITID_KULTUR",
                "FALTASSISTENTER",
                "BOSTADSBOLAG",
                "INVANARE",
                "FORSKOLA",
                "SKOLA",
            ),
        )
    else:
        unit = _one_of(
            rng, (*_INTERNAL_UNITS, "SKOLA", "POLIS", "CIVILSAMHALLE", "ANNAN_FORVALTNING")
        )
    if unit == "INVANARE":
        role = "INVANARE"
    elif unit in _INTERNAL_UNITS:
        role = "CHEF" if rng.random() < 0.45 else "MEDARBETARE"
    else:
        role = "EXTERN_SAMVERKANSPART"
    return unit, role


@dataclass(frozen=True)
class _Response:
    """What was done, and for an incident about a person: age band and consent."""

    actions: frozenset[str]
    concerns_individual: bool
    age_band: str | None = None
    consent: str | None = None


def _response(rng: random.Random, main_type: str, types: set[str], role: str) -> _Response:
    actions = {"CHEF_INFORMERAD"} if role in ("CHEF", "MEDARBETARE") else set()
    concerns_individual = main_type in _INDIVIDUAL_TYPES
    age_band: str | None = None
    consent: str | None = None
    if main_type in _STREET_TYPES:
        actions.add("MATERIAL_AVLAGSNAT")
        if main_type in ("KLOTTER", "SKADEGORELSE") or rng.random() < 0.3:
            actions.add("FASTIGHETSAGARE_KONTAKTAD")
        if "SKADEGORELSE" in types and rng.random() < 0.5:
            actions.add("POLISANMALAN")
    if main_type in ("HOT", "VALD"):
        actions.add("POLISANMALAN")
        if main_type == "VALD" and rng.random() < 0.5:
            actions.add("LARM_112")
    if concerns_individual:
        age_band = rng.choices(
            ("UNDER_18", "MELLAN_18_25", "OVER_25", "OKAND"), weights=(45, 30, 15, 10)
        )[0]
        if age_band == "UNDER_18":
            actions.add("OROSANMALAN")
            consent = "EJ_AKTUELLT"
        else:
            consent = "JA" if rng.random() < 0.5 else "NEJ"
            if consent == "JA":
                actions.add("STOD_MED_SAMTYCKE")
    for code, chance in (
        ("LOKALPOLIS_INFORMERAD", 0.25),
        ("CENTRAL_SAMORDNARE_INFORMERAD", 0.15),
        ("CVE_KONSULTERAD", 0.08),
    ):
        if rng.random() < chance:
            actions.add(code)
    return _Response(frozenset(actions), concerns_individual, age_band, consent)


def _occurrence(
    rng: random.Random, main_type: str, received_on: date
) -> tuple[date, date | None, time | None]:
    """When it happened: a day up to a week before it was received, a span, a time."""
    occurred_on = received_on - timedelta(days=rng.randrange(0, 8))
    occurred_until = None
    if main_type in _STREET_TYPES and rng.random() < 0.2:
        occurred_until = min(received_on, occurred_on + timedelta(days=rng.randrange(1, 6)))
    occurred_time = None
    if main_type in ("HOT", "VALD", "KRANKNING", "MANIFESTATION") or rng.random() < 0.2:
        occurred_time = time(rng.randrange(7, 22), rng.choice((0, 15, 30, 45)))
    return occurred_on, occurred_until, occurred_time


def _progress(rng: random.Random, received_on: date) -> tuple[str, date | None]:
    """Status (older incidents mostly closed) and, once closed, the feedback date."""
    age = (DEMO_END - received_on).days
    if age > 120:
        status = "AVSLUTAD" if rng.random() < 0.9 else "PAGAR"
    elif age > 30:
        status = _one_of(rng, ("AVSLUTAD", "PAGAR", "PAGAR"))
    else:
        status = _one_of(rng, ("NY", "NY", "PAGAR"))
    feedback_on = None
    if status == "AVSLUTAD":
        feedback_on = received_on + timedelta(days=rng.randrange(2, 30))
    return status, feedback_on


def _description(
    rng: random.Random, main_type: str, environment: str, place_type: str, actions: frozenset[str]
) -> str:
    """One sentence from the fixed fragments, then what was done (at most two sentences)."""
    sentence = _TYPE_SENTENCES[main_type].format(
        message=_one_of(rng, _MESSAGES[environment]),
        place=_one_of(rng, _PLACE_PHRASES.get(place_type, ("i området",))),
    )
    follow = [_ACTION_SENTENCES[code] for code in sorted(actions) if code in _ACTION_SENTENCES]
    return " ".join([sentence, *follow[:2]])


def _synthetic(rng: random.Random, received_on: date) -> Incident:
    # The draws keep their order: the same seed gives the same incidents.
    main_type, types = _incident_types(rng)
    environment = _pick(rng, _ENVIRONMENT_WEIGHTS)
    area, place_type = _place(rng, main_type)
    unit, role = _reporter(rng, main_type)
    response = _response(rng, main_type, types, role)
    occurred_on, occurred_until, occurred_time = _occurrence(rng, main_type, received_on)
    status, feedback_on = _progress(rng, received_on)
    description = _description(rng, main_type, environment, place_type, response.actions)
    return Incident(
        received_on=received_on,
        incident_types=frozenset(types),
        environment=environment,
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        occurred_until=occurred_until,
        area=area,
        place_type=place_type,
        reporting_unit=unit,
        reporter_role=role,
        concerns_individual=response.concerns_individual,
        age_band=response.age_band,
        description=description,
        actions_taken=response.actions,
        consent=response.consent,
        feedback_on=feedback_on,
        status=status,
        is_demo=True,
    )


def synthetic_incidents(count: int = 80, seed: int = 2021) -> list[Incident]:
    """``count`` invented incidents received 2020-01-01..2021-12-31, the same for the same seed.

    The descriptions are built from fixed Swedish fragments without names, numbers,
    addresses or plates; each incident passes ``validate_incident``.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    span = (DEMO_END - DEMO_START).days + 1
    taxonomies = load_taxonomies()
    incidents = []
    for index in range(count):
        # One random day in each of ``count`` equal slots: spread over both years.
        offset = int((index + rng.random()) * span / count)
        received_on = DEMO_START + timedelta(days=min(offset, span - 1))
        incidents.append(validate_incident(_synthetic(rng, received_on), taxonomies))
    return incidents
