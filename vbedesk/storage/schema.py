"""The vault's schema version: Alembic upgrades in-process, and refusal of a newer schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from vbedesk.errors import NewerVersion

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(rev.revision for rev in _script().walk_revisions())


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def check_known(revision: str | None) -> None:
    """Refuse a vault whose schema this program does not know (written by a newer one)."""
    if revision is not None and revision not in known_revisions():
        raise NewerVersion()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Apply the pending migrations in one transaction and record ``user_version``.

    ``user_version`` mirrors the revision number so that standard SQLCipher tools can tell
    the schema without Alembic.
    """
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
        revision = current_revision(conn)
        conn.execute(text(f"PRAGMA user_version = {int(revision or 0)}"))
