"""The library's reference data in the site cache (careguide/core/sitecache.py): the glossary
that term links are made from, dropped with everything else when an editor publishes."""

from __future__ import annotations

from careguide.core.sitecache import cached

from .models import GlossaryTerm


def glossary_entries() -> tuple[tuple[str, tuple[str, ...]], ...]:
    def compute():
        return tuple(
            (slug, (term, *[f.strip() for f in also.split(",") if f.strip()]))
            for slug, term, also in GlossaryTerm.objects.values_list("slug", "term", "also")
        )

    return cached("glossary", compute)
