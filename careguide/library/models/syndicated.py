"""Syndicated pages: other organisations' information, imported by `careguide import-corpus`.

They are library pages (the page tree, site cache and search treat them like any other), but
they are not ours: nobody here edits them, and our reading-grade and clinical-review rules do
not apply to them; the page says who wrote them instead (ADR 0017).
"""

from __future__ import annotations

from django.db import models
from wagtail.models import PagePermissionTester

from .pages import LibraryPage, _with_urls


class ReadOnlyPermissionTester(PagePermissionTester):
    """Nobody, superusers included, edits or adds to imported pages in the admin: the next
    import would silently overwrite the change. Unpublishing and deleting stay possible, so a
    page can still be withdrawn."""

    def can_edit(self):
        return False

    def can_add_subpage(self):
        return False

    def can_publish(self):
        return False

    def can_submit_for_moderation(self):
        return False

    def can_copy(self):
        return False

    def can_copy_to(self, destination, recursive=False):
        return False

    def can_move(self):
        return False

    def can_move_to(self, destination):
        return False

    def can_lock(self):
        return False


class SyndicatedIndexPage(LibraryPage):
    """The one parent of every imported page, created by the importer."""

    max_count = 1
    is_creatable = False
    parent_page_types = ["library.HomePage"]
    subpage_types = ["library.SyndicatedPage"]
    template = "library/syndicated_index_page.html"

    def permissions_for_user(self, user):
        return ReadOnlyPermissionTester(user, self)

    def compute_reading_grade(self):
        return None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = _with_urls(LibraryPage.objects.child_of(self).live().order_by("title"))
        return context


class SyndicatedPage(LibraryPage):
    """One imported document; one body section per row of the corpus file."""

    doc_id = models.CharField(max_length=64, unique=True, editable=False)
    source_name = models.CharField(max_length=200, editable=False)
    source_url = models.URLField(max_length=500, editable=False)
    imported_at = models.DateTimeField(editable=False)
    # sha256 of the whole file the page last came from (source_digest is this document's own).
    file_digest = models.CharField(max_length=64, blank=True, editable=False)

    is_creatable = False
    parent_page_types = ["library.SyndicatedIndexPage"]
    subpage_types: list[str] = []
    template = "library/syndicated_page.html"

    def permissions_for_user(self, user):
        return ReadOnlyPermissionTester(user, self)

    def compute_reading_grade(self):
        """Not graded: we cannot rewrite another organisation's text to our reading level."""
        return None


def syndicated_page_ids():
    """A subquery of every imported page and their index, for rules that only apply to ours."""
    return LibraryPage.objects.filter(
        models.Q(pk__in=SyndicatedPage.objects.values("pk"))
        | models.Q(pk__in=SyndicatedIndexPage.objects.values("pk"))
    ).values("pk")


def under_house_rules(queryset):
    """``queryset`` of library pages without the imported ones: reading grade and clinical
    review are our rules for our pages."""
    return queryset.exclude(pk__in=syndicated_page_ids())
