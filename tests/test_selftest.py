"""``vbedesk --version``, ``vbedesk selftest`` and the one resource path helper.

The self-test runs for real in a child process (as IT runs it), without a display: it must
choose the offscreen platform itself, pass every step and leave no temporary folder. A
resources folder with the fonts removed (``VBEDESK_RESOURCES``) breaks the PDF step for
real, and the command must then say FAILED for it and exit non-zero.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from vbedesk import __version__, paths
from vbedesk.cli import main

REPO = Path(__file__).resolve().parents[1]
STEP_TITLES = (
    "Resources (code lists, routine, fonts, catalogs, icon)",
    "Create a temporary vault",
    "Write and read an incident",
    "Generate a PDF report",
    "Write and verify a backup",
    "Open and close the main window",
    "Remove the temporary folder",
)


def _headless_env(tmp: Path, **extra: str) -> dict[str, str]:
    """No display and no Qt platform chosen: the self-test has to pick offscreen itself."""
    env = {"LANG": "en_GB.UTF-8", "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp)}
    env.update(extra)
    return env


def _run_selftest(tmp_path: Path, **extra: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    saved = {
        k: os.environ.pop(k)
        for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
        if k in os.environ
    }
    try:
        result = run_cli("selftest", env=_headless_env(tmp, **extra))
    finally:
        os.environ.update(saved)
    return result, tmp


def _line(stdout: str, title: str) -> str:
    lines = [line for line in stdout.splitlines() if title in line]
    assert len(lines) == 1, stdout
    return lines[0]


def test_version_prints_the_program_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"vbedesk {__version__}"


def test_selftest_passes_every_step_headless_and_cleans_up(tmp_path: Path) -> None:
    result, tmp = _run_selftest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for title in STEP_TITLES:
        assert _line(result.stdout, title).split()[0] == "ok"
    assert "FAILED" not in result.stdout
    assert "fast key derivation" in _line(result.stdout, "Create a temporary vault")
    assert "Self-test passed: all 7 steps." in result.stdout
    assert list(tmp.iterdir()) == []  # the temporary vault and backup are gone


def test_selftest_fails_for_real_when_the_fonts_are_missing(tmp_path: Path) -> None:
    broken = tmp_path / "resources"
    shutil.copytree(REPO / "resources", broken)
    shutil.rmtree(broken / "fonts")
    result, tmp = _run_selftest(tmp_path, VBEDESK_RESOURCES=str(broken))
    assert result.returncode == 1, result.stdout + result.stderr
    pdf = _line(result.stdout, "Generate a PDF report")
    assert pdf.split()[0] == "FAILED"
    assert "resource missing: fonts/" in pdf  # names the file, no traceback
    for title in ("Create a temporary vault", "Write and read an incident", "Write and verify"):
        assert _line(result.stdout, title).split()[0] == "ok"
    assert "Traceback" not in result.stdout + result.stderr
    assert "Self-test failed" in result.stderr
    assert list(tmp.iterdir()) == []  # cleaned up after a failure too


# -- the path helper ---------------------------------------------------------------------------
def test_resources_come_from_the_checkout_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.RESOURCES_ENV, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert paths.resources_dir() == REPO / "resources"
    assert paths.resource_path("icons", "vbedesk.svg").is_file()
    assert not paths.is_frozen()


def test_resources_come_from_meipass_in_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(paths.RESOURCES_ENV, raising=False)
    (tmp_path / "resources" / "fonts").mkdir(parents=True)
    (tmp_path / "resources" / "fonts" / "Vera.ttf").write_bytes(b"x")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    assert paths.resource_path("fonts", "Vera.ttf") == tmp_path / "resources" / "fonts" / "Vera.ttf"
    assert paths.is_frozen()


def test_a_missing_resource_names_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.RESOURCES_ENV, str(tmp_path))
    with pytest.raises(paths.ResourceMissing, match=r"resource missing: fonts/Vera\.ttf"):
        paths.resource_path("fonts", "Vera.ttf")


def test_no_module_builds_its_own_path_to_resources() -> None:
    """Every lookup goes through vbedesk.paths: no other module spells the folder's path."""
    offenders = []
    for path in (REPO / "vbedesk").rglob("*.py"):
        if path.name == "paths.py":
            continue
        text = path.read_text(encoding="utf-8")
        if '"resources"' in text or "'resources'" in text or "_MEIPASS" in text:
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


# -- the icon ----------------------------------------------------------------------------------
def test_the_ico_holds_every_size_from_16_to_256() -> None:
    data = (REPO / "resources" / "icons" / "vbedesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for n in range(count):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * n
        )
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.add(width or 256)
    assert sizes == {16, 24, 32, 48, 64, 128, 256}
    for size in sizes:
        assert (REPO / "resources" / "icons" / f"vbedesk-{size}.png").is_file()
