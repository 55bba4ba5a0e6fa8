"""Care teams: the staff who look after a group of patients, and those patients.

A care-team member (a nurse or an oncologist) sees the health data of the patients of their
teams and nobody else's. Every query for patient data by staff goes through
``careguide.careteam.scoping``, never through these models directly.
"""

from django.conf import settings
from django.db import models


class CareTeam(models.Model):
    name = models.CharField(max_length=120, unique=True)
    # Shown to the team's patients: "Your care team: Oncology team A".
    description = models.CharField(max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="care_teams", blank=True
    )
    patients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamPatient", related_name="patient_of_teams", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        NURSE = "nurse", "Nurse"
        ONCOLOGIST = "oncologist", "Oncologist"

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_team_memberships")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="careteam_one_membership_per_team")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.team})"


class TeamPatient(models.Model):
    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="patient_links")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_team_links")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "patient"], name="careteam_patient_once_per_team")]

    def __str__(self):
        return f"{self.patient} in {self.team}"
