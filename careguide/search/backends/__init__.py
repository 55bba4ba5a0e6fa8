"""Full-text backends behind one small interface (``base.Backend``), picked by the database
vendor: SQLite FTS5 by default, PostgreSQL full-text search in production."""

from django.db import connections

from .base import Backend


def get_backend(using: str = "default") -> Backend:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend(using)
    if vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend(using)
    raise NotImplementedError(f"No search backend for the {vendor} database")


__all__ = ["Backend", "get_backend"]
