"""Admin forms for care teams: who can be picked as a member, who as a patient."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm

from careguide.accounts.roles import PATIENTS

from .models import Membership, TeamPatient


def staff_candidates():
    """Active accounts that are not patients: a patient in a team would see other patients."""
    return get_user_model().objects.filter(is_active=True).exclude(groups__name=PATIENTS).order_by("username")


def patient_candidates():
    return get_user_model().objects.filter(groups__name=PATIENTS).order_by("username")


class MembershipForm(WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["team", "user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_candidates()
        self.fields["user"].help_text = (
            "The staff account (create it under Settings > Users first). Patients cannot be members."
        )
        if self.instance.pk:
            # Moving a membership to another person or team is a removal and an addition:
            # two audit entries that say exactly what happened.
            self.fields["team"].disabled = True
            self.fields["user"].disabled = True


class TeamPatientForm(WagtailAdminModelForm):
    class Meta:
        model = TeamPatient
        fields = ["team", "patient"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patient_candidates()
        self.fields["patient"].help_text = "The team's members will see this patient's health data."
        if self.instance.pk:
            self.fields["team"].disabled = True
            self.fields["patient"].disabled = True
