"""Admin report: every live library page with its review status and reading grade."""

from django.utils import timezone
from wagtail.admin.views.reports import ReportView

from careguide.search.models import IndexProblem  # published pages search could not index

from .models import LibraryPage, under_house_rules
from .review import DUE_SOON_DAYS


class ReviewReportView(ReportView):
    page_title = "Clinical review and reading grade"
    header_icon = "time"
    template_name = "library/admin/review_report.html"
    results_template_name = "library/admin/review_report_results.html"
    index_url_name = "clinical_review_report"
    index_results_url_name = "clinical_review_report_results"
    paginate_by = 100
    list_export = ["title", "status", "last_reviewed", "next_review_due", "reviewer_role", "reading_grade"]
    export_headings = {"reading_grade": "Reading grade", "status": "Review status"}

    def get_queryset(self):
        today = timezone.localdate()
        due_only = self.request.GET.get("due") == "1"
        rows = []
        # Imported pages follow their publisher's review and reading level, not ours (ADR 0017).
        for page in under_house_rules(LibraryPage.objects.live()):
            page.status = page.review_status(today)
            if due_only and page.status == "current":
                continue
            rows.append(page)
        order = {"never-reviewed": 0, "overdue": 1, "due-soon": 2, "current": 3}
        rows.sort(key=lambda p: (order[p.status], p.next_review_due or today, p.title))
        return rows

    def filter_queryset(self, queryset):
        return queryset

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["due_only"] = self.request.GET.get("due") == "1"
        context["due_soon_days"] = DUE_SOON_DAYS
        context["index_problems"] = list(IndexProblem.objects.all())
        return context
