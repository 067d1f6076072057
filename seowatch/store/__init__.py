"""Persistence: SQLModel tables, one engine per process from a URL, Alembic migrations."""
