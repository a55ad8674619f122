"""Anonymity guard: finds personal identifiers in free text before it is saved.

The guard only reports spans (kind and position); it never alters the text and never keeps
the matched value, so a finding can be logged without leaking the identifier.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

import phonenumbers
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _
from vbedesk.paths import resource_path

__all__ = [
    "BLOCKING_KINDS",
    "Finding",
    "FindingKind",
    "IdentifiersFound",
    "guarded",
    "has_blocking",
    "is_phone_number",
    "kind_label",
    "scan",
]


class FindingKind(StrEnum):
    """What kind of personal identifier a finding is."""

    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    PHONE = "phone"
    EMAIL = "email"
    STREET_ADDRESS = "street_address"
    REG_PLATE = "reg_plate"
    NAME = "name"


# Kinds that identify a person on their own: the form may not be saved while one is present.
BLOCKING_KINDS: frozenset[FindingKind] = frozenset(
    {
        FindingKind.PERSONNUMMER,
        FindingKind.SAMORDNINGSNUMMER,
        FindingKind.PHONE,
        FindingKind.EMAIL,
    }
)

_LABELS: dict[FindingKind, str] = {
    FindingKind.PERSONNUMMER: N_("personal identity number (personnummer)"),
    FindingKind.SAMORDNINGSNUMMER: N_("coordination number (samordningsnummer)"),
    FindingKind.PHONE: N_("phone number"),
    FindingKind.EMAIL: N_("e-mail address"),
    FindingKind.STREET_ADDRESS: N_("street address"),
    FindingKind.REG_PLATE: N_("vehicle registration number"),
    FindingKind.NAME: N_("name"),
}


def kind_label(kind: FindingKind) -> str:
    """The English msgid naming ``kind``; the UI passes it through ``_()``."""
    return _LABELS[kind]


@dataclass(frozen=True, repr=False)
class Finding:
    """One identifier found in a text: its kind and where it is, never its value."""

    kind: FindingKind
    start: int  # character offset in the text
    end: int  # exclusive
    line: int  # 1-based
    column: int  # 1-based, in characters

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING_KINDS

    def __repr__(self) -> str:
        return (
            f"Finding(kind={self.kind.value}, start={self.start}, end={self.end}, "
            f"line={self.line}, column={self.column})"
        )

    def __str__(self) -> str:
        return f"{self.kind.value} at line {self.line}, column {self.column}"


def has_blocking(findings: Iterable[Finding]) -> bool:
    """True when any finding is of a kind that blocks saving."""
    return any(f.blocking for f in findings)


# A finding before line and column are known: (kind, start, end).
_Span = tuple[FindingKind, int, int]


class _Taken:
    """Non-overlapping character ranges, with a fast overlap test."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # ranges before i start before ``end``
        return i > 0 and self._ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


_HYPHENS = "-\u2010\u2011\u2012\u2013\u2212"
_SPACES = " \u00a0\u202f"

# --------------------------------------------------------------------------------------------
# Personnummer and samordningsnummer
# --------------------------------------------------------------------------------------------

# 10 or 12 digits; the serial is preceded by '-', '+', a space or nothing (people do write
# "850709 9805"). No digit may touch either end, so dates (8 digits), SFS numbers and
# diarienummer never match; the Luhn check and a real birth date keep other digit runs out.
_ID_RE = re.compile(
    rf"(?=\d)(?<!\d)(?P<century>18|19|20)?(?P<date>\d{{6}})"
    rf"(?P<sep>[+{_HYPHENS}{_SPACES}]?)(?P<serial>\d{{4}})(?!\d)"
)


def _id_kind(century: str, date: str, sep: str, serial: str) -> FindingKind | None:
    """Classify a candidate as personnummer or samordningsnummer, or None when invalid."""
    if not luhn.is_valid(date + serial):  # the check digit covers the 10-digit form
        return None
    sep = "+" if sep == "+" else "-"
    day = int(date[4:6])
    if day > 60:  # a samordningsnummer adds 60 to the day of birth
        real = f"{century}{date[:4]}{day - 60:02d}{sep}{serial}"
        try:
            personnummer.get_birth_date(real)  # the date must be a real date
        except (ValidationError, ValueError):
            return None
        return FindingKind.SAMORDNINGSNUMMER
    if personnummer.is_valid(f"{century}{date}{sep}{serial}"):
        return FindingKind.PERSONNUMMER
    return None


