"""Full-text backends behind one small interface (``base.Backend``), picked by the database
vendor: SQLite FTS5 by default, PostgreSQL full-text search in production."""

from django.core.exceptions import ImproperlyConfigured
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
    # Only the two databases the project supports (ADR 0001); anything else is a set-up error.
    raise ImproperlyConfigured(f"Search supports SQLite and PostgreSQL, not the {vendor} database")


__all__ = ["Backend", "get_backend"]
