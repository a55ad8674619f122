"""Durable file operations shared by the key file, backups and everything written out."""

from __future__ import annotations

import errno
import os
import secrets
from contextlib import suppress
from pathlib import Path

from vbedesk.errors import DiskFull, InputRefused
from vbedesk.i18n import N_, _

#: What a write that found no room fails with: ENOSPC, or EFBIG at a file size limit,
#: or EDQUOT over a quota.
DISK_FULL_ERRNOS = frozenset(
    code for code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", None)) if code
)


class FileExists(InputRefused):
    message = N_("There is already a file called {name}; choose another name. Nothing was written.")


class WriteFailed(InputRefused):
    """A file could not be written out for a reason other than a full disk."""

    message = N_("{name} could not be written ({reason}). Nothing was written.")


#: Reasons a user can act on, by errno; anything else is named by its number.
_WRITE_REASONS = {
    errno.EACCES: N_("no permission to write in that folder"),
    errno.EPERM: N_("no permission to write in that folder"),
    errno.EROFS: N_("the folder is read-only"),
    errno.ENOENT: N_("the folder does not exist"),
    errno.ENOTDIR: N_("the folder does not exist"),
    errno.ENAMETOOLONG: N_("the name is too long"),
}


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


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0o600; fails if anything already has that name.

    For a database SQLite is about to open: it keeps the file's mode, and gives its
    -wal and -shm files the same one.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(path, flags, 0o600))


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
    except OSError as exc:
        _remove(tmp)
        raise _write_error(exc, path) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: Path) -> None:
    with suppress(OSError):  # e.g. its folder is not a folder: then it does not exist
        path.unlink(missing_ok=True)


def _write_error(exc: OSError, path: Path) -> DiskFull | WriteFailed:
    """The error to show for ``exc`` met while writing ``path`` out (never its raw text)."""
    if exc.errno in DISK_FULL_ERRNOS:
        return DiskFull(
            N_("The disk is full: {name} was not written. Free some space and try again."),
            name=path.name,
        )
    reason = _WRITE_REASONS.get(exc.errno or 0)
    return WriteFailed(
        name=path.name, reason=_(reason) if reason else _("error {code}").format(code=exc.errno)
    )
