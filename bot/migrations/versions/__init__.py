"""Alembic revisions, oldest first; each runs inside one transaction."""
