"""Page types of the health library.

Every library page is a ``LibraryPage``: it carries a summary, the clinical review
lifecycle (last reviewed, interval, next review due, reviewer's role), its sources
and its reading grade, shown to patients and to editors alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from careguide.core import sitecache

from ..blocks import SourceBlock, body_blocks
from ..panels import ReadingGradePanel
from ..readability import grade, stream_segments
from .snippets import GlossaryTerm, SideEffect


def default_interval() -> int:
    return settings.CAREGUIDE_REVIEW_INTERVAL_MONTHS


def next_review(last_reviewed: dt.date | None, months: int) -> dt.date | None:
    if last_reviewed is None:
        return None
    return last_reviewed + relativedelta(months=months)


class LibraryPage(Page):
    summary = models.TextField(
        max_length=400, help_text="One or two plain sentences, shown under the title and in lists."
    )
    body = StreamField(body_blocks(), blank=True)
    sources = StreamField([("source", SourceBlock())], blank=True)
    related = StreamField([("page", wagtail_blocks.PageChooserBlock())], blank=True)

    last_reviewed = models.DateField(null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        default=default_interval, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    next_review_due = models.DateField(null=True, blank=True, editable=False, db_index=True)
    reviewer_role = models.CharField(
        max_length=120, blank=True, help_text="Set when a clinical reviewer approves the page."
    )
    reading_grade = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, editable=False
    )
    # Set by `careguide load-content`: which file the page came from and its digest.
    source_file = models.CharField(max_length=255, blank=True, editable=False)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        ReadingGradePanel(),
        FieldPanel("body"),
        FieldPanel("related"),
        FieldPanel("sources"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [FieldPanel("last_reviewed"), FieldPanel("review_interval_months"), FieldPanel("reviewer_role")],
            heading="Clinical review",
            help_text="A reviewer's approval in the Clinical review workflow sets these.",
        ),
    ]

    # A concrete base table: listings, search and review reports read every library page
    # in one query, whatever its type. Only the subclasses are created.
    is_creatable = False

    # --- the review lifecycle -------------------------------------------------
    def compute_next_review(self) -> dt.date | None:
        return next_review(self.last_reviewed, self.review_interval_months)

    def review_status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.next_review_due is None:
            return "never-reviewed"
        if self.next_review_due < today:
            return "overdue"
        if self.next_review_due <= today + dt.timedelta(days=30):
            return "due-soon"
        return "current"

    # --- reading grade ---------------------------------------------------------
    def reading_segments(self) -> list[str]:
        effects = _side_effect_names(self.body)
        return [self.title, self.summary, *stream_segments(self.body.raw_data, effects.get)]

    def compute_reading_grade(self) -> float | None:
        return round(grade(self.reading_segments()), 1)

    def full_clean(self, *args, **kwargs):
        self.next_review_due = self.compute_next_review()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.next_review_due = self.compute_next_review()
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            value = self.compute_reading_grade()  # None: a page we do not grade (ADR 0017)
            self.reading_grade = None if value is None else Decimal(str(value))
        return super().save(*args, **kwargs)


def _with_urls(pages) -> list:
    """Listed pages carry their URL from the site cache (``pageurl`` would query each type)."""
    known = sitecache.live_pages()
    out = []
    for page in pages:
        info = known.get(page.pk)
        if info is not None:
            page.card_url = info.url
            out.append(page)
    return out


def _side_effect_names(stream) -> dict:
    ids = set()
    for block in stream.raw_data:
        if block["type"] == "side_effects":
            for item in block["value"].get("items", []):
                ids.add(item["value"] if isinstance(item, dict) else item)
    if not ids:
        return {}
    return dict(SideEffect.objects.filter(pk__in=ids).values_list("pk", "name"))


class HomePage(LibraryPage):
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "library.SectionPage",
        "library.TopicPage",
        "library.GlossaryPage",
        "library.SideEffectsPage",
        "library.SyndicatedIndexPage",
    ]
    template = "library/home_page.html"

    def route(self, request, path_components):
        """Find a live page by its URL path in one lookup, not one query per level."""
        if path_components:
            prefix = self.url_path
            # The longest live page path that starts the request path; a routable page
            # (glossary, side effects) takes the rest of the path itself.
            for cut in range(len(path_components), 0, -1):
                info = sitecache.page_for_url_path(prefix + "/".join(path_components[:cut]) + "/")
                if info is None:
                    continue
                model = ContentType.objects.get_for_id(info.content_type_id).model_class()
                page = model.objects.filter(pk=info.pk, live=True).first() if model else None
                if page is None:
                    break
                rest = path_components[cut:]
                if hasattr(page, "resolve_subpage"):  # routable: it resolves its own sub-path
                    return page.route(request, rest)
                if not rest:
                    return RouteResult(page)
                break
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = _with_urls(LibraryPage.objects.child_of(self).live().in_menu())
        return context


class SectionPage(LibraryPage):
    """A group of pages such as "Treatments"; lists its children with their summaries."""

    parent_page_types = ["library.HomePage", "library.SectionPage"]
    subpage_types = [
        "library.SectionPage",
        "library.TopicPage",
        "library.ConditionPage",
        "library.TreatmentPage",
    ]
    template = "library/section_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = _with_urls(LibraryPage.objects.child_of(self).live())
        return context


class TopicPage(LibraryPage):
    parent_page_types = ["library.HomePage", "library.SectionPage"]
    subpage_types: list[str] = []
    template = "library/topic_page.html"


class ConditionPage(LibraryPage):
    parent_page_types = ["library.SectionPage"]
    subpage_types: list[str] = []
    template = "library/topic_page.html"


class TreatmentPage(LibraryPage):
    parent_page_types = ["library.SectionPage"]
    subpage_types: list[str] = []
    template = "library/topic_page.html"


class GlossaryPage(RoutablePageMixin, LibraryPage):
    """All glossary terms A to Z, and one page per term so a definition needs no script."""

    max_count = 1
    parent_page_types = ["library.HomePage"]
    subpage_types: list[str] = []
    template = "library/glossary_page.html"

    def reading_segments(self) -> list[str]:
        segments = super().reading_segments()
        for term, definition in GlossaryTerm.objects.values_list("term", "definition"):
            segments += [term, definition]
        return segments

    @path("")
    def index_route(self, request):
        terms = list(GlossaryTerm.objects.all())
        letters: dict[str, list[GlossaryTerm]] = {}
        for term in terms:
            letters.setdefault(term.term[0].upper(), []).append(term)
        return self.render(request, context_overrides={"letters": letters})

    @path("<slug:term_slug>/")
    def term_route(self, request, term_slug):
        term = get_object_or_404(GlossaryTerm, slug=term_slug)
        return self.render(
            request,
            template="library/glossary_term.html",
            context_overrides={"term": term},
        )

    def term_url(self, term: GlossaryTerm) -> str:
        return self.url + term.slug + "/"


class SideEffectsPage(RoutablePageMixin, LibraryPage):
    """Every side effect with what helps and when to call; one page per side effect."""

    max_count = 1
    parent_page_types = ["library.HomePage"]
    subpage_types: list[str] = []
    template = "library/side_effects_page.html"

    def reading_segments(self) -> list[str]:
        segments = super().reading_segments()
        for effect in SideEffect.objects.all():
            segments += [effect.name, effect.summary]
            for field in (effect.self_care, effect.call_care_team, effect.call_within_24_hours, effect.emergency):
                segments += SideEffect.lines(field)
        return segments

    @path("")
    def index_route(self, request):
        return self.render(request, context_overrides={"effects": SideEffect.objects.all()})

    @path("<slug:effect_slug>/")
    def effect_route(self, request, effect_slug):
        effect = get_object_or_404(SideEffect, slug=effect_slug)
        return self.render(
            request,
            template="library/side_effect.html",
            context_overrides={"effect": effect},
        )