def _find_ids(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for m in _ID_RE.finditer(text):
        kind = _id_kind(m["century"] or "", m["date"], m["sep"], m["serial"])
        if kind is not None:
            spans.append((kind, m.start(), m.end()))
    return spans


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------


def _hashes(m: re.Match[str]) -> str:
    return "#" * len(m.group())


def _hashes_if_date(m: re.Match[str]) -> str:
    month, day = int(m["month"]), int(m["day"])
    return "#" * len(m.group()) if 1 <= month <= 12 and 1 <= day <= 31 else m.group()


# Numbers that look like phone numbers to a digit-run scanner but are something else. They are
# blanked out (same length, so offsets hold) before phone candidates are looked for. Repeats are
# bounded so that a long run of digit groups costs linear time.
_NOT_PHONE: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # ISO and day-first dates: 2021-05-03, 03-05-2021, 3/5/2021
    (
        re.compile(
            rf"(?=\d)(?<!\d)\d{{4}}[{_HYPHENS}/.]"
            rf"(?P<month>\d{{1,2}})[{_HYPHENS}/.](?P<day>\d{{1,2}})(?!\d)"
        ),
        _hashes_if_date,
    ),
    (
        re.compile(
            rf"(?=\d)(?<!\d)(?P<day>\d{{1,2}})[{_HYPHENS}/.]"
            rf"(?P<month>\d{{1,2}})[{_HYPHENS}/.]\d{{4}}(?!\d)"
        ),
        _hashes_if_date,
    ),
    # Times: 14:30, kl. 9.15
    (re.compile(r"(?=\d)(?<![\d.:])\d{1,2}[:.]\d{2}(?![\d.:])"), _hashes),
    # SFS numbers and cited reports: 2001:453, (1990:52), prop. 2019/20:123, Ds 2014:4
    (re.compile(r"(?=\d)(?<!\d)\d{4}(?:/\d{2,4})?:\d+(?!\d)"), _hashes),
    # Diarienummer and other slashed numbers: 155-943/2015, 2019/20
    (re.compile(rf"(?=\d)(?<!\d)\d+(?:[{_HYPHENS}]\d+){{0,3}}/\d+(?!\d)"), _hashes),
    # Amounts and shares: 12 500 kr, 1 000 000 kronor, 25 %
    (
        re.compile(
            rf"(?=\d)(?<!\d)\d{{1,3}}(?:[{_SPACES}.]\d{{3}}){{0,5}}(?:,\d+)?[{_SPACES}]*"
            r"(?:kr\b|kronor\b|sek\b|:-|tkr\b|mkr\b|miljon|miljard|euro\b|€|%|procent\b)",
            re.IGNORECASE,
        ),
        _hashes,
    ),
]

# Groups of digits joined by single separators, with an optional '+' or area code in
# parentheses: 070-123 45 67, 08-527 44 290, +46 (0)70 123 45 67, (08) 527 44 290.
# A separator is required between digit groups, which keeps the pattern free of backtracking.
_SEP = rf"(?:[{_SPACES}]?[{_HYPHENS}][{_SPACES}]?|[{_SPACES}])"
_GROUP = rf"(?:\(\d{{1,4}}\)[{_SPACES}]?)?\d+"
_PHONE_CANDIDATE_RE = re.compile(
    rf"(?=[+(\d])(?<![\w+#/.,:])\+?{_GROUP}(?:{_SEP}{_GROUP})*(?![\w/]|[.,:]\d)"
)
_DIGIT_GROUP_RE = re.compile(r"\(?\d+\)?")
_MAX_PHONE_GROUPS = 6  # +46 (0)70 123 45 67 has six


