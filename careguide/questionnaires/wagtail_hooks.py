"""Admin: "Questionnaires", where clinical reviewers approve new versions (admin_views.py)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ReviewListView, ReviewView, can_see


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("questionnaires/", ReviewListView.as_view(), name="questionnaire_review_list"),
        path("questionnaires/<int:pk>/", ReviewView.as_view(), name="questionnaire_review"),
    ]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see(request.user)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ReviewMenuItem("Questionnaires", reverse("questionnaire_review_list"), icon_name="form", order=850)
