"""Create the demo accounts admin, editor and reviewer.

Passwords come from CAREGUIDE_ADMIN_PASSWORD, CAREGUIDE_EDITOR_PASSWORD and
CAREGUIDE_REVIEWER_PASSWORD, or are generated on first run and printed once. An
existing account is never changed, so re-running is harmless.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from careguide.accounts.models import ClinicalProfile
from careguide.accounts.roles import EDITORS, REVIEWERS, ensure_roles

ACCOUNTS = [
    # username, group, superuser, clinical role
    ("admin", None, True, ""),
    ("editor", EDITORS, False, ""),
    ("reviewer", REVIEWERS, False, "Medical oncologist"),
]


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    @transaction.atomic
    def handle(self, *args, **options):
        from django.contrib.auth.models import Group

        ensure_roles()
        User = get_user_model()
        for username, group_name, superuser, role in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"{username}: already exists (password unchanged)")
                continue
            env_name = f"CAREGUIDE_{username.upper()}_PASSWORD"
            password = os.environ.get(env_name) or secrets.token_urlsafe(12)
            user = User(username=username, email=f"{username}@example.org",
                        is_staff=superuser, is_superuser=superuser,
                        first_name=username.capitalize())
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            if role:
                ClinicalProfile.objects.create(user=user, role_title=role)
            if os.environ.get(env_name):
                self.stdout.write(f"{username}: created with the password from {env_name}")
            else:
                self.stdout.write(self.style.WARNING(
                    f"{username}: created. Password (shown once, not stored anywhere else): {password}"
                ))
