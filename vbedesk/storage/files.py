"""Durable file operations shared by the key file, backups and everything written out."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_


class FileExists(InputRefused):
    message = N_("There is already a file called {name}; choose another name. Nothing was written.")


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable; not possible (nor needed) on Windows."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems cannot fsync a directory; the rename is then as durable as
        # they make it. Any other error is real.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    finally:
        os.close(fd)


def write_new_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file at ``path``: temp file beside it, fsync, rename.

    Never overwrites (``FileExists``), and never leaves a half file under the final name:
    a failure removes the temp file. The file is private to the user (0o600).
    """
    if path.exists() or path.is_symlink():
        raise FileExists(name=path.name)
    tmp = path.with_name(f".{path.name}.partial-{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            raise FileExists(name=path.name)
        tmp.replace(path)
        fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
