"""Free-text search over incident descriptions (FTS5, Swedish letters kept apart).

``remove_diacritics 0``: the default tokenizer folds å/ä/ö to a/o, so "far" would find
"får". External content: the index holds no second copy of the text.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE incident_fts USING fts5("
        "description, content='incident', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "CREATE TRIGGER incident_fts_ai AFTER INSERT ON incident BEGIN "
        "INSERT INTO incident_fts(rowid, description) VALUES (new.id, new.description); END"
    )
    op.execute(
        "CREATE TRIGGER incident_fts_ad AFTER DELETE ON incident BEGIN "
        "INSERT INTO incident_fts(incident_fts, rowid, description) "
        "VALUES ('delete', old.id, old.description); END"
    )
    op.execute(
        "CREATE TRIGGER incident_fts_au AFTER UPDATE OF description ON incident BEGIN "
        "INSERT INTO incident_fts(incident_fts, rowid, description) "
        "VALUES ('delete', old.id, old.description); "
        "INSERT INTO incident_fts(rowid, description) VALUES (new.id, new.description); END"
    )
    op.execute("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')")


def downgrade() -> None:
    for trigger in ("incident_fts_ai", "incident_fts_ad", "incident_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS incident_fts")
