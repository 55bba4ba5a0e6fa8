"""The full-text index beside SearchEntry, for whichever database this is:

- SQLite: an FTS5 virtual table (rowid = SearchEntry.pk), porter stemming, diacritics folded.
- PostgreSQL: a stored generated tsvector column (title A, heading B, body C) with a GIN index.

Django's model does not know about either (it never reads them through the ORM), so
``makemigrations`` stays quiet; each operation runs only on its own database.
"""

from django.db import migrations

SQLITE_UP = (
    "CREATE VIRTUAL TABLE careguide_search_fts USING fts5("
    "title, heading, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
SQLITE_DOWN = "DROP TABLE IF EXISTS careguide_search_fts"

POSTGRES_UP = [
    "ALTER TABLE careguide_search_searchentry ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(heading, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX careguide_search_vector_gin ON careguide_search_searchentry USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS careguide_search_vector_gin",
    "ALTER TABLE careguide_search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("careguide_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
