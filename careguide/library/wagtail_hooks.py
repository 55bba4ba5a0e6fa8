"""Admin additions: the clinical review report, with each page's reading grade."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from .models import GlossaryTerm, SideEffect
from .richtext import CachedPageLinkHandler
from .views import ReviewReportView

register_snippet(GlossaryTerm)
register_snippet(SideEffect)


@hooks.register("register_admin_urls")
def register_review_report_url():
    return [
        path("reports/clinical-review/", ReviewReportView.as_view(), name="clinical_review_report"),
        path(
            "reports/clinical-review/results/",
            ReviewReportView.as_view(results_only=True),
            name="clinical_review_report_results",
        ),
    ]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    return ReviewMenuItem(
        "Clinical review and reading grade",
        reverse("clinical_review_report"),
        icon_name="time",
        order=50,
    )




@hooks.register("register_rich_text_features")
def register_cached_page_links(features):
    """Page links in rich text resolve from the cached URL map: no query per link."""
    features.register_link_type(CachedPageLinkHandler)
