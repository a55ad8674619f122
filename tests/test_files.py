"""Writing files out: new files only, never a half file under the final name."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vbedesk.storage.files import FileExists, write_new_file


def test_writes_a_private_new_file(tmp_path: Path) -> None:
    target = tmp_path / "rapport.pdf"
    write_new_file(target, b"%PDF-1.7 data")
    assert target.read_bytes() == b"%PDF-1.7 data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.pdf"]


def test_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "rapport.pdf"
    target.write_bytes(b"old")
    with pytest.raises(FileExists):
        write_new_file(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.pdf"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "x.pdf"
    with pytest.raises(FileNotFoundError):
        write_new_file(missing, b"data")
    assert list(tmp_path.iterdir()) == []
