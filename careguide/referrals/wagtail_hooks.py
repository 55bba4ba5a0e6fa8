"""Admin screen for clinic sessions (who sees patients where and when). Administrators only;
every save and delete is audited. Slots are published from the sessions by
`careguide publish-slots`."""

from __future__ import annotations

from django.db import transaction
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from careguide.accounts.permissions import SuperuserOnlyPermissionPolicy
from careguide.audit import service as audit

from .admin_forms import ClinicSessionForm
from .models import ClinicSession

register_permission_policy(ClinicSession, SuperuserOnlyPermissionPolicy(ClinicSession))


class CreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()  # form_valid runs this inside a transaction
        audit.record(self.request.user, audit.CREATE, instance, detail="clinic session")
        return instance


class EditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        audit.record(self.request.user, audit.UPDATE, instance, detail="clinic session")
        return instance


class DeleteView(generic.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            session_id = self.object.pk
            super().delete_action()
            audit.record(self.request.user, audit.DELETE, object_type="referrals.clinicsession",
                         object_id=session_id, detail="clinic session")


class ClinicSessionViewSet(ModelViewSet):
    model = ClinicSession
    icon = "date"
    menu_label = "Clinic sessions"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["clinician", "location", "weekday", "start_time", "end_time", "slot_minutes", "active"]
    list_filter = ["location", "weekday", "active"]
    copy_view_enabled = False
    add_view_class, edit_view_class, delete_view_class = CreateView, EditView, DeleteView

    def get_form_class(self, for_update=False):
        return ClinicSessionForm


@hooks.register("register_admin_viewset")
def register_viewset():
    return ClinicSessionViewSet("clinic_sessions")
