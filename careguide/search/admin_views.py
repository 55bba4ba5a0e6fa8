"""Admin report "Searches with no results": what people looked for and did not find.

Editors use it to see which words to add as synonyms and which questions our pages do not
answer yet. Each row is the query text, how often it was searched and when first and last:
nothing about who searched (zero.py keeps nothing else).
"""

import re

from django.core.exceptions import PermissionDenied
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from careguide.accounts.roles import EDITORS, REVIEWERS

from .models import ZeroResultQuery


def can_see_report(user) -> bool:
    """Content staff: superusers, and editors or clinical reviewers who can use the admin."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("wagtailadmin.access_admin") and user.groups.filter(
        name__in=[EDITORS, REVIEWERS]
    ).exists()


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): it starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML (so XLSX) cannot hold: openpyxl refuses the whole file for one of them.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_text(value) -> str:
    """Text an XLSX file can hold (Wagtail already stores a formula-like cell as text there)."""
    return NOT_IN_XML.sub("", str(value))


def csv_text(value) -> str:
    """What people typed, as a CSV cell a spreadsheet shows and never runs: a leading quote
    before a formula character makes the cell read as text."""
    text = xlsx_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class ZeroResultReportView(ReportView):
    page_title = "Searches with no results"
    header_icon = "search"
    index_url_name = "search_zero_results_report"
    index_results_url_name = "search_zero_results_report_results"
    model = ZeroResultQuery
    paginate_by = 50
    default_ordering = "-count"
    columns = [
        Column("query", label="Query", sort_key="query"),
        Column("count", label="Searches", sort_key="count"),
        DateColumn("first_seen", label="First seen", sort_key="first_seen"),
        DateColumn("last_seen", label="Last seen", sort_key="last_seen"),
    ]
    list_export = ["query", "count", "first_seen", "last_seen"]
    export_headings = {"count": "Searches", "first_seen": "First seen", "last_seen": "Last seen"}
    # The query is what someone typed: exported as inert text.
    custom_field_preprocess = {"query": {ReportView.FORMAT_CSV: csv_text, ReportView.FORMAT_XLSX: xlsx_text}}

    def dispatch(self, request, *args, **kwargs):
        if not can_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def order_queryset(self, queryset):
        # A stable order for equal counts or dates: the query text breaks the tie.
        ordering = self.ordering or self.default_ordering
        return queryset.order_by(ordering, "query")
