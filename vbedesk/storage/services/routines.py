"""The routine definitions: the shipped one, loaded revisions, the one in use."""

from __future__ import annotations

from sqlalchemy import select

from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.i18n import N_
from vbedesk.routine import (
    RoutineContext,
    RoutineDefinition,
    RoutineVersion,
    parse_definition,
    shipped_content,
)
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.tables import (
    RoutineDefinitionRow,
)
from vbedesk.storage.vault import now_utc


class RoutineService(AreaService):
    """The routine definitions: the shipped one, loaded revisions, the one in use."""

    AREAS = (Area.ROUTINE,)

    def context(self) -> RoutineContext:
        """The codes a routine may name: this vault's contacts and references, the taxonomies."""
        return RoutineContext(
            contacts=frozenset(c.code for c in self._svc.contacts.all()),
            references=frozenset(r.code for r in self._svc.legal.all()),
            actions=frozenset(self.taxonomies.actions.codes()),
            age_bands=frozenset(self.taxonomies.age_bands.codes()),
            consent=frozenset(self.taxonomies.consent.codes()),
        )

    def load(self, content: str) -> RoutineDefinition:
        """Validate a routine file, keep it with its version and make it the one in use.

        The same id and version again with the same content only makes it active; with
        other content it is refused, so a case log's version always names one text.
        """
        if len(content) > 1_000_000:
            raise InputRefused(N_("The routine file is too large."))
        definition = parse_definition(content, self.context())
        with self._write() as s:
            if s.scalar(select(RoutineDefinitionRow.id).limit(1)) is None and content != (
                shipped := shipped_content()
            ):
                self.load(shipped)  # a vault from before: the revision keeps what it replaces
            row = s.scalar(
                select(RoutineDefinitionRow).where(
                    RoutineDefinitionRow.routine_id == definition.id,
                    RoutineDefinitionRow.version == definition.version,
                )
            )
            if row is not None and row.content != content:
                raise InputRefused(
                    N_(
                        "Routine {id} version {version} is already kept with other content; "
                        "give the revision a new version."
                    ),
                    id=definition.id,
                    version=definition.version,
                )
            for other in s.execute(
                select(RoutineDefinitionRow).where(RoutineDefinitionRow.active.is_(True))
            ).scalars():
                other.active = False
            if row is None:
                row = RoutineDefinitionRow(
                    routine_id=definition.id,
                    version=definition.version,
                    content=content,
                    loaded_at=now_utc(),
                    active=True,
                )
                s.add(row)
            else:
                row.active = True
            s.flush()
            audit.append(s, "routine.load", "routine", row.id)
        return definition

    def active(self) -> RoutineDefinition:
        """The routine in use: the stored active one, else the shipped file.

        A read only: a new vault keeps the shipped file from the start; in a vault made
        before that, the first case log that follows it keeps it (``keep_shipped``), in
        that case log's own transaction.
        """
        with self._read() as s:
            content = s.scalar(
                select(RoutineDefinitionRow.content)
                .where(RoutineDefinitionRow.active.is_(True))
                .order_by(RoutineDefinitionRow.loaded_at.desc())
                .limit(1)
            )
            if content is None:
                return parse_definition(shipped_content(), self.context())
        # Checked against the vault's codes when loaded; the graph is checked again here.
        return parse_definition(content)

    def keep_shipped(self, routine_id: str, version: str) -> bool:
        """Keep the shipped routine if it is ``routine_id`` ``version`` (inside a write)."""
        shipped = parse_definition(shipped_content(), self.context())
        if (shipped.id, shipped.version) != (routine_id, version):
            return False
        self.load(shipped_content())
        return True

    def definition(self, routine_id: str, version: str) -> RoutineDefinition:
        """A kept version, e.g. the one an old case log followed."""
        with self._read() as s:
            content = s.scalar(
                select(RoutineDefinitionRow.content).where(
                    RoutineDefinitionRow.routine_id == routine_id,
                    RoutineDefinitionRow.version == version,
                )
            )
        if content is None:
            raise InputRefused(
                N_("Routine {id} version {version} is not kept in the vault."),
                id=routine_id[:64],
                version=version[:40],
            )
        return parse_definition(content)

    def versions(self) -> list[RoutineVersion]:
        with self._read() as s:
            rows = s.execute(
                select(RoutineDefinitionRow).order_by(
                    RoutineDefinitionRow.loaded_at, RoutineDefinitionRow.id
                )
            ).scalars()
            return [RoutineVersion(r.routine_id, r.version, r.loaded_at, r.active) for r in rows]
