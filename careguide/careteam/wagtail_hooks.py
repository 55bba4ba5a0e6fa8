"""Admin screens for care teams: teams, their members (with a role) and their patients.

Only administrators (superusers) see or change them (ADR 0011). Every save and delete goes
through careteam.services, which audits it in the same transaction as the change.
"""

from __future__ import annotations

from django.db import transaction
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from careguide.accounts.permissions import SuperuserOnlyPermissionPolicy

from . import services
from .forms import MembershipForm, TeamPatientForm
from .models import CareTeam, Membership, TeamPatient

for _model in (CareTeam, Membership, TeamPatient):
    register_permission_policy(_model, SuperuserOnlyPermissionPolicy(_model))


def audited_views(saved, delete):
    """Create, edit and delete views that hand each write to `saved`/`delete` (services)."""

    class CreateView(generic.CreateView):
        def save_instance(self):
            instance = super().save_instance()  # form_valid runs this inside a transaction
            saved(self.request.user, instance, created=True)
            return instance

    class EditView(generic.EditView):
        def save_instance(self):
            instance = super().save_instance()
            saved(self.request.user, instance, created=False)
            return instance

    class DeleteView(generic.DeleteView):
        def delete_action(self):
            with transaction.atomic():
                delete(self.request.user, self.object)

    return CreateView, EditView, DeleteView


class CareTeamViewSet(ModelViewSet):
    model = CareTeam
    icon = "group"
    menu_label = "Teams"
    form_fields = ["name", "description"]
    list_display = ["name", "description"]
    search_fields = ["name"]
    copy_view_enabled = False
    add_view_class, edit_view_class, delete_view_class = audited_views(services.team_saved, services.delete_team)


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = "Members"
    list_display = ["user", "role", "team"]
    list_filter = ["team", "role"]
    copy_view_enabled = False
    add_view_class, edit_view_class, delete_view_class = audited_views(services.member_saved,
                                                                       services.remove_member)

    def get_form_class(self, for_update=False):
        return MembershipForm


class TeamPatientViewSet(ModelViewSet):
    model = TeamPatient
    icon = "user"
    menu_label = "Patients"
    list_display = ["patient", "team", "since"]
    list_filter = ["team"]
    copy_view_enabled = False
    add_view_class, edit_view_class, delete_view_class = audited_views(services.patient_link_saved,
                                                                       services.remove_patient)

    def get_form_class(self, for_update=False):
        return TeamPatientForm


class CareTeamGroup(ModelViewSetGroup):
    menu_label = "Care teams"
    menu_icon = "group"
    menu_order = 250
    items = (CareTeamViewSet("care_teams"), MembershipViewSet("care_team_members"),
             TeamPatientViewSet("care_team_patients"))


@hooks.register("register_admin_viewset")
def register_viewset():
    return CareTeamGroup()