def _is_phone(raw: str) -> bool:
    """True when ``raw`` (digits and separators) is a valid phone number."""
    plus = raw.startswith("+")
    if plus:
        raw = raw.replace("(0)", "")  # +46 (0)70 ...: the trunk 0 is not dialled from abroad
    digits = "".join(c for c in raw if c.isdigit())
    if not 7 <= len(digits) <= 15:
        return False
    return _is_phone_number("+" + digits if plus else digits)


def is_phone_number(raw: str) -> bool:
    """True when ``raw`` is a number a contact can be called on: a valid phone number as the
    guard finds them, or a Swedish short number (112, 114 14, 1177)."""
    text = raw.strip()
    if not text or any(not (c.isdigit() or c in " +-()") for c in text):
        return False
    if _is_phone(text):
        return True
    try:
        return phonenumbers.is_valid_short_number_for_region(phonenumbers.parse(text, "SE"), "SE")
    except phonenumbers.NumberParseException:
        return False


@lru_cache(maxsize=4096)
def _is_phone_number(digits: str) -> bool:
    """True when ``digits`` (with a leading '+' when written so) is a valid phone number."""
    try:
        if digits.startswith("+"):
            number = phonenumbers.parse(digits, None)
        elif digits.startswith("00"):
            number = phonenumbers.parse("+" + digits[2:], None)
        elif digits.startswith("0"):
            number = phonenumbers.parse(digits, "SE")
        elif digits.startswith("46") and len(digits) >= 10:
            # +46 written without the plus: only Swedish numbers count
            number = phonenumbers.parse("+" + digits, None)
            if phonenumbers.region_code_for_number(number) != "SE":
                return False
        elif digits.startswith("7") and len(digits) == 9:
            # A Swedish mobile number without its leading 0 (70 123 45 67). Other bare digit
            # runs are far more often amounts, years or codes than phone numbers.
            number = phonenumbers.parse("0" + digits, "SE")
            if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
                return False
        else:
            return False
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _find_phones(text: str) -> list[_Span]:
    masked = text
    for pattern, repl in _NOT_PHONE:
        masked = pattern.sub(repl, masked)
    spans: list[_Span] = []
    for m in _PHONE_CANDIDATE_RE.finditer(masked):
        if sum(c.isdigit() for c in m.group()) < 7:
            continue  # 112, 114 14, years, page ranges: too short to be a subscriber number
        base = m.start()
        plus = 1 if m.group().startswith("+") else 0
        groups = [(g.start() + base, g.end() + base) for g in _DIGIT_GROUP_RE.finditer(m.group())]
        # digits[k]: how many digits the first k groups hold
        digits = [0]
        for g in _DIGIT_GROUP_RE.finditer(m.group()):
            digits.append(digits[-1] + sum(c.isdigit() for c in g.group()))
        # Two numbers may stand side by side ("070-123 45 67 08-527 44 290"), or a number may
        # follow a year: take, from each group on, the longest run of groups that is valid.
        i = 0
        while i < len(groups):
            found = False
            for j in range(min(len(groups), i + _MAX_PHONE_GROUPS), i, -1):
                count = digits[j] - digits[i]
                if count < 7:
                    break
                if count > 15:
                    continue
                start = groups[i][0] - (plus if i == 0 else 0)
                end = groups[j - 1][1]
                if _is_phone(text[start:end]):
                    spans.append((FindingKind.PHONE, start, end))
                    i, found = j, True
                    break
            if not found:
                i += 1
    return spans


# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"(?<![\w.+%-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")


def _find_emails(text: str) -> list[_Span]:
    return [(FindingKind.EMAIL, m.start(), m.end()) for m in _EMAIL_RE.finditer(text)]


# --------------------------------------------------------------------------------------------
# Street addresses
# --------------------------------------------------------------------------------------------

