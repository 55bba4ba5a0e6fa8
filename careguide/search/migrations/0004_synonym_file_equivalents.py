"""Synonym.file_equivalents: what the synonyms file said when it was last loaded, so that loading
it again keeps the words an editor changed in the admin.

Rows that exist already are taken to say what the file said (they were loaded from it; an
editor's change made before this migration cannot be told apart and may be replaced once).
"""

from django.db import migrations, models


def from_the_file(apps, schema_editor):
    Synonym = apps.get_model("careguide_search", "Synonym")
    Synonym.objects.using(schema_editor.connection.alias).update(file_equivalents=models.F("equivalents"))


class Migration(migrations.Migration):
    dependencies = [("careguide_search", "0003_vector_storage")]

    operations = [
        migrations.AddField(
            model_name="synonym",
            name="file_equivalents",
            field=models.CharField(blank=True, default="", editable=False, max_length=400),
        ),
        migrations.RunPython(from_the_file, migrations.RunPython.noop),
    ]
