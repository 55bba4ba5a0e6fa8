"""PostgreSQL: keep search vectors uncompressed (STORAGE EXTERNAL).

Ranking reads the vector of every match (ts_rank), and a section's vector is a few KB, so it
lives in TOAST. Compressed, each read decompressed it: at 100,000 sections that was most of a
broad query's time (p50 40 -> 17 ms, p95 91 -> 35 ms for the backend query in
``careguide bench-search``). Uncompressed costs some disk. Rows written before this keep
their old storage until they are written again (``careguide load-content`` rebuilds the index).
SQLite: nothing to do.
"""

from django.db import migrations

UP = "ALTER TABLE careguide_search_searchentry ALTER COLUMN search_vector SET STORAGE EXTERNAL"
DOWN = "ALTER TABLE careguide_search_searchentry ALTER COLUMN search_vector SET STORAGE EXTENDED"


def _on_postgres(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("careguide_search", "0002_fulltext")]

    operations = [migrations.RunPython(_on_postgres(UP), _on_postgres(DOWN))]
