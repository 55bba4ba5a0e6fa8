"""Registers the "Searches with no results" report (admin_views.py) in the Reports menu.

Imported from careguide/search/wagtail_hooks.py, which Wagtail loads at start-up.
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ZeroResultReportView, can_see_report


@hooks.register("register_admin_urls")
def register_zero_results_report_urls():
    return [
        path("reports/searches-with-no-results/", ZeroResultReportView.as_view(),
             name="search_zero_results_report"),
        path("reports/searches-with-no-results/results/", ZeroResultReportView.as_view(results_only=True),
             name="search_zero_results_report_results"),
    ]


class ZeroResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_report(request.user)


@hooks.register("register_reports_menu_item")
def register_zero_results_menu_item():
    return ZeroResultsMenuItem(
        "Searches with no results",
        reverse("search_zero_results_report"),
        icon_name="search",
        order=60,
    )