# Endings of one-word street names: Vällingbyvägen, Storgatan, Kvarngränd, Tallstigen.
# Left out on purpose: -plan (handlingsplan, trygghetsplan), -ringen (förändringen),
# -gången (genomgången), -strand (Hässelby strand is a district, not a street), -alle (Kalle).
_STREET_ENDINGS = (
    "vägen|väg|gatan|gata|gränden|gränd|backen|backe|stigen|allén|allé|torget|torg|"
    "platsen|leden|slingan|slinga|kroken|stråket|promenaden|esplanaden|kajen|svängen|bryggan"
)
# Separate street words after a capitalised name: Drottning Kristinas väg, Karl XII:s torg.
_STREET_WORDS = "vägen|väg|gatan|gata|gränd|backe|backen|allé|alle|torget|torg|platsen|leden"
_CAP = r"[A-ZÅÄÖÉÜ]"
_STREET_RE = re.compile(
    rf"(?<![\w-])(?:{_CAP}[\w-]*?(?:{_STREET_ENDINGS})"
    rf"|(?:{_CAP}[\w.:'’-]*[{_SPACES}]){{1,3}}(?:{_STREET_WORDS}))"
    # the house number, maybe with a letter: 12, 5B, 12 A
    rf"[{_SPACES}]\d{{1,3}}(?:[A-Za-z]|[{_SPACES}][A-Z])?"
    rf"(?![\w:/§]|[.,]\d|[{_SPACES}]*(?:%|§|kap\b|kr\b|kronor\b|km\b|st\b|år\b|procent\b|gånger\b))"
)


def _find_streets(text: str) -> list[_Span]:
    return [(FindingKind.STREET_ADDRESS, m.start(), m.end()) for m in _STREET_RE.finditer(text)]


# --------------------------------------------------------------------------------------------
# Registration plates
# --------------------------------------------------------------------------------------------

# ABC 123, ABC123, ABC 12A. Swedish plates never use I, Q, V, Å, Ä or Ö, and the last position,
# when a letter, is never O (it would read as a zero).
_PLATE_RE = re.compile(
    rf"(?<![\w-])(?P<letters>[A-HJ-PR-UW-Z]{{3}})[{_SPACES}]?"
    rf"\d{{2}}[\dA-HJ-NPR-UW-Z](?![\w-]|[.,:/]\d)"
)
# Three-letter codes that precede numbers in ordinary text: currencies and units.
_NOT_PLATE = frozenset({"SEK", "EUR", "USD", "GBP", "NOK", "DKK", "CHF", "JPY", "PDF", "KAP"})


def _find_plates(text: str) -> list[_Span]:
    return [
        (FindingKind.REG_PLATE, m.start(), m.end())
        for m in _PLATE_RE.finditer(text)
        if m["letters"] not in _NOT_PLATE
    ]


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

# Names that are also ordinary Swedish (or, for "Said", English) words. Capitalised at the start
# of a sentence, a heading, a list item or a table cell they are almost always the word
# ("Per vecka", "Alla ärenden", "Bo hemma", "Inga insatser", "Hans mamma"), so there they count
# as a name only beside another name ("Per Andersson", "Stig Björk"). Mid-sentence, a capital
# letter marks them as a name ("träffade Per igår") and they are reported.
_WORD_NAMES = frozenset(
    {
        "Alla",  # alla: all
        "Axel",  # axel: shoulder, axle
        "Berg",  # berg: mountain
        "Björk",  # björk: birch
        "Blom",  # blom: bloom
        "Bo",  # bo: to live
        "Borg",  # borg: castle
        "Bror",  # bror: brother
        "Dag",  # dag: day
        "Dan",  # dan: the day (spoken)
        "Dina",  # dina: your
        "Ek",  # ek: oak
        "Falk",  # falk: falcon
        "Fors",  # fors: rapids
        "Frans",  # frans: fringe
        "Hall",  # hall: hall
        "Hans",  # hans: his
        "Holm",  # holm: islet
        "Inga",  # inga: none
        "Iris",  # iris: iris
        "Juni",  # juni: June
        "Karl",  # karl: man
        "Klara",  # klara: to manage; clear
        "Kvist",  # kvist: twig
        "Lilja",  # lilja: lily
        "Lina",  # lina: rope
        "Lind",  # lind: lime tree
        "Lisa",  # lisa: relief
        "Liv",  # liv: life
        "Love",  # love: to promise
        "Lund",  # lund: grove; also the city of Lund
        "Lönn",  # lönn: maple
        "Malm",  # malm: ore
        "Max",  # max: at most
        "Mina",  # mina: my
        "Nord",  # nord: north
        "Palm",  # palm: palm tree
        "Per",  # per: per, each
        "Rut",  # RUT: the household-services tax deduction
        "Saga",  # saga: tale
        "Said",  # said (English)
        "Siv",  # siv: reed
        "Sten",  # sten: stone
        "Stig",  # stig: path; step (imperative)
        "Strand",  # strand: beach
        "Ström",  # ström: current, electricity
        "Tuva",  # tuva: tussock
        "Urban",  # urban: urban
        "Ville",  # ville: wanted (past of vilja)
        "Vilja",  # vilja: will; to want
        "Viola",  # viola: viola
    }
)

