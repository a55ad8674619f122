"""Recall and false-positive figures for the anonymity guard's identifier detection.

Generates a seeded corpus of valid personnummer and samordningsnummer in every written form,
embedded in Swedish sentences, and of look-alikes that are not identifiers (dates, diarienummer,
SFS numbers, phone numbers, amounts, postcodes). Prints recall per identifier form and the
false-positive rate (an identifier finding) per non-identifier kind.

Run: ``.venv/bin/python benchmarks/guard_figures.py [count] [seed]``
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Callable

from stdnum import luhn

from vbedesk.guard import FindingKind, scan

ID_KINDS = {FindingKind.PERSONNUMMER, FindingKind.SAMORDNINGSNUMMER}

SENTENCES = [
    "Eleven med nummer {} sågs på skolgården.",
    "Anmälan gäller {}, enligt mentorn.",
    "({}) har tidigare varit aktuell.",
    "Uppgift: {}.",
    "{} nämndes i samtalet; oklart varför.",
    "Personen \u201d{}\u201d kontaktade fritidsgården!",
]


def _identifier(rng: random.Random, coordination: bool) -> tuple[str, str, str]:
    """Return (century, yymmdd, serial) of a valid personnummer or samordningsnummer."""
    born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(365 * 90))
    day = born.day + (60 if coordination else 0)
    date = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    first = f"{rng.randrange(1000):03d}"
    check = luhn.calc_check_digit(date + first)
    return str(born.year // 100), date, first + check


FORMS: dict[str, Callable[[str, str, str], str]] = {
    "10 digits, hyphen": lambda c, d, s: f"{d}-{s}",
    "10 digits, plus": lambda c, d, s: f"{d}+{s}",
    "10 digits, space": lambda c, d, s: f"{d} {s}",
    "10 digits, none": lambda c, d, s: f"{d}{s}",
    "12 digits, hyphen": lambda c, d, s: f"{c}{d}-{s}",
    "12 digits, space": lambda c, d, s: f"{c}{d} {s}",
    "12 digits, none": lambda c, d, s: f"{c}{d}{s}",
}


def _date(rng: random.Random) -> str:
    d = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    fmt = rng.choice(
        ["%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%y%m%d", "%d/%m %Y", "%Y-%m-%d %H:%M"]
    )
    return d.strftime(fmt)


NON_IDS: dict[str, Callable[[random.Random], str]] = {
    "date": _date,
    "diarienummer": lambda r: (
        f"{r.choice(['KS', 'SDN', 'UBN', 'Dnr'])} {r.randrange(1995, 2031)}/{r.randrange(1, 9999)}"
    ),
    "diarienummer (dotted)": lambda r: (
        f"{r.choice(['KS', 'SDN'])} {r.randrange(1995, 2031)}.{r.randrange(1, 999):03d}"
    ),
    "SFS number": lambda r: f"SFS {r.randrange(1962, 2031)}:{r.randrange(1, 1999)}",
    "phone number": lambda r: (
        f"08-{r.randrange(100, 999)} {r.randrange(10, 99)} {r.randrange(10, 99)}"
    ),
    "amount": lambda r: f"{r.randrange(1, 999)} {r.randrange(0, 999):03d} kr",
    "postcode": lambda r: f"{r.randrange(100, 999)} {r.randrange(10, 99)} Stockholm",
}


def figures(count: int = 10_000, seed: int = 20211) -> tuple[dict[str, float], dict[str, float]]:
    """Return (recall per identifier form, false-positive rate per non-identifier kind)."""
    rng = random.Random(seed)
    hits = dict.fromkeys(FORMS, 0)
    tried = dict.fromkeys(FORMS, 0)
    for i in range(count):
        form = list(FORMS)[i % len(FORMS)]
        ident = FORMS[form](*_identifier(rng, coordination=rng.random() < 0.3))
        text = rng.choice(SENTENCES).format(ident)
        tried[form] += 1
        if any(f.kind in ID_KINDS and text[f.start : f.end] == ident for f in scan(text)):
            hits[form] += 1
    false = dict.fromkeys(NON_IDS, 0)
    seen = dict.fromkeys(NON_IDS, 0)
    for i in range(count):
        kind = list(NON_IDS)[i % len(NON_IDS)]
        text = rng.choice(SENTENCES).format(NON_IDS[kind](rng))
        seen[kind] += 1
        if any(f.kind in ID_KINDS for f in scan(text)):
            false[kind] += 1
    recall = {k: hits[k] / tried[k] for k in FORMS if tried[k]}
    fp_rate = {k: false[k] / seen[k] for k in NON_IDS if seen[k]}
    return recall, fp_rate


def main(argv: list[str]) -> None:
    count = int(argv[1]) if len(argv) > 1 else 10_000
    seed = int(argv[2]) if len(argv) > 2 else 20211
    recall, fp_rate = figures(count, seed)
    print(f"Guard figures: {count} identifiers, {count} non-identifiers, seed {seed}\n")
    print(f"{'identifier form':<24} recall")
    for form, value in recall.items():
        print(f"{form:<24} {value:7.2%}")
    print(f"\n{'non-identifier kind':<24} false positives")
    for kind, value in fp_rate.items():
        print(f"{kind:<24} {value:7.2%}")


if __name__ == "__main__":
    main(sys.argv)
