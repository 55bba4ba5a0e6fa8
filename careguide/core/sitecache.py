"""Site-wide reference data every page needs, cached and dropped whenever it changes.

A page view needs the menu, the URL of every page a rich-text link points at and the
organization's details (an app caches its own reference data here too: the library its
glossary, ``library/sitecache.py``). They change only when an editor publishes, so they are
cached under a generation number that every publish, move, delete or settings save bumps
(``core/signals.py``, and each app's own signals for its snippets). With a shared cache (file,
database or Redis: docs/deploy.md) every worker sees the bump at once; entries also expire after
``TIMEOUT`` seconds, which bounds staleness on a per-process cache.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from wagtail.models import Page, Site

PREFIX = "careguide:site"
GEN_KEY = f"{PREFIX}:generation"
TIMEOUT = 300


@dataclass(frozen=True)
class PageInfo:
    pk: int
    title: str
    url: str
    url_path: str
    depth: int
    content_type_id: int
    show_in_menus: bool


def generation() -> int:
    gen = cache.get(GEN_KEY)
    if gen is None:
        cache.add(GEN_KEY, time.time_ns(), None)
        gen = cache.get(GEN_KEY)
    return gen


def invalidate(**_kwargs) -> None:
    """Signal receiver and helper: the next read recomputes everything."""
    cache.set(GEN_KEY, time.time_ns(), None)


def cached(name: str, compute):
    """``compute()``, kept under ``name`` until the next ``invalidate`` (or ``TIMEOUT``)."""
    key = f"{PREFIX}:{name}:{generation()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def live_pages() -> dict[int, PageInfo]:
    def compute():
        out = {}
        fields = ("id", "title", "url_path", "depth", "path", "content_type_id", "show_in_menus")
        for page in Page.objects.live().filter(depth__gte=2).only(*fields).order_by("path"):
            url = page.get_url()
            if url is None:
                continue
            out[page.pk] = PageInfo(page.pk, page.title, url, page.url_path, page.depth,
                                    page.content_type_id, page.show_in_menus)
        return out

    return cached("pages", compute)


def page_for_url_path(url_path: str) -> PageInfo | None:
    def compute():
        return {info.url_path: info.pk for info in live_pages().values()}

    pk = cached("url_paths", compute).get(url_path)
    return live_pages().get(pk) if pk is not None else None


def menu(root_depth: int = 2) -> list[PageInfo]:
    return [p for p in live_pages().values() if p.depth == root_depth + 1 and p.show_in_menus]


def first_url_of_type(model) -> str | None:
    ct_id = ContentType.objects.get_for_model(model).pk  # ContentType has its own cache
    for info in live_pages().values():
        if info.content_type_id == ct_id:
            return info.url
    return None


def organization(site_id: int):
    """The site's OrganizationSettings with ``locations_list`` and ``crisis_url`` filled in."""

    def compute():
        # By name: core.models imports crisis.py, which reads this module.
        settings_model = apps.get_model("core", "OrganizationSettings")
        org = settings_model.for_site(Site.objects.get(pk=site_id))
        org.locations_list = list(org.locations.all())
        page = live_pages().get(org.crisis_page_id) if org.crisis_page_id else None
        org.crisis_url = page.url if page is not None else ""
        return org

    return cached(f"org:{site_id}", compute)


def default_organization():
    """The default site's organization (for code without a request: APIs, emails), or None."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return organization(site.pk) if site is not None else None
