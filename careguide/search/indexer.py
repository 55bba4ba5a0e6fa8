"""Build the search index from the library: one SearchEntry per section of each live, public
library page, one per glossary term, side effect and patient tool; then the full-text index.

``rebuild()`` redoes everything in one transaction (idempotent); ``reindex_page()`` redoes one
page's entries, which is what a publish or unpublish needs. ``connect()`` wires the signals; they
re-index after the commit, and a failure is logged and shown to editors, never raised
(``reindex_page_safely``, ``IndexProblem``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch
from django.utils import timezone
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from careguide.core.tools import TOOLS
from careguide.library.models import (
    ConditionPage,
    GlossaryPage,
    GlossaryTerm,
    LibraryPage,
    SideEffect,
    SideEffectsPage,
    SyndicatedPage,
    TreatmentPage,
)
from careguide.triage.deployment import fill

from .backends import get_backend
from .models import IndexProblem, SearchEntry
from .sections import Section, extract_sections

logger = logging.getLogger(__name__)
Kind = SearchEntry.Kind


def _kind_for(page) -> str:

    # Imported documents (ADR 0017) are condition summaries too.
    if isinstance(page, (ConditionPage, SyndicatedPage)):
        return Kind.CONDITION
    if isinstance(page, TreatmentPage):
        return Kind.TREATMENT
    if isinstance(page, SideEffectsPage):
        return Kind.SIDE_EFFECT
    return Kind.PAGE


def _page_prefix(page_pk: int) -> str:
    return f"page:{page_pk}#"


def _entry(kind, key, title, section: Section, url, definition="") -> SearchEntry:
    # Content names thresholds as tokens ({fever}); search shows and finds the words the page shows.

    return SearchEntry(
        kind=kind, source_key=key[:120], title=title[:255], heading=fill(section.heading)[:255],
        url=url[:500], body=fill(section.text), definition=fill(definition), position=section.position,
    )


def page_entries(page, *, side_effect_names=None, tools=None) -> list[SearchEntry]:
    url = page.get_url()
    if not url:
        return []
    kind = _kind_for(page)
    return [
        _entry(kind, _page_prefix(page.pk) + section.anchor, page.title, section,
               url + ("#" + section.anchor if section.anchor else ""))
        for section in extract_sections(page, side_effect_names=side_effect_names, tools=tools)
    ]


def glossary_entries(using: str) -> list[SearchEntry]:

    index = GlossaryPage.objects.using(using).live().public().first()
    if index is None:
        return []
    base = index.get_url()
    out = []
    for term in GlossaryTerm.objects.using(using).all():
        others = ", ".join(term.forms[1:])
        text = term.definition + (f" Also: {others}." if others else "")
        out.append(_entry(Kind.GLOSSARY, f"glossary:{term.slug}", term.term,
                          Section("", "", text, 0), f"{base}{term.slug}/", term.definition))
    return out


def side_effect_entries(using: str) -> list[SearchEntry]:
    """Each side effect as its page /side-effects/<slug>/ shows it (its headings' ids are
    fixed in library/side_effect.html)."""

    index = SideEffectsPage.objects.using(using).live().public().first()
    if index is None:
        return []
    base = index.get_url()
    out = []
    for effect in SideEffect.objects.using(using).all():
        url = f"{base}{effect.slug}/"
        key = f"side_effect:{effect.slug}"
        sections = [
            Section("", "", effect.summary, 0),
            Section("What can help", "self-care-title", " ".join(SideEffect.lines(effect.self_care)), 1),
            Section("When to get help", "get-help-title",
                    " ".join(SideEffect.lines(effect.emergency) + SideEffect.lines(effect.call_care_team)
                             + SideEffect.lines(effect.call_within_24_hours)), 2),
        ]
        for s in sections:
            if s.text or not s.anchor:
                out.append(_entry(Kind.SIDE_EFFECT, f"{key}#{s.anchor}", effect.name, s,
                                  url + (f"#{s.anchor}" if s.anchor else "")))
    return out


def tool_entries() -> list[SearchEntry]:

    out = []
    for tool in TOOLS.values():
        try:
            url = tool.url
        except NoReverseMatch:
            continue
        out.append(_entry(Kind.TOOL, f"tool:{tool.key}", tool.title,
                          Section("", "", tool.description, 0), url))
    return out


def _library_pages(using: str, pks=None):
    qs = LibraryPage.objects.using(using).live().public()
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    return list(qs.specific().order_by("path"))


def _side_effect_names(using: str) -> dict:
    return dict(SideEffect.objects.using(using).values_list("pk", "name"))


def _save(entries: list[SearchEntry], using: str) -> None:
    created = SearchEntry.objects.using(using).bulk_create(entries, batch_size=500)
    if created and created[0].pk is None:  # a database that does not return ids
        keys = [e.source_key for e in entries]
        created = list(SearchEntry.objects.using(using).filter(source_key__in=keys))
    get_backend(using).index(created)


def rebuild(using: str = "default") -> int:
    """Replace every entry and the full-text index; returns the number of entries."""
    with transaction.atomic(using=using):
        names = _side_effect_names(using)
        entries: list[SearchEntry] = []
        for page in _library_pages(using):
            entries += page_entries(page, side_effect_names=names, tools=TOOLS)
        entries += glossary_entries(using) + side_effect_entries(using) + tool_entries()
        # Two sections with one anchor cannot happen (anchors are unique per page); keep the
        # first of any duplicate key anyway, so a bad row never stops the whole rebuild.
        unique = list({e.source_key: e for e in reversed(entries)}.values())[::-1]
        backend = get_backend(using)
        backend.clear()
        SearchEntry.objects.using(using).all().delete()
        _save(unique, using)
        IndexProblem.objects.using(using).all().delete()  # everything is indexed afresh
    return len(unique)


def reindex_page(page_pk: int, using: str = "default") -> None:
    """Redo one page's entries (none when it is no longer live and public)."""
    with transaction.atomic(using=using):
        old = SearchEntry.objects.using(using).filter(source_key__startswith=_page_prefix(page_pk))
        get_backend(using).remove(list(old.values_list("pk", flat=True)))
        old.delete()
        pages = _library_pages(using, [page_pk])
        if pages:
            _save(page_entries(pages[0], side_effect_names=_side_effect_names(using)), using)


