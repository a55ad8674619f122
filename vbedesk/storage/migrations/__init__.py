"""Alembic migrations of the vault schema, run in-process at unlock (see storage.schema)."""
