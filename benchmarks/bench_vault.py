#!/usr/bin/env python3
"""The vault's speed against raw sqlcipher3 doing the same SQL in the same run.

    python3 run.py bench                      # 100,000 incidents
    python3 run.py bench --incidents 5000 --quick-repeat 50   # a quicker look

Prints a Markdown table: for each operation the program's median, the raw median and
the ratio. The raw side opens the same file with the same key and pragmas and runs the
statements the service runs, so the ratio is the cost of the program's layers.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import sqlcipher3

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vbedesk.model import Incident, IncidentFilter
from vbedesk.storage.backup import _derive as backup_key
from vbedesk.storage.backup import create_backup, verify_backup
from vbedesk.storage.bootstrap import create_vault
from vbedesk.storage.engine import connect, integrity_problems
from vbedesk.storage.keys import KeyFile, calibrate, derive_key
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault
from vbedesk.taxonomy import load_taxonomies

PASSPHRASE = "benchmark passphrase 2021"
BACKUP_PASSPHRASE = "benchmark backup passphrase"
WORDS = [
    "klistermärken",
    "affischer",
    "klotter",
    "hot",
    "kränkning",
    "flygblad",
    "symboler",
    "lyktstolpe",
    "tunnelbana",
    "skolgård",
    "fritidsgård",
    "centrum",
    "parkering",
    "busshållplats",
    "vägg",
    "dörr",
    "nätet",
    "grupp",
    "ungdomar",
    "propaganda",
    "budskap",
    "rekrytering",
    "manifestation",
    "hakkors",
    "tecken",
    "texter",
    "möte",
    "kväll",
    "helg",
]


def synthetic(n: int, rng: random.Random) -> list[Incident]:
    tax = load_taxonomies()
    areas = tax.areas.codes()
    envs = tax.environments.codes()
    types = tax.incident_types.codes()
    start = date(2017, 1, 1)
    out = []
    for _ in range(n):
        received = start + timedelta(days=rng.randrange(365 * 5))
        out.append(
            Incident(
                received_on=received,
                incident_types=frozenset(rng.sample(types, rng.choice((1, 1, 2)))),
                environment=rng.choice(envs),
                area=rng.choice(areas),
                description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30))),
                status=rng.choice(("NY", "PAGAR", "AVSLUTAD")),
            )
        )
    return out


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def paired_ms(
    program: Callable[[], object], raw: Callable[[], object], repeat: int
) -> tuple[float, float, float]:
    """Medians of ``program`` and ``raw``, and the median of their ratio run by run.

    The two run in turns (which one goes first alternates), so a burst of other work or
    a change of clock speed lands on both, and each run's ratio compares like with
    like; the median of those ratios is the figure reported.
    """
    program()  # warm-up: statement caches, pages in the cache
    raw()
    samples: tuple[list[float], list[float]] = ([], [])
    for i in range(repeat):
        order = ((0, program), (1, raw)) if i % 2 == 0 else ((1, raw), (0, program))
        for side, fn in order:
            t0 = time.perf_counter()
            fn()
            samples[side].append((time.perf_counter() - t0) * 1000)
    ratios = [p / r for p, r in zip(*samples, strict=True)]
    return statistics.median(samples[0]), statistics.median(samples[1]), statistics.median(ratios)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=15, help="repetitions of unlock and backup")
    ap.add_argument(
        "--quick-repeat",
        type=int,
        default=300,
        help="repetitions of the operations that take milliseconds (save, list, search, …)",
    )
    ap.add_argument("--dir", type=Path, help="where to build the vault (default: a temp dir)")
    args = ap.parse_args()
    rng = random.Random(2021)
    work = Path(args.dir or tempfile.mkdtemp(prefix="vbedesk-bench-"))
    folder = work / "vault"
    kdf = calibrate()

    t0 = time.perf_counter()
    service, _recovery = create_vault(folder, PASSPHRASE, kdf=kdf)
    incidents = synthetic(args.incidents, rng)
    for start in range(0, len(incidents), 10_000):
        service.incidents.import_many(incidents[start : start + 10_000], source="benchmark")
    service.vault.close()
    fill_s = time.perf_counter() - t0
    # The 100,000 incident objects are the benchmark's, not the program's: a window
    # holds one page. Kept alive, they would make every garbage collection slower.
    del incidents, service
    gc.collect()
    data_key = KeyFile.load(folder / "vault.key").unwrap(PASSPHRASE)
    db = folder / "vault.db"
    rows: list[tuple[str, float, float, float]] = []

    # -- unlock: the KDF, unwrap, key, verification read, pragmas (both sides) ----------
    keyfile = KeyFile.load(folder / "vault.key")

    def program_unlock() -> None:
        Vault.open(folder, passphrase=PASSPHRASE).close()

    def raw_unlock() -> None:
        derive_key(PASSPHRASE, keyfile.kdf)
        conn = sqlcipher3.connect(str(db), isolation_level=None)
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL")
        conn.close()

    rows.append(("unlock", *paired_ms(program_unlock, raw_unlock, max(3, args.repeat // 3))))

    vault = Vault.open(folder, passphrase=PASSPHRASE)
    svc = VaultService(vault)
    raw = connect(db, data_key)  # the same pragmas as the program (WAL, FULL, cache)

    # -- save one incident -------------------------------------------------------------
    one = synthetic(1, rng)[0]

    def program_save() -> None:
        svc.incidents.add(one)

    def raw_save() -> None:
        raw.execute("BEGIN IMMEDIATE")
        cur = raw.execute(
            "INSERT INTO incident (received_on, received_year, environment, area, description,"
            " status, concerns_individual, is_demo, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
            (
                one.received_on.isoformat(),
                one.received_on.year,
                one.environment,
                one.area,
                one.description,
                one.status,
                "2026-01-01 00:00:00",
                "2026-01-01 00:00:00",
            ),
        )
        for code in one.incident_types:
            raw.execute(
                "INSERT INTO incident_type (incident_id, code) VALUES (?, ?)", (cur.lastrowid, code)
            )
        raw.execute("COMMIT")

    rows.append(("save one incident", *paired_ms(program_save, raw_save, args.quick_repeat)))

    # -- first page of 200 by date, and a text search: what the incident table shows --
    list_sql = (
        "SELECT incident.id, incident.received_on, incident.area, incident.environment, "
        "incident.status, (SELECT group_concat(incident_type.code, ';') FROM incident_type "
        "WHERE incident_type.incident_id = incident.id) FROM incident {where}"
        "ORDER BY incident.received_on DESC, incident.id DESC LIMIT 200 OFFSET 0"
    )
    search_where = (
        "WHERE incident.id IN (SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?) "
    )

    def program_page() -> None:
        svc.incidents.list_rows(limit=200)

    def raw_page() -> None:
        raw.execute(list_sql.format(where="")).fetchall()

    rows.append(
        ("list first page (200 by date)", *paired_ms(program_page, raw_page, args.quick_repeat))
    )

    def program_search() -> None:
        svc.incidents.list_rows(IncidentFilter(text="hakkors tunnelbana"), limit=200)

    def raw_search() -> None:
        raw.execute(list_sql.format(where=search_where), ('"hakkors" "tunnelbana"*',)).fetchall()

    rows.append(
        ("text search (first 200 hits)", *paired_ms(program_search, raw_search, args.quick_repeat))
    )

    # -- one whole incident, as a form opens it -----------------------------------------
    some_id = svc.incidents.list_rows(limit=1)[0].id

    def program_get() -> None:
        svc.incidents.get(some_id)

    def raw_get() -> None:
        raw.execute("SELECT * FROM incident WHERE id = ?", (some_id,)).fetchall()
        raw.execute("SELECT code FROM incident_type WHERE incident_id = ?", (some_id,)).fetchall()
        raw.execute("SELECT code FROM incident_action WHERE incident_id = ?", (some_id,)).fetchall()

    rows.append(("open one incident", *paired_ms(program_get, raw_get, args.quick_repeat)))

    # -- aggregation -------------------------------------------------------------------
    def program_agg() -> None:
        svc.situation.year_counts(2020)

    def raw_agg() -> None:
        raw.execute(
            "SELECT i.environment, t.code, count(*) FROM incident i JOIN incident_type t "
            "ON t.incident_id = i.id WHERE i.received_year = ? GROUP BY i.environment, t.code",
            (2020,),
        ).fetchall()

    rows.append(("year by environment × type", *paired_ms(program_agg, raw_agg, args.quick_repeat)))

    # -- backup create + verify ----------------------------------------------------------
    counter = iter(range(10_000))

    def program_backup() -> None:
        out = work / f"program-{next(counter)}.vbdk"
        create_backup(vault, out, BACKUP_PASSPHRASE)
        verify_backup(out, BACKUP_PASSPHRASE)
        out.unlink()

    def raw_verify(out: Path, salt: bytes) -> None:
        # What a verification reads: both checks, the manifest, every row of every table.
        key = backup_key(BACKUP_PASSPHRASE, salt)
        check = sqlcipher3.connect(f"file:{out}?mode=ro", uri=True)
        check.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        check.execute("PRAGMA cipher_integrity_check").fetchall()
        check.execute("PRAGMA integrity_check").fetchall()
        tables = [
            r[0]
            for r in check.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            cursor = check.execute(f'SELECT * FROM "{table}"')
            while cursor.fetchmany(1000):
                pass
        check.close()

    def raw_backup() -> None:
        # The documented format-1 key derivation, then the same SQL as the program:
        # export, verify the new file (as create does), verify again (as verify does).
        out = work / f"raw-{next(counter)}.db"
        salt = b"VBDK\x01" + bytes(11)
        key = backup_key(BACKUP_PASSPHRASE, salt)
        raw.execute(f"ATTACH DATABASE '{out}' AS b KEY \"x'{key.hex()}{salt.hex()}'\"")
        raw.execute("SELECT sqlcipher_export('b')")
        raw.execute("DETACH DATABASE b")
        raw_verify(out, salt)
        raw_verify(out, salt)
        out.unlink()

    reps = max(3, args.repeat // 5)
    rows.append(("backup create + verify", *paired_ms(program_backup, raw_backup, reps)))
    assert not integrity_problems(raw)
    raw.close()
    vault.close()

    print(
        f"VBE Desk benchmark: {args.incidents:,} incidents; medians of {args.quick_repeat} "
        f"runs (unlock: {max(3, args.repeat // 3)}, backup: {reps}), program and raw in turns "
        f"(fill took {fill_s:.1f} s; KDF time_cost={kdf.time_cost}, "
        f"memory={kdf.memory_kib // 1024} MiB)"
    )
    print()
    print("| operation | program (ms) | raw sqlcipher3 (ms) | ratio |")
    print("|---|---:|---:|---:|")
    for name, prog, base, ratio in rows:
        print(f"| {name} | {prog:.2f} | {base:.2f} | {ratio:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
