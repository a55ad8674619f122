"""Writing files out: new files only, never a half file under the final name."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.test_disk_full import file_size_limit
from vbedesk.errors import DiskFull
from vbedesk.storage.files import FileExists, WriteFailed, write_new_file


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
    with pytest.raises(WriteFailed) as caught:
        write_new_file(missing, b"data")
    assert (
        str(caught.value)
        == "x.pdf could not be written (the folder does not exist). Nothing was written."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_the_folder_should_be_is_a_clear_refusal(tmp_path: Path) -> None:
    (tmp_path / "rapporter").write_bytes(b"a file, not a folder")
    with pytest.raises(WriteFailed, match="the folder does not exist"):
        write_new_file(tmp_path / "rapporter" / "x.pdf", b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["rapporter"]


@pytest.mark.parametrize("limit", [0, 4096])
def test_a_full_disk_is_said_and_leaves_no_half_file(tmp_path: Path, limit: int) -> None:
    """A file-size limit stands in for a full disk (EFBIG, as ENOSPC would)."""
    target = tmp_path / "lägesbild 2021.pdf"
    with file_size_limit(limit), pytest.raises(DiskFull) as caught:
        write_new_file(target, b"%PDF-1.7 " + bytes(64 * 1024))
    assert "lägesbild 2021.pdf was not written" in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temp file
    write_new_file(target, b"%PDF-1.7 data")  # with room again, it is written
    assert target.read_bytes() == b"%PDF-1.7 data"
