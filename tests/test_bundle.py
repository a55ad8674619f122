"""The PyInstaller bundle: build it from installer/vbedesk.spec, then run it as IT would.

Skipped only when PyInstaller is not importable; ``python3 run.py setup`` installs it with
the development tools (pyproject.toml), so ``.ci/run`` always runs this test. It builds
into tmp_path (a few minutes on two cores) and then runs ``--version`` and ``selftest``
from the bundle, headless, with a clean environment and no Python on the path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vbedesk import __version__

pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (python3 run.py setup)")

pytestmark = [pytest.mark.bundle, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "installer" / "vbedesk.spec"
LIMIT_MB = 250


def _size_mb(folder: Path) -> float:
    """Unpacked size in MiB, as ``du`` counts it: links (PyInstaller makes some) once."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1024 / 1024


def _bundle_env(tmp: Path) -> dict[str, str]:
    """What a fresh desktop session has: no venv, no PYTHONPATH, no display, English."""
    keep = ("PATH", "HOME", "USER", "LOGNAME", "SYSTEMROOT", "LOCALAPPDATA", "APPDATA")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update({"LANG": "en_GB.UTF-8", "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp)})
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/vbedesk built from the spec into a temporary folder (once for this module)."""
    base = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(base / "dist"),
            "--workpath",
            str(base / "build"),
            str(SPEC),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return base / "dist" / "vbedesk"


def _program(bundle: Path) -> Path:
    name = "vbedesk-cli.exe" if sys.platform == "win32" else "vbedesk"
    return bundle / name


def test_bundle_holds_every_resource_and_stays_lean(bundle: Path) -> None:
    internal = bundle / "_internal"
    resources = internal / "resources"
    for relative in (
        "routines/stockholm-oro-handelse.toml",
        "taxonomies/incident_types.toml",
        "fonts/Vera.ttf",
        "locale/sv/LC_MESSAGES/vbedesk.po",
        "demo/plan_2021.toml",
        "icons/vbedesk-256.png",
        "icons/vbedesk.ico",
        "contacts.toml",
        "legal_references.toml",
    ):
        assert (resources / relative).is_file(), relative
    assert (internal / "vbedesk" / "storage" / "migrations" / "env.py").is_file()
    qt_sv = list(internal.rglob("qtbase_sv.qm"))
    assert len(qt_sv) == 1
    assert list(internal.rglob("qtbase_de.qm")) == []  # only the languages the program speaks
    network = [p.name for p in internal.rglob("*") if "Network" in p.name or "qvnc" in p.name]
    assert network == []  # no Qt network library, no VNC platform plugin
    assert _size_mb(bundle) < LIMIT_MB


def test_bundle_prints_its_version(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(_program(bundle)), "--version"],
        capture_output=True,
        text=True,
        env=_bundle_env(tmp_path),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"vbedesk {__version__}"


def test_bundle_selftest_passes_headless(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(_program(bundle)), "selftest"],
        capture_output=True,
        text=True,
        env=_bundle_env(tmp_path),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert lines == ["ok"] * 7, result.stdout
    assert "Self-test passed: all 7 steps." in result.stdout
    assert list(tmp_path.iterdir()) == []  # the throwaway vault is gone
