"""The disclosure register: every file that leaves the vault."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from vbedesk.changes import Area
from vbedesk.disclosure import Disclosure
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.storage import audit
from vbedesk.storage.files import write_new_file
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    DisclosureRow,
)
from vbedesk.storage.vault import now_utc


class DisclosureService(AreaService):
    """The disclosure register: every file that leaves the vault."""

    AREAS = (Area.DISCLOSURES,)

    def record(
        self, kind: str, title: str, path: str, recipient: str = "", purpose: str = ""
    ) -> Disclosure:
        """Enter a file written out of the vault in the disclosure register (and the audit)."""
        entry = Disclosure(
            at=now_utc(),
            kind=kind[:20],
            title=title[:500],
            path=path[:4000],
            recipient=recipient[:500],
            purpose=purpose[:2000],
        )
        with self._write() as s:
            row = DisclosureRow(
                at=entry.at,
                kind=entry.kind,
                title=entry.title,
                path=entry.path,
                recipient=entry.recipient,
                purpose=entry.purpose,
            )
            s.add(row)
            s.flush()
            audit.append(s, "disclosure", "disclosure", row.id, entry.kind)
        return replace(entry, id=row.id)

    def write(
        self,
        path: Path,
        data: bytes,
        kind: str,
        title: str,
        *,
        recipient: str = "",
        purpose: str = "",
    ) -> Disclosure:
        """Write ``data`` to the new file ``path`` and enter it in the disclosure register.

        The file is written atomically and never over another (``FileExists``); when the
        register cannot take the entry, the file is removed again: nothing leaves the vault
        unrecorded.
        """
        if not path.parent.is_dir():
            raise InputRefused(N_("The folder {path} does not exist."), path=str(path.parent))
        write_new_file(path, data)
        try:
            return self.record(
                kind, title, str(path.resolve()), recipient=recipient, purpose=purpose
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    def all(self) -> list[Disclosure]:
        """The disclosure register, oldest first."""
        with self._read() as s:
            return [
                Disclosure(
                    id=r.id,
                    at=r.at,
                    kind=r.kind,
                    title=r.title,
                    path=r.path,
                    recipient=r.recipient,
                    purpose=r.purpose,
                )
                for r in s.execute(select(DisclosureRow).order_by(DisclosureRow.id)).scalars()
            ]
