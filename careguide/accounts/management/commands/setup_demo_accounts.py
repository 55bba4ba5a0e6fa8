"""Create the demo accounts: admin, editor, reviewer, a nurse and an oncologist in the
"Cancer care team", a primary-care doctor who refers (gp), and a demo patient
(patient@example.org) looked after by that team.

Passwords come from CAREGUIDE_ADMIN_PASSWORD, CAREGUIDE_EDITOR_PASSWORD,
CAREGUIDE_REVIEWER_PASSWORD, CAREGUIDE_NURSE_PASSWORD, CAREGUIDE_ONCOLOGIST_PASSWORD,
CAREGUIDE_GP_PASSWORD and CAREGUIDE_PATIENT_PASSWORD, or are generated on first run and printed once. An existing
account is never changed, so re-running is harmless; the team, its members and its patient
are added if missing.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from careguide.accounts import forms, services
from careguide.accounts.models import ClinicalProfile
from careguide.accounts.roles import EDITORS, PRIMARY_CARE, REVIEWERS, ensure_roles
from careguide.careteam import services as careteam_services
from careguide.careteam.models import CareTeam, Membership

# username, group, superuser, clinical role (shown on pages a reviewer approves)
ACCOUNTS = [
    ("admin", None, True, ""),
    ("editor", EDITORS, False, ""),
    ("reviewer", REVIEWERS, False, "Medical oncologist"),
    ("nurse", None, False, ""),
    ("oncologist", None, False, ""),
    ("gp", PRIMARY_CARE, False, ""),
]
# Names shown to patients and staff; the others use the capitalised username.
DISPLAY_NAMES = {"gp": ("Sam", "Rivera"), "oncologist": ("Priya", "Shah")}
DEMO_TEAM = "Cancer care team"
DEMO_TEAM_DESCRIPTION = "The nurses and doctors who look after you during treatment"
# username -> role in the demo team
TEAM_MEMBERS = {"nurse": Membership.Role.NURSE, "oncologist": Membership.Role.ONCOLOGIST}
DEMO_PATIENT = "patient@example.org"
SYSTEM = "setup-demo-accounts"


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def password(self, username: str, env_name: str) -> str:
        password = os.environ.get(env_name) or secrets.token_urlsafe(12)
        if os.environ.get(env_name):
            self.stdout.write(f"{username}: created with the password from {env_name}")
        else:
            self.stdout.write(self.style.WARNING(
                f"{username}: created. Password (shown once, not stored anywhere else): {password}"
            ))
        return password

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_roles()
        User = get_user_model()
        for username, group_name, superuser, role in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"{username}: already exists (password unchanged)")
                continue
            user = User(username=username, email=f"{username}@example.org",
                        is_staff=superuser, is_superuser=superuser,
                        first_name=DISPLAY_NAMES.get(username, (username.capitalize(), ""))[0],
                        last_name=DISPLAY_NAMES.get(username, ("", ""))[1])
            user.set_password(self.password(username, f"CAREGUIDE_{username.upper()}_PASSWORD"))
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            if role:
                ClinicalProfile.objects.create(user=user, role_title=role)

        team = CareTeam.objects.filter(name=DEMO_TEAM).first()
        if team is None:
            team = CareTeam.objects.create(name=DEMO_TEAM, description=DEMO_TEAM_DESCRIPTION)
            careteam_services.team_saved(None, team, created=True, system=SYSTEM)
        for username, role in TEAM_MEMBERS.items():
            member = User.objects.get(username=username)
            if not Membership.objects.filter(team=team, user=member).exists():
                careteam_services.add_member(None, team, member, role, system=SYSTEM)

        patient = User.objects.filter(username=DEMO_PATIENT).first()
        if patient is not None:
            self.stdout.write(f"{DEMO_PATIENT}: already exists (password unchanged)")
        else:
            # Registered as a patient registers: in the Patients group, with their consent.
            patient = services.register_patient(
                email=DEMO_PATIENT, first_name="Alex", consent_wording=forms.CONSENT_WORDING,
                password=self.password(DEMO_PATIENT, "CAREGUIDE_PATIENT_PASSWORD"),
            )
        careteam_services.assign_patient(None, team, patient, system=SYSTEM)