def reindex_snippets(using: str = "default") -> None:
    """Redo the glossary and side-effect entries (a term or side effect changed)."""
    with transaction.atomic(using=using):
        old = SearchEntry.objects.using(using).filter(kind__in=[Kind.GLOSSARY]) | SearchEntry.objects.using(
            using
        ).filter(source_key__startswith="side_effect:")
        get_backend(using).remove(list(old.values_list("pk", flat=True)))
        old.delete()
        _save(glossary_entries(using) + side_effect_entries(using), using)


# --- after a publish: never fail it ------------------------------------------------------------
# Re-indexing runs after the publish's transaction commits. A failure there must not turn the
# reviewer's "Approve and publish" into an error page (the page is live already): it is logged,
# with the page id and the error's name only (never page text), and kept as an IndexProblem that
# editors see until a later index of the same page succeeds.

def _safely(source_key: str, title, work, using: str) -> bool:
    """Run ``work()``; on failure log and record it for editors. True when it succeeded."""

    try:
        work()
    except Exception as exc:  # noqa: BLE001 - any failure: the publish stands, editors are told
        logger.error("Search indexing of %s failed (%s); search shows it as it was before.",
                     source_key, type(exc).__name__)
        try:
            with transaction.atomic(using=using):
                problem, created = IndexProblem.objects.using(using).select_for_update().get_or_create(
                    source_key=source_key,
                    defaults={"title": str(title())[:255], "error": type(exc).__name__, "failed_at": timezone.now()})
                if not created:
                    problem.error, problem.failed_at = type(exc).__name__, timezone.now()
                    problem.attempts += 1
                    problem.save(update_fields=["error", "failed_at", "attempts"])
        except Exception as record_exc:  # noqa: BLE001 - not even this may fail the publish
            logger.error("Recording the indexing problem of %s failed (%s).", source_key, type(record_exc).__name__)
        return False
    IndexProblem.objects.using(using).filter(source_key=source_key).delete()
    return True


def _page_title(page_pk: int, using: str):
    def title():
        return Page.objects.using(using).filter(pk=page_pk).values_list("title", flat=True).first() or \
            f"Page {page_pk}"
    return title


def reindex_page_safely(page_pk: int, using: str = "default") -> bool:
    return _safely(f"page:{page_pk}", _page_title(page_pk, using), lambda: reindex_page(page_pk, using), using)


def reindex_snippets_safely(using: str = "default") -> bool:
    return _safely("snippets", lambda: "Glossary terms and side effects", lambda: reindex_snippets(using), using)


# --- signals -----------------------------------------------------------------------------
def _on_page_change(sender, instance, **kwargs):
    if not isinstance(instance, LibraryPage):
        return
    using = instance._state.db or "default"
    pk = instance.pk
    # After commit: the publish's own transaction decides what is live.
    transaction.on_commit(lambda: reindex_page_safely(pk, using), using=using)


def _on_page_delete(sender, instance, **kwargs):
    using = instance._state.db or "default"
    pk = instance.pk
    title = str(instance.title)

    def drop():
        prefix = _page_prefix(pk)
        old = SearchEntry.objects.using(using).filter(source_key__startswith=prefix)
        get_backend(using).remove(list(old.values_list("pk", flat=True)))
        old.delete()

    transaction.on_commit(lambda: _safely(f"page:{pk}", lambda: title, drop, using), using=using)


def _on_snippet_change(sender, instance, **kwargs):
    using = instance._state.db or "default"
    transaction.on_commit(lambda: reindex_snippets_safely(using), using=using)


def connect() -> None:
    """Keep the index current: called from the search app's ready()."""
    page_published.connect(_on_page_change, dispatch_uid="search-page-published")
    page_unpublished.connect(_on_page_change, dispatch_uid="search-page-unpublished")
    post_delete.connect(_on_page_delete, sender=Page, dispatch_uid="search-page-deleted")
    for model in (GlossaryTerm, SideEffect):
        post_save.connect(_on_snippet_change, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_on_snippet_change, sender=model, dispatch_uid=f"search-del-{model.__name__}")
