"""The migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vbedesk.storage.service import VaultService
from vbedesk.storage.tables import Base


def test_migrations_and_models_agree(service: VaultService) -> None:
    with service.vault.require_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The FTS5 index (virtual table and its shadow tables) lives outside the models.
    unexpected = [d for d in diff if "incident_fts" not in str(d)]
    assert unexpected == []


def test_user_version_mirrors_the_revision(service: VaultService) -> None:
    with service.vault.raw_connection() as raw:
        version = raw.execute("PRAGMA user_version").fetchone()[0]
    assert version == int(service.info().schema_version)
