"""Shared fixtures: fast key derivation, real vaults in tmp_path, an in-memory keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import PLAN_2021
from tests.paths import REPO as REPO  # re-exported: some tests import it from here
from vbedesk.i18n import set_language
from vbedesk.storage.bootstrap import create_demo_vault, create_vault
from vbedesk.storage.keys import KdfParams
from vbedesk.storage.service import VaultService

PASSPHRASE = "correct horse battery staple"


def fast_kdf() -> KdfParams:
    """Tiny Argon2id parameters so that tests stay fast; real vaults calibrate."""
    return KdfParams.insecure_for_tests()


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def seed_text() -> str:
    """The district's 2021 action plan, kept in ``tests/data``."""
    if not PLAN_2021.is_file():
        pytest.fail(f"the 2021 plan is missing from the repository: tests/data/{PLAN_2021.name}")
    return PLAN_2021.read_text(encoding="utf-8")


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where tests save the pictures they grab: ``$VBEDESK_SCREENSHOTS`` or a temp folder.

    ``scripts/screenshots.py`` writes ``docs/screenshots``; tests write there only when
    asked (``VBEDESK_SCREENSHOTS=docs/screenshots python3 run.py test tests/test_reports.py``),
    so a test run leaves the checkout unchanged.
    """
    folder = Path(os.environ.get("VBEDESK_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def service(vault_dir: Path) -> Iterator[VaultService]:
    """A new, empty vault (with the shipped contacts and references), open."""
    svc, _recovery = create_vault(vault_dir, PASSPHRASE, kdf=fast_kdf())
    yield svc
    if svc.vault.is_open:
        svc.vault.close()


@dataclass
class DemoVault:
    folder: Path
    passphrase: str
    recovery_key: str


@pytest.fixture
def demo_vault(tmp_path: Path) -> DemoVault:
    """A closed demo vault on disk."""
    folder = tmp_path / "demo"
    svc, recovery = create_demo_vault(folder, PASSPHRASE, kdf=fast_kdf())
    svc.vault.close()
    return DemoVault(folder, PASSPHRASE, recovery)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove that nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line in a child process (as a user runs it)."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VBEDESK_") and k not in ("LANG", "LC_ALL", "LC_MESSAGES")
    }
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "vbedesk", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )
