"""SIGKILL during writes: the vault always passes its checks with every acknowledged save."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import PASSPHRASE, DemoVault
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
        svc.import_incidents([
            Incident(received_on=date(2021, 6, 1), incident_types=frozenset({"KLOTTER"}),
                     environment="OKLAR", description=f"batch {n} item {k}")
            for k in range(20)
        ])
        print(f"batch {n}", flush=True)
    else:
        saved = svc.add_incident(Incident(
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
                for i in svc.iter_incidents()
                if i.description.startswith("ack ")
            }
            missing = {a for a in acknowledged if a not in stored}
            assert not missing, f"acknowledged saves lost: {sorted(missing)[:5]}"
    assert len(acknowledged) > 25