# Districts of Hässelby-Vällingby: never a name or a street, however they are written.
_PLACES_RE = re.compile(
    r"Hässelby[ -](?:[Gg]ård|[Ss]trand|[Vv]illastad)|Hässelby|Grimsta|Kälvesta|Nälsta"
    r"|Råcksta|Vinsta|Vällingby"
)

# Capital letters of the Latin scripts (Å, Ö, É, Ç, Ş, Ž, Ć ...): a name starts with one.
_UPPER = "".join(sorted({chr(c) for c in range(0x250) if chr(c).isupper()}))
_WORD_RE = re.compile(rf"(?=[{_UPPER}])(?<![\w'’-])[^\W\d_]+(?:-[^\W\d_]+)*(?![\w-])")
# Names that are also month names: "31 August", "Juni 2021" are dates.
_MONTH_NAMES = frozenset({"August", "Juni", "Maj"})
_DAY_BEFORE_RE = re.compile(r"\d[ \u00a0]$")
_YEAR_AFTER_RE = re.compile(r"[ \u00a0]\d{4}(?!\d)")
# What may stand between a word and the start of its sentence: spaces, quotes, brackets,
# dashes and list bullets.
_LEADING = set(" \u00a0\u202f\"'“”„«»‘’([{–—-*•·▪")
_SENTENCE_END = set(".!?:;…\n\r\t\f\v")


@cache
def _names() -> frozenset[str]:
    """The shipped first names and surnames, read once."""
    names: set[str] = set()
    for file in ("first_names.txt", "surnames.txt"):
        with resource_path("names", file).open(encoding="utf-8") as fh:
            for raw in fh:
                name = raw.split("#", 1)[0].strip()
                if name:
                    names.add(name)
    return frozenset(names)


def _capitalised(part: str) -> bool:
    return part[0].isupper() and (len(part) == 1 or part[1:].islower())


def _name_class(word: str, names: frozenset[str]) -> str | None:
    """'name', 'word-name' (a name that is also a word) or None for a token."""
    parts = word.split("-")
    if not all(_capitalised(p) for p in parts):
        return None
    if len(parts) > 1:
        # Ann-Christin, Lars-Erik, Per-Olof: a capitalised compound with a name in it is a name.
        if word in names or any(_name_class(p, names) for p in parts):
            return "name"
        return None
    base = word
    if word not in names:
        if len(word) > 2 and word.endswith("s") and word[:-1] in names:
            base = word[:-1]  # genitive: Annas, Anderssons
        else:
            return None
    return "word-name" if base in _WORD_NAMES else "name"


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _LEADING:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _find_names(text: str) -> list[_Span]:
    names = _names()
    places = _Taken()
    for m in _PLACES_RE.finditer(text):
        places.add(m.start(), m.end())
    # (start, end, clear): clear when the token is a name wherever it stands
    tokens: list[tuple[int, int, bool]] = []
    for m in _WORD_RE.finditer(text):
        cls = _name_class(m.group(), names)
        if cls is None or places.overlaps(m.start(), m.end()):
            continue
        if m.group() in _MONTH_NAMES and (
            _DAY_BEFORE_RE.search(text, max(0, m.start() - 2), m.start())
            or _YEAR_AFTER_RE.match(text, m.end())
        ):
            continue
        clear = cls == "name" or not _sentence_initial(text, m.start())
        tokens.append((m.start(), m.end(), clear))
    spans: list[_Span] = []
    i = 0
    while i < len(tokens):
        # Names that follow each other with one space between ("Per Andersson") make one span,
        # and a word-name in such a run is a name.
        j = i + 1
        while (
            j < len(tokens)
            and tokens[j][0] == tokens[j - 1][1] + 1
            and text[tokens[j - 1][1]] in _SPACES
        ):
            j += 1
        if j - i > 1 or tokens[i][2]:
            spans.append((FindingKind.NAME, tokens[i][0], tokens[j - 1][1]))
        i = j
    return spans


