"""Create the Patients group, with no permissions: patients never reach the admin."""

from django.db import migrations

PATIENTS = "Patients"  # careguide.accounts.roles.PATIENTS, copied: migrations must not import app code


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=PATIENTS)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_consentrecord"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Reversing keeps the group: deleting it would drop every patient's membership.
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
