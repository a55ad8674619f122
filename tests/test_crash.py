"""SIGKILL during writes: the vault always passes its checks with every acknowledged save."""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from tests.conftest import PASSPHRASE, DemoVault, fast_kdf
from vbedesk.errors import WrongPassphrase
from vbedesk.formimport import Imported
from vbedesk.incidents import (
    incident_to_dict,
    incidents_from_csv,
    incidents_from_jsonl,
    incidents_to_csv,
)
from vbedesk.model import FollowUp, Incident, Period, PeriodKind
from vbedesk.reports.form import build_blank_form, field_values_for, read_filled_form
from vbedesk.storage.backup import verify_backup
from vbedesk.storage.keys import load_with_fallback
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

WRITER = r"""
import sys
from datetime import date
from pathlib import Path
from vbedesk.model import Incident
from vbedesk.storage.service import VaultService
from vbedesk.storage.vault import Vault

vault = Vault.open(Path(sys.argv[1]), passphrase=sys.argv[2])
svc = VaultService(vault)
n = 0
while True:
    n += 1
    if n % 10 == 0:
        svc.incidents.import_many([
            Incident(received_on=date(2021, 6, 1), incident_types=frozenset({"KLOTTER"}),
                     environment="OKLAR", description=f"batch {n} item {k}")
            for k in range(20)
        ])
        print(f"batch {n}", flush=True)
    else:
        saved = svc.incidents.add(Incident(
            received_on=date(2021, 6, 1), incident_types=frozenset({"HOT"}),
            environment="OKLAR", description=f"ack {n}"))
        print(f"ack {saved.incident.id} {n}", flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_writes_25_times(demo_vault: DemoVault) -> None:
    rng = random.Random(25)
    acknowledged: set[str] = set()
    batches: set[int] = set()
    for _round in range(25):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(demo_vault.folder), PASSPHRASE],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # Wait for the first acknowledged save, then kill at a random moment after it.
        assert child.stdout is not None
        first = child.stdout.readline()
        time.sleep(rng.random() * 0.5)
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        out = first + rest
        for line in out.splitlines():
            parts = line.split()
            if parts[:1] == ["ack"] and len(parts) == 3:
                acknowledged.add(f"ack {parts[2]}#{parts[1]}")
            elif parts[:1] == ["batch"] and len(parts) == 2:
                batches.add(int(parts[1]))
        with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
            svc = VaultService(vault)
            report = svc.check()
            assert report.ok, report
            stored = {
                f"{i.description}#{i.id}"
                for i in svc.incidents.iter_all()
                if i.description.startswith("ack ")
            }
            missing = {a for a in acknowledged if a not in stored}
            assert not missing, f"acknowledged saves lost: {sorted(missing)[:5]}"
    assert len(acknowledged) > 25


# -- every kind of write, killed at random moments ------------------------------------------
#
# The writer runs in a forked child (no interpreter start per round: the rounds stay fast),
# loops over one kind of write and reports each acknowledged one on a pipe; the parent
# kills it with SIGKILL at a random moment after the first acknowledgement, then checks
# the vault, the key file and the backup folder.

KINDS = ("incident", "import", "form", "followup", "passphrase", "backup")
ROUNDS_PER_KIND = 15
MAX_DELAY = 0.3  # seconds after the first acknowledged write
BATCH = 20
BACKUP_PASSPHRASE = "a long backup passphrase for the crash suite"
FOLLOWUP_PERIOD = Period(2021, PeriodKind.T1)


def _incident(text: str) -> Incident:
    return Incident(
        received_on=date(2021, 6, 1),
        incident_types=frozenset({"HOT"}),
        environment="OKLAR",
        description=text,
    )


def _filled_form(blank: bytes, text: str) -> bytes:
    values = {
        "received_on": "2021-06-01",
        "incident_types": ["KLOTTER"],
        "environment": "OKLAR",
        "description": text,
    }
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    writer.update_page_form_field_values(None, field_values_for(values), auto_regenerate=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Setup:
    folder: Path
    backups: Path
    activity_id: int
    blank: bytes


def _write_forever(kind: str, tag: str, setup: Setup, passphrase: str, fd: int) -> None:
    """The child: one kind of write after the other, each acknowledged on ``fd``."""
    vault = Vault.open(setup.folder, passphrase=passphrase)
    svc = VaultService(vault)
    for n in itertools.count(1):
        name = f"{kind}-{tag}-{n}"
        if kind == "incident":
            svc.incidents.add(_incident(name))
        elif kind == "import":
            batch = [_incident(f"{name}-{k}") for k in range(BATCH)]
            if n % 2:
                text = "\n".join(json.dumps(incident_to_dict(i)) for i in batch)
                parsed = incidents_from_jsonl(text, svc.taxonomies)
            else:
                parsed = incidents_from_csv(incidents_to_csv(batch), svc.taxonomies)
            svc.incidents.import_many(parsed, source=f"{name}.jsonl")
        elif kind == "form":
            data = _filled_form(setup.blank, name)
            result = svc.forms.import_form(data, f"{name}.pdf", reader=read_filled_form)
            if not isinstance(result, Imported):
                raise AssertionError(type(result).__name__)
        elif kind == "followup":
            svc.plans.add_followup(
                FollowUp(setup.activity_id, FOLLOWUP_PERIOD, "PAGAR", name, date(2021, 4, 1))
            )
        elif kind == "passphrase":
            vault.change_passphrase(name, kdf=fast_kdf())
        elif kind == "backup":
            svc.backups.create(setup.backups / f"{name}.vbdk", BACKUP_PASSPHRASE, kdf=fast_kdf())
        os.write(fd, f"ack {name}\n".encode())


def _run_and_kill(
    kind: str, tag: str, setup: Setup, passphrase: str, delay: float
) -> tuple[list[str], bool]:
    """Fork a writer, SIGKILL it ``delay`` s after its first ack; its acks, and if it was live."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        code = 0
        try:
            _write_forever(kind, tag, setup, passphrase, write_end)
        except BaseException as exc:
            os.write(write_end, f"error {type(exc).__name__}: {exc}\n".encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        first = pipe.readline()
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
        lines = [first, *pipe.read().splitlines()]
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    errors = [line for line in lines if line.startswith("error")]
    assert not errors, errors
    return [line.split()[1] for line in lines if line.startswith("ack ")], killed


def _opens_with(folder: Path, passphrase: str) -> bool:
    """Whether ``passphrase`` unlocks the vault (its key file, or the previous one kept).

    The opener's own choice of key file, without opening: opening writes the one that
    worked back in place, which would decide the question for the next passphrase tried.
    """
    try:
        Vault._unwrap(folder, passphrase)
    except WrongPassphrase:
        return False
    return True


def test_after_a_kill_past_the_rename_only_the_new_passphrase_opens(
    demo_vault: DemoVault,
) -> None:
    """Regression: the previous key file, kept until the end of a save, opened too."""
    key = demo_vault.folder / "vault.key"
    old_wrap = key.read_bytes()
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        vault.change_passphrase("the new passphrase", kdf=fast_kdf())
    # The state a kill leaves between the rename of the new file and removing the old one.
    prev = demo_vault.folder / "vault.key.prev"
    prev.write_bytes(old_wrap)
    assert len(load_with_fallback(key)) == 2

    assert not _opens_with(demo_vault.folder, PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        Vault.open(demo_vault.folder, passphrase=PASSPHRASE)
    assert prev.read_bytes() == old_wrap  # a refused open changes nothing
    Vault.open(demo_vault.folder, passphrase="the new passphrase").close()
    assert not prev.exists()
    assert not _opens_with(demo_vault.folder, PASSPHRASE)


def test_the_previous_key_file_still_stands_in_for_a_lost_one(demo_vault: DemoVault) -> None:
    key = demo_vault.folder / "vault.key"
    prev = demo_vault.folder / "vault.key.prev"
    prev.write_bytes(key.read_bytes())
    key.write_bytes(b"")  # the renamed file did not reach the disk
    assert _opens_with(demo_vault.folder, PASSPHRASE)
    Vault.open(demo_vault.folder, passphrase=PASSPHRASE).close()
    assert not prev.exists()
    assert len(load_with_fallback(key)) == 1


@dataclass
class Ledger:
    """What the writers acknowledged, and what the checks found."""

    passphrase: str
    incidents: set[str] = field(default_factory=set)
    batches: set[str] = field(default_factory=set)
    followups: set[str] = field(default_factory=set)
    backups: set[str] = field(default_factory=set)
    verified: set[str] = field(default_factory=set)
    kills: Counter[str] = field(default_factory=Counter)
    acks: Counter[str] = field(default_factory=Counter)
    temp_backups: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def _check_passphrase(setup: Setup, ledger: Ledger, acked: list[str], tag: str) -> None:
    """Exactly one of the last acknowledged passphrase and the one being set works."""
    old = acked[-1]
    n = int(old.rsplit("-", 1)[1])
    new = f"passphrase-{tag}-{n + 1}"
    working = [p for p in (ledger.passphrase, *acked, new) if _opens_with(setup.folder, p)]
    assert working in ([old], [new]), f"opening passphrases after the kill: {working}"
    ledger.passphrase = working[0]
    ledger.outcomes[
        "passphrase: the new one" if working == [new] else "passphrase: the old one"
    ] += 1
    leftovers = sorted(p.name for p in setup.folder.glob("vault.key.*"))
    ledger.outcomes[f"key files left: {' '.join(leftovers) or 'none'}"] += 1


def _check_backups(setup: Setup, ledger: Ledger) -> None:
    """Every file with a final name verifies; a half-written one only has a temp name."""
    names = set()
    for path in sorted(setup.backups.iterdir()):
        if path.name.startswith(".") and ".partial-" in path.name:
            ledger.temp_backups += 1
            path.unlink()  # what a user (or the next backup) may leave or remove
            continue
        assert path.suffix == ".vbdk", path.name
        names.add(path.name)
        if path.name not in ledger.verified:
            verify_backup(path, BACKUP_PASSPHRASE)
            ledger.verified.add(path.name)
    missing = {f"{b}.vbdk" for b in ledger.backups} - names
    assert not missing, f"acknowledged backups lost: {sorted(missing)}"


def _check_vault(setup: Setup, ledger: Ledger) -> None:
    with Vault.open(setup.folder, passphrase=ledger.passphrase) as vault:
        svc = VaultService(vault)
        report = svc.check()
        assert report.ok, report
        stored = Counter(i.description for i in svc.incidents.iter_all())
        comments = {f.comment for f in svc.plans.followups(setup.activity_id, FOLLOWUP_PERIOD)}
    missing = sorted(ledger.incidents - set(stored))
    assert not missing, f"acknowledged saves lost: {missing[:5]}"
    assert all(n == 1 for d, n in stored.items() if d.startswith(("incident-", "form-")))
    # An import is all or nothing: every batch in the vault is whole.
    per_batch = Counter(d.rsplit("-", 1)[0] for d in stored if d.startswith("import-"))
    assert set(per_batch.values()) <= {BATCH}, per_batch
    assert ledger.batches <= set(per_batch), sorted(ledger.batches - set(per_batch))[:5]
    assert ledger.followups <= comments, sorted(ledger.followups - comments)[:5]


@pytest.mark.slow
def test_sigkill_during_every_kind_of_write(demo_vault: DemoVault, tmp_path: Path) -> None:
    with Vault.open(demo_vault.folder, passphrase=PASSPHRASE) as vault:
        svc = VaultService(vault)
        plan = svc.plans.all()[0]
        activity_id = svc.plans.activities(svc.plans.sections(plan.id or 0)[0].id or 0)[0].id or 0
        blank = build_blank_form(svc.taxonomies, "sv")
    setup = Setup(demo_vault.folder, tmp_path / "backups", activity_id, blank)
    setup.backups.mkdir()
    ledger = Ledger(PASSPHRASE)
    rng = random.Random(7)
    rounds = [kind for kind in KINDS for _ in range(ROUNDS_PER_KIND)]
    rng.shuffle(rounds)
    for number, kind in enumerate(rounds):
        tag = str(number)
        acked, killed = _run_and_kill(
            kind, tag, setup, ledger.passphrase, rng.uniform(0, MAX_DELAY)
        )
        assert killed, f"round {number} ({kind}): the writer was not killed"
        assert acked, f"round {number} ({kind}): nothing was acknowledged"
        ledger.kills[kind] += 1
        ledger.acks[kind] += len(acked)
        if kind == "passphrase":
            _check_passphrase(setup, ledger, acked, tag)
        elif kind == "import":
            ledger.batches.update(acked)
        elif kind == "followup":
            ledger.followups.update(acked)
        elif kind == "backup":
            ledger.backups.update(acked)
        else:
            ledger.incidents.update(acked)
        _check_backups(setup, ledger)
        _check_vault(setup, ledger)
    assert sum(ledger.kills.values()) >= 50
    assert set(ledger.kills) == set(KINDS)
    # The figures of docs/reliability.md (shown with pytest -s).
    print(f"kills {dict(ledger.kills)} acks {dict(ledger.acks)}")
    print(f"backup temp files left {ledger.temp_backups}; {dict(ledger.outcomes)}")