# --------------------------------------------------------------------------------------------
# Scan
# --------------------------------------------------------------------------------------------

# When spans overlap, the more specific identifier wins: a personnummer is not also a phone
# number, an e-mail address is not also a name.
_PRIORITY = {
    FindingKind.PERSONNUMMER: 0,
    FindingKind.SAMORDNINGSNUMMER: 0,
    FindingKind.EMAIL: 1,
    FindingKind.PHONE: 2,
    FindingKind.STREET_ADDRESS: 3,
    FindingKind.REG_PLATE: 4,
    FindingKind.NAME: 5,
}

_FINDERS: tuple[Callable[[str], list[_Span]], ...] = (
    _find_ids,
    _find_emails,
    _find_phones,
    _find_streets,
    _find_plates,
    _find_names,
)


def _merge(spans: list[_Span]) -> list[_Span]:
    """Keep the most specific (then the longest) of overlapping spans, sorted by start."""
    kept: list[_Span] = []
    taken = _Taken()
    for span in sorted(spans, key=lambda s: (_PRIORITY[s[0]], s[1] - s[2], s[1])):
        if not taken.overlaps(span[1], span[2]):
            taken.add(span[1], span[2])
            kept.append(span)
    return sorted(kept, key=lambda s: s[1])


def scan(text: str) -> list[Finding]:
    """All personal identifiers in ``text``, sorted by start, overlaps resolved."""
    spans: list[_Span] = []
    for finder in _FINDERS:
        spans.extend(finder(text))
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    findings: list[Finding] = []
    for kind, start, end in _merge(spans):
        line = bisect.bisect_right(line_starts, start)
        findings.append(Finding(kind, start, end, line, start - line_starts[line - 1] + 1))
    return findings


class IdentifiersFound(InputRefused):
    """Blocking identifier findings that the user has not accepted."""

    message = N_(
        "The text looks like it contains personal identifiers ({kinds}); remove them, or "
        "accept the findings explicitly."
    )

    def __init__(self, findings: Sequence[Finding], record: int | None = None) -> None:
        self.findings = list(findings)
        self.record = record
        # Labels in the language of the moment: the message is shown right away.
        kinds = ", ".join(sorted({_(kind_label(f.kind)) for f in findings if f.blocking}))
        super().__init__(kinds=kinds)


def guarded(
    texts: Mapping[str, str | None], *, accept: bool, record: int | None = None
) -> list[tuple[str, Finding]]:
    """The rule for every free text before it is saved: scan, refuse, or accept explicitly.

    ``texts`` names each text by its field. All findings come back with their field
    (warnings and accepted blocking ones, for the caller to show or audit); a blocking
    finding that is not accepted raises ``IdentifiersFound`` and nothing may be saved.
    ``record`` numbers the record in a multi-record import, for the message.
    """
    found = [(name, f) for name, value in texts.items() for f in scan(value or "")]
    blocking = [f for _name, f in found if f.blocking]
    if blocking and not accept:
        raise IdentifiersFound(blocking, record=record)
    return found
