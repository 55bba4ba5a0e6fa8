"""The audit log in the admin: a read-only list for administrators (superusers) only.

Nobody can add, change or delete an entry here (the policy grants only "view", and
AuditEvent refuses changes itself). Editors, reviewers and care-team staff neither see the
menu item nor open the pages (403).
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.urls import path
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from careguide.accounts.permissions import SuperuserOnlyPermissionPolicy
from careguide.accounts.roles import PATIENTS

from . import service
from .models import AuditEvent

register_permission_policy(AuditEvent, SuperuserOnlyPermissionPolicy(AuditEvent, actions={"view"}))


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        choices=[(a, a) for a in (service.CREATE, service.READ, service.UPDATE, service.DELETE)])
    actor = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.order_by("username"))
    patient = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(groups__name=PATIENTS).order_by("username"))
    at = django_filters.DateFromToRangeFilter(label="Date", field_name="at__date", widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "patient", "at"]


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = "Audit log"
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "patient", "detail"]
    filterset_class = AuditEventFilterSet
    search_fields = ["actor_label", "object_type", "object_id", "detail"]
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    # Never exported in bulk from the admin: the log names patients.
    list_export = []

    def get_urlpatterns(self):
        # Only the list and the detail of one entry: there are no add, edit or delete pages.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


@hooks.register("register_admin_viewset")
def register_viewset():
    return AuditEventViewSet("audit_log")
