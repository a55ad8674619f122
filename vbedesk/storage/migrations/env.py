"""Alembic environment: migrations run on the vault's already-keyed connection only."""

from __future__ import annotations

from alembic import context

from vbedesk.storage.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
